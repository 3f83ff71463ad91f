"""Restoring a backup over the data file: checked first, the old file kept, swapped in one step.

1. The backup is refused from its bytes if it is not ours, newer, or empty.
2. It is copied into a scratch folder beside the data file and that copy is
   checked (and upgraded, if older) in a process of its own: integrity,
   identity, schema, seals with the keys in its record, the ledger, and its
   anchor. The backup itself is only read.
3. No other program may have the data file open (/proc and the -shm lock).
4. The current file (with its -wal) is copied into the backups folder.
5. The swap: the old -wal and -shm are moved into the scratch folder, so
   SQLite can never apply a stale -wal to the restored file, then the
   checked copy is renamed over the data file: one rename, atomic. A
   failure before it puts the -wal and -shm back: nothing changed.
6. This computer's anchor for the file is reset to the restored file's
   newest seal (it is older than the anchor, legitimately), and the
   backup's keys this computer lacked are kept in seal-keys/.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from .. import backup_record, backup_settings, clock, db, paths, seal_store
from ..atomic_files import copy_private, fsync_file, fsync_folder, scratch_name
from ..errors import DataFileError, RefusedFileError
from ..file_holders import companions, holders, switch_taken_by_others
from ..file_identity import APPLICATION_ID, check_header, resolved_path
from .backup_check import BackupCheck, check_in_child
from .backups import new_backup_path

try:
    import fcntl
except ImportError:
    fcntl = None  # type: ignore[assignment]

Step = Callable[[str], None]


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: which file, from which backup, what was kept, what to know."""

    data_file: Path
    backup: Path
    kept_copy: Path | None
    check: BackupCheck
    imported_keys: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def restore(backup: str | Path, data_file: str | Path | None = None, *,
            on_step: Step | None = None) -> RestoreResult:
    """Replace `data_file` (default: the usual one) with a checked copy of `backup`.

    Refused, with the data file left exactly as it was, when the backup
    fails its check or another program has the data file open. The data
    file must not be open in this process: close it first.
    """
    step = on_step or (lambda _text: None)
    named = data_file or paths.default_database()
    if paths.is_server_address(named):
        raise DataFileError(
            "A server's database is restored on the server, with pg_restore (see the "
            "README's server section), not replaced by a terminal; nothing was changed.")
    source = resolved_path(backup)
    target = resolved_path(named)
    _refuse_obvious(source, target)
    _refuse_in_use(target)
    try:
        check, kept = _checked_and_swapped(source, target, step)
    except OSError as exc:  # a full disk, a folder that cannot be written…
        where = f" ({exc.filename})" if exc.filename else ""
        raise DataFileError(f"The restore could not be done: {exc.strerror or exc}{where}. "
                            "Nothing was changed.") from exc
    return _after_swap(source, target, kept, check)


def _checked_and_swapped(source: Path, target: Path, step: Step
                         ) -> tuple[BackupCheck, Path | None]:
    paths.ensure_private_dir(target.parent)
    scratch = scratch_name(target, "restore")
    scratch.mkdir(mode=0o700)
    try:
        step("Copying the backup…")
        staged = _stage(source, scratch / target.name)
        step("Checking the backup…")
        check = check_in_child(staged, record_of=source, scratch=True, shown_as=str(source))
        if not check.ok:
            raise RefusedFileError(f"The backup {source} cannot be restored: {check.reason()}. "
                                   "Nothing was changed.")
        _settle(staged)
        _refuse_in_use(target)  # again: the check may have taken minutes
        step("Keeping a copy of the current file…")
        kept = _keep_current(target)
        step("Replacing the data file…")
        try:
            _swap(staged, target, scratch)
        except BaseException:
            if kept is not None:
                _discard_kept(kept)
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return check, kept


def _refuse_obvious(source: Path, target: Path) -> None:
    if source == target:
        raise DataFileError(f"{source} is the data file itself; choose a backup to restore.")
    if _open_here(target):
        raise RuntimeError("close the data file before restoring over it")
    try:
        size = os.stat(source).st_size
    except FileNotFoundError:
        raise DataFileError(f"There is no backup at {source}.") from None
    except OSError as exc:
        raise DataFileError(f"The backup {source} cannot be read: {exc.strerror}.") from exc
    try:
        check_header(source, db.schema_version_known())
    except RefusedFileError as error:
        raise RefusedFileError(f"{error} Nothing was changed.") from error
    if size == 0:
        raise RefusedFileError(f"{source} is empty, not a backup. Nothing was changed.")
    _refuse_foreign_target(target)


def _open_here(target: Path) -> bool:
    try:
        return db.current_file().path == target
    except RuntimeError:
        return False


def _refuse_foreign_target(target: Path) -> None:
    # A damaged data file is what a restore is for; another application's
    # database at that path is not, whatever name it has.
    try:
        with target.open("rb") as handle:
            header = handle.read(72)
    except OSError:
        return
    if header.startswith(b"SQLite format 3\x00") and len(header) == 72:
        (application_id,) = struct.unpack(">I", header[68:72])
        if application_id not in (0, APPLICATION_ID):
            raise RefusedFileError(
                f"{target} is a database of another application, not an inventory data "
                "file; a backup is never restored over it. Nothing was changed.")


