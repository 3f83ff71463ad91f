"""Reading the ledger: items, movements, history and audit, as plain rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from decimal import Decimal

import peewee

from .. import clock, db, seal_check
from ..db import database
from ..errors import ConflictError, DataFileError, NotFoundError, ValidationError
from ..models import AuditLog, StockItem, StockItemHistory, StockMovement
from ..quantity import to_decimal
from ..sqlite_errors import translate_sqlite_errors
from ..vocabulary import MOVEMENT_TYPES, REASONS
from . import audit_records
from .rows import (
    AuditRow,
    ItemHistoryRow,
    ItemRow,
    MovementRow,
    audit_row,
    history_row,
    item_row,
    movement_row,
)
from .validation import sku_key

ITEM_FIELDS = (
    StockItem.id, StockItem.name, StockItem.sku, StockItem.unit, StockItem.current_quantity,
    StockItem.low_stock_threshold, StockItem.low_stock_alert_sent, StockItem.is_active,
    StockItem.created_at, StockItem.updated_at, StockItem.pack_size, StockItem.pack_name,
    StockItem.current_value, StockItem.standard_cost, StockItem.par_level, StockItem.supplier,
)
MOVEMENT_FIELDS = (
    StockMovement.id, StockMovement.stock_item, StockItem.name, StockItem.sku, StockItem.unit,
    StockMovement.quantity_change, StockMovement.movement_type, StockMovement.reason,
    StockMovement.notes, StockMovement.reference_type, StockMovement.reference_id,
    StockMovement.balance_after, StockMovement.created_by, StockMovement.created_at,
    StockMovement.op_key, StockMovement.value_change, StockMovement.value_after,
    StockMovement.valued_by, StockMovement.unit_cost, StockMovement.supplier,
)
MAX_PAGE = 10_000
# SQLite integers are 64-bit: a larger id (typed by someone) names no row, and
# binding it would raise OverflowError instead of saying so.
ROW_IDS = range(-(2**63), 2**63)
_MAX_ID_DIGITS = 19  # more digits than any SQLite integer has


def get_item(item_id: int) -> ItemRow:
    """The item with this id, archived or not."""
    if item_id not in ROW_IDS:
        raise NotFoundError(f"There is no item with id {item_id}.")
    values = _items().where(StockItem.id == item_id).tuples().first()
    if values is None:
        raise NotFoundError(f"There is no item with id {item_id}.")
    return item_row(values)


def find_item(reference: str) -> ItemRow:
    """The item a person means by `reference`.

    '#12' is the item with id 12. Anything else is a SKU (any case, any Unicode
    form); bare digits that are no SKU name an id. Digits that are both one
    item's SKU and another's id (a SKU from before SKUs had to hold a letter)
    are refused as ambiguous rather than guessed.
    """
    text = str(reference).strip()
    if text.startswith("#"):
        return get_item(_typed_id(text[1:], reference))
    by_sku = _by_sku(text)
    by_id = _by_typed_digits(text)
    if by_sku and by_id and by_sku.id != by_id.id:
        raise ConflictError(
            f"{text!r} is both the SKU of {by_sku.name} and the id of {by_id.name}: write "
            f"#{text} for the item with id {text}, or give {by_sku.name} a SKU with a letter.")
    found = by_sku or by_id
    if found is None:
        raise NotFoundError(f"There is no item with SKU or id {text!r}.")
    return found


def list_items(
    *, include_archived: bool = False, low_only: bool = False, search: str | None = None
) -> list[ItemRow]:
    """Items by name; archived ones only when asked; `search` matches name or SKU."""
    query = _items()
    if not include_archived:
        query = query.where(StockItem.is_active == True)  # noqa: E712 - SQL, not Python
    if low_only:
        query = query.where(
            StockItem.low_stock_threshold.is_null(False)
            & (StockItem.current_quantity <= StockItem.low_stock_threshold)
        )
    if search:
        text = search.strip()
        if not _storable(text):
            return []
        query = query.where(StockItem.name.contains(text) | StockItem.sku.contains(text))
    query = query.order_by(StockItem.name.collate("NOCASE"), StockItem.id)
    # Executed directly: peewee's row wrapper cost more than SQLite's own
    # work here (about 0.25 s of 0.55 s at 50,000 items).
    with translate_sqlite_errors():
        cursor = database.execute(query)
        return [item_row(values) for values in cursor]


def items_needing_attention() -> list[ItemRow]:
    """Active items whose low-stock alert is raised (at or below their threshold)."""
    query = (
        _items()
        .where((StockItem.low_stock_alert_sent == True) & (StockItem.is_active == True))  # noqa: E712
        .order_by(StockItem.name.collate("NOCASE"))
    )
    return [item_row(values) for values in query.tuples()]


def get_movement(movement_id: int) -> MovementRow:
    """One movement by id."""
    if movement_id not in ROW_IDS:
        raise NotFoundError(f"There is no movement with id {movement_id}.")
    values = movement_query().where(StockMovement.id == movement_id).tuples().first()
    if values is None:
        raise NotFoundError(f"There is no movement with id {movement_id}.")
    return movement_row(values)


def list_movements(
    *,
    item_id: int | None = None,
    movement_type: str | None = None,
    reason: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = 100,
    offset: int = 0,
    before_id: int | None = None,
) -> list[MovementRow]:
    """Movements, newest first, filtered; `before_id` pages without OFFSET's cost."""
    query = movement_query()
    for condition in _movement_filters(item_id, movement_type, reason, since, until, before_id):
        query = query.where(condition)
    query = query.order_by(StockMovement.id.desc())
    if limit is not None:
        query = query.limit(_page_size(limit)).offset(max(0, offset))
    with translate_sqlite_errors():
        return [movement_row(values) for values in query.tuples()]


