"""Restore: checked before anything changes, refused with the data file byte-for-byte untouched,
never half done whatever fails midway, an older backup upgraded, a new computer served."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import snapshot
from tamper import with_triggers_off

from inventory_desktop import atomic_files, backup_record, db, paths, seal_store, services
from inventory_desktop.cli import main as cli_main
from inventory_desktop.errors import DataFileError
from inventory_desktop.file_identity import APPLICATION_ID
from inventory_desktop.services import restore_backup as restore_module

FIXTURE = Path(__file__).with_name("fixtures") / "schema1.sqlite3"


@pytest.fixture
def kitchen(data_file: Path) -> Path:
    flour = services.create_item("Flour", "kg", sku="FL-1", initial_quantity="25")
    services.deduct_stock(flour.id, "2.5", "waste")
    return data_file


@pytest.fixture
def backup(kitchen: Path, tmp_path: Path) -> Path:
    """A checked backup of the kitchen; the kitchen moves on after it, then is closed."""
    (tmp_path / "usb").mkdir()
    copy = services.back_up_and_check(tmp_path / "usb" / "kitchen-backup.sqlite3").path
    services.add_stock(services.find_item("FL-1").id, "10")
    db.close_database()
    return copy


def files(path: Path) -> dict[str, bytes | None]:
    """The bytes of a data file and of its -wal and -shm (None: absent)."""
    found = {}
    for candidate in (path, *_companions(path)):
        found[candidate.name] = candidate.read_bytes() if candidate.exists() else None
    return found


def _companions(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def leftovers(folder: Path) -> list[str]:
    """Scratch files or folders a restore left behind."""
    return sorted(p.name for p in folder.iterdir() if ".restore-" in p.name or ".part-" in p.name)


def test_restore_brings_the_backup_back_and_keeps_the_replaced_file(kitchen, backup, capsys):
    before = snapshot(kitchen)
    assert cli_main(["--db", str(kitchen), "restore", str(backup)]) == 0
    out = capsys.readouterr().out
    assert f"Restored {kitchen} from {backup} (1 item, 2 movements; checked)." in out
    assert snapshot(kitchen) == snapshot(backup)
    (kept,) = [row for row in services.list_backups() if row.kind == "before-restore"]
    assert f"The file it replaced was kept as {kept.path}." in out
    assert snapshot(kept.path) == before
    assert leftovers(kitchen.parent) == []
    # The restored file is older than this computer's anchor, legitimately: it was reset.
    assert cli_main(["--db", str(kitchen), "verify"]) == 0
    db.open_database(kitchen)
    services.add_stock(services.find_item("FL-1").id, "1")
    assert services.verify().ok
    db.close_database()
    # The kept copy is itself a backup that restores.
    assert cli_main(["--db", str(kitchen), "restore", str(kept.path)]) == 0
    assert snapshot(kitchen) == before


def _damaged(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096 * 3
    data[page:page + 400] = os.urandom(400)
    path.write_bytes(bytes(data))


def _foreign(path: Path) -> None:
    path.unlink()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA application_id = 1234")
    connection.execute("CREATE TABLE recipe (name TEXT)")
    connection.commit()
    connection.close()


def _newer(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.close()


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def _cut_off(path: Path) -> None:
    connection = sqlite3.connect(path)
    newest = connection.execute("SELECT max(seq) FROM seal").fetchone()[0]
    connection.close()
    with_triggers_off(path, [
        ("DELETE FROM seal_range WHERE seq = ?", (newest,)),
        ("DELETE FROM seal WHERE seq = ?", (newest,)),
        "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
        "DELETE FROM stock_movement WHERE id = (SELECT max(id) FROM stock_movement)",
        "DELETE FROM stock_item_history WHERE history_id = "
        "(SELECT max(history_id) FROM stock_item_history)"])


def _tampered(path: Path) -> None:
    with_triggers_off(path, ["UPDATE stock_movement SET notes = 'nothing to see' WHERE id = 2"])


def _without_record(path: Path) -> None:
    backup_record.record_file(path).unlink()
    seal_store.forget_open_files()
    shutil.rmtree(paths.data_dir() / seal_store.ANCHOR_FOLDER)


def _not_sqlite(path: Path) -> None:
    path.write_text("name;sku\nFlour;FL-1\n" * 100)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


REFUSALS = {
    "damaged": (_damaged, "cannot be restored"),
    "foreign": (_foreign, "a database of another application"),
    "newer": (_newer, "written by a newer version"),
    "truncated": (_truncated, "cannot be restored"),
    "cut off": (_cut_off, "its newest writes were cut off: it was anchored at seal"),
    "tampered": (_tampered, "movement 2 was changed after it was sealed"),
    "without its record": (_without_record, "its seal record (kitchen-backup.sqlite3.seal.json)"
                                            " is missing"),
    "not sqlite": (_not_sqlite, "not a SQLite database"),
    "empty": (_empty, "is empty, not a backup"),
}


@pytest.mark.parametrize("spoil", sorted(REFUSALS))
def test_a_bad_backup_is_refused_and_the_data_file_is_untouched(kitchen, backup, spoil, capsys):
    make_bad, reason = REFUSALS[spoil]
    make_bad(backup)
    data_before, backup_before = files(kitchen), files(backup)
    assert cli_main(["--db", str(kitchen), "restore", str(backup)]) == 1
    err = capsys.readouterr().err
    assert reason in err, err
    assert "Traceback" not in err
    assert files(kitchen) == data_before
    assert files(backup) == backup_before  # a backup is only ever read
    assert leftovers(kitchen.parent) == []
    assert not [row for row in services.list_backups() if row.kind == "before-restore"]


def test_an_older_schema_backup_is_upgraded_as_it_is_restored(kitchen, tmp_path, capsys):
    db.close_database()
    old = tmp_path / "old-backup.sqlite3"
    shutil.copy(FIXTURE, old)
    before = files(old)
    assert cli_main(["--db", str(kitchen), "restore", str(old)]) == 0
    out = capsys.readouterr().out
    assert "written by an older version (schema 1) and has been upgraded to schema" in out
    assert files(old) == before
    db.open_database(kitchen)
    assert db.current_file().schema_version == db.schema_version_known()
    assert services.verify().ok
    assert services.find_item("BUT").name == "Butter"


def test_restore_on_a_new_computer_brings_the_keys_along(kitchen, backup, tmp_path, capsys,
                                                         monkeypatch):
    # The old disk died with its config and data folders: only the USB stick is left.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "new-pc-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "new-pc-data"))
    seal_store._key_at.cache_clear()
    seal_store.forget_open_files()
    fresh = tmp_path / "new-pc" / "inventory.sqlite3"
    assert cli_main(["--db", str(fresh), "restore", str(backup)]) == 0
    out = capsys.readouterr().out
    key_id = next(iter(backup_record.read(backup).keys))
    assert f"The backup's seal key {key_id} was added to this computer's keys." in out
    assert (paths.config_dir() / seal_store.EXTRA_KEYS_DIR / f"{key_id}.key").stat().st_mode \
        & 0o777 == 0o600
    assert cli_main(["--db", str(fresh), "verify"]) == 0


def test_a_backup_sealed_with_a_key_nobody_has_is_refused(kitchen, backup, tmp_path,
                                                          monkeypatch, capsys):
    backup_record.updated(backup, keys={})
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "new-pc-config"))
    seal_store._key_at.cache_clear()
    data_before = files(kitchen)
    assert cli_main(["--db", str(kitchen), "restore", str(backup)]) == 1
    assert "which this computer does not have" in capsys.readouterr().err
    assert files(kitchen) == data_before


def _hold_open(path: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
         "c.execute('SELECT count(*) FROM stock_item').fetchall(); print('open', flush=True); "
         "sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    return holder


def test_restore_is_refused_while_another_program_has_the_file_open(kitchen, backup, capsys):
    holder = _hold_open(kitchen)
    try:
        before = files(kitchen)
        assert cli_main(["--db", str(kitchen), "restore", str(backup)]) == 1
        err = capsys.readouterr().err
        assert "is open in python" in err and f"(pid {holder.pid})" in err, err
        assert "Close it there, then restore again. Nothing was changed." in err
        assert files(kitchen) == before
    finally:
        holder.communicate("")
    assert cli_main(["--db", str(kitchen), "restore", str(backup)]) == 0


def test_without_proc_the_shm_lock_still_tells_the_file_is_open(kitchen, backup, monkeypatch,
                                                                capsys):
    from inventory_desktop import file_holders

    monkeypatch.setattr(file_holders, "_pids_with_open", lambda path: set())
    monkeypatch.setattr(file_holders, "_pid_holding_switch", lambda path: set())
    holder = _hold_open(kitchen)
    try:
        assert cli_main(["--db", str(kitchen), "restore", str(backup)]) == 1
        assert "is open in another program" in capsys.readouterr().err
    finally:
        holder.communicate("")


def _crash_with_a_wal(path: Path) -> None:
    """Leave committed writes in a -wal (and its -shm), as a program that crashed would."""
    script = ("import os, sqlite3, sys\n"
              "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
              "c.execute(\"UPDATE stock_item SET name = 'Flour (crashed)' WHERE id = 1\")\n"
              "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", script, str(path)], check=True)
    assert _companions(path)[0].stat().st_size > 0


FAILURES = ("stage", "check", "keep", "keep wal", "move wal", "move shm", "rename", "sync")


@pytest.mark.parametrize("where", FAILURES)
def test_a_failure_midway_leaves_the_old_file_whole(kitchen, backup, monkeypatch, where):
    _crash_with_a_wal(kitchen)
    before = files(kitchen)
    _fail_at(monkeypatch, where)
    with pytest.raises(DataFileError, match="Nothing was changed"):
        services.restore(backup, kitchen)
    assert files(kitchen) == before
    assert leftovers(kitchen.parent) == []
    assert not [row for row in services.list_backups() if row.kind == "before-restore"]
    monkeypatch.undo()
    _keep_test_environment(monkeypatch, kitchen)
    result = services.restore(backup, kitchen)
    assert snapshot(kitchen) == snapshot(backup)  # the stale -wal was not applied to it
    assert not _companions(kitchen)[0].exists()
    # The crashed program's committed write is in the copy kept before restoring.
    kept = sqlite3.connect(result.kept_copy)
    assert kept.execute("SELECT name FROM stock_item WHERE id = 1").fetchone() == (
        "Flour (crashed)",)
    kept.close()


def _keep_test_environment(monkeypatch, kitchen: Path) -> None:
    # monkeypatch.undo() also undid the isolation fixture's environment.
    root = kitchen.parent
    for name, value in (("XDG_DATA_HOME", root / "xdg-data"), ("XDG_CONFIG_HOME",
                        root / "xdg-config"), ("HOME", root / "home"),
                        ("INVENTORY_AUTO_BACKUP", "0"),
                        ("INVENTORY_DB", root / "default" / "inventory.sqlite3")):
        monkeypatch.setenv(name, str(value))


def _fail_at(monkeypatch, where: str) -> None:
    def fail(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    if where == "stage":
        monkeypatch.setattr(restore_module, "copy_private", fail)
    elif where == "check":
        monkeypatch.setattr(restore_module, "check_in_child", lambda *a, **k: services.BackupCheck(
            ok=False, problems=("it could not be checked: the checking process stopped",)))
    elif where in ("keep", "keep wal"):
        real = atomic_files.copy_private
        victim = ".sqlite3-wal" if where == "keep wal" else ".sqlite3"
        monkeypatch.setattr(restore_module, "copy_private", lambda source, target: (
            fail() if "before-restore" in target.name and target.name.endswith(victim)
            else real(source, target)))
    elif where in ("move wal", "move shm", "rename"):
        real_replace = os.replace
        victim = {"move wal": "-wal", "move shm": "-shm", "rename": ".sqlite3"}[where]

        def replace(source, target):
            if str(target).endswith(victim) or (where != "rename" and str(source).endswith(
                    victim)):
                fail()
            real_replace(source, target)

        monkeypatch.setattr(restore_module.os, "replace", replace)
    elif where == "sync":
        monkeypatch.setattr(restore_module, "fsync_file", fail)


def test_restore_over_another_applications_database_is_refused(backup, tmp_path, capsys):
    other = tmp_path / "recipes.db"
    connection = sqlite3.connect(other)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID + 1}")
    connection.execute("CREATE TABLE recipe (name TEXT)")
    connection.commit()
    connection.close()
    before = files(other)
    assert cli_main(["--db", str(other), "restore", str(backup)]) == 1
    assert "never restored over it" in capsys.readouterr().err
    assert files(other) == before


def test_restore_onto_a_missing_data_file_creates_it(backup, tmp_path, capsys):
    fresh = tmp_path / "new-folder" / "kitchen.sqlite3"
    assert cli_main(["--db", str(fresh), "restore", str(backup)]) == 0
    assert "The file it replaced" not in capsys.readouterr().out
    assert snapshot(fresh) == snapshot(backup)
    assert os.stat(fresh).st_mode & 0o777 == 0o600


def test_a_file_only_other_programs_wrote_restores_with_its_rows_told(tmp_path, capsys):
    # No seal at all, so no anchor to ask for: its rows are shown as another
    # program's, to be looked at and accepted after restoring.
    other = tmp_path / "from-a-script.sqlite3"
    db.open_database(other)
    db.close_database()
    connection = sqlite3.connect(other)
    connection.execute("INSERT INTO stock_item (name, unit) VALUES ('Flour', 'kg')")
    connection.commit()
    connection.close()
    target = tmp_path / "kitchen.sqlite3"
    assert cli_main(["--db", str(target), "restore", str(other)]) == 0
    out = capsys.readouterr().out
    assert "Note: 2 rows written by another program carry no seal" in out
