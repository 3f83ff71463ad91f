"""A report's chart on screen: QtCharts' view of the same chart the PDF prints."""

from __future__ import annotations

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from ...documents.report_charts import build_chart
from ...services.report_document import Chart


class ReportChartView(QChartView):
    """Shows one report Chart; `shown` is the Chart it draws (None: none yet)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: Chart | None = None
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(320, 220)

    def sizeHint(self) -> QSize:
        return QSize(460, 280)

    def show_chart(self, chart: Chart, symbol: str = "") -> None:
        self.shown = chart
        # The view owns the chart it shows and deletes the one it replaces.
        self.setChart(build_chart(chart, symbol))
