"""The data file at its edges: stray journals, empty files, the -wal, odd stored values, paths.

Each case once lost data, turned a file into something it was not, or ended
in exit 3 ("a bug"); each now gets a sentence and leaves the file as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import raw, snapshot

from inventory_desktop import db, services
from inventory_desktop.cli import main as cli_main
from inventory_desktop.errors import DataFileError, RefusedFileError

FIXTURE = Path(__file__).with_name("fixtures") / "schema1.sqlite3"
_JOURNAL_HEADER = bytes.fromhex("d9d505f920a163d7") + bytes(504)


def _files(path: Path) -> dict[str, bytes | None]:
    return {suffix: (Path(f"{path}{suffix}").read_bytes()
                     if Path(f"{path}{suffix}").exists() else None)
            for suffix in ("", "-wal", "-shm", "-journal")}


@pytest.fixture
def stocked(data_file: Path) -> Path:
    services.create_item("Flour", "kg", sku="FL-1", initial_quantity="10")
    db.close_database()
    return data_file


# 9. A stray rollback journal --------------------------------------------------------

def test_a_stray_journal_beside_the_file_is_refused_with_everything_untouched(stocked, tmp_path):
    # A -journal from another database, copied in beside ours: SQLite would
    # roll it back into our file on open.
    other = tmp_path / "other.db"
    donor = sqlite3.connect(other)
    donor.execute("CREATE TABLE t (x)")
    donor.commit()
    donor.close()
    Path(f"{stocked}-journal").write_bytes(_JOURNAL_HEADER + other.read_bytes())
    before = _files(stocked)
    with pytest.raises(RefusedFileError, match=r"rollback journal inventory\.sqlite3-journal"):
        db.open_database(stocked)
    assert _files(stocked) == before
    assert cli_main(["--db", str(stocked), "items", "list"]) == 1
    assert _files(stocked) == before


def test_an_empty_journal_file_is_harmless(stocked):
    Path(f"{stocked}-journal").write_bytes(b"")
    db.open_database(stocked)
    assert [item.name for item in services.list_items()] == ["Flour"]


# 10. Only 'items add' (or File -> New) makes a file an inventory file ----------------------

@pytest.mark.parametrize("command", [["verify"], ["movements"], ["items", "list"],
                                     ["receive", "FL-1", "1"]])
def test_reading_an_empty_file_does_not_turn_it_into_an_inventory_file(tmp_path, capsys, command):
    zero = tmp_path / "zero.sqlite3"
    zero.touch()
    empty_sqlite = tmp_path / "empty-sqlite.db"
    sqlite3.connect(empty_sqlite).execute("VACUUM")
    for path in (zero, empty_sqlite):
        before = _files(path)
        assert cli_main(["--db", str(path), *command]) == 1
        assert "is empty, not an inventory data file" in capsys.readouterr().err
        assert _files(path) == before


def test_adding_the_first_item_to_an_empty_file_adopts_it(tmp_path):
    zero = tmp_path / "zero.sqlite3"
    zero.touch()
    assert cli_main(["--db", str(zero), "items", "add", "--name", "Flour", "--unit", "kg"]) == 0
    db.open_database(zero, create=False)
    assert [item.name for item in services.list_items()] == ["Flour"]


# 11. The -wal under a long reader -------------------------------------------------------

def test_the_wal_gives_its_space_back_once_a_long_reader_goes(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "WAL_SIZE_LIMIT", 256 * 1024)
    # The -wal is looked at every _TIDY_EVERY commits of the process: start the
    # count here, so the last look comes after the last write whatever ran before.
    monkeypatch.setattr(db, "_commits", 0)
    path = tmp_path / "inventory.sqlite3"
    db.open_database(path)
    item = services.create_item("Flour", "kg")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM stock_movement").fetchone()  # holds a snapshot
    wal = Path(f"{path}-wal")
    for _ in range(60):
        services.add_stock(item.id, "1")
    grown = wal.stat().st_size
    assert grown > 256 * 1024  # the reader pins the -wal: it can only grow
    reader.execute("COMMIT")
    reader.close()
    for _ in range(db._TIDY_EVERY):  # the writes look at the -wal's size every so often
        services.add_stock(item.id, "1")
    assert wal.stat().st_size <= 256 * 1024
    assert services.get_item(item.id).quantity == 60 + db._TIDY_EVERY
    db.close_database()
    assert snapshot(path)["stock_movement"]  # everything is in the main file


def test_the_wal_size_limit_is_set_on_every_connection(data_file):
    value = db.database.execute_sql("PRAGMA journal_size_limit").fetchone()[0]
    assert value == db.WAL_SIZE_LIMIT


# 13. Values another tool may legally store --------------------------------------------

@pytest.fixture
def odd_values(tmp_path: Path) -> Path:
    """A schema-1 file in which another tool stored what schema 1 allowed."""
    path = tmp_path / "kitchen.sqlite3"
    shutil.copy(FIXTURE, path)
    with raw(path) as connection:
        connection.execute("UPDATE stock_item SET created_at = 'yesterday' WHERE id = 1")
        connection.execute("UPDATE stock_item SET updated_at = '2026-11-24 10:00:00' WHERE id = 3")
        connection.execute(
            "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
            "balance_after, created_at, notes) VALUES (1, 10000, 'in', 'purchase', 355000, "
            "'2026-11-30 09:00:00', 'typed in by hand\x1b[31m')")
        connection.execute(
            "INSERT INTO audit_log (table_name, row_id, action, changes, actor) "
            "VALUES ('stock_item', 1, 'update', 'not json', 'importer')")
    connection.close()
    return path


@pytest.mark.parametrize("command", [
    ["items", "list"], ["items", "show", "FL-55"], ["items", "show", "FL-55", "--at", "2026-12-01"],
    ["movements"], ["movements", "--json"], ["movements", "--until", "2030-01-01"],
    ["receive", "FL-55", "1"], ["deduct", "EGG", "1", "--reason", "waste"],
])
def test_odd_stored_values_never_make_a_command_crash(odd_values, capsys, command):
    code = cli_main(["--db", str(odd_values), *command])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Traceback" not in captured.err and "\x1b" not in captured.out


def test_verify_names_each_odd_value(odd_values):
    db.open_database(odd_values)
    report = services.verify()
    details = " ".join(f.detail for f in report.of("times"))
    assert "movement 11 has the time '2026-11-30 09:00:00'" in details
    assert {f.item_id for f in report.of("times") if f.item_id} == {1, 3}
    assert any(entry.changes == {"(unreadable)": [None, "not json"]}
               for entry in services.audit_entries(limit=500))


def test_the_window_shows_odd_times_as_they_are(odd_values):
    from inventory_desktop.clock import local_display

    assert local_display("yesterday") == "yesterday (not a time)"


# 15 and 17. Paths that cannot be used ------------------------------------------------------

@pytest.mark.parametrize("make, sentence", [
    (lambda d: d / ("x" * 300) / "inventory.sqlite3", "too long for the file system"),
    (lambda d: d / ("y" * 300 + ".sqlite3"), "too long for the file system"),
    (lambda d: _link_loop(d), "leads back to itself"),
    (lambda d: _through_a_file(d), "a part of its path is a file, not a folder"),
])
def test_unusable_paths_get_a_sentence(tmp_path, capsys, make, sentence):
    path = make(tmp_path)
    for command in (["items", "list"], ["items", "add", "--name", "Flour", "--unit", "kg"]):
        assert cli_main(["--db", str(path), *command]) == 1
        assert sentence in capsys.readouterr().err
    with pytest.raises(DataFileError, match=sentence):
        db.open_database(path)


def test_an_empty_db_option_is_refused_not_taken_as_the_default(tmp_path, capsys):
    assert cli_main(["--db", "", "items", "add", "--name", "Flour", "--unit", "kg"]) == 1
    assert "No data file was named" in capsys.readouterr().err
    assert not Path(os.environ["INVENTORY_DB"]).exists()


def test_a_backup_path_that_cannot_be_used_gets_a_sentence(data_file, tmp_path, capsys):
    services.create_item("Flour", "kg")
    db.close_database()
    target = tmp_path / ("z" * 300 + ".sqlite3")
    assert cli_main(["--db", str(data_file), "backup", str(target)]) == 1
    assert "too long for the file system" in capsys.readouterr().err


def _link_loop(directory: Path) -> Path:
    loop = directory / "loop.sqlite3"
    os.symlink(loop, loop)
    return loop


def _through_a_file(directory: Path) -> Path:
    (directory / "a-file").write_text("x")
    return directory / "a-file" / "inventory.sqlite3"
