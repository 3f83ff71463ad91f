"""Is this file ours? Decided from its bytes alone, before SQLite may touch it.

Opening a file with SQLite can already change it (a WAL switch, a recovered
-wal folded in, -wal/-shm files created), so a file that is not an inventory
data file is refused here and stays byte-for-byte as it was.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
from pathlib import Path

from .errors import DataFileError, RefusedFileError
from .wal_reader import committed_page_one

APPLICATION_ID = 0x494E5644  # "INVD"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
_WAL_MODE = 2  # header bytes 18 and 19: the file format versions WAL mode writes

_PATH_PROBLEMS = {
    errno.ELOOP: "is a symbolic link that leads back to itself (a link loop)",
    errno.ENOTDIR: "cannot exist: a part of its path is a file, not a folder",
    errno.ENAMETOOLONG: "has a name (or folder name) too long for the file system",
    errno.EACCES: "cannot be reached: permission denied",
}


def resolved_path(path: str | os.PathLike[str]) -> Path:
    """The absolute path a person means, or a sentence saying why it cannot be one."""
    text = os.fspath(path)
    if not str(text).strip():
        raise DataFileError("No data file was named: give a path to a file.")
    try:
        return Path(text).expanduser().absolute()
    except (OSError, RuntimeError, ValueError) as exc:
        raise DataFileError(f"{text!r} is not a usable path: {exc}.") from exc


def path_problem(path: Path, exc: OSError) -> DataFileError:
    """The sentence for an OS error met while looking at `path`."""
    problem = _PATH_PROBLEMS.get(exc.errno or 0)
    if problem is None:
        problem = f"cannot be used: {exc.strerror or exc}"
    return DataFileError(f"{path} {problem}.")


def check_header(path: Path, newest_known: int) -> bool:
    """Refuse a file that is not ours, reading only its header. Returns whether it exists."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise path_problem(path, exc) from exc
    except ValueError as exc:  # a NUL character, which no file name can hold
        raise DataFileError(f"{str(path)!r} is not a usable path: {exc}.") from exc
    if not stat.S_ISREG(mode):
        raise RefusedFileError(f"{path} is not a file.")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
            page_one = header + handle.read(12)
    except OSError as exc:
        raise path_problem(path, exc) from exc
    # The smallest real database is one 512-byte page; anything shorter that
    # still starts like one was cut short.
    if header and (len(page_one) < 112 or not header.startswith(_SQLITE_MAGIC)):
        raise RefusedFileError(f"{path} is not an inventory data file (not a SQLite database).")
    _refuse_stray_journal(path, header)
    # The main file's header can lag behind pages committed to the -wal file.
    page_one = committed_page_one(path) or page_one
    header = page_one[:100]
    if not header:
        return True  # SQLite treats an empty file as an empty database.
    (user_version,) = struct.unpack(">I", header[60:64])
    (application_id,) = struct.unpack(">I", header[68:72])
    if application_id == 0 and user_version == 0 and _schema_is_empty(page_one):
        return True
    if application_id != APPLICATION_ID:
        raise RefusedFileError(
            f"{path} is a database of another application, not an inventory data file."
        )
    refuse_newer(path, user_version, newest_known)
    return True


def _refuse_stray_journal(path: Path, header: bytes) -> None:
    # SQLite rolls a "hot" rollback journal back into the file it sits beside,
    # whatever database it came from. Our files use WAL and never have one, so
    # a journal beside a WAL-mode file was put there by something else.
    if len(header) < 20 or header[18] != _WAL_MODE:
        return
    journal = path.with_name(path.name + "-journal")
    try:
        with journal.open("rb") as handle:
            start = handle.read(len(_JOURNAL_MAGIC))
    except OSError:
        return
    if start == _JOURNAL_MAGIC:
        raise RefusedFileError(
            f"A rollback journal {journal.name} lies beside {path}. This program never "
            "writes one, so it comes from another database, and opening the file would "
            "apply it to your data. Move that -journal file away, then open the file again.")


def _schema_is_empty(page_one: bytes) -> bool:
    # Page 1 holds the schema table's b-tree: a leaf with no cells means no tables.
    leaf_table_page, cells = page_one[100], struct.unpack(">H", page_one[103:105])[0]
    return leaf_table_page == 0x0D and cells == 0


def refuse_newer(path: Path, user_version: int, newest_known: int) -> None:
    """Refuse a file written by a newer version of the program."""
    if user_version > newest_known:
        raise RefusedFileError(
            f"{path} was written by a newer version of inventory_desktop "
            f"(schema {user_version}; this program knows up to {newest_known}). "
            "Please upgrade the program."
        )
