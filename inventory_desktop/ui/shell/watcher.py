"""Noticing writes by other programs (the CLI, a second window) to the open file.

`PRAGMA data_version` changes when another connection commits; reading it
is a cheap in-memory call, so polling it twice a second costs nothing and
needs no file-system watcher (which misses WAL writes on some systems).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from ... import db
from ...errors import DataFileError

POLL_MS = 500


class DataFileWatcher(QObject):
    """Calls `on_change()` after another connection commits to the open file."""

    def __init__(self, on_change: Callable[[], None], parent: QObject | None = None,
                 interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._on_change = on_change
        self._seen: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        """Start watching the file that is open now."""
        self._seen = self._version()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def check(self) -> bool:
        """Look once; returns True (after calling on_change) when the file changed."""
        # A reader that held the -wal back may have gone: give the space back.
        db.tidy_wal()
        version = self._version()
        if version is None or version == self._seen:
            return False
        self._seen = version
        self._on_change()
        return True

    def _version(self) -> int | None:
        try:
            return db.data_version()
        except DataFileError:
            # Busy or momentarily unreachable: look again on the next tick.
            return None
