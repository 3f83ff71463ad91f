"""Fault injection: full disk, read-only file, a file held locked, a vanished folder, a bad page.

Each fault must give a sentence (no traceback, CLI exit 1), refuse the writes
it must refuse, and lose nothing already committed. Tests run as root here,
where chmod does not stop writes: read-only and full filesystems are real
mounts (tmpfs, read-only bind mount), skipped with the reason where they
cannot be made; disk-full is also simulated portably with max_page_count.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import snapshot

from inventory_desktop import db, services
from inventory_desktop.cli import main as cli_main
from inventory_desktop.errors import DatabaseBusyError, DataFileError, ReadOnlyFileError

FULL = "disk holding the data file is full"
NOTES = "delivery note " * 100  # big rows fill a small disk in a few receipts


def _cli(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str]:
    code = cli_main(["--db", str(path), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code != 3, err  # 3 is the CLI's "this is a bug" exit
    return code, err


def _mount(*args: str) -> str | None:
    """Run mount; returns why it failed, or None."""
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    return None if result.returncode == 0 else (result.stderr.strip() or "mount failed")


def _umount(target: Path) -> None:
    db.close_database()
    subprocess.run(["umount", str(target)], capture_output=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB tmpfs, the size of a nearly full disk for our purposes."""
    target = tmp_path / "small-disk"
    target.mkdir()
    failure = _mount("-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(target))
    if failure:
        pytest.skip(f"cannot make a small tmpfs to fill (needs root): {failure}")
    yield target
    _umount(target)


def _fill(item_id: int, path: Path) -> tuple[int, DataFileError]:
    """Book receipts until the disk refuses one; returns how many were booked."""
    for booked in range(10_000):  # pragma: no branch - the disk fills long before
        before = snapshot(path)
        try:
            services.add_stock(item_id, "1", notes=NOTES)
        except DataFileError as refused:
            assert snapshot(path) == before  # the refused receipt left no trace
            return booked, refused
    raise AssertionError("the disk never filled")


def test_full_disk_refuses_with_a_sentence_and_keeps_every_receipt(small_disk, capsys):
    path = small_disk / "inventory.sqlite3"
    db.open_database(path)
    item = services.create_item(name="Flour", unit="kg", sku="FL").id

    booked, refused = _fill(item, path)

    assert FULL in str(refused)
    with pytest.raises(DataFileError, match=FULL):
        services.add_stock(item, "1", notes=NOTES)  # still full: still refused
    code, err = _cli(capsys, path, "receive", "FL", "1", "--notes", NOTES)
    assert (code, FULL in err) == (1, True)
    subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)
    db.open_database(path)
    services.add_stock(item, "1", notes=NOTES)  # space freed: it works again
    assert services.count_movements(item_id=item) == booked + 1
    assert services.get_item(item).quantity == booked + 1
    assert services.verify().ok


def test_full_database_simulated_with_max_page_count(data_file):
    item = services.create_item(name="Flour", unit="kg").id
    pages = db.database.execute_sql("PRAGMA page_count").fetchone()[0]
    db.database.execute_sql(f"PRAGMA max_page_count = {pages + 3}")

    booked, refused = _fill(item, data_file)

    assert FULL in str(refused)
    db.database.execute_sql("PRAGMA max_page_count = 1000000")
    services.add_stock(item, "1", notes=NOTES)
    assert services.count_movements(item_id=item) == booked + 1
    assert services.verify().ok


