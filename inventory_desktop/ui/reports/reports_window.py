"""The Reports window: pick a period, read the valuation, period, usage, waste and low-stock
reports with their charts, and export any of them as CSV or PDF.

Reports are computed in the background (report_loader.py): the window opens
at once and stays responsive while a long period is summed. The valuation
has its own moment (now, or a past date and time); the other reports follow
the period picker.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from PySide6.QtCore import QDateTime, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QHBoxLayout,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import InventoryError
from ...services import report_periods, reports
from . import report_exports
from .period_picker import PeriodPicker
from .report_loader import ReportLoader
from .report_page import ReportPage

PAGES = {"valuation": ("&Valuation", 1), "period": ("&Period report", 2),
         "usage": ("&Usage", 1), "waste": ("&Waste", 1), "low_stock": ("&Low stock", 0)}
_PAUSE_MS = 300  # let a date being typed settle before summing the ledger


class ReportsWindow(QMainWindow):
    """Every report of the open data file, for a period the manager picks."""

    reports_shown = Signal(str)  # "valuation" or "period", once its reports are on screen

    def __init__(self, parent: QWidget | None = None,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reports — Inventory")
        self.loader = ReportLoader(self)
        self.loader.loaded.connect(self._show)
        self.loader.finished.connect(self._finished)
        self.loader.failed.connect(self._failed)
        self.picker = PeriodPicker(self, today)
        self.at_past = QCheckBox("At a past moment:", self)
        self.at = QDateTimeEdit(QDateTime.currentDateTime(), self)
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at.setCalendarPopup(True)
        self.at.setEnabled(False)
        self.pages = {kind: ReportPage(charts, self, self._valuation_bar() if kind == "valuation"
                                       else None) for kind, (_title, charts) in PAGES.items()}
        self.tabs = QTabWidget(self)
        for kind, (title, _charts) in PAGES.items():
            self.tabs.addTab(self.pages[kind], title)
        self._pause = QTimer(self, singleShot=True, interval=_PAUSE_MS)
        self._pause.timeout.connect(self._load_period)
        self._valuation_pause = QTimer(self, singleShot=True, interval=_PAUSE_MS)
        self._valuation_pause.timeout.connect(self._load_valuation)
        self.picker.changed.connect(
            lambda typed: self._pause.start() if typed else self._load_period())
        self.at_past.toggled.connect(self._at_toggled)
        self.at.dateTimeChanged.connect(lambda _moment: self._valuation_pause.start())
        self._started: dict[str, float] = {}
        self.timings: dict[str, float] = {}  # seconds from asking to showing, by kind
        self._build_layout()
        self._build_actions()
        self.resize(1180, 760)
        self.refresh()

    def _valuation_bar(self) -> QWidget:
        bar = QWidget(self)
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.at_past)
        row.addWidget(self.at)
        row.addStretch(1)
        return bar

    def _build_layout(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.picker)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

    def _build_actions(self) -> None:
        self.export_csv = self._action("Export &CSV…", self._export_csv, "Ctrl+E")
        self.export_pdf = self._action("Export &PDF…", self._export_pdf, "Ctrl+P")
        self.refresh_action = self._action("&Refresh", self.refresh,
                                           QKeySequence.StandardKey.Refresh)
        close = self._action("&Close", self.close, QKeySequence.StandardKey.Close)
        menu = self.menuBar().addMenu("&Report")
        menu.addActions([self.export_csv, self.export_pdf, self.refresh_action])
        menu.addSeparator()
        menu.addAction(close)
        toolbar = self.addToolBar("Report")
        toolbar.setObjectName("reports-toolbar")
        toolbar.addActions([self.export_csv, self.export_pdf, self.refresh_action])

    def _action(self, text: str, handler: Callable[[], object],
                shortcut: str | QKeySequence.StandardKey) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: handler())
        self.addAction(action)
        return action

    def refresh(self) -> None:
        """Compute every report again (after another program wrote, say)."""
        self._load_valuation()
        self._load_period()

    def current_page(self) -> ReportPage:
        return self.tabs.currentWidget()  # type: ignore[return-value]

    def valuation_moment(self) -> dt.datetime | None:
        """The moment the valuation is for (None: now)."""
        if not self.at_past.isChecked():
            return None
        return self.at.dateTime().toPython().replace(second=59, microsecond=999_999)

    def _load_valuation(self) -> None:
        at = self.valuation_moment()
        self.pages["valuation"].show_loading()
        self._started["valuation"] = time.perf_counter()
        self.loader.load("valuation", lambda: [
            ("valuation", reports.valuation_document(at), services.currency_symbol())])

    def _load_period(self) -> None:
        self._pause.stop()
        try:
            start, end = report_periods.period_bounds(*self.picker.days())
        except InventoryError as error:
            self._failed("period", str(error))
            return
        label, sales = self.picker.label(), self.picker.sales_figure()
        for kind in reports.PERIOD_KINDS:
            self.pages[kind].show_loading()
        self._started["period"] = time.perf_counter()
        # The tab in front is summed first; the others follow while it is read.
        front = next((k for k, page in self.pages.items() if page is self.current_page()
                      and k in reports.PERIOD_KINDS), "period")
        kinds = (front, *[k for k in reports.PERIOD_KINDS if k != front])

        def work():
            symbol = services.currency_symbol()
            for name, report in reports.each_period_report(start, end, label, sales=sales,
                                                           kinds=kinds):
                yield name, report, symbol
        self.loader.load("period", work)

    def _show(self, _kind: str, result: object) -> None:
        name, report, symbol = result  # type: ignore[misc]
        self.pages[name].show_report(report, symbol)

    def _finished(self, kind: str) -> None:
        self.timings[kind] = time.perf_counter() - self._started.pop(kind, time.perf_counter())
        self.statusBar().showMessage(f"{kind.capitalize()} reports computed in "
                                     f"{self.timings[kind] * 1000:.0f} ms.", 5000)
        self.reports_shown.emit(kind)

    def _failed(self, kind: str, message: str) -> None:
        kinds = ("valuation",) if kind == "valuation" else reports.PERIOD_KINDS
        for name in kinds:
            self.pages[name].show_loading(f"Could not compute this report: {message}")

    def _at_toggled(self, checked: bool) -> None:
        self.at.setEnabled(checked)
        self._load_valuation()

    def _export_csv(self) -> None:
        report = self.current_page().report
        if report is not None:
            self._say_written(report_exports.export_csv(self, report))

    def _export_pdf(self) -> None:
        page = self.current_page()
        if page.report is not None:
            self._say_written(report_exports.export_pdf(self, page.report, page.symbol))

    def _say_written(self, path: object) -> None:
        if path is not None:
            self.statusBar().showMessage(f"Wrote {path}.", 10_000)
