"""PostgreSQL's failures as errors a user can act on: the server's counterpart of sqlite_errors.

A rule of the schema refusing a change (a CHECK or a trigger: SQLSTATE class
23) is a RuleRefusedError with the rule's own sentence; an unreachable
server, a refused login or a missing privilege is a DataFileError saying so
(ServerUnreachableError, LoginRefusedError, PermissionRefusedError); another
terminal's lock or a deadlock is DatabaseBusyError (nothing was saved: try
again). Anything else is our bug and propagates unchanged.

Errors met while connecting carry no SQLSTATE (libpq reports them as text),
so they are told apart by libpq's wording; when the wording is not one we
know (a server answering in another language), the server's own reason is
quoted. No message holds a password: libpq never puts one in its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from .errors import (
    DatabaseBusyError,
    DataFileError,
    DiskFullError,
    InventoryError,
    ReadOnlyFileError,
    RuleRefusedError,
)

_NOTHING_SAVED = "nothing was saved"
PASSWORD_HINT = ("the password comes from ~/.pgpass (or the PGPASSWORD environment "
                 "variable), never from the address")


class ServerUnreachableError(DataFileError):
    """The server cannot be reached, or the connection to it was lost."""


class LoginRefusedError(DataFileError):
    """The server refused the login: unknown, not allowed here, or a wrong password."""


class PasswordNeededError(LoginRefusedError):
    """The server asked for a password that libpq did not have, or refused the one given."""


class PermissionRefusedError(DataFileError):
    """The login is connected but lacks a privilege the action needs (SQLSTATE 42501)."""


def server_error(failure: BaseException, where: str | None = None) -> Exception | None:
    """The sentence for a psycopg failure (peewee's wrapper or the driver's own), or None.

    `where` names the database for a tool working on one by its address
    ("the database kitchen on db.lan:5432", copy-to); the program's own
    session says "the server".
    """
    if isinstance(failure, InventoryError):  # already a sentence, perhaps made from one
        return None
    original = _original(failure)
    if original is None:
        return None
    state = getattr(original, "sqlstate", None) or ""
    message = _message(original)
    if not state and isinstance(original, psycopg.OperationalError):
        return _connection_error(message, where)
    return _statement_error(state, message, where)


@contextmanager
def translate_server_errors(where: str | None = None) -> Iterator[None]:
    """Turn the server's failures inside the block into the program's sentences."""
    try:
        yield
    except Exception as failure:
        error = server_error(failure, where)
        if error is None:
            raise
        raise error from failure


def _statement_error(state: str, message: str, where: str | None) -> Exception | None:
    place = where or "the server"
    if state.startswith("23"):
        return RuleRefusedError(
            f"The database's own rules refused this change ({message}); nothing was "
            "written. 'inventory verify' checks the database.")
    if state in ("40001", "40P01", "55P03"):
        return DatabaseBusyError(
            f"Another terminal was changing the same stock at the same moment; "
            f"{_NOTHING_SAVED}. Try again.")
    if state == "42501":
        return PermissionRefusedError(
            f"Your login may not do this on {place} ({message}); {_NOTHING_SAVED}. "
            "Ask whoever looks after the server for the role it needs (the program's "
            "logins: inventory_app).")
    if state.startswith("28"):
        return LoginRefusedError(f"{place[:1].upper()}{place[1:]} refused the login: {message}.")
    if state == "3D000":
        return DataFileError(f"There is no such database on the server: {message}.")
    if state in ("53100", "53200"):
        return DiskFullError(f"The server has no room left ({message}); {_NOTHING_SAVED}.")
    if state == "53300":
        return DatabaseBusyError(
            f"The server has no connection left for us ({message}); {_NOTHING_SAVED}. "
            "Try again in a moment.")
    if state == "57014":
        return DataFileError(
            f"The server cancelled the work on {place} ({message}: a time limit, or someone "
            f"cancelled it); {_NOTHING_SAVED}.")
    if state == "25006":
        return ReadOnlyFileError(
            f"{place[:1].upper()}{place[1:]} only allows reading (a standby server, or a "
            f"read-only setting); {_NOTHING_SAVED}.")
    if state.startswith(("08", "57P")):
        if where is None:
            return _unreachable(message, where)
        return ServerUnreachableError(
            f"The connection to {where} was lost ({message}); {_NOTHING_SAVED}.")
    return None


# libpq's wording while connecting, when there is no SQLSTATE to go by.
_CONNECT_TEXTS = (
    (("password authentication failed", "no password supplied"), PasswordNeededError,
     "the server refused the login (wrong password or none given; " + PASSWORD_HINT + ")"),
    (("is not permitted to log in",), LoginRefusedError,
     "the server refused the login: that role is a group, not a login"),
    (("no pg_hba.conf entry",), LoginRefusedError,
     "the server does not accept this login from this computer (its pg_hba.conf)"),
    (("authentication failed",), LoginRefusedError, "the server refused the login"),
    (("too many clients", "remaining connection slots"), DatabaseBusyError,
     "the server has no connection left for us; try again in a moment"),
)
_ROLE_MISSING = re.compile(r'role "(.*)" does not exist')
_DATABASE_MISSING = re.compile(r'database "(.*)" does not exist')
# 'connection failed: connection to server at "h", port 5 failed: FATAL:  reason'
_LIBPQ_LEAD_IN = re.compile(
    r"connection (?:failed|is bad): (?:connection to server .*? failed: )?(?:FATAL: +)?(.*)")


def _connection_error(message: str, where: str | None) -> Exception:
    if match := _LIBPQ_LEAD_IN.match(message):
        message = match.group(1) or message
    place = where or "the server"
    lowered = message.lower()
    for needles, error_type, sentence in _CONNECT_TEXTS:
        if any(needle in lowered for needle in needles):
            return error_type(f"Cannot use {place}: {sentence}. Nothing was saved.")
    if match := _ROLE_MISSING.search(message):
        return LoginRefusedError(
            f"Cannot use {place}: the server has no login {match.group(1)!r}. Nothing was saved.")
    if match := _DATABASE_MISSING.search(message):
        return DataFileError(
            f"Cannot use {place}: the server has no database {match.group(1)!r}; "
            "create it first (createdb). Nothing was saved.")
    return _unreachable(message, where)


def _unreachable(message: str, where: str | None) -> ServerUnreachableError:
    if where is None:  # the program's own session: the window keeps what was typed
        return ServerUnreachableError(
            f"The server cannot be reached ({message}); {_NOTHING_SAVED}. What was typed is "
            "still on screen: try again once the connection is back.")
    return ServerUnreachableError(
        f"Cannot reach {where} ({message}): is the server running, and are its address "
        f"and port right? {_NOTHING_SAVED[:1].upper()}{_NOTHING_SAVED[1:]}.")


def _original(failure: BaseException, depth: int = 3) -> psycopg.Error | None:
    # peewee re-raises the driver's error as its own, with the original first in
    # args; a failed reconnect inside a query is wrapped twice (connect, then
    # the query), hence a few levels down.
    if isinstance(failure, psycopg.Error):
        return failure
    if depth == 0:
        return None
    for candidate in (*getattr(failure, "args", ())[:1], failure.__cause__, failure.__context__):
        if isinstance(candidate, BaseException):
            found = _original(candidate, depth - 1)
            if found is not None:
                return found
    return None


def _message(error: psycopg.Error) -> str:
    primary = getattr(getattr(error, "diag", None), "message_primary", None)
    if primary:
        return primary.rstrip(".")
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__).rstrip(".")
