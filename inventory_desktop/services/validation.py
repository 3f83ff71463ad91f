"""Checks on what a user typed, shared by the services and the forms that validate as you type.

Each function returns the value as it will be stored or raises a
ValidationError naming the field, so a form can mark the right box.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import ValidationError
from ..money import to_amount
from ..quantity import to_units
from ..vocabulary import REVERSAL, UNITS
from .valuation import Cost

MAX_NAME = 200
MAX_SKU = 50
MAX_NOTES = 2000
MAX_REFERENCE = 100
MAX_OP_KEY = 200
MAX_USER = 100
MAX_PACK_NAME = 40
MAX_AREA_NAME = 100
MAX_SUPPLIER_NAME = 100
MAX_CURRENCY_SYMBOL = 8
_UNITS_BY_LOWER = {unit.lower(): unit for unit in UNITS}
# The same set the file's trigger enforces: case-folding is then the whole of
# comparing two SKUs, and no look-alike letter can make a second "FL-55".
SKU_CHARACTERS = "A-Z, a-z, 0-9, space and . _ / -"
_SKU = re.compile(r"[A-Za-z0-9 ._/-]+", re.ASCII)


def name(value: object) -> str:
    text = _text(value, "name").strip()
    if not text:
        raise ValidationError("Enter a name for the item.", "name")
    if len(text) > MAX_NAME:
        raise ValidationError(f"The name can be at most {MAX_NAME} characters.", "name")
    _printable(text, "name")
    return text


def sku(value: object) -> str | None:
    """A SKU as stored: full-width or compatibility forms typed are folded to plain ASCII."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", _text(value, "SKU")).strip()
    if not text:
        return None
    if len(text) > MAX_SKU:
        raise ValidationError(f"The SKU can be at most {MAX_SKU} characters.", "sku")
    _printable(text, "SKU", "sku")
    if not _SKU.fullmatch(text):
        odd = next(ch for ch in text if not _SKU.fullmatch(ch))
        raise ValidationError(
            f"A SKU may use only {SKU_CHARACTERS} (not {odd!r}), so that every way of "
            "typing it finds the same item.", "sku")
    if text.isdigit():
        raise ValidationError(
            f"A SKU cannot be only digits: {text!r} would be read as an item's id. "
            f"Add a letter or a prefix (e.g. 'N-{text}').", "sku")
    return text


def sku_key(text: str) -> str:
    """The normalised key SKUs are compared on: Unicode NFKC, then case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def unit(value: object) -> str:
    text = _text(value, "unit").strip()
    found = _UNITS_BY_LOWER.get(text.lower())
    if found is None:
        raise ValidationError(
            f"The unit must be one of {', '.join(UNITS)} (not {text!r}).", "unit"
        )
    return found


def threshold(value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    units = to_units(value, "low-stock threshold", field="low_stock_threshold")
    if units < 0:
        raise ValidationError(
            "The low-stock threshold cannot be negative.", "low_stock_threshold"
        )
    return units


def pack_size(value: object) -> int | None:
    """What one pack holds, in the item's unit; None (or blank) for no packs."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    units = to_units(value, "pack size", field="pack_size")
    if units <= 0:
        raise ValidationError("The pack size must be more than zero.", "pack_size")
    return units


def pack_name(value: object) -> str | None:
    """What a pack is called ("case", "sack"); None for the plain word "pack"."""
    if value is None:
        return None
    text = _text(value, "pack name").strip()
    if not text:
        return None
    if len(text) > MAX_PACK_NAME:
        raise ValidationError(f"A pack name can be at most {MAX_PACK_NAME} characters.",
                              "pack_name")
    _printable(text, "pack name", "pack_name")
    return text


def par_level(value: object) -> int | None:
    """The quantity to hold after a delivery; None (or blank) for none."""
    if _blank(value):
        return None
    units = to_units(value, "par level", field="par_level")
    if units < 0:
        raise ValidationError("The par level cannot be negative.", "par_level")
    return units


