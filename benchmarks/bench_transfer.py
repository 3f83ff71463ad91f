"""Import, export and backups at scale, as figures (not pass/fail).

    python -m benchmarks.bench_transfer                 # everything (~5 minutes)
    python -m benchmarks.bench_transfer --only import   # import, export, backup

- import: 10,000 items (name, SKU, unit, threshold, initial quantity) through
  `services.import_items`, beside raw sqlite3 inserting the same items and
  their initial movements (same schema and triggers, one BEGIN IMMEDIATE
  transaction, synchronous=FULL) in the same run. Target: at most 1 s.
- export: all 1,000,000 movements of bench_gui's cached file to CSV, in a
  fresh process: time and peak memory (the process's high-water RSS, and
  Python's own peak from tracemalloc in a second run). Target: at most 15 s,
  memory flat in the number of rows.
- backup: that file copied with SQLite's online backup and the copy checked
  (integrity, schema, seals, every ledger) in its own process, as
  `inventory backup` and the daily backup do; and what a command pays on
  the other starts of a day (looking at the stamp).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from ._common import RESULTS_DIR, machine, new_data_file, raw_connection, scratch_dir
from .bench_gui import (
    ITEMS,
    MOVEMENTS,
    _cache_is_current,
    _schema_fingerprint,
    _schema_stamp,
    data_file,
    generate,
)

IMPORT_ITEMS = 10_000
_UNITS = ("kg", "Kg", "litre", "pcs", "g", "L", "ml", "portions")


def stock_list(count: int) -> bytes:
    """A restaurant's stock list as a spreadsheet saves it: semicolons, decimal commas."""
    lines = ["Item name;SKU;Unit;Reorder level;On hand;Supplier"]
    for number in range(1, count + 1):
        lines.append(f"Item {number:05d};SKU-{number:05d};{_UNITS[number % len(_UNITS)]};"
                     f"{number % 20};{number % 97},{number % 10}5;Supplier {number % 13}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def bench_import(directory: Path) -> dict[str, object]:
    from inventory_desktop import db, services

    data = stock_list(IMPORT_ITEMS)
    path = new_data_file(directory, "import.sqlite3")
    db.open_database(path)
    started, cpu = time.perf_counter(), time.process_time()
    report = services.import_items(data)
    ours, ours_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.written and report.count("create") == IMPORT_ITEMS, report.problems[:3]
    again_started = time.perf_counter()
    again = services.import_items(data)
    again_s = time.perf_counter() - again_started
    assert again.count("create") == 0
    db.close_database()
    raw, raw_cpu = _raw_import(directory, _rows_of(path))
    return {"items": IMPORT_ITEMS, "file_bytes": len(data), "import_s": round(ours, 3),
            "raw_sqlite3_s": round(raw, 3), "ratio_raw_over_ours": round(raw / ours, 2),
            # CPU seconds of this process: less at the mercy of other programs' load.
            "import_cpu_s": round(ours_cpu, 3), "raw_sqlite3_cpu_s": round(raw_cpu, 3),
            "reimport_unchanged_s": round(again_s, 3)}


def _rows_of(path: Path) -> list[tuple]:
    connection = raw_connection(path)
    try:
        return connection.execute(
            "SELECT name, sku, unit, low_stock_threshold, current_quantity FROM stock_item "
            "ORDER BY id").fetchall()
    finally:
        connection.close()


def _raw_import(directory: Path, rows: list[tuple]) -> tuple[float, float]:
    """The same items and initial movements by raw sqlite3, through the same triggers."""
    path = new_data_file(directory, "import-raw.sqlite3")
    connection = raw_connection(path)
    started, cpu = time.perf_counter(), time.process_time()
    connection.execute("BEGIN IMMEDIATE")
    for name, sku, unit, threshold, quantity in rows:
        item_id = connection.execute(
            "INSERT INTO stock_item (name, sku, unit, low_stock_threshold, low_stock_alert_sent)"
            " VALUES (?, ?, ?, ?, ?)",
            (name, sku, unit, threshold, int(not quantity and threshold is not None))).lastrowid
        if quantity:
            connection.execute(
                "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, "
                "reason, balance_after) VALUES (?, ?, 'in', 'initial', ?)",
                (item_id, quantity, quantity))
    connection.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    connection.close()
    return elapsed, cpu


def bench_export(big: Path, directory: Path) -> dict[str, object]:
    plain = _in_child("export", big, directory)
    traced = _in_child("export-traced", big, directory)
    return {"movements": MOVEMENTS, **plain, "python_peak_mb": traced["python_peak_mb"]}


def bench_backup(big: Path, directory: Path) -> dict[str, object]:
    return _in_child("backup", big, directory)


def _in_child(what: str, big: Path, directory: Path) -> dict[str, object]:
    # A fresh process each: its peak memory is the work's, not this runner's.
    env = dict(os.environ, INVENTORY_AUTO_BACKUP="0",
               XDG_DATA_HOME=str(directory / "data"), XDG_CONFIG_HOME=str(directory / "config"))
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_transfer", "--child", what, str(big),
         str(directory)], capture_output=True, text=True, env=env,
        cwd=Path(__file__).parent.parent, check=False)
    if child.returncode != 0:
        raise RuntimeError(child.stderr[-3000:])
    return json.loads(child.stdout.strip().splitlines()[-1])


