"""The count grid's model: one row per item and area, in walk order; Packs and Count editable.

Rows are the services' SheetLines, kept in a Python list and narrowed in
Python (uncounted, conflicts, largest variance first), like the item table:
a filter or a refreshed item costs a list operation, not a proxy's per-row
calls. A count typed into a cell is not saved here: the view's owner saves
it through the services (setData only checks it and hands it on).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from ...services import SheetLine
from ..common.formatting import change_text, quantity_text

AREA, ITEM, SKU, PACKS, COUNT, UNIT, BY, EXPECTED, VARIANCE, STATUS = range(10)
HEADERS = ("Area", "Item", "SKU", "Packs", "Count", "Unit", "Counted by", "Expected",
           "Variance", "Status")
EDITABLE = (PACKS, COUNT)
ALL, UNCOUNTED, CONFLICTS, LARGEST = "all", "uncounted", "conflicts", "largest"

_STATUS = {"uncounted": "", "counted": "✓ counted", "conflict": "conflict: settle it"}
_CONFLICT = QBrush(QColor("#fde2e1"))
_COUNTED = QBrush(QColor("#e8f5e9"))
_LOSS = QBrush(QColor("#8a1c14"))
_GAIN = QBrush(QColor("#1b5e20"))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_EDIT = Qt.ItemDataRole.EditRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_Index = QModelIndex | QPersistentModelIndex


class CountTableModel(QAbstractTableModel):
    """The lines of one stocktake; `on_entry(row, column, text)` is told what was typed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[SheetLine] = []
        self._shown: list[SheetLine] = []
        # Each shown row's column texts, made when it is first painted.
        self._texts: list[tuple[str, ...] | None] = []
        self._mode = ALL
        self._editable = True
        self.on_entry: Callable[[int, int, str], bool] | None = None

    def set_lines(self, lines: list[SheetLine], *, editable: bool) -> None:
        """Show a stocktake's lines (walk order); `editable` is False once it is closed."""
        self.beginResetModel()
        self._all, self._editable = list(lines), editable
        self._show(self._narrowed())
        self.endResetModel()

    def replace_item(self, item_id: int, lines: list[SheetLine]) -> None:
        """Put an item's fresh lines in place of its old ones (after a count)."""
        fresh = {(line.item_id, line.area_id): line for line in lines}
        self._all = [fresh.pop((line.item_id, line.area_id), line) for line in self._all]
        self._all.extend(fresh.values())  # a place counted for the first time
        shown = {(line.item_id, line.area_id) for line in lines}
        for row, line in enumerate(self._shown):
            key = (line.item_id, line.area_id)
            if key in shown:
                self._shown[row] = next(fresh_line for fresh_line in lines
                                        if (fresh_line.item_id, fresh_line.area_id) == key)
                self._texts[row] = None
                self.dataChanged.emit(self.index(row, 0), self.index(row, STATUS))
        # The item's other areas show the item's new total and variance too.

    def set_mode(self, mode: str) -> None:
        """Show all lines, the uncounted, the conflicts, or the largest variances first."""
        self.beginResetModel()
        self._mode = mode
        self._show(self._narrowed())
        self.endResetModel()

    def line_at(self, row: int) -> SheetLine:
        return self._shown[row]

    def row_of(self, item_id: int, area_id: int | None) -> int | None:
        for row, line in enumerate(self._shown):
            if line.item_id == item_id and line.area_id == area_id:
                return row
        return None

    def find(self, text: str, start: int = 0) -> int | None:
        """The first row from `start` (wrapping) whose item name or SKU contains `text`."""
        needle = text.casefold().strip()
        if not needle or not self._shown:
            return None
        count = len(self._shown)
        for step in range(count):
            row = (start + step) % count
            line = self._shown[row]
            if needle in line.name.casefold() or needle in (line.sku or "").casefold():
                return row
        return None

    def lines(self) -> list[SheetLine]:
        """Every line, whatever is shown."""
        return list(self._all)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self._editable:
            return base
        line = self._shown[index.row()]
        column = index.column()
        if column == COUNT or (column == PACKS and line.pack_size is not None):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line, column = self._shown[index.row()], index.column()
        role = int(role)
        if role == _DISPLAY:
            texts = self._texts[index.row()]
            if texts is None:
                texts = self._texts[index.row()] = tuple(_text(line, c) for c in range(STATUS + 1))
            return texts[column]
        if role == _EDIT:
            return _text(line, column, edit=True)
        if role == _ALIGNMENT and column in (PACKS, COUNT, EXPECTED, VARIANCE):
            return _RIGHT
        if role == _BACKGROUND:
            return _background(line)
        if role == _FOREGROUND and column == VARIANCE and line.variance:
            return _LOSS if line.variance < 0 else _GAIN
        if role == _TOOLTIP:
            return _tooltip(line)
        return None

    def multiData(self, index: _Index, roles: QModelRoleDataSpan) -> None:
        # As the paged models do: every role of a painted cell in one call, a
        # role without a value cleared rather than handed to Qt as None.
        for number in range(len(roles)):
            role_data = roles[number]
            value = self.data(index, role_data.role())
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() not in EDITABLE or self.on_entry is None:
            return False
        return self.on_entry(index.row(), index.column(), str(value))

    def _show(self, lines: list[SheetLine]) -> None:
        self._shown = lines
        self._texts = [None] * len(lines)

    def _narrowed(self) -> list[SheetLine]:
        if self._mode == UNCOUNTED:
            return [line for line in self._all if line.state == "uncounted"]
        if self._mode == CONFLICTS:
            return [line for line in self._all if line.state == "conflict"]
        if self._mode == LARGEST:
            return sorted(self._all, key=_size_of_variance)
        return list(self._all)


