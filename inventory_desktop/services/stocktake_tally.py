"""What a stocktake's count lines add up to: pure arithmetic, no database.

The rules (docs/stocktake.md has them in full):
- In one area, a counter's later line corrects their earlier one. Lines of
  two counters for the same item and area are a conflict, whatever they say
  (they may have counted the same shelf, or each half of it), until a
  resolution line settles it; counts entered after a resolution start again.
- An item's count is the sum over the areas it is kept in. Its expected
  quantity is the ledger's when its latest settling line was saved, and its
  variance is counted - expected: what was observed when it was counted.
- The variance is posted at commit onto whatever the ledger holds then:
  new quantity = quantity at commit + variance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

UNCOUNTED, COUNTED, PARTIAL, CONFLICT = "uncounted", "counted", "partial", "conflict"


@dataclass(frozen=True)
class Line:
    """One stocktake_count row, quantities in units."""

    id: int
    item_id: int
    area_id: int | None
    counted: int
    packs: int | None
    expected: int
    kind: str
    counted_by: str
    counted_at: str
    note: str = ""


@dataclass(frozen=True)
class PlaceCount:
    """The settled count of one item in one area (area None: kept in no area)."""

    area_id: int | None
    state: str
    counted: int | None = None
    expected: int | None = None
    settled_by: Line | None = None
    # The latest line of each counter since the last resolution: two or more
    # make a conflict; each is a choice when resolving it.
    competing: tuple[Line, ...] = ()


@dataclass(frozen=True)
class ItemTally:
    """An item's count over all the areas it is kept in, and its variance."""

    item_id: int
    places: tuple[PlaceCount, ...]
    state: str
    counted: int | None
    # The line whose moment the expected quantity is from (the latest that counts).
    moment: Line | None
    explanation: Mapping[str, int]

    @property
    def expected(self) -> int | None:
        return None if self.moment is None else self.moment.expected

    @property
    def variance(self) -> int | None:
        if self.counted is None or self.moment is None:
            return None
        return self.counted - self.moment.expected


def settle(area_id: int | None, lines: Iterable[Line]) -> PlaceCount:
    """The count of one item in one area, from its lines in id order."""
    latest: dict[str, Line] = {}
    resolution: Line | None = None
    for line in sorted(lines, key=lambda line: line.id):
        if line.kind == "resolution":
            resolution, latest = line, {}
        else:
            latest[line.counted_by] = line
    if len(latest) > 1:
        competing = tuple(sorted(latest.values(), key=lambda line: line.id))
        return PlaceCount(area_id, CONFLICT, competing=competing)
    settling = next(iter(latest.values()), resolution)
    if settling is None:
        return PlaceCount(area_id, UNCOUNTED)
    return PlaceCount(area_id, COUNTED, settling.counted, settling.expected, settling,
                      tuple(latest.values()))


def tally(item_id: int, places: Iterable[PlaceCount],
          explanation: Mapping[str, int] | None = None) -> ItemTally:
    """Add an item's places up; the expected quantity is that of its latest line."""
    places = tuple(places)
    states = {place.state for place in places}
    if CONFLICT in states:
        state = CONFLICT
    elif states <= {UNCOUNTED}:
        state = UNCOUNTED
    elif UNCOUNTED in states:
        state = PARTIAL
    else:
        state = COUNTED
    counted_places = [place for place in places if place.state == COUNTED]
    counted = sum(place.counted or 0 for place in counted_places) if counted_places else None
    moment = max((place.settled_by for place in counted_places if place.settled_by),
                 key=lambda line: line.id, default=None)
    return ItemTally(item_id, places, state, counted, moment, dict(explanation or {}))


def posting(item: ItemTally, on_hand: int, *, uncounted_as_zero: bool) -> tuple[int, int] | None:
    """(counted, expected) to post for an item at commit, or None to leave it unchanged.

    An item counted nowhere is left as it is, or counted as zero at the
    quantity it has at commit; one counted in some of its areas only has its
    other areas taken as zero, or is left as it is.
    """
    if item.state == CONFLICT:
        raise ValueError("a conflict must be resolved before commit")
    if item.state == UNCOUNTED:
        return (0, on_hand) if uncounted_as_zero else None
    if item.state == PARTIAL and not uncounted_as_zero:
        return None
    assert item.counted is not None and item.expected is not None
    return item.counted, item.expected


def split(variance: int, explanation: Mapping[str, int], unexplained: str,
          order: tuple[str, ...] = ()) -> list[tuple[str, int]]:
    """The variance as (reason, signed units) parts: the explained ones (in `order`), then
    the rest.

    Explanation parts are sizes (positive); each takes the variance's sign. A
    part too big for the variance is the caller's to refuse before.
    """
    sign = -1 if variance < 0 else 1
    ranked = sorted(explanation.items(),
                    key=lambda part: order.index(part[0]) if part[0] in order else len(order))
    parts = [(reason, sign * units) for reason, units in ranked if units]
    rest = variance - sum(units for _, units in parts)
    if rest:
        parts.append((unexplained, rest))
    return parts


def explained_total(explanation: Mapping[str, int]) -> int:
    """How much of a variance an explanation accounts for (a size, positive)."""
    return sum(explanation.values())
