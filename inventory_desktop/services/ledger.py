"""Appending one movement to an item's ledger, inside a write transaction.

The triggers check the balance and move the item's quantity; this module
computes the balance the triggers expect and turns the cases a person can
cause (too little stock, too much, an archived item) into clear refusals.
"""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
from typing import NamedTuple

from ..db import database
from ..errors import ConflictError, InsufficientStockError, NotFoundError, ValidationError
from ..models import StockMovement
from ..quantity import MAX_UNITS, decimal_to_units, format_units
from .queries import ROW_IDS, movement_query
from .rows import MovementRow, movement_row

# Every receipt and deduction runs these statements. They are written out
# once rather than built by peewee per call: building the SQL cost more than
# SQLite's own work (profiled: ~75% of a receipt's time, at ~0.23 of raw speed).
_ITEM_FOR_UPDATE = (
    "SELECT name, unit, current_quantity, low_stock_alert_sent, is_active "
    "FROM stock_item WHERE id = ?"
)
# Dated max(now, the newest movement's time): with the clock set back, a
# movement still never predates the one before it (a trigger insists).
_INSERT_MOVEMENT = (
    "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
    "notes, reference_type, reference_id, balance_after, created_by, op_key, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
    "COALESCE((SELECT created_at FROM last_movement_at), '')))"
)
_ALERT_SENT = "SELECT low_stock_alert_sent FROM stock_item WHERE id = ?"
_MOVEMENT_BY_KEY = "SELECT id FROM stock_movement WHERE op_key = ?"
_ITEM_BY_KEY = "SELECT name FROM stock_item WHERE op_key = ?"


def _run(sql: str, params: tuple) -> sqlite3.Cursor:
    # Only ever inside a write transaction, which already turns SQLite's
    # failures into sentences: the connection directly, without peewee's
    # per-statement Python (a receipt runs four of these).
    return database.connection().execute(sql, params)


class _Item(NamedTuple):
    name: str
    unit: str
    current_quantity: int
    low_stock_alert_sent: int
    is_active: int


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
    movement_id = _run(_INSERT_MOVEMENT, (
        item_id, change, movement_type, reason, notes, ref_type, ref_id, balance, actor, op_key,
    )).lastrowid
    went_low = not item.low_stock_alert_sent and _alert_raised(item_id)
    return _movement(movement_id), went_low


def book_initial(item_id: int, units: int, *, actor: str) -> None:
    """The first movement of an item created in this transaction: its initial stock.

    For bulk creation (an import): the item is new, so its balance is
    `units`, and nothing is read back.
    """
    _run(_INSERT_MOVEMENT, (item_id, units, "in", "initial", "", None, None, units, actor, None))


def replayed(
    op_key: str | None, item_id: int, movement_type: str, *,
    change: int | None = None, balance_after: int | None = None,
    reference: tuple[str, str] | None = None,
) -> MovementRow | None:
    """The movement an earlier attempt with this key booked, if any.

    A caller that lost the answer to a commit retries with the same key and
    gets the original back instead of a second booking. The same key for a
    different item or kind of movement is a caller's mistake and is refused.
    """
    if op_key is None:
        return None
    found = _run(_MOVEMENT_BY_KEY, (op_key,)).fetchone()
    if found is None:
        _refuse_key_of_an_item(op_key)
        return None
    earlier_id = found[0]
    earlier = _movement(earlier_id)
    same = (
        earlier.item_id == item_id and earlier.movement_type == movement_type
        and (change is None or decimal_to_units(earlier.quantity_change) == change)
        and (balance_after is None or decimal_to_units(earlier.balance_after) == balance_after)
        and (reference is None or (earlier.reference_type, earlier.reference_id) == reference)
    )
    if not same:
        raise ConflictError(
            f"The operation key {op_key!r} was already used for movement {earlier.id} "
            f"({earlier.movement_type} of {earlier.item_name}).")
    return dataclasses.replace(earlier, replayed=True)


def _refuse_key_of_an_item(op_key: str) -> None:
    # One namespace for keys: a key that created an item names that operation.
    item = _run(_ITEM_BY_KEY, (op_key,)).fetchone()
    if item is not None:
        raise ConflictError(f"The operation key {op_key!r} was already used to create "
                            f"{item[0]}; use a new key for this movement.")


def movement_with_key(op_key: str) -> int | None:
    """The id of the movement booked with `op_key`, if any."""
    found = _run(_MOVEMENT_BY_KEY, (op_key,)).fetchone()
    return None if found is None else found[0]


def _item_for_update(item_id: int) -> _Item:
    values = None
    if item_id in ROW_IDS:
        values = _run(_ITEM_FOR_UPDATE, (item_id,)).fetchone()
    if values is None:
        raise NotFoundError(f"There is no item with id {item_id}.")
    item = _Item(*values)
    if not item.is_active:
        raise ConflictError(f"{item.name} is archived; restore it before recording stock.")
    return item


def _alert_raised(item_id: int) -> bool:
    return bool(_run(_ALERT_SENT, (item_id,)).fetchone()[0])


@functools.cache
def _movement_by_id_sql() -> str:
    # Compiled once from the same query get_movement uses, so the columns match.
    sql, params = movement_query().where(StockMovement.id == 0).limit(1).sql()
    assert params == [0, 1], params
    return sql


def _movement(movement_id: int) -> MovementRow:
    values = _run(_movement_by_id_sql(), (movement_id, 1)).fetchone()
    return movement_row(values)
