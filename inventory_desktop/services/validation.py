"""Checks on what a user typed, shared by the services and the forms that validate as you type.

Each function returns the value as it will be stored or raises a
ValidationError naming the field, so a form can mark the right box.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import ValidationError
from ..quantity import to_units
from ..vocabulary import REVERSAL, UNITS

MAX_NAME = 200
MAX_SKU = 50
MAX_NOTES = 2000
MAX_REFERENCE = 100
MAX_OP_KEY = 200
MAX_USER = 100
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


def positive_quantity(value: object, what: str = "quantity") -> int:
    units = to_units(value, what, field="quantity")
    if units <= 0:
        raise ValidationError(f"The {what} must be more than zero.", "quantity")
    return units


def new_quantity(value: object) -> int:
    units = to_units(value, "new quantity", field="quantity")
    if units < 0:
        raise ValidationError("The new quantity cannot be negative.", "quantity")
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


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"The {what} must be text.", what.lower())
    return value


def _printable(text: str, what: str, field: str | None = None) -> None:
    if not text.isprintable():
        raise ValidationError(
            f"The {what} contains a control character; remove it.", field or what.lower()
        )
