"""A report's table for a QTableView: the texts the files hold, sortable, its total row last."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from ...services.report_document import NOT_KNOWN, Table, cell_text

AnyIndex = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_UNKNOWN = QColor("#8a4b00")


class ReportTableModel(QAbstractTableModel):
    """Rows of a report Table, as text; the total row (if any) stays at the bottom."""

    def __init__(self, table: Table, symbol: str = "", parent: Any = None) -> None:
        super().__init__(parent)
        self.table = table
        self._symbol = symbol
        self._rows = list(table.rows)
        # Texts are made when a row is first painted: a period report of 5,000
        # items would otherwise format 100,000 cells on the UI thread at once.
        self._texts: list[tuple[str, ...] | None] = [None] * len(self._rows)
        self._total = None if table.total is None else self._row_texts(table.total)
        self._bold = QFont()
        self._bold.setBold(True)

    def _row_texts(self, row: tuple) -> tuple[str, ...]:
        return tuple(cell_text(value, column.kind, self._symbol)
                     for value, column in zip(row, self.table.columns, strict=True))

    def text(self, row: int, column: int) -> str:
        """What the cell at (row, column) shows (the total is the last row)."""
        if row >= len(self._rows):
            return self._total[column]  # type: ignore[index]
        texts = self._texts[row]
        if texts is None:
            texts = self._texts[row] = self._row_texts(self._rows[row])
        return texts[column]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        if parent.isValid():
            return 0
        return len(self._rows) + (self._total is not None)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if self.table.columns[column].numeric else _LEFT
        if role == Qt.ItemDataRole.FontRole and row >= len(self._rows):
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and self.text(row, column) == NOT_KNOWN:
            return _UNKNOWN
        return None

    def multiData(self, index: AnyIndex, roles: QModelRoleDataSpan) -> None:
        # Each role is set or cleared, never handed to Qt as Python's None
        # (the path on which PySide6 6.12.0 loses None references).
        for number in range(len(roles)):
            role_data = roles[number]
            value = self.data(index, role_data.role())
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.table.columns)):
            return self.table.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.table.columns):
            return
        self.layoutAboutToBeChanged.emit()
        paired = list(zip(self._rows, self._texts, strict=True))
        # Blank and unknown values go last whichever way the column is sorted.
        known = [pair for pair in paired if _sort_key(pair[0][column]) is not None]
        unknown = [pair for pair in paired if _sort_key(pair[0][column]) is None]
        known.sort(key=lambda pair: _sort_key(pair[0][column]),
                   reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = [row for row, _texts in known + unknown]
        self._texts = [texts for _row, texts in known + unknown]
        self.layoutChanged.emit()


def _sort_key(value: object) -> tuple | None:
    # Exact Decimals compare as they are (a column holds numbers or text, not both).
    if isinstance(value, Decimal):
        return (value, "")
    if value is None or value == "":
        return None
    return (Decimal(0), str(value).casefold())
