"""What copy-to copies, and copying it: table by table with COPY, rules off, ids kept.

The tables are the ones the data file and the server schema share; their
order follows the server's foreign keys (suppliers before items before
movements); every column is named on both sides. Flags go over as 0/1,
which PostgreSQL's boolean input reads as false/true (any other value is
refused, not rounded). The login a server records beside history and audit
(db_user) is left NULL: these rows were written in the file, not by a login.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from .. import pg_migrations
from ..errors import InventoryError
from .source_file import SourceFile, SourceTable, describe_key

# Tables only a server database has: its identity, its migrations, and where it came from.
SERVER_ONLY = frozenset({"database_identity", "schema_migration", "copied_from"})
# Server columns a data file has no counterpart for: copied as NULL.
NULL_COLUMNS = frozenset({"db_user"})
# The order the report lists the tables in, where the foreign keys leave a choice.
READING_ORDER = ("supplier", "setting", "storage_area", "stock_item", "item_location",
                 "stock_movement", "stock_item_history", "audit_log", "stocktake",
                 "stocktake_area", "stocktake_count", "stocktake_explanation")
_LISTED = 3
_COPY_LINE = re.compile(r"\bline (\d+)")


class CopyRefusedError(InventoryError):
    """copy-to will not copy this file to this database; nothing was written to either."""


@dataclass(frozen=True)
class CopiedTable:
    """One table as copied: the file's columns, then the server-only ones (NULL)."""

    source: SourceTable
    columns: tuple[str, ...]
    booleans: tuple[int, ...]  # positions of the server's boolean columns

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def nulls(self) -> tuple[None, ...]:
        return (None,) * (len(self.columns) - len(self.source.columns))


def plan(connection: Any, source: SourceFile) -> list[CopiedTable]:
    """The shared tables in the order their foreign keys allow; a sentence on any mismatch."""
    server = _server_columns(connection)
    files = source.tables()
    unknown = sorted(set(files) - set(server))
    missing = sorted(set(server) - set(files) - SERVER_ONLY)
    if unknown or missing:
        raise CopyRefusedError(
            f"The data file and the server's schema do not hold the same tables (only in "
            f"the file: {', '.join(unknown) or 'none'}; only on the server: "
            f"{', '.join(missing) or 'none'}): another program may have changed the file; "
            "run 'inventory verify' on it. Nothing was copied.")
    tables = {name: _copied(files[name], server[name]) for name in files}
    return [tables[name] for name in _dependency_order(connection, sorted(tables))]


def refuse_unless_empty(connection: Any, tables: list[CopiedTable], where: str) -> None:
    """Refuse, naming them, when any of the tables (or copied_from) already holds rows."""
    names = [table.name for table in tables] + ["copied_from"]
    holding = [name for name in names if connection.execute(
        sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(name))).fetchone()[0]]
    if holding:
        more = len(holding) - _LISTED
        listed = ", ".join(holding[:_LISTED]) + (f" and {more} more" if more > 0 else "")
        raise CopyRefusedError(
            f"{where} already holds data (rows in {listed}); copy-to only fills an empty "
            "database, so that nothing is mixed or overwritten. It was left as it was.")


def lock(connection: Any, tables: list[CopiedTable]) -> None:
    """Keep every other session from writing the tables until the copy commits (reads go on)."""
    names = sql.SQL(", ").join(sql.Identifier(table.name) for table in tables)
    connection.execute(sql.SQL("LOCK TABLE {}, copied_from IN EXCLUSIVE MODE").format(names))


def set_rules(connection: Any, tables: list[CopiedTable], *, enabled: bool) -> None:
    """Switch our own triggers (never the foreign keys' system triggers) off or on again."""
    verb = sql.SQL("ENABLE" if enabled else "DISABLE")
    for table in tables:
        connection.execute(sql.SQL("ALTER TABLE {} {} TRIGGER USER").format(
            sql.Identifier(table.name), verb))


