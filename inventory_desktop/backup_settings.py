"""How automatic backups behave, read from a small owner-only JSON file in the config folder.

The desktop keeps its window layout in QSettings, but the command line and
the services never load Qt, so the few backup settings live in their own
file, `backups.json` beside the seal key:

    {"automatic": true, "keep_daily": 14, "keep_weekly": 8, "folder": null}

A missing file means the defaults. `INVENTORY_AUTO_BACKUP=0` in the
environment turns automatic backups off for one process (scripts, tests).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from . import paths
from .errors import ValidationError

SETTINGS_FILE = "backups.json"
AUTO_ENV_VAR = "INVENTORY_AUTO_BACKUP"
MAX_KEPT = 3650


@dataclass(frozen=True)
class BackupSettings:
    automatic: bool = True
    keep_daily: int = 14
    keep_weekly: int = 8
    # None: the backups folder in the user data folder.
    folder: str | None = None

    @property
    def backup_folder(self) -> Path:
        return Path(self.folder).expanduser() if self.folder else paths.backups_dir()


def settings_file() -> Path:
    """Where the backup settings are kept."""
    return paths.config_dir() / SETTINGS_FILE


def load() -> tuple[BackupSettings, str | None]:
    """The settings in effect, and what was wrong with the file when it could not be used
    (then the defaults apply)."""
    settings, problem = stored()
    if switched_off():
        settings = replace(settings, automatic=False)
    return settings, problem


def stored() -> tuple[BackupSettings, str | None]:
    """The settings as the file holds them, without the environment's say."""
    return _read(settings_file())


def switched_off() -> bool:
    """True when the environment turns automatic backups off for this process."""
    return os.environ.get(AUTO_ENV_VAR, "").strip().lower() in ("0", "off", "no", "false")


def save(settings: BackupSettings) -> Path:
    """Write the settings (owner-only), replacing the file in one step."""
    _checked(settings)
    target = settings_file()
    paths.ensure_private_dir(target.parent)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(asdict(settings), handle, indent=2)
        handle.write("\n")
    os.replace(temporary, target)
    return target


def changed(settings: BackupSettings, *, automatic: bool | None = None,
            keep_daily: int | None = None, keep_weekly: int | None = None) -> BackupSettings:
    """`settings` with the given values changed (None: unchanged)."""
    values = {name: value for name, value in (
        ("automatic", automatic), ("keep_daily", keep_daily), ("keep_weekly", keep_weekly))
        if value is not None}
    return _checked(replace(settings, **values))


def _read(path: Path) -> tuple[BackupSettings, str | None]:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return BackupSettings(), None
    except (OSError, ValueError) as exc:
        return BackupSettings(), f"the backup settings {path} cannot be read ({exc})"
    try:
        if not isinstance(stored, dict):
            raise ValidationError("they are not a JSON object")
        known = {key: stored[key] for key in asdict(BackupSettings()) if key in stored}
        return _checked(BackupSettings(**known)), None
    except (ValidationError, TypeError) as exc:
        return BackupSettings(), f"the backup settings {path} are not usable ({exc})"


def _checked(settings: BackupSettings) -> BackupSettings:
    if not isinstance(settings.automatic, bool):
        raise ValidationError("'automatic' must be true or false")
    for name in ("keep_daily", "keep_weekly"):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_KEPT:
            raise ValidationError(f"'{name}' must be a whole number from 0 to {MAX_KEPT}")
    if settings.keep_daily < 1:
        raise ValidationError("'keep_daily' must be at least 1: the newest backup is always kept")
    if settings.folder is not None and not (isinstance(settings.folder, str)
                                            and settings.folder.strip()):
        raise ValidationError("'folder' must be a folder's path, or null")
    return settings
