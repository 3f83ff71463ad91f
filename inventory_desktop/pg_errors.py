"""PostgreSQL failures that are the environment's fault, as sentences a manager can act on.

The counterpart of sqlite_errors.py for psycopg 3: the server out of reach,
the login refused, a privilege missing, the server's disk full or shutting
down, another terminal holding a lock — each becomes an InventoryError with
a sentence. Anything else (a syntax error, an unknown column: our bug)
is left alone, to propagate and be reported as a bug.

Errors met while connecting carry no SQLSTATE (libpq reports them as text),
so they are told apart by libpq's wording; when the wording is not one we
know (a server answering in another language), the server's own reason is
quoted. No message ever holds a password: libpq never puts one in its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from .errors import (
    ConflictError,
    DatabaseBusyError,
    DataFileError,
    DiskFullError,
    InventoryError,
    ReadOnlyFileError,
    RuleRefusedError,
)

PASSWORD_HINT = ("the password comes from ~/.pgpass (or the PGPASSWORD environment "
                 "variable), never from the address")


class ServerUnreachableError(DataFileError):
    """The server cannot be reached, or the connection to it was lost."""


class LoginRefusedError(DataFileError):
    """The server refused the login: unknown, not allowed here, or a wrong password."""


class PermissionRefusedError(DataFileError):
    """The login is connected but lacks a privilege the action needs (SQLSTATE 42501)."""


# libpq's wording while connecting, when there is no SQLSTATE to go by.
_CONNECT_TEXTS = (
    (("password authentication failed", "no password supplied"), LoginRefusedError,
     "the server refused the login (wrong password or none given; " + PASSWORD_HINT + ")"),
    (("is not permitted to log in",), LoginRefusedError,
     "the server refused the login: that role is a group, not a login"),
    (("no pg_hba.conf entry",), LoginRefusedError,
     "the server does not accept this login from this computer (its pg_hba.conf)"),
    (("authentication failed",), LoginRefusedError, "the server refused the login"),
    (("too many clients", "remaining connection slots"), DatabaseBusyError,
     "the server has no connection left for us; try again in a moment"),
    (("the database system is starting up", "the database system is shutting down",
      "the database system is in recovery mode"), ServerUnreachableError,
     "the server is starting up or shutting down; try again in a moment"),
)
_ROLE_MISSING = re.compile(r'role "(.*)" does not exist')
_DATABASE_MISSING = re.compile(r'database "(.*)" does not exist')
_LIBPQ_LEAD_IN = re.compile(
    r"connection (?:failed|is bad): (?:connection to server .*? failed: )?(?:FATAL: +)?(.*)")


def server_error(exc: BaseException, where: str) -> InventoryError | None:
    """The user-facing error for a psycopg failure at `where`, or None when it is our bug.

    `where` names the server and database ("the database kitchen on db.lan:5432").
    """
    if not isinstance(exc, psycopg.Error):
        return None
    sqlstate = exc.sqlstate or ""
    if not sqlstate:
        return _connection_error(exc, where) if isinstance(exc, psycopg.OperationalError) else None
    return _statement_error(sqlstate, _reason(exc), where)


@contextmanager
def translate_pg_errors(where: str) -> Iterator[None]:
    """Turn psycopg's environment failures inside the block into errors the user can act on."""
    try:
        yield
    except psycopg.Error as exc:
        translated = server_error(exc, where)
        if translated is None:
            raise
        raise translated from exc


def _connection_error(exc: psycopg.Error, where: str) -> InventoryError:
    reason = _reason(exc)
    lowered = reason.lower()
    for needles, error_type, sentence in _CONNECT_TEXTS:
        if any(needle in lowered for needle in needles):
            return error_type(f"Cannot use {where}: {sentence}. Nothing was saved.")
    if match := _ROLE_MISSING.search(reason):
        return LoginRefusedError(
            f"Cannot use {where}: the server has no login {match.group(1)!r}. Nothing was saved.")
    if match := _DATABASE_MISSING.search(reason):
        return DataFileError(
            f"Cannot use {where}: the server has no database {match.group(1)!r}; "
            "create it first (createdb). Nothing was saved.")
    return ServerUnreachableError(
        f"Cannot reach {where} ({reason}): is the server running, and are its address "
        "and port right? Nothing was saved.")


def _statement_error(sqlstate: str, reason: str, where: str) -> InventoryError | None:
    if sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03"):
        return ServerUnreachableError(
            f"The connection to {where} was lost ({reason}); nothing was saved.")
    if sqlstate.startswith("28"):
        return LoginRefusedError(f"Cannot use {where}: the server refused the login ({reason}).")
    if sqlstate == "3D000":
        return DataFileError(f"Cannot use {where}: {reason}.")
    if sqlstate == "42501":
        return PermissionRefusedError(
            f"Your login may not do this on {where} ({reason}); nothing was saved.")
    if sqlstate == "53100":
        return DiskFullError(
            f"The server's disk is full ({where}); nothing was saved. Ask whoever runs "
            "the server to free some space.")
    if sqlstate in ("53200", "53300"):
        return DatabaseBusyError(
            f"The server ({where}) is out of memory or connections ({reason}); "
            "nothing was saved. Try again in a moment.")
    if sqlstate in ("55P03", "40001", "40P01"):
        return DatabaseBusyError(
            f"Another program is working on the same rows of {where} ({reason}); "
            "nothing was saved. Try again in a moment.")
    if sqlstate == "57014":
        return DataFileError(
            f"The server cancelled the work on {where} ({reason}: a time limit, or someone "
            "cancelled it); nothing was saved.")
    if sqlstate == "25006":
        return ReadOnlyFileError(
            f"{where} only allows reading (a standby server, or a read-only setting); "
            "nothing was saved.")
    if sqlstate == "23505":
        return ConflictError(f"The database refused the change ({reason}); nothing was saved.")
    if sqlstate in ("23514", "23503", "23502"):
        return RuleRefusedError(f"The database's rules refused the change: {reason}.")
    return None


def _reason(exc: psycopg.Error) -> str:
    """What the server or libpq said, without libpq's "connection to server … failed:" lead-in."""
    primary = getattr(exc.diag, "message_primary", None) if exc.sqlstate else None
    text = primary or str(exc)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    # libpq: 'connection failed: connection to server at "h", port 5 failed: FATAL:  reason'
    if match := _LIBPQ_LEAD_IN.match(first):
        first = match.group(1) or first
    return first.rstrip(".")