def count_movements(**filters: object) -> int:
    """How many movements list_movements(**filters) would return without a limit."""
    query = StockMovement.select()
    for condition in _movement_filters(**filters):  # type: ignore[arg-type]
        query = query.where(condition)
    return query.count()


def quantity_on(item_id: int, moment: dt.datetime) -> Decimal:
    """The item's quantity at a past moment, read from the ledger's balance_after."""
    get_item(item_id)
    balance = (
        StockMovement.select(StockMovement.balance_after)
        .where((StockMovement.stock_item == item_id)
               & (StockMovement.created_at <= clock.to_stored(moment)))
        .order_by(StockMovement.id.desc())
        .scalar()
    )
    return to_decimal(balance or 0)


def item_history(
    item_id: int, *, newest_first: bool = False, limit: int | None = None,
    before_id: int | None = None,
) -> list[ItemHistoryRow]:
    """Recorded states of the item (from stock_item_history), oldest first by default.

    An item with a long ledger has a state per movement: page newest first
    with `limit` and `before_id` (a history_id) rather than reading them all.
    """
    h = StockItemHistory
    query = (
        h.select(h.history_id, h.history_type, h.history_at, h.history_by, h.id, h.name,
                 h.sku, h.unit, h.current_quantity, h.low_stock_threshold, h.is_active)
        .where(h.id == item_id)
    )
    if before_id is not None:
        query = query.where(h.history_id < before_id)
    query = query.order_by(h.history_id.desc() if newest_first else h.history_id)
    if limit is not None:
        query = query.limit(_page_size(limit))
    return [history_row(values) for values in query.tuples()]


def audit_entries(
    *, table_name: str | None = None, row_id: int | None = None,
    limit: int | None = 100, before_id: int | None = None,
) -> list[AuditRow]:
    """Audit log rows, newest first."""
    a = AuditLog
    query = a.select(a.id, a.table_name, a.row_id, a.action, a.changes, a.actor, a.at)
    if table_name is not None and row_id is None:
        # `|| ''` keeps SQLite off audit_log_row here: through that index it
        # would sort every entry of the table (seconds at a million movements)
        # to return one page; walking the log back by id stops at a page.
        query = query.where(a.table_name.concat("") == table_name)
    elif table_name is not None:
        query = query.where(a.table_name == table_name)
    if row_id is not None:
        query = query.where(a.row_id == row_id)
    if before_id is not None:
        query = query.where(a.id < before_id)
    query = query.order_by(a.id.desc())
    if limit is not None:
        query = query.limit(_page_size(limit))
    rows = list(query.tuples())
    sealed = _sealed_audit_ids([values[0] for values in rows])
    about = audit_records.records([(values[1], values[2]) for values in rows])
    return [dataclasses.replace(audit_row(values, values[0] in sealed),
                                **_about(about.get((values[1], values[2]))))
            for values in rows]


