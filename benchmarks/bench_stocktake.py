"""The stocktake at 2,000 lines: commit (beside raw sqlite3), sheet import, the count grid.

    python -m benchmarks.bench_stocktake              # commit and import, 5 runs each
    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_stocktake --gui   # + the grid

A file of 2,000 items in five areas, each counted one short (a quarter of
them explained across two reasons), so the commit posts 2,500 adjustments.
Every run starts from a copy of the same counted file. Raw sqlite3 writes the
same movements in one BEGIN IMMEDIATE transaction, through the same triggers,
and seals them as the program does: the ratio is our own Python's share.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import shutil
import statistics
import sys
import time
from pathlib import Path

from inventory_desktop import db, services
from inventory_desktop.services import stocktake_files

from ._common import machine, new_data_file, raw_connection, scratch_dir

LINES = 2_000
AREAS = 5
RUNS = 5


def build(directory: Path, *, short_every: int = 1, explained_every: int = 4,
          name: str = "counted") -> tuple[Path, int]:
    """The counted file: 2,000 items, every `short_every`-th counted one short (every
    `explained_every`-th of those explained across two reasons); (path, stocktake id)."""
    path = new_data_file(directory, f"{name}.sqlite3")
    db.open_database(path)
    areas = [services.create_area(f"Area {n}").id for n in range(AREAS)]
    items = [services.create_item(f"Item {n:04d}", "kg", sku=f"IT-{n:04d}", initial_quantity="50",
                                  areas=[areas[n % AREAS]]).id for n in range(LINES)]
    stocktake = services.start_stocktake("Benchmark").id
    for number, item in enumerate(items):
        short = number % short_every == 0
        services.record_count(stocktake, item, areas[number % AREAS], "49" if short else "50",
                              user="bench")
        if short and explained_every and (number // short_every) % explained_every == 0:
            services.explain_variance(stocktake, item, {"waste": "0.5", "theft": "0.25"},
                                      user="bench")
    db.close_database()
    return path, stocktake


def time_commit(template: Path, stocktake: int, work: Path) -> tuple[float, int]:
    copy = _copy(template, work / "commit.sqlite3")
    db.open_database(copy)
    started = time.perf_counter()
    report = services.commit_stocktake(stocktake, user="bench")
    elapsed = time.perf_counter() - started
    assert services.verify().ok
    db.close_database()
    return elapsed, len(report.movement_ids)


def time_raw_commit(template: Path, stocktake: int, work: Path, movements: list[tuple]) -> float:
    """Raw sqlite3 posting the same movements (balances precomputed) in one transaction."""
    copy = _copy(template, work / "raw.sqlite3")
    connection = raw_connection(copy)
    secret = secrets.token_bytes(32)
    started = time.perf_counter()
    run = connection.execute
    run("BEGIN IMMEDIATE")
    run("INSERT INTO write_context (id, actor) VALUES (1, 'bench')")
    before = run("SELECT (SELECT max(id) FROM stock_movement), (SELECT max(history_id) FROM "
                 "stock_item_history), (SELECT max(id) FROM audit_log)").fetchone()
    connection.executemany(
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        "notes, reference_type, reference_id, balance_after, created_by, created_at) VALUES "
        "(?, ?, 'adjustment', ?, 'Stocktake', 'stocktake', ?, ?, 'bench', "
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", movements)
    run("UPDATE stocktake SET state = 'committed', uncounted = 'keep', closed_by = 'bench', "
        "closed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?", (stocktake,))
    run("DELETE FROM write_context")
    _raw_seal(run, before, secret)
    run("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def _raw_seal(run, before: tuple, secret: bytes) -> None:
    ranges = []
    for (table, column), start in zip((("stock_movement", "id"),
                                       ("stock_item_history", "history_id"),
                                       ("audit_log", "id")), before, strict=True):
        cursor = run(f"SELECT * FROM {table} WHERE {column} > ? ORDER BY {column}", (start,))
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        digests = [hashlib.sha256(json.dumps(
            sorted([n, v] for n, v in zip(names, row, strict=True) if v is not None),
            separators=(",", ":")).encode()).hexdigest()[:32] for row in rows]
        ranges.append((table, rows[0][0], rows[-1][0], ",".join(digests)))
    digest = hmac.new(secret, json.dumps(ranges).encode(), hashlib.sha256).hexdigest()
    seq = run("SELECT COALESCE(max(seq), 0) + 1 FROM seal").fetchone()[0]
    run("INSERT INTO seal (seq, kind, key_id, sealed_by, sealed_at, digest) VALUES "
        "(?, 'write', 'bench', 'bench', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)",
        (seq, digest))
    for table, first, last, digests in ranges:
        run("INSERT INTO seal_range (seq, table_name, first_id, last_id, rows_digest) "
            "VALUES (?, ?, ?, ?, ?)", (seq, table, first, last, digests))


def planned_movements(template: Path, stocktake: int) -> list[tuple]:
    db.open_database(template)
    plan = services.commit_plan(stocktake)
    balances = {item.id: int(item.quantity.scaleb(4)) for item in services.list_items()}
    db.close_database()
    rows = []
    for change in plan.changes:
        units = int(change.change.scaleb(4))
        balances[change.item_id] += units
        rows.append((change.item_id, units, change.reason, str(stocktake),
                     balances[change.item_id]))
    return rows


def time_import(template: Path, stocktake: int, work: Path) -> float:
    """Import a filled 2,000-line sheet into a fresh stocktake on a copy of the file."""
    copy = _copy(template, work / "import.sqlite3")
    db.open_database(copy)
    services.abandon_stocktake(stocktake)
    fresh = services.start_stocktake("Imported").id
    sheet = work / "sheet.csv"
    stocktake_files.write_sheet_csv(fresh, sheet)
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    filled = [lines[0]] + [line.replace(",,,,", ",,48,tablet,") for line in lines[1:]]
    sheet.write_text("\n".join(filled) + "\n", encoding="utf-8")
    started = time.perf_counter()
    report = stocktake_files.import_sheet_csv(fresh, sheet, user="bench")
    elapsed = time.perf_counter() - started
    assert report.recorded and len(report.rows) == LINES, report.problems[:3]
    db.close_database()
    return elapsed


def time_grid(template: Path, work: Path) -> dict[str, float]:
    """Open the count grid on the counted file (to painted), then Enter-to-next times."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from inventory_desktop.ui.stocktake.count_window import StocktakeWindow

    application = QApplication.instance() or QApplication(sys.argv[:1])
    copy = _copy(template, work / "grid.sqlite3")
    db.open_database(copy)
    services.abandon_stocktake(services.list_stocktakes()[0].id)
    services.start_stocktake("Grid")
    started = time.perf_counter()
    window = StocktakeWindow()
    window.show()
    application.processEvents()
    window.repaint()
    opened = time.perf_counter() - started
    enters = []
    window.table.setFocus()
    for _ in range(40):
        QTest.keyClick(window.table, Qt.Key.Key_4)  # opens the editor with "4"
        started = time.perf_counter()
        QTest.keyClick(window.table.focusWidget(), Qt.Key.Key_Return)
        application.processEvents()  # saved; the next line opens and is painted
        application.processEvents()
        enters.append(time.perf_counter() - started)
    window.close()
    db.close_database()
    return {"grid_open_ms": round(opened * 1000, 1),
            "enter_to_next_ms_median": round(statistics.median(enters) * 1000, 2),
            "enter_to_next_ms_max": round(max(enters) * 1000, 2)}


