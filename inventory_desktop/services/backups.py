"""Backups: checked copies of the data file, listed from the backups folder, rotated.

A copy is made with SQLite's online backup (consistent while other programs
write), recorded beside it (backup_record.py), then checked in a process of
its own (backup_check.py). A copy that fails its check is removed and
refused: every backup kept would pass a restore's check.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

from .. import backup_record, backup_settings, db, paths
from ..errors import DataFileError
from ..file_identity import resolved_path
from .backup_check import BackupCheck, check_in_child

SUFFIX = ".sqlite3"
KINDS = {"manual": "Manual", "daily": "Daily", "before-restore": "Before a restore"}


@dataclass(frozen=True)
class BackupRow:
    """One backup as listed: where, what kind, when, how big, what it holds."""

    path: Path
    kind: str
    made_at: str | None
    size: int
    items: int | None
    movements: int | None
    source: str | None
    file_id: str | None
    day: str | None = None
    # "ok" when checked and good; None when it has no record (made elsewhere).
    check: str | None = None
    schema_version: int | None = None


def back_up_and_check(destination: str | Path | None = None) -> BackupRow:
    """Copy the open data file to `destination` (default: a new file in the backups folder)
    and check the copy; a copy that fails its check is removed and refused."""
    try:
        if destination is None:
            target = new_backup_path(db.current_file().path, "manual")
            paths.ensure_private_dir(target.parent)
        else:
            target = resolved_path(destination)
        copy = db.backup_to(target)
        return accept_checked(copy, check_in_child(copy), kind="manual")
    except OSError as exc:  # the backups folder cannot be made, a full disk…
        where = f" ({exc.filename})" if exc.filename else ""
        raise DataFileError(
            f"No backup could be written: {exc.strerror or exc}{where}.") from exc


def accept_checked(copy: Path, result: BackupCheck, *, kind: str,
                   day: dt.date | None = None, made_at: str | None = None) -> BackupRow:
    """Record a checked copy as good, or remove it and say why it is no backup."""
    if not result.ok:
        discard(copy)
        raise DataFileError(
            f"The backup copy {copy.name} failed its check, so it was removed: "
            f"{result.reason()}. The data file itself probably has the same problem: "
            "'inventory verify' checks it.")
    changes = {"made_at": made_at} if made_at else {}
    backup_record.updated(copy, kind=kind, day=day.isoformat() if day else None,
                          items=result.items, movements=result.movements, check="ok",
                          schema_version=result.schema_version, **changes)
    return backup_row(copy)


def size_text(size: int) -> str:
    """A file size as people read it: '512 bytes', '176 KB', '1.4 GB'."""
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:,.0f} KB"
    value = size / (1024 * 1024)
    return f"{value:,.1f} MB" if value < 1024 else f"{value / 1024:,.1f} GB"


def new_backup_path(data_file: Path, kind: str, *, folder: Path | None = None,
                    moment: dt.datetime | None = None) -> Path:
    """A name in the backups folder for a backup of `data_file`, by kind and local time:
    kitchen-2026-12-02_101500.sqlite3, kitchen-daily-2026-12-02.sqlite3,
    kitchen-before-restore-2026-12-02_101500.sqlite3."""
    folder = folder or backup_settings.load()[0].backup_folder
    moment = moment or dt.datetime.now()
    if kind == "daily":
        return folder / f"{data_file.stem}-daily-{moment:%Y-%m-%d}{SUFFIX}"
    middle = "-before-restore" if kind == "before-restore" else ""
    name = f"{data_file.stem}{middle}-{moment:%Y-%m-%d_%H%M%S}"
    # Two in the same second (a double click) get -2, -3…
    candidates = [name] + [f"{name}-{number}" for number in range(2, 100)]
    return next((folder / f"{candidate}{SUFFIX}" for candidate in candidates
                 if not (folder / f"{candidate}{SUFFIX}").exists()), folder / f"{name}{SUFFIX}")


def list_backups(folder: Path | None = None) -> list[BackupRow]:
    """Every backup in the backups folder, newest first."""
    folder = folder or backup_settings.load()[0].backup_folder
    try:
        found = [path for path in folder.iterdir()
                 if path.name.endswith(SUFFIX) and not path.name.startswith(".")]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise DataFileError(
            f"The backups folder {folder} cannot be read: {exc.strerror}.") from exc
    rows = [row for row in map(_row_or_none, found) if row is not None]
    return sorted(rows, key=lambda row: (row.made_at or "", row.path.name), reverse=True)


def backup_row(path: Path) -> BackupRow:
    """What is known of the backup at `path`: from its record, else from the file itself."""
    record = backup_record.read(path) or backup_record.BackupRecord(kind="unknown")
    items, movements = record.items, record.movements
    if items is None or movements is None:
        items, movements = _counts(path)
    return BackupRow(path=path, kind=record.kind, made_at=record.made_at or _modified(path),
                     size=path.stat().st_size, items=items, movements=movements,
                     source=record.source, file_id=record.file_id, day=record.day,
                     check=record.check, schema_version=record.schema_version)


def discard(copy: Path) -> None:
    """Remove a backup and its record (and a -wal SQLite may have left beside it)."""
    for path in (copy, backup_record.record_file(copy), copy.with_name(copy.name + "-wal"),
                 copy.with_name(copy.name + "-shm")):
        with suppress(FileNotFoundError):
            path.unlink()


def kept_days(days: Iterable[dt.date], keep_daily: int, keep_weekly: int) -> set[dt.date]:
    """Which days' backups rotation keeps: the newest `keep_daily` days that have one,
    and the newest backup of each of the newest `keep_weekly` weeks that have one."""
    newest_first = sorted(set(days), reverse=True)
    kept = set(newest_first[:keep_daily])
    weeks: list[tuple[int, int]] = []
    for day in newest_first:
        week = day.isocalendar()[:2]
        if week not in weeks:
            weeks.append(week)
            if len(weeks) <= keep_weekly:
                kept.add(day)
    return kept


def rotate(folder: Path, file_id: str, keep_daily: int, keep_weekly: int) -> list[Path]:
    """Remove the daily backups of one data file that rotation no longer keeps."""
    daily = {}
    for row in list_backups(folder):
        if row.kind == "daily" and row.file_id == file_id and row.check == "ok" and row.day:
            with suppress(ValueError):
                daily[row.path] = dt.date.fromisoformat(row.day)
    kept = kept_days(daily.values(), keep_daily, keep_weekly)
    removed = [path for path, day in daily.items() if day not in kept]
    for path in removed:
        discard(path)
    return removed


def _row_or_none(path: Path) -> BackupRow | None:
    try:
        return backup_row(path)
    except OSError:
        return None  # removed while listing


def _counts(path: Path) -> tuple[int | None, int | None]:
    # immutable=1: read without creating -wal/-shm beside a backup.
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)) as copy:
            return copy.execute("SELECT (SELECT count(*) FROM stock_item), "
                                "(SELECT count(*) FROM stock_movement)").fetchone()
    except sqlite3.Error:
        return None, None


def _modified(path: Path) -> str | None:
    try:
        moment = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except OSError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
