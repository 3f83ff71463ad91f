"""Opening the data file: pragmas, identity, schema check, migrations, the write helper.

The one `database` object below is bound by `open_database()`; the models and
services use it from then on. A file that is not ours is refused before SQLite
touches it, so a refusal leaves it byte-for-byte as it was.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sqlite3
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee

from . import (
    backup_record,
    clock,
    file_checks,
    migrations,
    schema_check,
    seal,
    seal_store,
    sqlite_errors,
)
from .errors import (
    DatabaseBusyError,
    DataFileError,
    DiskFullError,
    ReadOnlyFileError,
    RefusedFileError,
    RuleRefusedError,
    StructureChangedError,
)
from .file_identity import (
    APPLICATION_ID,
    check_header,
    path_problem,
    refuse_newer,
    resolved_path,
)
from .paths import ensure_private_dir, is_server_address
from .sqlite_errors import translate_sqlite_errors

DEFAULT_BUSY_TIMEOUT = 60.0
# The write lock is asked for in short waits, so that Ctrl+C gets through
# (SQLite's own busy wait cannot be interrupted) and a long wait can be told.
_LOCK_POLL_MS = 50
WAIT_NOTICE_AFTER = 1.0
# The -wal file is cut back to this size when a checkpoint resets it, and is
# checkpointed (to zero) once it grew past it and no reader holds it back.
WAL_SIZE_LIMIT = 16 * 1024 * 1024
# The -wal grows past its limit only while a reader holds it back: looking
# every few writes is enough (a receipt adds about 50 KB).
_TIDY_EVERY = 20
# The largest id the triggers accept (2**52); SQLite's own limit is 2**63 - 1.
NUMBERING_LIMIT = 4_503_599_627_370_496
_log = logging.getLogger("inventory_desktop")

# Kept for callers that name these through db (tests, benchmarks).
SCHEMA_DIR = migrations.SCHEMA_DIR
schema_version_known = migrations.newest_version


class _LedgerDatabase(peewee.SqliteDatabase):
    """peewee's SQLite database, with the environment's failures as sentences on every query.

    Its connections wait at most _LOCK_POLL_MS in SQLite's busy handler: a
    write lock is asked for again and again (begin) up to `busy_timeout`, so
    that Ctrl+C gets through and a long wait can be told. Reads in WAL mode
    never wait for writers.
    """

    busy_timeout = DEFAULT_BUSY_TIMEOUT
    on_waiting: Callable[[], None] | None = None

    def execute_sql(self, sql, params=None):
        with translate_sqlite_errors():
            return super().execute_sql(sql, params)

    def begin(self, lock_type=None):
        if lock_type != "IMMEDIATE":
            return super().begin(lock_type)
        with peewee.__exception_wrapper__:
            begin_immediate(self.connection(), self.busy_timeout, self.on_waiting)


def begin_immediate(connection: sqlite3.Connection, timeout: float,
                    on_waiting: Callable[[], None] | None = None) -> None:
    """BEGIN IMMEDIATE, asked for in short waits until `timeout` seconds have passed."""
    started = time.monotonic()
    told = False
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            waited = time.monotonic() - started
            if not _is_busy(exc) or waited >= timeout:
                raise
            if not told and waited >= WAIT_NOTICE_AFTER and on_waiting is not None:
                told = True
                on_waiting()


# Deferred: the path is known only when the user has chosen a file. The
# models and services use `database`, which stands for the file's database or
# (issue 11) a server's: see open_database.
_file_db = _LedgerDatabase(None)
database = peewee.DatabaseProxy()
database.initialize(_file_db)


@dataclass(frozen=True)
class DataFileInfo:
    """What the open data file is: shown in Help → About and by the CLI."""

    path: Path
    schema_version: int
    read_only: bool
    created: bool = False
    # Ways the file's schema differs from this program's: writes are refused.
    schema_problems: tuple[str, ...] = ()
    file_id: str | None = None
    # Worth telling whoever opened the file (a name another program left in write_context).
    notices: tuple[str, ...] = ()
    # The append-only tables this file's schema has, which each write seals.
    sealed_tables: dict[str, str] = dataclasses.field(default_factory=dict, compare=False,
                                                      hash=False)
    # A PostgreSQL server's database (issue 11) rather than a file: `path`
    # is then only its name, `location` the address to show (no password),
    # `address` the one to open it again with (no password either).
    server: bool = False
    location: str = ""
    address: str = ""

    @property
    def writable(self) -> bool:
        return not (self.read_only or self.schema_problems)


_info: DataFileInfo | None = None
_identity: tuple[int, int] | None = None  # (device, inode) of the file as opened
_schema_cookie: int | None = None  # PRAGMA schema_version when the schema was last checked
_commits = 0
# Found once per open file, not per write: looking the folders up costs more
# than a receipt's own Python work.
_anchors: seal_store.AnchorBook | None = None
_key: seal_store.SealKey | None = None
# The server backend (pg_database) while a server's database is open, else None.
_server: Any = None
# Each window watching the server (the main window, a stocktake) is told when it is lost.
_lost_notices: list[Callable[[], None]] = []


def open_database(
    path: str | os.PathLike[str], *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    create: bool = True, password: str | None = None,
) -> DataFileInfo:
    """Open (creating or migrating) the data file and bind it for the services.

    With `create=False` a missing or empty file is refused instead of made an
    inventory file: only adding the first item (or File → New) starts one.
    A `postgresql://` address opens that server's database instead (`password`:
    one typed for this session, when libpq has none).
    """
    global _info, _identity, _schema_cookie, _anchors, _key
    close_database()
    if is_server_address(path):
        return _open_server(str(path), password)
    path = resolved_path(path)
    _anchors, _key = seal_store.anchor_book(), None
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
        if exists and not create and _is_empty():
            raise RefusedFileError(
                f"{path} is empty, not an inventory data file. Adding the first item "
                "('inventory items add --db …' or File → New) makes it one.")
        problems = _open_schema(path, read_only)
    except BaseException:
        _file_db.close()
        raise
    sqlite_errors.set_structure_changed(bool(problems))
    _identity = _file_identity(path)
    _schema_cookie = _pragma("schema_version")
    _info = DataFileInfo(path=path, schema_version=_pragma("user_version"),
                         read_only=read_only, created=not exists,
                         schema_problems=tuple(problems), file_id=_file_id(problems),
                         notices=_notices(problems),
                         sealed_tables=seal.sealed_tables(_file_db.execute_sql))
    return _info


def close_database() -> None:
    """Close the data file (or server database) if one is open (idempotent)."""
    global _info, _server
    if _server is not None:
        _server.server_db.close()
        _server = None
        database.initialize(_file_db)
    if _file_db.database is not None and not _file_db.is_closed():
        _file_db.close()
    _info = None


def close_thread_connection() -> None:
    """Close the calling thread's own connection (peewee keeps one per thread).

    A worker thread calls this when done, so its file handles do not linger
    until the garbage collector finds them. Other threads are unaffected.
    """
    if _server is not None:
        _server.server_db.close()
    elif _file_db.database is not None:
        _file_db.close()


def current_file() -> DataFileInfo:
    """The open data file; raises if none is open (a programming error)."""
    if _info is None:
        raise RuntimeError("no data file is open: call open_database() first")
    return _info


def data_version() -> int:
    """A number that changes whenever another connection commits to the file."""
    if _server is not None:
        return _server.change_token()
    return _pragma("data_version")


# The bundle for Linux leaves libpq to the system (build.spec); a source install
# without the driver gets the same sentence.
SERVER_DRIVER_MISSING = (
    "Opening a PostgreSQL server needs PostgreSQL's client library (libpq), which is not "
    "installed on this computer: on Debian or Ubuntu, sudo apt-get install libpq5 (from "
    "source: pip install 'inventory-desktop[postgres]').")


def change_listener() -> Any:
    """Something to watch for other terminals' commits, or None on a file (poll data_version).

    On a server: an object with its own connection listening for changes,
    with fileno(), drain() -> bool (whether any arrived; raises
    ServerUnreachableError once the connection is lost) and close().
    """
    if _server is None:
        return None
    return _server.change_listener()


def add_lost_notice(notice: Callable[[], None]) -> None:
    """Call `notice()` (from any thread) whenever the server is found unreachable."""
    _lost_notices.append(notice)


def remove_lost_notice(notice: Callable[[], None]) -> None:
    """Stop calling `notice` (idempotent)."""
    if notice in _lost_notices:
        _lost_notices.remove(notice)


def _tell_lost() -> None:
    for notice in list(_lost_notices):
        notice()


def check_server() -> None:
    """Reach the server again (a new connection if the old one was lost); a no-op on a file.

    Raises ServerUnreachableError while it is still away.
    """
    if _server is not None:
        _server.check_reachable()


def check_login(url: str, password: str | None = None) -> None:
    """Whether a server lets us in at `url`, before anything else is closed: raises
    LoginRefusedError (see needs_password), ServerUnreachableError…"""
    server_backend().check_login(url, password)


def needs_password(refusal: BaseException) -> bool:
    """Whether a server's refusal means it wants a password that libpq did not have."""
    pg_errors = sys.modules.get(f"{__package__}.pg_errors")  # not loaded: not a server's
    return pg_errors is not None and isinstance(refusal, pg_errors.PasswordNeededError)


