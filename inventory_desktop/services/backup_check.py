"""Checking a backup: would it be a good data file to go back to?

The same checks as `verify`, run on the copy: SQLite's integrity, that the
file is ours and not newer, its whole schema, every seal (with the keys kept
in its record) and every item's ledger, and that it still holds the newest
seal its record anchors (a copy whose newest writes were cut off is refused).
An older schema is upgraded first, as opening it would, so a restored file
is checked as it will be used. Rows another program wrote are noted, not
refused: after restoring, a manager can look at them and accept them.

`verify` works on the process's open data file; a backup is checked in a
process of its own (`check_in_child`), so a window or command keeps its file
open meanwhile and a hostile file cannot take the caller down with it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import struct
import subprocess
import sys
import traceback
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import backup_record, clock, db, paths, seal_store
from ..errors import InventoryError
from ..wal_reader import committed_page_one
from .rows import Finding
from .verify import verify

JOB_OPTION = "--backup-job"
_SEPARATE_CHECK = "check"
_NOT_WRITTEN_HERE = "This computer has not written to this file before"
_log = logging.getLogger("inventory_desktop")


@dataclass(frozen=True)
class BackupCheck:
    """What checking a backup found: `problems` make it unusable, `notes` are worth telling."""

    ok: bool
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    file_id: str | None = None
    schema_version: int | None = None
    upgraded_from: int | None = None
    items: int | None = None
    movements: int | None = None
    newest_seq: int | None = None
    newest_digest: str | None = None

    def reason(self, most: int = 3) -> str:
        """The first problems as one sentence's worth of text."""
        shown = "; ".join(self.problems[:most])
        more = len(self.problems) - most
        return shown + (f" (and {more} more)" if more > 0 else "")


def check_in_child(path: Path, *, record_of: Path | None = None, scratch: bool = False,
                   shown_as: str | None = None) -> BackupCheck:
    """Check `path` in a separate process (see check_here for the arguments)."""
    command = job_command(_SEPARATE_CHECK, str(path))
    if record_of is not None:
        command += ["--record-of", str(record_of)]
    if scratch:
        command.append("--scratch")
    if shown_as is not None:
        command += ["--shown-as", shown_as]
    finished = subprocess.run(command, capture_output=True, text=True, check=False,
                              stdin=subprocess.DEVNULL)
    try:
        found = json.loads(finished.stdout.strip().splitlines()[-1])
        return BackupCheck(**{k: tuple(v) if isinstance(v, list) else v
                              for k, v in found.items()})
    except (IndexError, ValueError, TypeError):
        _log.info("the backup check of %s failed (exit %s): %s", path, finished.returncode,
                  finished.stderr[-4000:])
        return BackupCheck(ok=False, problems=(
            f"it could not be checked: the checking process stopped (exit "
            f"{finished.returncode}); details are in the log file",))


def job_command(*arguments: str) -> list[str]:
    """The command line that runs one of this program's backup jobs in a new process."""
    if getattr(sys, "frozen", False):  # the PyInstaller bundle: the executable is the program
        return [sys.executable, JOB_OPTION, *arguments]
    return [sys.executable, "-m", "inventory_desktop", JOB_OPTION, *arguments]


def check_here(path: Path, *, record_of: Path | None = None, scratch: bool = False,
               shown_as: str | None = None) -> BackupCheck:
    """Open `path` as this process's data file and check it; closed again afterwards.

    `record_of`: the backup whose record (anchor and keys) applies, when
    `path` is a scratch copy of it. `scratch`: `path` is such a copy, and
    the anchor an upgrade gives it is forgotten afterwards. `shown_as`: the
    name to use for `path` in sentences.
    """
    record_source = record_of or path
    record = backup_record.read(record_source)
    keys = record.secrets() if record is not None else {}
    name = shown_as or str(path)
    version_before = schema_version_in(path)
    sealed_before = _seals_in(path)
    opened: db.DataFileInfo | None = None
    try:
        with seal_store.borrowed_keys(keys):
            opened = db.open_database(path, create=False)
            return _checked_open_file(opened, record, record_source, version_before,
                                      sealed_before)
    except InventoryError as error:
        return BackupCheck(ok=False, problems=(_about_backup(str(error), path, name),))
    finally:
        db.close_database()
        if scratch and opened is not None and opened.file_id is not None:
            db.anchors().forget(opened.file_id, path)


def schema_version_in(path: Path) -> int | None:
    """The schema version a file's header says (its -wal included), or None if unreadable."""
    try:
        page_one = committed_page_one(path)
        if page_one is None:
            with path.open("rb") as handle:
                page_one = handle.read(100)
        return struct.unpack(">I", page_one[60:64])[0] if len(page_one) >= 64 else None
    except OSError:
        return None


def _seals_in(path: Path) -> int:
    # Counted before opening: an upgrade seals what it finds, and a file no
    # program of ours ever wrote to has no seal its record could anchor.
    wal = path.with_name(path.name + "-wal")
    # immutable=1 reads without making -wal/-shm files, but also without a -wal.
    mode = "ro" if wal.exists() and wal.stat().st_size else "ro&immutable=1"
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True)) as copy:
            return copy.execute("SELECT count(*) FROM seal").fetchone()[0]
    except sqlite3.Error:
        return 0  # no seal table (schema 1), or not readable: opening it will say why


