"""A bar chart of the largest variances, as a share of what was expected or in money.

Items come in different units, so the bars compare shares (5 kg short of 20 kg
is 25 %) or values (money is the one unit every item shares); each bar's label
gives the quantity itself. Drawn with QPainter, like the stock chart: QtCharts
is not part of PySide6-Essentials.
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
_FIGURE_WIDTH = 96  # room beside the longest bar for "-€12,345.67"
_NOTHING = "No variance: every counted item matched the ledger."


@dataclass(frozen=True)
class VarianceBar:
    label: str  # "Flour: -5 kg"
    share: Decimal  # the bar's length and sign: -0.25 is 25 % short, or a value in money
    figure: str = ""  # beside the bar; the share in % when blank


class VarianceChart(QWidget):
    """Horizontal bars, longest first; red short, green over."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[VarianceBar] = []
        self.empty_text = _NOTHING
        self.setMinimumHeight(80)

    def set_bars(self, bars: list[VarianceBar], *, empty_text: str = _NOTHING) -> None:
        """Show `bars` in the order given; `empty_text` says why there are none."""
        self.bars, self.empty_text = bars, empty_text
        self.setMinimumHeight(max(80, len(bars) * (_BAR_HEIGHT + _GAP) + 2 * _GAP))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if not self.bars:
            painter.setPen(_TEXT)
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter),
                             self.empty_text)
            return
        widest = max(abs(bar.share) for bar in self.bars) or Decimal(1)
        room = max(40, self.width() - _LABEL_WIDTH - _FIGURE_WIDTH - 6)
        for number, bar in enumerate(self.bars):
            top = _GAP + number * (_BAR_HEIGHT + _GAP)
            painter.setPen(_TEXT)
            painter.drawText(QRectF(4, top, _LABEL_WIDTH - 8, _BAR_HEIGHT),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             bar.label)
            length = float(abs(bar.share) / widest) * room
            painter.fillRect(QRectF(_LABEL_WIDTH, top, max(2.0, length), _BAR_HEIGHT),
                             _LOSS if bar.share < 0 else _GAIN)
            painter.drawText(QRectF(_LABEL_WIDTH + length + 6, top, _FIGURE_WIDTH, _BAR_HEIGHT),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             bar.figure or f"{bar.share * 100:+.0f} %")
