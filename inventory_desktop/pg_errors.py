"""PostgreSQL's failures as errors a user can act on: the server's counterpart of sqlite_errors.

A rule of the schema refusing a change (a CHECK or a trigger: SQLSTATE class
23) is a RuleRefusedError with the rule's own sentence; an unreachable
server, a refused login or a missing privilege is a DataFileError saying so;
another terminal's lock or a deadlock is DatabaseBusyError (nothing was
saved: try again). Anything else is our bug and propagates unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from .errors import DatabaseBusyError, DataFileError, DiskFullError, RuleRefusedError

_NOTHING_SAVED = "nothing was saved"


def server_error(failure: BaseException) -> Exception | None:
    """The sentence for a psycopg failure (peewee's wrapper or the driver's own), or None."""
    original = _original(failure)
    if original is None:
        return None
    state = getattr(original, "sqlstate", None) or ""
    message = _message(original)
    if state.startswith("23"):
        return RuleRefusedError(
            f"The database's own rules refused this change ({message}); nothing was "
            "written. 'inventory verify' checks the database.")
    if state in ("40001", "40P01", "55P03"):
        return DatabaseBusyError(
            f"Another terminal was changing the same stock at the same moment; "
            f"{_NOTHING_SAVED}. Try again.")
    if state == "42501":
        return DataFileError(
            f"Your login may not do this on the server ({message}); {_NOTHING_SAVED}. "
            "Ask whoever looks after the server for the inventory_app role.")
    if state.startswith("28"):
        return DataFileError(f"The server refused the login: {message}.")
    if state == "3D000":
        return DataFileError(f"There is no such database on the server: {message}.")
    if state in ("53100", "53200"):
        return DiskFullError(f"The server has no room left ({message}); {_NOTHING_SAVED}.")
    if state.startswith(("08", "57P")) or isinstance(original, psycopg.OperationalError):
        return DataFileError(
            f"The server cannot be reached ({message}); {_NOTHING_SAVED}. What was typed is "
            "still on screen: try again once the connection is back.")
    return None


@contextmanager
def translate_server_errors() -> Iterator[None]:
    """Turn the server's failures inside the block into the program's sentences."""
    try:
        yield
    except Exception as failure:
        error = server_error(failure)
        if error is None:
            raise
        raise error from failure


def _original(failure: BaseException) -> psycopg.Error | None:
    # peewee re-raises the driver's error as its own, with the original first in args.
    if isinstance(failure, psycopg.Error):
        return failure
    for candidate in (*getattr(failure, "args", ())[:1], failure.__cause__, failure.__context__):
        if isinstance(candidate, psycopg.Error):
            return candidate
    return None


def _message(error: psycopg.Error) -> str:
    primary = getattr(getattr(error, "diag", None), "message_primary", None)
    if primary:
        return primary.rstrip(".")
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__).rstrip(".")
