"""Usage, waste and low stock: what went out of the stores, and what is running short.

Both usage and waste are read from the period report, so their figures are
the same sums: an item whose value is not fully known in the period shows its
quantities but no value, and is left out of the value totals there as here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .order_list import OrderLine, order_list
from .report_period import (
    RECEIVED,
    REVALUED,
    STOCKTAKE_PREFIX,
    WASTE_REASONS,
    PeriodReport,
    percent,
    period_report,
)

WASTE_CATEGORIES = WASTE_REASONS + tuple(STOCKTAKE_PREFIX + r for r in WASTE_REASONS)


@dataclass(frozen=True)
class UsageLine:
    item_id: int
    sku: str | None
    name: str
    unit: str
    category: str  # as in the period report: a reason, or "stocktake:<reason>"
    quantity: Decimal  # gone out (negative: came back, e.g. a stocktake gain)
    value: Decimal | None  # None: not known, and left out of the totals


@dataclass(frozen=True)
class UsageReport:
    start: str
    end: str
    lines: list[UsageLine]
    totals: dict[str, Decimal]  # value gone out per category (known values)
    used_value: Decimal  # the period's cost of goods used

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), Decimal(0))

    @property
    def unknown(self) -> list[UsageLine]:
        return [line for line in self.lines if line.value is None]

    @property
    def share_of_usage(self) -> Decimal | None:
        """These lines' value as a percentage of all the period's usage (None: no usage)."""
        return percent(self.total, self.used_value) if self.used_value > 0 else None


def usage_report(start: dt.datetime, end: dt.datetime, *,
                 period: PeriodReport | None = None) -> UsageReport:
    """Everything that went out in [start, end), per item and reason."""
    return _usage(period or period_report(start, end), _is_usage)


def waste_report(start: dt.datetime, end: dt.datetime, *,
                 period: PeriodReport | None = None) -> UsageReport:
    """Waste and spoilage in [start, end), booked or found at a stocktake."""
    return _usage(period or period_report(start, end), WASTE_CATEGORIES.__contains__)


def _is_usage(category: str) -> bool:
    return category not in (RECEIVED, REVALUED)


def _usage(report: PeriodReport, wanted) -> UsageReport:
    lines = []
    for line in report.lines:
        for category, figure in sorted(line.changes.items()):
            if not wanted(category) or not figure.quantity:
                continue
            value = -figure.value if line.value_known and figure.value is not None else None
            lines.append(UsageLine(line.item_id, line.sku, line.name, line.unit, category,
                                   -figure.quantity, value))
    totals = {category: -figure.value for category, figure in sorted(report.totals.items())
              if wanted(category) and (figure.value or figure.quantity)}
    return UsageReport(report.start, report.end, lines, totals, report.cost_of_goods_used)


@dataclass(frozen=True)
class LowStockLine:
    order: OrderLine  # the item, its threshold, par, supplier and suggested order
    used: Decimal | None  # quantity used in the period looked at (None: no period)
    days_left: Decimal | None  # at that rate of use (None: not used, or no period)


def low_stock_report(start: dt.datetime | None = None, end: dt.datetime | None = None, *,
                     period: PeriodReport | None = None) -> list[LowStockLine]:
    """Items at or below their low-stock threshold, with how fast they were used in a period."""
    if period is None and start is not None and end is not None:
        period = period_report(start, end)
    used: dict[int, Decimal] = {}
    days = Decimal(0)
    if period is not None and start is not None and end is not None:
        days = Decimal((end - start).total_seconds()) / 86400
        for line in period.lines:
            out = -sum((figure.quantity for category, figure in line.changes.items()
                        if _is_usage(category)), Decimal(0))
            used[line.item_id] = out
    return [_low(line, used, days, period is not None) for line in order_list()]


def _low(line: OrderLine, used: dict[int, Decimal], days: Decimal, known: bool) -> LowStockLine:
    if not known:
        return LowStockLine(line, None, None)
    amount = used.get(line.item_id, Decimal(0))
    if amount <= 0 or days <= 0:
        return LowStockLine(line, amount, None)
    left = (line.on_hand * days / amount).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return LowStockLine(line, amount, max(left, Decimal(0)))
