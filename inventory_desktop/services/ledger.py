"""Appending one movement to an item's ledger, inside a write transaction.

The triggers check the balance and move the item's quantity; this module
computes the balance the triggers expect and turns the cases a person can
cause (too little stock, too much, an archived item) into clear refusals.
"""

from __future__ import annotations

from ..errors import ConflictError, InsufficientStockError, NotFoundError, ValidationError
from ..models import StockItem, StockMovement
from ..quantity import MAX_UNITS, decimal_to_units, format_units
from .queries import get_movement
from .rows import MovementRow


def append_movement(
    item_id: int,
    change: int,
    movement_type: str,
    reason: str,
    *,
    actor: str,
    notes: str = "",
    reference: tuple[str, str] | None = None,
    op_key: str | None = None,
) -> tuple[MovementRow, bool]:
    """Book `change` units; returns the movement and whether the item just went low."""
    item = _item_for_update(item_id)
    balance = item.current_quantity + change
    if balance < 0:
        raise InsufficientStockError(
            f"Only {format_units(item.current_quantity)} {item.unit} of {item.name} "
            f"is in stock; {format_units(-change)} {item.unit} cannot be taken out.")
    if balance > MAX_UNITS:
        raise ValidationError(
            f"{item.name} cannot hold more than {format_units(MAX_UNITS)} {item.unit}.",
            "quantity")
    ref_type, ref_id = reference or (None, None)
    movement_id = StockMovement.insert(
        stock_item=item_id, quantity_change=change, movement_type=movement_type,
        reason=reason, notes=notes, reference_type=ref_type, reference_id=ref_id,
        balance_after=balance, created_by=actor, op_key=op_key,
    ).execute()
    went_low = not item.low_stock_alert_sent and _alert_raised(item_id)
    return get_movement(movement_id), went_low


def replayed(
    op_key: str | None, item_id: int, movement_type: str, change: int | None = None
) -> MovementRow | None:
    """The movement an earlier attempt with this key booked, if any.

    A caller that lost the answer to a commit retries with the same key and
    gets the original back instead of a second booking. The same key for a
    different item or kind of movement is a caller's mistake and is refused.
    """
    if op_key is None:
        return None
    earlier_id = (StockMovement.select(StockMovement.id)
                  .where(StockMovement.op_key == op_key).scalar())
    if earlier_id is None:
        return None
    earlier = get_movement(earlier_id)
    same_change = change is None or decimal_to_units(earlier.quantity_change) == change
    if earlier.item_id != item_id or earlier.movement_type != movement_type or not same_change:
        raise ConflictError(
            f"The operation key {op_key!r} was already used for movement {earlier.id} "
            f"({earlier.movement_type} of {earlier.item_name}).")
    return earlier


def _item_for_update(item_id: int) -> StockItem:
    item = StockItem.get_or_none(StockItem.id == item_id)
    if item is None:
        raise NotFoundError(f"There is no item with id {item_id}.")
    if not item.is_active:
        raise ConflictError(f"{item.name} is archived; restore it before recording stock.")
    return item


def _alert_raised(item_id: int) -> bool:
    return bool(StockItem.select(StockItem.low_stock_alert_sent)
                .where(StockItem.id == item_id).scalar())
