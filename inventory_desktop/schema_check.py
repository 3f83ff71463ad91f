"""Is the file's schema exactly what this program's migrations make?

The triggers are the ledger's rules, so a gutted trigger (same name, empty
body), a replaced view, a renamed table, a dropped index or column, or an
extra trigger of someone else's are all changes to the rules. The expected
schema is built by applying the same migration files to an empty database in
memory, and compared object by object, by SQL text.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from typing import Any

from . import migrations

Execute = Callable[[str, Sequence[Any]], Any]
# SQLite's own bookkeeping: ANALYZE and PRAGMA optimize may add statistics
# tables to any file, and sqlite_sequence follows AUTOINCREMENT.
_IGNORED = "name NOT LIKE 'sqlite_stat%' AND name <> 'sqlite_sequence'"
_SCHEMA = f"SELECT type, name, sql FROM sqlite_master WHERE {_IGNORED}"


def differences(execute: Execute, version: int) -> list[str]:
    """Each way the file's schema differs from schema `version`, as a sentence."""
    expected = expected_schema(version)
    actual = _schema(execute)
    if version == 0 and actual:
        return ["the file says it is at schema version 0, yet it holds tables: "
                "its version number was changed by another program"]
    found = []
    for key in sorted(expected.keys() | actual.keys(), key=_order):
        if key not in actual:
            found.append(f"{_label(key)} is missing")
        elif key not in expected:
            found.append(f"{_label(key)} is not part of this program's schema")
        elif expected[key] != actual[key]:
            found.append(_changed(key, execute, version))
    return found


def _order(key: tuple[str, str]) -> tuple[int, str]:
    # Tables first: a missing table explains the indexes and triggers missing with it.
    kind, name = key
    return ({"table": 0, "view": 1, "index": 2, "trigger": 3}.get(kind, 4), name)


@functools.cache
def expected_schema(version: int) -> dict[tuple[str, str], str]:
    """The schema objects migrations 1..`version` create: (type, name) -> normalised SQL."""
    with closing(sqlite3.connect(":memory:", isolation_level=None)) as memory:
        migrations.apply(memory, [m for m in migrations.migrations() if m[0] <= version])
        return _schema(memory.execute)


@functools.cache
def _expected_columns(version: int, table: str) -> tuple[str, ...]:
    with closing(sqlite3.connect(":memory:", isolation_level=None)) as memory:
        migrations.apply(memory, [m for m in migrations.migrations() if m[0] <= version])
        return _columns(memory.execute, table)


def _schema(execute: Execute) -> dict[tuple[str, str], str]:
    return {(kind, name): _normalised(sql) for kind, name, sql in execute(_SCHEMA, ())}


def _normalised(sql: str | None) -> str:
    # An automatic index has no SQL; whitespace carries no meaning in SQL text.
    return "" if sql is None else re.sub(r"\s+", " ", sql).strip()


def _columns(execute: Execute, table: str) -> tuple[str, ...]:
    return tuple(row[1] for row in execute(f"PRAGMA table_info(\"{table}\")", ()))


def _changed(key: tuple[str, str], execute: Execute, version: int) -> str:
    kind, name = key
    if kind == "table":
        expected, actual = _expected_columns(version, name), _columns(execute, name)
        missing = [c for c in expected if c not in actual]
        extra = [c for c in actual if c not in expected]
        parts = [f"column {c} is missing" for c in missing]
        parts += [f"column {c} was added" for c in extra]
        if parts:
            return f"{_label(key)} was changed: {', '.join(parts)}"
    return f"{_label(key)} differs from this program's definition (changed by another program)"


def _label(key: tuple[str, str]) -> str:
    kind, name = key
    return f"{kind} {name}"
