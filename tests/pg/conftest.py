"""A fresh PostgreSQL database for each test in this folder (the server: tests/pg_server.py).

These tests talk to the server's schema directly with psycopg; the program's
own suites run on a server too, through the `backend` parameter of the
data_file fixture (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pg_server import LOGINS, PASSWORD, TEMPLATE, drop_database, new_database


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.pg)


@dataclass(frozen=True)
class PgDatabase:
    """One test's own database."""

    server: str
    name: str

    def conninfo(self, login: str = "admin") -> str:
        from psycopg.conninfo import make_conninfo

        if login == "admin":
            return make_conninfo(self.server, dbname=self.name)
        return make_conninfo(self.server, dbname=self.name, user=LOGINS[login][0],
                             password=PASSWORD)

    def connect(self, login: str = "admin", *, autocommit: bool = True) -> Any:
        """A psycopg connection as `login` ("admin", "app", "tool" or "report")."""
        import psycopg

        return psycopg.connect(self.conninfo(login), autocommit=autocommit,
                               options="-c search_path=inventory")


def _database(server: str, template: str) -> Iterator[PgDatabase]:
    name = new_database(server, template)
    try:
        yield PgDatabase(server, name)
    finally:
        drop_database(server, name)


@pytest.fixture
def pg_db(pg_server: str) -> Iterator[PgDatabase]:
    """A fresh database with the newest schema installed."""
    yield from _database(pg_server, TEMPLATE)


@pytest.fixture
def pg_empty(pg_server: str) -> Iterator[PgDatabase]:
    """A fresh, empty database (nothing of ours in it)."""
    yield from _database(pg_server, "template0")