def _refuse_in_use(target: Path) -> None:
    found = holders(target)
    if found:
        raise DataFileError(
            f"{target} is open in {', '.join(found)}. Close it there, then restore again. "
            "Nothing was changed.")
    if switch_taken_by_others(target):
        raise DataFileError(
            f"{target} is open in another program. Close it there, then restore again. "
            "Nothing was changed.")


def _stage(source: Path, staged: Path) -> Path:
    copy_private(source, staged)
    wal = companions(source)[0]
    # Committed writes may sit in a -wal beside the backup (someone opened
    # it): the copy takes them along, and SQLite folds them in when checking.
    with suppress(FileNotFoundError):
        if wal.stat().st_size:
            copy_private(wal, companions(staged)[0])
    return staged


def _settle(staged: Path) -> None:
    # The checking process closed the copy, which folds its -wal in; make
    # sure (it may have been killed), so the rename moves one whole file.
    wal, shm = companions(staged)
    if wal.exists():
        with closing(sqlite3.connect(staged)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    for leftover in (wal, shm):
        leftover.unlink(missing_ok=True)
    fsync_file(staged)


def _keep_current(target: Path) -> Path | None:
    if not target.exists():
        return None
    settings, _ = backup_settings.load()
    paths.ensure_private_dir(settings.backup_folder)
    kept = new_backup_path(target, "before-restore", folder=settings.backup_folder)
    try:
        copy_private(target, kept)
        wal = companions(target)[0]
        if wal.exists() and wal.stat().st_size:
            copy_private(wal, companions(kept)[0])
        _record_kept(kept, target)
    except BaseException:
        _discard_kept(kept)  # half a kept copy is no copy
        raise
    return kept


def _record_kept(kept: Path, target: Path) -> None:
    # The copy can be restored later like any backup: its record holds the
    # anchor this computer had for the file (or the copy's own newest seal)
    # and the keys of its seals. A damaged file gets a record without them.
    try:
        with closing(sqlite3.connect(f"{kept.as_uri()}?mode=ro&immutable=1", uri=True)) as copy:
            file_id = copy.execute("SELECT file_id FROM data_file").fetchone()[0]
            newest = copy.execute(
                "SELECT seq, digest FROM seal ORDER BY seq DESC LIMIT 1").fetchone()
            used = [key_id for (key_id,) in copy.execute("SELECT DISTINCT key_id FROM seal")]
    except (sqlite3.Error, TypeError):
        backup_record.write(kept, backup_record.BackupRecord(
            kind="before-restore", source=str(target), made_at=clock.now_stored()))
        return
    anchor = db.anchors().find(file_id, target)
    seq, digest = (anchor.seq, anchor.digest) if anchor else (newest or (None, None))
    known = seal_store.known_keys()
    backup_record.write(kept, backup_record.BackupRecord(
        file_id=file_id, seq=seq, digest=digest, kind="before-restore", source=str(target),
        made_at=clock.now_stored(),
        keys={key_id: known[key_id].hex() for key_id in used if key_id in known}))


def _discard_kept(kept: Path) -> None:
    for path in (kept, companions(kept)[0], backup_record.record_file(kept)):
        path.unlink(missing_ok=True)


def _swap(staged: Path, target: Path, scratch: Path) -> None:
    moved: list[tuple[Path, Path]] = []
    with _holding_switch(target):
        try:
            for companion, aside in zip(companions(target), ("old-wal", "old-shm"), strict=True):
                if companion.exists():
                    os.replace(companion, scratch / aside)
                    moved.append((scratch / aside, companion))
            os.replace(staged, target)
        except BaseException:
            for aside, companion in reversed(moved):
                os.replace(aside, companion)
            raise
    fsync_folder(target.parent)


@contextmanager
def _holding_switch(target: Path) -> Iterator[None]:
    # Held while the files move: a program that starts opening the data file
    # now finds the -shm locked and waits (SQLITE_BUSY) instead of reading
    # half-moved files.
    shm = companions(target)[1]
    if fcntl is None or not shm.exists():
        yield
        return
    descriptor = os.open(shm, os.O_RDWR)
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
        except OSError:
            raise DataFileError(
                f"{target} was opened by another program just now. Close it there, then "
                "restore again. Nothing was changed.") from None
        yield
    finally:
        os.close(descriptor)


def _after_swap(source: Path, target: Path, kept: Path | None,
                check: BackupCheck) -> RestoreResult:
    notes = list(check.notes)
    if check.file_id is not None and check.newest_seq is not None:
        try:
            db.anchors().reset(seal_store.Anchor(check.file_id, check.newest_seq,
                                                 check.newest_digest or ""),
                               check.file_id, target)
        except OSError as exc:
            notes.append(f"this computer's seal anchor for the file could not be reset "
                         f"({exc.strerror}), so verify may call it cut off")
    imported = []
    record = backup_record.read(source)
    for key_id, secret in (record.secrets() if record else {}).items():
        try:
            if seal_store.import_key(secret) is not None:
                imported.append(key_id)
        except OSError as exc:
            notes.append(f"the backup's seal key {key_id} could not be kept in "
                         f"{seal_store.EXTRA_KEYS_DIR}/ ({exc.strerror}): verify will not be "
                         "able to check its seals")
    return RestoreResult(data_file=target, backup=source, kept_copy=kept, check=check,
                         imported_keys=tuple(imported), notes=tuple(notes))
