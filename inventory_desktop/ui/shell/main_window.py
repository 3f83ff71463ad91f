"""The main window: the item table, its filter, the menus and the status bar.

What each action does to an item lives in item_actions.py; this module
lays out the window, keeps it in step with the data file and remembers its
layout between runs.
"""

from __future__ import annotations

import contextlib
import html
from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStyle,
    QSystemTrayIcon,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ... import db, services
from ...errors import DataFileError, InventoryError
from ...file_identity import check_header
from ...services import ItemRow
from ..common.operations import show_refusal
from ..items.item_actions import ItemActions
from ..items.item_loader import ItemLoader
from ..items.item_table import HEADERS, NAME, ItemTableModel
from ..reports.reports_menu import add_reports_menu
from ..transfer.transfer_actions import TransferActions
from . import data_files, operator, server_dialog, server_mode
from .backup_actions import BackupActions
from .watcher import DataFileWatcher

_READ_ONLY_STYLE = "background: #fff3cd; color: #664d03; padding: 6px; border: 1px solid #e0c46c;"
_LOW_STOCK_MESSAGE_MS = 15_000
_NOTICE_MS = 30_000
_NO_ITEMS = "No items yet: press Ctrl+N to add the first one."
# Columns are sized to their content once, from the first rows loaded (more
# would cost at 50,000 items); Name takes the rest of the width.
_FIT_ROWS = 500
_HEADER_KEY = "table/header-v2"  # v1 states stretched Status over the empty width


def _banner_text(info: db.DataFileInfo) -> str:
    path = html.escape(str(info.path))
    if info.schema_problems:
        first = html.escape(info.schema_problems[0])
        more = len(info.schema_problems) - 1
        return (f"<b>Changed by another program:</b> the structure of {path} is not this "
                f"program's ({first}{f', and {more} more' if more else ''}), so nothing can be "
                "written to it. You can look up stock, view history and back it up; "
                "<tt>inventory verify</tt> lists every change. Restore the file from a backup.")
    return (f"<b>Read-only:</b> {path} cannot be changed (the file or its folder is not "
            "writable). You can look up stock, view history and back it up.")


