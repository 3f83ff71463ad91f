"""Exporting items, movements, item history or the audit log to a CSV file.

Streamed: rows go from SQLite's cursor to the file one by one, so a million
movements take the memory of a few. One read transaction, so the rows are
one moment's state even while others write. Written through a temporary
file renamed over the destination at the end: a failed or cancelled export
leaves no file (and an existing one as it was). Quantities are exact
decimals, times ISO 8601 in UTC as stored, text cells safe to open in a
spreadsheet (csv_text.safe_cell). UTF-8 with a byte-order mark, so
spreadsheets show accented names right.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import clock, db
from ..atomic_files import replacing
from ..db import database
from ..errors import DataFileError, ValidationError
from ..file_identity import resolved_path
from ..quantity import format_units
from ..sqlite_errors import translate_sqlite_errors
from ..vocabulary import MOVEMENT_TYPES, REASONS
from .csv_text import safe_cell

KINDS = ("items", "movements", "history", "audit")
# How often (in rows) the progress callback hears, and may cancel.
PROGRESS_EVERY = 5_000
Progress = Callable[[int, int], bool]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


@dataclass(frozen=True)
class ExportFilters:
    """Which rows to export (movements: all of these; history and audit: the item)."""

    item_id: int | None = None
    movement_type: str | None = None
    reason: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


class _Cancelled(Exception):
    pass


def export_csv(kind: str, destination: str | Path, *, filters: ExportFilters | None = None,
               replace: bool = False, progress: Progress | None = None
               ) -> ExportResult | None:
    """Write `kind` (items, movements, history, audit) to `destination`; None if cancelled.

    `progress(done, total)` is called every few thousand rows; returning False
    cancels, and then no file is left behind. An existing file is replaced
    only with `replace`.
    """
    if kind not in KINDS:
        raise ValidationError(f"{kind!r} cannot be exported; choose {', '.join(KINDS)}.")
    target = resolved_path(destination)
    _refuse_target(target, replace)
    header, count_sql, sql, params, row_of = _query(kind, filters or ExportFilters())
    try:
        with (translate_sqlite_errors(), database.atomic(),
              replacing(target, replace=replace) as handle):
            total = database.execute_sql(count_sql, params).fetchone()[0]
            written = _write(handle, header, db.stream(sql, params), row_of, total, progress)
    except _Cancelled:
        return None
    except FileExistsError:
        raise DataFileError(
            f"{target} appeared while exporting; nothing was written.") from None
    except OSError as exc:
        raise DataFileError(f"{target} cannot be written: {exc.strerror or exc}. "
                            "Nothing was written.") from exc
    return ExportResult(target, written)


def _refuse_target(target: Path, replace: bool) -> None:
    if target.exists() and not replace:
        raise DataFileError(f"{target} already exists; choose a new name (or replace it).")
    if target.is_dir():
        raise DataFileError(f"{target} is a folder; name a file.")
    if not target.parent.is_dir():
        raise DataFileError(f"The folder {target.parent} does not exist; choose another.")


def _write(handle, header: tuple[str, ...], cursor, row_of: Callable[[tuple], list],
           total: int, progress: Progress | None) -> int:
    handle.write(codecs.BOM_UTF8)
    handle.write(_csv_text([header]))
    done = 0
    for values in _chunked(cursor):
        handle.write(_csv_text(row_of(value) for value in values))
        done += len(values)
        due = done % PROGRESS_EVERY < len(values)
        if progress is not None and due and progress(done, total) is False:
            raise _Cancelled
    if progress is not None and progress(done, total) is False:
        raise _Cancelled
    return done


def _csv_text(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _chunked(cursor, size: int = 1000) -> Iterator[list[tuple]]:
    while True:
        values = cursor.fetchmany(size)
        if not values:
            return
        yield values


def _query(kind: str, filters: ExportFilters):
    return {"items": _items, "movements": _movements, "history": _history,
            "audit": _audit}[kind](filters)


def _quantity(units: int | None) -> str:
    return "" if units is None else format_units(units)


def _text(value: object) -> str:
    return "" if value is None else safe_cell(str(value))


_ITEMS_HEADER = ("id", "sku", "name", "unit", "quantity", "low_stock_threshold", "active",
                 "created_at", "updated_at")


def _items(_filters: ExportFilters):
    sql = ("SELECT id, sku, name, unit, current_quantity, low_stock_threshold, is_active, "
           "created_at, updated_at FROM stock_item ORDER BY name COLLATE NOCASE, id")

    def row(v: tuple) -> list:
        return [v[0], _text(v[1]), _text(v[2]), v[3], _quantity(v[4]), _quantity(v[5]),
                "yes" if v[6] else "no", _text(v[7]), _text(v[8])]

    return _ITEMS_HEADER, "SELECT count(*) FROM stock_item", sql, (), row


_MOVEMENTS_HEADER = ("id", "created_at", "item_id", "sku", "item_name", "unit",
                     "quantity_change", "balance_after", "movement_type", "reason",
                     "reference_type", "reference_id", "notes", "created_by", "op_key")


def _movements(filters: ExportFilters):
    where, params = _movement_conditions(filters)
    count_sql = f"SELECT count(*) FROM stock_movement AS m {where}"
    sql = ("SELECT m.id, m.created_at, m.stock_item_id, i.sku, i.name, i.unit, "
           "m.quantity_change, m.balance_after, m.movement_type, m.reason, m.reference_type, "
           "m.reference_id, m.notes, m.created_by, m.op_key FROM stock_movement AS m "
           f"JOIN stock_item AS i ON i.id = m.stock_item_id {where} ORDER BY m.id")

    def row(v: tuple) -> list:
        return [v[0], _text(v[1]), v[2], _text(v[3]), _text(v[4]), v[5], format_units(v[6]),
                format_units(v[7]), v[8], v[9], _text(v[10]), _text(v[11]), _text(v[12]),
                _text(v[13]), _text(v[14])]

    return _MOVEMENTS_HEADER, count_sql, sql, params, row


def _movement_conditions(filters: ExportFilters) -> tuple[str, tuple]:
    conditions, params = [], []
    if filters.movement_type is not None and filters.movement_type not in MOVEMENT_TYPES:
        raise ValidationError(f"{filters.movement_type!r} is not a movement type; use one of "
                              f"{', '.join(MOVEMENT_TYPES)}.")
    if filters.reason is not None and filters.reason not in REASONS:
        raise ValidationError(f"{filters.reason!r} is not a reason; use one of "
                              f"{', '.join(REASONS)}.")
    for condition, value in (("m.stock_item_id = ?", filters.item_id),
                             ("m.movement_type = ?", filters.movement_type),
                             ("m.reason = ?", filters.reason),
                             ("m.created_at >= ?", _stored(filters.since)),
                             ("m.created_at <= ?", _stored(filters.until))):
        if value is not None:
            conditions.append(condition)
            params.append(value)
    return ("WHERE " + " AND ".join(conditions)) if conditions else "", tuple(params)


def _stored(moment: dt.datetime | None) -> str | None:
    return None if moment is None else clock.to_stored(moment)


_HISTORY_HEADER = ("history_id", "history_at", "history_type", "history_by", "item_id", "sku",
                   "name", "unit", "quantity", "low_stock_threshold", "low_stock_alert_sent",
                   "active", "created_at", "updated_at")


def _history(filters: ExportFilters):
    where = "WHERE id = ?" if filters.item_id is not None else ""
    params = (filters.item_id,) if filters.item_id is not None else ()
    sql = ("SELECT history_id, history_at, history_type, history_by, id, sku, name, unit, "
           "current_quantity, low_stock_threshold, low_stock_alert_sent, is_active, "
           f"created_at, updated_at FROM stock_item_history {where} ORDER BY history_id")

    def row(v: tuple) -> list:
        return [v[0], _text(v[1]), v[2], _text(v[3]), v[4], _text(v[5]), _text(v[6]),
                _text(v[7]), _quantity(v[8]), _quantity(v[9]), _flag(v[10]), _flag(v[11]),
                _text(v[12]), _text(v[13])]

    return (_HISTORY_HEADER, f"SELECT count(*) FROM stock_item_history {where}", sql, params,
            row)


def _flag(value: object) -> str:
    return "" if value is None else ("yes" if value else "no")


_AUDIT_HEADER = ("id", "at", "table_name", "row_id", "action", "actor", "sealed", "changes")


def _audit(filters: ExportFilters):
    where = ("WHERE table_name = 'stock_item' AND row_id = ?"
             if filters.item_id is not None else "")
    params = (filters.item_id,) if filters.item_id is not None else ()
    sql = (f"SELECT id, at, table_name, row_id, action, actor, changes FROM audit_log {where} "
           "ORDER BY id")
    sealed = _SealedIds()

    def row(v: tuple) -> list:
        return [v[0], _text(v[1]), _text(v[2]), v[3], _text(v[4]), _text(v[5]),
                "yes" if sealed.covers(v[0]) else "no", _text(_changes(v[6]))]

    return _AUDIT_HEADER, f"SELECT count(*) FROM audit_log {where}", sql, params, row


# The audit log stores quantities as the file does (ten-thousandths): shown as decimals.
_QUANTITIES = {"current_quantity", "low_stock_threshold", "quantity_change", "balance_after"}


def _changes(stored: object) -> str:
    # JSON: column -> [old, new]; another program's non-JSON value is kept as it is.
    try:
        changes = json.loads(stored)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(stored)
    if isinstance(changes, dict):
        changes = {column: _decimals(values) if column in _QUANTITIES else values
                   for column, values in changes.items()}
    return json.dumps(changes, ensure_ascii=False)


def _decimals(values: object) -> object:
    if not isinstance(values, list):
        return values
    return [format_units(value) if isinstance(value, int) and not isinstance(value, bool)
            else value for value in values]


class _SealedIds:
    """Which audit entries a seal covers, looked up a block of ids at a time."""

    _BLOCK = 4096

    def __init__(self) -> None:
        self._block: int | None = None
        self._covered: set[int] = set()

    def covers(self, row_id: int) -> bool:
        block = row_id // self._BLOCK
        if block != self._block:
            self._covered = self._look_up(block * self._BLOCK, (block + 1) * self._BLOCK - 1)
            self._block = block
        return row_id in self._covered

    @staticmethod
    def _look_up(low: int, high: int) -> set[int]:
        # Ranges never overlap: those meeting [low, high] end inside it, but
        # for at most one that ends beyond (see seal_check.covered_ids).
        try:
            ranges = database.execute_sql(
                "SELECT first_id, last_id FROM seal_range WHERE table_name = 'audit_log' "
                "AND last_id BETWEEN ? AND ?", (low, high)).fetchall()
            ranges += database.execute_sql(
                "SELECT first_id, last_id FROM seal_range WHERE table_name = 'audit_log' "
                "AND last_id > ? ORDER BY last_id LIMIT 1", (high,)).fetchall()
        except DataFileError:
            return set()  # no seal tables: another program removed them
        covered: set[int] = set()
        for first, last in ranges:
            covered.update(range(max(first, low), min(last, high) + 1))
        return covered
