"""The movement ledger as a lazily paged Qt table model.

A data file can hold millions of movements, so the model never counts or
loads them all: it reads one page, newest first, and the view asks for the
next page (canFetchMore/fetchMore) as the manager scrolls. Pages are read
by keyset (`before_id`), so the thousandth page costs what the first did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from .. import services
from ..errors import InventoryError
from ..services import MovementRow
from ..vocabulary import REASON_LABELS, REVERSAL
from .formatting import change_text, quantity_text, time_text

PAGE_SIZE = 200
TYPE_LABELS = {"in": "In", "out": "Out", "adjustment": "Adjustment"}
COLUMNS = ("Time", "Item", "Type", "Reason", "Change", "Balance after", "Who", "Notes",
           "Reference")
CHANGE_COLUMN, BALANCE_COLUMN, NOTES_COLUMN = 4, 5, 7
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_TAKEN_OUT = QColor("#a93226")
_BROUGHT_IN = QColor("#1e8449")
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class MovementFilter:
    """Which movements to show; None means any."""

    item_id: int | None = None
    movement_type: str | None = None
    reason: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


class MovementTableModel(QAbstractTableModel):
    """Movements matching a MovementFilter, newest first, one page at a time."""

    load_failed = Signal(str)

    def __init__(self, parent: Any = None, page_size: int | None = None) -> None:
        super().__init__(parent)
        self._page_size = page_size or PAGE_SIZE
        self._filter = MovementFilter()
        self._rows: list[MovementRow] = []
        self._texts: list[tuple[str, ...]] = []
        self._exhausted = True
        self._failed = False

    @property
    def filter(self) -> MovementFilter:
        return self._filter

    @property
    def complete(self) -> bool:
        """True once every matching movement is loaded."""
        return self._exhausted

    def set_filter(self, movement_filter: MovementFilter) -> None:
        """Show movements matching `movement_filter`, starting again from the newest page."""
        self._filter = movement_filter
        self.reload()

    def reload(self) -> None:
        """Drop what is loaded and read the newest page again."""
        self.beginResetModel()
        self._rows, self._texts = [], []
        self._exhausted, self._failed = False, False
        page = self._read_page()
        self._append(page)
        self.endResetModel()

    def movement(self, row: int) -> MovementRow:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[row][column]
        if role == Qt.ItemDataRole.ToolTipRole and column == NOTES_COLUMN:
            return self._rows[row].notes or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
                CHANGE_COLUMN, BALANCE_COLUMN):
            return int(_RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and column == CHANGE_COLUMN:
            return _TAKEN_OUT if self._rows[row].quantity_change < 0 else _BROUGHT_IN
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole
                and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS)):
            return COLUMNS[section]
        return None

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and not self._exhausted and not self._failed

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        page = self._read_page()
        if not page:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._append(page)
        self.endInsertRows()

    def _read_page(self) -> list[MovementRow]:
        last_id = self._rows[-1].id if self._rows else None
        f = self._filter
        try:
            page = services.list_movements(
                item_id=f.item_id, movement_type=f.movement_type, reason=f.reason,
                since=f.since, until=f.until, limit=self._page_size, before_id=last_id)
        except InventoryError as error:
            # A busy or vanished file must not loop the view through fetchMore.
            self._failed = True
            self.load_failed.emit(str(error))
            return []
        self._exhausted = len(page) < self._page_size
        return page

    def _append(self, page: list[MovementRow]) -> None:
        self._rows.extend(page)
        self._texts.extend(movement_texts(movement) for movement in page)


def movement_texts(movement: MovementRow) -> tuple[str, ...]:
    """What each column shows for one movement."""
    item = movement.item_name
    if movement.item_sku:
        item = f"{item} ({movement.item_sku})"
    return (
        time_text(movement.created_at), item,
        TYPE_LABELS.get(movement.movement_type, movement.movement_type),
        REASON_LABELS.get(movement.reason, movement.reason),
        change_text(movement.quantity_change, movement.unit),
        quantity_text(movement.balance_after, movement.unit),
        movement.created_by, movement.notes.replace("\n", " "), reference_text(movement),
    )


def reference_text(movement: MovementRow) -> str:
    """'INV-1042', 'invoice: INV-1042' or 'reverses #12'."""
    kind, ident = movement.reference_type, movement.reference_id
    if ident is None:
        return ""
    if kind == REVERSAL:
        return f"reverses #{ident}"
    return ident if kind == "document" else f"{kind}: {ident}"
