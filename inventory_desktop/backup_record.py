"""The record kept beside each backup (`NAME.seal.json`): its anchor, its keys, what it holds.

The anchor (the copy's newest seal) lets a restore tell a backup whose newest
writes were cut off. The seal keys (hex, by key id) let a backup be checked,
and restored, on a computer that never had them: the old one's disk died with
its config folder. So the record is owner-only, like the seal key itself:
whoever holds a backup and its record holds the keys its seals were made with.
The rest (kind, day, counts, the check's verdict) is for listing backups
without opening each one; a restore checks the backup itself again.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .seal_store import Anchor, key_id_of

FORMAT = "inventory-backup-1"
SUFFIX = ".seal.json"
_MAX_BYTES = 64 * 1024
_HEX_KEY = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class BackupRecord:
    file_id: str | None = None
    seq: int | None = None
    digest: str | None = None
    # Seal keys by key id, as hex: the keys this copy's seals were made with.
    keys: dict[str, str] = field(default_factory=dict)
    kind: str = "manual"  # manual, daily, before-restore
    made_at: str | None = None  # stored UTC time
    day: str | None = None  # local date, for daily backups
    source: str | None = None
    schema_version: int | None = None
    items: int | None = None
    movements: int | None = None
    # None: not checked yet; "ok"; or what the check found.
    check: str | None = None

    @property
    def anchor(self) -> Anchor | None:
        if self.file_id is None or self.seq is None or self.digest is None:
            return None
        return Anchor(self.file_id, self.seq, self.digest)

    def secrets(self) -> dict[str, bytes]:
        """The keys as bytes, those whose id matches their bytes (a mistyped one is left out)."""
        found = {}
        for key_id, text in self.keys.items():
            if isinstance(text, str) and _HEX_KEY.fullmatch(text):
                secret = bytes.fromhex(text)
                if key_id_of(secret) == key_id:
                    found[key_id] = secret
        return found


def record_file(backup: Path) -> Path:
    """Where a backup's record is: beside it, NAME.seal.json."""
    return backup.with_name(backup.name + SUFFIX)


def write(backup: Path, record: BackupRecord) -> None:
    """Write (or replace) the record beside `backup`, owner-only, in one step."""
    target = record_file(backup)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            json.dump({"format": FORMAT, **asdict(record)}, handle)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def read(backup: Path) -> BackupRecord | None:
    """The record beside `backup`, or None when there is none or it cannot be read."""
    try:
        with record_file(backup).open("rb") as handle:
            stored = json.loads(handle.read(_MAX_BYTES))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict):
        return None
    known = {name: stored[name] for name in BackupRecord.__dataclass_fields__ if name in stored}
    record = BackupRecord(**known)
    return record if _well_formed(record) else None


def updated(backup: Path, **changes: object) -> BackupRecord:
    """Change some fields of the record beside `backup` (made if missing); the new record."""
    record = replace(read(backup) or BackupRecord(), **changes)
    write(backup, record)
    return record


def _well_formed(record: BackupRecord) -> bool:
    # Another program (or a person) may have written anything here: a record
    # that does not hold the right types is treated as missing, never trusted.
    texts = (record.file_id, record.digest, record.made_at, record.day, record.source,
             record.check)
    numbers = (record.seq, record.schema_version, record.items, record.movements)
    return (all(value is None or isinstance(value, str) for value in texts)
            and all(value is None or (isinstance(value, int) and not isinstance(value, bool))
                    for value in numbers)
            and isinstance(record.kind, str) and isinstance(record.keys, dict))
