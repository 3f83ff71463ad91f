"""The desktop at scale: 50,000 items and 1,000,000 movements.

Reports, as JSON: main window open to first paint (and to the items painted,
which load on a worker thread), one filter keystroke (median and max, and
the model's share alone), the reload after another program writes, the
longest UI stall while loading, the movement history (all items) open to
first paint, File → Back up now on the whole file, and peak memory.
Targets: < 500 ms, < 16 ms, < 100 ms, < 300 MB.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_gui
    python -m benchmarks.bench_gui --items 500 --movements 5000   # a quick run

The data file is generated once per size and schema (raw sqlite3, one
transaction, executemany with correct balance_after chains, so every trigger
fires as for a real booking) and cached under benchmarks/results/. The
measurements run in a fresh process, so peak memory is the window's, not
the generator's."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from ._common import RESULTS_DIR, machine, new_data_file, raw_connection

ITEMS = 50_000
MOVEMENTS = 1_000_000
TYPED = "tomato 1"
_FOODS = ("Flour", "Tomatoes", "Olive oil", "Mozzarella", "Basil", "Garlic", "Onions",
          "Butter", "Cream", "Eggs", "Parmesan", "Rice", "Salt", "Sugar", "Lemons",
          "Chicken thighs", "Beef mince", "Salmon", "Potatoes", "Carrots")
_UNITS = ("kg", "kg", "L", "kg", "g", "kg", "kg", "kg", "L", "piece", "kg", "kg", "kg", "kg",
          "piece", "kg", "kg", "kg", "kg", "kg")


def data_file(items: int, movements: int) -> Path:
    """Where the generated file for this size is cached."""
    return RESULTS_DIR / f"bench_gui_{items}_{movements}.sqlite3"


def generate(path: Path, items: int = ITEMS, movements: int = MOVEMENTS) -> dict[str, float]:
    """Write the items and movements into a new data file; the seconds each took."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new_data_file(path.parent, path.name)
    connection = raw_connection(path)
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO stock_item (name, sku, unit, low_stock_threshold) VALUES (?, ?, ?, ?)",
        _items(items))
    items_done = time.perf_counter()
    connection.executemany(
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        "balance_after, created_by, created_at) VALUES (?, ?, ?, ?, ?, 'bench', ?)",
        _movements(items, movements))
    connection.execute("COMMIT")
    done = time.perf_counter()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return {"items_s": round(items_done - started, 1), "movements_s": round(done - items_done, 1)}


def _schema_fingerprint() -> str:
    """A digest of the schema files: a cached file made under another schema is rebuilt."""
    from inventory_desktop import migrations

    digest = hashlib.sha256()
    for _version, sql_file in migrations.migrations():
        digest.update(sql_file.read_bytes())
    return digest.hexdigest()


def _schema_stamp(path: Path) -> Path:
    return path.with_name(path.name + ".schema")


def _cache_is_current(path: Path) -> bool:
    stamp = _schema_stamp(path)
    return path.exists() and stamp.exists() and stamp.read_text() == _schema_fingerprint()


def _items(count: int):
    for number in range(1, count + 1):
        kind = number % len(_FOODS)
        threshold = 50_000 if number % 7 == 0 else None  # 5 units, on some items
        yield (f"{_FOODS[kind]} {number:05d}", f"SKU-{number:06d}", _UNITS[kind], threshold)


