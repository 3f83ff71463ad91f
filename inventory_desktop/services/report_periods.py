"""The periods a manager reports on: this week, last week, this month, last month, or any days.

A period is a run of whole local days, first to last inclusive, read from the
ledger as [first day 00:00, the day after the last 00:00) in local time. The
current week and month end today: a chart of days still to come would only
repeat today's figure.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .. import clock
from ..errors import ValidationError
from ..money import to_amount, to_money

PRESETS = {
    "this_week": "This week",
    "last_week": "Last week",
    "this_month": "This month",
    "last_month": "Last month",
}
MAX_DAYS = 3660  # ten years: far longer than any report a person reads


def preset_days(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of a preset period, seen from `today`."""
    monday = today - dt.timedelta(days=today.weekday())
    first_of_month = today.replace(day=1)
    if preset == "this_week":
        return monday, today
    if preset == "last_week":
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    if preset == "this_month":
        return first_of_month, today
    if preset == "last_month":
        last = first_of_month - dt.timedelta(days=1)
        return last.replace(day=1), last
    raise ValidationError(f"There is no period called {preset!r}; use one of "
                          f"{', '.join(PRESETS)}.")


def period_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) for the days `first` to `last` inclusive, as local moments."""
    if last < first:
        raise ValidationError(f"The period ends ({last}) before it starts ({first}).",
                              "period")
    if (last - first).days >= MAX_DAYS:
        raise ValidationError(f"A report covers at most {MAX_DAYS:,} days.", "period")
    if first < clock.EARLIEST or last >= clock.LATEST:
        raise ValidationError(f"Use dates from {clock.EARLIEST} to {clock.LATEST}.", "period")
    start = dt.datetime.combine(first, dt.time.min).astimezone()
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min).astimezone()
    return start, end


def sales_figure(text: object) -> Decimal | None:
    """The period's sales as typed ('' or None: not entered), or a sentence refusing it."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    amount = to_amount(text.strip() if isinstance(text, str) else text, "sales figure",
                       field="sales")
    if amount < 0:
        raise ValidationError("The sales figure cannot be negative.", "sales")
    return to_money(amount)


def describe_period(first: dt.date, last: dt.date) -> str:
    """'1 Nov 2026 – 30 Nov 2026', or one day alone."""
    if first == last:
        return _day(first)
    return f"{_day(first)} – {_day(last)}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"
