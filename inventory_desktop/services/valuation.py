"""How each movement changes an item's value: the moving weighted-average rule.

Pure arithmetic on integers (quantities and money both in ten-thousandths);
the triggers of schema/0004_costing.sql check the same on every insert and
`verify` re-derives it (docs/costing.md). The rule, movement by movement:

- a receipt with a cost adds that cost (its invoice total, or quantity x unit cost);
- anything that takes stock out removes quantity x the average cost, and the
  last unit out removes exactly what value is left;
- stock coming in without a cost enters at the average cost, or, into an
  empty item, at its standard cost (else the latest cost paid for it);
- a reversal takes back exactly the value its movement brought;
- a revaluation sets the value and leaves the quantity alone.

Stock from before costs were kept has no known value; it gets one from a
revaluation, or at the first cost known (an opening-value revaluation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..money import divide_rounded, share_of, value_of
from ..quantity import SCALE

INVOICE = "invoice"
UNIT_COST = "unit_cost"
ASSUMED = "assumed"
AVERAGE = "average"
REVALUATION = "revaluation"
REVERSAL = "reversal"


@dataclass(frozen=True)
class Stock:
    """An item's stock before a movement: its balance and (if known) its value."""

    balance: int
    value: int | None

    @property
    def value_known(self) -> bool:
        # An empty item is worth nothing, whatever came before.
        return self.value is not None or self.balance == 0


@dataclass(frozen=True)
class Cost:
    """What an invoice says a receipt cost: per unit, or the line's total."""

    unit_cost: int | None = None
    total: int | None = None

    def per_unit(self, quantity: int) -> int:
        """The unit cost, derived from the total when that is what was given."""
        if self.unit_cost is not None:
            return self.unit_cost
        assert self.total is not None
        return divide_rounded(self.total * SCALE, quantity)


class Valued(NamedTuple):
    """What one movement records about value (all None: not known), in column order."""

    change: int | None = None
    after: int | None = None
    by: str | None = None
    unit_cost: int | None = None


def value_movement(stock: Stock, change: int, *, cost: Cost | None = None,
                   empty_item_cost: int | None = None,
                   reverses: int | None = None) -> Valued:
    """The value a movement of `change` units records, by the rule above.

    `cost`: the receipt's invoice cost (the stock's value must be known: see
    `opening_value`). `empty_item_cost`: the unit cost for uncosted stock
    coming into an empty item. `reverses`: the value change of the movement
    this one reverses, if that had one.
    """
    value = stock.value or 0
    if cost is not None:
        if not stock.value_known:
            raise ValueError("stock of unknown value needs its opening value first")
        if cost.total is not None:
            return Valued(cost.total, value + cost.total, INVOICE, cost.per_unit(change))
        amount = value_of(change, cost.unit_cost)
        return Valued(amount, value + amount, UNIT_COST, cost.unit_cost)
    balance_after = stock.balance + change
    if not stock.value_known:
        return Valued(after=0 if balance_after == 0 else None)
    if balance_after == 0:
        return Valued(-value, 0, AVERAGE)  # the last unit out takes what is left
    if reverses is not None:
        return Valued(-reverses, value - reverses, REVERSAL)
    if stock.balance > 0:
        amount = share_of(change, value, stock.balance)
        return Valued(amount, value + amount, AVERAGE)
    if empty_item_cost is None:
        return Valued()
    amount = value_of(change, empty_item_cost)
    return Valued(amount, value + amount, ASSUMED, empty_item_cost)


def revaluation(stock: Stock, new_value: int) -> Valued:
    """A revaluation to `new_value`: the quantity stays, the value is set."""
    return Valued(new_value - (stock.value or 0), new_value, REVALUATION)


def opening_value(stock: Stock, unit_cost: int) -> Valued:
    """The value of stock of unknown value, at the first unit cost known for it."""
    return revaluation(stock, value_of(stock.balance, unit_cost))