def copy_table(connection: Any, source: SourceFile, table: CopiedTable) -> int:
    """COPY every row of the table from the file; the number of rows."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, table.columns)))
    count = 0
    nulls = table.nulls
    row = None
    try:
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            write = copy.write_row
            for row in source.rows(table.source):
                write(row + nulls if nulls else row)
                count += 1
    except (psycopg.DataError, psycopg.IntegrityError) as exc:
        # psycopg itself refuses some values (a NUL in text) before sending the row.
        raise _refused_row(source, table, exc, None if exc.sqlstate else row) from exc
    return count


def move_numbering_past(connection: Any, source: SourceFile, tables: list[CopiedTable]) -> None:
    """Set every table's id sequence past its highest id, and past any id the file handed out.

    Our triggers, which move the numbering as rows come in, are off during the
    copy. The server then never hands out again an id the file once used (a
    deleted item's, say, whose history stays), just as the file would not.
    """
    handed_out = source.highest_ids()
    copied = {table.name for table in tables}
    for table, column, sequence in connection.execute(_SEQUENCES).fetchall():
        if table not in copied:
            continue
        highest = connection.execute(sql.SQL("SELECT max({}) FROM {}").format(
            sql.Identifier(column), sql.Identifier(table))).fetchone()[0]
        value = max(highest or 0, handed_out.get(table, 0))
        if value:
            connection.execute("SELECT setval(%s, %s)", (sequence, value))


def _server_columns(connection: Any) -> dict[str, dict[str, str]]:
    columns: dict[str, dict[str, str]] = {}
    for table, column, type_name in connection.execute(_COLUMNS, (pg_migrations.SCHEMA,)):
        columns.setdefault(table, {})[column] = type_name
    return columns


def _copied(source: SourceTable, server: dict[str, str]) -> CopiedTable:
    if not source.key:  # every table of ours has one: rows are copied and compared in its order
        raise CopyRefusedError(
            f"The data file's table {source.name} has no primary key (another program changed "
            "it); run 'inventory verify' on the file. Nothing was copied.")
    only_file = [column for column in source.columns if column not in server]
    only_server = [column for column in server
                   if column not in source.columns and column not in NULL_COLUMNS]
    if only_file or only_server:
        raise CopyRefusedError(
            f"The data file's table {source.name} and the server's do not have the same "
            f"columns (only in the file: {', '.join(only_file) or 'none'}; only on the "
            f"server: {', '.join(only_server) or 'none'}); run 'inventory verify' on the "
            "file. Nothing was copied.")
    columns = source.columns + tuple(column for column in server if column in NULL_COLUMNS)
    booleans = tuple(index for index, column in enumerate(columns)
                     if server[column] == "boolean")
    return CopiedTable(source, columns, booleans)


def _dependency_order(connection: Any, names: list[str]) -> list[str]:
    """Every table after the tables it refers to; otherwise in READING_ORDER, then by name."""
    waiting: dict[str, set[str]] = {name: set() for name in names}
    for table, referenced in connection.execute(_REFERENCES, (pg_migrations.SCHEMA,)):
        if table in waiting and referenced in waiting and table != referenced:
            waiting[table].add(referenced)
    order: list[str] = []
    while waiting:
        ready = [name for name, needs in waiting.items() if not needs]
        if not ready:  # a cycle of foreign keys: no schema of ours has one
            raise CopyRefusedError(f"The server's tables refer to each other in a circle "
                                   f"({', '.join(sorted(waiting))}); nothing was copied.")
        first = min(ready, key=lambda name: (
            READING_ORDER.index(name) if name in READING_ORDER else len(READING_ORDER), name))
        order.append(first)
        del waiting[first]
        for needs in waiting.values():
            needs.discard(first)
    return order


def _refused_row(source: SourceFile, table: CopiedTable, exc: psycopg.Error,
                 row: tuple | None) -> CopyRefusedError:
    # The server names the COPY's line, which is the row's place in key order;
    # a foreign key is checked at the end of the COPY, and names the value instead.
    match = _COPY_LINE.search(exc.diag.context or "")
    if row is not None:
        key = describe_key(table.source.key, tuple(
            row[table.source.columns.index(column)] for column in table.source.key))
    else:
        key = source.key_at(table.source, int(match.group(1))) if match else None
    which = f"Row {key} of the data file's {table.name}" if key else (
        f"A row of the data file's {table.name}")
    reason = exc.diag.message_primary or str(exc)
    if exc.diag.message_detail:
        reason += f": {exc.diag.message_detail.rstrip('.')}"
    return CopyRefusedError(
        f"{which} cannot be copied: the server refused it ({reason}). Run 'inventory verify' "
        "on the file. Nothing was copied.")


_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
  FROM pg_attribute AS a
  JOIN pg_class AS c ON c.oid = a.attrelid
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY c.relname, a.attnum
"""

_REFERENCES = """
SELECT c.relname, r.relname
  FROM pg_constraint AS k
  JOIN pg_class AS c ON c.oid = k.conrelid
  JOIN pg_class AS r ON r.oid = k.confrelid
  JOIN pg_namespace AS n ON n.oid = k.connamespace
 WHERE k.contype = 'f' AND n.nspname = %s
"""

# Every column that draws its numbers from a sequence: identity columns, and
# stock_movement.id (numbered by its trigger from a sequence it owns).
_SEQUENCES = """
SELECT c.relname, a.attname, pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname),
                                                    a.attname)
  FROM pg_attribute AS a
  JOIN pg_class AS c ON c.oid = a.attrelid
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE n.nspname = 'inventory' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
   AND pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) IS NOT NULL
 ORDER BY 1, 2
"""
