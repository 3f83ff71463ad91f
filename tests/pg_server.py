"""A real PostgreSQL for the tests: started once per session (or $INVENTORY_TEST_PG_URL).

The server is $INVENTORY_TEST_PG_URL (a login that may create databases and
roles), or else a throwaway one that scripts/pg_throwaway.py starts for the
session and removes afterwards. Without a server the PostgreSQL tests are
skipped on a developer's machine; with INVENTORY_REQUIRE_PG=1 (CI) a missing
or broken server fails them, and none may end skipped. The schema is
installed once into a template database that each test's database copies.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from inventory_desktop import pg_migrations

REQUIRED = os.environ.get("INVENTORY_REQUIRE_PG") == "1"
ROOT = Path(__file__).resolve().parents[1]
# One template per session: two sessions may share a server (INVENTORY_TEST_PG_URL).
TEMPLATE = f"inventory_test_template_{uuid.uuid4().hex[:8]}"
PASSWORD = "inventory-test"  # test logins only; the throwaway server trusts its socket anyway
# Logins the tests connect as: the program, a report tool, and "another tool"
# that holds the program's privileges but does not say who acts.
LOGINS = {"app": ("inventory_test_app", pg_migrations.APP_ROLE),
          "tool": ("inventory_test_tool", pg_migrations.APP_ROLE),
          "report": ("inventory_test_report", pg_migrations.REPORT_ROLE)}


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




def server() -> Iterator[str]:
    """The body of the session fixture pg_server (in tests/conftest.py)."""
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


def new_database(server_url: str, template: str = TEMPLATE) -> str:
    """A fresh database copied from `template`; its name."""
    name = f"inventory_test_{uuid.uuid4().hex[:12]}"
    with _admin(server_url) as admin:
        # A file copy of a small template is quicker than WAL-logging it (fsync is off).
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
    return name


def drop_database(server_url: str, name: str) -> None:
    with _admin(server_url) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def login_url(server_url: str, name: str, login: str = "app") -> str:
    """The postgresql:// address of database `name` as one of the test logins."""
    parts = urlsplit(server_url)
    user, password = LOGINS[login][0], quote(PASSWORD)
    host = parts.hostname or ""
    netloc = f"{user}:{password}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, f"/{name}", parts.query, ""))


def admin_url(server_url: str, name: str) -> str:
    """The postgresql:// address of database `name` as the server's admin login."""
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def tool_url(app_url: str) -> str:
    """The same database as "another tool": the program's privileges, no actor set."""
    return app_url.replace(LOGINS["app"][0], LOGINS["tool"][0], 1)