_copies = iter(range(10**6))


def _copy(template: Path, target: Path) -> Path:
    # A new name each run: a copy taken again at the same path would lack the
    # seals the last run anchored there, and verify would rightly say so.
    target = target.with_name(f"{target.stem}-{next(_copies)}{target.suffix}")
    shutil.copy(template, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_stocktake")
    parser.add_argument("--gui", action="store_true", help="also time the count grid")
    args = parser.parse_args(argv)
    work = scratch_dir(None) / "stocktake"
    work.mkdir(parents=True)
    started = time.perf_counter()
    template, stocktake = build(work)
    built = time.perf_counter() - started
    movements = planned_movements(template, stocktake)
    commits = [time_commit(template, stocktake, work) for _ in range(RUNS)]
    raw = [time_raw_commit(template, stocktake, work, movements) for _ in range(RUNS)]
    imports = [time_import(template, stocktake, work) for _ in range(RUNS)]
    # A usual count: half the items off, each put down to one reason or none.
    usual, usual_id = build(work, short_every=2, explained_every=0, name="usual")
    usual_moves = planned_movements(usual, usual_id)
    usual_commits = [time_commit(usual, usual_id, work) for _ in range(RUNS)]
    usual_raw = [time_raw_commit(usual, usual_id, work, usual_moves) for _ in range(RUNS)]
    result = {
        "machine": machine(work), "lines": LINES, "build_s": round(built, 1),
        "every_line_off": {
            "adjustments_posted": commits[0][1],
            "commit_ms_median": round(statistics.median(t for t, _ in commits) * 1000, 1),
            "commit_ms_runs": [round(t * 1000, 1) for t, _ in commits],
            "raw_commit_ms_median": round(statistics.median(raw) * 1000, 1)},
        "half_the_lines_off": {
            "adjustments_posted": usual_commits[0][1],
            "commit_ms_median": round(statistics.median(t for t, _ in usual_commits) * 1000, 1),
            "raw_commit_ms_median": round(statistics.median(usual_raw) * 1000, 1)},
        "import_ms_median": round(statistics.median(imports) * 1000, 1),
        "import_ms_runs": [round(t * 1000, 1) for t in imports],
        "targets_ms": {"commit": 250, "import": 500, "grid_open": 200, "enter_to_next": 16},
    }
    if args.gui:
        result.update(time_grid(template, work))
    print(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
