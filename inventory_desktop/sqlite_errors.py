"""SQLite failures that are the environment's fault, as errors a user can act on.

Following qutebrowser: busy, read-only, full, damaged and unreachable files
become DataFileError subclasses with a sentence; anything else is our bug and
propagates unchanged, to be reported as one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import peewee

from .errors import (
    DatabaseBusyError,
    DataFileError,
    DiskFullError,
    ReadOnlyFileError,
    RefusedFileError,
    StructureChangedError,
)

# Constraint failures are the rules doing their job, not the environment failing.
RULES = (peewee.IntegrityError, sqlite3.IntegrityError)
FAILURES = (peewee.DatabaseError, sqlite3.DatabaseError)
# What SQLite says when a table, view or column the program needs is gone.
_MISSING_OBJECT = ("no such table", "no such column", "no such view", "has no column named")
_structure_changed = False


def set_structure_changed(changed: bool) -> None:
    """Say whether the open file's schema differs from ours (db.open_database knows).

    Only then is a missing table or column the file's fault; otherwise it is
    our bug and must be reported as one, not explained away.
    """
    global _structure_changed
    _structure_changed = changed


@contextmanager
def translate_sqlite_errors() -> Iterator[None]:
    """Turn SQLite's environment failures into errors the user can act on."""
    try:
        yield
    except RULES:
        raise
    except FAILURES as exc:
        raise_translated(exc)


def raise_translated(exc: BaseException) -> None:
    """Raise the user-facing error for `exc`, or `exc` itself when it is a bug."""
    translated = environment_error(exc)
    if translated is None:
        raise exc
    raise translated from exc


_ENVIRONMENT_ERRORS = (
    ("locked", DatabaseBusyError,
     "The data file is busy: another program is writing to it. Try again in a moment."),
    ("busy", DatabaseBusyError,
     "The data file is busy: another program is writing to it. Try again in a moment."),
    ("readonly", ReadOnlyFileError,
     "The data file cannot be written (it or its folder is read-only)."),
    ("full", DiskFullError,
     "The disk holding the data file is full; nothing was saved. Free some space and try again."),
    ("malformed", DataFileError,
     "The data file is damaged. Restore it from a backup; run 'inventory verify' for details."),
    ("not a database", RefusedFileError, "The data file is not a SQLite database."),
    ("disk i/o", DataFileError,
     "The data file could not be read or written (disk I/O error); nothing was saved."),
    ("unable to open", DataFileError,
     "The data file or its folder cannot be reached; was it moved or deleted?"),
    ("cantopen", DataFileError,
     "The data file or its folder cannot be reached; was it moved or deleted?"),
)


def environment_error(exc: BaseException) -> DataFileError | None:
    """The user-facing error for an environment failure, or None if it is a bug."""
    text = _sqlite_error_text(exc)
    if _structure_changed and any(needle in text for needle in _MISSING_OBJECT):
        return StructureChangedError(
            f"The data file's structure was changed by another program ({exc}); "
            "run 'inventory verify' for the list of changes, and restore it from a backup.")
    for needle, error_type, message in _ENVIRONMENT_ERRORS:
        if needle in text:
            return error_type(message)
    return None


def _sqlite_error_text(exc: BaseException) -> str:
    parts = []
    while exc is not None:
        parts.append(str(exc))
        parts.append(getattr(exc, "sqlite_errorname", "") or "")
        exc = exc.__cause__ or exc.__context__
    return " ".join(parts).lower().replace("_", " ")
