"""The schema's numbered SQL files, and bringing a data file up to the newest one.

Every pending migration is applied in one BEGIN IMMEDIATE transaction, after
an online-backup copy of the file, so a file is never left half-migrated.
The first migration that brings seals also seals every row already there
(the baseline); rows a later migration writes are sealed like any write.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

from . import seal, seal_store
from .file_identity import APPLICATION_ID

SCHEMA_DIR = Path(__file__).with_name("schema")
_MIGRATION_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")
SEALS_SINCE = 2  # the schema version that added the seal tables
UPGRADE_ACTOR = "upgrade"


def migrations() -> list[tuple[int, Path]]:
    """The schema's migration files as (version, path), in the order they apply."""
    found = []
    for path in SCHEMA_DIR.iterdir():
        match = _MIGRATION_NAME.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def newest_version() -> int:
    """The newest schema version this program can work with."""
    return migrations()[-1][0]


def statements(script: str) -> Iterator[str]:
    """The SQL statements of a migration file, one by one.

    Run one at a time inside our transaction: executescript() would commit first.
    """
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


def apply(connection: sqlite3.Connection, versions: list[tuple[int, Path]]) -> None:
    """Run the given migration files on `connection`, setting the version after each."""
    for version, sql_file in versions:
        for statement in statements(sql_file.read_text(encoding="utf-8")):
            connection.execute(statement)
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {version}")


def upgrade(
    connection: sqlite3.Connection, path: Path, *, begin: Callable[[], None] | None = None,
) -> seal_store.Anchor | None:
    """Apply every pending migration to the open file at `path`, all or nothing.

    Returns the seal the upgrade appended, for the caller to anchor once committed.
    """
    # A table rebuild needs foreign keys off, and SQLite ignores that pragma
    # inside a transaction: set it around, check the keys before committing.
    connection.execute("PRAGMA foreign_keys = OFF")
    try:
        if begin is None:
            connection.execute("BEGIN IMMEDIATE")
        else:
            begin()  # waits its turn while another process holds the write lock
        try:
            anchor = _upgrade_locked(connection, path)
            connection.execute("COMMIT")
            return anchor
        except BaseException:
            if connection.in_transaction:
                connection.rollback()
            raise
    finally:
        connection.execute("PRAGMA foreign_keys = ON")


def _upgrade_locked(connection: sqlite3.Connection, path: Path) -> seal_store.Anchor | None:
    # Read the version again under the write lock: another process opening
    # the same file may have migrated it while we waited.
    current = connection.execute("PRAGMA user_version").fetchone()[0]
    pending = [(version, sql) for version, sql in migrations() if version > current]
    if not pending:
        return None
    if current > 0:
        # Our own connection cannot back up while it holds the lock; a second
        # one reads the same committed state (WAL readers are not blocked).
        with closing(sqlite3.connect(path)) as source:
            copy_database(source, _backup_path(path, current))
    was_sealed = current >= SEALS_SINCE
    execute = connection.execute
    before = seal.high_water(execute, seal.sealed_tables(execute)) if was_sealed else None
    apply(connection, pending)
    broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise sqlite3.IntegrityError(f"the upgrade would break foreign keys: {broken[:5]}")
    return _seal_upgrade(connection, before)


def _seal_upgrade(
    connection: sqlite3.Connection, before: dict[str, int] | None
) -> seal_store.Anchor | None:
    # Rows that existed before sealing began are sealed as found (the
    # baseline); after that, only what the migrations themselves wrote (a
    # table a migration added starts from nothing).
    execute = connection.execute
    file_id = execute("SELECT file_id FROM data_file").fetchone()[0]
    key = seal_store.own_key()
    if before is None:
        return seal.seal_all_rows(execute, key=key, file_id=file_id, actor=UPGRADE_ACTOR)
    since = {table: before.get(table, 0) for table in seal.sealed_tables(execute)}
    return seal.seal_new_rows(execute, since, key=key, file_id=file_id, actor=UPGRADE_ACTOR)


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Copy a database with SQLite's online backup into a new owner-only file."""
    # Created here, owner-only, so the copy is as private as the file itself.
    target.touch(mode=0o600, exist_ok=False)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()


def _backup_path(path: Path, version: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.schema{version}-{stamp}.backup{path.suffix}")
