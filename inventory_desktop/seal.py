"""Seals: tampering with the ledger made evident, even by a tool that turns triggers off.

At the end of each of our write transactions, the rows it added to the
append-only tables are digested and one seal is appended: an HMAC, with this
installation's key (kept outside the file), over those digests and over the
previous seal. Changing or removing a sealed row breaks its seal; removing or
forging a seal breaks the chain; cutting off the newest seals is caught by the
anchor kept outside the file (seal_store.py). Rows no seal covers were written
by another tool. docs/design.md has the threat model.

Everything here takes `execute(sql, params)` returning a DB-API cursor, so
the migration runner's raw connection and peewee's database both fit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from . import clock
from .seal_store import Anchor, SealKey

Execute = Callable[[str, Sequence[Any]], Any]

# The append-only tables and their id columns. Only columns added later with
# a NULL default may join them: a row's digest leaves NULL columns out, so
# such a column does not change the digest of rows sealed before it existed.
SEALED_TABLES: dict[str, str] = {
    "stock_movement": "id",
    "stock_item_history": "history_id",
    "audit_log": "id",
    "stocktake_count": "id",
    "stocktake_explanation": "id",
}
_ROW_DIGEST_CHARS = 32
_RANGE_PREFIX = "range:"
_PER_ROW_UP_TO = 64  # rows sealed one digest each; more in one run share a digest


@dataclass(frozen=True)
class SealRange:
    table: str
    first_id: int
    last_id: int
    rows_digest: str


def sealed_tables(execute: Execute) -> dict[str, str]:
    """The sealed tables this file has (an older schema has fewer): table -> id column."""
    present = {name for (name,) in execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'", ())}
    return {table: column for table, column in SEALED_TABLES.items() if table in present}


def high_water(execute: Execute, tables: dict[str, str]) -> dict[str, int]:
    """The newest id of each sealed table: what a transaction's seal starts after."""
    columns = ", ".join(f"(SELECT max({column}) FROM {table})"
                        for table, column in tables.items())
    newest = execute(f"SELECT {columns}", ()).fetchone()
    return {table: value or 0 for table, value in zip(tables, newest, strict=True)}


def seal_new_rows(
    execute: Execute, since: dict[str, int], *, key: SealKey, file_id: str, actor: str,
) -> Anchor | None:
    """Seal the rows added after `since` (this transaction's); None when it added none."""
    ranges: list[SealRange] = []
    for table, start in since.items():
        column = SEALED_TABLES[table]
        cursor = execute(f"SELECT * FROM {table} WHERE {column} > ? ORDER BY {column}",
                         (start,))
        ranges += per_row_ranges(table, digested_rows(cursor, column))
    if not ranges:
        return None
    return append_seal(execute, "write", ranges, key=key, file_id=file_id, actor=actor)


def seal_all_rows(execute: Execute, *, key: SealKey, file_id: str, actor: str) -> Anchor | None:
    """The baseline: one seal over every row that exists when sealing begins."""
    ranges = []
    for table, id_column in sealed_tables(execute).items():
        cursor = execute(f"SELECT * FROM {table} ORDER BY {id_column}", ())
        found = range_digest(digested_rows(cursor, id_column))
        if found is not None:
            first, last, digest = found
            ranges.append(SealRange(table, first, last, digest))
    if not ranges:
        return None
    return append_seal(execute, "baseline", ranges, key=key, file_id=file_id, actor=actor)


def append_seal(
    execute: Execute, kind: str, ranges: Sequence[SealRange], *,
    key: SealKey, file_id: str, actor: str,
) -> Anchor:
    """Append one seal over `ranges`, chained to the newest seal."""
    newest = execute("SELECT seq, digest FROM seal ORDER BY seq DESC LIMIT 1", ()).fetchone()
    seq, previous = (newest[0] + 1, newest[1]) if newest else (1, "")
    sealed_at = clock.now_stored()
    digest = seal_digest(key.secret, previous, seq, kind, key.key_id, file_id, actor,
                         sealed_at, ranges)
    execute("INSERT INTO seal (seq, kind, key_id, sealed_by, sealed_at, digest) "
            "VALUES (?, ?, ?, ?, ?, ?)", (seq, kind, key.key_id, actor, sealed_at, digest))
    values = ", ".join(["(?, ?, ?, ?, ?)"] * len(ranges))
    params = [v for r in ranges for v in (seq, r.table, r.first_id, r.last_id, r.rows_digest)]
    execute("INSERT INTO seal_range (seq, table_name, first_id, last_id, rows_digest) "
            f"VALUES {values}", params)
    return Anchor(file_id, seq, digest)


