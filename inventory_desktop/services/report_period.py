"""The period report: what happened to the stock, and what it cost, between two moments.

For [start, end), per item and in total: opening quantity and value, what
was received, what went out by reason (order usage, waste, theft, transfers,
stocktake variance by the reasons it was put down to), revaluations, closing
quantity and value, and the cost of goods used = opening value + received -
closing value. Every figure is a sum of the ledger's own movements; a
reversal counts against the kind of movement it undoes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from .. import clock
from ..db import database
from ..errors import ValidationError
from ..money import to_money
from ..quantity import to_decimal
from ..sqlite_errors import translate_sqlite_errors
from ..vocabulary import REASON_LABELS
from .report_valuation import movement_bound

RECEIVED = "received"
REVALUED = "revaluation"
STOCKTAKE_PREFIX = "stocktake:"
WASTE_REASONS = ("waste", "spoilage")
MISSING_REASONS = ("theft", "stocktake")  # "stocktake": a variance nobody explained

# What a movement m counts as; a reversal counts as the movement o it reverses.
_KIND_OF = """CASE WHEN {0}.movement_type = 'revaluation' THEN 'revaluation'
     WHEN {0}.reference_type = 'stocktake' THEN 'stocktake:' || {0}.reason
     WHEN {0}.movement_type = 'in' THEN 'received'
     ELSE {0}.reason END"""
CATEGORY_SQL = (f"CASE WHEN o.id IS NULL THEN {_KIND_OF.format('m')} "
                f"ELSE {_KIND_OF.format('o')} END")
MOVEMENTS_IN_RANGE_SQL = """stock_movement AS m
  LEFT JOIN stock_movement AS o
    ON m.reference_type = 'reversal' AND o.id = CAST(m.reference_id AS INTEGER)
 WHERE m.id >= ? AND m.id < ?"""
_PERIOD_SUMS = f"""
SELECT m.stock_item_id, {CATEGORY_SQL},
       sum(m.quantity_change), sum(m.value_change), count(*) - count(m.value_change)
  FROM {MOVEMENTS_IN_RANGE_SQL}
 GROUP BY 1, 2
"""
_STATE_BEFORE = """
SELECT i.id, i.sku, i.name, i.unit, COALESCE(m.balance_after, 0), m.value_after
  FROM stock_item AS i
  LEFT JOIN stock_movement AS m
    ON m.id = (SELECT max(id) FROM stock_movement WHERE stock_item_id = i.id AND id < ?)
