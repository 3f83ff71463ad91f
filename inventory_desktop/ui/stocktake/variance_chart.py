"""A bar chart of the largest variances, each as a share of what was expected.

Items come in different units, so the bars compare shares (5 kg short of 20 kg
is 25 %); each bar's label gives the quantity itself. Drawn with QPainter,
like the stock chart: QtCharts is not part of PySide6-Essentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

_LOSS = QColor("#c0392b")
_GAIN = QColor("#2e7d32")
_TEXT = QColor("#222222")
_BAR_HEIGHT = 18
_GAP = 6
_LABEL_WIDTH = 260


@dataclass(frozen=True)
class VarianceBar:
    label: str  # "Flour: -5 kg"
    share: Decimal  # of the expected quantity: -0.25 is 25 % short


class VarianceChart(QWidget):
    """Horizontal bars, longest first; red short, green over."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[VarianceBar] = []
        self.setMinimumHeight(80)

    def set_bars(self, bars: list[VarianceBar]) -> None:
        self.bars = bars
        self.setMinimumHeight(max(80, len(bars) * (_BAR_HEIGHT + _GAP) + 2 * _GAP))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if not self.bars:
            painter.setPen(_TEXT)
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter),
                             "No variance: every counted item matched the ledger.")
            return
        widest = max(abs(bar.share) for bar in self.bars) or Decimal(1)
        room = max(40, self.width() - _LABEL_WIDTH - 70)
        for number, bar in enumerate(self.bars):
            top = _GAP + number * (_BAR_HEIGHT + _GAP)
            painter.setPen(_TEXT)
            painter.drawText(QRectF(4, top, _LABEL_WIDTH - 8, _BAR_HEIGHT),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             bar.label)
            length = float(abs(bar.share) / widest) * room
            painter.fillRect(QRectF(_LABEL_WIDTH, top, max(2.0, length), _BAR_HEIGHT),
                             _LOSS if bar.share < 0 else _GAIN)
            painter.drawText(QRectF(_LABEL_WIDTH + length + 6, top, 64, _BAR_HEIGHT),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             f"{bar.share * 100:+.0f} %")
