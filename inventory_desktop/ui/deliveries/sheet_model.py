"""The lines of a delivery or waste sheet as an editable table: item, quantity, what is wrong.

The model holds the items a line may name (read once by the dialog from the
services) and resolves what was typed against them in Python: it never
queries. There is always one empty line at the end; filling it adds the next.
"""

from __future__ import annotations

import dataclasses
import unicodedata
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

AnyIndex = QModelIndex | QPersistentModelIndex
_PROBLEM = QColor("#a93226")
_PROBLEM_BACKGROUND = QColor("#fde2e1")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


@dataclasses.dataclass(frozen=True)
class SheetRow:
    """One line as typed, with the item it names (None until it names exactly one)."""

    item_text: str = ""
    item: ItemRow | None = None
    quantity: str = ""
    reason: str = ""
    refusal: str = ""  # what the services said of this line at the last OK

    @property
    def empty(self) -> bool:
        return not self.item_text.strip() and not self.quantity.strip()


class SheetLinesModel(QAbstractTableModel):
    """Editable lines; `reasons` (a waste sheet's) adds a Reason column."""

    def __init__(self, items: Sequence[ItemRow], *, taking_out: bool,
                 reasons: tuple[str, ...] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.items = list(items)
        self.taking_out = taking_out
        self.reasons = reasons
        self.columns = ["Item", "Quantity", "Unit"] + (["Reason"] if reasons else []) + [
            "On hand → after", "Problem"]
        self.item_column, self.quantity_column, self.unit_column = 0, 1, 2
        self.reason_column = 3 if reasons else -1
        self.after_column = len(self.columns) - 2
        self.problem_column = len(self.columns) - 1
        self._by_label = {_folded(item_label(item)): item for item in self.items}
        self._rows: list[SheetRow] = [self._blank()]
        self._checked = False  # after OK: missing items and quantities are problems too
        self._problems: list[str] = [""]
        self._afters: list[Decimal | None] = [None]

    def lines(self) -> list[tuple[int, LineInput]]:
        """The filled lines as the services take them, each with its row."""
        return [(row, LineInput(line.item.id if line.item else None,  # type: ignore[arg-type]
                                line.quantity.strip(), line.reason or None))
                for row, line in enumerate(self._rows) if not line.empty]

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
        wanted = _folded(text)
        if not wanted:
            return None, ""
        found = self._by_label.get(wanted) or self._exactly(wanted)
        if found is not None:
            return found, ""
        matches = [item for label, item in self._by_label.items() if wanted in label]
        if len(matches) == 1:
            return matches[0], ""
        shown = text.strip()[:40]
        if not matches:
            return None, f"No item matches {shown!r}."
        return None, f"{len(matches)} items match {shown!r}: pick one from the list."

    def remove_row(self, row: int) -> None:
        """Remove a line (the empty line at the end stays)."""
        if not 0 <= row < len(self._rows) - 1:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        del self._problems[row]
        del self._afters[row]
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
        if index.column() in (self.item_column, self.quantity_column, self.reason_column):
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
        if role == Qt.ItemDataRole.BackgroundRole and problem and column in (
                self.item_column, self.quantity_column):
            return _PROBLEM_BACKGROUND
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.quantity_column:
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

    def _blank(self) -> SheetRow:
        return SheetRow(reason=self.reasons[0] if self.reasons else "")

    def _append_blank(self) -> None:
        end = len(self._rows)
        self.beginInsertRows(QModelIndex(), end, end)
        self._rows.append(self._blank())
        self._problems.append("")
        self._afters.append(None)
        self.endInsertRows()

    def _recompute(self) -> None:
        # One pass: each line's After continues the earlier lines of its item.
        running: dict[int, Decimal] = {}
        self._afters, self._problems = [], []
        for line in self._rows:
            after = None
            if line.item is not None:
                amount = _quantity_or_zero(line.quantity)
                change = -amount if self.taking_out else amount
                after = running.get(line.item.id, line.item.quantity) + change
                running[line.item.id] = after
            self._afters.append(after)
            self._problems.append(self._problem(line, after))
        # An edit can change the After and Problem of later lines: repaint them all.
        self.dataChanged.emit(self.index(0, 0),
                              self.index(len(self._rows) - 1, len(self.columns) - 1))

    def _problem(self, line: SheetRow, after: Decimal | None) -> str:
        if line.empty:
            return ""
        if line.item is None:
            if line.item_text.strip():
                return self.resolve(line.item_text)[1]
            return "Choose the item." if self._checked else ""
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

    def _exactly(self, wanted: str) -> ItemRow | None:
        if wanted.startswith("#") and wanted[1:].isdigit():
            return next((item for item in self.items if item.id == int(wanted[1:])), None)
        by_sku = [item for item in self.items if item.sku and _folded(item.sku) == wanted]
        by_name = [item for item in self.items if _folded(item.name) == wanted]
        for found in (by_sku, by_name):
            if len(found) == 1:
                return found[0]
        return None


def _quantity_or_zero(text: str) -> Decimal:
    try:
        return to_decimal(validation.positive_quantity(text))
    except ValidationError:
        return Decimal(0)
