"""Usage, waste, low stock and the order list laid out as figures, tables and charts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..quantity import format_decimal
from .order_list import OrderLine, by_supplier, order_total
from .report_document import (
    COST,
    MONEY,
    PERCENT,
    QUANTITY,
    STACKED,
    Chart,
    Column,
    Figure,
    Report,
    Table,
)
from .report_layout import ITEM, SKU, UNIT
from .report_period import STOCKTAKE_PREFIX, category_label
from .report_usage import LowStockLine, UsageReport

REASON = Column("Reason", "reason")
_QUANTITY, _VALUE = Column("Quantity", "quantity", QUANTITY), Column("Value", "value", MONEY)


def usage_layout(usage: UsageReport, period: str, weeks: dict[dt.date, dict[str, Decimal]],
                 *, waste: bool = False) -> Report:
    """What went out, per reason in total and per item and reason; a weekly stacked chart."""
    order = sorted(usage.totals, key=lambda c: (c.startswith(STOCKTAKE_PREFIX), category_label(c)))
    figures = [Figure(category_label(c), c, usage.totals[c]) for c in order]
    figures.append(Figure("Total", "total", usage.total))
    if waste:
        figures.append(Figure("Waste, of usage", "waste_percent", usage.share_of_usage,
                              PERCENT))
    rows = [(line.name, line.sku or "", category_label(line.category), line.quantity,
             line.unit, line.value) for line in usage.lines]
    what = "waste" if waste else "usage"
    table = Table("Per item and reason", (ITEM, SKU, REASON, _QUANTITY, UNIT, _VALUE), rows,
                  ("Total", "", "", "", "", usage.total) if rows else None,
                  empty=f"No {what} in this period.")
    notes = []
    if usage.unknown:
        notes.append(f"{len(usage.unknown)} line(s) of stock whose value is not known are "
                     "left out of the value totals.")
    chart = _weekly(weeks, "Waste per week" if waste else "Usage by reason per week",
                    set(usage.totals))
    return Report("waste" if waste else "usage", "Waste" if waste else "Usage", period,
                  figures, [table], notes, [chart])


def _weekly(weeks: dict[dt.date, dict[str, Decimal]], title: str, wanted: set[str]) -> Chart:
    # Stocktake variances are one part of each bar, whatever they were put down
    # to: nine reasons side by side would be a legend nobody reads.
    merged: dict[str, list[Decimal]] = {}
    for number, usage in enumerate(weeks.values()):
        for category, value in usage.items():
            if category in wanted:
                name = ("Stocktake variance" if category.startswith(STOCKTAKE_PREFIX)
                        else category_label(category))
                merged.setdefault(name, [Decimal(0)] * len(weeks))[number] += value
    labels = [f"w/c {monday.day} {monday:%b}" for monday in weeks]
    return Chart(STACKED, title, labels, sorted(merged.items()))


def low_stock_layout(lines: list[LowStockLine], period: str) -> Report:
    """Items at or below their threshold: how much is left, for how long, what to order."""
    columns = (ITEM, SKU, Column("On hand", "on_hand", QUANTITY), UNIT,
               Column("Low at", "threshold", QUANTITY), Column("Par", "par_level", QUANTITY),
               Column("Used in period", "used", QUANTITY),
               Column("Days left", "days_left", QUANTITY),
               Column("Suggested order", "suggested", QUANTITY),
               Column("Supplier", "supplier"))
    rows = [(low.order.name, low.order.sku or "", low.order.on_hand, low.order.unit,
             low.order.threshold, low.order.par_level, low.used, low.days_left,
             low.order.quantity, low.order.supplier) for low in lines]
    table = Table("Items at or below their threshold", columns, rows,
                  empty="No item is at or below its low-stock threshold.")
    return Report("low_stock", "Low stock", period,
                  [Figure("Items low", "items", Decimal(len(lines)), QUANTITY)], [table])


def order_layout(lines: list[OrderLine], below_par: bool) -> Report:
    """The order list, one table per supplier with its estimated total."""
    columns = (ITEM, SKU, Column("On hand", "on_hand", QUANTITY),
               Column("Par", "par_level", QUANTITY), Column("Order", "quantity", QUANTITY), UNIT,
               Column("Packs", "packs"), Column("Unit cost", "unit_cost", COST),
               Column("Estimated cost", "estimated_cost", MONEY))
    tables = []
    for supplier, group in by_supplier(lines):
        total, _unpriced = order_total(group)
        tables.append(Table(supplier, columns, [_order_row(line) for line in group],
                            ("Total", "", "", "", "", "", "", "", total)))
    total, unpriced = order_total(lines)
    flat = Table("Order list", (Column("Supplier", "supplier"), *columns),
                 [(line.supplier, *_order_row(line)) for line in lines],
                 empty="Nothing to order.")
    scope = "every item below par" if below_par else "items at or below their threshold"
    notes = [f"{unpriced} line(s) have no known cost and are left out of the estimate."
             ] if unpriced else []
    return Report("order", "Order list", scope,
                  [Figure("Estimated cost", "estimated_cost", total),
                   Figure("Lines", "lines", Decimal(len(lines)), QUANTITY)],
                  tables or [flat], notes, flat=flat, page_per_table=True)


def _order_row(line: OrderLine) -> tuple:
    return (line.name, line.sku or "", line.on_hand, line.par_level, line.quantity, line.unit,
            order_packs(line), line.unit_cost, line.estimated_cost)


def order_packs(line: OrderLine) -> str:
    """'2 × sack of 25', or '' for an item without packs."""
    if line.packs is None:
        return ""
    # A typed quantity need not be whole packs: shown to two places then.
    packs = format(line.packs.quantize(Decimal("0.01")).normalize(), "f")
    return f"{packs} × {line.pack_name or 'pack'} of {format_decimal(line.pack_size)}"
