"""Read-only trails: an item's change history and the audit log of every change.

The audit log opens on its newest page and loads older entries as the
manager scrolls; entries recorded meanwhile appear on top. An item's change
history is read when its tab is first shown, so opening the window stays quick.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import InventoryError
from ...services import ItemRow
from ..common.read_only_table import fill_viewport, read_only_table
from ..common.shown_poll import PollWhileShown
from .audit_model import AuditTableModel, ItemChangesModel

POLL_MS = 1000
_AUDIT_WIDTHS = (150, 110, 80, 300)
_CHANGES_WIDTHS = (150, 100, 80, 160, 90, 60, 100, 100, 80)


class AuditWindow(QWidget):
    """A top-level window with the "Item changes" (for one item) and "Audit log" tabs."""

    def __init__(self, parent: QWidget | None = None, item_id: int | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._item: ItemRow | None = None
        problem = ""
        if item_id is not None:
            try:
                self._item = services.get_item(item_id)
            except InventoryError as error:
                problem = str(error)
        self.audit_model = AuditTableModel(self)
        self.audit_model.load_failed.connect(self._show_failure)
        self.audit_model.rowsInserted.connect(lambda *_: self._show_status())
        self.changes_model = ItemChangesModel(self)
        self.changes_model.load_failed.connect(self._show_failure)
        self.changes_model.rowsInserted.connect(lambda *_: self._show_status())
        self._changes_loaded = False
        self._newest_seen: tuple[int, int] | None = None
        self._poll = PollWhileShown(self, POLL_MS, self.look_for_new_entries)
        self._build()
        self.refresh()
        if problem:
            self.status.setText(problem)

    def look_for_new_entries(self) -> None:
        """Show changes recorded since, by any program, without losing the scroll position."""
        try:
            newest = (_newest_audit_id(None), _newest_audit_id(self._item))
            if newest == self._newest_seen:
                return
            item_changed = self._newest_seen is None or newest[1] != self._newest_seen[1]
            self._newest_seen = newest
            self.audit_model.load_newer()
            if item_changed and self._changes_loaded:
                self.changes_model.load_newer()
        except InventoryError:
            return  # busy or unreachable for now: look again on the next tick
        self._show_status()

    def refresh(self) -> None:
        """Read the newest audit entries (and the item's history, if shown) again."""
        self._changes_loaded = False
        try:
            # Read before loading: anything recorded after is picked up by the poll.
            self._newest_seen = (_newest_audit_id(None), _newest_audit_id(self._item))
            self.audit_model.set_scope(*self._scope())
            QTimer.singleShot(0, self, lambda: fill_viewport(self.audit_table))
            self._load_changes_if_shown()
        except InventoryError as error:
            self.status.setText(str(error))
            return
        self._show_status()

    def _build(self) -> None:
        name = self._item.name if self._item else None
        self.setWindowTitle(f"Changes — {name}" if name else "Audit log")
        self.resize(1000, 600)
        # The whole log alone needs no tab bar; an item's window has its changes beside it.
        self.tabs: QTabWidget | None = None
        if self._item is not None:
            self.tabs = QTabWidget(self)
            self.changes_table = read_only_table(self, self.changes_model, _CHANGES_WIDTHS)
            self.tabs.addTab(self.changes_table, "Item &changes")
        self.audit_table = read_only_table(self, self.audit_model, _AUDIT_WIDTHS)
        self.scope = QComboBox(self)
        if self._item is not None:
            self.scope.addItem(f"This item's record ({self._item.name})",
                               ("stock_item", self._item.id))
        self.scope.addItem("Everything", (None, None))
        self.scope.addItem("Items", ("stock_item", None))
        self.scope.addItem("Movements", ("stock_movement", None))
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        refresh = QPushButton("&Refresh", self)
        refresh.clicked.connect(self.refresh)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        for key in (QKeySequence.StandardKey.Close, QKeySequence.StandardKey.Cancel):
            QShortcut(key, self, self.close)
        audit_page = QWidget(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Show", audit_page))
        row.addWidget(self.scope, 1)
        row.addWidget(refresh)
        page_layout = QVBoxLayout(audit_page)
        page_layout.addLayout(row)
        page_layout.addWidget(self.audit_table, 1)
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        if self.tabs is not None:
            self.tabs.addTab(audit_page, "&Audit log")
            self.tabs.currentChanged.connect(lambda _i: self._tab_changed())
            layout.addWidget(self.tabs, 1)
        else:
            page_layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(audit_page, 1)
        layout.addWidget(self.status)

    def _scope(self) -> tuple[str | None, int | None]:
        return self.scope.currentData()

    def _tab_changed(self) -> None:
        try:
            self._load_changes_if_shown()
        except InventoryError as error:
            self.status.setText(str(error))
            return
        self._show_status()

    def _load_changes_if_shown(self) -> None:
        if self.tabs is None or self._changes_loaded or self.tabs.currentIndex() != 0:
            return
        self.changes_model.set_item(self._item.id)
        QTimer.singleShot(0, self, lambda: fill_viewport(self.changes_table))
        self._changes_loaded = True

    def _show_status(self) -> None:
        if self.tabs is not None and self._item is not None and self.tabs.currentIndex() == 0:
            count, name = self.changes_model.rowCount(), self._item.name
            self.status.setText(
                f"{count:,} recorded states of {name}." if self.changes_model.complete
                else f"Newest {count:,} recorded states of {name} shown; scroll down for older.")
            return
        loaded = self.audit_model.rowCount()
        if self.audit_model.complete:
            self.status.setText(f"{loaded:,} audit entries.")
        else:
            self.status.setText(f"Newest {loaded:,} audit entries shown; scroll down for older.")

    def _show_failure(self, message: str) -> None:
        self.status.setText(f"Could not read the audit log: {message} Press F5 to try again.")



def _newest_audit_id(item: ItemRow | None) -> int:
    """The newest audit entry's id, overall or for one item's record (0: none)."""
    scope = {"table_name": "stock_item", "row_id": item.id} if item is not None else {}
    newest = services.audit_entries(limit=1, **scope)
    return newest[0].id if newest else 0
