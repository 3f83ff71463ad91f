"""What the stock is worth, now or at any past moment: per item, per storage area, in total.

A past moment is read from the ledger itself: each item's quantity and value
are those after its last movement at or before that moment. Movement times
never go backwards (a trigger insists), so "at or before" is an id bound,
found once, and each item's state one index seek.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .. import clock
from ..db import database
from ..money import average_cost, to_money
from ..quantity import to_decimal
from ..sqlite_errors import translate_sqlite_errors

NO_AREA = "No area"

# Each item's state after its last movement below the id bound, and the
# first storage area it is kept in (its home, in walk order).
_STATE_BEFORE = """
SELECT i.id, i.sku, i.name, i.unit, COALESCE(m.balance_after, 0), m.value_after,
       (SELECT a.name FROM item_location AS l JOIN storage_area AS a ON a.id = l.area_id
         WHERE l.item_id = i.id ORDER BY a.walk_order, a.id LIMIT 1),
       (SELECT count(*) FROM item_location WHERE item_id = i.id)
  FROM stock_item AS i
  LEFT JOIN stock_movement AS m
    ON m.id = (SELECT max(id) FROM stock_movement WHERE stock_item_id = i.id AND id < ?)
 ORDER BY i.name COLLATE NOCASE, i.id
"""
# Movement times follow their ids (a trigger insists): the first by time is
# the first by id, one step into the index on created_at.
_FIRST_ID_AFTER = ("SELECT id FROM stock_movement WHERE created_at > ? "
                   "ORDER BY created_at, id LIMIT 1")
_FIRST_ID_FROM = ("SELECT id FROM stock_movement WHERE created_at >= ? "
                  "ORDER BY created_at, id LIMIT 1")
_NEXT_ID = "SELECT COALESCE(max(id), 0) + 1 FROM stock_movement"


@dataclass(frozen=True)
class ValuationLine:
    item_id: int
    sku: str | None
    name: str
    unit: str
    area: str  # the area it is kept in first (NO_AREA: none)
    quantity: Decimal
    value: Decimal | None  # None: the stock's value is not known
    average_cost: Decimal | None
    other_areas: int  # further areas it is also kept in


@dataclass(frozen=True)
class AreaTotal:
    area: str
    value: Decimal
    items: int
    unknown: int  # items with stock of unknown value


@dataclass(frozen=True)
class Valuation:
    at: str | None  # stored time; None: now
    lines: list[ValuationLine]
    areas: list[AreaTotal]
    total: Decimal  # of the stock with a known value

    @property
    def unknown(self) -> list[ValuationLine]:
        """Lines with stock whose value is not known (left out of the totals)."""
        return [line for line in self.lines if line.value is None]


def stock_valuation(at: dt.datetime | None = None) -> Valuation:
    """Every item holding stock (at `at`, or now): quantity, average cost and value."""
    with translate_sqlite_errors():
        bound = movement_bound(at)
        rows = database.execute_sql(_STATE_BEFORE, (bound,)).fetchall()
    lines = [line for line in map(_line, rows) if line.quantity or line.value]
    return Valuation(None if at is None else clock.to_stored(at), lines, _areas(lines),
                     sum((line.value for line in lines if line.value is not None), Decimal(0)))


def movement_bound(at: dt.datetime | None, *, inclusive: bool = True) -> int:
    """The first movement id after `at` (None: after every movement).

    `inclusive`: movements at `at` itself come before the bound (a valuation
    "at 18:00" includes a delivery booked at 18:00:00.000); else after it
    (a period starting at 18:00 includes it).
    """
    if at is None:
        return database.execute_sql(_NEXT_ID).fetchone()[0]
    sql = _FIRST_ID_AFTER if inclusive else _FIRST_ID_FROM
    found = database.execute_sql(sql, (clock.to_stored(at),)).fetchone()
    return database.execute_sql(_NEXT_ID).fetchone()[0] if found is None else found[0]


def _line(row: tuple) -> ValuationLine:
    item_id, sku, name, unit, balance, value, area, areas = row
    if value is None and balance == 0:
        value = 0
    return ValuationLine(
        item_id, sku, name, unit, area or NO_AREA, to_decimal(balance),
        None if value is None else to_money(value),
        None if value is None or not balance else to_money(average_cost(value, balance)),
        max(0, areas - 1))


def _areas(lines: list[ValuationLine]) -> list[AreaTotal]:
    totals: dict[str, list] = {}
    for line in lines:
        value, items, unknown = totals.setdefault(line.area, [Decimal(0), 0, 0])
        totals[line.area] = [value + (line.value or 0), items + 1,
                             unknown + (line.value is None)]
    ordered = [area for area in _walk_order() if area in totals]
    ordered += [NO_AREA] if NO_AREA in totals else []
    return [AreaTotal(area, *totals[area]) for area in ordered]


def _walk_order() -> list[str]:
    return [name for (name,) in database.execute_sql(
        "SELECT name FROM storage_area ORDER BY walk_order, id")]
