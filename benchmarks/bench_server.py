"""One writer and eight writers, on a SQLite file and on a PostgreSQL server (issue 11).

    python -m benchmarks.bench_server                 # 2,000 receipts a run
    python -m benchmarks.bench_server --receipts 400  # a quick run

Both backends on the same disk (the server started by scripts/pg_throwaway.py
with fsync and synchronous_commit ON, as SQLite runs with synchronous=FULL),
through the services, one receipt per transaction. Reported per backend:
receipts per second for one writer, and for eight writers each on an item of
its own (SQLite serialises them; PostgreSQL locks only the item), with the
ratio eight/one, and each run's p50/p99 latency.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import multiprocessing
import sys
import time
import uuid
from pathlib import Path

import psycopg

from inventory_desktop import db, services

from ._common import RESULTS_DIR, machine, new_data_file, percentile, publish, scratch_dir

ROOT = Path(__file__).resolve().parents[1]


def _throwaway():
    spec = importlib.util.spec_from_file_location("pg_throwaway",
                                                  ROOT / "scripts" / "pg_throwaway.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _writer(target: str, item: int, receipts: int, start, results) -> None:
    db.open_database(target)
    latencies = []
    start.wait()
    began = time.perf_counter()
    for _ in range(receipts):
        started = time.perf_counter()
        services.add_stock(item, "1.5", unit_cost="0.80", user="bench")
        latencies.append(time.perf_counter() - started)
    results.put((time.perf_counter() - began, latencies))
    db.close_database()


def _run(target: str, items: list[int], receipts: int) -> dict[str, float]:
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    each = receipts // len(items)
    processes = [context.Process(target=_writer, args=(target, item, each, start, results))
                 for item in items]
    for process in processes:
        process.start()
    time.sleep(1.0)  # every writer connected and waiting
    began = time.perf_counter()
    start.set()
    outcomes = [results.get(timeout=900) for _ in processes]
    wall = time.perf_counter() - began
    for process in processes:
        process.join()
    latencies = sorted(latency for _, found in outcomes for latency in found)
    return {"writers": len(items), "receipts": each * len(items),
            "receipts_per_s": round(each * len(items) / wall, 1),
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 2)}


def _items(target: str, count: int) -> list[int]:
    db.open_database(target)
    ids = [services.create_item(f"Item {n}", "kg", sku=f"IT-{n}").id for n in range(count)]
    db.close_database()
    return ids


def measure(target: str, receipts: int) -> dict[str, object]:
    """One writer, then eight on eight items, on `target` (a file or a server database)."""
    items = _items(target, 8)
    one = _run(target, items[:1], receipts)
    eight = _run(target, items, receipts)
    return {"one_writer": one, "eight_writers": eight,
            "eight_over_one": round(eight["receipts_per_s"] / one["receipts_per_s"], 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--receipts", type=int, default=2000)
    args = parser.parse_args(argv)
    work = scratch_dir(RESULTS_DIR / "scratch-server")
    summary: dict[str, object] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(work), "receipts": args.receipts}
    summary["sqlite"] = measure(str(new_data_file(work, "bench.sqlite3")), args.receipts)
    throwaway = _throwaway()
    server = throwaway.start(str(work), durable=True)
    try:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server.url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        url = server.url.replace("/postgres?", f"/{name}?")
        summary["postgresql"] = measure(url, args.receipts)
    finally:
        throwaway.stop(server.folder)
    publish("bench_server", summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
