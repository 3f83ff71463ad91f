"""The PostgreSQL schema keeps step with the SQLite one: the same tables, columns and reasons.

SQLite's schema files are the source the PostgreSQL ones follow (0004_costing
may still change): a column added there and not here fails this test.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

from inventory_desktop import migrations

# Tables only a SQLite file needs: who acts (a transaction-local setting here),
# the seals and the file's id (privileges and database_identity here; the id
# of a file copied here is kept in copied_from).
SQLITE_ONLY = {"write_context", "seal", "seal_range", "data_file", "sqlite_sequence"}
POSTGRES_ONLY = {"database_identity", "schema_migration", "copied_from"}
# Who made a change, as the server authenticated them: no such thing in a file.
POSTGRES_ONLY_COLUMNS = {("stock_item_history", "db_user"), ("audit_log", "db_user")}


def _sqlite_columns() -> dict[str, list[str]]:
    with closing(sqlite3.connect(":memory:", isolation_level=None)) as memory:
        migrations.apply(memory, migrations.migrations())
        tables = [name for (name,) in memory.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: [row[1] for row in memory.execute(f"PRAGMA table_info({table})")]
                for table in tables if table not in SQLITE_ONLY}


def test_every_table_and_column_of_the_sqlite_schema_is_here(pg_db):
    with pg_db.connect() as connection:
        rows = connection.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'inventory'").fetchall()
    postgres: dict[str, set[str]] = {}
    for table, column in rows:
        if (table, column) not in POSTGRES_ONLY_COLUMNS:
            postgres.setdefault(table, set()).add(column)
    sqlite = {table: set(columns) for table, columns in _sqlite_columns().items()}
    assert set(postgres) - POSTGRES_ONLY == set(sqlite)
    assert {table: postgres[table] for table in sqlite} == sqlite


def test_the_same_movement_reasons_are_known(pg_db):
    # SQLite lists them in a trigger; here in a CHECK. Try each the other knows.
    with closing(sqlite3.connect(":memory:", isolation_level=None)) as memory:
        migrations.apply(memory, migrations.migrations())
        trigger = memory.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                 "AND name = 'stock_movement_reason_known'").fetchone()[0]
    with pg_db.connect() as connection:
        check = connection.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conname = 'stock_movement_reason_known'").fetchone()[0]
    sqlite_reasons = set(_quoted(trigger.split("NOT IN (")[1].split(")")[0]))
    postgres_reasons = set(_quoted(check.split("ARRAY[")[1].split("]")[0]))
    assert sqlite_reasons == postgres_reasons


def _quoted(text: str) -> list[str]:
    return [part for index, part in enumerate(text.split("'")) if index % 2]
