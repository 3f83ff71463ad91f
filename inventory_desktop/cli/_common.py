"""Small pieces the command modules share."""

from __future__ import annotations

import argparse

from .. import clock, services
from ..errors import NotFoundError, ValidationError
from ..vocabulary import REASON_LABELS

MAX_ID_DIGITS = 19  # more digits than any id can have


def item_of(reference: str) -> services.ItemRow:
    """The item the user named: SKU (any case), else numeric id."""
    return services.find_item(reference)


def moment(text: str | None, *, end_of_day: bool = False, what: str = "date"):
    """A local date/time argument, or None."""
    if text is None:
        return None
    return clock.parse_moment(text, end_of_day=end_of_day, what=what)


def movement_id(text: str) -> int:
    """A movement number as typed (a leading # is allowed, as for items)."""
    digits = text.strip().removeprefix("#")
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(f"{text[:40]!r} is not a movement number.")
    if len(digits) > MAX_ID_DIGITS:
        raise NotFoundError(f"There is no movement with id {digits[:20]}….")
    return int(digits)


def whole_number(text: str, what: str, low: int, high: int) -> int:
    """A whole number typed for an option, between `low` and `high`, or a sentence saying so."""
    digits = text.strip()
    rule = f"{what} must be a whole number from {low:,} to {high:,}"
    if not (digits.isascii() and digits.isdigit()) or len(digits) > MAX_ID_DIGITS:
        raise ValidationError(f"{rule}, not {text[:40]!r}.")
    value = int(digits)
    if not low <= value <= high:
        raise ValidationError(f"{rule}, not {value:,}.")
    return value


def add_op_key(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--op-key", metavar="KEY",
        help="operation key: a retry with the same key is never booked twice")


def add_notes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notes", default="", help="free text kept with the movement")


def reasons_help(reasons: tuple[str, ...], default: str | None = None) -> str:
    """'order_usage (Order usage), waste, …': each reason as typed, and as the window says it."""
    named = [reason if REASON_LABELS[reason].casefold() == reason else
             f"{reason} ({REASON_LABELS[reason]})" for reason in reasons]
    return ", ".join(named) + (f" (default {default})" if default else "")


def stocktake_id(text: str) -> int:
    """A stocktake number as typed (a leading # is allowed)."""
    return whole_number(text.strip().removeprefix("#"), "A stocktake id", 1, 2**63 - 1)
