"""What copy-to's tests share: data files made in isolation, and every table read from each side."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from psycopg.conninfo import conninfo_to_dict

from inventory_desktop import db, seal_store, services

from .copy_kitchen import kitchen_file

SQLITE_ONLY = {"write_context", "seal", "seal_range", "data_file"}


@contextmanager
def isolated(home: Path) -> Iterator[None]:
    """The suite's isolation (tests/conftest.py), for fixtures wider than one test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INVENTORY_DB", str(home / "default.sqlite3"))
        patch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
        patch.setenv("HOME", str(home / "home"))
        patch.setenv("INVENTORY_AUTO_BACKUP", "0")
        try:
            yield
        finally:
            db.close_database()
            seal_store.forget_open_files()


def restoring_password(patch: pytest.MonkeyPatch) -> None:
    """Whatever server_url() puts in PGPASSWORD is undone when `patch` is."""
    # Set through `patch`, so that its undoing puts back what was there (or nothing).
    if "PGPASSWORD" in os.environ:
        patch.setenv("PGPASSWORD", os.environ["PGPASSWORD"])
    else:
        patch.setenv("PGPASSWORD", "")
        patch.delenv("PGPASSWORD")


def server_url(database: Any, login: str = "admin", *, user: str | None = None) -> str:
    """The database's postgresql:// address as a person types it: no password in it.

    A test login's password (or the admin's, from INVENTORY_TEST_PG_URL) goes
    where copy-to's libpq finds it, PGPASSWORD (see restoring_password()); the
    throwaway server needs none.
    """
    parts = conninfo_to_dict(database.conninfo(login))
    password = parts.pop("password", None)
    if password is not None:
        os.environ["PGPASSWORD"] = str(password)
    user, name = user or parts.pop("user", ""), parts.pop("dbname", "")
    parts.pop("user", None)
    host = str(parts.pop("host", ""))
    netloc = f"{quote(str(user))}@" + ("" if host.startswith("/") else host)
    if host.startswith("/"):
        parts["host"] = host
    query = urlencode({key: str(value) for key, value in parts.items()})
    return f"postgresql://{netloc}/{quote(str(name))}" + (f"?{query}" if query else "")


def make_kitchen(folder: Path, movements: int) -> Path:
    """A kitchen data file with `movements` movements in all, made in its own isolated home.

    Its bulk rows (raw sqlite3) are accepted, as a manager would after looking
    at them, and its seal key is left beside it (`.seal.key`) for install_key().
    """
    folder.mkdir(parents=True, exist_ok=True)
    with isolated(folder):
        path = kitchen_file(folder / "kitchen.sqlite3", movements)
        db.open_database(path)
        services.accept_foreign_rows(user="manager")
        db.close_database()
        shutil.copy(seal_store.key_file(), path.with_name("kitchen.seal.key"))
    return path


def install_key(kitchen: Path) -> None:
    """Let this test's home check the kitchen's seals: its key among the known ones."""
    keys = seal_store.key_file().parent / seal_store.EXTRA_KEYS_DIR
    keys.mkdir(parents=True, exist_ok=True)
    shutil.copy(kitchen.with_name("kitchen.seal.key"), keys / "kitchen.key")


def file_tables(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """The file's shared tables: name -> (columns, key columns)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        names = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if name not in SQLITE_ONLY]
        tables = {}
        for name in names:
            info = connection.execute(f"PRAGMA table_info({name})").fetchall()
            key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
            tables[name] = ([row[1] for row in info], key)
        return tables


def file_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every shared table of the file, in key order."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return {name: connection.execute(
                    f"SELECT {', '.join(columns)} FROM {name} ORDER BY {', '.join(key)}").fetchall()
                for name, (columns, key) in file_tables(path).items()}


def server_rows(connection: Any, tables: dict[str, tuple[list[str], list[str]]]
                ) -> dict[str, list[tuple]]:
    """The same tables and columns read from the server, flags as 0/1, in key order."""
    found = {}
    for name, (columns, key) in tables.items():
        rows = connection.execute(
            f"SELECT {', '.join(columns)} FROM inventory.{name} ORDER BY {', '.join(key)}")
        found[name] = [tuple(int(value) if isinstance(value, bool) else value for value in row)
                       for row in rows]
    return found


def catalog(connection: Any) -> dict[str, list[tuple]]:
    """What a refused copy must leave as it was: schemas, relations, triggers, roles, grants."""
    return {
        "schemas": connection.execute("SELECT nspname FROM pg_namespace ORDER BY 1").fetchall(),
        "relations": connection.execute(
            "SELECT n.nspname, c.relname, c.relkind FROM pg_class AS c "
            "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
            "ORDER BY 1, 2").fetchall(),
        "triggers": connection.execute(
            "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger "
            "ORDER BY 1, 2").fetchall(),
        "roles": connection.execute(
            "SELECT r.rolname, m.roleid::regrole::text FROM pg_roles AS r "
            "LEFT JOIN pg_auth_members AS m ON m.member = r.oid ORDER BY 1, 2").fetchall(),
        "sequences": connection.execute(
            "SELECT schemaname, sequencename, last_value FROM pg_sequences "
            "ORDER BY 1, 2").fetchall(),
    }