def server_backend() -> Any:
    """The server backend module (pg_database), or a sentence when it cannot load here."""
    try:
        from . import pg_database  # only a server needs the driver
    except ImportError as exc:
        raise DataFileError(SERVER_DRIVER_MISSING) from exc
    return pg_database


def _open_server(url: str, password: str | None) -> DataFileInfo:
    global _info, _server
    pg_database = server_backend()
    pg_database.set_lost_notice(_tell_lost)
    pg_database.connect(url, password)
    try:
        state = pg_database.upgrade()
    except BaseException:
        pg_database.server_db.close()
        raise
    _server = pg_database
    database.initialize(pg_database.server_db)
    sqlite_errors.set_structure_changed(False)
    location = pg_database.display_name(url)
    _info = DataFileInfo(path=Path(location.rsplit("/", 1)[-1] or "inventory"),
                         schema_version=state.version, read_only=False,
                         file_id=state.database_id, server=True, location=location,
                         address=pg_database.without_password(url))
    return _info


def compiled(query: Any) -> tuple[str, list[Any]]:
    """A peewee query's SQL in the services' own dialect (SQLite's), for db.run."""
    return _file_db.get_sql_context().sql(query).query()


def set_waiting_notice(notice: Callable[[], None] | None) -> None:
    """Call `notice()` once when a write has waited a second for another program's."""
    _file_db.on_waiting = notice


