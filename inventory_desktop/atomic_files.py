"""Writing files so that nobody ever sees half of one: a temporary file, fsync, then rename.

A rename within one folder replaces the old name in one step, so a reader
(or a restart after a power cut) finds either the old file or the whole new
one. The temporary file lives in the destination's own folder: a rename
across file systems is a copy, and not atomic.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO


def scratch_name(target: Path, purpose: str) -> Path:
    """A new hidden name beside `target`, for a file on its way to becoming it."""
    return target.with_name(f".{target.name}.{purpose}-{secrets.token_hex(4)}")


@contextmanager
def replacing(target: Path, *, replace: bool = True) -> Iterator[BinaryIO]:
    """Write `target` (owner-only) through a temporary file, renamed over it only on success.

    If the block raises (an error, a cancel), the temporary file is removed and
    `target` is as it was. With `replace=False` an existing `target` is kept
    and the new file is refused (FileExistsError) at the rename.
    """
    temporary = scratch_name(target, "part")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, target)
        else:
            # link() never replaces: the name is taken only if still free.
            os.link(temporary, target)
            temporary.unlink()
        fsync_folder(target.parent)
    except BaseException:
        with suppress(OSError):
            temporary.unlink()
        raise


def copy_private(source: Path, target: Path) -> None:
    """Copy `source` to a new owner-only file `target`, synced to disk."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with source.open("rb") as reading, os.fdopen(descriptor, "wb") as writing:
            shutil.copyfileobj(reading, writing, 1024 * 1024)
            writing.flush()
            os.fsync(writing.fileno())
    except BaseException:
        with suppress(OSError):
            target.unlink()
        raise


def fsync_file(path: Path) -> None:
    """Make `path`'s content durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_folder(folder: Path) -> None:
    """Make renames and new names in `folder` durable (where folders can be synced)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its renames are journalled by NTFS
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
