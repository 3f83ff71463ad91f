"""Running a stocktake: start it, enter counts, settle conflicts, explain variances, abandon.

Every count is its own small transaction, saved as it is entered: closing
the window, a crash or a power cut loses none, and a stocktake resumes where
it stopped. Committing (posting the variances) is in stocktake_commit.py.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .. import clock, db
from ..db import database
from ..errors import ConflictError, NotFoundError, ValidationError
from ..models import Stocktake, StocktakeArea, StocktakeCount, StocktakeExplanation
from ..quantity import format_units, to_decimal
from ..vocabulary import REASON_LABELS, UNEXPLAINED, VARIANCE_REASONS
from . import stocktake_tally as tally_rules
from . import validation
from ._write import writing
from .areas import get_area, list_areas
from .queries import ROW_IDS, get_item

MAX_NAME = 100
_STOCKTAKE_FIELDS = ("id, name, all_items, blind, state, uncounted, started_by, started_at, "
                     "closed_by, closed_at")


@dataclass(frozen=True)
class StocktakeRow:
    id: int
    name: str
    all_items: bool
    blind: bool
    state: str
    uncounted: str | None
    started_by: str
    started_at: str
    closed_by: str | None
    closed_at: str | None
    areas: tuple[str, ...]  # the areas it counts, in walk order (empty: every item)

    @property
    def is_open(self) -> bool:
        return self.state == "open"


@dataclass(frozen=True)
class CountRow:
    """One entered count line, as saved."""

    id: int
    stocktake_id: int
    item_id: int
    area_id: int | None
    counted: Decimal
    packs: int | None
    expected: Decimal
    kind: str
    counted_by: str
    counted_at: str
    note: str


def start_stocktake(
    name: str | None = None, *, area_ids: Sequence[int] | None = None, blind: bool = False,
    user: str | None = None, op_key: str | None = None,
) -> StocktakeRow:
    """Open a stocktake of every active item, or of the items kept in `area_ids`.

    Refused while another open stocktake counts any of the same items: two
    counts of one item in two stocktakes would post its variance twice.
    """
    key = validation.op_key(op_key)
    title = _name(name)
    areas = sorted(set(area_ids or ()))
    with writing(user) as actor:
        # Two terminals starting at once would both pass _refuse_overlap and
        # then post the same items' variances twice.
        db.take_turns("stocktake.start")
        if key is not None:
            earlier = Stocktake.get_or_none(Stocktake.op_key == key)
            if earlier is not None:
                return get_stocktake(earlier.id)
        known = {area.id for area in list_areas()}
        unknown = [str(area) for area in areas if area not in known]
        if unknown:
            raise NotFoundError(f"No active storage area with id {', '.join(unknown)}.")
        _refuse_overlap(areas)
        stocktake_id = Stocktake.insert(name=title, all_items=not areas, blind=blind,
                                        started_by=actor, op_key=key).execute()
        for area in areas:
            StocktakeArea.insert(stocktake=stocktake_id, area=area).execute()
        return get_stocktake(stocktake_id)


def get_stocktake(stocktake_id: int) -> StocktakeRow:
    """One stocktake by id."""
    if stocktake_id not in ROW_IDS:
        raise NotFoundError(f"There is no stocktake with id {stocktake_id}.")
    row = database.execute_sql(f"SELECT {_STOCKTAKE_FIELDS} FROM stocktake WHERE id = ?",
                               (stocktake_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no stocktake with id {stocktake_id}.")
    return _stocktake_row(row)


def list_stocktakes(*, state: str | None = None) -> list[StocktakeRow]:
    """Stocktakes, newest first (optionally only those open, committed or abandoned)."""
    where, params = ("WHERE state = ?", (state,)) if state else ("", ())
    rows = database.execute_sql(
        f"SELECT {_STOCKTAKE_FIELDS} FROM stocktake {where} ORDER BY id DESC", params)
    return [_stocktake_row(row) for row in rows.fetchall()]


def record_count(
    stocktake_id: int, item_id: int, area_id: int | None, quantity: object = None, *,
    packs: object = None, loose: object = None, note: str = "", user: str | None = None,
) -> CountRow:
    """Save one count: the quantity, or packs plus loose units, of an item in an area.

    The ledger's quantity at this moment is saved with it: the variance is
    judged at count time, whatever moves before the commit.
    """
    text = validation.notes(note)
    with writing(user) as actor:
        stocktake = require_open(stocktake_id)
        item = get_item(item_id)
        counted, pack_count = _counted(item, quantity, packs, loose)
        _refuse_out_of_scope(stocktake, item, area_id)
        line_id = insert_count(stocktake_id, item_id, area_id, counted, pack_count, text, actor)
        return get_count(line_id)


def insert_count(stocktake_id: int, item_id: int, area_id: int | None, counted: int,
                 packs: int | None, note: str, counted_by: str) -> int:
    """Save a checked count line, with the ledger's quantity now; inside a write transaction."""
    return StocktakeCount.insert(
        stocktake=stocktake_id, item=item_id, area=area_id, counted=counted, packs=packs,
        expected=_on_hand(item_id), counted_by=counted_by, note=note).execute()


