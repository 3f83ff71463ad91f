"""Backups: checked copies, consistent while others write; the daily one; rotation over days."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import random
import sqlite3
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tamper import with_triggers_off

from inventory_desktop import backup_record, backup_settings, db, paths, services
from inventory_desktop.cli import main as cli_main
from inventory_desktop.errors import DataFileError
from inventory_desktop.services import backups, daily_backup
from inventory_desktop.services.backup_check import check_here

WRITERS = 4


@pytest.fixture
def automatic(monkeypatch) -> list[list[str]]:
    """Automatic backups on, as outside the tests; the background processes started are
    recorded instead of run."""
    started: list[list[str]] = []
    monkeypatch.setenv("INVENTORY_AUTO_BACKUP", "1")
    monkeypatch.setattr(daily_backup, "_start_detached", started.append)
    return started


@pytest.fixture
def kitchen(data_file: Path) -> Path:
    flour = services.create_item("Flour", "kg", sku="FL-1", initial_quantity="25")
    services.deduct_stock(flour.id, "2.5", "waste")
    services.create_item("Eggs", "piece", sku="EGG", initial_quantity="60", low_stock_threshold=12)
    return data_file


def _writer(path: str, seed: int, stop, counts) -> None:
    db.open_database(path)
    rng = random.Random(seed)
    item = services.create_item(f"Writer {seed}", "kg", sku=f"W-{seed}")
    booked = 0
    while not stop.is_set():
        services.add_stock(item.id, f"{rng.randint(1, 999)}.5", user=f"writer-{seed}")
        booked += 1
    db.close_database()
    counts.put(booked)


def test_a_backup_taken_while_four_processes_write_is_consistent_and_verifies(kitchen):
    context = multiprocessing.get_context("spawn")
    stop, counts = context.Event(), context.Queue()
    writers = [context.Process(target=_writer, args=(str(kitchen), seed, stop, counts))
               for seed in range(WRITERS)]
    for writer in writers:
        writer.start()
    try:
        _wait_for_movements(kitchen, 40)
        rows = [services.back_up_and_check() for _ in range(3)]
    finally:
        stop.set()
        booked = [counts.get(timeout=60) for _ in writers]
        for writer in writers:
            writer.join(timeout=60)
    assert sum(booked) > 0
    for row in rows:
        assert row.check == "ok"  # integrity, identity, seals and every ledger, in the copy
        assert row.movements >= 40
        copy = sqlite3.connect(row.path)
        # A consistent copy: every quantity is the sum of its movements.
        assert copy.execute(
            "SELECT count(*) FROM stock_item AS i WHERE current_quantity <> (SELECT "
            "coalesce(sum(quantity_change), 0) FROM stock_movement WHERE stock_item_id = i.id)"
        ).fetchone() == (0,)
        copy.close()
    assert rows[-1].movements >= rows[0].movements


def _wait_for_movements(path: Path, count: int) -> None:
    connection = sqlite3.connect(path, timeout=30)
    try:
        for _ in range(600):
            if connection.execute("SELECT count(*) FROM stock_movement").fetchone()[0] >= count:
                return
            multiprocessing.Event().wait(0.05)
        raise AssertionError("the writers did not write")
    finally:
        connection.close()


def test_a_backup_goes_to_the_backups_folder_owner_only_with_its_record(kitchen):
    row = services.back_up_and_check()
    assert row.path.parent == paths.backups_dir()
    assert row.path.name.startswith("inventory-")
    assert stat.S_IMODE(row.path.parent.stat().st_mode) == 0o700
    for path in (row.path, backup_record.record_file(row.path)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    record = backup_record.read(row.path)
    assert (record.kind, record.check, record.items, record.movements) == ("manual", "ok", 2, 3)
    assert record.source == str(kitchen)
    # The seal key travels with the backup, for a computer that never had it.
    own = db.seal_key()
    assert record.keys == {own.key_id: own.secret.hex()}
    assert services.list_backups() == [row]


def test_a_copy_that_fails_its_check_is_removed_and_refused(kitchen, tmp_path):
    with_triggers_off(kitchen, ["UPDATE stock_movement SET notes = 'edited' WHERE id = 1"])
    target = tmp_path / "copy.sqlite3"
    with pytest.raises(DataFileError, match=r"failed its check, so it was removed.*movement 1 "
                                            "was changed after it was sealed"):
        services.back_up_and_check(target)
    assert not target.exists() and not backup_record.record_file(target).exists()


def test_rows_another_program_wrote_do_not_make_a_backup_bad(kitchen):
    connection = sqlite3.connect(kitchen)
    connection.execute("UPDATE stock_item SET name = 'Flour T55' WHERE id = 1")
    connection.commit()
    connection.close()
    result = check_here(services.back_up_and_check().path)
    assert result.ok, result.problems
    assert "written by another program" in " ".join(result.notes)


def test_the_cli_backs_up_to_a_path_given_either_way(kitchen, tmp_path, capsys, automatic):
    assert cli_main(["--db", str(kitchen), "backup", "--to", str(tmp_path / "a.sqlite3")]) == 0
    assert "and checked it (2 items, 3 movements" in capsys.readouterr().out
    assert cli_main(["--db", str(kitchen), "backup", str(tmp_path / "b.sqlite3")]) == 0
    assert (tmp_path / "b.sqlite3").exists()
    assert cli_main(["--db", str(kitchen), "backup", str(tmp_path / "c.sqlite3"), "--to",
                     str(tmp_path / "d.sqlite3")]) == 1
    assert "either PATH or --to PATH" in capsys.readouterr().err
    assert cli_main(["--db", str(kitchen), "--json", "backup"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["check"] == "ok" and Path(shown["backup"]).parent == paths.backups_dir()
    assert cli_main(["backups"]) == 0
    listing = capsys.readouterr().out
    assert "keeping 14 daily and 8 weekly" in listing and "Manual" in listing


def test_backup_settings_are_saved_owner_only_and_a_bad_file_means_the_defaults(capsys):
    assert cli_main(["backups", "--keep-daily", "30", "--keep-weekly", "0",
                     "--automatic", "off"]) == 0
    saved = backup_settings.settings_file()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert backup_settings.stored()[0] == backup_settings.BackupSettings(
        automatic=False, keep_daily=30, keep_weekly=0)
    assert "automatic daily backups off" in capsys.readouterr().out
    assert cli_main(["backups", "--keep-daily", "0"]) == 1
    assert "--keep-daily must be a whole number from 1" in capsys.readouterr().err
    saved.write_text('{"keep_daily": "many"}')
    settings, problem = backup_settings.stored()
    assert settings == backup_settings.BackupSettings()
    assert "not usable" in problem


def _days(start: dt.date, count: int, seed: int) -> list[dt.date]:
    """`count` days from `start` on, some skipped (the restaurant is closed, the PC off)."""
    rng = random.Random(seed)
    days, day = [], start
    while len(days) < count:
        if rng.random() > 0.2:
            days.append(day)
        day += dt.timedelta(days=rng.choice((1, 1, 1, 2)))
    return days


def _promised(days: list[dt.date], keep_daily: int, keep_weekly: int) -> set[dt.date]:
    """The promise, said another way: a day is kept if it is among the newest `keep_daily`,
    or the newest day of its week and that week among the newest `keep_weekly` weeks."""
    newest_weeks = sorted({d.isocalendar()[:2] for d in days}, reverse=True)[:keep_weekly]
    last_of_week = {week: max(d for d in days if d.isocalendar()[:2] == week)
                    for week in newest_weeks}
    return set(sorted(days)[-keep_daily:]) | set(last_of_week.values())


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10**6), count=st.integers(1, 200),
       keep_daily=st.integers(1, 20), keep_weekly=st.integers(0, 12))
def test_rotation_keeps_exactly_the_promised_days(seed, count, keep_daily, keep_weekly):
    print(f"seed={seed}")
    days = _days(dt.date(2026, 1, 1), count, seed)
    assert backups.kept_days(days, keep_daily, keep_weekly) == _promised(
        days, keep_daily, keep_weekly)


def test_rotation_by_hand():
    days = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(40)]  # Sun 1 Nov on
    kept = backups.kept_days(days, 14, 8)
    assert sorted(kept)[-14:] == days[-14:]
    # Before those: the Sunday ending each earlier week (ISO weeks end on Sunday).
    assert sorted(kept)[:-14] == [dt.date(2026, 11, 1), dt.date(2026, 11, 8),
                                  dt.date(2026, 11, 15), dt.date(2026, 11, 22)]


def test_daily_backups_across_simulated_days_keep_exactly_the_promised_set(kitchen):
    backup_settings.save(backup_settings.BackupSettings(keep_daily=5, keep_weekly=3))
    flour = services.find_item("FL-1")
    seen: list[dt.date] = []
    for day in _days(dt.date(2026, 3, 2), 30, seed=9):
        db.open_database(kitchen)  # the job closes the file it backed up
        services.add_stock(flour.id, "1")
        outcome = daily_backup.run_daily_backup(
            kitchen, now=lambda day=day: dt.datetime.combine(day, dt.time(7, 30)))
        assert outcome.ok, outcome.message
        seen.append(day)
        on_disk = {dt.date.fromisoformat(row.day) for row in services.list_backups()}
        assert on_disk == _promised(seen, 5, 3), f"after {day}"


def test_the_daily_backup_runs_once_a_day(kitchen, automatic, monkeypatch):
    started = automatic
    today = dt.date(2026, 12, 2)
    services.start_daily_backup(kitchen, today=today)
    assert started and started[0][-3:] == ["--backup-job", "daily", str(kitchen)]
    noon = lambda: dt.datetime(2026, 12, 2, 12, 0)  # noqa: E731
    first = daily_backup.run_daily_backup(kitchen, now=noon)
    assert first.ok and first.backup == "inventory-daily-2026-12-02.sqlite3"
    assert daily_backup.run_daily_backup(kitchen, now=noon) == first
    started.clear()
    services.start_daily_backup(kitchen, today=today)
    assert started == []  # the stamp says today is done: no process, no work
    services.start_daily_backup(kitchen, today=today + dt.timedelta(days=1))
    assert len(started) == 1
    monkeypatch.setenv("INVENTORY_AUTO_BACKUP", "0")
    started.clear()
    services.start_daily_backup(kitchen, today=today + dt.timedelta(days=2))
    assert started == []


def test_the_cli_starts_the_daily_backup_in_the_background(kitchen, monkeypatch, capsys):
    monkeypatch.setenv("INVENTORY_AUTO_BACKUP", "1")
    db.close_database()
    assert cli_main(["--db", str(kitchen), "items", "list"]) == 0
    for _ in range(600):
        outcome = daily_backup.last_outcome(kitchen)
        if outcome is not None:
            break
        multiprocessing.Event().wait(0.05)
    assert outcome is not None and outcome.ok, outcome
    (row,) = services.list_backups()
    assert (row.kind, row.check, row.items) == ("daily", "ok", 2)


def test_a_failed_daily_backup_is_reported_and_older_ones_are_kept(kitchen, capsys, automatic):
    monday = lambda: dt.datetime(2026, 12, 7, 9, 0)  # noqa: E731
    assert daily_backup.run_daily_backup(kitchen, now=monday).ok
    with_triggers_off(kitchen, ["DELETE FROM stock_movement WHERE id = 2"])
    tuesday = lambda: dt.datetime(2026, 12, 8, 9, 0)  # noqa: E731
    outcome = daily_backup.run_daily_backup(kitchen, now=tuesday)
    assert not outcome.ok and "movement 2 was removed after it was sealed" in outcome.message
    assert [row.day for row in services.list_backups()] == ["2026-12-07"]
    assert cli_main(["--db", str(kitchen), "items", "list"]) == 0
    assert "The automatic backup of 2026-12-08 failed" in capsys.readouterr().err


def test_every_name_the_services_load_on_first_use_is_there():
    for name in services._ON_FIRST_USE:
        assert getattr(services, name) is not None, name


def test_a_backups_folder_that_cannot_be_made_gets_a_sentence(kitchen, tmp_path, monkeypatch,
                                                              capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder would be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    with pytest.raises(DataFileError, match="No backup could be written"):
        services.back_up_and_check()
    db.close_database()
    assert cli_main(["--db", str(kitchen), "backup"]) == 1
    assert "No backup could be written" in capsys.readouterr().err