def structure_problems() -> list[tuple[str, str]]:
    """verify's first look: (check, sentence) for what is wrong with the database itself.

    A file: SQLite's integrity and foreign keys, the schema against this
    version's, a name left in write_context. A server: its catalog (every
    rule present and switched on, nobody else's, owned by inventory_owner).
    """
    if _server is not None:
        from . import pg_checks

        execute = _server.server_db.connection().execute
        return [("schema", problem) for problem in pg_checks.catalog_problems(execute)]
    return file_checks.structure_problems(_file_db.execute_sql, current_file().schema_version)


def other_programs_changes() -> list[tuple[str, int]]:
    """(login, changes) for what programs other than this one changed on a server.

    The server's triggers audit them with the actor `unknown` and the login
    that made them. A file's equivalent is its unsealed rows (verify's seal
    check), so this is empty there.
    """
    if _server is None:
        return []
    return [(login, int(count)) for login, count in _server.server_db.execute_sql(
        "SELECT db_user, count(*) FROM audit_log WHERE actor = 'unknown' "
        "GROUP BY db_user ORDER BY db_user")]


def numbering_counters() -> list[tuple[str, int]]:
    """(table, counter) for each id counter: the next id of a table comes after it."""
    if _server is not None:
        return [(name.removesuffix("_id_seq"), value) for name, value in _server.server_db
                .connection().execute(
                    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s "
                    "AND last_value IS NOT NULL", (_server.SCHEMA,))]
    return file_checks.numbering_counters(_file_db.execute_sql)


def seals_kept() -> bool:
    """Whether writes are sealed here: a file's are; a server relies on its privileges."""
    return _server is None


def is_server() -> bool:
    """Whether the open database is a server's (no file, no seals, no WAL)."""
    return _server is not None


def run(sql: str, params: Sequence[Any] = ()) -> Any:
    """Run one of the services' own statements (SQLite's dialect) and return its cursor.

    On a file, straight on the connection: through peewee it costs more Python
    than SQLite's own work. On a server, translated once per statement.
    """
    if _server is not None:
        return _server.server_db.execute_sql(sql, params)
    return _file_db.connection().execute(sql, params)


