"""Where the data file lives. The only module that knows about platformdirs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "inventory-desktop"
DATA_FILE_NAME = "inventory.sqlite3"
DB_ENV_VAR = "INVENTORY_DB"
# A database on a PostgreSQL server is named by its address, not by a path.
SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_address(target: object) -> bool:
    """Whether `target` names a PostgreSQL server's database rather than a file."""
    return isinstance(target, str) and target.startswith(SERVER_SCHEMES)


def default_database() -> str | Path:
    """What to open when nothing is named: $INVENTORY_DB (a file, or a server's
    postgresql:// address, kept as written), else the user's data file."""
    override = os.environ.get(DB_ENV_VAR, "")
    return override if is_server_address(override) else default_data_file()


def default_data_file() -> Path:
    """The data file to open when none is named: $INVENTORY_DB, else the user data dir."""
    override = os.environ.get(DB_ENV_VAR)
    if override:
        return Path(override).expanduser()
    return data_dir() / DATA_FILE_NAME


def config_dir() -> Path:
    """This installation's settings folder: the seal key lives here, outside any data file."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """This installation's data folder: the default data file, seal anchors, backups."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def backups_dir() -> Path:
    """Where backups go unless the backup settings name another folder."""
    return data_dir() / "backups"


def ensure_private_dir(directory: Path) -> None:
    """Create the directory (and parents) readable by its owner only."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)


def log_file() -> Path:
    """Where unexpected errors (bugs) are written with their full details."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "inventory.log"
