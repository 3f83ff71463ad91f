"""Shared fixtures: a real data file in tmp_path, and a way to compare its contents.

Suites marked `both_backends` run each test that takes `data_file` twice:
on a SQLite file, and on a fresh PostgreSQL database (tests/pg_server.py
starts the server) opened as the program's own login. `snapshot` and `raw`
read either.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pg_server as pg_server_module

from inventory_desktop import db, seal_store

TABLES = ("stock_item", "stock_movement", "stock_item_history", "audit_log", "write_context")


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test may touch the real user data directory or the real settings."""
    monkeypatch.setenv("INVENTORY_DB", str(tmp_path / "default" / "inventory.sqlite3"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    # A background backup on every test's first command would outlive the test.
    monkeypatch.setenv("INVENTORY_AUTO_BACKUP", "0")
    yield
    db.close_database()
    seal_store.forget_open_files()


BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker
        if marked("postgresql_only") is not None:
            metafunc.parametrize("backend", BACKENDS[1:])
            return
        both = marked("both_backends") is not None and marked("sqlite_only") is None
        metafunc.parametrize("backend", BACKENDS if both else BACKENDS[:1])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    # CI must prove the PostgreSQL half: a skip there is a failure.
    on_server = (Path(__file__).parent / "pg" in Path(item.fspath).parents
                 or getattr(getattr(item, "callspec", None), "params", {}).get("backend")
                 == "postgresql")
    if pg_server_module.REQUIRED and report.skipped and on_server:
        report.outcome = "failed"
        report.longrepr = f"INVENTORY_REQUIRE_PG=1, but this test was skipped: {report.longrepr}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The admin connection string of a running server with our roles and test logins."""
    yield from pg_server_module.server()


class ServerDatabase(str):
    """A test's PostgreSQL database: its postgresql:// address as the app login (a str)."""

    admin: str  # the same database as the admin login, for snapshots


@pytest.fixture
def backend() -> str:
    return "sqlite"  # parametrized by pytest_generate_tests


@pytest.fixture
def data_file(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A fresh data file (or server database), opened and bound for the services."""
    if backend == "sqlite":
        path = tmp_path / "inventory.sqlite3"
        db.open_database(path)
        yield path
        return
    server = request.getfixturevalue("pg_server")
    name = pg_server_module.new_database(server)
    target = ServerDatabase(pg_server_module.login_url(server, name))
    target.admin = pg_server_module.admin_url(server, name)
    try:
        db.open_database(target)
        yield target  # type: ignore[misc]
    finally:
        db.close_database()
        pg_server_module.drop_database(server, name)


@pytest.fixture
def new_target(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Path]:
    """Where a test's commands will keep their data: a file not made yet, or an empty
    server database (with the schema, not opened)."""
    if backend == "sqlite":
        yield tmp_path / "inventory.sqlite3"
        return
    server = request.getfixturevalue("pg_server")
    name = pg_server_module.new_database(server)
    target = ServerDatabase(pg_server_module.login_url(server, name))
    target.admin = pg_server_module.admin_url(server, name)
    try:
        yield target  # type: ignore[misc]
    finally:
        db.close_database()
        pg_server_module.drop_database(server, name)


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read through a separate connection."""
    if isinstance(path, ServerDatabase):
        return _server_snapshot(path)
    connection = sqlite3.connect(path)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        # Sorted in Python: WITHOUT ROWID tables have no rowid to order by.
        return {table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
                for table in tables}
    finally:
        connection.close()


def raw(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection, as another tool would open the file (autocommit).

    On a server: a connection as another tool with the program's privileges,
    reading the same SQL (the program's own translation of it).
    """
    if isinstance(path, ServerDatabase):
        return _ServerConnection(pg_server_module.tool_url(path))  # type: ignore[return-value]
    return sqlite3.connect(path, isolation_level=None)


def _server_snapshot(target: ServerDatabase) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(target.admin, autocommit=True) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'inventory' ORDER BY 1")]
        return {table: sorted(connection.execute(f"SELECT * FROM inventory.{table}").fetchall(),
                              key=repr) for table in tables}


class _ServerConnection:
    """What the tests do with a raw sqlite3 connection, on a server: execute and close."""

    def __init__(self, url: str) -> None:
        import psycopg

        self._connection = psycopg.connect(url, autocommit=True,
                                           options="-c search_path=inventory")

    def execute(self, sql: str, params: tuple = ()):
        from inventory_desktop.pg_database import translate

        return self._connection.execute(translate(sql), params)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> _ServerConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        pass  # autocommit, as the sqlite3 connections above


_slow_left_out: list[str] = []


def pytest_deselected(items: list[pytest.Item]) -> None:
    _slow_left_out.extend(item.nodeid for item in items if item.get_closest_marker("slow"))


def pytest_terminal_summary(terminalreporter) -> None:
    """Say that the long proofs were left out (pyproject's -m "not slow"), and how to run them."""
    if _slow_left_out:
        count = len(_slow_left_out)
        terminalreporter.write_line(
            f"{count} slow test{'s were' if count > 1 else ' was'} not run (the long proofs: "
            "crash loops, large races); run them with: scripts/test.sh -m slow")
