"""Choosing, opening and backing up data files, and remembering them in QSettings.

A server's database (issue 11) is remembered among the recent files by its
address without a password; a password typed for it is kept in memory for
this session only (`_session_passwords`), never in QSettings or a log.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ... import __version__, db, services
from ...errors import DataFileError
from ..common.background import run_in_background
from ..common.operations import show_refusal

ORGANIZATION = "inventory-desktop"
APPLICATION = "inventory-desktop"
FILE_FILTER = "Inventory data files (*.sqlite3 *.sqlite *.db);;All files (*)"
MAX_RECENT = 8
_RECENT_KEY = "files/recent"
# Writes run on the UI thread: a busy file may freeze the window this long
# (seconds) before the "try again" message, not the 60 s the CLI waits.
GUI_BUSY_TIMEOUT = 5.0

_log = logging.getLogger("inventory_desktop")
# Passwords typed for a server in this session, by address: for reopening it.
_session_passwords: dict[str, str] = {}


def settings() -> QSettings:
    """The user's settings (tests point QSettings.setPath at a temp dir)."""
    return QSettings(ORGANIZATION, APPLICATION)


def recent_files() -> list[str]:
    """Data files (that still exist) and server addresses opened before, newest first."""
    stored = settings().value(_RECENT_KEY, []) or []
    paths = [stored] if isinstance(stored, str) else list(stored)
    return [path for path in paths if db.is_server_address(path) or Path(path).exists()]


def current_target(info: db.DataFileInfo) -> str | Path:
    """What opens `info` again: the file's path, or the server's address (no password)."""
    return info.address if info.server else info.path


def remember_password(address: str, password: str) -> None:
    """Keep a password typed for `address` for reopening it in this session (memory only)."""
    _session_passwords[address] = password


def remember_file(path: str | Path) -> None:
    """Put `path` (or a server's address) first in the recent list; it is also the last used."""
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
        return db.open_database(path, busy_timeout=GUI_BUSY_TIMEOUT, create=create,
                                password=_session_passwords.get(str(path)))
    except DataFileError as error:
        what = "database" if db.is_server_address(str(path)) else "data file"
        show_refusal(parent, f"Cannot open this {what}", str(error))
        return None


def open_until_chosen(path: str | Path, text: str | None = None) -> db.DataFileInfo | None:
    """Open `path`; when refused, say why and offer another file until one opens or Quit."""
    candidate: str | Path | None = path
    while candidate is not None:
        try:
            return db.open_database(candidate, busy_timeout=GUI_BUSY_TIMEOUT,
                                    password=_session_passwords.get(str(candidate)))
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
    """Ask for a destination, copy the open file there and check the copy, keeping the
    window painted."""
    source = db.current_file().path
    suggested = source.with_name(f"{source.stem}-backup{source.suffix}")
    target, _ = QFileDialog.getSaveFileName(
        parent, "Back up to", str(suggested), FILE_FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite)
    if not target:
        return None
    row = run_in_background(parent, "Back up", "Copying the data file and checking the copy…",
                            lambda _progress: services.back_up_and_check(target))
    return None if row is None else row.path


def about_text() -> str:
    """Help → About: version, data file (or server database) and schema version."""
    info = db.current_file()
    mode = " (read-only)" if info.read_only else ""
    where = (f"Server database: {html.escape(info.location)}" if info.server
             else f"Data file: {html.escape(str(info.path))}{mode}")
    return (f"<b>Inventory Desktop</b> {__version__}<br><br>{where}<br>"
            f"Schema version: {info.schema_version}")


def start_folder() -> str:
    """Where file dialogs start: the open data file's folder."""
    return _start_dir()


def _start_dir() -> str:
    try:
        info = db.current_file()
    except RuntimeError:
        return str(Path.home())
    # A server's database lies in no folder here.
    return str(Path.home()) if info.server else str(info.path.parent)
