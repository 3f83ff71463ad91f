"""The movement ledger as a lazily paged Qt table model (see paged_model)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ... import clock, services
from ...services import MovementRow
from ...vocabulary import REASON_LABELS, REVERSAL
from ..common.formatting import change_text, quantity_text, time_text
from ..common.paged_model import AnyIndex, PagedTableModel

PAGE_SIZE = 200
TYPE_LABELS = {"in": "In", "out": "Out", "adjustment": "Adjustment", "revaluation": "Revaluation"}
# Reference before Who and Notes: at the window's default width it is in view,
# and Notes (often long) takes what is left at the right.
COLUMNS = ("Time", "Item", "Type", "Reason", "Change", "Balance after", "Reference", "Who",
           "Notes")
ITEM_COLUMN, CHANGE_COLUMN, BALANCE_COLUMN, REFERENCE_COLUMN, NOTES_COLUMN = 1, 4, 5, 6, 8
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_TAKEN_OUT = QColor("#a93226")
_BROUGHT_IN = QColor("#1e8449")
_CLOCK_SLACK = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class MovementFilter:
    """Which movements to show; None means any."""

    item_id: int | None = None
    movement_type: str | None = None
    reason: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


class MovementTableModel(PagedTableModel[MovementRow]):
    """Movements matching a MovementFilter, newest first, one page at a time."""

    COLUMNS = COLUMNS

    def __init__(self, parent: Any = None, page_size: int | None = None) -> None:
        super().__init__(parent, page_size or PAGE_SIZE)
        self._filter = MovementFilter()
        self._reloaded_at = dt.datetime.now(dt.UTC)

    @property
    def filter(self) -> MovementFilter:
        return self._filter

    def set_filter(self, movement_filter: MovementFilter) -> None:
        """Show movements matching `movement_filter`, starting again from the newest page."""
        self._filter = movement_filter
        self.reload()

    def reload(self) -> None:
        # Anything recorded later is newer than this, even when nothing matched.
        self._reloaded_at = dt.datetime.now(dt.UTC) - _CLOCK_SLACK
        super().reload()

    def load_newer(self) -> int:
        """Put movements recorded since the newest one shown on top; returns how many.

        Reads from the newest shown movement's time (or the last reload's)
        onwards, so the cost is what was recorded since, whatever the filters.
        """
        top_id = self.row_at(0).id if self._rows else 0
        newest = clock.stored_or_none(self.row_at(0).created_at) if self._rows else None
        since = newest or self._reloaded_at
        f = self._filter
        if f.since is not None:
            since = max(since, f.since.astimezone())
        page = services.list_movements(
            item_id=f.item_id, movement_type=f.movement_type, reason=f.reason,
            since=since, until=f.until, limit=self._page_size)
        newer = [movement for movement in page if movement.id > top_id]
        if len(page) == self._page_size and len(newer) == len(page):
            self.reload()  # more than a page arrived: start again from the newest
            return len(newer)
        self.put_on_top(newer)
        return len(newer)

    def movement(self, row: int) -> MovementRow:
        return self.row_at(row)

    def read_page(self, before_id: int | None, limit: int) -> list[MovementRow]:
        f = self._filter
        return services.list_movements(
            item_id=f.item_id, movement_type=f.movement_type, reason=f.reason,
            since=f.since, until=f.until, limit=limit, before_id=before_id)

    def texts(self, row: MovementRow) -> tuple[str, ...]:
        return movement_texts(row)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == NOTES_COLUMN:
            return self.row_at(index.row()).notes or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
                CHANGE_COLUMN, BALANCE_COLUMN):
            return int(_RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and column == CHANGE_COLUMN:
            return _TAKEN_OUT if self.row_at(index.row()).quantity_change < 0 else _BROUGHT_IN
        return super().data(index, role)


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
        quantity_text(movement.balance_after, movement.unit), reference_text(movement),
        movement.created_by, movement.notes.replace("\n", " "),
    )


def reference_text(movement: MovementRow) -> str:
    """'INV-1042', 'invoice: INV-1042' or 'reverses #12'."""
    kind, ident = movement.reference_type, movement.reference_id
    if ident is None:
        return ""
    if kind == REVERSAL:
        return f"reverses #{ident}"
    return ident if kind == "document" else f"{kind}: {ident}"