def _size_of_variance(line: SheetLine) -> tuple[int, Decimal]:
    if line.variance is None:
        return 1, Decimal(0)
    share = abs(line.variance) / line.expected if line.expected else abs(line.variance)
    return 0, -share


def _text(line: SheetLine, column: int, *, edit: bool = False) -> str:
    if column == AREA:
        return line.area_name or "(no area)"
    if column == ITEM:
        return line.name
    if column == SKU:
        return line.sku or ""
    if column == PACKS:
        return _packs_text(line, edit)
    if column == COUNT:
        return _count_text(line, edit)
    if column == UNIT:
        return line.unit
    if column == BY:
        return ", ".join(line.counted_by)
    if column == EXPECTED:
        return quantity_text(line.expected if line.expected is not None else line.on_hand)
    if column == VARIANCE:
        if line.variance is None:
            return ""
        return "0" if line.variance == 0 else change_text(line.variance)
    if column == STATUS:
        return _status(line)
    return ""


def _packs_text(line: SheetLine, edit: bool) -> str:
    if line.pack_size is None:
        return "" if edit else "—"
    return "" if line.packs is None else str(line.packs)


def _count_text(line: SheetLine, edit: bool) -> str:
    if line.competing:
        return "" if edit else " / ".join(quantity_text(q) for _, q in line.competing)
    if line.counted is None:
        return ""
    if line.packs is not None and line.pack_size is not None:
        return quantity_text(line.counted - line.packs * line.pack_size)  # the loose units
    return quantity_text(line.counted)


def _status(line: SheetLine) -> str:
    if line.state == "conflict":
        return "conflict: " + " / ".join(f"{who} {quantity_text(q)}" for who, q in line.competing)
    if line.state == "counted" and line.item_state == "partial":
        return "✓ counted (other areas to count)"
    if line.state == "counted" and line.places > 1:
        return f"✓ counted (item total {quantity_text(line.item_counted)})"
    return _STATUS.get(line.state, line.state)


def _background(line: SheetLine) -> QBrush | None:
    if line.state == "conflict":
        return _CONFLICT
    if line.state == "counted":
        return _COUNTED
    return None


def _tooltip(line: SheetLine) -> str | None:
    if line.pack_size is not None:
        return (f"{line.pack_name or 'pack'} of {quantity_text(line.pack_size, line.unit)}: "
                "type the whole packs, then the loose units in Count")
    return None
