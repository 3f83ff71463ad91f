"""Costing at scale: reports on 1,000,000 movements and 5,000 items, and the value chain's price.

    python -m benchmarks.bench_costing                 # the full file (built once, cached)
    python -m benchmarks.bench_costing --items 500 --movements 50000   # a quick run

Reports, as JSON:
- a one-month period report (target <= 200 ms), stock valuation at a past
  moment (<= 300 ms) and now, the month's value-over-time and usage-by-week
  series, and the order list, each the median of several runs;
- a costed receipt beside an uncosted one through the services (the value
  chain must not cost more than 15 % of a receipt), and, with raw sqlite3
  side by side, the same receipt inserted with and without the value
  triggers: the chain's own share of the work SQLite does.

The big file is generated once per size and schema (raw sqlite3, one
transaction, every trigger firing: balances and values chained by the
program's own rule) and cached under benchmarks/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import shutil
import statistics
import sys
import time
from pathlib import Path

from inventory_desktop import db, migrations, services
from inventory_desktop.money import share_of, value_of

from ._common import RESULTS_DIR, machine, median_seconds, new_data_file, publish, raw_connection

ITEMS = 5_000
MOVEMENTS = 1_000_000
START = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
VALUE_TRIGGERS = ("stock_movement_continues_value", "stock_movement_reversal_value")


def big_file(items: int, movements: int) -> Path:
    path = RESULTS_DIR / f"bench_costing_{items}_{movements}.sqlite3"
    stamp = path.with_name(path.name + ".schema")
    if path.exists() and stamp.exists() and stamp.read_text() == _schema_fingerprint():
        return path
    started = time.perf_counter()
    _generate(path, items, movements)
    stamp.write_text(_schema_fingerprint())
    print(f"generated {path.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def _schema_fingerprint() -> str:
    digest = hashlib.sha256()
    for _version, sql_file in migrations.migrations():
        digest.update(sql_file.read_bytes())
    return digest.hexdigest()


def _generate(path: Path, items: int, movements: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    new_data_file(path.parent, path.name)
    connection = raw_connection(path)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO supplier (name) VALUES ('Metro'), ('Bakers Ltd')")
    connection.executemany(
        "INSERT INTO stock_item (name, sku, unit, low_stock_threshold, par_level, pack_size, "
        "supplier_id) VALUES (?, ?, 'kg', 100000, 400000, 50000, ?)",
        ((f"Item {n:05d}", f"IT-{n:05d}", 1 + n % 2) for n in range(1, items + 1)))
    connection.executemany(
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        "balance_after, value_change, value_after, valued_by, unit_cost, created_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench', ?)",
        _movements(items, movements))
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


_OUT_REASONS = ("order_usage", "order_usage", "order_usage", "waste", "theft", "transfer")


def _movements(items: int, movements: int):
    """A year round-robin over the items: costed deliveries, then usage by several reasons."""
    balance = [0] * (items + 1)
    value = [0] * (items + 1)
    step = dt.timedelta(days=365) / movements
    for number in range(movements):
        item = number % items + 1
        rounds = number // items
        if rounds % 4 == 0 or balance[item] < 20_000:
            change, kind, reason = 60_000, "in", "purchase"
            unit_cost = 8_000 + (item * 37 + rounds * 11) % 9_000
            value_change, by = value_of(change, unit_cost), "unit_cost"
        else:
            change, kind = -20_000, "out"
            reason = _OUT_REASONS[(item + rounds) % len(_OUT_REASONS)]
            unit_cost, by = None, "average"
            value_change = (-value[item] if balance[item] + change == 0
                            else share_of(change, value[item], balance[item]))
        balance[item] += change
        value[item] += value_change
        moment = START + step * number
        yield (item, change, kind, reason, balance[item], value_change, value[item], by,
               unit_cost, moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")


def measure_reports(path: Path, repeat: int) -> dict[str, float]:
    db.open_database(path)
    month_start = dt.datetime(2026, 6, 1)
    month_end = dt.datetime(2026, 7, 1)
    past = dt.datetime(2026, 3, 15, 12, 0)
    timings = {
        "period_report_one_month_ms": lambda: services.period_report(month_start, month_end),
        "valuation_past_moment_ms": lambda: services.stock_valuation(past),
        "valuation_now_ms": lambda: services.stock_valuation(),
        "value_over_time_month_ms": lambda: services.value_over_time(month_start, month_end),
        "usage_by_week_month_ms": lambda: services.usage_by_week(month_start, month_end),
        "order_list_ms": lambda: services.order_list(below_par=True),
    }
    report = services.period_report(month_start, month_end)
    result = {name: round(median_seconds(action, repeat) * 1000, 1)
              for name, action in timings.items()}
    result["period_report_lines"] = len(report.lines)
    result["period_movements"] = sum(
        1 for _ in db.database.execute_sql(
            "SELECT 1 FROM stock_movement WHERE created_at >= ? AND created_at < ?",
            ("2026-06-01", "2026-07-01")))
    db.close_database()
    return result


def measure_receipts(directory: Path, receipts: int) -> dict[str, float]:
    """Costed and uncosted receipts, alternating, on a file with some history."""
    path = new_data_file(directory, "receipts.sqlite3")
    db.open_database(path)
    items = [services.create_item(f"Item {n}", "kg", initial_quantity="10",
                                  unit_cost="1.00").id for n in range(50)]
    costed, uncosted = [], []
    for number in range(receipts):
        item = items[number % len(items)]
        started = time.perf_counter()
        if number % 2:
            services.add_stock(item, "2", unit_cost="1.10")
            costed.append(time.perf_counter() - started)
        else:
            services.add_stock(item, "2")
            uncosted.append(time.perf_counter() - started)
    assert services.verify().ok
    db.close_database()
    costed_ms = statistics.median(costed) * 1000
    uncosted_ms = statistics.median(uncosted) * 1000
    return {"costed_receipt_ms": round(costed_ms, 3), "uncosted_receipt_ms": round(uncosted_ms, 3),
            "costed_over_uncosted": round(costed_ms / uncosted_ms, 3)}


def measure_raw_chain(directory: Path, receipts: int) -> dict[str, float]:
    """Raw sqlite3 receipts with and without the value triggers, interleaved.

    Per commit (as a person books them: the disk's flush dominates) and many
    in one transaction (the triggers' own CPU work, which the flush hides).
    """
    files = {label: _raw_file(directory, label, drop) for label, drop in (
        ("with_value_chain", False), ("without_value_chain", True))}
    per_commit: dict[str, list[float]] = {label: [] for label in files}
    for _ in range(receipts):
        for label, (connection, state) in files.items():
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            _raw_receipt(connection, state)
            connection.execute("COMMIT")
            per_commit[label].append(time.perf_counter() - started)
    batch: dict[str, float] = {}
    for label, (connection, state) in files.items():
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        for _ in range(receipts * 10):
            _raw_receipt(connection, state)
        connection.execute("COMMIT")
        batch[label] = (time.perf_counter() - started) / (receipts * 10)
        connection.close()
    result = {}
    for label in files:
        result[f"raw_receipt_{label}_ms"] = round(statistics.median(per_commit[label]) * 1000, 3)
        result[f"raw_insert_in_batch_{label}_ms"] = round(batch[label] * 1000, 4)
    result["value_chain_share_per_receipt"] = round(
        1 - statistics.median(per_commit["without_value_chain"])
        / statistics.median(per_commit["with_value_chain"]), 3)
    result["value_chain_share_of_sqlite_cpu"] = round(
        1 - batch["without_value_chain"] / batch["with_value_chain"], 3)
    return result


def _raw_file(directory: Path, label: str, drop: bool):
    path = new_data_file(directory, f"raw-{label}.sqlite3")
    connection = raw_connection(path)
    connection.execute("INSERT INTO stock_item (name, unit) VALUES ('Flour', 'kg')")
    if drop:
        for trigger in VALUE_TRIGGERS:
            connection.execute(f"DROP TRIGGER {trigger}")
    return connection, {"balance": 0, "value": 0}


def _raw_receipt(connection, state: dict[str, int]) -> None:
    state["balance"] += 20_000
    state["value"] += 22_000
    connection.execute(
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        "balance_after, value_change, value_after, valued_by, unit_cost, created_by) "
        "VALUES (1, 20000, 'in', 'purchase', ?, 22000, ?, 'unit_cost', 11000, 'bench')",
        (state["balance"], state["value"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--movements", type=int, default=MOVEMENTS)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--receipts", type=int, default=600)
    args = parser.parse_args(argv)
    work = RESULTS_DIR / "scratch-costing"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    summary: dict[str, object] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(work), "items": args.items, "movements": args.movements,
    }
    summary["reports"] = measure_reports(big_file(args.items, args.movements), args.repeat)
    summary["receipts"] = measure_receipts(work, args.receipts)
    summary["raw"] = measure_raw_chain(work, args.receipts)
    # In memory (tmpfs), where no flush hides the CPU work: the chain's share
    # of a receipt on a disk that flushes quickly.
    memory = Path("/dev/shm")
    if memory.is_dir():
        in_memory = memory / "inventory-bench-costing"
        shutil.rmtree(in_memory, ignore_errors=True)
        in_memory.mkdir()
        summary["receipts_in_memory"] = measure_receipts(in_memory, args.receipts)
        summary["raw_in_memory"] = measure_raw_chain(in_memory, args.receipts)
        shutil.rmtree(in_memory, ignore_errors=True)
    publish("bench_costing", summary)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
