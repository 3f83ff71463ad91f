"""Which item each audit entry is about: its name, SKU and unit, read once per page.

The audit log stores a table name and a row id. A manager reads "Flour (FL-1)"
and "-8.5 kg", not "Movement #10" and "-85000": one query for the page's
movements' items and one for its items (a deleted item's last recorded state
from its history) are enough for any page, whatever its length.
"""

from __future__ import annotations

from typing import NamedTuple

from ..models import StockItem, StockItemHistory, StockMovement


class Record(NamedTuple):
    item_id: int
    name: str | None
    sku: str | None
    unit: str | None


def records(entries: list[tuple[str, int]]) -> dict[tuple[str, int], Record]:
    """The item behind each (table name, row id) of the audit log, where it can be told."""
    movement_ids = [row_id for table, row_id in entries if table == "stock_movement"]
    item_of_movement = dict(
        StockMovement.select(StockMovement.id, StockMovement.stock_item)
        .where(StockMovement.id.in_(movement_ids)).tuples()) if movement_ids else {}
    item_ids = {row_id for table, row_id in entries if table == "stock_item"}
    items = _items(item_ids | set(item_of_movement.values()))
    found = {}
    for table, row_id in entries:
        item_id = row_id if table == "stock_item" else item_of_movement.get(row_id)
        if item_id in items:
            found[(table, row_id)] = items[item_id]
    return found


def _items(ids: set[int]) -> dict[int, Record]:
    if not ids:
        return {}
    wanted = sorted(ids)
    items = {row[0]: Record(*row) for row in StockItem.select(
        StockItem.id, StockItem.name, StockItem.sku, StockItem.unit)
        .where(StockItem.id.in_(wanted)).tuples()}
    gone = [item_id for item_id in wanted if item_id not in items]
    if gone:
        # A deleted item: its history keeps the states it had (the last one wins).
        h = StockItemHistory
        for row in (h.select(h.id, h.name, h.sku, h.unit).where(h.id.in_(gone))
                    .order_by(h.history_id).tuples()):
            items[row[0]] = Record(*row)
    return items
