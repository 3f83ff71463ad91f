"""Scale: how the hot paths' cost grows with the ledger, 10^3 to 10^6 movements.

The bulk is written with raw sqlite3 (executemany in one transaction) with
correct balance_after chains, so every trigger fires as for a real booking:
the item's quantity, history and audit rows all grow with it. Those rows are
then accepted (sealed in chunks), so verify checks a fully sealed file. The
file grows in place from one size to the next; at each size the services are
timed.
"""

from __future__ import annotations

import time
from pathlib import Path

from inventory_desktop import db, services

from ._common import median_seconds, new_data_file, raw_connection

ITEMS = 100
_INSERT = (
    "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
    "balance_after, created_by) VALUES (?, ?, ?, ?, ?, 'bulk')"
)


def _rows(start: int, stop: int, balances: dict[int, int]):
    """Movements number start..stop-1, round-robin over the items, balances chained."""
    for number in range(start, stop):
        item = number % ITEMS + 1
        if (number // ITEMS) % 3 == 2:
            change, kind, reason = -30_000, "out", "order_usage"
        else:
            change, kind, reason = 50_000, "in", "purchase"
        balances[item] += change
        yield item, change, kind, reason, balances[item]


def _grow(path: Path, start: int, stop: int, balances: dict[int, int]) -> float:
    connection = raw_connection(path)
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(_INSERT, _rows(start, stop, balances))
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def _measure(size: int, repeat: int) -> dict:
    item = 1

    def receipt() -> None:
        services.add_stock(item, "0.5", "purchase", user="bench")

    verify_runs = 3 if size <= 100_000 else 1
    report = services.verify()
    return {
        "movements": size,
        "add_stock_ms": round(median_seconds(receipt, repeat) * 1000, 3),
        "list_items_ms": round(median_seconds(services.list_items, repeat) * 1000, 3),
        "item_newest_100_ms": round(median_seconds(
            lambda: services.list_movements(item_id=item, limit=100), repeat) * 1000, 3),
        "verify_ms": round(median_seconds(services.verify, verify_runs) * 1000, 1),
        "verify_ok": report.ok,
    }


def run(directory: Path, *, sizes: list[int], repeat: int = 30) -> dict:
    """Grow one file through `sizes` movements and time the hot paths at each."""
    path = new_data_file(directory, "scale.sqlite3")
    db.open_database(path)
    for number in range(ITEMS):
        services.create_item(name=f"Item {number:03d}", unit="kg", sku=f"S{number:03d}")
    db.close_database()
    balances = dict.fromkeys(range(1, ITEMS + 1), 0)
    table, written = [], 0
    for size in sizes:
        load_seconds = _grow(path, written, size, balances)
        written = size
        db.open_database(path)
        started = time.perf_counter()
        services.accept_foreign_rows(user="bench")
        seal_seconds = time.perf_counter() - started
        row = _measure(size, repeat)
        # add_stock added `repeat` movements to item 1 during the measurement.
        balances[1] = int(services.get_item(1).quantity.scaleb(4))
        written = services.count_movements()
        db.close_database()
        row["bulk_load_s"] = round(load_seconds, 2)
        row["bulk_seal_s"] = round(seal_seconds, 2)
        row["file_mb"] = round(path.stat().st_size / 1e6, 1)
        table.append(row)
    return {"items": ITEMS, "table": table}
