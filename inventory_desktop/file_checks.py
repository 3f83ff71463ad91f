"""verify's structure checks on a data file: SQLite's own integrity, foreign keys, schema.

The server's counterpart is pg_checks. Each returns (check, sentence) pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import schema_check

Execute = Callable[[str, Sequence[Any]], Any]


def structure_problems(execute: Execute, schema_version: int) -> list[tuple[str, str]]:
    """What is wrong with the file itself, before its content is looked at."""
    rows = execute("PRAGMA integrity_check", ()).fetchall()
    found = [] if rows == [("ok",)] else [("integrity", row[0]) for row in rows]
    found += [("foreign_keys", f"{table} row {rowid} refers to a missing {parent} row")
              for table, rowid, parent, _ in execute("PRAGMA foreign_key_check", ()).fetchall()]
    found += [("schema", problem) for problem in schema_check.differences(execute,
                                                                          schema_version)]
    found += [("write_context",
               f"another program left the operator name {actor!r} in write_context: "
               "changes made while it is there are recorded under that name")
              for (actor,) in execute("SELECT actor FROM write_context", ()).fetchall()]
    return found


def numbering_counters(execute: Execute) -> list[tuple[str, int]]:
    """AUTOINCREMENT's counters: a table's next id comes after its counter."""
    return [(name, seq) for name, seq in execute("SELECT name, seq FROM sqlite_sequence", ())]
