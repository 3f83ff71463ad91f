"""A stocktake as a count sheet: every item in scope, area by area in walk order, with its counts.

The same rows feed the count grid, the review, the printed and CSV sheets
and `stocktake show`; they are built from a handful of queries, so a
2,000-line stocktake opens at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ..db import database
from ..quantity import to_decimal
from . import stocktake_tally as rules
from .stocktakes import StocktakeRow, explanations_of, get_stocktake, lines_of

_NOWHERE = ""  # the "area" of an item kept in no area


@dataclass(frozen=True)
class SheetLine:
    """One item in one area, as the count grid shows it."""

    item_id: int
    name: str
    sku: str | None
    unit: str
    pack_size: Decimal | None
    pack_name: str | None
    area_id: int | None
    area_name: str
    state: str  # of this place: uncounted, counted or conflict
    counted: Decimal | None  # here
    packs: int | None  # as entered, when counted in packs
    counted_by: tuple[str, ...]
    competing: tuple[tuple[str, Decimal], ...]  # (who, counted) while in conflict
    item_state: str  # of the item over all its areas: ... or partial
    item_counted: Decimal | None
    expected: Decimal | None  # the ledger's when the item was counted
    variance: Decimal | None
    on_hand: Decimal  # the ledger's now
    places: int  # how many areas the item is kept in
    last_counted_at: str | None  # in an earlier, committed stocktake
    explanation: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class AreaProgress:
    area_name: str
    counted: int
    lines: int


@dataclass(frozen=True)
class Sheet:
    stocktake: StocktakeRow
    lines: list[SheetLine]
    items: dict[int, rules.ItemTally]
    on_hand: dict[int, int]  # item -> units in the ledger now

    def progress(self) -> list[AreaProgress]:
        """Lines counted / lines in scope, per area in walk order."""
        seen: dict[str, list[int]] = {}
        for line in self.lines:
            tally = seen.setdefault(line.area_name, [0, 0])
            tally[0] += line.state != rules.UNCOUNTED
            tally[1] += 1
        return [AreaProgress(name, counted, total) for name, (counted, total) in seen.items()]

    def of_state(self, state: str) -> list[rules.ItemTally]:
        """The items in one state (uncounted, partial, counted, conflict)."""
        return [item for item in self.items.values() if item.state == state]


_SCOPE = """
SELECT i.id, i.name, i.sku, i.unit, i.pack_size, i.pack_name, i.current_quantity,
       l.area_id, a.name, a.walk_order, l.walk_order
  FROM stock_item AS i
  LEFT JOIN item_location AS l ON l.item_id = i.id
  LEFT JOIN storage_area AS a ON a.id = l.area_id
 WHERE {where}
"""
_ALL_ACTIVE = "i.is_active"
_IN_AREAS = ("i.is_active AND i.id IN (SELECT kept.item_id FROM item_location AS kept "
             "JOIN stocktake_area AS s ON s.area_id = kept.area_id WHERE s.stocktake_id = ?)")
_ITEMS_BY_ID = """
SELECT i.id, i.name, i.sku, i.unit, i.pack_size, i.pack_name, i.current_quantity
  FROM stock_item AS i WHERE i.id IN ({marks})
"""
_LAST_COUNTED = """
SELECT c.item_id, max(c.counted_at) FROM stocktake_count AS c
  JOIN stocktake AS s ON s.id = c.stocktake_id
 WHERE s.state = 'committed' AND s.id <> ? {and_item} GROUP BY c.item_id
"""


@dataclass(frozen=True)
class Counts:
    """A stocktake's tallies without the display rows: what a commit needs."""

    stocktake: StocktakeRow
    items: dict[int, rules.ItemTally]
    on_hand: dict[int, int]  # item -> units in the ledger now
    names: dict[int, tuple[str, str]]  # item -> (name, unit)
    places: dict[tuple[int, int | None], tuple]  # (item, area) -> sort key
    settled: dict[tuple[int, int | None], rules.PlaceCount]
    item_rows: dict[int, tuple]


def stocktake_counts(stocktake_id: int, item_id: int | None = None) -> Counts:
    """Every item in scope with its places settled and its tally."""
    stocktake = get_stocktake(stocktake_id)
    places, items = _scope(stocktake, item_id)
    lines_by_place: dict[tuple[int, int | None], list[rules.Line]] = defaultdict(list)
    for line in lines_of(stocktake_id, item_id):
        lines_by_place[(line.item_id, line.area_id)].append(line)
    _add_places_counted_elsewhere(places, items, lines_by_place)
    settled = {key: rules.settle(key[1], lines_by_place.get(key, ())) for key in places}
    tallies = _tallies(settled, explanations_of(stocktake_id))
    return Counts(stocktake, tallies, {item: row[6] for item, row in items.items()},
                  {item: (row[1], row[3]) for item, row in items.items()},
                  places, settled, items)


