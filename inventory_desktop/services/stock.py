"""Recording stock: receipts, deductions, adjustments and reversals.

Each function is one user action and one IMMEDIATE transaction; with
`op_key`, a retry after an uncertain failure returns the original movement.
"""

from __future__ import annotations

from ..errors import ConflictError, InsufficientStockError
from ..models import StockMovement
from ..quantity import decimal_to_units, format_units
from ..vocabulary import (
    ADJUST_REASONS,
    DEDUCT_REASONS,
    RECEIVE_REASONS,
    REVERSAL,
    REVERSE_REASONS,
)
from . import validation
from ._write import announce_low_stock, writing
from .ledger import append_movement, replayed
from .queries import get_item, get_movement
from .rows import MovementRow

_OPPOSITE = {"in": "out", "out": "in", "adjustment": "adjustment"}


def add_stock(
    item_id: int, quantity: object, reason: str = "purchase", *,
    user: str | None = None, notes: str = "", reference: object = None,
    op_key: str | None = None,
) -> MovementRow:
    """Receive stock: a positive 'in' movement."""
    change = validation.positive_quantity(quantity)
    return _book(item_id, change, "in", validation.reason(reason, RECEIVE_REASONS, "receive stock"),
                 user, notes, reference, op_key)


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
        kind = _OPPOSITE[original.movement_type]
        change = -decimal_to_units(original.quantity_change)
        earlier = replayed(key, original.item_id, kind, change=change,
                           reference=(REVERSAL, str(original.id)))
        if earlier is not None:
            return earlier
        _refuse_second_reversal(original)
        try:
            movement, went_low = append_movement(
                original.item_id, change, kind, reason, actor=actor, notes=notes,
                reference=(REVERSAL, str(original.id)), op_key=key)
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

