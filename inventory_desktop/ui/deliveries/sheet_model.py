"""The lines of a delivery or waste sheet as an editable table: item, quantity, what is wrong.

The model holds the items a line may name (read once by the dialog from the
services) and resolves what was typed against them in Python: it never
queries. There is always one empty line at the end; filling it adds the next.
A delivery's line may carry its cost, per unit or the line's total: the one
typed is kept, the other is worked out and shown in grey.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from ...errors import ValidationError
from ...quantity import to_decimal
from ...services import ItemRow, LineInput, validation
from ...vocabulary import REASON_LABELS
from ..common.formatting import quantity_text
from ..common.item_words import item_label
from . import line_costs as costs
from .item_finder import ItemFinder
from .line_costs import TOTAL, UNIT_COST, LineValue, SheetValue

AnyIndex = QModelIndex | QPersistentModelIndex
_PROBLEM = QColor("#a93226")
_PROBLEM_BACKGROUND = QColor("#fde2e1")
_WORKED_OUT = QColor("#6b6b6b")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclasses.dataclass(frozen=True)
class SheetRow:
    """One line as typed, with the item it names (None until it names exactly one)."""

    item_text: str = ""
    item: ItemRow | None = None
    quantity: str = ""
    reason: str = ""
    refusal: str = ""  # what the services said of this line at the last OK
    unit_cost: str = ""  # as typed; a line has this or total, not both
    total: str = ""

    @property
    def empty(self) -> bool:
        return not (self.item_text.strip() or self.quantity.strip() or self.unit_cost
                    or self.total)


class SheetLinesModel(QAbstractTableModel):
    """Editable lines; `reasons` (a waste sheet's) adds a Reason column, `costed` the costs."""

    def __init__(self, items: Sequence[ItemRow], *, taking_out: bool,
                 reasons: tuple[str, ...] = (), costed: bool = False, symbol: str = "",
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.items = list(items)
        self.taking_out = taking_out
        self.reasons = reasons
        self.symbol = symbol
        self.columns = ["Item", "Quantity", "Unit"] + (["Reason"] if reasons else []) + (
            ["Unit cost", "Line total"] if costed else []) + ["On hand → after", "Problem"]
        self.item_column, self.quantity_column, self.unit_column = 0, 1, 2
        self.reason_column = 3 if reasons else -1
        self.unit_cost_column, self.total_column = (3, 4) if costed else (-1, -1)
        self.after_column = len(self.columns) - 2
        self.problem_column = len(self.columns) - 1
        self._finder = ItemFinder(self.items)
        self._rows: list[SheetRow] = [self._blank()]
        self._checked = False  # after OK: missing items and quantities are problems too
        self._problems: list[str] = [""]
        self._afters: list[Decimal | None] = [None]
        self._values: list[LineValue] = [LineValue()]

    def lines(self) -> list[tuple[int, LineInput]]:
        """The filled lines as the services take them, each with its row."""
        return [(row, LineInput(line.item.id if line.item else None,  # type: ignore[arg-type]
                                line.quantity.strip(), line.reason or None,
                                unit_cost=line.unit_cost or None, total=line.total or None))
                for row, line in enumerate(self._rows) if not line.empty]

    def value(self) -> SheetValue:
        """What the filled lines are worth, as far as their costs were typed."""
        return costs.sheet_value(value if not line.empty else None
                                 for line, value in zip(self._rows, self._values, strict=True))

    def filled_count(self) -> int:
        return sum(not line.empty for line in self._rows)

    def problems(self) -> dict[int, str]:
        """What is wrong with each line, by row (shown in the Problem column)."""
        return {row: problem for row, problem in enumerate(self._problems) if problem}

    def check_all(self) -> None:
        """From now on, say what is missing too (a line without an item or quantity)."""
        self._checked = True
        self._recompute()

    def show_refusals(self, refusals: dict[int, str]) -> None:
        """Put the services' reasons on the rows they concern (and clear the others)."""
        self._rows = [dataclasses.replace(line, refusal=refusals.get(row, ""))
                      for row, line in enumerate(self._rows)]
        self._recompute()

    def row_of(self, row: int) -> SheetRow:
        return self._rows[row]

    def resolve(self, text: str) -> tuple[ItemRow | None, str]:
        """The item `text` names (a label, #id, SKU, name or a unique part), or why none."""
        return self._finder.resolve(text)

    def remove_row(self, row: int) -> None:
        """Remove a line (the empty line at the end stays)."""
        if not 0 <= row < len(self._rows) - 1:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        del self._problems[row]
        del self._afters[row]
        del self._values[row]
        self.endRemoveRows()
        self._recompute()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (self.item_column, self.quantity_column, self.reason_column,
                              self.unit_cost_column, self.total_column):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        line, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(index.row(), line, column, role == Qt.ItemDataRole.EditRole)
        problem = self._problems[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and column == self.problem_column and problem:
            return problem
        if role == Qt.ItemDataRole.ForegroundRole and column == self.problem_column:
            return _PROBLEM
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole):
            worked_out = self._worked_out(index.row(), line, column)
            if worked_out:
                return _WORKED_OUT if role == Qt.ItemDataRole.ForegroundRole else worked_out
        if role == Qt.ItemDataRole.BackgroundRole and problem and column in (
                self._marked_columns(index.row())):
            return _PROBLEM_BACKGROUND
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
                self.quantity_column, self.unit_cost_column, self.total_column):
            return _RIGHT
        return None

    def multiData(self, index: AnyIndex, roles: QModelRoleDataSpan) -> None:
        # As in paged_model: every role of a painted cell set or cleared in
        # one call, and Python's None never handed to Qt while painting.
        for number in range(len(roles)):
            role_data = roles[number]
            value = self.data(index, role_data.role())
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid()
                or not 0 <= index.row() < len(self._rows) or not isinstance(value, str)):
            return False
        line, column = self._rows[index.row()], index.column()
        if column == self.item_column:
            item, _ = self.resolve(value)
            line = dataclasses.replace(line, item_text=item_label(item) if item else value,
                                       item=item, refusal="")
        elif column == self.quantity_column:
            line = dataclasses.replace(line, quantity=value.strip(), refusal="")
        elif column == self.reason_column and value in self.reasons:
            line = dataclasses.replace(line, reason=value, refusal="")
        elif column in (self.unit_cost_column, self.total_column):
            line = self._with_cost(line, column, value.strip())
        else:
            return False
        self._rows[index.row()] = line
        self.dataChanged.emit(self.index(index.row(), 0),
                              self.index(index.row(), len(self.columns) - 1))
        if index.row() == len(self._rows) - 1 and not line.empty:
            self._append_blank()
        self._recompute()
        return True

    def _text(self, row: int, line: SheetRow, column: int, editing: bool) -> str:
        if column == self.item_column:
            return line.item_text
        if column == self.quantity_column:
            return line.quantity
        if column == self.reason_column:
            return line.reason if editing else REASON_LABELS.get(line.reason, line.reason)
        if column in (self.unit_cost_column, self.total_column):
            return self._cost_text(row, line, column, editing)
        if column == self.problem_column:
            return self._problems[row]
        item = line.item
        if item is None:
            return ""
        if column == self.after_column:
            return self._after_text(row, item)
        return item.unit

    def _after_text(self, row: int, item: ItemRow) -> str:
        on_hand = quantity_text(item.quantity, item.unit)
        if not _quantity_or_zero(self._rows[row].quantity):
            return on_hand  # nothing to add up yet
        return f"{on_hand} → {quantity_text(self._afters[row], item.unit)}"

    def _which(self, column: int) -> str:
        return UNIT_COST if column == self.unit_cost_column else TOTAL

    def _with_cost(self, line: SheetRow, column: int, text: str) -> SheetRow:
        unit_cost, total = costs.typed_cost(line.unit_cost, line.total, self._which(column), text)
        return dataclasses.replace(line, unit_cost=unit_cost, total=total, refusal="")

    def _cost_text(self, row: int, line: SheetRow, column: int, editing: bool) -> str:
        which = self._which(column)
        typed = line.unit_cost if which == UNIT_COST else line.total
        if editing:
            return typed
        unit = line.item.unit if line.item else ""
        return costs.cost_text(self._values[row], typed, which, unit, self.symbol)

    def _worked_out(self, row: int, line: SheetRow, column: int) -> str:
        if column not in (self.unit_cost_column, self.total_column) or self._values[row].problem:
            return ""
        return costs.worked_out(line.unit_cost, line.total, self._which(column))

    def _marked_columns(self, row: int) -> tuple[int, ...]:
        value = self._values[row]
        if value.problem and value.problem == self._problems[row]:
            return (self.unit_cost_column if value.field == UNIT_COST else self.total_column,)
        return (self.item_column, self.quantity_column)

    def _blank(self) -> SheetRow:
        return SheetRow(reason=self.reasons[0] if self.reasons else "")

    def _append_blank(self) -> None:
        end = len(self._rows)
        self.beginInsertRows(QModelIndex(), end, end)
        self._rows.append(self._blank())
        self._problems.append("")
        self._afters.append(None)
        self._values.append(LineValue())
        self.endInsertRows()

    def _recompute(self) -> None:
        # One pass: each line's After continues the earlier lines of its item.
        running: dict[int, Decimal] = {}
        self._afters, self._problems = [], []
        self._values = [costs.line_value(line.quantity, line.unit_cost, line.total)
                        for line in self._rows]
        for line, value in zip(self._rows, self._values, strict=True):
            after = None
            if line.item is not None:
                amount = _quantity_or_zero(line.quantity)
                change = -amount if self.taking_out else amount
                after = running.get(line.item.id, line.item.quantity) + change
                running[line.item.id] = after
            self._afters.append(after)
            self._problems.append(self._problem(line, after, value))
        # An edit can change the After and Problem of later lines: repaint them all.
        self.dataChanged.emit(self.index(0, 0),
                              self.index(len(self._rows) - 1, len(self.columns) - 1))

    def _problem(self, line: SheetRow, after: Decimal | None, value: LineValue) -> str:
        if line.empty:
            return ""
        if line.item is None:
            if line.item_text.strip():
                return self.resolve(line.item_text)[1]
            return "Choose the item." if self._checked else ""
        if value.problem:
            return value.problem
        if not line.quantity:
            return "Enter the quantity." if self._checked else ""
        try:
            validation.positive_quantity(line.quantity)
        except ValidationError as error:
            return str(error)
        if after is not None and after < 0:
            return (f"Only {quantity_text(line.item.quantity, line.item.unit)} of "
                    f"{line.item.name} is on hand.")
        return line.refusal


def _quantity_or_zero(text: str) -> Decimal:
    try:
        return to_decimal(validation.positive_quantity(text))
    except ValidationError:
        return Decimal(0)