def _about(record: audit_records.Record | None) -> dict[str, object]:
    if record is None:
        return {}
    return {"item_id": record.item_id, "item_name": record.name, "item_sku": record.sku,
            "unit": record.unit}


def _sealed_audit_ids(ids: list[int]) -> set[int]:
    if not db.seals_kept():
        return set(ids)  # a server: its privileges keep other programs' hands off instead
    try:
        return seal_check.covered_ids(database.execute_sql, "audit_log", ids)
    except DataFileError:
        return set()  # no seal tables: another program removed them


def _items() -> peewee.ModelSelect:
    return StockItem.select(*ITEM_FIELDS)


def _by_sku(text: str) -> ItemRow | None:
    if not _storable(text) or not text:
        return None
    key = sku_key(text)
    folded = unicodedata.normalize("NFKC", text)
    rows = list(_items().where(StockItem.sku.collate("NOCASE") == folded).tuples())
    if not folded.isascii():
        # SKUs written before schema 2 may hold any letter: compare those on
        # the normalised key ("CAFÉ" and "café", composed or not, are one).
        legacy = peewee.Expression(StockItem.sku, "GLOB", "*[^ -~]*")
        rows += [values for values in _items().where(legacy).tuples()
                 if sku_key(values[2]) == key]
    found = {values[0]: values for values in rows}
    if len(found) > 1:
        names = ", ".join(f"{values[1]} (#{item_id})" for item_id, values in sorted(found.items()))
        raise ConflictError(
            f"Several items have SKUs that read as {text!r}: {names}. Name the one you mean "
            "by its id, e.g. #12.")
    return item_row(next(iter(found.values()))) if found else None


def _by_typed_digits(text: str) -> ItemRow | None:
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_ID_DIGITS:
        return None
    try:
        return get_item(int(text))
    except NotFoundError:
        return None


def _typed_id(text: str, reference: str) -> int:
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(f"{reference!r} is not an item id: write # and its number, e.g. #12.")
    if len(digits) > _MAX_ID_DIGITS:
        raise NotFoundError(f"There is no item with id {digits[:20]}….")
    return int(digits)


def movement_query() -> peewee.ModelSelect:
    """Movements joined with their item, selecting MOVEMENT_FIELDS (for movement_row)."""
    return StockMovement.select(*MOVEMENT_FIELDS).join(StockItem)


def _movement_filters(
    item_id: int | None = None,
    movement_type: str | None = None,
    reason: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    before_id: int | None = None,
) -> list[peewee.Expression]:
    conditions = []
    if item_id is not None:
        conditions.append(StockMovement.stock_item == _clamped(item_id))
    if movement_type is not None:
        if movement_type not in MOVEMENT_TYPES:
            raise ValidationError(
                f"{movement_type!r} is not a movement type; use one of "
                f"{', '.join(MOVEMENT_TYPES)}.", "movement_type")
        conditions.append(StockMovement.movement_type == movement_type)
    if reason is not None:
        if reason not in REASONS:
            raise ValidationError(
                f"{reason!r} is not a reason; use one of {', '.join(REASONS)}.", "reason")
        conditions.append(StockMovement.reason == reason)
    if since is not None:
        conditions.append(_created_at_unindexed() >= clock.to_stored(since))
    if until is not None:
        conditions.append(_created_at_unindexed() <= clock.to_stored(until))
    if before_id is not None:
        conditions.append(StockMovement.id < _clamped(before_id))
    return conditions


def _storable(text: str) -> bool:
    # A lone surrogate (bytes a command line could not decode) cannot be
    # encoded for SQLite: such text matches nothing, instead of crashing the query.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _clamped(row_id: int) -> int:
    # Beyond SQLite's range an id matches nothing (or, as an upper bound, everything).
    return min(max(row_id, ROW_IDS.start), ROW_IDS.stop - 1)


def _created_at_unindexed() -> peewee.Node:
    # An expression (|| '') keeps SQLite off the created_at index. With it, a
    # date range made SQLite collect and sort every match before returning one
    # newest page (11.7 s for a year at 1,000,000 movements); walking the ids
    # newest first and stopping at the page's end takes milliseconds. Both
    # backends read `|| ''` (a unary + would be SQLite's alone).
    return StockMovement.created_at.concat("")


def _page_size(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"The limit must be between 1 and {MAX_PAGE}.", "limit")
    return limit