def _checked_open_file(info: db.DataFileInfo, record: backup_record.BackupRecord | None,
                       record_source: Path, version_before: int | None,
                       sealed_before: int) -> BackupCheck:
    if info.schema_problems:
        return BackupCheck(ok=False, problems=tuple(
            f"its structure is not this program's: {problem}" for problem in
            info.schema_problems[:5]), file_id=info.file_id)
    report = verify()
    problems = [_finding_text(f) for f in report.findings if f.check != "foreign_rows"]
    notes = [f.detail for f in report.findings if f.check == "foreign_rows"]
    notes += [note for note in report.notes if not note.startswith(_NOT_WRITTEN_HERE)]
    if sealed_before and info.file_id is not None:
        problems += _anchor_problems(info.file_id, record, record_source)
    newest = db.database.execute_sql(
        "SELECT seq, digest FROM seal ORDER BY seq DESC LIMIT 1").fetchone()
    items, movements = db.database.execute_sql(
        "SELECT (SELECT count(*) FROM stock_item), (SELECT count(*) FROM stock_movement)"
    ).fetchone()
    upgraded = version_before if version_before and version_before < info.schema_version else None
    return BackupCheck(
        ok=not problems, problems=tuple(problems), notes=tuple(notes), file_id=info.file_id,
        schema_version=info.schema_version, upgraded_from=upgraded, items=items,
        movements=movements, newest_seq=newest[0] if newest else None,
        newest_digest=newest[1] if newest else None)


def _finding_text(finding: Finding) -> str:
    if finding.item_id is None:
        return finding.detail
    name = f"{finding.name} ({finding.sku})" if finding.sku else f"{finding.name}"
    return f"{name}, id {finding.item_id}: {finding.detail}"


def _anchor_problems(file_id: str, record: backup_record.BackupRecord | None,
                     record_source: Path) -> list[str]:
    # Every anchor known for the backup: its record's, and the one this
    # computer kept when it made it (if it did). Each must still be there.
    anchors = [anchor for anchor in (record.anchor if record else None,
                                     db.anchors().find(file_id, record_source))
               if anchor is not None and anchor.file_id == file_id]
    if not anchors:
        name = backup_record.record_file(record_source).name
        state = "holds no anchor" if record is not None else "is missing"
        return [f"its seal record ({name}) {state}, so whether its newest writes were cut off "
                "cannot be told: put the .seal.json file that was made with it beside it"]
    problems = []
    for anchor in {(a.seq, a.digest): a for a in anchors}.values():
        found = db.database.execute_sql("SELECT digest FROM seal WHERE seq = ?",
                                        (anchor.seq,)).fetchone()
        if found is None or found[0] != anchor.digest:
            problems.append(
                f"its newest writes were cut off: it was anchored at seal {anchor.seq}, "
                "which it no longer holds as written")
    return problems


def _about_backup(sentence: str, path: Path, name: str) -> str:
    # The services speak of "the data file"; here the file is a backup, shown
    # by the name the person chose rather than by a scratch copy's.
    text = sentence.replace(str(path), name)
    if text.startswith("The data file is damaged"):
        return "it is damaged: SQLite cannot read all of it"
    return text


def job_main(arguments: list[str]) -> int:
    """The hidden `--backup-job` entry: `check PATH [...]` or `daily DATAFILE`."""
    try:
        if arguments[:1] == [_SEPARATE_CHECK] and len(arguments) >= 2:
            return _check_job(arguments[1:])
        if arguments[:1] == ["daily"] and len(arguments) == 2:
            from .daily_backup import run_daily_backup

            run_daily_backup(Path(arguments[1]))
            return 0
    except Exception as bug:
        _log_bug(bug)
        print(json.dumps({"ok": False, "problems": [
            f"it could not be checked: unexpected error ({type(bug).__name__})"]}))
        return 3
    print(f"usage: {JOB_OPTION} check PATH | daily DATAFILE", file=sys.stderr)
    return 2


def _log_bug(bug: Exception) -> None:
    # Nobody watches this process's stderr: the details go to the log file.
    try:
        log_path = paths.log_file()
        paths.ensure_private_dir(log_path.parent)
        with log_path.open("a", encoding="utf-8") as handle:
            handle.write(f"{clock.now_stored()} ERROR backup job failed\n"
                         + "".join(traceback.format_exception(bug)))
    except OSError:
        pass


def _check_job(arguments: list[str]) -> int:
    path, rest = Path(arguments[0]), arguments[1:]
    options = {"record_of": None, "scratch": False, "shown_as": None}
    while rest:
        option = rest.pop(0)
        if option == "--scratch":
            options["scratch"] = True
        elif option in ("--record-of", "--shown-as") and rest:
            value = rest.pop(0)
            options[option[2:].replace("-", "_")] = (
                Path(value) if option == "--record-of" else value)
    found = check_here(path, **options)  # type: ignore[arg-type]
    print(json.dumps(asdict(found)))
    return 0 if found.ok else 1