def insert_counts(stocktake_id: int,
                  lines: list[tuple[int, int | None, int, int | None, int, str]],
                  *, note: str) -> None:
    """Save many checked lines at once: (item, area, counted, packs, expected, counted by)."""
    db.run_many(
        "INSERT INTO stocktake_count (stocktake_id, item_id, area_id, counted, packs, expected, "
        "counted_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(stocktake_id, *line, note) for line in lines])


def resolve_count(
    stocktake_id: int, item_id: int, area_id: int | None, *, keep: str | None = None,
    add_up: bool = False, quantity: object = None, user: str | None = None,
) -> CountRow:
    """Settle two counters' counts of one item in one area.

    `keep` one counter's count, `add_up` both (each counted part of the
    shelf), or give the `quantity` of a recount. The settling line is new: the
    lines it settles stay, as proof of what each person counted.
    """
    chosen = [keep is not None, add_up, quantity is not None]
    if sum(chosen) != 1:
        raise ValidationError("Choose one way to settle it: keep one count, add them up, "
                              "or enter a recount.")
    with writing(user) as actor:
        require_open(stocktake_id)
        item = get_item(item_id)
        place = tally_rules.settle(area_id, _lines(stocktake_id, item_id, area_id))
        if place.state != tally_rules.CONFLICT:
            raise ConflictError(f"{item.name} has no conflicting counts there to settle.")
        counted, expected, note = _settlement(item, place, keep, add_up, quantity)
        line_id = StocktakeCount.insert(
            stocktake=stocktake_id, item=item_id, area=area_id, counted=counted,
            expected=expected, kind="resolution", counted_by=actor, note=note).execute()
        return get_count(line_id)


def explain_variance(
    stocktake_id: int, item_id: int, parts: Mapping[str, object], *, user: str | None = None,
) -> dict[str, Decimal]:
    """Split an item's variance across reasons (sizes, in the item's unit); the rest stays
    unexplained. An empty `parts` takes an earlier explanation back."""
    sizes = {_reason(reason): validation.positive_quantity(size, "share")
             for reason, size in parts.items()}
    with writing(user) as actor:
        require_open(stocktake_id)
        item = get_item(item_id)
        variance = item_variance(stocktake_id, item_id)
        if variance is None or variance == 0:
            raise ConflictError(f"{item.name} has no variance to explain "
                                "(it is not counted yet, or it matched the ledger).")
        if tally_rules.explained_total(sizes) > abs(variance):
            raise ValidationError(
                f"The shares add up to more than {item.name}'s variance of "
                f"{format_units(abs(variance))} {item.unit}.", "quantity")
        StocktakeExplanation.insert(stocktake=stocktake_id, item=item_id,
                                    reasons=json.dumps(sizes, sort_keys=True),
                                    explained_by=actor).execute()
    return {reason: to_decimal(units) for reason, units in sizes.items()}


def abandon_stocktake(stocktake_id: int, *, user: str | None = None) -> StocktakeRow:
    """Close a stocktake without posting anything; its counts stay as they were."""
    with writing(user) as actor:
        require_open(stocktake_id)
        (Stocktake.update(state="abandoned", closed_by=actor, closed_at=clock.now_stored())
         .where(Stocktake.id == stocktake_id).execute())
        return get_stocktake(stocktake_id)


def get_count(line_id: int) -> CountRow:
    """One count line by id."""
    line = StocktakeCount.get_or_none(StocktakeCount.id == line_id)
    if line is None:
        raise NotFoundError(f"There is no count line {line_id}.")
    return CountRow(
        id=line.id, stocktake_id=line.stocktake_id, item_id=line.item_id,
        area_id=line.area_id, counted=to_decimal(line.counted), packs=line.packs,
        expected=to_decimal(line.expected), kind=line.kind, counted_by=line.counted_by,
        counted_at=line.counted_at, note=line.note)


def item_variance(stocktake_id: int, item_id: int) -> int | None:
    """The item's variance (units) as the counts stand now, or None if not fully counted."""
    places = _places_of(stocktake_id, item_id)
    item = tally_rules.tally(item_id, places)
    return item.variance if item.state == tally_rules.COUNTED else None


_LINE_FIELDS = ("id, item_id, area_id, counted, packs, expected, kind, counted_by, "
                "counted_at, note")


def lines_of(stocktake_id: int, item_id: int | None = None) -> list[tally_rules.Line]:
    """The count lines of a stocktake (or of one item in it), in the order they were saved."""
    if item_id is None:
        rows = database.execute_sql(
            f"SELECT {_LINE_FIELDS} FROM stocktake_count WHERE stocktake_id = ? ORDER BY id",
            (stocktake_id,))
    else:
        rows = database.execute_sql(
            f"SELECT {_LINE_FIELDS} FROM stocktake_count WHERE stocktake_id = ? "
            "AND item_id = ? ORDER BY id", (stocktake_id, item_id))
    return [tally_rules.Line(*row) for row in rows]


def explanations_of(stocktake_id: int) -> dict[int, dict[str, int]]:
    """Each item's newest explanation: reason -> size in units."""
    rows = database.execute_sql(
        "SELECT item_id, reasons FROM stocktake_explanation WHERE stocktake_id = ? "
        "ORDER BY id", (stocktake_id,))
    newest: dict[int, dict[str, int]] = {}
    for item_id, reasons in rows:
        newest[item_id] = {reason: int(units) for reason, units in json.loads(reasons).items()}
    return newest


def last_counted(item_id: int) -> str | None:
    """When the item was last counted in a committed stocktake (stored time), if ever."""
    return database.execute_sql(
        "SELECT max(c.counted_at) FROM stocktake_count AS c JOIN stocktake AS s "
        "ON s.id = c.stocktake_id WHERE c.item_id = ? AND s.state = 'committed'",
        (item_id,)).fetchone()[0]


def reason_label(reason: str) -> str:
    return REASON_LABELS.get(reason, reason)


def require_open(stocktake_id: int) -> StocktakeRow:
    """The stocktake, if it is still open; else a sentence saying when it was closed."""
    stocktake = get_stocktake(stocktake_id)
    if not stocktake.is_open:
        when = stocktake.closed_at or ""
        raise ConflictError(f"Stocktake {stocktake.id} ({stocktake.name}) was already "
                            f"{stocktake.state} by {stocktake.closed_by} at {when}; "
                            "nothing can change in it now.")
    return stocktake


def _name(name: str | None) -> str:
    if name is None or not str(name).strip():
        return f"Stocktake {dt.date.today():%Y-%m-%d}"
    text = str(name).strip()
    if len(text) > MAX_NAME or not text.isprintable():
        raise ValidationError(f"A stocktake's name is 1 to {MAX_NAME} printable characters.",
                              "name")
    return text


def _refuse_overlap(areas: list[int]) -> None:
    for other in list_stocktakes(state="open"):
        if other.all_items or not areas:
            raise ConflictError(
                f"Stocktake {other.id} ({other.name}) is still open and counts some of the "
                "same items; commit or abandon it first.")
        shared = database.execute_sql(
            "SELECT 1 FROM stocktake_area AS theirs JOIN item_location AS kept "
            "ON kept.area_id = theirs.area_id JOIN item_location AS ours "
            f"ON ours.item_id = kept.item_id WHERE theirs.stocktake_id = ? "
            f"AND ours.area_id IN ({','.join('?' * len(areas))}) LIMIT 1",
            (other.id, *areas)).fetchone()
        if shared:
            raise ConflictError(
                f"Stocktake {other.id} ({other.name}) is still open and counts some of the "
                "same items; commit or abandon it first.")


def _counted(item, quantity: object, packs: object, loose: object) -> tuple[int, int | None]:
    if quantity is not None and (packs is not None or loose is not None):
        raise ValidationError("Enter the quantity, or packs and loose units, not both.",
                              "quantity")
    if packs is None:
        total = validation.new_quantity(loose if quantity is None else quantity, "count")
        return total, None
    if item.pack_size is None:
        raise ValidationError(f"{item.name} has no pack size; enter the quantity instead.",
                              "packs")
    pack_count = _whole_packs(packs)
    loose_units = 0 if loose in (None, "") else validation.new_quantity(loose, "count")
    size = int(item.pack_size.scaleb(4))
    total = pack_count * size + loose_units
    if total > 9_999_999_999:
        raise ValidationError(f"That is more {item.unit} of {item.name} than a count can "
                              "hold.", "packs")
    return total, pack_count


def _whole_packs(value: object) -> int:
    units = validation.new_quantity(value, "number of packs")
    if units % 10_000:
        raise ValidationError("Packs are counted whole; put the rest in loose units.", "packs")
    return units // 10_000


def _refuse_out_of_scope(stocktake: StocktakeRow, item, area_id: int | None) -> None:
    if not item.is_active:
        raise ConflictError(f"{item.name} is archived; restore it to count it.")
    if area_id is not None and not get_area(area_id).is_active:
        raise ConflictError("That storage area is archived.")
    if stocktake.all_items:
        return
    inside = database.execute_sql(
        "SELECT 1 FROM stocktake_area AS counted JOIN item_location AS kept "
        "ON kept.area_id = counted.area_id WHERE counted.stocktake_id = ? AND kept.item_id = ?",
        (stocktake.id, item.id)).fetchone()
    if inside is None:
        raise ConflictError(f"{item.name} is not kept in any area this stocktake counts "
                            f"({', '.join(stocktake.areas)}).")


def _settlement(item, place: tally_rules.PlaceCount, keep: str | None, add_up: bool,
                quantity: object) -> tuple[int, int, str]:
    lines = place.competing
    newest = max(lines, key=lambda line: line.id)
    if add_up:
        names = " + ".join(line.counted_by for line in lines)
        return sum(line.counted for line in lines), newest.expected, f"added up: {names}"
    if keep is not None:
        for line in lines:
            if line.counted_by == keep:
                return line.counted, line.expected, f"kept {keep}'s count"
        raise NotFoundError(f"{keep!r} did not count {item.name} there; the counts are by "
                            f"{', '.join(line.counted_by for line in lines)}.")
    return validation.new_quantity(quantity, "count"), _on_hand(item.id), "recounted"


def _reason(reason: str) -> str:
    if reason not in (*VARIANCE_REASONS, UNEXPLAINED):
        choices = ", ".join((*VARIANCE_REASONS, UNEXPLAINED))
        raise ValidationError(f"{reason!r} is not a reason for a variance; use one of "
                              f"{choices}.", "reason")
    return reason


def _places_of(stocktake_id: int, item_id: int) -> list[tally_rules.PlaceCount]:
    kept = [row[0] for row in database.execute_sql(
        "SELECT area_id FROM item_location WHERE item_id = ?", (item_id,))] or [None]
    lines = lines_of(stocktake_id, item_id)
    areas = list(dict.fromkeys([*kept, *(line.area_id for line in lines)]))
    return [tally_rules.settle(area, [ln for ln in lines if ln.area_id == area])
            for area in areas]


def _lines(stocktake_id: int, item_id: int, area_id: int | None) -> list[tally_rules.Line]:
    return [line for line in lines_of(stocktake_id, item_id) if line.area_id == area_id]


def _on_hand(item_id: int) -> int:
    return database.execute_sql("SELECT current_quantity FROM stock_item WHERE id = ?",
                                (item_id,)).fetchone()[0]


def _stocktake_row(values: tuple) -> StocktakeRow:
    (id_, name, all_items, blind, state, uncounted, started_by, started_at, closed_by,
     closed_at) = values
    areas = tuple(row[0] for row in database.execute_sql(
        "SELECT a.name FROM stocktake_area AS s JOIN storage_area AS a ON a.id = s.area_id "
        "WHERE s.stocktake_id = ? ORDER BY a.walk_order, a.id", (id_,)))
    return StocktakeRow(id_, name, bool(all_items), bool(blind), state, uncounted, started_by,
                        started_at, closed_by, closed_at, areas)
