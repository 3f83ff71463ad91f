"""The automatic backup: the first start of each day (window or command) makes one.

It runs in a process of its own, started in the background: copying and
checking a large file takes seconds (see the README's figures), and a
command must not wait for it. Each data file has a stamp in the backups
folder saying which day was done and how it went; looking at it is all a
command costs on every other start that day. The job takes a lock, so two
programs starting at once make one backup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import backup_record, backup_settings, clock, db, paths
from ..errors import InventoryError
from ..file_identity import resolved_path

if TYPE_CHECKING:
    import subprocess

# Every command asks start_daily_backup whether today's backup is due, so
# this module loads nothing more than that needs: the job's own modules
# (subprocess, the check, rotation) are imported where the job runs.

_LOCK_FILE = ".daily.lock"


@dataclass(frozen=True)
class DailyOutcome:
    """How the automatic backup of one day went (kept in the data file's stamp)."""

    day: str
    ok: bool
    message: str
    backup: str | None = None


@dataclass(frozen=True)
class BackupOverview:
    """Where backups go, what the automatic ones keep, how the newest one went."""

    folder: Path
    automatic: bool
    keep_daily: int
    keep_weekly: int
    last: DailyOutcome | None
    # On in the settings, off for this process (INVENTORY_AUTO_BACKUP=0).
    paused: bool = False


def backup_overview(data_file: Path) -> BackupOverview:
    """The backup settings in effect and the last automatic backup of `data_file`."""
    settings, _ = backup_settings.load()
    paused = backup_settings.stored()[0].automatic and backup_settings.switched_off()
    return BackupOverview(settings.backup_folder, settings.automatic, settings.keep_daily,
                          settings.keep_weekly, last_outcome(data_file, settings.backup_folder),
                          paused)


def start_daily_backup(data_file: Path, *, today: dt.date | None = None
                       ) -> subprocess.Popen | None:
    """Start today's automatic backup of `data_file` in the background, unless it is done
    (or automatic backups are off). The process, for a caller that wants to wait."""
    settings, _ = backup_settings.load()
    if not settings.automatic:
        return None
    day = (today or dt.date.today()).isoformat()
    done = last_outcome(data_file, settings.backup_folder)
    if done is not None and done.day == day:
        return None
    from .backup_check import job_command

    return _start_detached(job_command("daily", str(resolved_path(data_file))))


def backup_warnings(data_file: Path) -> list[str]:
    """Sentences about automatic backups that the person at the keyboard should see."""
    settings, problem = backup_settings.load()
    warnings = [f"Automatic backups: {problem}; the defaults apply."] if problem else []
    done = last_outcome(data_file, settings.backup_folder)
    if settings.automatic and done is not None and not done.ok:
        warnings.append(f"The automatic backup of {done.day} failed: {done.message}.")
    return warnings


def run_daily_backup(data_file: Path, *, now: Callable[[], dt.datetime] = dt.datetime.now
                     ) -> DailyOutcome | None:
    """Make today's backup of `data_file`, check it and rotate the older ones.

    None when another process is making it right now.
    """
    settings, _ = backup_settings.load()
    folder = settings.backup_folder
    paths.ensure_private_dir(folder)
    data_file = resolved_path(data_file)
    with _job_lock(folder) as locked:
        if not locked:
            return None
        moment = now()
        done = last_outcome(data_file, folder)
        if done is not None and done.day == moment.date().isoformat():
            return done
        outcome = _back_up(data_file, folder, settings, moment)
        _write_stamp(folder, data_file, outcome)
        return outcome


def last_outcome(data_file: Path, folder: Path | None = None) -> DailyOutcome | None:
    """How the newest automatic backup of `data_file` went, if one was tried."""
    folder = folder or backup_settings.load()[0].backup_folder
    try:
        stored = json.loads(_stamp_file(folder, data_file).read_text(encoding="utf-8"))
        return DailyOutcome(**{name: stored[name] for name in DailyOutcome.__dataclass_fields__
                               if name in stored})
    except (OSError, ValueError, TypeError):
        return None


def _back_up(data_file: Path, folder: Path, settings: backup_settings.BackupSettings,
             moment: dt.datetime) -> DailyOutcome:
    from .backup_check import check_here
    from .backups import accept_checked, rotate

    day = moment.date()
    try:
        info = db.open_database(data_file, create=False)
        target = _daily_target(folder, data_file, info.file_id, moment)
        if target is None:
            return DailyOutcome(day.isoformat(), True, "already backed up today")
        copy = db.backup_to(target)
    except (InventoryError, OSError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return DailyOutcome(day.isoformat(), False, f"no copy could be made ({reason})")
    finally:
        db.close_database()
    try:
        row = accept_checked(copy, check_here(copy), kind="daily", day=day,
                             made_at=clock.to_stored(moment))
    except (InventoryError, OSError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return DailyOutcome(day.isoformat(), False, reason.rstrip("."))
    finally:
        db.close_database()
    removed = rotate(folder, row.file_id or "", settings.keep_daily, settings.keep_weekly)
    message = "backed up and checked"
    if removed:
        message += f"; {len(removed)} older one{'s' if len(removed) != 1 else ''} removed"
    return DailyOutcome(day.isoformat(), True, message, copy.name)


def _daily_target(folder: Path, data_file: Path, file_id: str | None,
                  moment: dt.datetime) -> Path | None:
    # Two data files with the same name (in different folders) share the
    # folder: the second one's copy gets its file id in its name.
    from .backups import new_backup_path

    target = new_backup_path(data_file, "daily", folder=folder, moment=moment)
    if not target.exists():
        return target
    earlier = backup_record.read(target)
    if earlier is not None and earlier.file_id == file_id and earlier.check == "ok":
        return None  # made today already; the stamp was lost
    return target.with_name(f"{target.stem}-{(file_id or 'unknown')[:8]}{target.suffix}")


def _stamp_file(folder: Path, data_file: Path) -> Path:
    # One stamp per data file, named by its path: known before the file is
    # opened, so a command looks at it without reading the data file.
    where = str(resolved_path(data_file))
    digest = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()
    return folder / f".daily-{digest[:16]}.json"


def _write_stamp(folder: Path, data_file: Path, outcome: DailyOutcome) -> None:
    stamp = _stamp_file(folder, data_file)
    temporary = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({**asdict(outcome), "data_file": str(data_file)}, handle)
    os.replace(temporary, stamp)


@contextmanager
def _job_lock(folder: Path) -> Iterator[bool]:
    try:
        import fcntl
    except ImportError:  # Windows: two jobs at once both try; the second finds the file
        yield True
        return
    descriptor = os.open(folder / _LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


def _start_detached(command: list[str]) -> subprocess.Popen:
    # Its own session: the job finishes even when the command that started it
    # has returned, or the terminal it ran in is closed.
    import subprocess

    options: dict[str, object] = {"start_new_session": True}
    if sys.platform == "win32":
        options = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP
                   | subprocess.DETACHED_PROCESS}
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, close_fds=True, **options)
