"""Exact stock quantities: parsing what people type and formatting what they read.

A quantity is kept as an int count of ten-thousandths (`units`): 1.5 kg is
15000. Input is refused, never rounded, when it cannot be represented exactly.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .errors import ValidationError

SCALE = 10_000
PLACES = 4
MAX_UNITS = 9_999_999_999
MAX_QUANTITY = Decimal(MAX_UNITS) / SCALE
_MAX_TEXT = 64
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
_EXPONENT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+", re.ASCII)


def to_units(value: object, what: str = "quantity", *, field: str | None = None,
             maximum: int = MAX_UNITS) -> int:
    """Convert a user's number (str, int, Decimal) into exact units, or refuse it.

    `maximum` (in units) is the quantities' limit unless another is given (money's).
    """
    decimal = _as_decimal(value, what, field)
    if not decimal.is_finite():
        raise ValidationError(f"The {what} must be a number, not {value!r}.", field)
    if decimal.copy_abs() > Decimal(maximum) / SCALE:
        raise ValidationError(f"The {what} cannot exceed {format_units(maximum)}.", field)
    return _exact_units(decimal, what, field)


def to_decimal(units: int) -> Decimal:
    """The exact Decimal for a count of units."""
    return Decimal(units).scaleb(-PLACES)


def format_units(units: int) -> str:
    """Plain decimal text without needless trailing zeros: 15000 -> '1.5', 20000 -> '2'."""
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), SCALE)
    if not fraction:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:04d}".rstrip("0")


def format_decimal(quantity: Decimal) -> str:
    """The same text as format_units for a Decimal already in range."""
    return format_units(decimal_to_units(quantity))


def _as_decimal(value: object, what: str, field: str | None) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(f"The {what} must be a number.", field)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() gives the shortest text that round-trips, i.e. what was typed.
        value = repr(value)
    if not isinstance(value, str):
        raise ValidationError(f"The {what} must be a number.", field)
    text = value.strip()
    if not text:
        raise ValidationError(f"Enter a {what}.", field)
    shown = text if len(text) <= 20 else text[:20] + "…"
    if len(text) <= _MAX_TEXT and _EXPONENT.fullmatch(text):
        # 1e3 is 1000 to a programmer; to a manager it is a typo.
        raise ValidationError(
            f"The {what} {shown!r} is in exponent notation; type the number in full "
            "(e.g. 1000, or 0.5).", field)
    if len(text) > _MAX_TEXT or not _NUMBER.fullmatch(text):
        raise ValidationError(f"The {what} {shown!r} is not a number.", field)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValidationError(f"The {what} {text!r} is not a number.", field) from None


def _exact_units(decimal: Decimal, what: str, field: str | None) -> int:
    # Work on the digits themselves: Decimal arithmetic would round to the
    # context's 28 digits and could hide a fifth decimal place.
    sign, digits, exponent = decimal.as_tuple()
    if not any(digits):
        return 0
    shift = exponent + PLACES
    if shift < 0:
        # A non-zero number always has a non-zero digit among those dropped
        # when it has more places than we keep.
        if any(digits[shift:]):
            raise ValidationError(
                f"The {what} can have at most {PLACES} decimal places.", field
            )
        digits, shift = digits[:shift], 0
    units = int("".join(map(str, digits))) * 10**shift
    return -units if sign else units


def decimal_to_units(quantity: Decimal) -> int:
    """The units for a Decimal that is already exact to 4 places (e.g. from a row)."""
    return int(quantity.scaleb(PLACES))
