"""Restoring a backup from the window: confirm, let go of the file, restore, open it again.

The restore itself (checks, the kept copy, the atomic swap) is the service's;
here the window closes its file so that nothing of this program holds it
while it is replaced, then opens whatever is there afterwards: the restored
file, or, after a refusal, the old one exactly as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ... import db, services
from ...errors import InventoryError
from ..common.background import Progress, run_in_background
from ..common.formatting import time_text
from . import data_files

if TYPE_CHECKING:
    from .main_window import MainWindow

TITLE = "Restore from a backup"


def choose_backup(parent: QWidget) -> Path | None:
    """Ask for a backup file (starting in the backups folder); None when cancelled."""
    folder = services.backup_overview(db.current_file().path).folder
    path, _ = QFileDialog.getOpenFileName(parent, TITLE, str(folder), data_files.FILE_FILTER)
    return Path(path) if path else None


def restore_in_window(window: MainWindow, backup: Path) -> services.RestoreResult | None:
    """Replace the window's data file with `backup` after asking; the result, or None."""
    target = db.current_file().path
    if not _confirmed(window, backup, target):
        return None
    window.let_go_of_file()
    try:
        result = run_in_background(window, TITLE, "Copying the backup…",
                                   lambda progress: _restore(backup, target, progress))
    finally:
        window.take_back_file(target)
    if result is not None:
        QMessageBox.information(window, TITLE, result_text(result))
    return result


def _restore(backup: Path, target: Path, progress: Progress) -> services.RestoreResult:
    def step(text: str) -> None:
        progress.text = text

    return services.restore(backup, target, on_step=step)


def _confirmed(window: QWidget, backup: Path, target: Path) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, TITLE,
                      f"Replace the data file {target.name} with the backup {backup.name}?",
                      parent=window)
    box.setInformativeText(
        f"{_described(backup)}\n\nThe backup is checked first, and refused if anything is "
        "wrong with it. The current file is kept in the backups folder, so this can be "
        "undone by restoring that copy.")
    restore_button = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is restore_button


def _described(backup: Path) -> str:
    try:
        row = services.backup_row(backup)
    except (OSError, InventoryError):
        return f"{backup}"
    made = time_text(row.made_at) if row.made_at else "at an unknown time"
    counts = "" if row.items is None else (
        f", {row.items:,} item{'s' if row.items != 1 else ''} and {row.movements or 0:,} "
        f"movement{'s' if row.movements != 1 else ''}")
    return f"{backup}\nmade {made}{counts}"


def result_text(result: services.RestoreResult) -> str:
    """What a restore did, in sentences."""
    check = result.check
    lines = [f"{result.data_file.name} was restored from {result.backup.name} and checked: "
             f"{check.items:,} items, {check.movements:,} movements."]
    if check.upgraded_from is not None:
        lines.append(f"It was written by an older version (schema {check.upgraded_from}) "
                     f"and has been upgraded to schema {check.schema_version}.")
    if result.kept_copy is not None:
        lines.append(f"The file it replaced was kept as {result.kept_copy}.")
    lines += [f"The backup's seal key {key_id} was added to this computer's keys."
              for key_id in result.imported_keys]
    lines += [f"Note: {note}" for note in result.notes]
    return "\n\n".join(lines)
