"""Stock valuation and the period report laid out as figures, tables and charts."""

from __future__ import annotations

from decimal import Decimal

from ..clock import local_display
from .report_document import (
    BARS,
    COST,
    LINE,
    MONEY,
    PERCENT,
    QUANTITY,
    Chart,
    Column,
    Figure,
    Report,
    Table,
)
from .report_period import RECEIVED, REVALUED, PeriodLine, PeriodReport, category_label
from .report_series import ValuePoint
from .report_valuation import Valuation

ITEM, SKU, UNIT = Column("Item", "item"), Column("SKU", "sku"), Column("Unit", "unit")
_TOP = {"used": "Top 10 by value used", "wasted": "Top 10 by value wasted",
        "missing": "Top 10 by value missing"}


def valuation_layout(valuation: Valuation) -> Report:
    """Per item, per storage area and in total."""
    when = "now" if valuation.at is None else f"at {local_display(valuation.at)[:16]}"
    items = Table("Per item", (ITEM, SKU, Column("Storage area", "area"),
                               Column("Quantity", "quantity", QUANTITY), UNIT,
                               Column("Average cost", "average_cost", COST),
                               Column("Value", "value", MONEY)),
                  [(line.name, line.sku or "", line.area, line.quantity, line.unit,
                    line.average_cost, line.value) for line in valuation.lines],
                  ("Total", "", "", "", "", "", valuation.total),
                  empty="No stock on hand.")
    areas = Table("Per storage area", (Column("Storage area", "area"),
                                       Column("Items", "items", QUANTITY),
                                       Column("Value", "value", MONEY),
                                       Column("Items of unknown value", "unknown", QUANTITY)),
                  [(area.area, Decimal(area.items), area.value, Decimal(area.unknown))
                   for area in valuation.areas],
                  ("Total", Decimal(len(valuation.lines)), valuation.total,
                   Decimal(len(valuation.unknown))))
    chart = Chart(BARS, "Value by storage area", [area.area for area in valuation.areas],
                  [("Value", [area.value for area in valuation.areas])],
                  empty="No stock on hand.")
    return Report("valuation", "Stock valuation", when,
                  [Figure("Total value", "total", valuation.total),
                   Figure("Items in stock", "items", Decimal(len(valuation.lines)), QUANTITY)],
                  [items, areas], _unknown_note(len(valuation.unknown)), [chart])


def period_layout(report: PeriodReport, period: str, values: list[ValuePoint],
                  variances: list[tuple[str, Decimal]]) -> Report:
    """Opening, what moved by category, closing, cost of goods used; top 10s; charts."""
    categories = [c for c in report.totals if c not in (RECEIVED, REVALUED)]
    categories.sort(key=lambda c: (c.startswith("stocktake:"), category_label(c)))
    tables = [_per_item(report, categories)]
    for measure, title in _TOP.items():
        tables.append(Table(title, (ITEM, UNIT, Column("Value", "value", MONEY)),
                            [(line.name, line.unit, value) for line, value in report.top(measure)],
                            empty=f"Nothing {measure} in this period."))
    charts = [Chart(LINE, "Stock value over time", [f"{p.day.day} {p.day:%b}" for p in values],
                    [("Stock value", [p.value for p in values])]),
              Chart(BARS, "Top variances (stocktake)", [name for name, _v in variances],
                    [("Variance", [value for _n, value in variances])],
                    empty="No stocktake variance in this period.")]
    return Report("period", "Period report", period, _period_figures(report, categories),
                  tables, _unknown_note(len(report.unknown)), charts)


def _period_figures(report: PeriodReport, categories: list[str]) -> list[Figure]:
    def total(category: str) -> Decimal:
        return report.totals[category].value if category in report.totals else Decimal(0)

    figures = [Figure("Opening value", "opening_value", report.opening_value),
               Figure("Received", "received", report.received_value)]
    figures += [Figure(category_label(c), c, total(c)) for c in categories]
    figures += [Figure("Revaluations", "revaluation", total(REVALUED)),
                Figure("Closing value", "closing_value", report.closing_value),
                Figure("Cost of goods used", "cost_of_goods_used", report.cost_of_goods_used),
                Figure("Sales", "sales", report.sales),
                Figure("Food cost", "food_cost_percent", report.food_cost_percent, PERCENT),
                Figure("Waste, of usage", "waste_percent", report.waste_percent, PERCENT)]
    return figures


def _per_item(report: PeriodReport, categories: list[str]) -> Table:
    columns = [ITEM, SKU, UNIT,
               Column("Opening quantity", "opening_quantity", QUANTITY),
               Column("Opening value", "opening_value", MONEY),
               Column("Received quantity", "received_quantity", QUANTITY),
               Column("Received value", "received_value", MONEY)]
    columns += [Column(category_label(c), c.replace(":", "_"), MONEY) for c in categories]
    columns += [Column("Revaluations", "revaluation", MONEY),
                Column("Closing quantity", "closing_quantity", QUANTITY),
                Column("Closing value", "closing_value", MONEY),
                Column("Cost of goods used", "cost_of_goods_used", MONEY)]
    rows = [_item_row(line, categories) for line in report.lines]
    totals = [report.totals.get(c) for c in (RECEIVED, *categories, REVALUED)]
    total = ("Total", "", "", "", report.opening_value, "",
             *[figure.value if figure else Decimal(0) for figure in totals],
             "", report.closing_value, report.cost_of_goods_used)
    return Table("Per item", tuple(columns), rows, total,
                 empty="No stock and no movements in this period.")


def _item_row(line: PeriodLine, categories: list[str]) -> tuple:
    known = line.value_known

    def value(category: str) -> Decimal | None:
        figure = line.changes.get(category)
        if figure is None:
            return Decimal(0) if known else None
        return figure.value if known else None

    return (line.name, line.sku or "", line.unit, line.opening.quantity,
            line.opening.value if known else None, line.received.quantity, value(RECEIVED),
            *[value(c) for c in categories], value(REVALUED), line.closing.quantity,
            line.closing.value if known else None, line.cost_of_goods_used)


def _unknown_note(count: int) -> list[str]:
    if not count:
        return []
    items = "1 item's" if count == 1 else f"{count} items'"
    return [f"{items} value is not known (stock from before costs were kept) and is left "
            "out of the value totals."]
