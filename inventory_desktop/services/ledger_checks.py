"""verify's checks on the ledger's content: sums, history, times, numbering, SKUs.

Each check is one SQL pass over a table and returns Findings; a clean file
returns none. The triggers make these states impossible for any connection
that keeps triggers on: the checks are for the connections that did not.
"""

from __future__ import annotations

import collections

from .. import clock, db
from ..db import NUMBERING_LIMIT, database
from ..quantity import format_units
from .rows import Finding
from .validation import sku_key

_WELL_FORMED = "strftime('%Y-%m-%dT%H:%M:%fZ', julianday({0})) IS {0}"

_QUANTITY_VS_SUM = """
SELECT i.id, i.sku, i.name, i.current_quantity, COALESCE(SUM(m.quantity_change), 0)
  FROM stock_item AS i LEFT JOIN stock_movement AS m ON m.stock_item_id = i.id
 GROUP BY i.id
HAVING i.current_quantity IS DISTINCT FROM COALESCE(SUM(m.quantity_change), 0)
"""

_BROKEN_RUNNING_SUM = """
SELECT r.stock_item_id, i.sku, i.name, r.id, r.balance_after, r.running
  FROM (SELECT id, stock_item_id, balance_after,
               SUM(quantity_change) OVER (PARTITION BY stock_item_id ORDER BY id) AS running
          FROM stock_movement) AS r
  LEFT JOIN stock_item AS i ON i.id = r.stock_item_id
 WHERE r.balance_after IS DISTINCT FROM r.running
 ORDER BY r.stock_item_id, r.id
"""

# An item's row must be its latest history snapshot: a change made with
# triggers off leaves the row and its history apart.
_ITEM_WITHOUT_ITS_HISTORY = """
SELECT i.id, i.sku, i.name
  FROM stock_item AS i
  LEFT JOIN stock_item_history AS h
    ON h.history_id = (SELECT max(history_id) FROM stock_item_history WHERE id = i.id)
 WHERE h.history_id IS NULL OR h.history_type = 'delete'
    OR h.name IS DISTINCT FROM i.name OR h.sku IS DISTINCT FROM i.sku
    OR h.unit IS DISTINCT FROM i.unit
    OR h.current_quantity IS DISTINCT FROM i.current_quantity
    OR h.low_stock_threshold IS DISTINCT FROM i.low_stock_threshold
    OR h.low_stock_alert_sent IS DISTINCT FROM i.low_stock_alert_sent
    OR h.is_active IS DISTINCT FROM i.is_active
    OR h.created_at IS DISTINCT FROM i.created_at OR h.updated_at IS DISTINCT FROM i.updated_at
 ORDER BY i.id
"""

_ITEM_GONE_WITHOUT_DELETE = """
SELECT h.id, h.sku, h.name
  FROM stock_item_history AS h
  JOIN (SELECT id, max(history_id) AS newest FROM stock_item_history GROUP BY id) AS last
    ON last.newest = h.history_id
 WHERE h.history_type <> 'delete' AND NOT EXISTS (SELECT 1 FROM stock_item WHERE id = h.id)
 ORDER BY h.id
"""

_MOVEMENT_TIMES = f"""
SELECT id, created_at, previous FROM (
    SELECT id, created_at, LAG(created_at) OVER (ORDER BY id) AS previous
      FROM stock_movement) AS dated
 WHERE NOT ({_WELL_FORMED.format("created_at")})
    OR (created_at < previous AND {_WELL_FORMED.format("previous")})
 ORDER BY id
"""

_ITEM_TIMES = f"""
SELECT id, sku, name FROM stock_item
 WHERE NOT ({_WELL_FORMED.format("created_at")}) OR NOT ({_WELL_FORMED.format("updated_at")})
 ORDER BY id
"""

_TOO_HIGH = """
SELECT 'stock_item', max(id) FROM stock_item
UNION ALL SELECT 'stock_movement', max(id) FROM stock_movement
UNION ALL SELECT 'stock_item_history', max(history_id) FROM stock_item_history
UNION ALL SELECT 'audit_log', max(id) FROM audit_log
"""
MAX_LISTED = 20

