"""Connecting to a PostgreSQL server from a postgresql:// address, and naming it in sentences.

The password is libpq's business (~/.pgpass, PGPASSWORD): an address that
carries one is refused, since a command line is visible to every user of
the computer (ps) and kept in the shell's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from ..errors import DataFileError, ValidationError
from ..pg_errors import PASSWORD_HINT, translate_server_errors

SCHEMES = ("postgresql://", "postgres://")
# Without it an address that drops packets waits for the system's TCP timeout (minutes).
CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class ServerAddress:
    """A checked postgresql:// address and how sentences name it."""

    url: str
    where: str  # "the database kitchen on db.lan:5432"


def server_address(url: str) -> ServerAddress:
    """Check a postgresql:// address given by the user; refuse one holding a password."""
    if not url.startswith(SCHEMES):
        raise ValidationError(
            f"{url[:60]!r} is not a server address: write postgresql://LOGIN@HOST:PORT/DATABASE.")
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ValidationError(f"The server address cannot be read: {exc}.") from exc
    if "password" in parts:
        raise ValidationError(
            "Leave the password out of the server address: " + PASSWORD_HINT + ".")
    return ServerAddress(url, _where(parts))


def connect(address: ServerAddress, *, application: str) -> Any:
    """An autocommit psycopg connection (transactions are opened explicitly), or a sentence."""
    options: dict[str, Any] = {"autocommit": True, "application_name": application,
                               "client_encoding": "UTF8"}
    if "connect_timeout" not in conninfo_to_dict(address.url):
        options["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    with translate_server_errors(address.where):
        connection = psycopg.connect(address.url, **options)
        encoding = connection.execute("SHOW server_encoding").fetchone()[0]
    if encoding != "UTF8":
        connection.close()
        # Names are kept exactly as typed; another encoding cannot hold every one.
        raise DataFileError(
            f"{address.where} stores text as {encoding}; the inventory needs a database "
            "created with ENCODING 'UTF8', so that every name is kept exactly.")
    return connection


def _where(parts: dict[str, Any]) -> str:
    database = parts.get("dbname") or parts.get("user") or "(your login's name)"
    host = parts.get("host") or "localhost"
    if host.startswith("/"):
        return f"the database {database} on the local socket in {host}"
    port = parts.get("port")
    return f"the database {database} on {host}" + (f":{port}" if port else "")
