"""An item's stock level over time, drawn with QPainter: a step line and the threshold.

QtCharts is not part of PySide6-Essentials, and a step line with two axes
is little enough to draw by hand. Only the most recent movements are read
(CHART_POINTS), so an item with a long history still draws at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from ... import clock, services
from ..common.formatting import quantity_text

CHART_POINTS = 2000
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 70, 16, 26, 30
_LINE = QColor("#1f618d")
_THRESHOLD = QColor("#c0392b")
_GRID = QColor("#d5d8dc")
_Y_STEPS = 4


@dataclass(frozen=True)
class StockSeries:
    """Balances after each movement, oldest first, and what to draw them against."""

    item_name: str
    unit: str
    points: tuple[tuple[dt.datetime, Decimal], ...]
    threshold: Decimal | None
    truncated: bool
    until: dt.datetime

    @property
    def title(self) -> str:
        note = f" (last {len(self.points):,} movements)" if self.truncated else ""
        return f"Stock of {self.item_name} over time{note}"


def read_series(
    item_id: int, since: dt.datetime | None = None, until: dt.datetime | None = None,
) -> StockSeries:
    """The item's recent stock levels from the ledger (at most CHART_POINTS of them)."""
    item = services.get_item(item_id)
    movements = services.list_movements(
        item_id=item_id, since=since, until=until, limit=CHART_POINTS)
    # A time another program wrote in some other form cannot be placed: skipped.
    points = tuple((moment, m.balance_after) for m in reversed(movements)
                   if (moment := clock.stored_or_none(m.created_at)) is not None)
    end = until.astimezone(dt.UTC) if until is not None else dt.datetime.now(dt.UTC)
    if points:
        end = max(end, points[-1][0])
    return StockSeries(item.name, item.unit, points, item.low_stock_threshold,
                       len(movements) == CHART_POINTS, end)