"""


@dataclass(frozen=True)
class Figure:
    """A quantity and its value (None: not known)."""

    quantity: Decimal = Decimal(0)
    value: Decimal | None = Decimal(0)


@dataclass(frozen=True)
class PeriodLine:
    item_id: int
    sku: str | None
    name: str
    unit: str
    opening: Figure
    closing: Figure
    # Ledger changes by category (RECEIVED, a reason, "stocktake:<reason>",
    # REVALUED), signed as the ledger has them: stock going out is negative.
    changes: dict[str, Figure]

    @cached_property  # asked for by every total: computed once per line
    def value_known(self) -> bool:
        """Whether every value of the period is known for this item."""
        return (self.opening.value is not None and self.closing.value is not None
                and all(f.value is not None for f in self.changes.values()))

    @property
    def received(self) -> Figure:
        return self.changes.get(RECEIVED, Figure())

    @cached_property
    def cost_of_goods_used(self) -> Decimal | None:
        if not self.value_known:
            return None
        return self.opening.value + self.received.value - self.closing.value

    def used(self, categories: tuple[str, ...]) -> Decimal:
        """Value gone out under these categories (positive for a loss)."""
        return -sum((self.changes[c].value or Decimal(0)) for c in categories
                    if c in self.changes)


@dataclass(frozen=True)
class PeriodReport:
    start: str  # stored times: [start, end)
    end: str
    lines: list[PeriodLine]
    sales: Decimal | None = None
    totals: dict[str, Figure] = field(default_factory=dict)

    @cached_property
    def known(self) -> list[PeriodLine]:
        return [line for line in self.lines if line.value_known]

    @property
    def unknown(self) -> list[PeriodLine]:
        """Lines left out of the value totals: some of their value is not known."""
        return [line for line in self.lines if not line.value_known]

    @property
    def opening_value(self) -> Decimal:
        """Of the lines whose values are known, as every money total here."""
        return sum((line.opening.value for line in self.known), Decimal(0))

    @property
    def closing_value(self) -> Decimal:
        return sum((line.closing.value for line in self.known), Decimal(0))

    @property
    def received_value(self) -> Decimal:
        return self.totals.get(RECEIVED, Figure()).value

    @property
    def cost_of_goods_used(self) -> Decimal:
        return sum((line.cost_of_goods_used for line in self.known), Decimal(0))

    @property
    def food_cost_percent(self) -> Decimal | None:
        """Cost of goods used as a percentage of the sales entered (None: no sales)."""
        if not self.sales:
            return None
        return percent(self.cost_of_goods_used, self.sales)

    @property
    def waste_percent(self) -> Decimal | None:
        """Waste (and spoilage) as a percentage of the cost of goods used."""
        used = self.cost_of_goods_used
        return percent(self.wasted(), used) if used > 0 else None

    def wasted(self, line: PeriodLine | None = None) -> Decimal:
        return self._lost(WASTE_REASONS, line)

    def missing(self, line: PeriodLine | None = None) -> Decimal:
        return self._lost(MISSING_REASONS, line)

    def _lost(self, reasons: tuple[str, ...], line: PeriodLine | None) -> Decimal:
        categories = reasons + tuple(STOCKTAKE_PREFIX + r for r in reasons)
        lines = self.known if line is None else [line]
        return sum((one.used(categories) for one in lines), Decimal(0))

    def top(self, measure: str, count: int = 10) -> list[tuple[PeriodLine, Decimal]]:
        """The items with the most value 'used', 'wasted' or 'missing', largest first."""
        amount = {"used": lambda line: line.cost_of_goods_used,
                  "wasted": self.wasted, "missing": self.missing}[measure]
        ranked = [(line, amount(line)) for line in self.known]
        ranked = [(line, value) for line, value in ranked if value > 0]
        ranked.sort(key=lambda pair: (-pair[1], pair[0].name.casefold()))
        return ranked[:count]


def period_report(start: dt.datetime, end: dt.datetime, *,
                  sales: Decimal | None = None) -> PeriodReport:
    """What happened in [start, end), per item (only items with stock or movements)."""
    if end <= start:
        raise ValidationError("The period must end after it starts.", "period")
    with translate_sqlite_errors():
        first, after = movement_bound_before(start), movement_bound_before(end)
        opening = {row[0]: row for row in database.execute_sql(_STATE_BEFORE, (first,))}
        closing = {row[0]: row[4:] for row in database.execute_sql(_STATE_BEFORE, (after,))}
        changes: dict[int, dict[str, Figure]] = defaultdict(dict)
        for item_id, category, quantity, value, unknown in database.execute_sql(
                _PERIOD_SUMS, (first, after)):
            changes[item_id][category] = Figure(
                to_decimal(quantity), None if unknown else to_money(value or 0))
    lines = [_line(opening[item_id], closing[item_id], changes.get(item_id, {}))
             for item_id in opening]
    lines = [line for line in lines
             if line.changes or line.opening.quantity or line.opening.value]
    lines.sort(key=lambda line: (line.name.casefold(), line.item_id))
    return PeriodReport(clock.to_stored(start), clock.to_stored(end), lines, sales,
                        _totals(lines))


def movement_bound_before(moment: dt.datetime) -> int:
    """The first movement id at or after `moment` (movements below it came before)."""
    return movement_bound(moment, inclusive=False)


def _line(opening: tuple, closing: tuple, changes: dict[str, Figure]) -> PeriodLine:
    item_id, sku, name, unit, balance, value = opening
    return PeriodLine(item_id, sku, name, unit, _figure(balance, value),
                      _figure(*closing), changes)


def _figure(balance: int, value: int | None) -> Figure:
    if value is None and balance == 0:
        value = 0  # an empty item is worth nothing
    return Figure(to_decimal(balance), None if value is None else to_money(value))


def _totals(lines: list[PeriodLine]) -> dict[str, Figure]:
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in lines:
        if not line.value_known:
            continue
        for category, figure in line.changes.items():
            totals[category][0] += figure.quantity
            totals[category][1] += figure.value
    return {category: Figure(*sums) for category, sums in totals.items()}


def category_label(category: str) -> str:
    """How a manager reads a category: 'Order usage', 'Stocktake variance: theft'."""
    if category == RECEIVED:
        return "Received"
    if category == REVALUED:
        return "Revaluations"
    if category.startswith(STOCKTAKE_PREFIX):
        reason = category.removeprefix(STOCKTAKE_PREFIX)
        if reason == "stocktake":
            return "Stocktake variance (unexplained)"
        return f"Stocktake variance: {REASON_LABELS.get(reason, reason).lower()}"
    return REASON_LABELS.get(category, category)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole as a percentage, to one decimal place."""
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
