"""Small pieces the command modules share."""

from __future__ import annotations

import argparse

from .. import clock, services
from ..errors import ValidationError


def item_of(reference: str) -> services.ItemRow:
    """The item the user named: SKU (any case), else numeric id."""
    return services.find_item(reference)


def moment(text: str | None, *, end_of_day: bool = False, what: str = "date"):
    """A local date/time argument, or None."""
    if text is None:
        return None
    return clock.parse_moment(text, end_of_day=end_of_day, what=what)


def movement_id(text: str) -> int:
    """A movement number as typed."""
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(f"{text!r} is not a movement number.")
    return int(text)


def add_op_key(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--op-key", metavar="KEY",
        help="operation key: a retry with the same key is never booked twice")


def add_notes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notes", default="", help="free text kept with the movement")
