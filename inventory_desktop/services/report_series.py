"""The figures behind the reports' charts: stock value over time, usage by reason per week.

Sums are taken per hour in SQL (per minute where the local time zone is
offset by part of an hour) and put into local days and weeks here, so a day
is the manager's day, not UTC's.
Values are those the ledger knows: stock whose value is not known counts
from when it gets one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from .. import clock
from ..db import database
from ..money import to_money
from ..sqlite_errors import translate_sqlite_errors
from .report_period import (
    CATEGORY_SQL,
    MOVEMENTS_IN_RANGE_SQL,
    RECEIVED,
    REVALUED,
    PeriodReport,
    movement_bound_before,
)

_VALUE_BEFORE = """
SELECT COALESCE(sum(m.value_after), 0) FROM stock_item AS i
  JOIN stock_movement AS m
    ON m.id = (SELECT max(id) FROM stock_movement WHERE stock_item_id = i.id AND id < ?)
"""
_VALUE_BY_SLOT = """
SELECT substr(created_at, 1, {0}), sum(value_change) FROM stock_movement
 WHERE id >= ? AND id < ? AND value_change IS NOT NULL
 GROUP BY 1 ORDER BY 1
"""
_USAGE_BY_SLOT = f"""
SELECT substr(m.created_at, 1, {{0}}), {CATEGORY_SQL}, sum(m.value_change)
  FROM {MOVEMENTS_IN_RANGE_SQL} AND m.value_change IS NOT NULL
 GROUP BY 1, 2
"""


@dataclass(frozen=True)
class ValuePoint:
    day: dt.date  # the value at the end of this local day
    value: Decimal


def value_over_time(start: dt.datetime, end: dt.datetime) -> list[ValuePoint]:
    """The stock's known value at the end of each local day of [start, end)."""
    with translate_sqlite_errors():
        first, after = movement_bound_before(start), movement_bound_before(end)
        value = database.execute_sql(_VALUE_BEFORE, (first,)).fetchone()[0]
        by_day: dict[dt.date, int] = defaultdict(int)
        slot = _slot_width(start, end)
        for moment, change in database.execute_sql(_VALUE_BY_SLOT.format(slot),
                                                    (first, after)):
            by_day[_local_day(moment)] += change
    points = []
    for day in _days(start, end):
        value += by_day.get(day, 0)
        points.append(ValuePoint(day, to_money(value)))
    return points


def usage_by_week(start: dt.datetime, end: dt.datetime) -> dict[dt.date, dict[str, Decimal]]:
    """Value gone out per local week (keyed by its Monday) and category, as positive amounts."""
    weeks: dict[dt.date, dict[str, int]] = {}
    for day in _days(start, end):
        weeks.setdefault(_monday(day), {})
    with translate_sqlite_errors():
        first, after = movement_bound_before(start), movement_bound_before(end)
        slot = _slot_width(start, end)
        for moment, category, change in database.execute_sql(_USAGE_BY_SLOT.format(slot),
                                                              (first, after)):
            if category in (RECEIVED, REVALUED):
                continue
            week = weeks.setdefault(_monday(_local_day(moment)), {})
            week[category] = week.get(category, 0) - change
    return {week: {category: to_money(amount) for category, amount in sorted(usage.items())}
            for week, usage in sorted(weeks.items())}


def top_variances(report: PeriodReport, count: int = 10) -> list[tuple[str, Decimal]]:
    """Items whose stocktake variance moved the most value (signed: a loss is negative)."""
    found = []
    for line in report.known:
        variance = sum((figure.value for category, figure in line.changes.items()
                        if category.startswith("stocktake:")), Decimal(0))
        if variance:
            found.append((line.name, variance))
    found.sort(key=lambda pair: (-abs(pair[1]), pair[0].casefold()))
    return found[:count]


def _slot_width(start: dt.datetime, end: dt.datetime) -> int:
    # Characters of the stored time to group on: 13 is the hour, 16 the minute.
    offsets = {moment.astimezone().utcoffset() for moment in (start, end)}
    whole_hours = all(offset is not None and offset.total_seconds() % 3600 == 0
                      for offset in offsets)
    return 13 if whole_hours else 16


def _local_day(moment: str) -> dt.date:
    text = moment + (":00:00" if len(moment) == 13 else ":00")
    return dt.datetime.fromisoformat(text + "+00:00").astimezone().date()


def _days(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    first = clock.from_stored(clock.to_stored(start)).astimezone().date()
    last = clock.from_stored(clock.to_stored(end - dt.timedelta(microseconds=1)))
    days, day = [], first
    while day <= last.astimezone().date():
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
