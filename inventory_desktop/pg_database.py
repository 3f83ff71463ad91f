"""The ledger on a PostgreSQL server (issue 11): connecting, the server's SQL, one write.

db.py binds this database instead of a file's when asked to open a
`postgresql://` address; the models and services then work on the server
unchanged. The services' own SQL is written for SQLite; the few places where
PostgreSQL reads it otherwise are translated here, once per statement (see
`translate`). peewee's own SQL is already PostgreSQL's and passes untouched.

The rules live in the server's schema (schema_pg/): its triggers check every
movement, write history and audit with the actor this program sets for its
transaction, and its privileges keep the app's logins from bending them.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import peewee
import psycopg
from psycopg.adapt import Loader
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg.types.json import Json, Jsonb

from . import pg_migrations
from .pg_errors import ServerUnreachableError, translate_server_errors

SCHEMA = pg_migrations.SCHEMA
CHANNEL = "inventory_changed"  # schema_pg/0005_notify.sql announces every change here
# A terminal that vanished mid-transaction must not hold its item locks for long.
_IDLE_IN_TRANSACTION = "5min"
# How long a write waits for an item another terminal is changing (one held up
# mid-write, say) before it is told to try again, instead of freezing the window.
LOCK_WAIT = "15s"
# A server whose network vanished without a word (a pulled cable) sends
# nothing: keepalives make a connection fail within a minute instead of after
# the system's TCP timeout, and a connection attempt gives up after 10 s.
# An address that sets any of these itself wins.
_CONNECTION_SETTINGS = {"connect_timeout": "10", "keepalives": "1", "keepalives_idle": "20",
                        "keepalives_interval": "5", "keepalives_count": "4"}


class _IntegralNumericLoader(Loader):
    """numeric as int when it is whole: PostgreSQL's sum() of bigints is numeric.

    The services add ten-thousandths as ints, exactly as SQLite hands them;
    a sum arrives here as numeric text with no fraction.
    """

    def load(self, data: Any) -> Any:
        text = bytes(data).decode()
        if "." in text or "e" in text.lower() or text in ("NaN", "Infinity", "-Infinity"):
            from decimal import Decimal

            return Decimal(text)
        return int(text)


class _Psycopg3Adapter(peewee.Psycopg3Adapter):
    """peewee's psycopg 3 adapter, on the driver imported here.

    peewee is imported without the drivers (inventory_desktop/__init__.py), so
    its own adapter would find none; this one names psycopg itself.
    """

    txn_idle = TransactionStatus.IDLE
    txn_inerror = TransactionStatus.INERROR
    txn_unknown = TransactionStatus.UNKNOWN

    def __init__(self) -> None:
        super().__init__()
        self.json_type, self.jsonb_type = Json, Jsonb

    def check_driver(self) -> None:
        pass  # imported above

    def get_binary_type(self) -> Any:
        return psycopg.Binary

    def connect(self, db: Any, **params: Any) -> Any:
        params.setdefault("conninfo", db.database)
        return psycopg.connect(**params)

    def server_side_cursor(self, conn: Any) -> Any:
        in_transaction = self.txn_status(conn) == TransactionStatus.INTRANS
        return conn.cursor(name=str(uuid.uuid1()), withhold=not in_transaction)


# Told (from whichever thread met it) when the server could not be reached.
_on_lost: Callable[[], None] | None = None


@contextmanager
def session_errors() -> Iterator[None]:
    """translate_server_errors for the program's own session: a lost server is also told."""
    try:
        with translate_server_errors():
            yield
    except ServerUnreachableError:
        if _on_lost is not None:
            _on_lost()
        raise


def set_lost_notice(notice: Callable[[], None] | None) -> None:
    """Call `notice()` whenever a query finds the server unreachable (any thread)."""
    global _on_lost
    _on_lost = notice


