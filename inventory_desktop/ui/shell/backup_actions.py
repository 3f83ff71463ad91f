"""File → Backups… and File → Restore…: the window's actions for backups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from ... import db, services
from ..common.background import run_in_background
from .backups_dialog import BackupsDialog
from .restore_flow import choose_backup, restore_in_window

if TYPE_CHECKING:
    from .main_window import MainWindow


class BackupActions:
    """The backup entries of the File menu, and what they do."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.backups = QAction("Bac&kups…", window)
        self.backups.triggered.connect(lambda _checked=False: self.show_backups())
        self.restore = QAction("&Restore from a backup…", window)
        self.restore.triggered.connect(lambda _checked=False: self.restore_chosen_file())

    def show_backups(self) -> None:
        """List the backups; restore the one chosen."""
        path = db.current_file().path
        chosen = BackupsDialog.ask(self._window, services.list_backups, self._back_up_now,
                                   lambda: services.backup_overview(path))
        if chosen is not None:
            restore_in_window(self._window, chosen)

    def restore_chosen_file(self) -> None:
        """Ask for a backup file anywhere (a USB stick), then restore it."""
        chosen = choose_backup(self._window)
        if chosen is not None:
            restore_in_window(self._window, chosen)

    def _back_up_now(self) -> None:
        row = run_in_background(self._window, "Back up", "Copying the data file and checking "
                                "the copy…", lambda _progress: services.back_up_and_check())
        if row is not None:
            self._window.statusBar().showMessage(f"Backed up to {row.path} and checked it.",
                                                 10_000)
