"""Opening the data file: pragmas, migrations, the write helper.

The one `database` object below is bound by `open_database()`; the models and
services use it from then on. A file that is not ours is refused before SQLite
touches it, so a refusal leaves it byte-for-byte as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import peewee

from .errors import DatabaseBusyError, DataFileError, ReadOnlyFileError, RefusedFileError
from .file_identity import APPLICATION_ID, check_header, refuse_newer
from .paths import ensure_private_dir
from .sqlite_errors import translate_sqlite_errors

DEFAULT_BUSY_TIMEOUT = 60.0
SCHEMA_DIR = Path(__file__).with_name("schema")
_MIGRATION_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")

class _LedgerDatabase(peewee.SqliteDatabase):
    """peewee's SQLite database, with the environment's failures as sentences on every query."""

    def execute_sql(self, sql, params=None):
        with translate_sqlite_errors():
            return super().execute_sql(sql, params)


# Deferred: the path is known only when the user has chosen a file.
database = _LedgerDatabase(None)


@dataclass(frozen=True)
class DataFileInfo:
    """What the open data file is: shown in Help → About and by the CLI."""

    path: Path
    schema_version: int
    read_only: bool
    created: bool = False


_info: DataFileInfo | None = None
_identity: tuple[int, int] | None = None  # (device, inode) of the file as opened


def migrations() -> list[tuple[int, Path]]:
    """The schema's migration files as (version, path), in the order they apply."""
    found = []
    for path in SCHEMA_DIR.iterdir():
        match = _MIGRATION_NAME.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def schema_version_known() -> int:
    """The newest schema version this program can work with."""
    return migrations()[-1][0]


def open_database(
    path: str | os.PathLike[str], *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    create: bool = True,
) -> DataFileInfo:
    """Open (creating or migrating) the data file and bind it for the services.

    With `create=False` a missing file is refused instead of created.
    """
    global _info, _identity
    close_database()
    path = Path(path).expanduser().absolute()
    exists = check_header(path, schema_version_known())
    if not exists:
        if not create:
            raise DataFileError(
                f"There is no data file at {path}; adding the first item creates it.")
        _create_private_file(path)
    read_only = exists and not _writable(path)
    _connect(path, busy_timeout, read_only)
    try:
        _check_open_file(path)
        if not read_only:
            _switch_to_wal(busy_timeout)
            _migrate(path)
        version = _pragma("user_version")
        if read_only and version < schema_version_known():
            raise ReadOnlyFileError(
                f"{path} was written by an older version and needs upgrading, "
                "but it is read-only."
            )
    except BaseException:
        database.close()
        raise
    _identity = _file_identity(path)
    _info = DataFileInfo(path=path, schema_version=version, read_only=read_only,
                         created=not exists)
    return _info


def close_database() -> None:
    """Close the data file if one is open (idempotent)."""
    global _info
    if database.database is not None and not database.is_closed():
        database.close()
    _info = None


def close_thread_connection() -> None:
    """Close the calling thread's own connection (peewee keeps one per thread).

    A worker thread calls this when done, so its file handles do not linger
    until the garbage collector finds them. Other threads are unaffected.
    """
    if database.database is not None:
        database.close()


def current_file() -> DataFileInfo:
    """The open data file; raises if none is open (a programming error)."""
    if _info is None:
        raise RuntimeError("no data file is open: call open_database() first")
    return _info


def data_version() -> int:
    """A number that changes whenever another connection commits to the file."""
    return _pragma("data_version")


@contextmanager
def write_transaction(actor: str) -> Iterator[None]:
    """One user action: a BEGIN IMMEDIATE transaction that records who acts.

    Refuses to nest: peewee would turn the inner block into a savepoint and
    silently drop IMMEDIATE, bringing back the deferred read-then-write that
    fails at once with "database is locked" under concurrency.
    """
    if database.in_transaction():
        raise RuntimeError("write_transaction() cannot be nested")
    if current_file().read_only:
        raise ReadOnlyFileError("The data file is open read-only; nothing can be changed.")
    with translate_sqlite_errors(), database.atomic("IMMEDIATE"):
        # REPLACE: a row another tool committed and forgot must neither block
        # our writes nor lend its name to them.
        database.execute_sql(
            "INSERT OR REPLACE INTO write_context (id, actor) VALUES (1, ?)", (actor,)
        )
        yield
        database.execute_sql("DELETE FROM write_context WHERE id = 1")
        _refuse_moved_file()


