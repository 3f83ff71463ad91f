"""Every report a manager reads, ready to show, print or export: one call per report.

The window, the command line and the exports call these, so all three show
the same figures. A period's usage, waste and low-stock reports share one
period report (`period_reports`) rather than sum the ledger again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from .order_list import order_list
from .report_document import Report
from .report_layout import period_layout, valuation_layout
from .report_layout_usage import low_stock_layout, order_layout, usage_layout
from .report_period import period_report
from .report_series import top_variances, usage_by_week, value_over_time
from .report_usage import low_stock_report, usage_report, waste_report
from .report_valuation import stock_valuation

PERIOD_KINDS = ("period", "usage", "waste", "low_stock")


def valuation_document(at: dt.datetime | None = None) -> Report:
    """Stock valuation now, or at a past moment."""
    return valuation_layout(stock_valuation(at))


def period_reports(start: dt.datetime, end: dt.datetime, label: str, *,
                   sales: Decimal | None = None,
                   kinds: tuple[str, ...] = PERIOD_KINDS) -> dict[str, Report]:
    """The period, usage, waste and low-stock reports for [start, end) (those in `kinds`)."""
    return dict(each_period_report(start, end, label, sales=sales, kinds=kinds))


def each_period_report(start: dt.datetime, end: dt.datetime, label: str, *,
                       sales: Decimal | None = None,
                       kinds: tuple[str, ...] = PERIOD_KINDS) -> Iterator[tuple[str, Report]]:
    """The same reports one at a time, in `kinds` order, as each is ready (the window
    shows the first while the others are summed)."""
    period = period_report(start, end, sales=sales)
    weeks: dict | None = None
    for kind in kinds:
        if kind == "period":
            yield kind, period_layout(period, label, value_over_time(start, end),
                                      top_variances(period))
        elif kind in ("usage", "waste"):
            weeks = usage_by_week(start, end) if weeks is None else weeks
            usage = (usage_report if kind == "usage" else waste_report)(start, end,
                                                                        period=period)
            yield kind, usage_layout(usage, label, weeks, waste=kind == "waste")
        elif kind == "low_stock":
            yield kind, low_stock_layout(low_stock_report(start, end, period=period),
                                         f"now; use over {label}")


def order_document(*, supplier_id: int | None = None, below_par: bool = False) -> Report:
    """The order list, by supplier."""
    return order_layout(order_list(supplier_id=supplier_id, below_par=below_par), below_par)
