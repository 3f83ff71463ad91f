"""Appending one movement to an item's ledger, inside a write transaction.

The triggers check the balance and move the item's quantity; this module
computes the balance the triggers expect and turns the cases a person can
cause (too little stock, too much, an archived item) into clear refusals.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, NamedTuple

from .. import db
from ..errors import ConflictError, InsufficientStockError, NotFoundError, ValidationError
from ..models import StockMovement
from ..money import MAX_AMOUNT, format_amount
from ..quantity import MAX_UNITS, decimal_to_units, format_units
from .queries import ROW_IDS, movement_query
from .rows import MovementRow, movement_row
from .valuation import Cost, Stock, Valued, opening_value, revaluation, value_movement

# Every receipt and deduction runs these statements. They are written out
# once rather than built by peewee per call: building the SQL cost more than
# SQLite's own work (profiled: ~75% of a receipt's time, at ~0.23 of raw speed).
_ITEM_FOR_UPDATE = (
    "SELECT name, unit, current_quantity, low_stock_alert_sent, is_active, current_value, "
    "standard_cost FROM stock_item WHERE id = ?"
)
# Dated max(now, the newest movement's time): with the clock set back, a
# movement still never predates the one before it (a trigger insists).
_INSERT_MOVEMENT = (
    "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
    "notes, reference_type, reference_id, balance_after, created_by, op_key, value_change, "
    "value_after, valued_by, unit_cost, supplier_id, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
    "COALESCE((SELECT created_at FROM last_movement_at), '')))"
)
# One movement, its id read back (a server numbers movements itself).
_INSERT_ONE_MOVEMENT = _INSERT_MOVEMENT + " RETURNING id"
_ALERT_SENT = "SELECT low_stock_alert_sent FROM stock_item WHERE id = ?"
_MOVEMENT_BY_KEY = "SELECT id FROM stock_movement WHERE op_key = ?"
_ITEM_BY_KEY = "SELECT name FROM stock_item WHERE op_key = ?"
_LATEST_UNIT_COST = (
    "SELECT unit_cost FROM stock_movement WHERE stock_item_id = ? "
    "AND valued_by IN ('invoice', 'unit_cost') ORDER BY id DESC LIMIT 1"
)
OPENING_NOTE = "Stock from before costs were kept, valued at the first cost known"


def _run(sql: str, params: tuple) -> Any:
    # Only ever inside a write transaction, which already turns the database's
    # failures into sentences: db.run, without peewee's per-statement Python
    # (a receipt runs four of these).
    return db.run(sql, params)


class _Item(NamedTuple):
    name: str
    unit: str
    current_quantity: int
    low_stock_alert_sent: int
    is_active: int
    current_value: int | None
    standard_cost: int | None

    @property
    def stock(self) -> Stock:
        return Stock(self.current_quantity, self.current_value)


class Booking(NamedTuple):
    """One movement to book: its item, change in units, kind and reason."""

    item_id: int
    change: int
    movement_type: str
    reason: str


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
    cost: Cost | None = None,
    supplier_id: int | None = None,
    reverses: int | None = None,
) -> tuple[MovementRow, bool]:
    """Book `change` units; returns the movement and whether the item just went low.

    `cost`: a receipt's invoice cost; `reverses`: the value change of the
    movement a reversal undoes. The value follows services/valuation.py.
    """
    movement_id, went_low = book(item_id, change, movement_type, reason, actor=actor,
                                 notes=notes, reference=reference, op_key=op_key, cost=cost,
                                 supplier_id=supplier_id, reverses=reverses)
    return _movement(movement_id), went_low


def book(
    item_id: int,
    change: int,
    movement_type: str,
    reason: str,
    *,
    actor: str,
    notes: str = "",
    reference: tuple[str, str] | None = None,
    op_key: str | None = None,
    cost: Cost | None = None,
    supplier_id: int | None = None,
    reverses: int | None = None,
) -> tuple[int, bool]:
    """append_movement without reading the movement back: for many movements at once."""
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
    stock = item.stock
    if reverses is not None and not stock.value_known and balance != 0:
        raise ConflictError(
            f"{item.name}'s stock has no known value now, so the value this reversal would "
            "take back cannot be: give its stock a value with a revaluation first.")
    if cost is not None and not stock.value_known:
        stock = _book_opening_value(item_id, item, cost.per_unit(change), actor)
    empty_cost = None if cost else _empty_item_cost(item_id, stock, item.standard_cost, change)
    valued = value_movement(stock, change, cost=cost, reverses=reverses,
                            empty_item_cost=empty_cost)
    _refuse_value_out_of_range(item, valued)
    ref_type, ref_id = reference or (None, None)
    movement_id = _run(_INSERT_ONE_MOVEMENT, (
        item_id, change, movement_type, reason, notes, ref_type, ref_id, balance, actor, op_key,
        *valued, supplier_id,
    )).fetchone()[0]
    went_low = not item.low_stock_alert_sent and _alert_raised(item_id)
    return movement_id, went_low


def revalue(item_id: int, new_value: int, reason: str, *, actor: str, notes: str = "",
            op_key: str | None = None) -> int:
    """Book a revaluation setting the item's stock value to `new_value`; its id."""
    item = _item_for_update(item_id)
    if item.current_quantity == 0:
        raise ConflictError(f"{item.name} has no stock to value: an empty item is worth "
                            "nothing until stock arrives.")
    valued = revaluation(item.stock, new_value)
    _refuse_value_out_of_range(item, valued)
    return _run(_INSERT_ONE_MOVEMENT, (
        item_id, 0, "revaluation", reason, notes, None, None, item.current_quantity, actor,
        op_key, *valued, None,
    )).fetchone()[0]


