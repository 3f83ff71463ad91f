"""`inventory copy-to postgresql://…`: a site's data file onto an empty PostgreSQL database.

One server transaction does everything — setting the database up when it is
new, refusing one that holds data, copying every table with our own triggers
off (history and audit are copied, not written again), moving the numbering
past the copied ids, turning the triggers back on, comparing every row with
the file and checking the ledger — so a refused or failed copy leaves the
database exactly as it was, without even the schema. The file is only read,
from one snapshot. docs/postgresql.md describes the design.

Needs psycopg (the `postgres` extra); nothing else in the program imports this.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from . import file_identity, pg_migrations
from .pg import copy_checks, copy_tables, server
from .pg.copy_tables import CopiedTable
from .pg.source_file import SourceFile
from .pg_errors import PermissionRefusedError, ServerUnreachableError, translate_server_errors

APPLICATION = "inventory copy-to"
# Another terminal holding a table of an empty database is odd: wait a little, then say so.
LOCK_TIMEOUT = "10s"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CopyReport:
    """What copy-to copied: rows per table in copy order, and how long each step took."""

    data_file: Path
    file_id: str
    target: str
    tables: tuple[tuple[str, int], ...]
    seconds: float
    steps: tuple[tuple[str, float], ...]
    file_changed: bool  # another program wrote the file during the copy (not copied)

    @property
    def rows(self) -> int:
        return sum(count for _, count in self.tables)


def copy_to(url: str, data_file: str | os.PathLike[str], *,
            progress: Progress | None = None) -> CopyReport:
    """Copy the data file onto the empty database at `url`, checked, in one transaction."""
    tell = progress or (lambda _text: None)
    started = time.perf_counter()
    address = server.server_address(url)
    path = file_identity.resolved_path(data_file)
    with SourceFile(path) as source:
        file_id, _ = source.file_id()  # a file without its identity is refused before connecting
        connection = server.connect(address, application=APPLICATION)
        with connection, translate_server_errors(address.where):
            steps = _Steps()
            counts = _in_one_transaction(connection, address, source, steps, tell)
        changed = source.finish()
    return CopyReport(path, file_id, address.where, tuple(counts),
                      time.perf_counter() - started, tuple(steps.taken), changed)


class _Steps:
    """How long each step took, for the report and the benchmark."""

    def __init__(self) -> None:
        self.taken: list[tuple[str, float]] = []
        self._since = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.taken.append((name, now - self._since))
        self._since = now


def _in_one_transaction(connection: Any, address: server.ServerAddress, source: SourceFile,
                        steps: _Steps, tell: Progress) -> list[tuple[str, int]]:
    committing = False
    try:
        with connection.transaction():
            # A server's statement time limit for its terminals must not cut a long copy short.
            connection.execute("SELECT set_config('lock_timeout', %s, true), "
                               "set_config('statement_timeout', '0', true)", (LOCK_TIMEOUT,))
            tell(f"Preparing {address.where}…")
            tables = _prepare(connection, address, source)
            steps.done("prepare")
            counts = _copy(connection, source, tables, steps, tell)
            _record_origin(connection, source)
            tell(f"Copied {sum(count for _, count in counts):,} rows; checking them row by "
                 "row and the ledger…")
            for table in tables:
                copy_checks.compare_table(connection, source, table)
            steps.done("compare")
            copy_checks.check_ledger(connection)
            steps.done("ledger checks")
            tell("Committing…")
            committing = True
        steps.done("commit")
    except psycopg.OperationalError as exc:
        if committing and not exc.sqlstate:
            raise ServerUnreachableError(
                f"The connection to {address.where} was lost while the copy was being "
                "committed, so whether it was saved is not known. Run copy-to again: if "
                "the copy was saved, it refuses, as the database then holds data.") from exc
        raise
    return counts


def _prepare(connection: Any, address: server.ServerAddress,
             source: SourceFile) -> list[CopiedTable]:
    # Inside our transaction, upgrade() runs as a savepoint: its setting-up is
    # rolled back with everything else if the copy is refused later.
    pg_migrations.upgrade(connection)
    _become_owner(connection, address)
    tables = copy_tables.plan(connection, source)
    copy_tables.lock(connection, tables)
    copy_tables.refuse_unless_empty(connection, tables, _capitalised(address.where))
    return tables


def _become_owner(connection: Any, address: server.ServerAddress) -> None:
    member = connection.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')",
                                (pg_migrations.OWNER_ROLE,)).fetchone()[0]
    if not member:
        raise PermissionRefusedError(
            f"copy-to needs a login that is a member of {pg_migrations.OWNER_ROLE} (the role "
            f"that owns the inventory's tables) on {address.where}; this login is not. "
            "Nothing was copied.")
    # Only the tables' owner may switch their triggers off; SET LOCAL ends with the transaction.
    connection.execute(f"SET LOCAL ROLE {pg_migrations.OWNER_ROLE}")
    # pg_temp last: no temporary table may stand in for one of ours.
    connection.execute(f"SET LOCAL search_path = {pg_migrations.SCHEMA}, pg_temp")


def _copy(connection: Any, source: SourceFile, tables: list[CopiedTable], steps: _Steps,
          tell: Progress) -> list[tuple[str, int]]:
    copy_tables.set_rules(connection, tables, enabled=False)
    tell(f"Copying {len(tables)} tables from {source.path}…")
    counts = []
    for table in tables:
        counts.append((table.name, copy_tables.copy_table(connection, source, table)))
        steps.done(f"copy {table.name}")
    copy_tables.move_numbering_past(connection, source, tables)
    copy_tables.set_rules(connection, tables, enabled=True)
    steps.done("numbering and rules")
    return counts


def _record_origin(connection: Any, source: SourceFile) -> None:
    file_id, created_at = source.file_id()
    connection.execute(
        "INSERT INTO copied_from (id, file_id, file_created_at, file_path, file_schema_version) "
        "VALUES (1, %s, %s, %s, %s)", (file_id, created_at, str(source.path),
                                       source.schema_version))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


