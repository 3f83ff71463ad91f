"""Which other programs have a data file open: asked before a restore replaces it.

Two ways, both from outside SQLite. On Linux, every process's open files are
listed under /proc/PID/fd: a link there to the file, its -wal or its -shm
names the program. Everywhere fcntl locks exist: while any SQLite connection
has a WAL file open, it holds a shared lock on the "dead man switch" byte of
the -shm file (byte 128, just past the eight WAL locks at 120-127; see
https://sqlite.org/walformat.html), so failing to take that byte exclusively
means someone has the file open, and F_GETLK says which process.
"""

from __future__ import annotations

import os
import struct
import sys
from contextlib import suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: there, replacing a file that is open fails by itself
    fcntl = None  # type: ignore[assignment]

DEAD_MAN_SWITCH = 128
_PROC = Path("/proc")
# This program's own helper (the daily backup) says what it is.
_OWN_JOB = "--backup-job"


def companions(path: Path) -> tuple[Path, Path]:
    """The -wal and -shm files SQLite keeps beside `path`."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def holders(path: Path) -> list[str]:
    """Other processes that have `path` (or its -wal, -shm) open: "sqlite3 (pid 4242)"."""
    pids = _pids_with_open(path) | _pid_holding_switch(path)
    pids.discard(os.getpid())
    return [f"{_program(pid)} (pid {pid})" for pid in sorted(pids)]


def switch_taken_by_others(path: Path) -> bool:
    """True when another process holds the -shm's dead man switch: it has the file open."""
    shm = companions(path)[1]
    if fcntl is None:
        return False
    try:
        descriptor = os.open(shm, os.O_RDWR)
    except OSError:
        return False  # no -shm: nobody has the WAL file open
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, DEAD_MAN_SWITCH)
    except OSError:
        return True
    else:
        fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, DEAD_MAN_SWITCH)
        return False
    finally:
        os.close(descriptor)


def _pids_with_open(path: Path) -> set[int]:
    if not sys.platform.startswith("linux"):
        return set()
    wanted = {_identity(candidate) for candidate in (path, *companions(path))} - {None}
    if not wanted:
        return set()
    found = set()
    for entry in _process_dirs():
        with suppress(OSError):
            for link in (entry / "fd").iterdir():
                with suppress(OSError):
                    if _identity(link) in wanted:
                        found.add(int(entry.name))
                        break
    return found


def _process_dirs() -> list[Path]:
    try:
        return [entry for entry in _PROC.iterdir() if entry.name.isdigit()]
    except OSError:
        return []


def _identity(path: Path) -> tuple[int, int] | None:
    # Compared by device and inode: a link under /proc/PID/fd resolves to the
    # file itself, whatever path the process used to open it.
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _pid_holding_switch(path: Path) -> set[int]:
    # F_GETLK names the process whose lock is in the way, even one of another
    # user whose /proc/PID/fd cannot be read. struct flock's layout is
    # Linux's here (short, short, off_t, off_t, pid_t).
    if fcntl is None or not sys.platform.startswith("linux"):
        return set()
    try:
        descriptor = os.open(companions(path)[1], os.O_RDWR)
    except OSError:
        return set()
    try:
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, DEAD_MAN_SWITCH, 1, 0)
        kind, _whence, _start, _length, pid = struct.unpack(
            "hhqqi4x", fcntl.fcntl(descriptor, fcntl.F_GETLK, query))
    except OSError:
        return set()
    finally:
        os.close(descriptor)
    return set() if kind == fcntl.F_UNLCK or pid <= 0 else {pid}


def _program(pid: int) -> str:
    try:
        arguments = (_PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        arguments = []
    words = [word.decode("utf-8", "replace") for word in arguments if word]
    if _OWN_JOB in words:
        return "this program's automatic backup"
    # The program's own name from its command line (comm is cut at 15 characters).
    name = Path(words[0]).name if words else ""
    if not name:
        try:
            name = (_PROC / str(pid) / "comm").read_text().strip()
        except OSError:
            name = ""
    if name.startswith("python") and words[1:]:
        # "python3" says little: name the script or module it runs.
        return f"{name} {' '.join(words[1:3])}"[:80]
    return name or "another program"