def stream(sql: str, params: Sequence[Any] = ()) -> Any:
    """run() for a long read inside a transaction: a cursor whose fetchmany() brings the
    rows a batch at a time. SQLite steps through the file anyway; a server would send
    every row at once to an ordinary cursor, so there it is a cursor on the server."""
    if _server is not None:
        return _server.stream(sql, params)
    return run(sql, params)


def run_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """run() for many rows of parameters (one statement, executed for each row)."""
    if _server is not None:
        with _server.session_errors():
            _server.server_db.cursor().executemany(_server.translate(sql), rows)
        return
    _file_db.connection().executemany(sql, rows)


def lock_items(item_ids: Sequence[int]) -> None:
    """Lock these items for the rest of the write, in one order (a no-op on a file).

    A file has one writer at a time already; on a server, two terminals'
    writes on the same items then take their turn instead of deadlocking.
    A write that touches several items locks them all first.
    """
    if _server is not None:
        _server.lock_rows("stock_item", list(item_ids))


def lock_stocktake(stocktake_id: int) -> None:
    """Lock a stocktake for the rest of the write (a no-op on a file): a second
    terminal committing it waits, then finds it committed."""
    if _server is not None:
        _server.lock_rows("stocktake", [stocktake_id])


def lock_operation_key(op_key: str) -> None:
    """Wait for another terminal booking with the same key (a no-op on a file)."""
    if _server is not None:
        _server.lock_key(f"op_key:{op_key}")


def take_turns(kind: str) -> None:
    """Wait until no other terminal is making a change of this `kind` (a check, then
    an insert that the check allowed), and keep the others waiting until commit.

    A no-op on a file, whose writers take turns already (BEGIN IMMEDIATE).
    """
    if _server is not None:
        _server.lock_key(kind)


def table_columns(table: str) -> list[str]:
    """The columns the open database's `table` has (an older file may lack some)."""
    if _server is not None:
        return _server.table_columns(table)
    return [row[1] for row in _file_db.execute_sql(f"PRAGMA table_info({table})")]


def commit_count() -> int:
    """How many write transactions this process committed (the CLI asks after a command)."""
    return _commits


@contextmanager
def write_transaction(actor: str) -> Iterator[None]:
    """One user action: a BEGIN IMMEDIATE transaction that records who acts, then sealed.

    Refuses to nest: peewee would turn the inner block into a savepoint and
    silently drop IMMEDIATE, bringing back the deferred read-then-write that
    fails at once with "database is locked" under concurrency.
    """
    global _commits
    if database.in_transaction():
        raise RuntimeError("write_transaction() cannot be nested")
    if _server is not None:
        with _server.write_transaction(actor):
            yield
        _commits += 1
        return
    info = current_file()
    _refuse_unwritable(info)
    key = seal_key()
    # Our own statements around the caller's go to the connection directly:
    # through peewee they cost more Python than SQLite's own work.
    execute = _file_db.connection().execute
    try:
        with translate_sqlite_errors(), _file_db.atomic("IMMEDIATE"):
            _refuse_changed_schema(execute("PRAGMA schema_version").fetchone()[0])
            # REPLACE: a row another tool committed and forgot must neither
            # block our writes nor lend its name to them.
            execute("INSERT OR REPLACE INTO write_context (id, actor) VALUES (1, ?)", (actor,))
            before = seal.high_water(execute, info.sealed_tables)
            yield
            execute("DELETE FROM write_context WHERE id = 1")
            anchor = seal.seal_new_rows(execute, before, key=key, file_id=info.file_id or "",
                                        actor=actor)
            _refuse_moved_file()
    except DiskFullError as error:
        raise _numbering_exhausted() or error from error
    except sqlite_errors.RULES as refusal:
        _log.warning("the data file's rules refused a write", exc_info=True)
        raise RuleRefusedError(
            f"The data file's own rules refused this change ({refusal}); nothing was "
            "written. 'inventory verify' checks the file.") from refusal
    _commits += 1
    if anchor is not None:
        anchors().record(anchor, info.path)
    if _commits % _TIDY_EVERY == 0:
        tidy_wal()


def seal_key() -> seal_store.SealKey:
    """This installation's seal key (made on the first write ever)."""
    global _key
    if _key is None:
        _key = seal_store.own_key()
    return _key


