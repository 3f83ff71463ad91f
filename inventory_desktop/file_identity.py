"""Is this file ours? Decided from its bytes alone, before SQLite may touch it.

Opening a file with SQLite can already change it (a WAL switch, a recovered
-wal folded in, -wal/-shm files created), so a file that is not an inventory
data file is refused here and stays byte-for-byte as it was.
"""

from __future__ import annotations

import struct
from pathlib import Path

from .errors import DataFileError, RefusedFileError
from .wal_reader import committed_page_one

APPLICATION_ID = 0x494E5644  # "INVD"
_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_header(path: Path, newest_known: int) -> bool:
    """Refuse a file that is not ours, reading only its header. Returns whether it exists."""
    if not path.exists():
        return False
    if not path.is_file():
        raise RefusedFileError(f"{path} is not a file.")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
            page_one = header + handle.read(12)
    except OSError as exc:
        raise DataFileError(f"{path} cannot be read: {exc.strerror}.") from exc
    # The smallest real database is one 512-byte page; anything shorter that
    # still starts like one was cut short.
    if header and (len(page_one) < 112 or not header.startswith(_SQLITE_MAGIC)):
        raise RefusedFileError(f"{path} is not an inventory data file (not a SQLite database).")
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
