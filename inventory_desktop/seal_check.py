"""Checking the seals: the chain, the sealed rows, the anchor, and the rows nobody sealed.

Two linear passes, so a file of a million movements is read once:
the chain in seal order (each HMAC recomputed from the stored row digests),
then each sealed table in id order beside its seal ranges (each row's digest
recomputed and compared). See seal.py for how seals are made.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import clock, seal
from .seal import Execute, SealRange
from .seal_store import Anchor

_TABLE_WORDS = {
    "stock_movement": "movement",
    "stock_item_history": "item history entry",
    "audit_log": "audit entry",
    "stocktake_count": "stocktake count line",
    "stocktake_explanation": "variance explanation",
}
MAX_LISTED = 20


@dataclass
class SealFindings:
    """What the seal check found; `problems` are tampering, `foreign` rows nobody sealed."""

    problems: list[str] = field(default_factory=list)
    foreign: dict[str, list[int]] = field(default_factory=dict)
    unknown_keys: collections.Counter = field(default_factory=collections.Counter)
    seals: int = 0

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_LISTED:
            self.problems.append(text)
        elif len(self.problems) == MAX_LISTED:
            self.problems.append("… and more; the first ones above come first in the file.")


def check_seals(
    execute: Execute, *, keys: dict[str, bytes], file_id: str, anchor: Anchor | None,
) -> SealFindings:
    """Every seal, sealed row and unsealed row of the file, checked."""
    findings = SealFindings()
    _check_chain(execute, keys, file_id, findings)
    for table, id_column in seal.sealed_tables(execute).items():
        _check_table(execute, table, id_column, findings)
    if anchor is not None:
        _check_anchor(execute, anchor, findings)
    return findings


def row_label(table: str, first: int, last: int | None = None) -> str:
    """'movement 12' or 'audit entries 300–301'."""
    word = _TABLE_WORDS.get(table, table)
    if last is None or last == first:
        return f"{word} {first}"
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{plural} {first}–{last}"


def id_runs(ids: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted ids as (first, last) runs of consecutive numbers."""
    start = previous = None
    for row_id in ids:
        if start is None:
            start = previous = row_id
        elif row_id == previous + 1:
            previous = row_id
        else:
            yield start, previous
            start = previous = row_id
    if start is not None:
        yield start, previous


def _check_chain(execute: Execute, keys: dict[str, bytes], file_id: str,
                 findings: SealFindings) -> None:
    ranges = _ranges_by_seal(execute)
    pending = next(ranges, None)
    previous, expected = "", 1
    for seq, kind, key_id, by, at, digest in execute(
            "SELECT seq, kind, key_id, sealed_by, sealed_at, digest FROM seal ORDER BY seq", ()):
        findings.seals += 1
        own: list[SealRange] = []
        while pending is not None and pending[0] <= seq:
            if pending[0] == seq:
                own.append(pending[1])
            else:
                findings.problem(f"seal {pending[0]} is missing, yet its ranges are there "
                                 "(a seal was removed)")
            pending = next(ranges, None)
        if seq != expected:
            findings.problem(f"seals {expected}–{seq - 1} are missing (removed from the file)")
        secret = keys.get(key_id)
        if secret is None:
            findings.unknown_keys[key_id] += 1
        elif seal.seal_digest(secret, previous, seq, kind, key_id, file_id, by, at,
                              own) != digest:
            findings.problem(f"seal {seq} (made {_when(at)} by {by}) does not match what it "
                             "seals: the seal, its ranges or the one before it were altered")
        previous, expected = digest, seq + 1
    if pending is not None:
        findings.problem(f"seal {pending[0]} is missing, yet its ranges are there "
                         "(a seal was removed)")


def _ranges_by_seal(execute: Execute) -> Iterator[tuple[int, SealRange]]:
    cursor = execute("SELECT seq, table_name, first_id, last_id, rows_digest FROM seal_range "
                     "ORDER BY seq, table_name, first_id", ())
    for seq, table, first, last, digest in cursor:
        yield seq, SealRange(table, first, last, digest)


