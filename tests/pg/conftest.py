"""A real PostgreSQL for the tests in this folder, and a fresh database for each test.

The server is $INVENTORY_TEST_PG_URL (a login that may create databases and
roles), or else a throwaway one that scripts/pg_throwaway.py starts for the
session and removes afterwards. Without a server these tests are skipped on
a developer's machine; with INVENTORY_REQUIRE_PG=1 (CI) a missing or broken
server fails them, and no test here may end skipped.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from inventory_desktop import pg_migrations

REQUIRED = os.environ.get("INVENTORY_REQUIRE_PG") == "1"
ROOT = Path(__file__).resolve().parents[2]
# One template per session: two sessions may share a server (INVENTORY_TEST_PG_URL).
TEMPLATE = f"inventory_test_template_{uuid.uuid4().hex[:8]}"
PASSWORD = "inventory-test"  # test logins only; the throwaway server trusts its socket anyway
# Logins the tests connect as: the program, a report tool, and "another tool"
# that holds the program's privileges but does not say who acts.
LOGINS = {"app": ("inventory_test_app", pg_migrations.APP_ROLE),
          "tool": ("inventory_test_tool", pg_migrations.APP_ROLE),
          "report": ("inventory_test_report", pg_migrations.REPORT_ROLE)}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.pg)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    # CI must prove the PostgreSQL half: a skip there is a failure.
    if REQUIRED and report.skipped and Path(__file__).parent in Path(item.fspath).parents:
        report.outcome = "failed"
        report.longrepr = f"INVENTORY_REQUIRE_PG=1, but this test was skipped: {report.longrepr}"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"PostgreSQL is required (INVENTORY_REQUIRE_PG=1): {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL for the tests: {reason} (scripts/pg_throwaway.py starts one)")


def _throwaway() -> ModuleType:
    path = ROOT / "scripts" / "pg_throwaway.py"
    spec = importlib.util.spec_from_file_location("pg_throwaway", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The admin connection string of a running server with our roles and test logins."""
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test]')")
    url = os.environ.get("INVENTORY_TEST_PG_URL")
    throwaway = started = None
    if not url:
        throwaway = _throwaway()
        try:
            started = throwaway.start()
        except throwaway.ThrowawayError as error:
            _unavailable(str(error))
        url = started.url
    try:
        _make_template(url)
    except psycopg.Error as error:
        if started is not None:
            throwaway.stop(started.folder, quiet=True)
        _unavailable(f"the server at {url} cannot be used: {error}")
    yield url
    with _admin(url) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
    if started is not None:
        throwaway.stop(started.folder)


def _admin(url: str, dbname: str | None = None) -> Any:
    import psycopg
    from psycopg.conninfo import make_conninfo

    conninfo = make_conninfo(url, dbname=dbname) if dbname else url
    return psycopg.connect(conninfo, autocommit=True)


def _make_template(url: str) -> None:
    # The schema is installed once per session into a template database;
    # every test then gets a copy of it (CREATE DATABASE … TEMPLATE), which is
    # quicker than running the migrations again.
    with _admin(url) as admin:
        admin.execute(f"CREATE DATABASE {TEMPLATE} TEMPLATE template0")
    with _admin(url, TEMPLATE) as connection:
        pg_migrations.upgrade(connection)
    with _admin(url) as admin:
        for login, group in LOGINS.values():
            exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                   (login,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            admin.execute(f"{verb} ROLE {login} LOGIN PASSWORD '{PASSWORD}'")
            admin.execute(f"GRANT {group} TO {login}")


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
    name = f"inventory_test_{uuid.uuid4().hex[:12]}"
    with _admin(server) as admin:
        # A file copy of a small template is quicker than WAL-logging it (fsync is off).
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
    try:
        yield PgDatabase(server, name)
    finally:
        with _admin(server) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_db(pg_server: str) -> Iterator[PgDatabase]:
    """A fresh database with the newest schema installed."""
    yield from _database(pg_server, TEMPLATE)


@pytest.fixture
def pg_empty(pg_server: str) -> Iterator[PgDatabase]:
    """A fresh, empty database (nothing of ours in it)."""
    yield from _database(pg_server, "template0")
