"""The data file is never re-created behind the user's back, and is private from the start."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from conftest import raw

from inventory_desktop import db, services
from inventory_desktop.errors import DataFileError


def _in_a_new_thread(action):
    """Run `action` on a fresh thread (its own SQLite connection, as the GUI's loaders do)."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = action()
        except Exception as error:
            outcome["error"] = error
        finally:
            db.database.close()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(30)
    return outcome


def test_a_new_data_file_and_its_wal_are_owner_only(tmp_path: Path):
    path = tmp_path / "kitchen" / "inventory.sqlite3"
    db.open_database(path)
    services.create_item("Flour", "kg", initial_quantity="1")
    for name in (path, path.with_name(path.name + "-wal")):
        assert stat.S_IMODE(os.stat(name).st_mode) == 0o600, name


def test_renaming_the_file_while_open_loses_nothing_and_creates_nothing(tmp_path: Path):
    path = tmp_path / "inventory.sqlite3"
    db.open_database(path)
    flour = services.create_item("Flour", "kg", sku="FL", initial_quantity="5")
    moved = tmp_path / "moved.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        os.rename(f"{path}{suffix}", f"{moved}{suffix}")

    with pytest.raises(DataFileError, match="moved, renamed or deleted"):
        services.add_stock(flour.id, "1")
    listing = _in_a_new_thread(lambda: services.list_items())
    assert isinstance(listing.get("error"), DataFileError)
    backup = _in_a_new_thread(lambda: services.back_up(tmp_path / "copy.sqlite3"))
    assert isinstance(backup.get("error"), DataFileError)
    db.close_database()

    assert not path.exists(), "nothing may start a new, empty file at the old name"
    assert raw(moved).execute("SELECT current_quantity FROM stock_item").fetchall() == [(50000,)]


def test_a_missing_file_is_refused_when_creating_is_not_wanted(tmp_path: Path):
    path = tmp_path / "typo" / "inventory.sqlite3"
    with pytest.raises(DataFileError, match="There is no data file at"):
        db.open_database(path, create=False)
    assert not path.parent.exists()


@pytest.mark.parametrize("length", [100, 103, 104, 111])
def test_a_sqlite_file_cut_short_is_refused_untouched(tmp_path: Path, length: int):
    path = tmp_path / "inventory.sqlite3"
    content = (b"SQLite format 3\x00" + bytes(200))[:length]
    path.write_bytes(content)
    with pytest.raises(DataFileError, match="not a SQLite database"):
        db.open_database(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inventory.sqlite3"]


def test_a_backup_into_a_missing_folder_names_the_folder(data_file: Path, tmp_path: Path):
    services.create_item("Flour", "kg", initial_quantity="2")
    with pytest.raises(DataFileError, match=r"folder .*nowhere does not exist"):
        services.back_up(tmp_path / "nowhere" / "copy.sqlite3")
    copy = services.back_up(tmp_path / "copy.sqlite3")
    assert raw(copy).execute("SELECT current_quantity FROM stock_item").fetchall() == [(20000,)]