def seal_digest(
    secret: bytes, previous: str, seq: int, kind: str, key_id: str, file_id: str,
    sealed_by: str, sealed_at: str, ranges: Iterable[SealRange],
) -> str:
    """The HMAC that binds a seal to the one before it, its rows and its data file."""
    covered = sorted([r.table, r.first_id, r.last_id, r.rows_digest] for r in ranges)
    message = json.dumps([previous, seq, kind, key_id, file_id, sealed_by, sealed_at, covered],
                         ensure_ascii=True, separators=(",", ":"))
    return hmac.new(secret, message.encode("ascii"), hashlib.sha256).hexdigest()


def row_digest(canonical: bytes) -> str:
    """The digest of one row's canonical form, as stored in a write's seal."""
    return hashlib.sha256(canonical).hexdigest()[:_ROW_DIGEST_CHARS]


def per_row_ranges(table: str, rows: Iterable[tuple[int, bytes]]) -> list[SealRange]:
    """Contiguous runs of rows, each with the digest of every row in it."""
    ranges: list[SealRange] = []
    run: list[tuple[int, bytes]] = []
    for row in rows:
        if run and row[0] != run[-1][0] + 1:
            ranges.append(_run_range(table, run))
            run = []
        run.append(row)
    if run:
        ranges.append(_run_range(table, run))
    return ranges


def chunked_ranges(table: str, rows: Iterable[tuple[int, bytes]],
                   chunk: int = 4096) -> list[SealRange]:
    """Runs of consecutive rows in chunks, one digest each: for sealing many rows at once.

    A bulk of rows another program wrote (a migration from elsewhere, an
    import) is accepted in chunks so the seal stays small; a change is then
    named by its chunk rather than its row.
    """
    ranges: list[SealRange] = []
    run: list[tuple[int, bytes]] = []
    for row in rows:
        if run and (row[0] != run[-1][0] + 1 or len(run) == chunk):
            ranges.append(_chunk_range(table, run))
            run = []
        run.append(row)
    if run:
        ranges.append(_chunk_range(table, run))
    return ranges


def _chunk_range(table: str, run: list[tuple[int, bytes]]) -> SealRange:
    if len(run) <= _PER_ROW_UP_TO:
        return _run_range(table, run)
    first, last, digest = range_digest(run)  # type: ignore[misc]
    return SealRange(table, first, last, digest)


def range_digest(rows: Iterable[tuple[int, bytes]]) -> tuple[int, int, str] | None:
    """(first id, last id, digest) over every row given, for a baseline's range."""
    hasher = hashlib.sha256()
    first = last = None
    for row_id, canonical in rows:
        first = row_id if first is None else first
        last = row_id
        hasher.update(canonical + b"\n")
    if first is None or last is None:
        return None
    return first, last, _RANGE_PREFIX + hasher.hexdigest()


def is_range_digest(rows_digest: str) -> bool:
    return rows_digest.startswith(_RANGE_PREFIX)


def digested_rows(cursor: Any, id_column: str) -> Iterator[tuple[int, bytes]]:
    """(id, canonical form) of each row a `SELECT *` cursor returns.

    The canonical form is the row's non-NULL columns as [name, value] pairs
    sorted by name, in ASCII JSON: the same bytes whatever the column order
    and whichever Python writes it.
    """
    names = [column[0] for column in cursor.description]
    order = sorted(range(len(names)), key=names.__getitem__)
    id_index = names.index(id_column)
    heads = [(i, f'["{names[i]}",') for i in order]  # column names are plain ASCII
    for row in cursor:
        yield row[id_index], _canonical(heads, row).encode("ascii")


def _canonical(heads: list[tuple[int, str]], row: tuple) -> str:
    # Exactly what json.dumps(pairs, ensure_ascii=True, separators=(",", ":"))
    # writes, built piece by piece: a seal digests every row a write adds, so
    # this runs thousands of times for a stocktake's commit.
    parts = []
    for index, head in heads:
        value = row[index]
        if value is None:
            continue
        kind = type(value)
        if kind is int:
            parts.append(f"{head}{value}]")
        elif kind is str:
            parts.append(f"{head}{_quoted(value)}]")
        else:
            parts.append(head + _encode(value) + "]")
    return "[" + ",".join(parts) + "]"


# Columns hold integers and text. Another tool may store a REAL (JSON writes
# it with its decimal point, unlike an integer or a text) or a BLOB, which must
# digest differently from any text: it becomes ["blob", hex].
_encode = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"),
                           default=lambda blob: ["blob", bytes(blob).hex()]).encode
_quoted = json.encoder.encode_basestring_ascii


def _run_range(table: str, run: list[tuple[int, bytes]]) -> SealRange:
    digests = ",".join(row_digest(canonical) for _, canonical in run)
    return SealRange(table, run[0][0], run[-1][0], digests)