@pytest.fixture
def read_only_copy(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(file seen through a read-only bind mount, the same file's real path)."""
    source = tmp_path / "writable"
    source.mkdir()
    db.open_database(source / "inventory.sqlite3")
    item = services.create_item(name="Flour", unit="kg", sku="FL", initial_quantity="2")
    assert item.id == 1
    db.close_database()
    target = tmp_path / "read-only"
    target.mkdir()
    failure = _mount("--bind", str(source), str(target))
    if failure:
        pytest.skip(f"cannot bind-mount a folder (needs root): {failure}")
    failure = _mount("-o", "remount,bind,ro", str(target))
    if failure:
        _umount(target)
        pytest.skip(f"cannot make the bind mount read-only: {failure}")
    yield target / "inventory.sqlite3", source / "inventory.sqlite3"
    _umount(target)


def test_read_only_file_can_be_read_but_refuses_writes(read_only_copy, capsys):
    path, real = read_only_copy
    before = real.read_bytes()

    info = db.open_database(path)
    assert info.read_only
    assert services.get_item(1).quantity == 2
    with pytest.raises(ReadOnlyFileError, match="read-only"):
        services.add_stock(1, "1")
    assert services.verify().ok
    code, err = _cli(capsys, path, "receive", "FL", "1")
    assert code == 1 and "read-only" in err
    assert _cli(capsys, path, "items", "list")[0] == 0

    assert real.read_bytes() == before
    assert sorted(os.listdir(real.parent)) == ["inventory.sqlite3"]


def test_file_the_os_says_we_cannot_write_is_opened_read_only(data_file, monkeypatch):
    services.create_item(name="Flour", unit="kg", initial_quantity="3")
    db.close_database()
    before = snapshot(data_file)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw:
                        False if mode & os.W_OK else real_access(path, mode, **kw))

    assert db.open_database(data_file).read_only
    with pytest.raises(ReadOnlyFileError, match="read-only; nothing can be changed"):
        services.add_stock(1, "1")
    assert services.get_item(1).quantity == 3
    assert snapshot(data_file) == before


_HOLDER = textwrap.dedent("""
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO stock_item (name, unit) VALUES ('Butter', 'kg')")
    print("locked", flush=True)
    sys.stdin.readline()  # hold the write lock until the test says so
    connection.execute("COMMIT")
""")


def test_file_locked_by_another_process_is_busy_not_lost(data_file, capsys):
    item = services.create_item(name="Flour", unit="kg", initial_quantity="1").id
    db.open_database(data_file, busy_timeout=0.2)
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(data_file)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    before = snapshot(data_file)

    started = time.monotonic()
    with pytest.raises(DatabaseBusyError) as busy:
        services.add_stock(item, "1")
    waited = time.monotonic() - started

    assert "busy: another program is writing to it" in str(busy.value)
    assert waited > 0.15  # it did wait for the busy timeout before giving up
    assert snapshot(data_file) == before
    holder.communicate("commit now\n", timeout=30)
    assert holder.returncode == 0
    services.add_stock(item, "1")  # released: the same receipt goes through
    names = [row.name for row in services.list_items()]
    assert names == ["Butter", "Flour"]  # the other program's commit is kept too
    assert services.get_item(item).quantity == 2
    report = services.verify()  # intact; Butter is the other program's, unsealed
    assert [f.check for f in report.findings] == ["foreign_rows"]


@pytest.mark.parametrize("vanish", ["rename", "remove"])
def test_folder_renamed_or_removed_while_open_refuses_writes(tmp_path, vanish):
    folder = tmp_path / "shop"
    folder.mkdir()
    db.open_database(folder / "inventory.sqlite3")
    item = services.create_item(name="Flour", unit="kg").id
    services.add_stock(item, "4")
    moved = tmp_path / "moved"
    if vanish == "rename":
        folder.rename(moved)
        before = snapshot(moved / "inventory.sqlite3")
    else:
        subprocess.run(["rm", "-rf", str(folder)], check=True)

    for _ in range(2):  # refused, and refused again: nothing goes into a lost file
        with pytest.raises(DataFileError, match="moved, renamed or deleted while it was open"):
            services.add_stock(item, "1")
    assert services.get_item(item).quantity == 4

    if vanish == "rename":
        db.close_database()
        assert snapshot(moved / "inventory.sqlite3") == before
        db.open_database(moved / "inventory.sqlite3")
        assert services.get_item(item).quantity == 4  # nothing committed was lost
        services.add_stock(item, "1")  # opened where it is now, it works
        assert services.verify().ok


def _damage(path: Path, which: str) -> None:
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    root = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'stock_movement'").fetchone()[0]
    connection.close()
    page = root if which == "movement root page" else pages
    with path.open("r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(b"\xa5" * page_size)


@pytest.fixture
def damaged_file(data_file: Path, request) -> Path:
    item = services.create_item(name="Flour", unit="kg", sku="FL").id
    for _ in range(300):
        services.add_stock(item, "1", notes="x" * 100)
    db.close_database()
    _damage(data_file, request.param)
    return data_file


@pytest.mark.parametrize("damaged_file", ["movement root page", "last page"], indirect=True)
def test_damaged_page_gives_a_sentence_and_no_write(damaged_file, capsys):
    before = damaged_file.read_bytes()

    code, err = _cli(capsys, damaged_file, "verify")
    assert (code, "The data file is damaged" in err) == (1, True), err
    code, err = _cli(capsys, damaged_file, "receive", "FL", "1")
    assert (code, "The data file is damaged" in err) == (1, True), err
    assert damaged_file.read_bytes() == before  # nothing was written into the damage


def test_damaged_movement_table_through_the_services(data_file):
    item = services.create_item(name="Flour", unit="kg").id
    for _ in range(300):
        services.add_stock(item, "1", notes="x" * 100)
    db.close_database()
    _damage(data_file, "movement root page")
    before = data_file.read_bytes()

    db.open_database(data_file)
    for action in (services.verify, lambda: services.add_stock(item, "1"),
                   lambda: services.list_movements(item_id=item)):
        with pytest.raises(DataFileError, match="The data file is damaged"):
            action()
    db.close_database()
    assert data_file.read_bytes() == before
