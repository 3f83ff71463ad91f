"""Revalue an item's stock: a wrong invoice price found later, or stock from before costs.

The quantity stays; a revaluation movement sets what the stock is worth,
given as a new total or as a cost per unit for what is on hand. History is
never edited: the old value stays in the ledger, before the revaluation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ...errors import InventoryError, ValidationError
from ...money import to_money, value_of
from ...quantity import decimal_to_units
from ...services import ItemRow, currency_symbol, validation
from ...vocabulary import REASON_LABELS, REVALUE_REASONS
from ..common.form_dialog import FormDialog
from ..common.form_marks import MarkedField, banner_label
from ..common.formatting import money_text, quantity_text, unit_cost_text

PER_UNIT, TOTAL = "unit_cost", "value"


@dataclass(frozen=True)
class RevalueInput:
    """services.revalue_stock's keywords, as typed."""

    value: str | None
    unit_cost: str | None
    reason: str
    notes: str


class RevalueDialog(FormDialog):
    def __init__(self, parent: QWidget | None, item: ItemRow,
                 submit: Callable[[RevalueInput], object]) -> None:
        super().__init__(parent, submit)
        self._item = item
        self._symbol = currency_symbol()
        self.setWindowTitle(f"Revalue — {item.name} ({item.unit})")
        self._build()
        self._validate()

    @classmethod
    def ask(cls, parent: QWidget | None, item: ItemRow,
            submit: Callable[[RevalueInput], object]) -> bool:
        """Show the dialog modally; True once `submit` accepted the revaluation."""
        return cls(parent, item, submit).exec() == QDialog.DialogCode.Accepted

    def value(self) -> RevalueInput:
        text = self.amount.text()
        per_unit = self.mode.currentData() == PER_UNIT
        return RevalueInput(value=None if per_unit else text,
                            unit_cost=text if per_unit else None,
                            reason=self.reason.currentData(), notes=self.notes.text())

    def _build(self) -> None:
        item = self._item
        self.amount = QLineEdit(self)
        self.mode = QComboBox(self)
        self.mode.addItem(f"per {item.unit} on hand", PER_UNIT)
        self.mode.addItem("in total", TOTAL)
        amount_row = QWidget(self)
        row = QHBoxLayout(amount_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.amount, 1)
        row.addWidget(self.mode)
        self.reason = QComboBox(self)
        for reason in REVALUE_REASONS:
            self.reason.addItem(REASON_LABELS[reason], reason)
        self.notes = QLineEdit(self)
        self.notes.setPlaceholderText("e.g. invoice INV-1042 was 0.92, not 0.82")
        self.preview = QLabel(self)
        self._marks = {"value": MarkedField(amount_row, self),
                       "notes": MarkedField(self.notes, self)}
        self._marks["value"].field = self.amount
        form = QFormLayout()
        form.addRow("On hand", QLabel(quantity_text(item.quantity, item.unit), self))
        form.addRow("Worth now", QLabel(self._worth(item.value), self))
        form.addRow("&New value", self._marks["value"])
        form.addRow("After", self.preview)
        form.addRow("&Reason", self.reason)
        form.addRow("N&otes", self._marks["notes"])
        self.message = banner_label(self)
        self._lay_out(form, "Revalue")
        self.amount.textEdited.connect(lambda _text: self._edited("value"))
        self.mode.currentIndexChanged.connect(lambda _index: self._edited("value"))
        self.notes.textEdited.connect(lambda _text: self._edited("notes"))
        self.amount.setFocus()

    def _worth(self, value) -> str:
        if value is None:
            return "not known (no cost recorded for this stock yet)"
        average = self._item.average_cost
        return (f"{money_text(value, self._symbol)} "
                f"({unit_cost_text(average, self._item.unit, self._symbol)} on average)"
                if average is not None else money_text(value, self._symbol))

    def _new_value(self) -> int:
        typed = validation.amount(self.amount.text(), "new value", "value")
        if typed is None:
            raise ValidationError("Enter the stock's new value, or its cost per unit.", "value")
        if self.mode.currentData() == TOTAL:
            return typed
        return value_of(decimal_to_units(self._item.quantity), typed)

    def _checks(self) -> dict[str, Callable[[], object]]:
        return {"value": self._new_value,
                "notes": lambda: validation.notes(self.notes.text())}

    def _after_validate(self, problems: dict[str, str]) -> None:
        if "value" in problems:
            self.preview.setText("")
            return
        new_value = to_money(self._new_value())
        per_unit = new_value / self._item.quantity if self._item.quantity else None
        text = f"worth {money_text(new_value, self._symbol)}"
        if per_unit is not None:
            text += f" ({unit_cost_text(per_unit, self._item.unit, self._symbol)})"
        self.preview.setText(text)

    def _show_refusal(self, error: InventoryError) -> None:
        field = getattr(error, "field", None)
        if isinstance(error, ValidationError) and field in ("value", "unit_cost", "notes"):
            self._refusals["notes" if field == "notes" else "value"] = str(error)
            self._validate()
        else:
            self.message.setText(str(error))
            self.message.show()
