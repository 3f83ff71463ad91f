"""Contention: eight processes booking receipts and deductions at the same moment.

Each worker opens the file itself (as a second window or a CLI import would),
waits for a common start signal, then books its operations through the
services. Every exception counts as an error: the target is none, including
no "database is locked".
"""

from __future__ import annotations

import multiprocessing
import random
import time
from pathlib import Path

from inventory_desktop import db, services

from ._common import new_data_file, percentile

_START_STOCK = "100000"


def _worker(path: str, item_ids: list[int], ops: int, seed: int, start, results) -> None:
    db.open_database(path)
    rng = random.Random(seed)
    latencies, errors = [], []
    start.wait()
    began = time.monotonic()
    for number in range(ops):
        item = rng.choice(item_ids)
        quantity = f"{rng.randint(1, 50)}.{rng.randint(0, 9999):04d}"
        started = time.perf_counter()
        try:
            if rng.random() < 0.6:
                services.add_stock(item, quantity, "purchase", user=f"worker{seed}")
            else:
                services.deduct_stock(item, quantity, "order_usage", user=f"worker{seed}",
                                      op_key=f"w{seed}-{number}")
        except Exception as error:  # every failure counts against the target of zero
            errors.append(f"{type(error).__name__}: {error}")
        latencies.append(time.perf_counter() - started)
    results.put((began, time.monotonic(), latencies, errors))
    db.close_database()


def run_case(directory: Path, *, processes: int, ops: int, items: int, seed: int) -> dict:
    """`processes` workers × `ops` operations spread over `items` items."""
    path = new_data_file(directory, f"contention-{items}.sqlite3")
    db.open_database(path)
    item_ids = [services.create_item(name=f"Item {n}", unit="kg", sku=f"C{n}",
                                     initial_quantity=_START_STOCK).id for n in range(items)]
    db.close_database()
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_worker,
                               args=(str(path), item_ids, ops, seed * 100 + n, start, results))
               for n in range(processes)]
    for worker in workers:
        worker.start()
    time.sleep(1.0)  # let every worker import and open the file before the gun
    start.set()
    outcomes = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    return _summary(path, processes, ops, items, outcomes)


def _summary(path: Path, processes: int, ops: int, items: int, outcomes: list) -> dict:
    began = min(outcome[0] for outcome in outcomes)
    ended = max(outcome[1] for outcome in outcomes)
    latencies = sorted(value for outcome in outcomes for value in outcome[2])
    errors = [error for outcome in outcomes for error in outcome[3]]
    db.open_database(path)
    report = services.verify()
    movements = services.count_movements()
    db.close_database()
    return {
        "processes": processes,
        "ops_per_process": ops,
        "items": items,
        "ops_total": len(latencies),
        "seconds": round(ended - began, 3),
        "ops_per_s": round(len(latencies) / (ended - began), 1),
        "latency_ms_p50": round(percentile(latencies, 0.50) * 1000, 2),
        "latency_ms_p99": round(percentile(latencies, 0.99) * 1000, 2),
        "latency_ms_max": round(latencies[-1] * 1000, 2),
        "errors": len(errors),
        "error_samples": errors[:5],
        "movements_booked": movements - items,  # minus each item's initial stock
        "verify_ok": report.ok,
    }


def run(directory: Path, *, processes: int = 8, ops: int = 500, seed: int = 1) -> dict:
    """The one-item case (worst contention), then the same load over eight items."""
    return {
        "one_item": run_case(directory, processes=processes, ops=ops, items=1, seed=seed),
        "eight_items": run_case(directory, processes=processes, ops=ops, items=8, seed=seed),
    }