def _movements(items: int, movements: int):
    """Movements round-robin over the items, a year of history, balances chained."""
    balances = [0] * (items + 1)
    start = dt.datetime(2025, 11, 24, tzinfo=dt.UTC)
    step = dt.timedelta(days=365) / movements
    for number in range(movements):
        item = number % items + 1
        rounds = number // items
        if rounds % 3 == 2 and balances[item] >= 30_000:
            change, kind, reason = -30_000, "out", "order_usage"
        else:
            change, kind, reason = 50_000, "in", "initial" if rounds == 0 else "purchase"
        balances[item] += change
        moment = start + step * number
        yield (item, change, kind, reason, balances[item],
               moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")


def measure(path: Path) -> dict[str, object]:
    """Open the window on `path`, type into the filter, open the history; the figures."""
    from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
    from PySide6.QtTest import QTest

    from inventory_desktop import db
    from inventory_desktop.ui.shell import app as gui_app
    from inventory_desktop.ui.shell.self_test import PaintSeen

    application = gui_app.make_application()

    class StallMeter(QObject):
        """The longest gap between ticks of a 5 ms timer: how long the UI froze."""

        def __init__(self) -> None:
            super().__init__()
            self.last, self.longest = time.perf_counter(), 0.0
            self.timer = QTimer(self)
            self.timer.timeout.connect(self.tick)
            self.timer.start(5)

        def tick(self) -> None:
            now = time.perf_counter()
            self.longest, self.last = max(self.longest, now - self.last), now

        def stop(self) -> float:
            self.tick()
            self.timer.stop()
            return self.longest * 1000

    def until_painted(widget, started: float) -> float:
        seen = PaintSeen()
        widget.installEventFilter(seen)
        while not seen.painted:
            application.processEvents()
        application.processEvents()  # the paint event has now been handled
        return (time.perf_counter() - started) * 1000

    def until_loaded(window) -> None:
        # Wait in Qt's event loop, as the real application does, so the worker
        # thread gets the interpreter instead of a Python polling loop.
        if window.loader.busy:
            loop = QEventLoop()
            window.items_shown.connect(loop.quit)
            loop.exec()
            window.items_shown.disconnect(loop.quit)

    started = time.perf_counter()
    db.open_database(path)
    from inventory_desktop.ui.shell.main_window import MainWindow

    stalls = StallMeter()
    window = MainWindow()
    window.resize(1100, 700)
    window.show()
    open_ms = until_painted(window.table.viewport(), started)
    until_loaded(window)
    items_ms = until_painted(window.table.viewport(), started)
    startup_stall = stalls.stop()
    rows_shown = window.model.rowCount()

    window.filter_box.setFocus()
    keystrokes, matches = [], []
    for key in [*TYPED, *[Qt.Key.Key_Backspace] * len(TYPED)]:
        begun = time.perf_counter()
        QTest.keyClick(window.filter_box, key)
        application.processEvents()  # includes repainting the table
        keystrokes.append((time.perf_counter() - begun) * 1000)
        matches.append(window.model.rowCount())
    model_only = _model_filter_ms(window.model)

    # What the watcher does when another program writes: reload in the background.
    stalls = StallMeter()
    begun = time.perf_counter()
    window.reload()
    until_loaded(window)
    reload_ms = (time.perf_counter() - begun) * 1000
    reload_stall = stalls.stop()

    from inventory_desktop.ui.history.history_window import HistoryWindow

    begun = time.perf_counter()
    history = HistoryWindow(None)
    history.resize(1100, 700)
    history.show()
    history_ms = until_painted(history, begun)
    history.close()
    backup_s, backup_stall = _back_up_through_the_menu(window, path, StallMeter)
    window.close()
    return {
        "items_listed": rows_shown,
        "open_to_first_paint_ms": round(open_ms, 1),
        "open_to_items_painted_ms": round(items_ms, 1),
        "longest_ui_stall_during_open_ms": round(startup_stall, 1),
        "filter_keystroke_ms": {
            "typed": TYPED, "then": "backspace to empty", "keystrokes": len(keystrokes),
            "median": round(statistics.median(keystrokes), 2),
            "max": round(max(keystrokes), 2),
            "each": [round(k, 2) for k in keystrokes],
            "rows_shown_after_each": matches,
            "model_only_median": round(statistics.median(model_only), 2),
            "model_only_max": round(max(model_only), 2)},
        "reload_after_outside_write_ms": round(reload_ms, 1),
        "longest_ui_stall_during_reload_ms": round(reload_stall, 1),
        "history_open_to_first_paint_ms": round(history_ms, 1),
        "back_up_now_s": round(backup_s, 2),
        "longest_ui_stall_during_backup_ms": round(backup_stall, 1),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _back_up_through_the_menu(window, path: Path, stall_meter) -> tuple[float, float]:
    """File → Back up now on the whole file: seconds taken, longest UI stall (ms)."""
    from inventory_desktop.ui.shell import data_files

    target = path.with_name(path.stem + "-backup-bench.sqlite3")
    target.unlink(missing_ok=True)
    chosen = data_files.QFileDialog.getSaveFileName
    data_files.QFileDialog.getSaveFileName = staticmethod(lambda *args, **kwargs: (str(target), ""))
    try:
        stalls = stall_meter()
        begun = time.perf_counter()
        window.commands.back_up.trigger()
        return time.perf_counter() - begun, stalls.stop()
    finally:
        data_files.QFileDialog.getSaveFileName = chosen
        target.unlink(missing_ok=True)


def _model_filter_ms(model) -> list[float]:
    """The model's share of a keystroke: narrowing the 50k rows, without painting."""
    times = []
    for text in [TYPED[:n] for n in range(1, len(TYPED) + 1)] + [""]:
        begun = time.perf_counter()
        model.set_filter(text)
        times.append((time.perf_counter() - begun) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true", help="rebuild the cached file")
    parser.add_argument("--items", type=int, default=ITEMS, help=f"default {ITEMS:,}")
    parser.add_argument("--movements", type=int, default=MOVEMENTS, help=f"default {MOVEMENTS:,}")
    parser.add_argument("--measure-only", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_only:
        print(json.dumps(measure(Path(args.measure_only))))
        return 0
    path = data_file(args.items, args.movements)
    report: dict[str, object] = {"items": args.items, "movements": args.movements}
    if args.regenerate or not _cache_is_current(path):
        report["generated"] = generate(path, args.items, args.movements)
        _schema_stamp(path).write_text(_schema_fingerprint())
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_gui", "--measure-only", str(path)],
        capture_output=True, text=True, env=env, cwd=Path(__file__).parent.parent, check=False)
    if child.returncode != 0:
        print(child.stderr, file=sys.stderr)
        return 1
    report |= json.loads(child.stdout.strip().splitlines()[-1])
    report["machine"] = machine(path.parent)
    (RESULTS_DIR / f"bench_gui_{args.items}_{args.movements}.json").write_text(
        json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
