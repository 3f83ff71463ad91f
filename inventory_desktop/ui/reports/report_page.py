"""One report on screen: its figures and notes, its charts, and its tables (one tab each)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...services.report_document import Report, figure_text
from ..common.read_only_table import read_only_table
from .chart_view import ReportChartView
from .report_table_model import ReportTableModel

_NOTE_STYLE = "color: #8a4b00;"
_MEASURED_ROWS = 60


class ReportPage(QWidget):
    """Shows a Report; `report` is the one shown (exports write exactly it)."""

    def __init__(self, charts: int, parent: QWidget | None = None,
                 header: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: Report | None = None
        self._symbol = ""
        self.figures = QLabel(self)
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.notes = QLabel(self)
        self.notes.setStyleSheet(_NOTE_STYLE)
        self.notes.setWordWrap(True)
        self.notes.hide()
        self.status = QLabel("Loading…", self)
        self.charts = [ReportChartView(self) for _ in range(charts)]
        self.tables = QTabWidget(self)
        self.tables.setDocumentMode(True)
        self.table_views: list[QTableView] = []  # of the tables that have rows
        top = QWidget(self)
        row = QHBoxLayout(top)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.figures)
        for chart in self.charts:
            row.addWidget(chart, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.tables)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        if header is not None:
            layout.addWidget(header)
        layout.addWidget(self.status)
        layout.addWidget(self.notes)
        layout.addWidget(splitter, 1)

    def show_loading(self, text: str = "Loading…") -> None:
        self.status.setText(text)
        self.status.show()

    def show_report(self, report: Report, symbol: str) -> None:
        """Replace what is shown with `report`, keeping the table tab the manager was on."""
        self.report, self._symbol = report, symbol
        self.status.hide()
        self.figures.setText(_figures_html(report, symbol))
        self.notes.setText(" ".join(report.notes))
        self.notes.setVisible(bool(report.notes))
        for view, chart in zip(self.charts, report.charts, strict=False):
            view.show_chart(chart, symbol)
        current = self.tables.currentIndex()
        self.tables.clear()
        self.table_views = []
        for table in report.tables:
            if not table.rows:
                empty = QLabel(table.empty, self.tables)
                empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.tables.addTab(empty, f"{table.title} (none)")
                continue
            view = read_only_table(self.tables, ReportTableModel(table, symbol, self), ())
            # No column sorted (set before sorting is enabled, which sorts at once):
            # the report's own order (by name, by walk order) comes first.
            view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            view.setSortingEnabled(True)
            view.horizontalHeader().setStretchLastSection(False)
            # Widths from the first rows only: measuring 5,000 would stall the window.
            view.verticalHeader().setResizeContentsPrecision(_MEASURED_ROWS)
            view.horizontalHeader().setResizeContentsPrecision(_MEASURED_ROWS)
            view.resizeColumnsToContents()
            self.table_views.append(view)
            self.tables.addTab(view, table.title)
        self.tables.setCurrentIndex(max(0, current))

    @property
    def symbol(self) -> str:
        """The currency symbol the report is shown with."""
        return self._symbol

    def figure_text(self, key: str) -> str:
        """The text shown for the figure with this key."""
        assert self.report is not None
        figure = next(f for f in self.report.figures if f.key == key)
        return figure_text(figure, self._symbol)


def _figures_html(report: Report, symbol: str) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(figure.label)}</td><td align='right'>&nbsp;&nbsp;"
        f"<b>{html.escape(figure_text(figure, symbol))}</b></td></tr>"
        for figure in report.figures)
    return (f"<p><b>{html.escape(report.title)}</b> — {html.escape(report.period)}</p>"
            f"<table cellspacing='0' cellpadding='2'>{rows}</table>")
