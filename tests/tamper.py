"""Tampering as a determined user with a generic SQLite tool would: triggers off, then back.

Turning triggers off is what `.dbconfig enable_trigger off` does in the sqlite3
shell; here every trigger is dropped and then created again from its own SQL,
so the schema afterwards is exactly what it was and only the rows changed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path


def with_triggers_off(path: Path, statements: Sequence[str | tuple[str, tuple]]) -> None:
    """Run `statements` on `path` with every trigger out of the way, then restore them."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        triggers = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        connection.execute("BEGIN IMMEDIATE")
        for name, _ in triggers:
            connection.execute(f'DROP TRIGGER "{name}"')
        for statement in statements:
            sql, params = (statement, ()) if isinstance(statement, str) else statement
            connection.execute(sql, params)
        for _, sql in triggers:
            connection.execute(sql)
        connection.execute("COMMIT")
    finally:
        connection.close()


def newest_ids(path: Path) -> dict[str, int]:
    """The newest id of each append-only table and of the seals."""
    connection = sqlite3.connect(path)
    try:
        return {table: connection.execute(f"SELECT max({column}) FROM {table}").fetchone()[0]
                for table, column in (("stock_movement", "id"), ("audit_log", "id"),
                                      ("stock_item_history", "history_id"), ("seal", "seq"))}
    finally:
        connection.close()
