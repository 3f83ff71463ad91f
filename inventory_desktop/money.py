"""Exact money: amounts as int ten-thousandths of the currency, and the one rounding rule.

Like quantities, an amount is stored as an integer count of ten-thousandths
(`cents4`): 0.82 is 8200. Every value the ledger computes goes through
`divide_rounded`, which rounds half away from zero to the nearest
ten-thousandth; the triggers compute the same with integer arithmetic
(docs/costing.md shows both). No float ever touches an amount.
"""

from __future__ import annotations

from decimal import Decimal

from .quantity import SCALE, to_units

MAX_AMOUNT = 99_999_999_999_999  # 9,999,999,999.9999 in ten-thousandths


def to_amount(value: object, what: str = "amount", *, field: str | None = None) -> int:
    """Parse a money amount someone typed (or a Decimal) into ten-thousandths, or refuse it."""
    return to_units(value, what, field=field, maximum=MAX_AMOUNT)


def divide_rounded(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero: the ledger's one rounding."""
    if denominator == 0:
        raise ZeroDivisionError("no denominator")
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    if 2 * remainder >= abs(denominator):
        quotient += 1
    return -quotient if (numerator < 0) != (denominator < 0) else quotient


def value_of(quantity_units: int, unit_cost: int) -> int:
    """What `quantity_units` of an item cost at `unit_cost` a unit (both ten-thousandths)."""
    return divide_rounded(quantity_units * unit_cost, SCALE)


def share_of(quantity_units: int, value: int, balance_units: int) -> int:
    """The value of `quantity_units` out of `balance_units` worth `value`: at average cost."""
    return divide_rounded(quantity_units * value, balance_units)


def average_cost(value: int, balance_units: int) -> int | None:
    """Cost of one unit of the item (ten-thousandths), None for an empty item."""
    if balance_units == 0:
        return None
    return divide_rounded(value * SCALE, balance_units)


def to_money(amount: int) -> Decimal:
    """The exact Decimal for an amount in ten-thousandths."""
    return Decimal(amount).scaleb(-4)


def format_amount(amount: int, symbol: str = "", places: int = 2) -> str:
    """'1,234.57' (rounded half away from zero to `places`), with `symbol` in front."""
    shown = divide_rounded(amount, 10 ** (4 - places))
    sign = "-" if shown < 0 else ""
    whole, fraction = divmod(abs(shown), 10 ** places)
    text = f"{whole:,}" + (f".{fraction:0{places}d}" if places else "")
    return f"{sign}{symbol}{text}"