# A stocktake's adjustments are posted only by its commit: any referring to a
# stocktake that is not committed were added around the triggers.
_STRAY_STOCKTAKE_MOVEMENTS = """
SELECT m.id, m.reference_id FROM stock_movement AS m
 WHERE m.reference_type = 'stocktake'
   AND NOT EXISTS (SELECT 1 FROM stocktake AS s
                   WHERE CAST(s.id AS TEXT) = m.reference_id AND s.state = 'committed')
 ORDER BY m.id
"""


def quantity_findings() -> list[Finding]:
    """Items whose quantity is not the sum of their movements."""
    return [
        Finding("ledger", f"quantity {format_units(quantity)} but its movements sum to "
                          f"{format_units(total)}", item_id, sku, name)
        for item_id, sku, name, quantity, total in database.execute_sql(_QUANTITY_VS_SUM)
    ]


def running_sum_findings() -> list[Finding]:
    """Movements whose balance_after is not the running sum of their item's movements."""
    return [
        Finding("ledger", f"movement {movement_id} has balance_after {format_units(balance)} "
                          f"but the running sum is {format_units(running)}",
                item_id, sku, name or "(missing item)")
        for item_id, sku, name, movement_id, balance, running
        in database.execute_sql(_BROKEN_RUNNING_SUM)
    ]


def history_findings() -> list[Finding]:
    """Items changed or removed without the history the triggers always write."""
    found = [
        Finding("history", "its details differ from its last recorded state: it was "
                           "changed without the triggers (no history, no audit)",
                item_id, sku, name)
        for item_id, sku, name in database.execute_sql(_ITEM_WITHOUT_ITS_HISTORY)
    ]
    found += [
        Finding("history", "it is gone, but its deletion was never recorded: it was removed "
                           "without the triggers", item_id, sku, name)
        for item_id, sku, name in database.execute_sql(_ITEM_GONE_WITHOUT_DELETE)
    ]
    return found[:MAX_LISTED]


def time_findings() -> list[Finding]:
    """Times another tool wrote in another format, or movements dated before their predecessor."""
    found = []
    for movement_id, created_at, previous in database.execute_sql(_MOVEMENT_TIMES):
        if clock.stored_or_none(created_at) is None:
            detail = (f"movement {movement_id} has the time {created_at!r}, which is not a "
                      "UTC time written YYYY-MM-DDTHH:MM:SS.SSSZ")
        else:
            detail = (f"movement {movement_id} is dated {created_at}, before the movement "
                      f"recorded ahead of it ({previous})")
        found.append(Finding("times", detail))
    found += [
        Finding("times", "its created_at or updated_at is not a UTC time written "
                         "YYYY-MM-DDTHH:MM:SS.SSSZ", item_id, sku, name)
        for item_id, sku, name in database.execute_sql(_ITEM_TIMES)
    ]
    return found[:MAX_LISTED]


def numbering_findings() -> list[Finding]:
    """Ids (or AUTOINCREMENT counters) pushed near SQLite's limit, which stops every insert."""
    return [
        Finding("numbering", f"{table} has reached id {highest}, beyond the {NUMBERING_LIMIT} "
                             "this program allows: new rows may no longer be numbered")
        for table, highest in [*database.execute_sql(_TOO_HIGH), *db.numbering_counters()]
        if isinstance(highest, int) and highest > NUMBERING_LIMIT
    ]


def stocktake_findings() -> list[Finding]:
    """Stocktake adjustments that no committed stocktake posted."""
    rows = database.execute_sql(_STRAY_STOCKTAKE_MOVEMENTS).fetchall()
    return [Finding("ledger", f"movement {movement_id} refers to stocktake {stocktake}, "
                              "which did not post it (it is not committed)")
            for movement_id, stocktake in rows[:MAX_LISTED]]


def sku_findings() -> list[Finding]:
    """SKUs that differ only in case, accents' encoding or width: one would shadow the other."""
    by_key: dict[str, list[tuple[int, str, str]]] = collections.defaultdict(list)
    for item_id, sku, name in database.execute_sql(
            "SELECT id, sku, name FROM stock_item WHERE sku IS NOT NULL ORDER BY id"):
        by_key[sku_key(sku)].append((item_id, sku, name))
    found = []
    for same in by_key.values():
        if len(same) > 1:
            names = ", ".join(f"{sku!r} ({name}, id {item_id})" for item_id, sku, name in same)
            found.append(Finding("sku", f"these SKUs are the same when case and Unicode form "
                                        f"are ignored: {names}; give each item its own"))
    return found
