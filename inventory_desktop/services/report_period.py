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
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from .. import clock
from ..db import database
from ..errors import ValidationError
from ..money import to_money
from ..quantity import to_decimal
from ..sqlite_errors import translate_sqlite_errors
from ..vocabulary import REASON_LABELS, VALUE_ONLY_REASONS
from .report_valuation import movement_bound

RECEIVED = "received"
REVALUED = "revaluation"
STOCKTAKE_PREFIX = "stocktake:"
WASTE_REASONS = ("waste", "spoilage")
MISSING_REASONS = ("theft", "stocktake")  # "stocktake": a variance nobody explained

# What a movement counts as; a reversal counts as the movement it reverses.
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
# The period's sums: reversals (few) apart, so that the many other rows need
# no join; grouped on the columns themselves, the category made in Python.
# Grouped on small keys (a reason and two flags: the type follows from them),
# which halves the sort SQLite does for the GROUP BY.
_PERIOD_SUMS = """
SELECT stock_item_id, movement_type = 'in', reason, reference_type IS 'stocktake',
       sum(quantity_change), sum(value_change), count(*) - count(value_change)
  FROM stock_movement
 WHERE id >= ? AND id < ? AND reference_type IS NOT 'reversal'
 GROUP BY 1, 2, 3, 4
"""
_REVERSAL_SUMS = """
SELECT m.stock_item_id, o.movement_type = 'in', o.reason, o.reference_type IS 'stocktake',
       sum(m.quantity_change), sum(m.value_change), count(*) - count(m.value_change)
  FROM stock_movement AS m JOIN stock_movement AS o ON o.id = CAST(m.reference_id AS INTEGER)
 WHERE m.reference_type = 'reversal' AND m.id >= ? AND m.id < ?
 GROUP BY 1, 2, 3, 4
"""
_STATE_BEFORE = """
SELECT i.id, i.sku, i.name, i.unit, COALESCE(m.balance_after, 0), m.value_after
  FROM stock_item AS i
  LEFT JOIN stock_movement AS m
    ON m.id = (SELECT max(id) FROM stock_movement WHERE stock_item_id = i.id AND id < ?)
"""
_ONE_STATE_BEFORE = """
SELECT COALESCE(balance_after, 0), value_after FROM stock_movement
 WHERE id = (SELECT max(id) FROM stock_movement WHERE stock_item_id = ? AND id < ?)
"""


class Figure(NamedTuple):
    """A quantity and its value, held as the ledger's integers (ten-thousandths).

    A tuple, not a dataclass: a month's report makes tens of thousands.
    """

    units: int = 0
    amount: int | None = 0  # None: not known

    @property
    def quantity(self) -> Decimal:
        return to_decimal(self.units)

    @property
    def value(self) -> Decimal | None:
        return None if self.amount is None else to_money(self.amount)


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

    @functools.cached_property
    def value_known(self) -> bool:
        """Whether every value of the period is known for this item."""
        return (self.opening.amount is not None and self.closing.amount is not None
                and all(f.amount is not None for f in self.changes.values()))

    @property
    def received(self) -> Figure:
        return self.changes.get(RECEIVED, Figure())

    @property
    def cost_of_goods_used(self) -> Decimal | None:
        used = self.used_amount()
        return None if used is None else to_money(used)

    def used_amount(self) -> int | None:
        """Opening + received - closing, in ten-thousandths (None: not all known)."""
        if not self.value_known:
            return None
        return self.opening.amount + (self.received.amount or 0) - self.closing.amount

    def used(self, categories: tuple[str, ...]) -> Decimal:
        """Value gone out under these categories (positive for a loss)."""
        return to_money(-sum(self.changes[c].amount or 0 for c in categories
                             if c in self.changes))


@dataclass(frozen=True)
class PeriodReport:
    start: str  # stored times: [start, end)
    end: str
    lines: list[PeriodLine]
    sales: Decimal | None = None
    totals: dict[str, Figure] = field(default_factory=dict)

    @functools.cached_property
    def known(self) -> list[PeriodLine]:
        return [line for line in self.lines if line.value_known]

    @property
    def unknown(self) -> list[PeriodLine]:
        """Lines left out of the value totals: some of their value is not known."""
        return [line for line in self.lines if not line.value_known]

    @property
    def opening_value(self) -> Decimal:
        """Of the lines whose values are known, as every money total here."""
        return to_money(sum(line.opening.amount for line in self.known))

    @property
    def closing_value(self) -> Decimal:
        return to_money(sum(line.closing.amount for line in self.known))

    @property
    def received_value(self) -> Decimal:
        return self.totals.get(RECEIVED, Figure()).value

    @property
    def cost_of_goods_used(self) -> Decimal:
        return to_money(sum(line.used_amount() for line in self.known))

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
        opening = database.execute_sql(_STATE_BEFORE, (first,)).fetchall()
        changes = _changes(first, after)
        lines = [_line(row, changes.get(row[0]), after) for row in opening]
    lines = [line for line in lines if line.changes or line.opening.units or line.opening.amount]
    lines.sort(key=lambda line: (line.name.casefold(), line.item_id))
    return PeriodReport(clock.to_stored(start), clock.to_stored(end), lines, sales,
                        _totals(lines))


def movement_bound_before(moment: dt.datetime) -> int:
    """The first movement id at or after `moment` (movements below it came before)."""
    return movement_bound(moment, inclusive=False)


def _changes(first: int, after: int) -> dict[int, dict[str, list]]:
    # item -> category -> [units, amount, movements of unknown value]
    changes: dict[int, dict[str, list]] = defaultdict(dict)
    for sql in (_PERIOD_SUMS, _REVERSAL_SUMS):
        for item_id, coming_in, reason, stocktake, units, amount, unknown in database.execute_sql(
                sql, (first, after)):
            category = _category(coming_in, reason, stocktake)
            sums = changes[item_id].setdefault(category, [0, 0, 0])
            sums[0] += units
            sums[1] += amount or 0
            sums[2] += unknown
    return changes


def _category(coming_in: int, reason: str, stocktake: int) -> str:
    if reason in VALUE_ONLY_REASONS:  # only a revaluation has these (a trigger insists)
        return REVALUED
    if stocktake:
        return STOCKTAKE_PREFIX + reason
    return RECEIVED if coming_in else reason


def _line(opening: tuple, changes: dict[str, list] | None, after: int) -> PeriodLine:
    item_id, sku, name, unit, balance, value = opening
    start = _figure(balance, value)
    if not changes:
        return PeriodLine(item_id, sku, name, unit, start, start, {})
    figures = {category: Figure(units, None if unknown else amount)
               for category, (units, amount, unknown) in changes.items()}
    units = balance + sum(figure.units for figure in figures.values())
    if start.amount is not None and all(f.amount is not None for f in figures.values()):
        # Every value known: the ledger's chain gives the closing value (the
        # triggers keep value_after = previous + change).
        closing = Figure(units, start.amount + sum(f.amount for f in figures.values()))
    else:
        closing = _figure(*database.execute_sql(_ONE_STATE_BEFORE, (item_id, after)).fetchone())
    return PeriodLine(item_id, sku, name, unit, start, closing, figures)


def _figure(balance: int, value: int | None) -> Figure:
    if value is None and balance == 0:
        value = 0  # an empty item is worth nothing
    return Figure(balance, value)


def _totals(lines: list[PeriodLine]) -> dict[str, Figure]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        if not line.value_known:
            continue
        for category, figure in line.changes.items():
            totals[category][0] += figure.units
            totals[category][1] += figure.amount
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
