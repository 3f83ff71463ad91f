"""The order list as a tree: one row per supplier (with its estimated total), its lines below.

The quantity to order is editable: what is typed is checked by the services
(`with_quantity`) and the line's estimated cost and the supplier's total
follow. Nothing is written to the data file: the list is a suggestion.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from ...errors import ValidationError
from ...services import OrderLine, by_supplier, order_total, with_quantity
from ...services.report_document import COST, MONEY, QUANTITY, TEXT, cell_text
from ...services.report_layout_usage import order_packs

AnyIndex = QModelIndex | QPersistentModelIndex
COLUMNS = (("Item", TEXT), ("SKU", TEXT), ("On hand", QUANTITY), ("Par", QUANTITY),
           ("Order", QUANTITY), ("Unit", TEXT), ("Packs", TEXT), ("Unit cost", COST),
           ("Estimated cost", MONEY))
ORDER_COLUMN = 4
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_TOP = 0xFFFFFFFF  # internalId of a supplier row; a line's is its supplier's number


class OrderTreeModel(QAbstractItemModel):
    """Suppliers and their order lines; `refused(sentence)` when a typed quantity is not one."""

    refused = Signal(str)

    def __init__(self, symbol: str = "", parent: Any = None) -> None:
        super().__init__(parent)
        self._symbol = symbol
        self._groups: list[tuple[str, list[OrderLine]]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_lines(self, lines: list[OrderLine], symbol: str | None = None) -> None:
        self.beginResetModel()
        self._groups = by_supplier(lines)
        if symbol is not None:
            self._symbol = symbol
        self.endResetModel()

    @property
    def symbol(self) -> str:
        return self._symbol

    def lines(self) -> list[OrderLine]:
        """Every line, with the quantities as edited."""
        return [line for _supplier, group in self._groups for line in group]

    def suppliers(self) -> list[str]:
        return [supplier for supplier, _group in self._groups]

    def supplier_total(self, number: int) -> Decimal:
        return order_total(self._groups[number][1])[0]

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _TOP)
        return self.createIndex(row, column, parent.row())

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(index.internalId(), 0, _TOP)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def line_at(self, index: AnyIndex) -> OrderLine | None:
        if not index.isValid() or index.internalId() == _TOP:
            return None
        return self._groups[index.internalId()][1][index.row()]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if COLUMNS[column][1] == TEXT else _RIGHT
        line = self.line_at(index)
        if line is None:
            return self._supplier_data(index.row(), column, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.text(line, column)
        return None

    def _supplier_data(self, row: int, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            supplier, group = self._groups[row]
            return f"{supplier} ({len(group)} line{'s' if len(group) != 1 else ''})"
        if column == len(COLUMNS) - 1:
            return cell_text(self.supplier_total(row), MONEY, self._symbol)
        return ""

    def text(self, line: OrderLine, column: int) -> str:
        """What a line shows in `column`."""
        values = (line.name, line.sku or "", line.on_hand, line.par_level, line.quantity,
                  line.unit, order_packs(line), line.unit_cost, line.estimated_cost)
        if column == 7 and line.unit_cost is None:
            return "no cost known"
        return cell_text(values[column], COLUMNS[column][1], self._symbol)

    def multiData(self, index: AnyIndex, roles: QModelRoleDataSpan) -> None:
        # Set or clear each role: never hand Qt Python's None (PySide6 6.12.0).
        for number in range(len(roles)):
            role_data = roles[number]
            value = self.data(index, role_data.role())
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == ORDER_COLUMN and self.line_at(index) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        line = self.line_at(index)
        if line is None or index.column() != ORDER_COLUMN or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            edited = with_quantity(line, str(value).strip())
        except ValidationError as error:
            self.refused.emit(str(error))
            return False
        group = index.internalId()
        self._groups[group][1][index.row()] = edited
        self.dataChanged.emit(index.siblingAtColumn(0), index.siblingAtColumn(len(COLUMNS) - 1))
        total = self.index(group, len(COLUMNS) - 1)
        self.dataChanged.emit(total, total)
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(COLUMNS)):
            return COLUMNS[section][0]
        return None
