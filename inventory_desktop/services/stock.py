"""Recording stock: receipts, deductions, adjustments and reversals.

Each function is one user action and one IMMEDIATE transaction; with
`op_key`, a retry after an uncertain failure returns the original movement.
"""

from __future__ import annotations

from .. import db
from ..errors import ConflictError, InsufficientStockError, ValidationError
from ..models import StockMovement
from ..money import value_of
from ..quantity import decimal_to_units, format_units
from ..vocabulary import (
    ADJUST_REASONS,
    DEDUCT_REASONS,
    RECEIVE_REASONS,
    REVALUE_REASONS,
    REVERSAL,
    REVERSE_REASONS,
)
from . import validation
from ._write import announce_low_stock, writing
from .ledger import append_movement, replayed, revalue
from .queries import get_item, get_movement
from .rows import MovementRow
from .suppliers import require_active_supplier

_OPPOSITE = {"in": "out", "out": "in", "adjustment": "adjustment"}


def add_stock(
    item_id: int, quantity: object, reason: str = "purchase", *,
    unit_cost: object = None, total: object = None, supplier_id: int | None = None,
    user: str | None = None, notes: str = "", reference: object = None,
    op_key: str | None = None,
) -> MovementRow:
    """Receive stock: a positive 'in' movement.

    With its cost from the invoice (`unit_cost` per unit, or the line's
    `total`) the receipt adds that cost to the stock's value; without one it
    enters at the average cost (services/valuation.py). `supplier_id`: who
    delivered it.
    """
    change = validation.positive_quantity(quantity)
    cost = validation.receipt_cost(unit_cost, total)
    reason = validation.reason(reason, RECEIVE_REASONS, "receive stock")
    notes, ref, key = validation.movement_details(notes, reference, op_key)
    with writing(user) as actor:
        earlier = replayed(key, item_id, "in", change=change)
        if earlier is not None:
            return earlier
        if supplier_id is not None:
            require_active_supplier(supplier_id)
        movement, went_low = append_movement(
            item_id, change, "in", reason, actor=actor, notes=notes, reference=ref, op_key=key,
            cost=cost, supplier_id=supplier_id)
    _after_commit(movement, went_low)
    return movement


def deduct_stock(
    item_id: int, quantity: object, reason: str, *,
    user: str | None = None, notes: str = "", reference: object = None,
    op_key: str | None = None,
) -> MovementRow:
    """Take stock out (usage, waste, theft, ...); refused if it would go below zero."""
    change = -validation.positive_quantity(quantity)
    return _book(item_id, change, "out", validation.reason(reason, DEDUCT_REASONS, "deduct stock"),
                 user, notes, reference, op_key)


def adjust_stock(
    item_id: int, new_quantity: object, reason: str, *,
    user: str | None = None, notes: str = "", reference: object = None,
    op_key: str | None = None,
) -> MovementRow | None:
    """Set the quantity on hand (e.g. after a count); records the difference.

    Returns None, writing nothing, when the item already holds `new_quantity`.
    """
    target = validation.new_quantity(new_quantity)
    reason = validation.reason(reason, ADJUST_REASONS, "adjust stock")
    notes, ref, key = validation.movement_details(notes, reference, op_key)
    with writing(user) as actor:
        earlier = replayed(key, item_id, "adjustment", balance_after=target)
        if earlier is not None:
            return earlier
        current = decimal_to_units(get_item(item_id).quantity)
        if target == current:
            return None
        movement, went_low = append_movement(
            item_id, target - current, "adjustment", reason,
            actor=actor, notes=notes, reference=ref, op_key=key)
    _after_commit(movement, went_low)
    return movement