def anchors() -> seal_store.AnchorBook:
    """Where this installation keeps its seal anchors."""
    global _anchors
    if _anchors is None:
        _anchors = seal_store.anchor_book()
    return _anchors


def backup_to(destination: str | os.PathLike[str]) -> Path:
    """Copy the open data file to `destination` with SQLite's online backup.

    The copy is owner-only, like the file, and its newest seal is anchored
    beside it (`NAME.seal.json`, with the keys of its seals) and in this
    installation's anchors.
    """
    if _server is not None:
        raise DataFileError(
            "A server's database is backed up on the server, with pg_dump (see the README's "
            "server section), not copied by a terminal.")
    target = resolved_path(destination)
    _refuse_backup_target(target)
    try:
        with translate_sqlite_errors():
            migrations.copy_database(_file_db.connection(), target)
        _anchor_backup(target)
    except BaseException:
        # A half-written copy is no backup, and would block the retry.
        target.unlink(missing_ok=True)
        anchor_file(target).unlink(missing_ok=True)
        raise
    return target


def _refuse_backup_target(target: Path) -> None:
    try:
        os.stat(target)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise path_problem(target, exc) from exc
    else:
        raise DataFileError(f"{target} already exists; choose a new file name.")
    try:
        folder = os.stat(target.parent)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            raise DataFileError(
                f"The folder {target.parent} does not exist; choose another.") from exc
        raise path_problem(target.parent, exc) from exc
    if not stat.S_ISDIR(folder.st_mode):
        raise DataFileError(f"{target.parent} is not a folder; choose another.")


def anchor_file(backup: Path) -> Path:
    """Where a backup's anchor (and seal keys) are written: beside it."""
    return backup_record.record_file(backup)


def tidy_wal() -> None:
    """Checkpoint the -wal back to nothing once it has grown past the limit.

    A long reader (another program holding a transaction open) keeps the -wal
    from being reused, so it grows with every write; once the reader is gone,
    this gives the space back. Never waits: if a reader is still there, the
    next call tries again.
    """
    info = _info
    if info is None or info.read_only:
        return
    try:
        size = os.stat(f"{info.path}-wal").st_size
    except OSError:
        return
    if size <= WAL_SIZE_LIMIT:
        return
    connection = _file_db.connection()
    try:
        connection.execute("PRAGMA busy_timeout = 0")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except peewee.sqlite3.Error:
        _log.info("the -wal of %s could not be checkpointed yet", info.path)
    finally:
        connection.execute(f"PRAGMA busy_timeout = {_LOCK_POLL_MS}")


def _refuse_changed_schema(cookie: int) -> None:
    # The schema is compared at open; another program may change it while the
    # file stays open (the window can stay open for days). SQLite bumps the
    # schema cookie on every change, so only then is it compared again.
    global _info, _schema_cookie
    if cookie == _schema_cookie or _info is None:
        return
    problems = schema_check.differences(_file_db.execute_sql, _pragma("user_version"))
    _schema_cookie = cookie
    if problems:
        _info = dataclasses.replace(_info, schema_problems=tuple(problems))
        sqlite_errors.set_structure_changed(True)
        _refuse_unwritable(_info)


def _numbering_exhausted() -> DataFileError | None:
    # SQLite reports "database or disk is full" also when an AUTOINCREMENT
    # table has used the largest id there is (a row numbered so by hand).
    highest = _file_db.execute_sql("SELECT max(seq) FROM sqlite_sequence").fetchone()[0]
    if highest is None or highest < NUMBERING_LIMIT:
        return None
    return DataFileError(
        "No new row can be numbered: another program gave a row of the data file an id "
        "near the largest number SQLite can store. Nothing was saved. 'inventory verify' "
        "names the table; restore the file from a backup.")


def _refuse_unwritable(info: DataFileInfo) -> None:
    if info.read_only:
        raise ReadOnlyFileError("The data file is open read-only; nothing can be changed.")
    if info.schema_problems:
        more = len(info.schema_problems) - 1
        extra = f" (and {more} more change{'s' if more > 1 else ''})" if more else ""
        raise StructureChangedError(
            "The data file's structure was changed by another program, so nothing can be "
            f"written to it: {info.schema_problems[0]}{extra}. 'inventory verify' lists "
            "every change; restore the file from a backup.")