def backup_to(destination: str | os.PathLike[str]) -> Path:
    """Copy the open data file to `destination` with SQLite's online backup."""
    target = Path(destination).expanduser().absolute()
    if target.exists():
        raise DataFileError(f"{target} already exists; choose a new file name.")
    if not target.parent.is_dir():
        raise DataFileError(f"The folder {target.parent} does not exist; choose another.")
    try:
        with translate_sqlite_errors():
            _backup(database.connection(), target)
    except BaseException:
        # A half-written copy is no backup, and would block the retry.
        target.unlink(missing_ok=True)
        raise
    return target


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _switch_to_wal(busy_timeout: float) -> None:
    # Leaving the rollback journal needs the file to itself, and SQLite answers
    # "locked" at once rather than through the busy handler when another
    # process is opening the same new file: wait here instead.
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            with translate_sqlite_errors():
                database.execute_sql("PRAGMA journal_mode = WAL")
            return
        except DatabaseBusyError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _refuse_moved_file() -> None:
    # In WAL mode SQLite does not notice that its file was renamed or deleted
    # (its SQLITE_READONLY_DBMOVED check runs only with a rollback journal):
    # commits would go on into a file nobody can find again, lost once it is
    # closed. Checked just before COMMIT, so the refused write is rolled back.
    path = current_file().path
    if _identity is None or _file_identity(path) != _identity:
        raise DataFileError(
            f"The data file {path} was moved, renamed or deleted while it was open; "
            "nothing was saved. Open it again from where it is now."
        )


def _on_read_only_filesystem(path: Path) -> bool:
    # A WAL file opened read-only needs its -shm index next to it. On a read-only
    # filesystem (a read-only mount, a CD) SQLite cannot create it, and no one can
    # change the file either, so it may be opened as immutable - unless a -wal
    # file holds commits that immutable mode would not read.
    if not hasattr(os, "statvfs"):
        return False
    wal = path.with_name(path.name + "-wal")
    shm = path.with_name(path.name + "-shm")
    read_only_fs = bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    return read_only_fs and not shm.exists() and not (wal.exists() and wal.stat().st_size)


def _create_private_file(path: Path) -> None:
    # Made here, owner-only, so that SQLite never has to create it: every
    # connection (one per thread) opens with mode=rw, and one opened after the
    # file was renamed or deleted fails instead of starting an empty file.
    # SQLite gives the -wal and -shm files the same permissions.
    try:
        ensure_private_dir(path.parent)
    except OSError as exc:
        raise DataFileError(
            f"The folder {path.parent} cannot be created: {exc.strerror}.") from exc
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another process is creating it at the same moment
    except OSError as exc:
        raise DataFileError(
            f"The data file {path} cannot be created: {exc.strerror}.") from exc


def _connect(path: Path, busy_timeout: float, read_only: bool) -> None:
    target = f"{path.as_uri()}?mode={'ro' if read_only else 'rw'}"
    if read_only and _on_read_only_filesystem(path):
        target += "&immutable=1"
    database.init(
        target,
        timeout=busy_timeout,
        pragmas={"foreign_keys": 1, "synchronous": "FULL"},
        uri=True,
        check_same_thread=False,
    )
    try:
        with translate_sqlite_errors():
            database.connect(reuse_if_open=True)
    except peewee.DatabaseError as exc:
        raise DataFileError(f"{path} cannot be opened: {exc}.") from exc


def _check_open_file(path: Path) -> None:
    # The header can lag behind a WAL file's newer pages: check again through SQLite.
    application_id = _pragma("application_id")
    # We set application_id together with user_version: without it, a version
    # or any table means the file belongs to something else.
    foreign = application_id == 0 and (_pragma("user_version") > 0 or database.execute_sql(
        "SELECT count(*) FROM sqlite_master").fetchone()[0] > 0)
    if application_id not in (0, APPLICATION_ID) or foreign:
        raise RefusedFileError(
            f"{path} is a database of another application, not an inventory data file."
        )
    refuse_newer(path, _pragma("user_version"), schema_version_known())


def _pragma(name: str) -> int:
    with translate_sqlite_errors():
        return database.execute_sql(f"PRAGMA {name}").fetchone()[0]


def _migrate(path: Path) -> None:
    if _pragma("user_version") >= schema_version_known():
        return
    connection = database.connection()
    with translate_sqlite_errors():
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Read the version again under the write lock: another process
            # opening the same file may have migrated it while we waited.
            current = connection.execute("PRAGMA user_version").fetchone()[0]
            pending = [(version, sql) for version, sql in migrations() if version > current]
            if pending and current > 0:
                # Our own connection cannot back up while it holds the lock;
                # a second one reads the same committed state (WAL readers
                # are not blocked by a writer).
                with closing(sqlite3.connect(path)) as source:
                    _backup(source, _backup_path(path, current))
            for version, sql_file in pending:
                for statement in _statements(sql_file.read_text(encoding="utf-8")):
                    connection.execute(statement)
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.execute(f"PRAGMA user_version = {version}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.rollback()
            raise


def _statements(script: str) -> Iterator[str]:
    # One by one, inside our transaction: executescript() would commit it first.
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


def _backup_path(path: Path, version: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.schema{version}-{stamp}.backup{path.suffix}")


def _backup(source: sqlite3.Connection, target: Path) -> None:
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()