def reverse_movement(
    movement_id: int, reason: str = "correction", *,
    user: str | None = None, notes: str = "", op_key: str | None = None,
) -> MovementRow:
    """Undo a movement with a new one of opposite sign that references it."""
    reason = validation.reason(reason, REVERSE_REASONS, "reverse a movement")
    notes, key = validation.notes(notes), validation.op_key(op_key)
    with writing(user) as actor:
        original = get_movement(movement_id)
        _refuse_reversing_a_revaluation(original)
        kind = _OPPOSITE[original.movement_type]
        change = -decimal_to_units(original.quantity_change)
        earlier = replayed(key, original.item_id, kind, change=change,
                           reference=(REVERSAL, str(original.id)))
        if earlier is not None:
            return earlier
        # Another terminal may be reversing it right now: its item's lock
        # makes this one wait, then see that reversal.
        db.lock_items([original.item_id])
        _refuse_second_reversal(original)
        try:
            movement, went_low = append_movement(
                original.item_id, change, kind, reason, actor=actor, notes=notes,
                reference=(REVERSAL, str(original.id)), op_key=key,
                reverses=None if original.value_change is None
                else decimal_to_units(original.value_change))
        except InsufficientStockError:
            raise InsufficientStockError(
                f"Reversing movement {original.id} would take {original.item_name} below zero: "
                f"only {format_units(decimal_to_units(get_item(original.item_id).quantity))} "
                f"{original.unit} is in stock.") from None
    _after_commit(movement, went_low)
    return movement


def _book(
    item_id: int, change: int, kind: str, reason: str,
    user: str | None, notes: object, reference: object, op_key: object,
) -> MovementRow:
    notes, ref, key = validation.movement_details(notes, reference, op_key)
    with writing(user) as actor:
        earlier = replayed(key, item_id, kind, change=change)
        if earlier is not None:
            return earlier
        movement, went_low = append_movement(
            item_id, change, kind, reason, actor=actor, notes=notes, reference=ref, op_key=key)
    _after_commit(movement, went_low)
    return movement


def revalue_stock(
    item_id: int, *, value: object = None, unit_cost: object = None,
    reason: str = "price_correction", user: str | None = None, notes: str = "",
    op_key: str | None = None,
) -> MovementRow:
    """Set what an item's stock is worth, leaving its quantity: a revaluation movement.

    Give the new total `value`, or a `unit_cost` that values the stock on hand.
    For a price found wrong after the fact (price_correction), or stock from
    before costs were kept (standard_cost); history is never edited.
    """
    reason = validation.reason(reason, REVALUE_REASONS, "revalue stock")
    new_value = validation.amount(value, "new value", "value")
    per_unit = validation.amount(unit_cost, "unit cost", "unit_cost")
    if (new_value is None) == (per_unit is None):
        raise ValidationError("Give the stock's new value or its cost per unit (one of them).",
                              "value")
    notes, key = validation.notes(notes), validation.op_key(op_key)
    with writing(user) as actor:
        earlier = replayed(key, item_id, "revaluation")
        if earlier is not None:
            return earlier
        if new_value is None:
            new_value = value_of(decimal_to_units(get_item(item_id).quantity), per_unit)
        movement_id = revalue(item_id, new_value, reason, actor=actor, notes=notes, op_key=key)
        movement = get_movement(movement_id)
    return movement


def _refuse_reversing_a_revaluation(original: MovementRow) -> None:
    if original.movement_type == "revaluation":
        raise ConflictError(
            f"Movement {original.id} is a revaluation: correct it with another revaluation "
            "(the value the stock should have), not a reversal.")


def _refuse_second_reversal(original: MovementRow) -> None:
    reversal_id = (StockMovement.select(StockMovement.id)
                   .where((StockMovement.reference_type == REVERSAL)
                          & (StockMovement.reference_id == str(original.id)))
                   .scalar())
    if reversal_id is not None:
        raise ConflictError(
            f"Movement {original.id} was already reversed by movement {reversal_id}.")


def _after_commit(movement: MovementRow, went_low: bool) -> None:
    if went_low:
        announce_low_stock(get_item(movement.item_id))

