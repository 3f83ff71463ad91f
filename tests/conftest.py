"""Shared fixtures: a real data file in tmp_path, and a way to compare its contents."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from inventory_desktop import db, seal_store

TABLES = ("stock_item", "stock_movement", "stock_item_history", "audit_log", "write_context")


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test may touch the real user data directory or the real settings."""
    monkeypatch.setenv("INVENTORY_DB", str(tmp_path / "default" / "inventory.sqlite3"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    yield
    db.close_database()
    seal_store.forget_open_files()


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    """A fresh data file, opened and bound for the services."""
    path = tmp_path / "inventory.sqlite3"
    db.open_database(path)
    return path


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read through a separate connection."""
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
    """A plain sqlite3 connection, as another tool would open the file (autocommit)."""
    return sqlite3.connect(path, isolation_level=None)


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