def _book_opening_value(item_id: int, item: _Item, unit_cost: int, actor: str) -> Stock:
    # Stock from before costs were kept is valued at the first cost known,
    # so that the receipt bringing it can be averaged with it.
    valued = opening_value(item.stock, unit_cost)
    _refuse_value_out_of_range(item, valued)
    _run(_INSERT_MOVEMENT, (
        item_id, 0, "revaluation", "opening_value", OPENING_NOTE, None, None,
        item.current_quantity, actor, None, *valued, None,
    ))
    return Stock(item.current_quantity, valued.after)


def _empty_item_cost(item_id: int, stock: Stock, standard_cost: int | None,
                     change: int) -> int | None:
    # Uncosted stock into an empty item enters at its standard cost, else at
    # the latest cost paid for it; only then is the extra read needed.
    if change <= 0 or stock.balance != 0:
        return None
    if standard_cost is not None:
        return standard_cost
    found = _run(_LATEST_UNIT_COST, (item_id,)).fetchone()
    return None if found is None else found[0]


def _refuse_value_out_of_range(item: _Item, valued: Valued) -> None:
    if valued.after is None:
        return
    if valued.after < 0:
        raise ConflictError(
            f"This would leave {item.name}'s stock worth less than nothing (it is worth "
            f"{format_amount(item.current_value or 0)}, and this takes out "
            f"{format_amount(-(valued.change or 0))}); correct its value with a "
            "revaluation first.")
    if valued.after > MAX_AMOUNT:
        raise ValidationError(
            f"{item.name}'s stock cannot be worth more than {format_amount(MAX_AMOUNT)}.",
            "cost")


def book_many(bookings: list[Booking], *, actor: str, notes: str,
              reference: tuple[str, str]) -> list[int]:
    """Book many movements at once, each valued by the rule, in the order given.

    For a stocktake's commit: every item's stock is read once, in this
    transaction, and carried from movement to movement; the triggers check
    every balance and value. Returns the items whose low-stock alert these
    movements raised.
    """
    items = sorted({booking.item_id for booking in bookings})
    stock = _stock_of(items)
    alerted = _alerted(items)
    ref_type, ref_id = reference
    rows = []
    for item_id, change, kind, reason in bookings:
        name, before, standard_cost = stock[item_id]
        valued = value_movement(before, change, empty_item_cost=_empty_item_cost(
            item_id, before, standard_cost, change))
        balance = before.balance + change
        stock[item_id] = (name, Stock(balance, valued.after), standard_cost)
        rows.append((item_id, change, kind, reason, notes, ref_type, ref_id, balance, actor,
                     None, *valued, None))
    db.run_many(_INSERT_MOVEMENT, rows)
    return sorted(_alerted(items) - alerted)


def value_bookings(bookings: list[Booking]) -> list[Valued]:
    """What book_many would record of each booking's value, booking nothing.

    The same reads and the same rule, movement after movement: a stocktake's
    variance in money before it is committed.
    """
    stock = _stock_of(sorted({booking.item_id for booking in bookings}))
    values = []
    for item_id, change, _kind, _reason in bookings:
        name, before, standard_cost = stock[item_id]
        valued = value_movement(before, change, empty_item_cost=_empty_item_cost(
            item_id, before, standard_cost, change))
        stock[item_id] = (name, Stock(before.balance + change, valued.after), standard_cost)
        values.append(valued)
    return values


def _stock_of(items: list[int]) -> dict[int, tuple[str, Stock, int | None]]:
    db.lock_items(items)  # on a server: all of them first, in one order
    stock = {}
    for chunk in _chunks(items):
        for item_id, name, quantity, value, standard_cost in _run(
                f"SELECT id, name, current_quantity, current_value, standard_cost "
                f"FROM stock_item WHERE id IN ({','.join('?' * len(chunk))})", tuple(chunk)):
            stock[item_id] = (name, Stock(quantity, value), standard_cost)
    return stock


def _chunks(items: list[int]) -> list[list[int]]:
    # SQLite's bound parameters are limited: 500 at a time.
    return [items[start:start + 500] for start in range(0, len(items), 500)]


def _alerted(items: list[int]) -> set[int]:
    alerted: set[int] = set()
    for chunk in _chunks(items):
        alerted |= {row[0] for row in _run(
            f"SELECT id FROM stock_item WHERE low_stock_alert_sent AND id IN "
            f"({','.join('?' * len(chunk))})", tuple(chunk))}
    return alerted


def book_initial(item_id: int, units: int, *, actor: str, cost: Cost | None = None,
                 standard_cost: int | None = None) -> None:
    """The first movement of an item created in this transaction: its initial stock.

    For bulk creation (an import): the item is new, so its balance is
    `units`, and nothing is read back. It is worth `cost` when given, else
    its standard cost; with neither, its value is not known.
    """
    valued = value_movement(Stock(0, None), units, cost=cost, empty_item_cost=standard_cost)
    _run(_INSERT_MOVEMENT, (item_id, units, "in", "initial", "", None, None, units, actor, None,
                            *valued, None))


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
    # On a server another terminal may be booking with this key right now:
    # wait for it, then read what it booked.
    db.lock_operation_key(op_key)
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
        db.lock_items((item_id,))
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
    sql, params = db.compiled(movement_query().where(StockMovement.id == 0).limit(1))
    assert params == [0, 1], params
    return sql


def _movement(movement_id: int) -> MovementRow:
    values = _run(_movement_by_id_sql(), (movement_id, 1)).fetchone()
    return movement_row(values)
