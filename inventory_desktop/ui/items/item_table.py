"""The item table: every item the services list, narrowed and sorted in Python lists.

Speed is the design. At 50,000 items a QSortFilterProxyModel would call a
Python filterAcceptsRow() and data() once per row on every keystroke; here a
keystroke is one list comprehension over precomputed lowercase "name sku"
strings, and the model exposes only the visible rows, so Qt asks data() for
the few dozen rows it paints. Display text is made on demand for those rows.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from ...services import ItemRow
from ..common.formatting import money_text, quantity_text

NAME, SKU, UNIT, ON_HAND, THRESHOLD, VALUE, STATUS = range(7)
HEADERS = ("Name", "SKU", "Unit", "On hand", "Low at", "Value", "Status")
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole

_LOW_BACKGROUND = QBrush(QColor("#fde2e1"))
_LOW_FOREGROUND = QBrush(QColor("#8a1c14"))
_ARCHIVED_FOREGROUND = QBrush(QColor("#7a7a7a"))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# Plain ints: comparing a role with an enum member costs ~8 times more, and
# these comparisons run seven times per painted cell.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ITEM_ID = ITEM_ID_ROLE.value
_NUMERIC = (ON_HAND, THRESHOLD, VALUE)
_Index = QModelIndex | QPersistentModelIndex


def status_text(item: ItemRow) -> str:
    """'archived', 'low' or '' — what the Status column says."""
    if not item.is_active:
        return "archived"
    return "low" if item.is_low else ""


def _haystack(item: ItemRow) -> str:
    """What the filter searches: name and SKU, case-folded once, not per keystroke."""
    return f"{item.name}\n{item.sku or ''}".casefold()


def _by_name(item: ItemRow) -> tuple[str, int]:
    return item.name.casefold(), item.id


def _counts_as_low(item: ItemRow) -> int:
    return 1 if item.is_active and item.is_low else 0


def _sort_key(column: int) -> Callable[[ItemRow], Any]:
    # Tuples put items without a SKU or threshold after those with one.
    return {
        NAME: _by_name,
        SKU: lambda item: (item.sku is None, (item.sku or "").casefold()),
        UNIT: lambda item: item.unit,
        ON_HAND: lambda item: item.quantity,
        THRESHOLD: lambda item: (item.low_stock_threshold is None,
                                 item.low_stock_threshold or 0),
        VALUE: lambda item: (item.value is None, item.value or 0),
        STATUS: lambda item: (status_text(item) == "", status_text(item)),
    }[column]


class ItemTableModel(QAbstractTableModel):
    """Items as rows; `set_items`, `set_filter` and `sort` change which rows show."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[ItemRow] = []
        self._haystacks: list[str] = []
        self._position_of: dict[int, int] = {}  # item id -> position in _items
        self._low_count = 0
        self._order: list[int] = []  # all item positions, in the current sort order
        self._visible: list[int] = []  # the positions shown, in order
        self._needle = ""
        self._low_only = False
        self._sort_column = NAME
        self._sort_order = Qt.SortOrder.AscendingOrder
        # The data file's currency symbol, set by the window when it opens a file.
        self.currency = ""

    def set_items(self, items: Sequence[ItemRow]) -> None:
        """Show these items (e.g. after a refresh), keeping filter, sort and selection."""
        self.layoutAboutToBeChanged.emit()
        kept = self._persistent_item_ids()
        self._items = list(items)
        self._haystacks = [_haystack(item) for item in self._items]
        self._position_of = {item.id: p for p, item in enumerate(self._items)}
        self._low_count = sum(map(_counts_as_low, self._items))
        self._order = self._sorted_positions()
        self._visible = self._filtered(self._order)
        self._finish_layout_change(kept)

    def put_item(self, item: ItemRow, include_archived: bool) -> None:
        """Show one item's new state (after this window changed it) without a reload."""
        position = self._position_of.get(item.id)
        wanted = include_archived or item.is_active
        if position is not None and wanted and self._items[position].name == item.name:
            self._replace(position, item)
            return
        items = [other for other in self._items if other.id != item.id]
        if wanted:
            # Keep the services' order (by name) so an unsorted view needs no sort.
            at = bisect.bisect(items, _by_name(item), key=_by_name)
            items.insert(at, item)
        self.set_items(items)

    def set_filter(self, text: str) -> None:
        """Show only items whose name or SKU contains `text` (any case)."""
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self.layoutAboutToBeChanged.emit()
        kept = self._persistent_item_ids()
        # Narrowing an existing filter only needs to search what is already shown.
        base = self._visible if self._needle and self._needle in needle else self._order
        self._needle = needle
        self._visible = self._filtered(base)
        self._finish_layout_change(kept)

    def set_low_only(self, on: bool) -> None:
        """Show only active items at or below their threshold (with the filter text)."""
        if on == self._low_only:
            return
        self.layoutAboutToBeChanged.emit()
        kept = self._persistent_item_ids()
        self._low_only = on
        self._visible = self._filtered(self._order)
        self._finish_layout_change(kept)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        kept = self._persistent_item_ids()
        self._sort_column, self._sort_order = column, order
        self._order = self._sorted_positions()
        self._visible = self._filtered(self._order)
        self._finish_layout_change(kept)

    def item_at(self, row: int) -> ItemRow | None:
        """The item shown on `row`, or None."""
        if 0 <= row < len(self._visible):
            return self._items[self._visible[row]]
        return None

    def row_of(self, item_id: int) -> int | None:
        """The row showing the item with this id, or None when it is not shown."""
        position = self._position_of.get(item_id)
        if position is None:
            return None
        try:
            return self._visible.index(position)  # a C-speed scan, even at 50k rows
        except ValueError:
            return None

    def total_count(self) -> int:
        """How many items are loaded (before the filter)."""
        return len(self._items)

    def low_count(self) -> int:
        """How many loaded, active items are at or below their threshold."""
        return self._low_count

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._visible):
            return None
        return self._value(self._items[self._visible[index.row()]], index.column(), int(role))

    def multiData(self, index: _Index, roles: QModelRoleDataSpan) -> None:
        # Qt 6's item delegate asks for seven roles per painted cell in one
        # multiData() call; answering them here is one Python call per cell
        # instead of seven, which halves the cost of repainting the table.
        # The span is reused between cells, so every role is set or cleared.
        # clearData() also means painting never hands Python's None to Qt,
        # the path on which PySide6 6.12.0 loses None references.
        valid = index.isValid() and index.row() < len(self._visible)
        item = self._items[self._visible[index.row()]] if valid else None
        column = index.column()
        for number in range(len(roles)):
            role_data = roles[number]
            value = None if item is None else self._value(item, column, role_data.role())
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _value(self, item: ItemRow, column: int, role: int) -> Any:
        if role == _DISPLAY:
            return self._text(item, column)
        if role == _ALIGNMENT:
            return _RIGHT if column in _NUMERIC else None
        if role == _BACKGROUND:
            return _LOW_BACKGROUND if item.is_active and item.is_low else None
        if role == _FOREGROUND:
            return self._foreground(item)
        if role == _ITEM_ID:
            return item.id
        return None

    def _replace(self, position: int, item: ItemRow) -> None:
        old, self._items[position] = self._items[position], item
        old_haystack, self._haystacks[position] = self._haystacks[position], _haystack(item)
        self._low_count += _counts_as_low(item) - _counts_as_low(old)
        needle = self._needle
        same_rows = (not needle or (needle in old_haystack) == (needle in self._haystacks[position])
                     ) and (not self._low_only or _counts_as_low(old) == _counts_as_low(item))
        if same_rows and self._sort_column == NAME:
            row = self.row_of(item.id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
            return
        self.layoutAboutToBeChanged.emit()
        kept = self._persistent_item_ids()
        self._order = self._sorted_positions()
        self._visible = self._filtered(self._order)
        self._finish_layout_change(kept)

    def _text(self, item: ItemRow, column: int) -> str:
        if column == NAME:
            return item.name
        if column == SKU:
            return item.sku or ""
        if column == UNIT:
            return item.unit
        if column == ON_HAND:
            return quantity_text(item.quantity, item.unit)
        if column == THRESHOLD:
            return quantity_text(item.low_stock_threshold, item.unit)
        if column == VALUE:
            # Stock from before costs were kept: say so, never show a made-up 0.
            return "" if not item.quantity else money_text(item.value, self.currency)
        return status_text(item)

    def _foreground(self, item: ItemRow) -> QBrush | None:
        if not item.is_active:
            return _ARCHIVED_FOREGROUND
        return _LOW_FOREGROUND if item.is_low else None

    def _sorted_positions(self) -> list[int]:
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if self._sort_column == NAME and not descending:
            # The services already list items by name; skip a 50k-row sort.
            return list(range(len(self._items)))
        key = _sort_key(self._sort_column)
        keys = [key(item) for item in self._items]
        return sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)

    def _filtered(self, positions: list[int]) -> list[int]:
        needle, haystacks = self._needle, self._haystacks
        if self._low_only:
            items = self._items
            positions = [p for p in positions if _counts_as_low(items[p])]
        if not needle:
            return list(positions)
        return [p for p in positions if needle in haystacks[p]]

    def _persistent_item_ids(self) -> list[tuple[int | None, int]]:
        # Views keep their selection and current cell as persistent indexes;
        # remember which item each one pointed at to move it to its new row.
        kept = []
        for index in self.persistentIndexList():
            item = self.item_at(index.row())
            kept.append((item.id if item else None, index.column()))
        return kept

    def _finish_layout_change(self, kept: list[tuple[int | None, int]]) -> None:
        new = []
        for item_id, column in kept:
            row = self.row_of(item_id) if item_id is not None else None
            new.append(self.index(row, column) if row is not None else QModelIndex())
        self.changePersistentIndexList(self.persistentIndexList(), new)
        self.layoutChanged.emit()
