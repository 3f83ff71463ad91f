"""The application icon, from resources/ beside the code or the desktop's icon theme."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAME = "inventory-desktop"


def application_icon() -> QIcon:
    """The icon for every window; empty (Qt's default) when none can be found."""
    for folder in _resource_folders():
        candidate = folder / f"{ICON_NAME}.svg"
        if candidate.is_file():
            return QIcon(str(candidate))
    return QIcon.fromTheme(ICON_NAME)


def _resource_folders() -> list[Path]:
    # A PyInstaller bundle unpacks its data under sys._MEIPASS (see build.spec);
    # a checkout keeps resources/ at the top of the repository.
    folders = [Path(__file__).resolve().parents[3] / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        folders.insert(0, Path(bundle) / "resources")
    return folders