def _check_table(execute: Execute, table: str, id_column: str, findings: SealFindings) -> None:
    ranges = iter(execute("SELECT first_id, last_id, rows_digest, seq FROM seal_range "
                          "WHERE table_name = ? ORDER BY last_id", (table,)))
    rows = seal.digested_rows(
        execute(f"SELECT * FROM {table} ORDER BY {id_column}", ()), id_column)
    current = next(ranges, None)
    inside: list[tuple[int, bytes]] = []
    foreign: list[int] = []
    for row_id, canonical in rows:
        while current is not None and current[1] < row_id:
            _check_range(table, current, inside, findings)
            inside, current = [], next(ranges, None)
        if current is not None and current[0] <= row_id:
            inside.append((row_id, canonical))
        else:
            foreign.append(row_id)
    while current is not None:
        _check_range(table, current, inside, findings)
        inside, current = [], next(ranges, None)
    if foreign:
        findings.foreign[table] = foreign


def covered_ids(execute: Execute, table: str, ids: list[int]) -> set[int]:
    """Which of `ids` (rows of `table`) some seal covers: for marking a page of rows."""
    if not ids:
        return set()
    low, high = min(ids), max(ids)
    # Ranges never overlap: those that meet [low, high] end inside it, but for
    # at most one that starts inside and ends beyond. Both lookups use the index.
    ranges = execute("SELECT first_id, last_id FROM seal_range WHERE table_name = ? "
                     "AND last_id BETWEEN ? AND ?", (table, low, high)).fetchall()
    ranges += execute("SELECT first_id, last_id FROM seal_range WHERE table_name = ? "
                      "AND last_id > ? ORDER BY last_id LIMIT 1", (table, high)).fetchall()
    return {row_id for row_id in ids if any(first <= row_id <= last for first, last in ranges)}


def unsealed_ids(execute: Execute, table: str, id_column: str) -> list[int]:
    """The ids of `table`'s rows that no seal covers (another program wrote them)."""
    ranges = iter(execute("SELECT first_id, last_id FROM seal_range WHERE table_name = ? "
                          "ORDER BY last_id", (table,)))
    current = next(ranges, None)
    found = []
    for (row_id,) in execute(f"SELECT {id_column} FROM {table} ORDER BY {id_column}", ()):
        while current is not None and current[1] < row_id:
            current = next(ranges, None)
        if current is None or current[0] > row_id:
            found.append(row_id)
    return found


def _check_range(table: str, sealed: tuple, rows: list[tuple[int, bytes]],
                 findings: SealFindings) -> None:
    first, last, digest, seq = sealed
    if seal.is_range_digest(digest):
        found = seal.range_digest(rows)
        if found is None or found[2] != digest or (found[0], found[1]) != (first, last):
            findings.problem(f"{row_label(table, first, last)}, sealed together (seal {seq}), "
                             "were changed or removed since")
        return
    stored = digest.split(",")
    present = dict(rows)
    if len(stored) != last - first + 1:
        findings.problem(f"seal {seq} lists the wrong number of rows for "
                         f"{row_label(table, first, last)}")
        return
    for row_id, expected in zip(range(first, last + 1), stored, strict=True):
        canonical = present.get(row_id)
        if canonical is None:
            findings.problem(f"{row_label(table, row_id)} was removed after it was sealed "
                             f"(seal {seq})")
        elif seal.row_digest(canonical) != expected:
            findings.problem(f"{row_label(table, row_id)} was changed after it was sealed "
                             f"(seal {seq})")


def _check_anchor(execute: Execute, anchor: Anchor, findings: SealFindings) -> None:
    found = execute("SELECT digest FROM seal WHERE seq = ?", (anchor.seq,)).fetchone()
    if found is None or found[0] != anchor.digest:
        findings.problem(
            f"this computer recorded seal {anchor.seq} as written into this file, and the file "
            "no longer holds it as written: its newest writes were cut off, or it was replaced "
            "by an older copy")


def _when(stored: str) -> str:
    return clock.local_display(stored)
