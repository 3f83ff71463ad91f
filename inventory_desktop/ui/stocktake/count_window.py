"""The stocktake window: the count grid, area by area in walk order, saved as it is typed.

Type a number and press Enter: the count is saved (its own small
transaction) and the next line opens for typing; an item in packs takes the
packs first, then the loose units. Ctrl+F jumps to an item by name or SKU.
Counts another program saves (a second window, a tablet's sheet imported)
appear within about a second.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import InventoryError
from ...services import SheetLine, StocktakeRow
from ..common.operations import run_operation
from ..shell.watcher import DataFileWatcher
from . import count_model as columns
from .count_model import CountTableModel
from .stocktake_files_actions import StocktakeFileActions
from .variance_money import posted_text

_MODES = (("All lines, in walk order", columns.ALL), ("Not counted yet", columns.UNCOUNTED),
          ("Conflicts to settle", columns.CONFLICTS), ("Largest variance first", columns.LARGEST))
_ERROR_STYLE = "color: #8a1c14;"
_WIDTHS = (120, 250, 90, 60, 80, 55, 110, 80, 80)


class StocktakeWindow(QWidget):
    """Counting one stocktake; pick another (or start one) from the list at the top."""

    def __init__(self, parent: QWidget | None = None, *,
                 current_user: Callable[[], str | None] = lambda: None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Stocktake")
        self.current_user = current_user
        self.stocktake: StocktakeRow | None = None
        self._pending_packs: dict[tuple[int, int | None], str] = {}
        self._reload_waiting = False
        self.model = CountTableModel(self)
        self.model.on_entry = self._entered
        self.files = StocktakeFileActions(self)
        self._build()
        self.watcher = DataFileWatcher(self._changed_elsewhere, self, interval_ms=1000)
        self.fill_choices()

    # Choosing a stocktake ------------------------------------------------------

    def fill_choices(self, select: int | None = None) -> None:
        """List the stocktakes (open ones first) and show `select`, or the newest open one."""
        try:
            stocktakes = services.list_stocktakes()
        except InventoryError as error:
            self.say(str(error), error=True)
            return
        stocktakes.sort(key=lambda s: (not s.is_open, -s.id))
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for stocktake in stocktakes:
            self.chooser.addItem(f"{stocktake.id}: {stocktake.name} ({stocktake.state})",
                                 stocktake.id)
        self.chooser.blockSignals(False)
        if not stocktakes:
            self.show_stocktake(None)
            return
        index = self.chooser.findData(select) if select is not None else 0
        self.chooser.setCurrentIndex(max(0, index))
        self.show_stocktake(self.chooser.currentData())

    def show_stocktake(self, stocktake_id: int | None) -> None:
        """Load a stocktake's lines into the grid and go to the first line not counted."""
        self._pending_packs.clear()
        if stocktake_id is None:
            self.stocktake = None
            self.model.set_lines([], editable=False)
            self._show_header()
            return
        try:
            sheet = services.stocktake_sheet(stocktake_id)
        except InventoryError as error:
            self.say(str(error), error=True)
            return
        self.stocktake = sheet.stocktake
        self.model.set_lines(sheet.lines, editable=sheet.stocktake.is_open)
        blind = sheet.stocktake.blind and sheet.stocktake.is_open
        for column in (columns.EXPECTED, columns.VARIANCE):
            self.table.setColumnHidden(column, blind)
        self._show_header()
        self.go_to_first_uncounted()

    def go_to_first_uncounted(self) -> None:
        for row in range(self.model.rowCount()):
            if self.model.line_at(row).state == "uncounted":
                self._go(row, self._entry_column(row), edit=False)
                return

    # Entering counts -----------------------------------------------------------

    def _entered(self, row: int, column: int, text: str) -> bool:
        line = self.model.line_at(row)
        key = (line.item_id, line.area_id)
        if column == columns.PACKS:
            self._pending_packs[key] = text.strip()
            QTimer.singleShot(0, lambda: self._go(row, columns.COUNT))
            return True
        packs = self._pending_packs.pop(key, "")
        if not text.strip() and not packs:
            QTimer.singleShot(0, lambda: self._go(row + 1, self._entry_column(row + 1)))
            return False
        if not self._save(line, text.strip(), packs):
            if packs:
                self._pending_packs[key] = packs
            # The count stays in its cell, open: corrected, or saved again once
            # the server is back, without typing it again.
            QTimer.singleShot(0, lambda: self._retype(row, column, text))
            return False
        QTimer.singleShot(0, lambda: self._go(row + 1, self._entry_column(row + 1)))
        return True

    def _save(self, line: SheetLine, text: str, packs: str) -> bool:
        assert self.stocktake is not None
        try:
            if packs:
                services.record_count(self.stocktake.id, line.item_id, line.area_id, None,
                                      packs=packs, loose=text or "0", user=self.current_user())
            else:
                services.record_count(self.stocktake.id, line.item_id, line.area_id, text,
                                      user=self.current_user())
            fresh = services.stocktake_sheet(self.stocktake.id, line.item_id).lines
        except InventoryError as error:
            self.say(f"{line.name}: {error}", error=True)
            return False
        self.model.replace_item(line.item_id, fresh)
        self.say(f"Saved {line.name}{' in ' + line.area_name if line.area_name else ''}.")
        self._show_progress()
        return True

    def _go(self, row: int, column: int, *, edit: bool = True) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        if edit and self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.table.edit(index)

    def _retype(self, row: int, column: int, text: str) -> None:
        self._go(row, column)
        for editor in self.table.viewport().findChildren(QLineEdit):
            if editor.isVisible():
                editor.setText(text)

    def _entry_column(self, row: int) -> int:
        if 0 <= row < self.model.rowCount() and self.model.line_at(row).pack_size is not None:
            return columns.PACKS
        return columns.COUNT

    # Finding, narrowing, settling ------------------------------------------------

    def jump(self, text: str, *, from_next: bool = False) -> None:
        """Go to the first line (after the current one, with `from_next`) matching `text`."""
        current = self.table.currentIndex().row()
        start = current + 1 if from_next and current >= 0 else 0
        row = self.model.find(text, start)
        self.search.setStyleSheet("" if row is not None or not text else _ERROR_STYLE)
        if row is not None:
            self._go(row, self._entry_column(row), edit=False)

    def set_mode(self, index: int) -> None:
        self.model.set_mode(_MODES[index][1])
        if self.model.rowCount():
            self._go(0, self._entry_column(0), edit=False)

    def settle_current(self) -> None:
        """Settle the conflict on the current line (keep one count, add up, recount)."""
        from .settle_dialog import SettleDialog

        row = self.table.currentIndex().row()
        if self.stocktake is None or row < 0:
            return
        line = self.model.line_at(row)
        if line.state != "conflict":
            self.say(f"{line.name} has no conflicting counts here.", error=True)
            return
        if SettleDialog.settle(self, self.stocktake.id, line, self.current_user()):
            self.reload_lines()

    def review(self) -> None:
        """Open the review before commit; after a commit, show the stocktake as committed."""
        from .review_dialog import ReviewDialog

        if self.stocktake is None:
            return
        report = ReviewDialog.review(self, self.stocktake.id, self.current_user)
        if report is None:
            return
        self.fill_choices(select=self.stocktake.id)
        try:
            symbol = services.currency_symbol()
        except InventoryError:
            symbol = ""  # the sentence still says what was posted
        self.say(posted_text(report, symbol))

    def start_new(self) -> None:
        from .start_dialog import StartDialog

        started = StartDialog.start(self, self.current_user())
        if started is not None:
            self.fill_choices(select=started.id)

    def abandon(self) -> None:
        """Close the stocktake without posting anything (asks first)."""
        if self.stocktake is None or not self.stocktake.is_open:
            return
        answer = QMessageBox.question(
            self, "Abandon stocktake",
            f"Abandon stocktake {self.stocktake.id} ({self.stocktake.name})? Nothing is "
            "posted; its counts stay on record.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        stocktake_id = self.stocktake.id
        run_operation(self, "Abandon stocktake",
                      lambda: services.abandon_stocktake(stocktake_id, user=self.current_user()),
                      lambda: self.fill_choices(select=stocktake_id))

    # Keeping up with other programs --------------------------------------------

    def reload_lines(self) -> None:
        """Read every line again, keeping the current line (not while typing in a cell)."""
        if self.stocktake is None:
            return
        if self.table.state() == QAbstractItemView.State.EditingState:
            self._reload_waiting = True
            return
        current = self.table.currentIndex()
        keep = None
        if current.isValid():
            line = self.model.line_at(current.row())
            keep = (line.item_id, line.area_id, current.column())
        try:
            sheet = services.stocktake_sheet(self.stocktake.id)
        except InventoryError as error:
            self.say(str(error), error=True)
            return
        self.stocktake = sheet.stocktake
        self.model.set_lines(sheet.lines, editable=sheet.stocktake.is_open)
        self._show_header()
        if keep is not None:
            row = self.model.row_of(keep[0], keep[1])
            if row is not None:
                self._go(row, keep[2], edit=False)

    def _changed_elsewhere(self) -> None:
        self.reload_lines()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.watcher.start()

    def hideEvent(self, event) -> None:
        self.watcher.stop()
        super().hideEvent(event)

    # Layout ------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.chooser = QComboBox(self)
        self.chooser.setMinimumWidth(320)
        self.chooser.currentIndexChanged.connect(
            lambda _i: self.show_stocktake(self.chooser.currentData()))
        top.addWidget(QLabel("Stocktake:", self))
        top.addWidget(self.chooser)
        self._button(top, "&Start a stocktake…", self.start_new)
        self.abandon_button = self._button(top, "Abandon…", self.abandon)
        top.addStretch(1)
        layout.addLayout(top)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        layout.addLayout(self._tools())
        self.table = self._grid()
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.progress.setFormat("%v of %m lines counted")
        bottom.addWidget(self.progress, 1)
        self.area_progress = QLabel(self)
        bottom.addWidget(self.area_progress, 2)
        self.settle_button = self._button(bottom, "Se&ttle conflict…", self.settle_current)
        self.review_button = self._button(bottom, "&Review and commit…", self.review)
        layout.addLayout(bottom)
        self.message = QLabel(self)
        layout.addWidget(self.message)
        self.resize(1100, 700)

    def _tools(self) -> QHBoxLayout:
        tools = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Find an item: type its name or SKU (Ctrl+F; Enter: next)")
        self.search.textChanged.connect(self.jump)
        self.search.returnPressed.connect(lambda: self.jump(self.search.text(), from_next=True))
        QShortcut(QKeySequence.StandardKey.Find, self,
                  lambda: (self.search.setFocus(), self.search.selectAll()))
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search,
                  lambda: self.table.setFocus(), context=Qt.ShortcutContext.WidgetShortcut)
        tools.addWidget(self.search, 1)
        self.mode = QComboBox(self)
        self.mode.addItems([label for label, _ in _MODES])
        self.mode.currentIndexChanged.connect(self.set_mode)
        tools.addWidget(self.mode)
        for text, handler in (("Print sheet…", self.files.print_sheet),
                              ("Export CSV…", self.files.export_csv),
                              ("Import sheet…", self.files.import_csv)):
            self._button(tools, text, handler)
        return tools

    def _grid(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                              | QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 10)
        vertical.hide()
        header = table.horizontalHeader()
        for column, width in enumerate(_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)  # Status: "conflict: ana 20 / ben 22" fits
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        table.itemDelegate().closeEditor.connect(self._editor_closed)
        return table

    def _button(self, layout: QHBoxLayout, text: str, handler) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(handler)
        layout.addWidget(button)
        return button

    def _editor_closed(self, *_args) -> None:
        if self._reload_waiting:
            self._reload_waiting = False
            QTimer.singleShot(0, self.reload_lines)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        line = self.model.line_at(current.row()) if current.isValid() else None
        self.settle_button.setEnabled(line is not None and line.state == "conflict"
                                      and self._is_open())

    def _show_header(self) -> None:
        stocktake = self.stocktake
        open_ = self._is_open()
        for button in (self.review_button, self.abandon_button):
            button.setEnabled(open_)
        self.settle_button.setEnabled(False)
        if stocktake is None:
            self.header.setText("No stocktake yet: start one to count the stock.")
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            return
        scope = ", ".join(stocktake.areas) if stocktake.areas else "every active item"
        blind = " · blind count: expected quantities hidden" if stocktake.blind else ""
        state = "" if open_ else f" · {stocktake.state} by {stocktake.closed_by}"
        self.header.setText(f"<b>{stocktake.name}</b> — {scope}{blind}{state}")
        self._show_progress()

    def _show_progress(self) -> None:
        lines = self.model.lines()
        counted = sum(line.state != "uncounted" for line in lines)
        self.progress.setRange(0, max(1, len(lines)))
        self.progress.setValue(counted)
        areas: dict[str, list[int]] = {}
        for line in lines:
            tally = areas.setdefault(line.area_name or "(no area)", [0, 0])
            tally[0] += line.state != "uncounted"
            tally[1] += 1
        self.area_progress.setText(" · ".join(f"{name} {done}/{total}"
                                              for name, (done, total) in areas.items()))
        conflicts = sum(line.state == "conflict" for line in lines)
        if conflicts:
            self.say(f"{conflicts} line(s) counted by two people: settle them before commit.")

    def _is_open(self) -> bool:
        return self.stocktake is not None and self.stocktake.is_open

    def say(self, text: str, *, error: bool = False) -> None:
        """A line under the grid: what was saved, or why not."""
        self.message.setStyleSheet(_ERROR_STYLE if error else "")
        self.message.setText(text)
