"""How quantities and times read on screen."""

from __future__ import annotations

from decimal import Decimal

from ...clock import local_display
from ...quantity import format_decimal


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