def row_id(value: object) -> int | None:
    """A reference to a row by its id (a supplier's); None for none."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"An id is a whole number, not {value!r}.", "id")
    return value


def amount(value: object, what: str, field: str) -> int | None:
    """A money amount (a cost, a value) in ten-thousandths; None (or blank) for none."""
    if _blank(value):
        return None
    money = to_amount(value, what, field=field)
    if money < 0:
        raise ValidationError(f"The {what} cannot be negative.", field)
    return money


def receipt_cost(unit_cost: object = None, total: object = None) -> Cost | None:
    """What the invoice says a receipt cost: per unit or the line total, not both."""
    per_unit = amount(unit_cost, "unit cost", "unit_cost")
    line_total = amount(total, "invoice total", "total")
    if per_unit is not None and line_total is not None:
        raise ValidationError("Give the cost per unit or the invoice line's total, not both.",
                              "unit_cost")
    if per_unit is None and line_total is None:
        return None
    return Cost(per_unit, line_total)


def supplier_name(value: object) -> str:
    text = _text(value, "supplier name").strip()
    if not text:
        raise ValidationError("Enter a name for the supplier.", "supplier_name")
    if len(text) > MAX_SUPPLIER_NAME:
        raise ValidationError(
            f"A supplier name can be at most {MAX_SUPPLIER_NAME} characters.", "supplier_name")
    _printable(text, "supplier name", "supplier_name")
    return text


def currency_symbol(value: object) -> str:
    """The symbol shown before amounts ("€", "$", "CHF "); blank for none."""
    text = _text(value, "currency symbol")
    if len(text) > MAX_CURRENCY_SYMBOL or text.strip() != text.rstrip():
        raise ValidationError(
            f"A currency symbol is at most {MAX_CURRENCY_SYMBOL} characters, with no "
            "leading space.", "currency_symbol")
    _printable(text, "currency symbol", "currency_symbol")
    return text


def area_name(value: object) -> str:
    text = _text(value, "area name").strip()
    if not text:
        raise ValidationError("Enter a name for the storage area.", "area_name")
    if len(text) > MAX_AREA_NAME:
        raise ValidationError(f"An area name can be at most {MAX_AREA_NAME} characters.",
                              "area_name")
    _printable(text, "area name", "area_name")
    return text


def positive_quantity(value: object, what: str = "quantity") -> int:
    units = to_units(value, what, field="quantity")
    if units <= 0:
        raise ValidationError(f"The {what} must be more than zero.", "quantity")
    return units


def new_quantity(value: object, what: str = "new quantity") -> int:
    units = to_units(value, what, field="quantity")
    if units < 0:
        raise ValidationError(f"The {what} cannot be negative.", "quantity")
    return units


def reason(value: object, allowed: tuple[str, ...], action: str) -> str:
    if value not in allowed:
        raise ValidationError(
            f"{value!r} is not a reason to {action}; use one of {', '.join(allowed)}.",
            "reason",
        )
    return str(value)


def notes(value: object) -> str:
    if value is None:
        return ""
    text = _text(value, "notes").strip()
    if len(text) > MAX_NOTES:
        raise ValidationError(f"Notes can be at most {MAX_NOTES} characters.", "notes")
    # Line breaks and tabs belong in notes; other control characters do not.
    _printable(text.replace("\n", " ").replace("\t", " "), "notes")
    return text


def reference(value: object) -> tuple[str, str] | None:
    """A document this movement refers to: "INV-1042", or ("invoice", "INV-1042")."""
    if value is None:
        return None
    kind, ident = ("document", value) if isinstance(value, str) else _pair(value)
    ident = _text(ident, "reference").strip()
    kind = _text(kind, "reference type").strip()
    if not ident:
        return None
    if kind == REVERSAL or not kind:
        raise ValidationError(f"{kind!r} is not a reference type you can use.", "reference")
    for part in (kind, ident):
        if len(part) > MAX_REFERENCE:
            raise ValidationError(
                f"A reference can be at most {MAX_REFERENCE} characters.", "reference"
            )
        _printable(part, "reference")
    return kind, ident


def movement_details(
    notes_value: object, reference_value: object, op_key_value: object
) -> tuple[str, tuple[str, str] | None, str | None]:
    """Notes, reference and operation key of a movement, checked together."""
    return notes(notes_value), reference(reference_value), op_key(op_key_value)


def op_key(value: object) -> str | None:
    if value is None:
        return None
    text = _text(value, "operation key").strip()
    if not text or len(text) > MAX_OP_KEY or not text.isprintable():
        raise ValidationError(
            f"An operation key must be 1 to {MAX_OP_KEY} printable characters.", "op_key"
        )
    return text


def user(value: object) -> str:
    """Who acts, as recorded with every change: 1 to MAX_USER printable characters."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > MAX_USER or not text.isprintable():
        raise ValidationError(
            f"The user name must be 1 to {MAX_USER} printable characters.", "user")
    return text


def _pair(value: object) -> tuple[object, object]:
    if isinstance(value, tuple | list) and len(value) == 2:
        return value[0], value[1]
    raise ValidationError("A reference is a text or a (type, id) pair.", "reference")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"The {what} must be text.", what.lower())
    return value


def _printable(text: str, what: str, field: str | None = None) -> None:
    if not text.isprintable():
        raise ValidationError(
            f"The {what} contains a control character; remove it.", field or what.lower()
        )
