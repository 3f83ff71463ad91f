"""What the seals rely on that is kept outside the data file: keys and anchors.

The key: 32 random bytes made once per installation, in the user's config
folder, owner-only. Keys copied from another computer (to check seals made
there) go in its `seal-keys/` folder as `<anything>.key`.

The anchor: for each data file (by its id and path), the newest seal this
installation made, kept in a small SQLite file in the user's data folder. A
data file whose newest seals were cut off no longer reaches its anchor.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from . import paths

KEY_FILE = "seal.key"
EXTRA_KEYS_DIR = "seal-keys"
ANCHOR_FILE = "seal-anchors.sqlite3"
_log = logging.getLogger("inventory_desktop")


@dataclass(frozen=True)
class SealKey:
    key_id: str
    secret: bytes


@dataclass(frozen=True)
class Anchor:
    """The newest seal of a data file: its number and digest."""

    file_id: str
    seq: int
    digest: str


def key_id_of(secret: bytes) -> str:
    """A short public name for a key: the start of its SHA-256."""
    return hashlib.sha256(secret).hexdigest()[:16]


def own_key() -> SealKey:
    """This installation's key, made on first use (owner-only file)."""
    return _key_at(str(paths.config_dir() / KEY_FILE))


@functools.lru_cache(maxsize=8)
def _key_at(location: str) -> SealKey:
    # Cached: every write seals with it, and a key file never changes.
    path = Path(location)
    secret = _read_key(path)
    if secret is None:
        secret = _create_key(path)
    return SealKey(key_id_of(secret), secret)


def known_keys() -> dict[str, bytes]:
    """Every key this installation can check seals with, by key id."""
    keys = {}
    found = [paths.config_dir() / KEY_FILE]
    extra = paths.config_dir() / EXTRA_KEYS_DIR
    if extra.is_dir():
        found += sorted(extra.glob("*.key"))
    for path in found:
        secret = _read_key(path)
        if secret is not None:
            keys[key_id_of(secret)] = secret
    return keys


def key_file() -> Path:
    """Where this installation's key is kept (named in verify's advice)."""
    return paths.config_dir() / KEY_FILE


def _read_key(path: Path) -> bytes | None:
    try:
        text = path.read_text(encoding="ascii").strip()
        return bytes.fromhex(text) if len(text) == 64 else None
    except (OSError, ValueError):
        return None


def _create_key(path: Path) -> bytes:
    paths.ensure_private_dir(path.parent)
    secret = secrets.token_bytes(32)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secret.hex() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    try:
        # link() refuses to replace: when two processes make a key at once,
        # the first one wins and the other reads it.
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    found = _read_key(path)
    if found is None:
        raise OSError(f"the seal key {path} cannot be read")
    return found


class _AnchorBook:
    """The anchors file, opened once per process and shared by its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._path: Path | None = None

    def _open(self) -> sqlite3.Connection:
        path = paths.data_dir() / ANCHOR_FILE
        if self._connection is None or self._path != path:
            paths.ensure_private_dir(path.parent)
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            connection = sqlite3.connect(path, timeout=10.0, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode = WAL")
            # Losing the newest anchor update in a power cut only makes the
            # anchor a little older: a lower bound is still a true one.
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS anchor (file_id TEXT NOT NULL, path TEXT NOT NULL, "
                "seq INTEGER NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (file_id, path))")
            self._connection, self._path = connection, path
        return self._connection

    def record(self, anchor: Anchor, data_file: Path) -> None:
        with self._lock:
            self._open().execute(
                "INSERT INTO anchor (file_id, path, seq, digest) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (file_id, path) DO UPDATE SET seq = excluded.seq, "
                "digest = excluded.digest WHERE excluded.seq > anchor.seq",
                (anchor.file_id, str(data_file), anchor.seq, anchor.digest))

    def reset(self, anchor: Anchor | None, file_id: str, data_file: Path) -> None:
        with self._lock:
            connection = self._open()
            connection.execute("DELETE FROM anchor WHERE file_id = ? AND path = ?",
                               (file_id, str(data_file)))
            if anchor is not None:
                connection.execute(
                    "INSERT INTO anchor (file_id, path, seq, digest) VALUES (?, ?, ?, ?)",
                    (anchor.file_id, str(data_file), anchor.seq, anchor.digest))

    def find(self, file_id: str, data_file: Path) -> Anchor | None:
        with self._lock:
            row = self._open().execute(
                "SELECT seq, digest FROM anchor WHERE file_id = ? AND path = ?",
                (file_id, str(data_file))).fetchone()
        return None if row is None else Anchor(file_id, row[0], row[1])

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._connection = self._path = None


_book = _AnchorBook()


def record_anchor(anchor: Anchor, data_file: Path) -> None:
    """Remember `anchor` as the newest seal of `data_file` (never moves backwards).

    Called after the commit: a failure here must not make a committed write
    look failed, so it is logged and the anchor simply stays older.
    """
    try:
        _book.record(anchor, data_file)
    except (OSError, sqlite3.Error):
        _log.warning("could not record the seal anchor for %s", data_file, exc_info=True)


def reset_anchor(anchor: Anchor | None, file_id: str, data_file: Path) -> None:
    """Make `anchor` the anchor of `data_file`, even if older (after a restore)."""
    _book.reset(anchor, file_id, data_file)


def find_anchor(file_id: str, data_file: Path) -> Anchor | None:
    """The newest seal this installation made in `data_file`, if any."""
    try:
        return _book.find(file_id, data_file)
    except (OSError, sqlite3.Error):
        _log.warning("could not read the seal anchors", exc_info=True)
        return None


def forget_open_files() -> None:
    """Close the anchors file (tests switch the data folder between runs)."""
    _book.close()
