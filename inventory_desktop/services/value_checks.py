"""verify's check of the value chain: every value re-derived from the rule, in Python.

The triggers check each value as it is inserted, with integer arithmetic
guarded against overflow (a guarded case is let through); this pass redoes
every one with Python's unbounded integers, for the rows any connection wrote.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import db
from ..db import database
from ..money import divide_rounded, format_amount, share_of, value_of
from ..quantity import SCALE
from .rows import Finding
from .valuation import ASSUMED, AVERAGE, INVOICE, REVALUATION, REVERSAL, UNIT_COST

MAX_LISTED = 20

_MOVEMENTS = """
SELECT id, stock_item_id, quantity_change, balance_after, value_change, value_after,
       valued_by, unit_cost, reference_type, reference_id
  FROM stock_movement ORDER BY stock_item_id, id
"""
_REVERSED_VALUES = """
SELECT r.reference_id, o.value_change FROM stock_movement AS r
  JOIN stock_movement AS o ON o.id = CAST(r.reference_id AS INTEGER)
 WHERE r.reference_type = 'reversal'
"""
_ITEM_VALUE_VS_LEDGER = """
SELECT i.id, i.sku, i.name, i.current_value, m.value_after
  FROM stock_item AS i
  LEFT JOIN stock_movement AS m
    ON m.id = (SELECT max(id) FROM stock_movement WHERE stock_item_id = i.id)
 WHERE i.current_value IS DISTINCT FROM m.value_after
 ORDER BY i.id
"""


def value_findings() -> list[Finding]:
    """Movements whose value breaks the rule, and items whose value is not their ledger's."""
    if not _has_values():
        return []
    names = {item_id: (sku, name) for item_id, sku, name in database.execute_sql(
        "SELECT id, sku, name FROM stock_item")}
    found = []
    for item_id, problem in _broken_values(database.execute_sql(_MOVEMENTS)):
        sku, name = names.get(item_id, (None, "(missing item)"))
        found.append(Finding("value", problem, item_id, sku, name))
        if len(found) >= MAX_LISTED:
            break
    found += [
        Finding("value", f"its value is {_amount(value)} but its latest movement leaves "
                         f"{_amount(after)}", item_id, sku, name)
        for item_id, sku, name, value, after in database.execute_sql(_ITEM_VALUE_VS_LEDGER)
    ]
    return found[:MAX_LISTED]


def _broken_values(rows: Iterable[tuple]) -> Iterable[tuple[int, str]]:
    reversed_values = {int(ref): value for ref, value in database.execute_sql(_REVERSED_VALUES)
                       if str(ref).isdigit()}
    item, balance, value = None, 0, None
    for row in rows:
        (movement_id, item_id, change, balance_after, value_change, value_after,
         valued_by, unit_cost, ref_type, ref_id) = row
        if item_id != item:
            item, balance, value = item_id, 0, None
        reverses = reversed_values.get(int(ref_id)) if (
            ref_type == "reversal" and str(ref_id).isdigit()) else None
        problem = _broken(change, balance, value, balance_after, value_change, value_after,
                          valued_by, unit_cost, ref_type, reverses)
        if problem:
            yield item_id, f"movement {movement_id}: {problem}"
        balance, value = balance_after, value_after


def _broken(change: int, balance: int, value: int | None, balance_after: int,
            value_change: int | None, value_after: int | None, valued_by: str | None,
            unit_cost: int | None, ref_type: str | None, reverses: int | None) -> str | None:
    known = value is not None or balance == 0
    if value_change is None:
        if valued_by is not None:
            return "it says how its value was set, but has no value change"
        if value_after is not None and not (balance_after == 0 and value_after == 0):
            return "its value is unknown, yet it leaves a value after it"
        if known and not (balance == 0 and change > 0):
            return "the stock's value was known, but this movement carries none"
        return None
    if value_after != (value or 0) + value_change:
        return (f"the value after it is {_amount(value_after)}, not the "
                f"{_amount(value or 0)} before it plus its {_amount(value_change)}")
    if not known and valued_by != REVALUATION:
        return "stock of unknown value must be revalued before it is valued"
    if balance_after == 0 and value_after != 0:
        return f"it leaves no stock, but a value of {_amount(value_after)}"
    if ref_type == "reversal" and reverses is not None and balance_after != 0 \
            and valued_by != REVERSAL:
        return "it reverses a valued movement, but is not valued as its reversal"
    return _rule_problem(change, balance, value or 0, balance_after, value_change, valued_by,
                         unit_cost, ref_type, reverses)


def _rule_problem(change: int, balance: int, value: int, balance_after: int,
                  value_change: int, valued_by: str | None, unit_cost: int | None,
                  ref_type: str | None, reverses: int | None) -> str | None:
    if valued_by in (UNIT_COST, ASSUMED):
        if change <= 0 or unit_cost is None:
            return "it is valued at a unit cost, but brings no stock in or names no cost"
        if valued_by == ASSUMED and balance != 0:
            return "only stock coming into an empty item is valued at an assumed cost"
        return _differs(value_of(change, unit_cost), value_change, "quantity x unit cost")
    if valued_by == INVOICE:
        if change <= 0 or value_change < 0:
            return "an invoice values stock coming in, at zero or more"
        if unit_cost != divide_rounded(value_change * SCALE, change):
            return "its unit cost is not its invoice total over its quantity"
        return None
    if valued_by == AVERAGE:
        if balance_after == 0:
            return _differs(-value, value_change, "the last unit out takes what is left")
        if balance == 0:
            return "an empty item has no average cost to value it at"
        return _differs(share_of(change, value, balance), value_change, "the average cost")
    if valued_by == REVERSAL:
        if ref_type != "reversal" or reverses is None:
            return "it is valued as a reversal, but reverses no valued movement"
        expected = -value if balance_after == 0 else -reverses
        return _differs(expected, value_change, "the reversed movement's value")
    if valued_by == REVALUATION:
        return None if change == 0 else "a revaluation changes the value only"
    return f"its value was set by {valued_by!r}, which this program does not know"


def _differs(expected: int, actual: int, rule: str) -> str | None:
    if expected == actual:
        return None
    return f"by {rule} its value change is {_amount(expected)}, not {_amount(actual)}"


def _has_values() -> bool:
    # A file still at an older schema (opened read-only) has no values to check.
    return "value_change" in db.table_columns("stock_movement")


def _amount(amount: int | None) -> str:
    return "unknown" if amount is None else format_amount(amount, places=4)