def _child(what: str, big: Path, directory: Path) -> dict[str, object]:
    from inventory_desktop import db, services

    db.open_database(big)
    if what.startswith("export"):
        return _export_once(services, directory, traced=what == "export-traced")
    return _backup_once(db, services, big, directory)


def _export_once(services, directory: Path, *, traced: bool) -> dict[str, object]:
    target = directory / "movements.csv"
    target.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    result = services.export_csv("movements", target)
    elapsed = time.perf_counter() - started
    figures = {"rows": result.rows, "seconds": round(elapsed, 2),
               "file_mb": round(target.stat().st_size / 1e6, 1),
               "rss_before_mb": round(before, 1),
               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if traced:
        figures["python_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 2)
    target.unlink()
    return figures


def _backup_once(db, services, big: Path, directory: Path) -> dict[str, object]:
    from inventory_desktop.services import daily_backup
    from inventory_desktop.services.backup_check import check_in_child

    target = directory / "backup.sqlite3"
    for leftover in directory.glob("backup.sqlite3*"):
        leftover.unlink()
    started = time.perf_counter()
    copy = db.backup_to(target)
    copied = time.perf_counter() - started
    result = check_in_child(copy)
    checked = time.perf_counter() - started - copied
    assert result.ok, result.problems
    # The other starts of a day: one look at the stamp, then nothing.
    folder = services.backup_overview(big).folder
    folder.mkdir(parents=True, exist_ok=True)
    daily_backup._write_stamp(folder, big,
                              daily_backup.DailyOutcome(time.strftime("%Y-%m-%d"), True, "ok"))
    looks = []
    for _ in range(200):
        begun = time.perf_counter()
        os.environ["INVENTORY_AUTO_BACKUP"] = "1"
        assert services.start_daily_backup(big) is None
        looks.append(time.perf_counter() - begun)
    looks.sort()
    return {"file_mb": round(big.stat().st_size / 1e6, 1), "copy_s": round(copied, 2),
            "check_s": round(checked, 2), "total_s": round(copied + checked, 2),
            "stamp_look_ms_median": round(looks[len(looks) // 2] * 1000, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="import, export, backup (comma-separated)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        what, big, directory = args.child
        print(json.dumps(_child(what, Path(big), Path(directory))))
        return 0
    parts = args.only.split(",") if args.only else ["import", "export", "backup"]
    directory = scratch_dir(RESULTS_DIR / "scratch-transfer")
    os.environ.update(INVENTORY_AUTO_BACKUP="0", XDG_DATA_HOME=str(directory / "data"),
                      XDG_CONFIG_HOME=str(directory / "config"))
    report: dict[str, object] = {"machine": machine(directory)}
    if "import" in parts:
        report["import"] = bench_import(directory)
    big = data_file(ITEMS, MOVEMENTS)
    if {"export", "backup"} & set(parts) and not _cache_is_current(big):
        report["generated"] = generate(big)
        _schema_stamp(big).write_text(_schema_fingerprint())
    for part, run in (("export", bench_export), ("backup", bench_backup)):
        if part in parts:
            report[part] = run(big, directory)
            print(json.dumps({part: report[part]}), flush=True)
    (RESULTS_DIR / "bench_transfer.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
