"""The columns an items import understands: which headers name them, how a cell is read.

One line per item field in COLUMNS. A new field of stock items (a storage
area, a pack size) is imported by adding its line with `plain=True`: its
headers and its reader; it is then written when an item is created, compared
with the stored value and updated like any other. Every reader ends in the
same `validation` function the item form uses, so a spreadsheet and the form
accept exactly the same values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ValidationError
from . import validation
from .csv_text import unneutralised


@dataclass(frozen=True)
class NumberStyle:
    """How numbers in this file may be written."""

    # A decimal comma is unambiguous only where the comma cannot separate cells.
    comma_allowed: bool
    # The file writes decimals with a comma somewhere, so "1.000" may mean a thousand.
    comma_used: bool


@dataclass(frozen=True)
class Column:
    field: str  # the stock_item column it fills (initial_quantity: the first receipt)
    headers: tuple[str, ...]
    read: Callable[[str, NumberStyle], object]
    required: bool = False
    # A plain column: stored as read, with no rule of its own in the import
    # (name, SKU, unit, threshold and active each have one in import_plan).
    plain: bool = False


def _name(cell: str, _style: NumberStyle) -> str:
    return validation.name(cell)


def _sku(cell: str, _style: NumberStyle) -> str | None:
    return validation.sku(cell)


def _unit(cell: str, _style: NumberStyle) -> str:
    spelled = cell.strip().rstrip(".").casefold()
    return validation.unit(UNIT_SPELLINGS.get(spelled, cell))


def _threshold(cell: str, style: NumberStyle) -> int | None:
    return validation.threshold(number_text(cell, style, "low-stock threshold"))


def _initial(cell: str, style: NumberStyle) -> int:
    text = number_text(cell, style, "quantity")
    return validation.new_quantity(text if text.strip() else "0")


def _active(cell: str, _style: NumberStyle) -> bool:
    word = cell.strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValidationError(f"{cell.strip()[:20]!r} is not yes or no (active: yes, no, 1, 0, "
                          "true, false, archived).", "is_active")


COLUMNS = (
    Column("name", ("name", "item", "item name", "product", "description"), _name, True),
    Column("sku", ("sku", "code", "item code", "article", "article number", "ref"), _sku),
    Column("unit", ("unit", "units", "uom", "unit of measure"), _unit, True),
    Column("low_stock_threshold", ("low stock threshold", "threshold", "reorder level",
                                   "minimum", "min", "par"), _threshold),
    Column("initial_quantity", ("initial quantity", "quantity", "qty", "on hand",
                                "current quantity", "stock"), _initial),
    Column("is_active", ("active", "is active"), _active),
)

UNIT_SPELLINGS = {
    spelling: unit for unit, spellings in {
        "kg": ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme",
               "kilogrammes"),
        "g": ("g", "gr", "grs", "gram", "grams", "gramme", "grammes"),
        "L": ("l", "lt", "ltr", "ltrs", "litre", "litres", "liter", "liters"),
        "mL": ("ml", "millilitre", "millilitres", "milliliter", "milliliters"),
        "piece": ("piece", "pieces", "pc", "pcs", "pce", "pces", "each", "ea", "unit", "units"),
        "portion": ("portion", "portions", "serving", "servings"),
        "other": ("other",),
    }.items() for spelling in spellings
}
_YES = {"", "yes", "y", "true", "1", "active"}
_NO = {"no", "n", "false", "0", "archived", "inactive"}
_DECIMAL_COMMA = re.compile(r"\s*[+-]?\d*,\d+\s*")
_THOUSANDS_LOOKALIKE = re.compile(r"\s*[+-]?\d{1,3}\.\d{3}\s*")


def plain_fields() -> tuple[str, ...]:
    """The plain columns' fields, in COLUMNS order."""
    return tuple(column.field for column in COLUMNS if column.plain)


def header_key(header: str) -> str:
    """A header as compared: case, spaces, underscores and hyphens do not matter."""
    return " ".join(unneutralised(header).replace("_", " ").replace("-", " ").casefold().split())


def column_for(header: str) -> Column | None:
    """The column a header names, if any."""
    key = header_key(header)
    return next((column for column in COLUMNS if key in column.headers), None)


def required() -> list[Column]:
    """The columns a file must have."""
    return [column for column in COLUMNS if column.required]


def uses_decimal_comma(cell: str) -> bool:
    """True for a number written with a decimal comma ("2,5")."""
    return bool(_DECIMAL_COMMA.fullmatch(cell))


def number_text(cell: str, style: NumberStyle, what: str) -> str:
    """A number cell as the quantity parser reads it: a decimal comma made a point where
    that is unambiguous, refused where it is not."""
    text = cell.strip()
    if "," in text:
        if not style.comma_allowed:
            raise ValidationError(
                f"The {what} {text[:20]!r} has a comma, which separates the cells of this "
                "file: write decimals with a point (2.5), or save the file with semicolons.")
        if text.count(",") > 1 or "." in text:
            raise ValidationError(
                f"The {what} {text[:20]!r} mixes thousands and decimal marks: write it "
                "plainly, e.g. 1000,5.")
        return text.replace(",", ".")
    if style.comma_used and _THOUSANDS_LOOKALIKE.fullmatch(text):
        raise ValidationError(
            f"The {what} {text!r} is ambiguous: this file writes decimals with a comma "
            "elsewhere, so it could mean a thousand times more. Write it with a comma "
            f"({text.replace('.', ',')}) or without the point.")
    return text
