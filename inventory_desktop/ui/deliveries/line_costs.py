"""A delivery line's cost as typed (per unit, or the invoice line's total) and what it is worth.

The services parse the cost (validation.receipt_cost, with their sentences)
and own the arithmetic (valuation.Cost, money.value_of): the grid shows what
the ledger will record, rounded the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ...errors import ValidationError
from ...money import to_money, value_of
from ...services import validation
from ..common.formatting import money_text, unit_cost_text

UNIT_COST, TOTAL = "unit_cost", "total"


@dataclass(frozen=True)
class LineValue:
    """What a line adds to the stock's value, and its cost per unit (None: not known yet)."""

    value: Decimal | None = None
    unit_cost: Decimal | None = None
    problem: str = ""  # the services' sentence for a cost they would refuse
    field: str = ""  # which cost the problem is in: UNIT_COST or TOTAL

    @property
    def costed(self) -> bool:
        return self.value is not None


def line_value(quantity: str, unit_cost: str, total: str) -> LineValue:
    """The value of a line from what was typed; a bad cost gives the services' reason."""
    try:
        cost = validation.receipt_cost(unit_cost or None, total or None)
    except ValidationError as error:
        return LineValue(problem=str(error), field=error.field or UNIT_COST)
    if cost is None:
        return LineValue()
    try:
        units = validation.positive_quantity(quantity)
    except ValidationError:
        units = None  # no quantity yet: a total is still the line's value
    if cost.total is not None:
        per_unit = None if units is None else to_money(cost.per_unit(units))
        return LineValue(to_money(cost.total), per_unit)
    assert cost.unit_cost is not None
    value = None if units is None else to_money(value_of(units, cost.unit_cost))
    return LineValue(value, to_money(cost.unit_cost))


@dataclass(frozen=True)
class SheetValue:
    """The delivery's value as typed so far: the costed lines' sum, and the lines without."""

    total: Decimal
    costed: int
    uncosted: int  # lines with no cost typed at all (not those with a bad one)


def sheet_value(values: Iterable[LineValue | None]) -> SheetValue:
    """Add up the lines (None: a line with no item or quantity yet, left out)."""
    total, costed, uncosted = Decimal(0), 0, 0
    for line in values:
        if line is None:
            continue
        if line.value is not None:
            total, costed = total + line.value, costed + 1
        elif line == LineValue():
            uncosted += 1
    return SheetValue(total, costed, uncosted)


def typed_cost(unit_cost: str, total: str, which: str, text: str) -> tuple[str, str]:
    """(unit cost, total) once `text` is typed as `which`: one clears the other, blank nothing."""
    if which == UNIT_COST:
        return text, "" if text else total
    return "" if text else unit_cost, text


def cost_text(value: LineValue, typed: str, which: str, unit: str, symbol: str) -> str:
    """A cost cell as shown: money when it reads as money, else what was typed."""
    if value.problem or not unit:
        return typed
    if which == UNIT_COST:
        return unit_cost_text(value.unit_cost, unit, symbol)
    return "" if value.value is None else money_text(value.value, symbol)


def worked_out(unit_cost: str, total: str, which: str) -> str:
    """Why a cost cell shows a figure nobody typed in it ('' when it was typed)."""
    if which == UNIT_COST and total and not unit_cost:
        return "Worked out from the line total and the quantity."
    if which == TOTAL and unit_cost and not total:
        return "Worked out from the unit cost and the quantity."
    return ""