class MainWindow(QMainWindow):
    """The stock list of the open data file and every action on it."""

    items_shown = Signal()  # after a (re)load has reached the table

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ItemTableModel(self)
        self.loader = ItemLoader(self)
        self.loader.loaded.connect(self._show_items)
        self.loader.failed.connect(
            lambda message: self.statusBar().showMessage(f"Could not reload: {message}", 5000))
        self._build_central()
        self.commands = ItemActions(self)
        self.backup_actions = BackupActions(self)
        self.transfer = TransferActions(self)
        self._build_menus()
        self._counts = QLabel(self)
        # A fixed width: a new count on every keystroke then repaints the label,
        # not the whole re-laid-out status bar.
        self._counts.setFixedWidth(self._counts.fontMetrics().horizontalAdvance(
            "88,888 of 88,888 items shown · 88,888 low") + 12)
        self._counts.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.statusBar().addPermanentWidget(self._counts)
        self.operator_button = operator.OperatorButton(self)
        self.operator_button.clicked.connect(self.commands.operator.trigger)
        self.statusBar().addPermanentWidget(self.operator_button)
        self._tray: QSystemTrayIcon | None = None
        self.watcher = DataFileWatcher(self.reload, self)
        self.watcher.went_offline.connect(self.offline_banner.show_offline)
        self.watcher.came_back.connect(self.offline_banner.hide)
        services.add_low_stock_listener(self.on_low_stock)
        self._restore_layout()
        self.load_file()

    def _build_central(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        self.banner = QLabel(central)
        self.banner.setStyleSheet(_READ_ONLY_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.offline_banner = server_mode.OfflineBanner(central)
        self.filter_box = QLineEdit(central)
        self.filter_box.setPlaceholderText("Filter by name or SKU (Ctrl+F)")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.apply_filter)
        self.filter_box.returnPressed.connect(self._focus_table)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.filter_box, self.filter_box.clear,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.low_only = QCheckBox("&Low only", central)
        self.low_only.setToolTip("Show only items at or below their low-stock threshold (Alt+L)")
        self.low_only.toggled.connect(self._show_low_only)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_box, 1)
        filter_row.addWidget(self.low_only)
        self.table = self._build_table(central)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.banner)
        layout.addLayout(filter_row)
        layout.addWidget(self.table)
        self.setCentralWidget(central)

    def _build_table(self, parent: QWidget) -> QTableView:
        table = QTableView(parent)
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        # Fixed row heights let the view lay out 50,000 rows without measuring them.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._show_context_menu)
        table.activated.connect(lambda _index: self.commands.edit.trigger())
        table.selectionModel().currentRowChanged.connect(self._selection_changed)
        return table

    def _build_menus(self) -> None:
        a = self.commands
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([a.new_file, a.open_file, a.open_server])
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([a.back_up, self.backup_actions.backups,
                              self.backup_actions.restore])
        file_menu.setToolTipsVisible(True)  # why backups are off on a server
        file_menu.addSeparator()
        file_menu.addActions([self.transfer.import_items, self.transfer.export])
        file_menu.addSeparator()
        file_menu.addActions([a.operator, a.quit])
        items_menu = self.menuBar().addMenu("&Items")
        items_menu.addActions(a.item_actions())
        items_menu.addSeparator()
        items_menu.addActions([a.receive_delivery, a.waste_sheet, a.revalue])
        items_menu.addSeparator()
        items_menu.addAction(a.find)
        stocktake_menu = self.menuBar().addMenu("&Stocktake")
        stocktake_menu.addActions([a.stocktake, a.storage_areas])
        costs_menu = self.menuBar().addMenu("&Costs")
        costs_menu.addActions([a.suppliers, a.currency])
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addActions([a.show_archived, a.all_history, a.audit_log])
        self.menuBar().addMenu("&Help").addActions([a.keyboard_help, a.manual, a.about])
        toolbar = self.addToolBar("Items")
        toolbar.setObjectName("items-toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([a.new_item, a.edit, a.receive, a.deduct, a.adjust, a.history,
                            a.archive, a.receive_delivery])
        add_reports_menu(self, before=view_menu.menuAction(), toolbar=toolbar)

    def load_file(self) -> None:
        """Show the data file that is open now (at start and after File → Open)."""
        info = db.current_file()
        data_files.remember_file(data_files.current_target(info))
        self.setWindowTitle(f"{info.location if info.server else info.path.name} — Inventory")
        self.offline_banner.hide()
        server_mode.fit_backup_actions([self.commands.back_up, self.backup_actions.backups,
                                        self.backup_actions.restore], info)
        self.banner.setVisible(not info.writable)
        self.banner.setText(_banner_text(info))
        self.reload()
        if info.notices:
            self.statusBar().showMessage(" ".join(info.notices), _NOTICE_MS)
        self.watcher.start()

    def switch_to(self, path: str | Path, *, create: bool = False) -> bool:
        """Open another data file here (a new one only with `create`); on a refusal
        the current one stays open."""
        try:
            # From the bytes alone, while the current file stays open and shown.
            if not db.is_server_address(str(path)):
                check_header(Path(path).expanduser().absolute(), db.schema_version_known())
        except DataFileError as error:
            show_refusal(self, "Cannot open this data file", str(error))
            return False
        previous = data_files.current_target(db.current_file())
        # History and audit windows show the old file's rows under the same ids.
        self._close_child_windows()
        # While no file is open nothing may read it: no polling, no late rows.
        self.watcher.stop()
        self.loader.drop_pending()
        if data_files.open_or_explain(self, path, create=create) is None:
            self._reopen(previous)
            return False
        self.model.set_items([])
        self.load_file()
        return True

    def open_recent(self, target: str) -> bool:
        """Open a recent file, or a recent server (logging in first, as File → Open server…)."""
        if db.is_server_address(target):
            return server_dialog.open_address(self, target)
        return self.switch_to(target)

    def let_go_of_file(self) -> Path:
        """Close the data file (its windows, the watcher, loads under way), so that it can be
        replaced; its path. take_back_file opens it again."""
        path = db.current_file().path
        self._close_child_windows()
        self.watcher.stop()
        self.loader.drop_pending()
        db.close_database()
        return path

    def take_back_file(self, path: Path) -> None:
        """Open `path` again after let_go_of_file (restored, or as it was)."""
        if data_files.open_or_explain(self, path) is None:
            self._reopen(path)
            return
        self.model.set_items([])
        self.load_file()

    def _reopen(self, previous: str | Path) -> None:
        what = "The database" if db.is_server_address(str(previous)) else "The data file"
        text = (f"{what} {previous} was closed to open another one, "
                "and now it cannot be opened again.")
        if data_files.open_until_chosen(previous, text) is None:
            self.close()
            return
        self.model.set_items([])
        self.load_file()

    @property
    def read_only(self) -> bool:
        """True when nothing may be written: a read-only file, or one changed by another program."""
        return not db.current_file().writable

    def reload(self) -> None:
        """Reload every item in the background, keeping filter, sort and selection."""
        if not self.model.total_count():
            self.statusBar().showMessage("Loading items…")
        with contextlib.suppress(InventoryError):  # busy: amounts keep the symbol they had
            self.model.currency = services.currency_symbol()
        self.loader.load(include_archived=self.commands.show_archived.isChecked())

    def refresh_item(self, item_id: int) -> None:
        """Show one item's new state after this window changed it (no full reload)."""
        try:
            item = services.get_item(item_id)
        except InventoryError as error:
            self.statusBar().showMessage(f"Could not reload: {error}", 5000)
            return
        self.model.put_item(item, include_archived=self.commands.show_archived.isChecked())
        self._after_items_changed()
        if self.loader.busy:
            self.reload()  # a load started before this change would bring back the old state

    def _show_items(self, items: list[ItemRow]) -> None:
        if self.statusBar().currentMessage() == "Loading items…":
            self.statusBar().clearMessage()
        first_load = not self.model.total_count()
        self.model.set_items(items)
        if first_load and self.selected_item() is None and self.model.rowCount():
            # A keyboard user can act at once: arrows move, Ctrl+R receives.
            self.table.selectRow(0)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not items and not self.read_only:
            self.statusBar().showMessage(_NO_ITEMS)
        if first_load and items and not self._header_restored:
            self._fit_columns()
        self._after_items_changed()
        self.items_shown.emit()

    def _after_items_changed(self) -> None:
        if self.model.total_count() and self.statusBar().currentMessage() == _NO_ITEMS:
            self.statusBar().clearMessage()
        self._update_counts()
        self.commands.update_enabled(self.selected_item())

    def apply_filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_counts()
        if self.selected_item() is None:
            if self.model.rowCount():
                # Type a few letters, then Ctrl+R: the first match is the one acted on.
                self.table.selectRow(0)
            else:
                self.commands.update_enabled(None)

    def selected_item(self) -> ItemRow | None:
        """The item on the current row, if it is selected."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.item_at(rows[0].row()) if rows else None

    def select_item(self, item_id: int, *, clear_filter: bool = False) -> None:
        """Select and show the item with this id, if it is listed (or hidden by the filter)."""
        row = self.model.row_of(item_id)
        if row is None and clear_filter and self.filter_box.text():
            self.filter_box.clear()
            row = self.model.row_of(item_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def focus_filter(self) -> None:
        self.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_box.selectAll()

    def on_low_stock(self, item: ItemRow) -> None:
        """Told by the services, once per crossing, that an item went low."""
        text = services.low_stock_notice(item)
        self.statusBar().showMessage(text, _LOW_STOCK_MESSAGE_MS)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._tray_icon().showMessage("Low stock", text, QSystemTrayIcon.MessageIcon.Warning)

    def say(self, text: str, timeout_ms: int = 10_000) -> None:
        """A passing sentence in the status bar (what was just done); a low-stock one stays."""
        shown = self.statusBar().currentMessage()
        if shown.startswith("Low stock:"):
            text, timeout_ms = f"{text} {shown}", _LOW_STOCK_MESSAGE_MS
        self.statusBar().showMessage(text, timeout_ms)

    def forget_low_stock(self, item: ItemRow) -> None:
        """Take a low-stock notice about `item` off the status bar."""
        if self.statusBar().currentMessage().startswith(f"Low stock: {item.name} is "):
            self.statusBar().clearMessage()

    def current_user(self) -> str | None:
        """Who is acting at this window (chosen with File → Who is recording)."""
        return operator.current()

    def show_child(self, kind: type, make) -> QWidget:
        """Raise the open window of `kind`, or open one made by `make()`."""
        for child in self.findChildren(kind):
            if child.isWindow() and child.isVisible():
                child.raise_()
                child.activateWindow()
                return child
        child = make()
        child.show()
        return child

    def show_about(self) -> None:
        QMessageBox.about(self, "About Inventory Desktop", data_files.about_text())

    def _tray_icon(self) -> QSystemTrayIcon:
        if self._tray is None:
            icon = QApplication.windowIcon()
            if icon.isNull():
                icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self._tray = QSystemTrayIcon(icon, self)
            self._tray.show()
        return self._tray

    def _update_counts(self) -> None:
        total, shown = self.model.total_count(), self.model.rowCount()
        noun = "item" if total == 1 else "items"
        items = f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun} shown"
        self._counts.setText(f"{items} · {self.model.low_count():,} low")

    def _show_low_only(self, on: bool) -> None:
        self.model.set_low_only(on)
        self.apply_filter(self.filter_box.text())

    def _fit_columns(self) -> None:
        metrics = self.table.horizontalHeader().fontMetrics()
        rows = range(min(self.model.rowCount(), _FIT_ROWS))
        for column in range(len(HEADERS)):
            if column == NAME:
                continue
            texts = [HEADERS[column], *(str(self.model.index(row, column).data() or "")
                                        for row in rows)]
            # Room for the padding and the sort arrow beside the header text.
            width = max(metrics.horizontalAdvance(text) for text in texts) + 32
            self.table.horizontalHeader().resizeSection(column, width)

    def _selection_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.commands.update_enabled(self.model.item_at(current.row()))

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.selected_item() is None and self.model.rowCount():
            self.table.selectRow(0)

    def _show_context_menu(self, position) -> None:
        index = self.table.indexAt(position)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        menu.addActions(self.commands.item_actions())
        menu.addAction(self.commands.item_changes)
        menu.exec(self.table.viewport().mapToGlobal(position))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in data_files.recent_files():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_recent(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _restore_layout(self) -> None:
        stored = data_files.settings()
        geometry = stored.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(980, 620)
        header = stored.value(_HEADER_KEY)
        self._header_restored = isinstance(header, QByteArray) and (
            self.table.horizontalHeader().restoreState(header))
        self.commands.show_archived.setChecked(stored.value("view/archived", False, bool))
        # Enabling sorting sorts once by the restored indicator.
        self.table.setSortingEnabled(True)

    def save_layout(self) -> None:
        stored = data_files.settings()
        stored.setValue("window/geometry", self.saveGeometry())
        stored.setValue(_HEADER_KEY, self.table.horizontalHeader().saveState())
        stored.setValue("view/archived", self.commands.show_archived.isChecked())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self._close_child_windows()  # history and audit windows go with the main window
        self.watcher.stop()
        services.remove_low_stock_listener(self.on_low_stock)
        super().closeEvent(event)

    def _close_child_windows(self) -> None:
        for window in self.findChildren(QWidget):
            if window.isWindow() and window.isVisible():
                window.close()