def _anchor_backup(target: Path) -> None:
    info = current_file()
    with closing(peewee.sqlite3.connect(target)) as copy:
        try:
            newest = copy.execute(
                "SELECT seq, digest FROM seal ORDER BY seq DESC LIMIT 1").fetchone()
            used = [key_id for (key_id,) in copy.execute("SELECT DISTINCT key_id FROM seal")]
        except peewee.sqlite3.OperationalError:  # another program removed the seal table
            newest, used = None, []
    known = seal_store.known_keys()
    record = backup_record.BackupRecord(
        file_id=info.file_id, source=str(info.path), made_at=clock.now_stored(),
        schema_version=info.schema_version,
        keys={key_id: known[key_id].hex() for key_id in used if key_id in known})
    if newest is not None and info.file_id is not None:
        anchor = seal_store.Anchor(info.file_id, newest[0], newest[1])
        anchors().record(anchor, target)
        record = dataclasses.replace(record, seq=anchor.seq, digest=anchor.digest)
    backup_record.write(target, record)


def _is_busy(exc: BaseException) -> bool:
    return isinstance(sqlite_errors.environment_error(exc), DatabaseBusyError)


def _is_empty() -> bool:
    tables = _file_db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return tables == 0 and _pragma("user_version") == 0


def _open_schema(path: Path, read_only: bool) -> list[str]:
    # The schema is compared before a migration (a changed schema is not
    # migrated: the upgrade would run on rules that are not ours) and after.
    problems = schema_check.differences(_file_db.execute_sql, _pragma("user_version"))
    if problems:
        return problems
    if not read_only:
        _switch_to_wal(_file_db.busy_timeout)
        if _pragma("user_version") < schema_version_known():
            connection = _file_db.connection()
            with translate_sqlite_errors():
                anchor = migrations.upgrade(
                    connection, path,
                    begin=lambda: begin_immediate(connection, _file_db.busy_timeout))
            if anchor is not None:
                anchors().record(anchor, path)
    elif _pragma("user_version") < schema_version_known():
        raise ReadOnlyFileError(
            f"{path} was written by an older version and needs upgrading, but it is read-only.")
    return schema_check.differences(_file_db.execute_sql, _pragma("user_version"))


def _file_id(problems: list[str]) -> str | None:
    try:
        row = _file_db.execute_sql("SELECT file_id FROM data_file").fetchone()
    except DataFileError:
        if problems:
            return None  # the table may be among what another program removed
        raise
    return None if row is None else row[0]


def _notices(problems: list[str]) -> tuple[str, ...]:
    # Our transactions empty write_context before they commit: a row there was
    # left by another program, and its edits would be recorded under that name.
    if problems:
        return ()
    left = _file_db.execute_sql("SELECT actor FROM write_context").fetchall()
    return tuple(
        f"Another program left the operator name {actor!r} in the data file (write_context): "
        "changes it made while it was there are recorded under that name, unsealed. "
        "The next change made here clears it." for (actor,) in left)


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
                _file_db.execute_sql("PRAGMA journal_mode = WAL")
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
    _file_db.busy_timeout = busy_timeout
    _file_db.init(
        target,
        timeout=_LOCK_POLL_MS / 1000,
        pragmas={"foreign_keys": 1, "synchronous": "FULL",
                 "journal_size_limit": WAL_SIZE_LIMIT},
        uri=True,
        check_same_thread=False,
    )
    try:
        with translate_sqlite_errors():
            _file_db.connect(reuse_if_open=True)
    except peewee.DatabaseError as exc:
        raise DataFileError(f"{path} cannot be opened: {exc}.") from exc


def _check_open_file(path: Path) -> None:
    # The header can lag behind a WAL file's newer pages: check again through SQLite.
    application_id = _pragma("application_id")
    # We set application_id together with user_version: without it, a version
    # or any table means the file belongs to something else.
    foreign = application_id == 0 and (_pragma("user_version") > 0 or _file_db.execute_sql(
        "SELECT count(*) FROM sqlite_master").fetchone()[0] > 0)
    if application_id not in (0, APPLICATION_ID) or foreign:
        raise RefusedFileError(
            f"{path} is a database of another application, not an inventory data file."
        )
    refuse_newer(path, _pragma("user_version"), schema_version_known())


def _pragma(name: str) -> int:
    with translate_sqlite_errors():
        return _file_db.execute_sql(f"PRAGMA {name}").fetchone()[0]
