"""What the window shows and does otherwise on a server's database (issue 11).

The offline banner, while the server cannot be reached; the backup actions,
which do not apply to a server and say why rather than vanish.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from ... import db

# Darker than the low-stock rows' pink below it, so that the two are not confused.
_OFFLINE_STYLE = ("background: #f5c2c7; color: #58151c; padding: 6px; "
                  "border: 1px solid #b02a37; border-left: 6px solid #b02a37;")
SERVER_BACKUP_TIP = ("Backups of a server's database are taken on the server, with pg_dump "
                     "(ask whoever looks after it); this terminal does not copy it.")


def offline_text(info: db.DataFileInfo) -> str:
    """The banner's sentence while the server of `info` cannot be reached."""
    return (f"<b>The server cannot be reached</b> ({html.escape(info.location)}).<br>"
            "Nothing can be saved until it is back; what you typed stays in the form. "
            "Trying again every few seconds…")


class OfflineBanner(QLabel):
    """A warning across the top of the window while the server cannot be reached."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("offline-banner")
        self.setStyleSheet(_OFFLINE_STYLE)
        self.setWordWrap(True)
        self.hide()

    def show_offline(self) -> None:
        self.setText(offline_text(db.current_file()))
        self.show()


def fit_backup_actions(actions: list[QAction], info: db.DataFileInfo) -> None:
    """Disable the backup actions on a server, saying why; enable them on a file."""
    for action in actions:
        if not action.property("file-tip-saved"):
            action.setProperty("file-tip-saved", True)
            action.setProperty("file-tip", action.statusTip())
        action.setEnabled(not info.server)
        tip = SERVER_BACKUP_TIP if info.server else action.property("file-tip") or ""
        action.setStatusTip(tip)
        action.setToolTip(tip or action.text().replace("&", ""))
