"""Committing a stocktake: every variance posted, in one transaction, once.

For each counted item, new quantity = quantity at commit + (counted -
expected at count time): sales and deliveries recorded between counting and
committing stay in the ledger. The variance is posted as one adjustment per
reason it was put down to (the rest as unexplained), each referring to the
stocktake; then the stocktake is marked committed. Either all of it happens
or none; a second commit, from this process or another, finds it committed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from .. import clock
from ..db import database
from ..errors import ConflictError, ValidationError
from ..models import Stocktake
from ..money import to_money
from ..quantity import MAX_UNITS, format_units, to_decimal
from ..vocabulary import STOCKTAKE, UNEXPLAINED, VARIANCE_REASONS
from . import stocktake_tally as rules
from ._write import announce_low_stock, writing
from .ledger import Booking, book_many, value_bookings
from .queries import get_item
from .stocktake_sheet import Counts, stocktake_counts
from .stocktakes import StocktakeRow, get_stocktake, require_open

UNCOUNTED_CHOICES = ("keep", "zero")


@dataclass(frozen=True)
class PlannedChange:
    """One adjustment the commit will post (or posted)."""

    item_id: int
    name: str
    unit: str
    reason: str
    change: Decimal
    # What it takes from or adds to the stock's value by the costing rule, at
    # the item's value when planned; None: not known (stock from before costs).
    value: Decimal | None = None


@dataclass(frozen=True)
class CommitPlan:
    """What committing would post now, and what stands in its way."""

    changes: list[PlannedChange]
    conflicts: list[str]  # item names with counts to settle first
    overexplained: list[str]  # explanations bigger than the variance now is
    left_unchanged: list[str]  # not (fully) counted, kept as they are
    counted_as_zero: list[str]  # not (fully) counted, their missing areas taken as zero
    limited: list[str]  # a loss bigger than what the ledger holds now: taken to zero

    @property
    def blocked(self) -> bool:
        return bool(self.conflicts or self.overexplained)

    @property
    def value_lost(self) -> Decimal:
        """The known value of the losses (negative, or 0)."""
        return sum((c.value for c in self.changes if c.value is not None and c.value < 0),
                   Decimal(0))

    @property
    def value_gained(self) -> Decimal:
        """The known value of the gains (positive, or 0)."""
        return sum((c.value for c in self.changes if c.value is not None and c.value > 0),
                   Decimal(0))

    @property
    def value_not_known(self) -> list[str]:
        """The items with a change whose value is not known, by name."""
        return list(dict.fromkeys(c.name for c in self.changes if c.value is None))


@dataclass(frozen=True)
class CommitReport:
    stocktake: StocktakeRow
    plan: CommitPlan
    movement_ids: list[int]
    # The value_change of each movement posted, as the ledger recorded it.
    values: list[Decimal | None] = dataclasses.field(default_factory=list)

    @property
    def value_posted(self) -> Decimal:
        """The sum of the known values posted (negative: stock was lost)."""
        return sum((value for value in self.values if value is not None), Decimal(0))

    @property
    def value_not_known(self) -> int:
        """How many of the movements posted have no known value."""
        return sum(value is None for value in self.values)


def commit_plan(stocktake_id: int, *, uncounted: str = "keep") -> CommitPlan:
    """What `commit_stocktake` would post with the counts as they are now."""
    return _valued(_plan(stocktake_counts(stocktake_id), _choice(uncounted)))


def commit_stocktake(
    stocktake_id: int, *, uncounted: str = "keep", user: str | None = None,
) -> CommitReport:
    """Post every variance of an open stocktake and close it, in one transaction.

    `uncounted`: "keep" leaves items not (fully) counted as they are; "zero"
    counts their missing areas as zero. Refused, with nothing posted, while
    counts conflict or an explanation no longer fits its variance.
    """
    choice = _choice(uncounted)
    with writing(user) as actor:
        stocktake = require_open(stocktake_id)
        counts = stocktake_counts(stocktake_id)
        _refuse_nothing_counted(counts)
        plan = _valued(_plan(counts, choice))
        _refuse_blocked(plan)
        _refuse_archived(plan)
        reference = (STOCKTAKE, str(stocktake.id))
        went_low = book_many(_bookings(plan), actor=actor, reference=reference,
                             notes=f"Stocktake {stocktake.id}: {stocktake.name}")
        posted = database.execute_sql(
            "SELECT id, value_change FROM stock_movement WHERE reference_type = ? "
            "AND reference_id = ? ORDER BY id", reference).fetchall()
        (Stocktake.update(state="committed", uncounted=choice, closed_by=actor,
                          closed_at=clock.now_stored())
         .where(Stocktake.id == stocktake_id).execute())
        committed = get_stocktake(stocktake_id)
    for item_id in went_low:
        announce_low_stock(get_item(item_id))
    return CommitReport(committed, plan, [row[0] for row in posted],
                        [None if row[1] is None else to_money(row[1]) for row in posted])


def _bookings(plan: CommitPlan) -> list[Booking]:
    return [Booking(change.item_id, int(change.change.scaleb(4)), "adjustment", change.reason)
            for change in plan.changes]


def _valued(plan: CommitPlan) -> CommitPlan:
    # Valued as book_many will value them (services/ledger.py), so what the
    # review shows is what the commit posts, had nothing moved in between.
    values = value_bookings(_bookings(plan))
    changes = [dataclasses.replace(change, value=None if valued.change is None
                                   else to_money(valued.change))
               for change, valued in zip(plan.changes, values, strict=True)]
    return dataclasses.replace(plan, changes=changes)


def _refuse_archived(plan: CommitPlan) -> None:
    items = sorted({change.item_id for change in plan.changes})
    archived = []
    for start in range(0, len(items), 500):  # SQLite's bound parameters are limited
        chunk = items[start:start + 500]
        archived += [name for (name,) in database.execute_sql(
            f"SELECT name FROM stock_item WHERE NOT is_active AND id IN "
            f"({','.join('?' * len(chunk))}) ORDER BY name", chunk)]
    if archived:
        raise ConflictError(
            f"{_listed(archived)} {'was' if len(archived) == 1 else 'were'} archived after "
            "being counted: restore them to post their variance. Nothing was posted.")


def _plan(counts: Counts, choice: str) -> CommitPlan:
    plan = CommitPlan([], [], [], [], [], [])
    names = counts.names
    for item in sorted(counts.items.values(), key=lambda i: names[i.item_id][0].casefold()):
        name, unit = names[item.item_id]
        if item.state == rules.CONFLICT:
            plan.conflicts.append(name)
            continue
        on_hand = counts.on_hand[item.item_id]
        posting = rules.posting(item, on_hand, uncounted_as_zero=choice == "zero")
        if item.state in (rules.UNCOUNTED, rules.PARTIAL):
            (plan.counted_as_zero if posting else plan.left_unchanged).append(name)
        if posting is None:
            continue
        counted, expected = posting
        variance = counted - expected
        if rules.explained_total(item.explanation) > abs(variance):
            plan.overexplained.append(name)
            continue
        parts = rules.split(variance, item.explanation, UNEXPLAINED, VARIANCE_REASONS)
        plan.changes.extend(_changes(item.item_id, name, unit, on_hand, parts, plan))
    return plan


def _changes(item_id: int, name: str, unit: str, on_hand: int,
             parts: list[tuple[str, int]], plan: CommitPlan) -> list[PlannedChange]:
    # A loss larger than what the ledger holds at commit (sales recorded for
    # stock that was not there) takes the item to zero: stock is never negative.
    available, changes = on_hand, []
    for reason, change in parts:
        if available + change < 0:
            plan.limited.append(f"{name}: {format_units(-change)} {unit} put down to "
                                f"{reason}, only {format_units(available)} {unit} left")
            change = -available
        if available + change > MAX_UNITS:
            raise ValidationError(f"{name} would hold more than {format_units(MAX_UNITS)} "
                                  f"{unit}.", "quantity")
        if change:
            changes.append(PlannedChange(item_id, name, unit, reason, to_decimal(change)))
            available += change
    return changes


def _refuse_nothing_counted(counts: Counts) -> None:
    # Committing a count nobody made would only close it (or, counting the
    # uncounted as zero, empty the whole stock): surely a slip.
    if all(item.state == rules.UNCOUNTED for item in counts.items.values()):
        raise ConflictError(
            f"Nothing was counted in stocktake {counts.stocktake.id} yet; count first, or "
            "abandon it. Nothing was posted.")


def _refuse_blocked(plan: CommitPlan) -> None:
    if plan.conflicts:
        raise ConflictError(
            "Counts conflict for " + _listed(plan.conflicts) + ": settle them first "
            "(keep one count, add them up, or recount). Nothing was posted.")
    if plan.overexplained:
        raise ConflictError(
            "The explained variance is now bigger than the variance for "
            + _listed(plan.overexplained) + " (a count changed since): explain them "
            "again. Nothing was posted.")


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def _choice(uncounted: str) -> str:
    if uncounted not in UNCOUNTED_CHOICES:
        raise ValidationError(
            f"Items not counted are either kept as they are ('keep') or counted as zero "
            f"('zero'), not {uncounted!r}.", "uncounted")
    return uncounted
