"""Receive, deduct or adjust one item's stock: quantity, reason, notes, reference.

A receipt may also carry its cost (per unit or the invoice line's total) and
its supplier. The dialog checks what is typed as it is typed, previews the
result (an adjustment shows current → new and the difference; a costed
receipt, what the stock will be worth) and hands a StockInput to `submit`.
A refusal from the services (say, someone deducted meanwhile) is shown
inside the dialog, which stays open; nothing has been written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

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
from ...quantity import to_decimal
from ...services import ItemRow, currency_symbol, get_item, validation
from ...vocabulary import ADJUST_REASONS, DEDUCT_REASONS, REASON_LABELS, RECEIVE_REASONS
from ..common.form_dialog import FormDialog
from ..common.form_marks import MarkedField, banner_label
from ..common.formatting import change_text, money_text, quantity_text, unit_cost_text
from ..common.shown_poll import PollWhileShown
from .cost_fields import CostFields


@dataclass(frozen=True)
class StockInput:
    """What the manager typed; `quantity` is the new quantity for an adjustment."""

    quantity: str
    reason: str
    notes: str
    reference: str
    # A receipt's unit_cost or total as typed, and its supplier_id (add_stock's keywords).
    cost: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class _Action:
    title: str
    quantity_label: str
    ok_text: str
    reasons: tuple[str, ...]
    reference_hint: str


_ACTIONS = {
    "receive": _Action("Receive", "&Quantity received", "Receive", RECEIVE_REASONS,
                       "Optional, e.g. invoice INV-1042"),
    "deduct": _Action("Deduct", "&Quantity to deduct", "Deduct", DEDUCT_REASONS,
                      "Optional, e.g. waste sheet 24 Nov or order 311"),
    "adjust": _Action("Adjust", "&New quantity on hand", "Adjust", ADJUST_REASONS,
                      "Optional, e.g. count sheet C-12"),
}
_FIELDS = ("quantity", "reason", "notes", "reference", "unit_cost")
# Another program may change the stock while the dialog is open: look this often.
LOOK_MS = 500


class StockDialog(FormDialog):
    """One stock action ("receive", "deduct" or "adjust") on `item`."""

    def __init__(
        self, parent: QWidget | None, action: str, item: ItemRow,
        submit: Callable[[StockInput], object],
    ) -> None:
        super().__init__(parent, submit)
        if action not in _ACTIONS:
            raise ValueError(f"unknown stock action {action!r}")
        self._action = action
        self._spec = _ACTIONS[action]
        self._item = item
        self.setWindowTitle(f"{self._spec.title} — {item.name} ({item.unit})")
        self._build()
        self._validate()
        self._poll = PollWhileShown(self, LOOK_MS, self._look_for_changes)

    @classmethod
    def ask(
        cls, parent: QWidget | None, action: str, item: ItemRow,
        submit: Callable[[StockInput], object],
    ) -> bool:
        """Show the dialog modally; True once `submit` accepted the action."""
        return cls(parent, action, item, submit).exec() == QDialog.DialogCode.Accepted

    def value(self) -> StockInput:
        """The form's content as typed."""
        return StockInput(
            quantity=self.quantity.text(), reason=self.reason.currentData(),
            notes=self.notes.text(), reference=self.reference.text(),
            cost=self.costs.values() if self.costs else {},
        )

    def _build(self) -> None:
        self.quantity = QLineEdit(self)
        unit_label = QLabel(self._item.unit, self)
        quantity_row = QWidget(self)
        row = QHBoxLayout(quantity_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.quantity, 1)
        row.addWidget(unit_label)
        self.on_hand = QLabel(self)
        self.worth = QLabel(self)
        self.preview = QLabel(self)
        self.reason = QComboBox(self)
        for reason in self._spec.reasons:
            self.reason.addItem(REASON_LABELS[reason], reason)
        self.notes = QLineEdit(self)
        self.notes.setPlaceholderText("Optional")
        self.reference = QLineEdit(self)
        self.reference.setPlaceholderText(self._spec.reference_hint)
        self._marks = {"quantity": MarkedField(quantity_row, self)}
        self._marks["quantity"].field = self.quantity
        for key, widget in (("reason", self.reason), ("notes", self.notes),
                            ("reference", self.reference)):
            self._marks[key] = MarkedField(widget, self)
        form = QFormLayout()
        form.addRow("On hand", self.on_hand)
        form.addRow("Worth", self.worth)
        form.addRow(self._spec.quantity_label, self._marks["quantity"])
        self.costs = CostFields(self._item, self) if self._action == "receive" else None
        if self.costs:
            self._marks["unit_cost"] = MarkedField(self.costs, self)
            self._marks["unit_cost"].field = self.costs.amount
            form.addRow("&Cost", self._marks["unit_cost"])
            form.addRow("S&upplier", self.costs.supplier)
            self.costs.amount.textEdited.connect(lambda _text: self._edited("unit_cost"))
            self.costs.mode.currentIndexChanged.connect(lambda _i: self._edited("unit_cost"))
        form.addRow("After", self.preview)
        form.addRow("&Reason", self._marks["reason"])
        form.addRow("N&otes", self._marks["notes"])
        form.addRow("Re&ference", self._marks["reference"])
        self.message = banner_label(self)
        self._lay_out(form, self._spec.ok_text)
        for key, widget in (("quantity", self.quantity), ("notes", self.notes),
                            ("reference", self.reference)):
            widget.textEdited.connect(lambda _text, key=key: self._edited(key))
        self.reason.currentIndexChanged.connect(lambda _index: self._edited("reason"))
        self._show_on_hand()
        self.quantity.setFocus()

    def _show_on_hand(self) -> None:
        item = self._item
        self.on_hand.setText(quantity_text(item.quantity, item.unit))
        symbol = currency_symbol()
        if item.value is None:
            worth = "not known (no cost recorded for this stock yet)"
        elif item.quantity:
            worth = (f"{money_text(item.value, symbol)} "
                     f"({unit_cost_text(item.average_cost, item.unit, symbol)} on average)")
        else:
            worth = money_text(item.value, symbol)
        self.worth.setText(worth)

    def _entered_quantity(self) -> int:
        if self._action == "adjust":
            return validation.new_quantity(self.quantity.text())
        return validation.positive_quantity(self.quantity.text())

    def _checks(self) -> dict[str, Callable[[], object]]:
        checks: dict[str, Callable[[], object]] = {
            "quantity": self._entered_quantity,
            "notes": lambda: validation.notes(self.notes.text()),
            "reference": lambda: validation.reference(self.reference.text()),
        }
        if self.costs:
            checks["unit_cost"] = self.costs.cost
        return checks

    def _after_validate(self, problems: dict[str, str]) -> None:
        text = "" if "quantity" in problems else self._preview_text()
        if text and self.costs and "unit_cost" not in problems:
            text += self._value_preview()
        self.preview.setText(text)

    def _value_preview(self) -> str:
        cost = self.costs.cost() if self.costs else None
        if cost is None:
            return ""
        quantity = self._entered_quantity()
        amount = cost.total if cost.total is not None else value_of(quantity, cost.unit_cost)
        if self._item.value is None and self._item.quantity:
            return (f"; the {quantity_text(self._item.quantity, self._item.unit)} on hand "
                    f"will be valued at this cost too")
        worth = to_money(amount) + (self._item.value or 0)
        return f", worth {money_text(worth, currency_symbol())}"

    def _preview_text(self) -> str:
        unit, current = self._item.unit, self._item.quantity
        entered = to_decimal(self._entered_quantity())
        if self._action == "adjust":
            if entered == current:
                return f"{quantity_text(current, unit)} → no change"
            return (f"{quantity_text(current, unit)} → {quantity_text(entered, unit)}"
                    f" (difference {change_text(entered - current, unit)})")
        after = current + entered if self._action == "receive" else current - entered
        if after < 0:
            return (f"More than the {quantity_text(current, unit)} on hand: "
                    "the deduction will be refused.")
        return _with_threshold_note(quantity_text(after, unit), after, self._item)

    def _show_refusal(self, error: InventoryError) -> None:
        field = getattr(error, "field", None)
        field = "unit_cost" if field == "total" else field
        if isinstance(error, ValidationError) and field in _FIELDS:
            self._refusals[field] = str(error)
        else:
            self.message.setText(str(error))
            self.message.show()
        self._reload_item()
        self._validate()

    def _reload_item(self) -> None:
        # A refusal often means the file changed under us: show today's figure.
        try:
            self._item = get_item(self._item.id)
        except InventoryError:
            return
        self._show_on_hand()

    def _look_for_changes(self) -> None:
        """Show the figure on hand (and the preview after it) as it is now, not at opening."""
        try:
            now = get_item(self._item.id)
        except InventoryError:
            return  # busy or gone for now: the services check again on OK
        if now != self._item:
            self._item = now
            self._show_on_hand()
            self._validate()


def _with_threshold_note(text: str, after: Decimal, item: ItemRow) -> str:
    threshold = item.low_stock_threshold
    if threshold is not None and after <= threshold:
        low_at = quantity_text(threshold, item.unit)
        return f"{text} (at or below the low-stock threshold of {low_at})"
    return text
