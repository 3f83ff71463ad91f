"""The reports' charts, drawn by QtCharts: on screen (in a QChartView) and into printed pages.

QtCharts (PySide6-Addons) is a well-kept chart library that adds ~4 MB to the
bundle (README: "Installing the desktop program"); pyqtgraph would bring
numpy and its OpenBLAS, ~46 MB, past the bundle's budget. Coordinates are
floats, as Qt draws: only the picture, never a figure anyone reads, passes
through them; the axes' labels are whole currency units.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMargins, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene

from ..services.report_document import BARS, LINE, STACKED, Chart

# Colour-blind-safe (Okabe-Ito), in the order series are added.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000", "#999999")
_LOSS, _GAIN = QColor("#c0392b"), QColor("#2e7d32")
_MAX_X_LABELS = 6


def build_chart(chart: Chart, symbol: str = "") -> QChart:
    """A QChart showing `chart` (an empty chart with its title when there is no data)."""
    view = QChart()
    view.setTitle(chart.title if chart.has_data else f"{chart.title}: {chart.empty}")
    view.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    view.setMargins(QMargins(4, 4, 28, 4))  # room for the last date label
    view.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    if not chart.has_data:
        view.legend().hide()
        return view
    {LINE: _line, STACKED: _stacked, BARS: _bars}[chart.kind](view, chart, symbol)
    return view


def _line(view: QChart, chart: Chart, symbol: str) -> None:
    name, values = chart.series[0]
    series = QLineSeries()
    series.setName(name)
    series.setPen(QPen(QColor(PALETTE[0]), 2.5))
    for x, value in enumerate(values):
        series.append(x, float(value))
    view.addSeries(series)
    view.legend().hide()
    axis_x = QCategoryAxis()
    axis_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    step = max(1, -(-len(values) // _MAX_X_LABELS))
    for x in range(0, len(values), step):
        axis_x.append(chart.labels[x], x)
    axis_x.setRange(0, max(1, len(values) - 1))
    _attach(view, series, axis_x, _money_axis(values, symbol))


def _stacked(view: QChart, chart: Chart, symbol: str) -> None:
    series = QStackedBarSeries()
    for number, (name, values) in enumerate(chart.series):
        bars = QBarSet(name)
        bars.setColor(QColor(PALETTE[number % len(PALETTE)]))
        bars.setBorderColor(QColor(PALETTE[number % len(PALETTE)]))
        bars.append([float(value) for value in values])
        series.append(bars)
    view.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append(chart.labels)
    sums = [sum((values[i] for _n, values in chart.series), Decimal(0))
            for i in range(len(chart.labels))]
    _attach(view, series, axis_x, _money_axis(sums, symbol))


def _bars(view: QChart, chart: Chart, symbol: str) -> None:
    # Losses and gains as two sets of one stacked series: each label gets one
    # bar, red to the left or green to the right.
    _name, values = chart.series[0]
    losses, gains = QBarSet("Loss"), QBarSet("Gain")
    losses.setColor(_LOSS)
    # Only a chart with losses in it reads green as a gain.
    gains.setColor(_GAIN if any(value < 0 for value in values) else QColor(PALETTE[0]))
    for value in reversed(values):  # the largest on top
        losses.append(float(min(value, Decimal(0))))
        gains.append(float(max(value, Decimal(0))))
    series = QHorizontalStackedBarSeries()
    series.append(losses)
    series.append(gains)
    series.setBarWidth(0.7)
    view.addSeries(series)
    if all(value >= 0 for value in values):
        view.legend().hide()
    axis_y = QBarCategoryAxis()
    axis_y.append(list(reversed(chart.labels)))
    view.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = _money_axis([*values, Decimal(0)], symbol)
    view.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)


def _attach(view: QChart, series, axis_x, axis_y) -> None:
    view.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    view.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)


def _money_axis(values: list[Decimal], symbol: str) -> QValueAxis:
    axis = QValueAxis()
    low = float(min([*values, Decimal(0)]))
    high = float(max([*values, Decimal(0)]))
    axis.setRange(low, high if high > low else low + 1)
    axis.applyNiceNumbers()
    # QtCharts formats labels with printf, which garbles a symbol such as €:
    # the symbol goes in the axis title instead.
    axis.setLabelFormat("%.0f")
    if symbol:
        axis.setTitleText(symbol)
    return axis


def chart_png(chart: Chart, symbol: str = "", width: int = 720, height: int = 300,
              scale: int = 3) -> bytes:
    """The chart drawn at `scale` times its size (sharp when printed), as PNG bytes."""
    view = build_chart(chart, symbol)
    font = QFont("DejaVu Sans", 8)
    view.setTitleFont(QFont("DejaVu Sans", 10, QFont.Weight.Bold))
    view.legend().setFont(font)
    for axis in view.axes():
        axis.setLabelsFont(font)
    scene = QGraphicsScene()
    scene.addItem(view)
    view.setGeometry(QRectF(0, 0, width, height))
    image = QImage(width * scale, height * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, width * scale, height * scale),
                 QRectF(0, 0, width, height))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)
