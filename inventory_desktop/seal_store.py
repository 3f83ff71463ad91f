"""What the seals rely on that is kept outside the data file: keys and anchors.

The key: 32 random bytes made once per installation, in the user's config
folder, owner-only. Keys copied from another computer (to check seals made
there) go in its `seal-keys/` folder as `<anything>.key`.

The anchor: for each data file (by its id and path), the newest seal this
installation made, kept in a small file in the user's data folder. A data
file whose newest seals were cut off no longer reaches its anchor.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import paths

KEY_FILE = "seal.key"
EXTRA_KEYS_DIR = "seal-keys"
ANCHOR_FOLDER = "seal-anchors"
_log = logging.getLogger("inventory_desktop")
# Keys known for a while only: a backup's own, while it is checked before a restore.
_borrowed: dict[str, bytes] = {}


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
    keys = dict(_borrowed)
    for secret in _keys_on_disk():
        keys[key_id_of(secret)] = secret
    return keys


def _keys_on_disk() -> Iterator[bytes]:
    found = [paths.config_dir() / KEY_FILE]
    extra = paths.config_dir() / EXTRA_KEYS_DIR
    if extra.is_dir():
        found += sorted(extra.glob("*.key"))
    for path in found:
        secret = _read_key(path)
        if secret is not None:
            yield secret


@contextmanager
def borrowed_keys(keys: dict[str, bytes]) -> Iterator[None]:
    """Check seals with `keys` too, for as long as the block runs (a backup's own keys)."""
    _borrowed.update(keys)
    try:
        yield
    finally:
        for key_id in keys:
            _borrowed.pop(key_id, None)


def import_key(secret: bytes) -> Path | None:
    """Keep a key from elsewhere (a restored backup's) in seal-keys/; None if already known."""
    key_id = key_id_of(secret)
    on_disk = {key_id_of(found) for found in _keys_on_disk()}
    if key_id in on_disk:
        return None
    folder = paths.config_dir() / EXTRA_KEYS_DIR
    paths.ensure_private_dir(folder)
    path = folder / f"{key_id}.key"
    _write_new_key(path, secret)
    return path


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
    _write_new_key(path, secrets.token_bytes(32))
    found = _read_key(path)
    if found is None:
        raise OSError(f"the seal key {path} cannot be read")
    return found


def _write_new_key(path: Path, secret: bytes) -> None:
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


class AnchorBook:
    """The anchors kept in one folder: a small fixed-length file per data file.

    One record is overwritten in place after each write (no fsync): any seal
    this installation wrote is a true anchor, so a record a little old, after
    a power cut or a race between two processes, only detects a little less.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder / ANCHOR_FOLDER
        self._lock = threading.Lock()
        self._open_files: dict[str, int] = {}

    def record(self, anchor: Anchor, data_file: Path) -> None:
        """Remember `anchor` as the newest seal of `data_file` (never moves backwards).

        Called after the commit: a failure here must not make a committed write
        look failed, so it is logged and the anchor simply stays older.
        """
        try:
            with self._lock:
                descriptor = self._file(anchor.file_id, data_file)
                older = _parse(os.pread(descriptor, _RECORD_LENGTH, 0), anchor.file_id)
                if older is None or older.seq < anchor.seq:
                    os.pwrite(descriptor, _record(anchor), 0)
        except OSError:
            _log.warning("could not record the seal anchor for %s", data_file, exc_info=True)

    def reset(self, anchor: Anchor | None, file_id: str, data_file: Path) -> None:
        """Make `anchor` the anchor of `data_file`, even if older (after a restore)."""
        with self._lock:
            descriptor = self._file(file_id, data_file)
            os.pwrite(descriptor, _record(anchor) if anchor else bytes(_RECORD_LENGTH), 0)

    def forget(self, file_id: str, data_file: Path) -> None:
        """Drop the anchor of a file that is gone (a restore's scratch copy)."""
        name = _name(file_id, data_file)
        with self._lock:
            descriptor = self._open_files.pop(name, None)
            if descriptor is not None:
                os.close(descriptor)
            (self.folder / name).unlink(missing_ok=True)

    def find(self, file_id: str, data_file: Path) -> Anchor | None:
        """The newest seal this installation made in `data_file`, if any."""
        try:
            with (self.folder / _name(file_id, data_file)).open("rb") as handle:
                return _parse(handle.read(_RECORD_LENGTH), file_id)
        except FileNotFoundError:
            return None
        except OSError:
            _log.warning("could not read the seal anchor of %s", data_file, exc_info=True)
            return None

    def close(self) -> None:
        with self._lock:
            for descriptor in self._open_files.values():
                os.close(descriptor)
            self._open_files.clear()

    def _file(self, file_id: str, data_file: Path) -> int:
        name = _name(file_id, data_file)
        descriptor = self._open_files.get(name)
        if descriptor is None:
            paths.ensure_private_dir(self.folder)
            descriptor = os.open(self.folder / name, os.O_RDWR | os.O_CREAT, 0o600)
            self._open_files[name] = descriptor
        return descriptor


_RECORD = "inventory-anchor-1 {file_id} {seq:020d} {digest}\n"
_RECORD_LENGTH = len(_RECORD.format(file_id="0" * 32, seq=0, digest="0" * 64))


@functools.lru_cache(maxsize=64)
def _name(file_id: str, data_file: Path) -> str:
    # The same data file at another path (a backup, a copy) has its own anchor.
    return hashlib.sha256(f"{file_id}\0{data_file}".encode()).hexdigest()[:32] + ".anchor"


def _record(anchor: Anchor) -> bytes:
    return _RECORD.format(file_id=anchor.file_id, seq=anchor.seq,
                          digest=anchor.digest).encode("ascii")


def _parse(data: bytes, file_id: str) -> Anchor | None:
    parts = data.decode("ascii", "replace").split()
    if len(parts) != 4 or parts[0] != "inventory-anchor-1" or parts[1] != file_id:
        return None  # empty, torn by a power cut, or reset: no anchor
    if not parts[2].isdigit():
        return None
    return Anchor(file_id, int(parts[2]), parts[3])


_books: dict[Path, AnchorBook] = {}


def anchor_book(folder: Path | None = None) -> AnchorBook:
    """The anchors kept in `folder` (default: this installation's data folder)."""
    folder = paths.data_dir() if folder is None else folder
    book = _books.get(folder)
    if book is None:
        book = _books[folder] = AnchorBook(folder)
    return book


def forget_open_files() -> None:
    """Close every anchors file (tests switch the data folder between runs)."""
    for book in _books.values():
        book.close()
    _books.clear()