class ServerDatabase(peewee.PostgresqlDatabase):
    """peewee's PostgreSQL database reading the services' SQLite-flavoured SQL."""

    def init(self, database: Any, **kwargs: Any) -> None:
        super().init(database, **kwargs)
        self._adapter = _Psycopg3Adapter()

    def execute(self, query: Any, **context_options: Any) -> Any:
        # peewee's own SQL is PostgreSQL's already: not translated.
        ctx = self.get_sql_context(**context_options)
        sql, params = ctx.sql(query).query()
        with session_errors():
            return super().execute_sql(sql, params)

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        with session_errors():
            return super().execute_sql(translate(sql), params)

    def cursor(self, named_cursor: Any = None) -> Any:
        self._forget_lost_connection()
        return super().cursor(named_cursor)

    def connection(self) -> Any:
        self._forget_lost_connection()
        return super().connection()

    def _forget_lost_connection(self) -> None:
        # peewee keeps a connection the server dropped (it only knows its own
        # close()): every query would fail on it for ever. psycopg marks it
        # closed once a query met the loss; the next query then connects anew.
        # Not inside a transaction: that one failed already and is unwinding.
        conn = self._state.conn
        if conn is not None and conn.closed and not self.in_transaction():
            self._state.reset()

    def _initialize_connection(self, conn: Any) -> None:
        conn.adapters.register_loader("numeric", _IntegralNumericLoader)
        with conn.cursor() as cursor:
            cursor.execute(f"SET search_path = {SCHEMA}")
            cursor.execute(f"SET idle_in_transaction_session_timeout = '{_IDLE_IN_TRANSACTION}'")
            cursor.execute(f"SET lock_timeout = '{LOCK_WAIT}'")


server_db = ServerDatabase(None, prefer_psycopg3=True)


def connect(url: str, password: str | None = None) -> None:
    """Bind `url` (its password from libpq: ~/.pgpass or PGPASSWORD, or `password`,
    given for this session only) and connect."""
    # peewee's init() adds to the parameters given before: a password typed for
    # the last database opened would be offered to this one.
    server_db.connect_params.clear()
    server_db.init(url, prefer_psycopg3=True, **_connection_params(url, password))
    with translate_server_errors():
        server_db.connect(reuse_if_open=True)


def _connection_params(url: str, password: str | None) -> dict[str, str]:
    """Our connection settings the address does not set itself, and a typed password."""
    try:
        given = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        given = {}  # connecting will say what is wrong with the address
    params = {key: value for key, value in _CONNECTION_SETTINGS.items() if key not in given}
    return params if password is None else params | {"password": password}


def check_login(url: str, password: str | None = None) -> None:
    """Log in to `url` once and leave (nothing read or written): raises the refusal, if any."""
    with translate_server_errors():
        psycopg.connect(url, **_connection_params(url, password)).close()


def check_reachable() -> None:
    """Ask the server something (connecting anew if the connection was lost);
    raises ServerUnreachableError while it is still away."""
    try:
        server_db.execute_sql("SELECT 1").fetchall()
    except ServerUnreachableError:
        # That query may only have found the old connection lost: one more, on a new one.
        server_db.execute_sql("SELECT 1").fetchall()


def without_password(url: str) -> str:
    """`url` with any password taken out (what may be remembered or shown)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", "@", 1)
    query = urlencode([(key, value) for key, value in parse_qsl(parts.query)
                       if key != "password"], safe="/")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def display_name(url: str) -> str:
    """'postgresql://bar@office/inventory': the address without any password in it."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://…"
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = parts.get("host") or "localhost"
    if host.startswith("/"):
        host = "localhost"
    port = f":{parts['port']}" if parts.get("port") and parts["port"] != "5432" else ""
    return f"postgresql://{user}{host}{port}/{parts.get('dbname', '')}"


def upgrade() -> pg_migrations.DatabaseState:
    """Set up or migrate the server's schema (refusing another application's database)."""
    with translate_server_errors():
        return pg_migrations.upgrade(server_db.connection())


@contextmanager
def write_transaction(actor: str) -> Iterator[None]:
    """One user action: a transaction that tells the server's triggers who acts."""
    with session_errors(), server_db.atomic():
        server_db.execute_sql("SELECT set_config('inventory.actor', ?, true)", (actor,))
        yield


class ChangeListener:
    """Its own connection, listening for the commits of every terminal on this database.

    Its socket becomes readable when a notification arrives or the
    connection is lost; `drain()` then tells which.
    """

    def __init__(self, url: str, **params: Any) -> None:
        with session_errors():
            self._connection = psycopg.connect(url, autocommit=True, **params)
            self._connection.execute(f"LISTEN {CHANNEL}")

    def fileno(self) -> int:
        return self._connection.fileno()

    def drain(self) -> bool:
        """Whether notifications arrived (read without waiting); raises
        ServerUnreachableError when the connection is gone."""
        pgconn = self._connection.pgconn
        with session_errors():
            # libpq's own calls: psycopg's notifies() generator would wait on the socket.
            pgconn.consume_input()
            if pgconn.status != psycopg.pq.ConnStatus.OK:
                raise psycopg.OperationalError("the connection to the server was lost")
        heard = False
        while pgconn.notifies() is not None:
            heard = True
        return heard

    def close(self) -> None:
        self._connection.close()


