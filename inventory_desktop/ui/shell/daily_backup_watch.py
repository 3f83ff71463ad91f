"""The day's automatic backup, seen from the window: started at start-up, its outcome told.

The backup runs in a process of its own (services.daily_backup); the window
only looks, twice a second, whether it has finished, then says how it went:
in the status bar when all is well, in a dialog when it failed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMainWindow, QMessageBox

from ... import services

_POLL_MS = 500
_SHOWN_MS = 15_000


class DailyBackupWatch(QObject):
    """Starts today's automatic backup of the open file, if due, and reports its outcome."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._process: subprocess.Popen | None = None
        self._data_file: Path | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(_POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self, data_file: Path) -> None:
        self._data_file = data_file
        for warning in services.backup_warnings(data_file):
            self._window.statusBar().showMessage(warning, _SHOWN_MS)
        self._process = services.start_daily_backup(data_file)
        if self._process is not None:
            self._timer.start()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _poll(self) -> None:
        if self._process is None or self._process.poll() is None:
            return
        self._timer.stop()
        self._process = None
        assert self._data_file is not None
        outcome = services.backup_overview(self._data_file).last
        if outcome is None:
            return  # another program was making it: that one tells
        if outcome.ok:
            self._window.statusBar().showMessage(
                f"Automatic backup: {outcome.message} ({outcome.backup}).", _SHOWN_MS)
        else:
            QMessageBox.warning(self._window, "Automatic backup",
                                f"The automatic backup of {outcome.day} failed: "
                                f"{outcome.message}.")