class StockChart(QWidget):
    """Draws a StockSeries; shows a short sentence when there is nothing to draw."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: StockSeries | None = None
        self.last_plot: _Plot | None = None  # what the last paint drew, and where
        self.setMinimumHeight(160)

    def sizeHint(self) -> QSize:
        return QSize(640, 220)

    def set_series(self, series: StockSeries | None) -> None:
        self.series = series
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        painter.setBackground(self.palette().base())
        series = self.series
        if series is None or not series.points:
            text = "Loading the chart…" if series is None else "No movements to chart yet."
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, text)
            return
        self.last_plot = _Plot(painter, self._plot_area(), series, self.palette().text().color())
        self.last_plot.draw()
        painter.end()

    def _plot_area(self) -> QRectF:
        return QRectF(_MARGIN_LEFT, _MARGIN_TOP,
                      max(1, self.width() - _MARGIN_LEFT - _MARGIN_RIGHT),
                      max(1, self.height() - _MARGIN_TOP - _MARGIN_BOTTOM))


class _Plot:
    """One drawing of a series into an area: scales, axes, the line, the threshold."""

    def __init__(
        self, painter: QPainter, area: QRectF, series: StockSeries, text_color: QColor,
    ) -> None:
        self.painter, self.area, self.series = painter, area, series
        self.text_color = text_color
        self.start = series.points[0][0]
        self.span = max((series.until - self.start).total_seconds(), 1.0)
        highest = max(balance for _, balance in series.points)
        if series.threshold is not None:
            highest = max(highest, series.threshold)
        self.step = _round_step(highest * Decimal("1.05") / _Y_STEPS)
        self.top = float(self.step * _Y_STEPS)
        self.label_rect: QRectF | None = None

    def x(self, moment: dt.datetime) -> float:
        seconds = (moment - self.start).total_seconds()
        return self.area.left() + self.area.width() * seconds / self.span

    def y(self, balance: Decimal) -> float:
        return self.area.bottom() - self.area.height() * float(balance) / self.top

    def draw(self) -> None:
        self._axes()
        self._line()
        if self.series.threshold is not None:
            self._threshold(self.series.threshold)
        self.painter.setPen(self.text_color)
        self.painter.drawText(QRectF(self.area.left(), 4, self.area.width(), 18),
                              Qt.AlignmentFlag.AlignLeft, self.series.title)

    def _axes(self) -> None:
        painter, area = self.painter, self.area
        text_color = self.text_color
        for step in range(_Y_STEPS + 1):
            value = self.step * step
            y = self.y(value)
            painter.setPen(QPen(_GRID, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(text_color)
            label = quantity_text(value, self.series.unit)
            painter.drawText(QRectF(0, y - 9, _MARGIN_LEFT - 6, 18),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        for step in range(4):
            moment = self.start + dt.timedelta(seconds=self.span * step / 3)
            x = self.x(moment)
            painter.setPen(text_color)
            label = moment.astimezone().strftime(self._tick_format())
            align = (Qt.AlignmentFlag.AlignLeft if step == 0 else
                     Qt.AlignmentFlag.AlignRight if step == 3 else Qt.AlignmentFlag.AlignHCenter)
            left = x if step == 0 else x - 120 if step == 3 else x - 60
            painter.drawText(QRectF(left, area.bottom() + 6, 120, 18), align, label)
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.drawLine(area.bottomLeft(), area.topLeft())

    def _tick_format(self) -> str:
        # Four ticks over a few minutes would all read the same minute.
        if self.span < 4 * 60:
            return "%H:%M:%S"
        return "%Y-%m-%d %H:%M" if self.span < 4 * 86400 else "%Y-%m-%d"

    def _line(self) -> None:
        segments = self.segments()
        path = QPainterPath(segments[0][0])
        for _, end in segments:
            path.lineTo(end)
        self.painter.setPen(QPen(_LINE, 2))
        self.painter.drawPath(path)

    def grid_ys(self) -> list[float]:
        """Where the horizontal grid lines are drawn."""
        return [self.y(self.step * step) for step in range(_Y_STEPS + 1)]

    def segments(self) -> list[tuple[QPointF, QPointF]]:
        """The stock line as drawn: horizontal and vertical pieces, oldest first."""
        points = self.series.points
        corners = [QPointF(self.x(points[0][0]), self.y(points[0][1]))]
        for (_, previous), (moment, balance) in pairwise(points):
            x = self.x(moment)
            corners += [QPointF(x, self.y(previous)), QPointF(x, self.y(balance))]
        corners.append(QPointF(self.x(self.series.until), self.y(points[-1][1])))
        return list(pairwise(corners))

    def _threshold(self, threshold: Decimal) -> None:
        y = self.y(threshold)
        pen = QPen(_THRESHOLD, 1.5, Qt.PenStyle.DashLine)
        self.painter.setPen(pen)
        self.painter.drawLine(QPointF(self.area.left(), y), QPointF(self.area.right(), y))
        label = f"Low-stock threshold {quantity_text(threshold, self.series.unit)}"
        self.label_rect = self._clear_place(y, label)
        # Painted over whatever it could not avoid (a very busy chart): still readable.
        self.painter.fillRect(self.label_rect, self.painter.background())
        self.painter.drawText(self.label_rect, Qt.AlignmentFlag.AlignCenter, label)

    def _clear_place(self, y: float, label: str) -> QRectF:
        """Beside the threshold line, clear of the grid lines and the stock line if possible."""
        metrics = self.painter.fontMetrics()
        width, height = metrics.horizontalAdvance(label) + 8, metrics.height()
        area = self.area
        lefts = (area.right() - width - 4, area.left() + 4, area.center().x() - width / 2)
        tops = (y - height - 3, y + 3)
        places = [QRectF(left, top, width, height) for top in tops for left in lefts
                  if area.top() <= top and top + height <= area.bottom() - 1]
        places = places or [QRectF(lefts[0], max(area.top(), y - height - 3), width, height)]
        free = [place for place in places if not self._crosses_line(place)]
        clear = [place for place in free if not self._crosses_grid(place)]
        return (clear or free or places)[0]

    def _crosses_grid(self, place: QRectF) -> bool:
        return any(place.top() - 1 <= y <= place.bottom() + 1 for y in self.grid_ys())

    def _crosses_line(self, place: QRectF) -> bool:
        grown = place.adjusted(-2, -2, 2, 2)
        for start, end in self.segments():
            left, right = sorted((start.x(), end.x()))
            top, bottom = sorted((start.y(), end.y()))
            if (left <= grown.right() and right >= grown.left()
                    and top <= grown.bottom() and bottom >= grown.top()):
                return True
        return False


def _round_step(rough: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 times a power of ten at least `rough` (so labels read well)."""
    if rough <= 0:
        return Decimal(1)
    power = Decimal(10) ** (rough.adjusted())
    for factor in (1, 2, 5, 10):
        if power * factor >= rough:
            return max(power * factor, Decimal("0.0001"))
    return power * 10  # pragma: no cover - the loop always returns
