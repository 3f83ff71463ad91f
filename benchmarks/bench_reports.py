"""The Reports window on a large file: opening it, and changing the period, stay snappy.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_reports [--file PATH]

The file defaults to the one benchmarks/bench_costing.py makes (10^6 movements,
5,000 items, a year). Reported, as JSON: every report of a one-month period as
the window asks for them (the period report with its two chart series, usage,
waste and low stock, all from one period report), the valuation now and at a
past moment; in the window, opening it to its first paint and to both groups
of reports shown, and picking another month to the period tab shown (the tab in
front is computed first) and to every report shown; and the
longest the UI thread went without running its event loop meanwhile (the
reports are computed on a worker thread, so the window stays responsive).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from ._common import RESULTS_DIR, machine, median_seconds, publish

DEFAULT_FILE = RESULTS_DIR / "bench_costing_5000_1000000.sqlite3"
JUNE, MAY = (dt.date(2026, 6, 1), dt.date(2026, 6, 30)), (dt.date(2026, 5, 1),
                                                          dt.date(2026, 5, 31))


def measure_services(repeat: int) -> dict[str, float]:
    from inventory_desktop.services import report_periods, reports

    start, end = report_periods.period_bounds(*JUNE)
    past = dt.datetime(2026, 3, 15, 12, 0)
    timings = {
        "all_period_reports_one_month_ms": lambda: reports.period_reports(start, end, "June"),
        "period_report_with_charts_ms": lambda: reports.period_reports(
            start, end, "June", kinds=("period",)),
        "valuation_now_ms": lambda: reports.valuation_document(),
        "valuation_past_moment_ms": lambda: reports.valuation_document(past),
    }
    return {name: round(median_seconds(action, repeat) * 1000, 1)
            for name, action in timings.items()}


def measure_window() -> dict[str, float]:
    from PySide6.QtCore import QDate, QTimer
    from PySide6.QtWidgets import QApplication

    from inventory_desktop.ui.reports.reports_window import ReportsWindow

    application = QApplication.instance() or QApplication([])
    stall = _StallWatch(QTimer)
    started = time.perf_counter()
    window = ReportsWindow()
    window.tabs.setCurrentWidget(window.pages["period"])
    window.show()
    application.processEvents()
    painted = time.perf_counter() - started
    _wait(application, lambda: len(window.timings) == 2)
    shown = time.perf_counter() - started
    result = {"open_to_first_paint_ms": round(painted * 1000, 1),
              "open_to_reports_shown_ms": round(shown * 1000, 1)}
    for label, (first, last) in (("june", JUNE), ("may", MAY)):
        window.timings.pop("period", None)
        before = window.pages["period"].report
        picked = time.perf_counter()
        window.picker.first.setDate(QDate(first))
        window.picker.last.setDate(QDate(last))
        _wait(application, lambda old=before: window.pages["period"].report is not old)
        result[f"pick_{label}_to_period_tab_shown_ms"] = round(
            (time.perf_counter() - picked) * 1000, 1)
        _wait(application, lambda: "period" in window.timings)
        result[f"pick_{label}_to_all_reports_shown_ms"] = round(
            (time.perf_counter() - picked) * 1000, 1)
    result["longest_ui_stall_ms"] = round(stall.longest * 1000, 1)
    window.close()
    return result


class _StallWatch:
    """A 5 ms timer: the longest gap between its ticks is the UI's longest stall."""

    def __init__(self, timer_class) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self.timer = timer_class()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now


def _wait(application, done, limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit("the reports did not arrive in time")
        application.processEvents()
        time.sleep(0.001)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.file.exists():
        raise SystemExit(f"{args.file} does not exist: run benchmarks.bench_costing first.")
    from inventory_desktop import db

    db.open_database(args.file)
    result = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "machine": machine(args.file), "file": str(args.file),
              "services": measure_services(args.repeat), "window": measure_window()}
    db.close_database()
    publish("bench_reports", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
