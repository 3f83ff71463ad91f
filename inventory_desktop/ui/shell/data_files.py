"""Choosing, opening and backing up data files, and remembering them in QSettings."""

from __future__ import annotations

import html
import logging
import threading
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from ... import __version__, db, services
from ...errors import DataFileError, InventoryError
from ..common.operations import show_refusal
from ..items.item_loader import close_thread_connection

ORGANIZATION = "inventory-desktop"
APPLICATION = "inventory-desktop"
FILE_FILTER = "Inventory data files (*.sqlite3 *.sqlite *.db);;All files (*)"
MAX_RECENT = 8
_RECENT_KEY = "files/recent"
# Writes run on the UI thread: a busy file may freeze the window this long
# (seconds) before the "try again" message, not the 60 s the CLI waits.
GUI_BUSY_TIMEOUT = 5.0

_log = logging.getLogger("inventory_desktop")


def settings() -> QSettings:
    """The user's settings (tests point QSettings.setPath at a temp dir)."""
    return QSettings(ORGANIZATION, APPLICATION)


def recent_files() -> list[str]:
    """Data files opened before, newest first, that still exist."""
    stored = settings().value(_RECENT_KEY, []) or []
    paths = [stored] if isinstance(stored, str) else list(stored)
    return [path for path in paths if Path(path).exists()]


def remember_file(path: Path) -> None:
    """Put `path` first in the recent files list; it is also the last file used."""
    text = str(path)
    kept = [text] + [other for other in recent_files() if other != text]
    settings().setValue(_RECENT_KEY, kept[:MAX_RECENT])


def open_or_explain(parent: QWidget | None, path: str | Path, *,
                    create: bool = False) -> db.DataFileInfo | None:
    """Open `path` for the services, or say why not (the file is left untouched).

    Only File → New creates a file: a recent file that has since vanished is
    reported missing, not silently replaced by an empty one.
    """
    try:
        return db.open_database(path, busy_timeout=GUI_BUSY_TIMEOUT, create=create)
    except DataFileError as error:
        show_refusal(parent, "Cannot open this data file", str(error))
        return None


def open_until_chosen(path: str | Path, text: str | None = None) -> db.DataFileInfo | None:
    """Open `path`; when refused, say why and offer another file until one opens or Quit."""
    candidate: str | Path | None = path
    while candidate is not None:
        try:
            return db.open_database(candidate, busy_timeout=GUI_BUSY_TIMEOUT)
        except DataFileError as error:
            _log.warning("refused data file %s: %s", candidate, error)
            candidate = ask_after_refusal(candidate, error, text)
            text = None
    return None


def ask_after_refusal(path: str | Path, error: DataFileError,
                      text: str | None = None) -> str | None:
    """Say why `path` was refused; the path chosen instead, or None to quit."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open the data file",
                      text or f"The data file {path} cannot be opened.")
    box.setInformativeText(str(error))
    open_button = box.addButton("Open another file…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(open_button)
    box.exec()
    if box.clickedButton() is not open_button:
        return None
    return choose_file_to_open(None)


def choose_file_to_open(parent: QWidget | None) -> str | None:
    """Ask for an existing data file; None when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, "Open data file", _start_dir(), FILE_FILTER)
    return path or None


def choose_new_file(parent: QWidget | None) -> str | None:
    """Ask where to create a new, empty data file; refuses an existing file."""
    path, _ = QFileDialog.getSaveFileName(
        parent, "New data file", str(free_name(Path(_start_dir()))), FILE_FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite)
    if path and Path(path).exists():
        show_refusal(parent, "New data file",
                     f"{path} already exists. Use File → Open data file… to open it, "
                     "or choose a new name.")
        return None
    return path or None


def free_name(folder: Path) -> Path:
    """A new file's suggested name there: inventory.sqlite3, else inventory-2.sqlite3, …"""
    candidate, number = folder / "inventory.sqlite3", 1
    while candidate.exists():
        number += 1
        candidate = folder / f"inventory-{number}.sqlite3"
    return candidate


def back_up_with_progress(parent: QWidget) -> Path | None:
    """Ask for a destination and copy the open file there, keeping the window painted."""
    source = db.current_file().path
    suggested = source.with_name(f"{source.stem}-backup{source.suffix}")
    target, _ = QFileDialog.getSaveFileName(
        parent, "Back up to", str(suggested), FILE_FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite)
    if not target:
        return None
    outcome: dict[str, object] = {}
    worker = threading.Thread(target=_back_up_into, args=(target, outcome), daemon=True)
    progress = QProgressDialog("Backing up the data file…", "", 0, 0, parent)
    progress.setCancelButton(None)
    # Shown at once and window-modal: the window keeps painting, but no action
    # can start while the copy runs.
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.show()
    worker.start()
    while worker.is_alive():
        QApplication.processEvents()
        worker.join(0.02)
    progress.close()
    if isinstance(outcome.get("error"), InventoryError):
        show_refusal(parent, "Back up", str(outcome["error"]))
        return None
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]  # a bug: the excepthook reports it
    return outcome["path"]  # type: ignore[return-value]


def _back_up_into(target: str, outcome: dict[str, object]) -> None:
    # Runs on a worker thread: peewee gives this thread its own connection to
    # the file, so SQLite's online backup never blocks the window's reads.
    try:
        outcome["path"] = services.back_up(target)
    except Exception as error:  # raised again on the UI thread
        outcome["error"] = error
    finally:
        close_thread_connection()


def about_text() -> str:
    """Help → About: version, data file and schema version."""
    info = db.current_file()
    mode = " (read-only)" if info.read_only else ""
    return (f"<b>Inventory Desktop</b> {__version__}<br><br>"
            f"Data file: {html.escape(str(info.path))}{mode}<br>"
            f"Schema version: {info.schema_version}")


def start_folder() -> str:
    """Where file dialogs start: the open data file's folder."""
    return _start_dir()


def _start_dir() -> str:
    try:
        return str(db.current_file().path.parent)
    except RuntimeError:
        return str(Path.home())
