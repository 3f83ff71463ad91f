"""How quantities, money and times read on screen."""

from __future__ import annotations

from decimal import Decimal

from ...clock import local_display
from ...money import format_amount
from ...quantity import decimal_to_units, format_decimal

NOT_KNOWN = "not known"


def quantity_text(quantity: Decimal | None, unit: str | None = None) -> str:
    """'12.5 kg', '3 piece', '' for no value: no needless trailing zeros."""
    if quantity is None:
        return ""
    text = format_decimal(quantity)
    return f"{text} {unit}" if unit else text


def change_text(change: Decimal, unit: str | None = None) -> str:
    """A signed change: '+2 kg', '-0.5 kg'."""
    text = quantity_text(change, unit)
    return text if change < 0 else f"+{text}"


def time_text(stored: str) -> str:
    """A stored UTC timestamp as local wall-clock time."""
    return local_display(stored)


def money_text(amount: Decimal | None, symbol: str = "", *, places: int = 2) -> str:
    """'€1,234.50'; 'not known' for a value the ledger does not know (never a made-up 0)."""
    if amount is None:
        return NOT_KNOWN
    return format_amount(decimal_to_units(amount), symbol, places)


def unit_cost_text(cost: Decimal | None, unit: str, symbol: str = "") -> str:
    """'€0.8200/kg': a cost per unit keeps its four places, which a total would round away."""
    if cost is None:
        return ""
    return f"{money_text(cost, symbol, places=4)}/{unit}"