def stocktake_sheet(stocktake_id: int, item_id: int | None = None) -> Sheet:
    """Every line of the stocktake, in walk order, with each item's tally.

    With `item_id`, only that item's lines: what the count grid reads again
    after each count, so Enter stays quick on a 2,000-line stocktake.
    """
    counts = stocktake_counts(stocktake_id, item_id)
    places, settled, tallies = counts.places, counts.settled, counts.items
    last_counted = _last_counted(stocktake_id, item_id)
    kept_in: dict[int, int] = defaultdict(int)
    for item, _area in places:
        kept_in[item] += 1
    lines = [_sheet_line(counts.item_rows[item], places[(item, area)],
                         settled[(item, area)], tallies[item], kept_in[item],
                         last_counted.get(item))
             for item, area in sorted(places, key=lambda key: places[key][1:])]
    return Sheet(counts.stocktake, lines, tallies, counts.on_hand)


def _scope(stocktake: StocktakeRow, item_id: int | None) -> tuple[dict, dict]:
    where, params = (_ALL_ACTIVE, ()) if stocktake.all_items else (_IN_AREAS, (stocktake.id,))
    if item_id is not None:
        where, params = f"({where}) AND i.id = ?", (*params, item_id)
    places: dict[tuple[int, int | None], tuple] = {}
    items: dict[int, tuple] = {}
    for row in database.execute_sql(_SCOPE.format(where=where), params):
        item_id, name, area_id, area_name, area_order, item_order = (
            row[0], row[1], row[7], row[8], row[9], row[10])
        items[item_id] = row[:7]
        places[(item_id, area_id)] = _place_key(area_name, area_order, item_order, name)
    return places, items


def _place_key(area_name: str | None, area_order: int | None, item_order: int | None,
               name: str) -> tuple:
    # (area name, then the sort key): areas in walk order, the unplaced last.
    area_rank = (1, 0) if area_order is None else (0, area_order)
    return (area_name or _NOWHERE, *area_rank, area_name or "", item_order or 0,
            name.casefold())


def _last_counted(stocktake_id: int, item_id: int | None) -> dict[int, str]:
    if item_id is None:
        rows = database.execute_sql(_LAST_COUNTED.format(and_item=""), (stocktake_id,))
    else:
        rows = database.execute_sql(_LAST_COUNTED.format(and_item="AND c.item_id = ?"),
                                    (stocktake_id, item_id))
    return dict(rows.fetchall())


def _add_places_counted_elsewhere(places: dict, items: dict, lines_by_place: dict) -> None:
    # Counted where it is not kept (found in another area), or archived since.
    missing = {item_id for item_id, _ in lines_by_place if item_id not in items}
    if missing:
        marks = ",".join("?" * len(missing))
        for row in database.execute_sql(_ITEMS_BY_ID.format(marks=marks), tuple(missing)):
            items[row[0]] = row
    names = {area_id: (name, order) for area_id, name, order in database.execute_sql(
        "SELECT id, name, walk_order FROM storage_area")}
    for item_id, area_id in lines_by_place:
        if (item_id, area_id) not in places:
            name, order = names.get(area_id, (None, None))
            places[(item_id, area_id)] = _place_key(name, order, None, items[item_id][1])


def _tallies(settled: dict, explanations: dict) -> dict[int, rules.ItemTally]:
    by_item: dict[int, list[rules.PlaceCount]] = defaultdict(list)
    for (item_id, _area), place in settled.items():
        by_item[item_id].append(place)
    return {item_id: rules.tally(item_id, places, explanations.get(item_id))
            for item_id, places in by_item.items()}


def _sheet_line(item: tuple, place_key: tuple, place: rules.PlaceCount,
                tally: rules.ItemTally, places: int, last_counted: str | None) -> SheetLine:
    item_id, name, sku, unit, pack_size, pack_name, on_hand = item
    settling = place.settled_by
    return SheetLine(
        item_id=item_id, name=name, sku=sku, unit=unit,
        pack_size=_decimal(pack_size), pack_name=pack_name, area_id=place.area_id,
        area_name=place_key[0], state=place.state, counted=_decimal(place.counted),
        packs=settling.packs if settling is not None else None,
        counted_by=_counted_by(place),
        competing=tuple((line.counted_by, to_decimal(line.counted))
                        for line in place.competing) if place.state == rules.CONFLICT else (),
        item_state=tally.state, item_counted=_decimal(tally.counted),
        expected=_decimal(tally.expected), variance=_decimal(tally.variance),
        on_hand=to_decimal(on_hand), places=places, last_counted_at=last_counted,
        explanation=tuple((reason, to_decimal(units))
                          for reason, units in tally.explanation.items()),
    )


def _counted_by(place: rules.PlaceCount) -> tuple[str, ...]:
    if place.state == rules.CONFLICT:
        return tuple(line.counted_by for line in place.competing)
    return () if place.settled_by is None else (place.settled_by.counted_by,)


def _decimal(units: int | None) -> Decimal | None:
    return None if units is None else to_decimal(units)
