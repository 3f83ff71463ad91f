"""Committing a whole delivery: `services.receive_delivery` with 200 lines, in one transaction.

    python -m benchmarks.bench_delivery [--lines 200] [--rounds 15] [--items 2000]

A fresh data file (made by the program, on the project's disk) holds
`--items` items, each with a few movements; then each round books one
delivery of `--lines` lines over different items — validation, the stock
checks, one movement per line (the triggers write history and audit), the
seal over all of it and the synchronous commit — and the wall time of the
call is taken. Prints JSON: median, min and max over the rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from inventory_desktop import db, services

from ._common import machine, new_data_file, scratch_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--dir", type=Path, help="where to put the scratch file")
    args = parser.parse_args()
    work = scratch_dir(args.dir)
    path = new_data_file(work, "delivery.sqlite3")
    db.open_database(path)
    try:
        item_ids = _stock(args.items)
        times = [_one_delivery(item_ids, args.lines, number) for number in range(args.rounds)]
        report = services.verify()
    finally:
        db.close_database()
    print(json.dumps({
        "lines": args.lines, "rounds": args.rounds, "items": args.items,
        "median_ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1), "max_ms": round(max(times) * 1000, 1),
        "verify_ok": report.ok, "machine": machine(work),
    }, indent=2))


def _stock(count: int) -> list[int]:
    ids = [services.create_item(f"Item {n:05d}", "kg", f"IT-{n:05d}", "5", "10").id
           for n in range(count)]
    services.receive_delivery([services.LineInput(item_id, "1") for item_id in ids[:1000]],
                              reference="warm-up")
    return ids


def _one_delivery(item_ids: list[int], lines: int, number: int) -> float:
    start = (number * lines) % len(item_ids)
    chosen = [item_ids[(start + n) % len(item_ids)] for n in range(lines)]
    sheet = [services.LineInput(item_id, f"{n % 7 + 1}.25") for n, item_id in enumerate(chosen)]
    started = time.perf_counter()
    booked = services.receive_delivery(sheet, reference=f"DN-{number}", op_key=f"dn-{number}")
    elapsed = time.perf_counter() - started
    assert len(booked) == lines
    return elapsed


if __name__ == "__main__":
    main()
