"""Storage areas (walk-in, freezer, dry store, bar, cellar): walk order, and what is kept where.

A stocktake walks the areas in their order and, in each, the items in theirs.
An item may be kept in several areas; one kept nowhere is counted on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .. import db
from ..db import database
from ..errors import ConflictError, NotFoundError
from ..models import ItemLocation, StorageArea
from . import validation
from ._write import writing
from .queries import get_item


@dataclass(frozen=True)
class AreaRow:
    id: int
    name: str
    walk_order: int
    is_active: bool
    items: int  # how many items are kept here


@dataclass(frozen=True)
class PlaceRow:
    """Where an item is kept: the area, and the item's place in that area's count order."""

    item_id: int
    area_id: int
    area_name: str
    walk_order: int


def list_areas(*, include_archived: bool = False) -> list[AreaRow]:
    """Storage areas in walk order."""
    sql = ("SELECT a.id, a.name, a.walk_order, a.is_active, "
           "(SELECT count(*) FROM item_location WHERE area_id = a.id) "
           "FROM storage_area AS a {} ORDER BY a.walk_order, a.id")
    where = "" if include_archived else "WHERE a.is_active"
    rows = database.execute_sql(sql.format(where)).fetchall()
    return [AreaRow(id_, name, order, bool(active), items)
            for id_, name, order, active, items in rows]


def get_area(area_id: int) -> AreaRow:
    """The area with this id, archived or not."""
    for area in list_areas(include_archived=True):
        if area.id == area_id:
            return area
    raise NotFoundError(f"There is no storage area with id {area_id}.")


def find_area(reference: str) -> AreaRow:
    """The area a person means: its name (any case), or #id."""
    text = str(reference).strip()
    areas = list_areas(include_archived=True)
    if text.startswith("#") and text[1:].isascii() and text[1:].isdigit():
        return get_area(int(text[1:]))
    for area in areas:
        if area.name.casefold() == text.casefold():
            return area
    known = ", ".join(area.name for area in areas if area.is_active) or "none yet"
    raise NotFoundError(f"There is no storage area called {text!r} (areas: {known}).")


def create_area(name: str, *, user: str | None = None) -> AreaRow:
    """A new storage area, last in the walk order."""
    text = validation.area_name(name)
    with writing(user):
        _refuse_duplicate_name(text)
        last = database.execute_sql("SELECT max(walk_order) FROM storage_area").fetchone()[0]
        area_id = StorageArea.insert(name=text, walk_order=(last or 0) + 1).execute()
        return get_area(area_id)


def rename_area(area_id: int, name: str, *, user: str | None = None) -> AreaRow:
    """Give an area another name."""
    text = validation.area_name(name)
    with writing(user):
        get_area(area_id)
        _refuse_duplicate_name(text, except_id=area_id)
        StorageArea.update(name=text).where(StorageArea.id == area_id).execute()
        return get_area(area_id)


def archive_area(area_id: int, *, user: str | None = None) -> AreaRow:
    """Take an empty area out of the walk; areas are never deleted (counts refer to them)."""
    with writing(user):
        area = get_area(area_id)
        if area.items:
            raise ConflictError(
                f"{area.name} still holds {area.items} item(s); move them to another area "
                "first.")
        StorageArea.update(is_active=False).where(StorageArea.id == area_id).execute()
        return get_area(area_id)


def order_areas(area_ids: Sequence[int], *, user: str | None = None) -> list[AreaRow]:
    """Walk the given areas first, in this order; the others follow as they were."""
    with writing(user):
        current = [area.id for area in list_areas(include_archived=True)]
        _refuse_unknown(area_ids, current, "storage area")
        _renumber("storage_area", "id", list(area_ids) + [a for a in current
                                                          if a not in area_ids])
    return list_areas()


def place_item(item_id: int, area_ids: Sequence[int], *, user: str | None = None
               ) -> list[PlaceRow]:
    """Keep the item in exactly these areas (none: kept nowhere in particular).

    A new place goes last in that area's count order; places kept keep theirs.
    """
    with writing(user):
        get_item(item_id)
        set_places(item_id, area_ids)
        return item_places(item_id)


def set_places(item_id: int, area_ids: Sequence[int]) -> None:
    """place_item's work, inside a write transaction the caller holds."""
    _refuse_unknown(area_ids, [area.id for area in list_areas()], "active storage area")
    kept = {place.area_id for place in item_places(item_id)}
    for area_id in kept - set(area_ids):
        ItemLocation.delete().where((ItemLocation.item == item_id)
                                    & (ItemLocation.area == area_id)).execute()
    for area_id in area_ids:
        if area_id not in kept:
            ItemLocation.insert(item=item_id, area=area_id,
                                walk_order=_next_place(area_id)).execute()


def order_area_items(area_id: int, item_ids: Sequence[int], *, user: str | None = None
                     ) -> list[int]:
    """Count the given items first in this area, in this order; the others follow."""
    with writing(user):
        get_area(area_id)
        current = [row[0] for row in database.execute_sql(
            "SELECT item_id FROM item_location WHERE area_id = ? ORDER BY walk_order, item_id",
            (area_id,))]
        _refuse_unknown(item_ids, current, f"item kept in area #{area_id}")
        order = list(item_ids) + [item for item in current if item not in item_ids]
        for position, item in enumerate(order, start=1):
            (ItemLocation.update(walk_order=position)
             .where((ItemLocation.item == item) & (ItemLocation.area == area_id)
                    & (ItemLocation.walk_order != position)).execute())
        return order


def item_places(item_id: int) -> list[PlaceRow]:
    """Where an item is kept, in walk order of the areas."""
    rows = database.execute_sql(
        "SELECT l.item_id, l.area_id, a.name, l.walk_order FROM item_location AS l "
        "JOIN storage_area AS a ON a.id = l.area_id WHERE l.item_id = ? "
        "ORDER BY a.walk_order, a.id", (item_id,)).fetchall()
    return [PlaceRow(*row) for row in rows]


def _refuse_duplicate_name(name: str, except_id: int | None = None) -> None:
    db.take_turns("area.name")  # two terminals adding the same area: one is told
    for area in list_areas(include_archived=True):
        if area.name.casefold() == name.casefold() and area.id != except_id:
            raise ConflictError(f"There is already a storage area called {area.name!r}.")


def _refuse_unknown(given: Sequence[int], known: Sequence[int], what: str) -> None:
    unknown = [str(value) for value in given if value not in known]
    if unknown:
        raise NotFoundError(f"No {what} with id {', '.join(unknown)}.")
    if len(set(given)) != len(given):
        raise ConflictError(f"Each {what} can be named only once.")


def _renumber(table: str, key: str, ids: list[int]) -> None:
    for position, row_id in enumerate(ids, start=1):
        database.execute_sql(
            f"UPDATE {table} SET walk_order = ? WHERE {key} = ? AND walk_order IS DISTINCT FROM ?",
            (position, row_id, position))


def _next_place(area_id: int) -> int:
    last = database.execute_sql(
        "SELECT max(walk_order) FROM item_location WHERE area_id = ?", (area_id,)).fetchone()[0]
    return (last or 0) + 1
