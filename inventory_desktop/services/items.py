"""Creating, editing, archiving and deleting stock items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import clock, db
from ..errors import ConflictError, DuplicateSkuError, ValidationError
from ..models import StockItem, StockItemHistory, StockMovement
from ..quantity import decimal_to_units
from . import validation
from ._write import announce_low_stock, writing
from .areas import set_places
from .ledger import append_movement, movement_with_key
from .queries import get_item
from .rows import ItemRow
from .suppliers import require_active_supplier

UNSET: Any = object()


def create_item(
    name: str,
    unit: str,
    sku: str | None = None,
    low_stock_threshold: object = None,
    initial_quantity: object = 0,
    *,
    pack_size: object = None,
    pack_name: str | None = None,
    areas: Sequence[int] = (),
    standard_cost: object = None,
    par_level: object = None,
    supplier_id: int | None = None,
    unit_cost: object = None,
    user: str | None = None,
    op_key: str | None = None,
) -> ItemRow:
    """Create an item; a non-zero initial quantity is booked as an 'initial' receipt.

    The initial stock is worth `unit_cost` a unit when given, else the
    standard cost; with neither its value is not known until a cost is.
    With `op_key`, a retry of a creation that already happened returns that item.
    """
    fields = {
        "name": validation.name(name),
        "sku": validation.sku(sku),
        "unit": validation.unit(unit),
        "low_stock_threshold": validation.threshold(low_stock_threshold),
    }
    details = _validated_changes({
        "pack_size": pack_size, "pack_name": pack_name, "standard_cost": standard_cost,
        "par_level": par_level, "supplier_id": supplier_id})
    initial = validation.new_quantity(initial_quantity)
    cost = validation.receipt_cost(unit_cost)
    key = validation.op_key(op_key)
    with writing(user) as actor:
        if key is not None:
            db.lock_operation_key(key)  # another terminal may be sending it right now
            earlier = StockItem.get_or_none(StockItem.op_key == key)
            if earlier is not None:
                return _replayed_item(earlier, fields, initial, key)
            _refuse_key_of_a_movement(key)
        _refuse_duplicate_sku(fields["sku"])
        if details["supplier_id"] is not None:
            require_active_supplier(details["supplier_id"])
        # An empty item is at or below any threshold: flag it now, as
        # update_item would, or it would never show as needing attention.
        went_low = not initial and fields["low_stock_threshold"] is not None
        item_id = StockItem.insert(**fields, **details, low_stock_alert_sent=went_low,
                                   op_key=key).execute()
        set_places(item_id, areas)
        if initial:
            _, went_low = append_movement(item_id, initial, "in", "initial", actor=actor,
                                          cost=cost)
        item = get_item(item_id)
    if went_low:
        announce_low_stock(item)
    return item


def update_item(
    item_id: int,
    *,
    name: str = UNSET,
    sku: str | None = UNSET,
    unit: str = UNSET,
    low_stock_threshold: object = UNSET,
    pack_size: object = UNSET,
    pack_name: str | None = UNSET,
    areas: Sequence[int] = UNSET,
    standard_cost: object = UNSET,
    par_level: object = UNSET,
    supplier_id: int | None = UNSET,
    user: str | None = None,
) -> ItemRow:
    """Change an item's details (only the fields given); quantities change only by movements.

    `areas`: the storage areas it is kept in, exactly (see areas.place_item).
    The standard cost values stock coming into the empty item without a cost;
    changing it does not revalue stock on hand (revalue_stock does).
    """
    changes = _validated_changes({
        "name": name, "sku": sku, "unit": unit, "low_stock_threshold": low_stock_threshold,
        "pack_size": pack_size, "pack_name": pack_name, "standard_cost": standard_cost,
        "par_level": par_level, "supplier_id": supplier_id})
    with writing(user):
        item = get_item(item_id)
        if areas is not UNSET:
            set_places(item_id, areas)
        changes = {k: v for k, v in changes.items() if v != _stored_value(item, k)}
        if not changes:
            return item
        if "sku" in changes:
            _refuse_duplicate_sku(changes["sku"], except_id=item_id)
        if changes.get("supplier_id") is not None:
            require_active_supplier(changes["supplier_id"])
        if "unit" in changes and _has_movements(item_id):
            raise ValidationError(
                f"{item.name} already has movements recorded in {item.unit}; "
                "its unit cannot change. Create a new item instead.", "unit")
        was_alerted = item.low_stock_alert_sent
        if "low_stock_threshold" in changes:
            threshold = changes["low_stock_threshold"]
            changes["low_stock_alert_sent"] = (
                threshold is not None and decimal_to_units(item.quantity) <= threshold)
        changes["updated_at"] = clock.now_stored()
        StockItem.update(**changes).where(StockItem.id == item_id).execute()
        updated = get_item(item_id)
    if updated.low_stock_alert_sent and not was_alerted:
        announce_low_stock(updated)
    return updated


def archive_item(item_id: int, *, user: str | None = None) -> ItemRow:
    """Hide an item from daily lists; its history stays."""
    return _set_active(item_id, False, user)


def restore_item(item_id: int, *, user: str | None = None) -> ItemRow:
    """Bring an archived item back."""
    return _set_active(item_id, True, user)


def delete_item(item_id: int, *, user: str | None = None) -> None:
    """Delete an item that never had a movement (otherwise archive it)."""
    with writing(user):
        item = get_item(item_id)
        if _has_movements(item_id):
            raise ConflictError(
                f"{item.name} has stock movements and cannot be deleted; archive it instead.")
        StockItem.delete().where(StockItem.id == item_id).execute()


def _set_active(item_id: int, active: bool, user: str | None) -> ItemRow:
    with writing(user):
        item = get_item(item_id)
        if item.is_active == active:
            return item
        (StockItem.update(is_active=active, updated_at=clock.now_stored())
         .where(StockItem.id == item_id).execute())
        return get_item(item_id)


_VALIDATORS = {
    "name": validation.name, "sku": validation.sku, "unit": validation.unit,
    "low_stock_threshold": validation.threshold, "pack_size": validation.pack_size,
    "pack_name": validation.pack_name, "par_level": validation.par_level,
    "standard_cost": lambda value: validation.amount(value, "standard cost", "standard_cost"),
    "supplier_id": validation.row_id,
}
_EXACT = ("low_stock_threshold", "pack_size", "standard_cost", "par_level")


def _validated_changes(given: dict[str, Any]) -> dict[str, Any]:
    return {field: _VALIDATORS[field](value) for field, value in given.items()
            if value is not UNSET}


def _stored_value(item: ItemRow, field: str) -> Any:
    value = getattr(item, field)
    if field in _EXACT:
        return None if value is None else decimal_to_units(value)
    return value


def _refuse_duplicate_sku(sku: str | None, except_id: int | None = None) -> None:
    if sku is None:
        return
    db.take_turns("item.sku")  # two terminals naming the same new SKU: the second is told
    query = StockItem.select(StockItem.id, StockItem.name).where(
        StockItem.sku.collate("NOCASE") == sku)
    if except_id is not None:
        query = query.where(StockItem.id != except_id)
    other = query.first()
    if other is not None:
        raise DuplicateSkuError(f"The SKU {sku!r} is already used by {other.name}.")


def _refuse_key_of_a_movement(key: str) -> None:
    movement_id = movement_with_key(key)
    if movement_id is not None:
        raise ConflictError(f"The operation key {key!r} was already used for movement "
                            f"{movement_id}; use a new key for this item.")


def _has_movements(item_id: int) -> bool:
    return StockMovement.select().where(StockMovement.stock_item == item_id).exists()


def _replayed_item(
    earlier: StockItem, fields: dict[str, Any], initial: int, key: str
) -> ItemRow:
    # The initial receipt never changes, so it tells a retry from another creation.
    booked = (StockMovement.select(StockMovement.quantity_change)
              .where((StockMovement.stock_item == earlier.id)
                     & (StockMovement.reason == "initial"))
              .scalar()) or 0
    asked = (fields["name"], fields["unit"], fields["sku"], fields["low_stock_threshold"], initial)
    # Compared with the item as it was created: later edits do not make a
    # retry of its creation a different operation.
    created = _as_created(earlier.id)
    if created is None or (*created, booked) != asked:
        raise ConflictError(
            f"The operation key {key!r} was already used to create {earlier.name}, "
            "with other details; nothing new was created.")
    return get_item(earlier.id)


def _as_created(item_id: int) -> tuple | None:
    h = StockItemHistory
    return (h.select(h.name, h.unit, h.sku, h.low_stock_threshold)
            .where((h.id == item_id) & (h.history_type == "insert"))
            .order_by(h.history_id.desc()).tuples().first())