def change_listener() -> ChangeListener:
    """A listener on the database open now, connected as the session is."""
    return ChangeListener(server_db.database, **server_db.connect_params)


def change_token() -> int:
    """A number that grows with every change anyone makes (each one writes an audit row)."""
    row = server_db.execute_sql("SELECT COALESCE(max(id), 0) FROM audit_log").fetchone()
    return int(row[0])


def lock_rows(table: str, row_ids: list[int]) -> None:
    """Lock these rows, in id order, for the rest of the transaction.

    Every write that touches several items takes their locks in one order, so
    two terminals' writes cannot deadlock; writes on other items do not wait.
    """
    ids = sorted(set(row_ids))
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        server_db.execute_sql(
            f"SELECT id FROM {table} WHERE id IN ({','.join('?' * len(chunk))}) "
            "ORDER BY id FOR NO KEY UPDATE", tuple(chunk)).fetchall()


def stream(sql: str, params: Any = ()) -> Any:
    """A server-side cursor for `sql` (inside a transaction): fetchmany() pulls a batch."""
    cursor = server_db.connection().cursor(name=f"inventory_{uuid.uuid4().hex}")
    with session_errors():
        cursor.execute(translate(sql), params)
    return cursor


def lock_key(name: str) -> None:
    """Wait for any other transaction holding the lock called `name`; hold it to the end."""
    server_db.execute_sql("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                          (f"inventory.{name}",))


def table_columns(table: str) -> list[str]:
    return [name for (name,) in server_db.execute_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? "
        "AND table_name = ? ORDER BY ordinal_position", (SCHEMA, table))]


# --- the services' SQL, as PostgreSQL reads it -------------------------------------------------

# Each (pattern, replacement) turns one SQLite way of saying something into
# PostgreSQL's; everything else the services write reads the same on both.
_REWRITES = [
    # A movement's time: the server's trigger dates it under the item's lock.
    (re.compile(r"max\(strftime\('%Y-%m-%dT%H:%M:%fZ', 'now'\),\s*"
                r"COALESCE\(\(SELECT created_at FROM last_movement_at\), ''\)\)"), "NULL"),
    (re.compile(r"strftime\('%Y-%m-%dT%H:%M:%fZ', 'now'\)"), f"{SCHEMA}.utc_now()"),
    # A well-formed stored time.
    (re.compile(r"strftime\('%Y-%m-%dT%H:%M:%fZ', julianday\(([\w.]+)\)\) IS \1"),
     rf"{SCHEMA}.is_utc_time(\1)"),
    # A reference read as a movement's id (SQLite reads text as 0; PostgreSQL would raise).
    (re.compile(r"CAST\(([\w.]*reference_id) AS INTEGER\)"), rf"{SCHEMA}.referenced_id(\1)"),
    # IS with a value: PostgreSQL's IS takes only NULL, TRUE and FALSE.
    (re.compile(r"\bIS NOT '"), "IS DISTINCT FROM '"),
    (re.compile(r"\bIS '"), "IS NOT DISTINCT FROM '"),
    # Times are ordered per item on a server (one global order would need one global lock).
    (re.compile(r"OVER \(ORDER BY id\)"), "OVER (PARTITION BY stock_item_id ORDER BY id)"),
]
_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?|%")


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """The services' SQL (SQLite's dialect, '?' placeholders) as PostgreSQL reads it."""
    for pattern, replacement in _REWRITES:
        sql = pattern.sub(replacement, sql)
    return _PLACEHOLDER.sub(_placeholder, sql)


def _placeholder(match: re.Match[str]) -> str:
    token = match.group(0)
    if token == "?":
        return "%s"
    if token == "%":
        return "%%"  # psycopg reads % as the start of a placeholder
    return token.replace("%", "%%")  # a quoted literal keeps its text, % escaped
