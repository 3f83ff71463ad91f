"""Moments in time: stored as UTC ISO-8601 text, read and shown in local time."""

from __future__ import annotations

import datetime as dt
import time

from .errors import ValidationError

_STORED = "%Y-%m-%dT%H:%M:%S.%f"


def to_stored(moment: dt.datetime) -> str:
    """The stored text for a moment; a naive datetime is taken as local time."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    utc = moment.astimezone(dt.UTC)
    return utc.strftime(_STORED)[:-3] + "Z"


# Dates a person may ask about. Far outside them, converting between local
# time and UTC overflows; inside them every moment has both.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(9998, 12, 31)


def from_stored(text: str) -> dt.datetime:
    """The aware UTC datetime for stored text (ValueError for another tool's other format)."""
    if not isinstance(text, str):
        raise ValueError(f"not a stored time: {text!r}")
    return dt.datetime.strptime(text.rstrip("Z"), _STORED).replace(tzinfo=dt.UTC)


def stored_or_none(text: object) -> dt.datetime | None:
    """from_stored, or None for a value another program stored in some other form."""
    try:
        return from_stored(text)  # type: ignore[arg-type]
    except ValueError:
        return None


def local_display(text: object) -> str:
    """Stored text as the local wall-clock time a manager reads, to the second.

    A value another program stored in some other form is shown as it is,
    marked, rather than failing the whole listing.
    """
    try:
        return from_stored(text).astimezone().strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[arg-type]
    except (ValueError, OverflowError, OSError):
        return f"{text!s} (not a time)"


def parse_moment(text: str, *, end_of_day: bool = False, what: str = "date") -> dt.datetime:
    """Parse a local date or date-time typed by a person ("2026-11-24", "2026-11-24 18:30").

    A bare date means the start of that day, or its end with `end_of_day`
    (so "until 2026-11-24" includes the whole day).
    """
    cleaned = text.strip()
    shown = cleaned if len(cleaned) <= 40 else cleaned[:40] + "…"
    try:
        if len(cleaned) == 10:
            day = dt.date.fromisoformat(cleaned)
            moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
        else:
            moment = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValidationError(
            f"The {what} {shown!r} is not a date; use YYYY-MM-DD or YYYY-MM-DD HH:MM."
        ) from None
    if not EARLIEST <= moment.date() <= LATEST:
        raise ValidationError(
            f"The {what} {shown!r} is out of range; use a date from {EARLIEST} to {LATEST}.")
    return moment


def now_stored() -> str:
    """The current moment as stored text."""
    # Every write seals with it: the time module is a few times quicker than datetime.
    seconds, nanoseconds = divmod(time.time_ns(), 1_000_000_000)
    return (time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
            + f".{nanoseconds // 1_000_000:03d}Z")
