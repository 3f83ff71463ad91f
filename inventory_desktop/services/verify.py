"""`verify`: does the file still hold a consistent ledger?

Checks SQLite's own integrity and foreign keys, that every guard trigger is
still in place, and for every item that its quantity is the sum of its
movements and each balance_after the running sum in movement order.
"""

from __future__ import annotations

import re

from .. import db
from ..db import database
from ..quantity import format_units
from ..sqlite_errors import translate_sqlite_errors
from .rows import LedgerProblem, VerifyReport

_QUANTITY_VS_SUM = """
SELECT i.id, i.sku, i.name, i.current_quantity, COALESCE(SUM(m.quantity_change), 0)
  FROM stock_item AS i LEFT JOIN stock_movement AS m ON m.stock_item_id = i.id
 GROUP BY i.id
HAVING i.current_quantity IS NOT COALESCE(SUM(m.quantity_change), 0)
"""

_BROKEN_RUNNING_SUM = """
SELECT r.stock_item_id, i.sku, i.name, r.id, r.balance_after, r.running
  FROM (SELECT id, stock_item_id, balance_after,
               SUM(quantity_change) OVER (PARTITION BY stock_item_id ORDER BY id) AS running
          FROM stock_movement) AS r
  LEFT JOIN stock_item AS i ON i.id = r.stock_item_id
 WHERE r.balance_after IS NOT r.running
 ORDER BY r.stock_item_id, r.id
"""


def verify() -> VerifyReport:
    """Check the whole file; the report names every item that disagrees."""
    with translate_sqlite_errors():
        return VerifyReport(
            integrity=_integrity(),
            foreign_keys=_foreign_keys(),
            missing_guards=_missing_guards(),
            ledger=_quantity_problems() + _running_sum_problems(),
        )


def _integrity() -> list[str]:
    rows = database.execute_sql("PRAGMA integrity_check").fetchall()
    return [] if rows == [("ok",)] else [row[0] for row in rows]


def _foreign_keys() -> list[str]:
    rows = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    return [f"{table} row {rowid} refers to a missing {parent} row"
            for table, rowid, parent, _ in rows]


def _missing_guards() -> list[str]:
    expected = set()
    for _, sql_file in db.migrations():
        expected |= set(re.findall(r"CREATE TRIGGER (\w+)", sql_file.read_text("utf-8")))
    present = {name for (name,) in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return sorted(f"trigger {name} is missing" for name in expected - present)


def _quantity_problems() -> list[LedgerProblem]:
    return [
        LedgerProblem(item_id, sku, name,
                      f"quantity {format_units(quantity)} but its movements sum to "
                      f"{format_units(total)}")
        for item_id, sku, name, quantity, total in database.execute_sql(_QUANTITY_VS_SUM)
    ]


def _running_sum_problems() -> list[LedgerProblem]:
    return [
        LedgerProblem(item_id, sku, name or "(missing item)",
                      f"movement {movement_id} has balance_after {format_units(balance)} "
                      f"but the running sum is {format_units(running)}")
        for item_id, sku, name, movement_id, balance, running
        in database.execute_sql(_BROKEN_RUNNING_SUM)
    ]
