"""Reading a data file's newest committed page 1 from its -wal file, without SQLite.

Committed pages can sit in the -wal file (another process is running, or died)
while the main file's header is older. Opening such a file through SQLite just
to judge it is not harmless: closing the last connection checkpoints the WAL
into the main file and deletes the -wal and -shm files. So the identity check
reads the WAL itself, following the format at https://sqlite.org/fileformat.html.
"""

from __future__ import annotations

import struct
from pathlib import Path

_MAGIC = (0x377F0682, 0x377F0683)  # the low bit says the checksums are big-endian
_HEADER = 32
_FRAME_HEADER = 24


def committed_page_one(path: Path, length: int = 112) -> bytes | None:
    """The first `length` bytes of page 1 as of the WAL's last commit, or None.

    None when there is no WAL, it is not valid, or no committed frame holds page 1.
    """
    try:
        data = path.with_name(path.name + "-wal").read_bytes()
    except OSError:
        return None
    if len(data) < _HEADER:
        return None
    magic, _, page_size, _, salt1, salt2 = struct.unpack(">6I", data[:24])
    if magic not in _MAGIC or page_size < 512 or page_size & (page_size - 1):
        return None
    order = ">" if magic & 1 else "<"
    sums = _checksum(data[:24], order, 0, 0)
    if sums != struct.unpack(">2I", data[24:32]):
        return None
    return _last_committed_page_one(data, page_size, (salt1, salt2), order, sums, length)


def _last_committed_page_one(
    data: bytes, page_size: int, salts: tuple[int, int], order: str,
    sums: tuple[int, int], length: int,
) -> bytes | None:
    # Frames count only while their salts match the header and the running
    # checksum holds; a frame is committed once a commit frame follows it.
    committed = pending = None
    offset = _HEADER
    while offset + _FRAME_HEADER + page_size <= len(data):
        page_number, commit_size, salt1, salt2, sum1, sum2 = struct.unpack(
            ">6I", data[offset:offset + _FRAME_HEADER])
        page = data[offset + _FRAME_HEADER:offset + _FRAME_HEADER + page_size]
        if (salt1, salt2) != salts:
            break
        sums = _checksum(data[offset:offset + 8], order, *sums)
        sums = _checksum(page, order, *sums)
        if sums != (sum1, sum2):
            break
        if page_number == 1:
            pending = page[:length]
        if commit_size and pending is not None:
            committed = pending
        offset += _FRAME_HEADER + page_size
    return committed


def _checksum(block: bytes, order: str, s0: int, s1: int) -> tuple[int, int]:
    words = struct.unpack(f"{order}{len(block) // 4}I", block)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1
