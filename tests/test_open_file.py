"""Opening the data file: creating it, refusing what is not ours untouched, migrating."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import raw, snapshot

from inventory_desktop import db, migrations, services
from inventory_desktop.errors import DataFileError, InsufficientStockError, RefusedFileError


def _pragmas(path: Path) -> dict[str, object]:
    connection = db.database.connection()
    names = ("application_id", "user_version", "journal_mode", "foreign_keys",
             "synchronous", "busy_timeout")
    return {name: connection.execute(f"PRAGMA {name}").fetchone()[0] for name in names}


def _leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir()
                  if p.name.startswith(path.name) and p != path)


def _assert_refused_untouched(path: Path, *words: str) -> RefusedFileError:
    before = path.read_bytes()
    with pytest.raises(RefusedFileError) as refusal:
        db.open_database(path)
    assert path.read_bytes() == before
    assert _leftovers(path) == []
    message = str(refusal.value)
    assert str(path) in message and message.endswith(".")
    for word in words:
        assert word in message
    with pytest.raises(RuntimeError):
        db.current_file()
    return refusal.value


# Creating -------------------------------------------------------------------

def test_a_new_file_is_created_in_a_private_directory_with_safe_pragmas(tmp_path):
    path = tmp_path / "new" / "deeper" / "inventory.sqlite3"
    info = db.open_database(path)
    assert info.created and info.path == path and not info.read_only
    assert info.schema_version == db.schema_version_known()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert _pragmas(path) == {
        "application_id": db.APPLICATION_ID,
        "user_version": db.schema_version_known(),
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 2,  # FULL
        # SQLite waits in short spells; the write lock is asked for again
        # until DEFAULT_BUSY_TIMEOUT (so Ctrl+C gets through meanwhile).
        "busy_timeout": db._LOCK_POLL_MS,
    }
    # Long enough that eight writers on two cores never give up.
    assert db.database.busy_timeout == db.DEFAULT_BUSY_TIMEOUT >= 30
    # The identity is in the file itself, for any tool to read.
    with raw(path) as other:
        assert other.execute("PRAGMA application_id").fetchone()[0] == db.APPLICATION_ID
        tables = {name for (name,) in other.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"stock_item", "stock_movement", "stock_item_history", "audit_log"} <= tables


def test_reopening_our_file_keeps_its_data_and_makes_no_backup(data_file):
    item = services.create_item("Flour", "kg", initial_quantity="3")
    db.close_database()
    info = db.open_database(data_file)
    assert not info.created
    assert services.get_item(item.id).quantity == 3
    assert not list(data_file.parent.glob("*.backup*"))


def _open_in_child(path: str, barrier) -> None:
    barrier.wait()
    db.open_database(path)
    db.close_database()


def test_several_processes_creating_the_same_new_file_at_once_all_succeed(tmp_path):
    path = tmp_path / "fresh" / "inventory.sqlite3"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    children = [context.Process(target=_open_in_child, args=(str(path), barrier))
                for _ in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert [child.exitcode for child in children] == [0, 0, 0, 0]
    db.open_database(path)
    assert services.verify().ok


# Refusing, untouched ----------------------------------------------------------

@pytest.mark.parametrize("content", [
    b"Flour,kg,12\nSugar,kg,4\n" * 20,
    bytes(range(256)) * 16,
    b"SQLite format 3\x00 but cut short",
    b"x",
], ids=["text", "random-bytes", "short-sqlite-header", "one-byte"])
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path, content):
    path = tmp_path / "inventory.sqlite3"
    path.write_bytes(content)
    _assert_refused_untouched(path, "not a SQLite database")


def _foreign_database(path: Path, application_id: int = 0, user_version: int = 0) -> None:
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
        other.execute("INSERT INTO recipes (title) VALUES ('Bread')")
        other.execute(f"PRAGMA application_id = {application_id}")
        other.execute(f"PRAGMA user_version = {user_version}")
    other.close()


def test_another_applications_database_with_tables_is_refused_untouched(tmp_path):
    path = tmp_path / "recipes.db"
    _foreign_database(path)
    _assert_refused_untouched(path, "another application")


def test_a_database_with_a_foreign_application_id_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    _foreign_database(path, application_id=0x12345678, user_version=1)
    _assert_refused_untouched(path, "another application")


def test_a_foreign_application_id_without_tables_is_refused_too(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("PRAGMA application_id = 7")
    other.close()
    _assert_refused_untouched(path, "another application")


def test_an_empty_database_with_a_user_version_is_not_adopted(tmp_path):
    # We always set application_id together with user_version: an empty file
    # that has only a user_version was made by something else.
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE t (x)")
        other.execute("DROP TABLE t")
        other.execute(f"PRAGMA user_version = {db.schema_version_known()}")
    other.close()
    _assert_refused_untouched(path, "another application")


def test_a_file_from_a_newer_version_is_refused_untouched(data_file):
    services.create_item("Flour", "kg", initial_quantity="3")
    db.close_database()
    newer = db.schema_version_known() + 1
    with raw(data_file) as other:
        other.execute(f"PRAGMA user_version = {newer}")
    other.close()
    assert _leftovers(data_file) == []  # the last connection checkpointed the WAL
    before = snapshot(data_file)
    _assert_refused_untouched(data_file, "newer version", str(newer), "upgrade")
    assert snapshot(data_file) == before


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(RefusedFileError, match="not a file"):
        db.open_database(tmp_path)


def test_an_empty_sqlite_database_without_tables_is_adopted(tmp_path):
    path = tmp_path / "blank.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE scratch (x)")
        other.execute("DROP TABLE scratch")
    other.close()
    assert path.stat().st_size > 0
    info = db.open_database(path)
    assert info.schema_version == db.schema_version_known()
    assert _pragmas(path)["application_id"] == db.APPLICATION_ID
    item = services.create_item("Flour", "kg", initial_quantity="1")
    assert services.get_item(item.id).quantity == 1


def test_an_empty_file_is_adopted(tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    db.open_database(path)
    assert _pragmas(path)["user_version"] == db.schema_version_known()


# Migrating ------------------------------------------------------------------

@pytest.fixture
def schema_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "schema"
    directory.mkdir()
    for _version, sql_file in migrations.migrations():
        shutil.copy(sql_file, directory)
    monkeypatch.setattr(migrations, "SCHEMA_DIR", directory)
    return directory


def test_migrating_an_older_file_takes_a_backup_first(tmp_path, schema_dir):
    path = tmp_path / "data" / "inventory.sqlite3"
    db.open_database(path)
    item = services.create_item("Flour", "kg", sku="FL-1", initial_quantity="2.5")
    db.close_database()
    current = db.schema_version_known()
    at_current_version = snapshot(path)

    (schema_dir / f"{current + 1:04d}_delivery_notes.sql").write_text(
        "CREATE TABLE delivery_note (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n")
    info = db.open_database(path)
    assert info.schema_version == current + 1 and db.schema_version_known() == current + 1
    assert _pragmas(path)["user_version"] == current + 1
    assert services.get_item(item.id).quantity == 2.5
    db.close_database()

    backups = list(path.parent.glob("*.backup*"))
    assert len(backups) == 1, backups
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600  # as private as the file
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("PRAGMA user_version").fetchone()[0] == current
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'delivery_note'").fetchone()[0] == 0
    copy.close()
    assert snapshot(backups[0]) == at_current_version
    assert "delivery_note" in snapshot(path)


def test_a_failing_migration_leaves_the_file_at_its_old_version(tmp_path, schema_dir):
    path = tmp_path / "inventory.sqlite3"
    db.open_database(path)
    services.create_item("Flour", "kg", initial_quantity="2")
    db.close_database()
    before = snapshot(path)
    current = db.schema_version_known()
    (schema_dir / f"{current + 1:04d}_broken.sql").write_text(
        "CREATE TABLE delivery_note (id INTEGER PRIMARY KEY);\nTHIS IS NOT SQL;\n")
    with pytest.raises(Exception):  # noqa: B017 - a broken migration is our bug, not the user's
        db.open_database(path)
    db.close_database()
    assert snapshot(path) == before
    with raw(path) as other:
        assert other.execute("PRAGMA user_version").fetchone()[0] == current
    other.close()


# The write helper -------------------------------------------------------------

def test_write_transaction_refuses_to_nest(data_file):
    item = services.create_item("Flour", "kg")
    before = snapshot(data_file)
    with pytest.raises(RuntimeError, match="nested"), db.write_transaction("outer"):
        services.add_stock(item.id, "1")
    with (pytest.raises(RuntimeError, match="nested"), db.write_transaction("outer"),
          db.write_transaction("inner")):
        pass
    assert snapshot(data_file) == before
    assert not db.database.in_transaction()


def test_a_service_inside_any_open_transaction_is_refused(data_file):
    item = services.create_item("Flour", "kg")
    before = snapshot(data_file)
    with pytest.raises(RuntimeError, match="nested"), db.database.atomic():
        services.add_stock(item.id, "1")
    assert snapshot(data_file) == before


def test_every_write_is_one_begin_immediate(data_file):
    item = services.create_item("Flour", "kg")
    statements: list[str] = []
    db.database.connection().set_trace_callback(statements.append)
    try:
        services.add_stock(item.id, "2")
    finally:
        db.database.connection().set_trace_callback(None)
    # The write lock is asked for with short busy waits (so Ctrl+C gets
    # through), set around the BEGIN; nothing else runs outside the transaction.
    statements = [s for s in statements if not s.startswith("PRAGMA busy_timeout")]
    begins = [s for s in statements if s.upper().startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE"]
    assert statements[0] == "BEGIN IMMEDIATE" and statements[-1] == "COMMIT"


def test_a_service_write_holds_the_write_lock_from_its_start(data_file):
    item = services.create_item("Flour", "kg")
    other = sqlite3.connect(data_file, isolation_level=None, timeout=0)
    seen: list[str] = []
    try:
        with db.write_transaction("tester"):
            # Nothing written yet: a deferred BEGIN would not hold the lock here.
            try:
                other.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                seen.append(str(exc))
            else:
                other.execute("ROLLBACK")
    finally:
        other.close()
    assert seen and "locked" in seen[0]
    services.add_stock(item.id, "1")
    assert services.get_item(item.id).quantity == 1


def test_the_write_context_row_never_outlives_a_transaction(data_file):
    item = services.create_item("Flour", "kg")
    services.add_stock(item.id, "1")
    with pytest.raises(InsufficientStockError):
        services.deduct_stock(item.id, "5", "waste")
    with raw(data_file) as other:
        assert other.execute("SELECT count(*) FROM write_context").fetchone()[0] == 0
    other.close()



# Pages still in the WAL ----------------------------------------------------------
#
# A process that dies (or is still running) leaves committed pages in the -wal
# file, not yet in the main file whose header we read first. Judging such a
# file must not let SQLite touch it: closing the last connection would
# checkpoint the WAL into the main file and delete the -wal and -shm.

def _crash_after(path: Path, code: str) -> None:
    """Run `code` with `connection` open on `path` in a child that dies without closing."""
    subprocess.run([sys.executable, "-c", (
        "import os, sqlite3\n"
        f"connection = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
        f"{code}\n"
        "os._exit(0)\n")], check=True)
    assert path.with_name(path.name + "-wal").stat().st_size > 0


def _file_set(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir())
            if p.name.startswith(path.name)}


def test_a_foreign_database_whose_tables_are_still_in_the_wal_is_refused_untouched(tmp_path):
    path = tmp_path / "recipes.db"
    _crash_after(path, "connection.execute('PRAGMA journal_mode = WAL')\n"
                       "connection.execute('CREATE TABLE recipes (title TEXT)')\n"
                       "connection.execute(\"INSERT INTO recipes VALUES ('Bread')\")")
    before = _file_set(path)
    with pytest.raises(RefusedFileError, match="another application"):
        db.open_database(path)
    assert _file_set(path) == before


def test_a_newer_version_still_in_the_wal_is_refused_untouched(data_file):
    db.close_database()
    _crash_after(data_file, "connection.execute('PRAGMA user_version = 999')")
    before = _file_set(data_file)
    with pytest.raises(RefusedFileError, match="newer version"):
        db.open_database(data_file)
    assert _file_set(data_file) == before


def test_our_new_file_whose_creation_is_still_in_the_wal_opens(tmp_path):
    path = tmp_path / "inventory.sqlite3"
    subprocess.run([sys.executable, "-c", (
        "import os\n"
        "from inventory_desktop import db, services\n"
        f"db.open_database({str(path)!r})\n"
        "services.create_item('Flour', 'kg', initial_quantity='2')\n"
        "os._exit(0)\n")], check=True)
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    db.open_database(path)
    assert [(i.name, i.quantity) for i in services.list_items()] == [("Flour", 2)]
    assert services.verify().ok


@pytest.mark.parametrize("parent", ["a-file", "a-file/deeper"])
def test_a_folder_that_cannot_be_created_is_a_clear_refusal(tmp_path, parent):
    (tmp_path / "a-file").write_text("not a folder")
    path = tmp_path / parent / "inventory.sqlite3"
    with pytest.raises(DataFileError, match="part of its path is a file, not a folder") as refusal:
        db.open_database(path)
    assert str(refusal.value).endswith(".")
    assert (tmp_path / "a-file").read_text() == "not a folder"
