"""Starting the desktop application: the data file, the bug handler, the main window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from ... import db, paths
from ..common.icon import application_icon
from . import data_files
from .daily_backup_watch import DailyBackupWatch

_log = logging.getLogger("inventory_desktop")


def run(db_path: str | None) -> int:
    """Open the window on `db_path` (default: the usual data file); the exit code."""
    missing = missing_display()
    if missing:
        print(missing, file=sys.stderr)
        return 1
    app = make_application()
    install_excepthook()
    if open_first_file(db_path or last_or_default_file()) is None:
        return 1
    from .main_window import MainWindow

    window = MainWindow()
    window.show()
    window.daily_backup = DailyBackupWatch(window)
    info = db.current_file()
    if not info.server:  # a server's database is backed up on the server (pg_dump)
        window.daily_backup.start(info.path)
    code = app.exec()
    db.close_database()
    return code


def missing_display() -> str | None:
    """A sentence when there is no screen to open a window on, else None.

    Without one, Qt aborts the process with its own (misleading) advice about
    missing libraries; say what is actually wrong and what works instead.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("inventory-desktop: there is no graphical display here (DISPLAY is not set), "
            "so the window cannot open. Run it from the desktop, or use the command "
            "line: inventory --help")


def make_application() -> QApplication:
    """The QApplication, named so QSettings finds the user's settings."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(data_files.ORGANIZATION)
    app.setApplicationName(data_files.APPLICATION)
    app.setApplicationDisplayName("Inventory")
    app.setWindowIcon(application_icon())
    return app  # type: ignore[return-value]


def last_or_default_file() -> str | Path:
    """With no --db: $INVENTORY_DB if set, else the last file (or server) used if it
    still exists."""
    if not os.environ.get(paths.DB_ENV_VAR):
        recent = data_files.recent_files()
        if recent:
            return recent[0] if db.is_server_address(recent[0]) else Path(recent[0])
    return paths.default_database()


def open_first_file(path: str | Path) -> db.DataFileInfo | None:
    """Open `path`; when refused, say why and offer another file until one opens or Quit."""
    return data_files.open_until_chosen(path)


def install_excepthook() -> None:
    """Log every unexpected exception (a bug) and tell the user briefly, without a traceback."""
    sys.excepthook = _report_bug


def _report_bug(kind: type[BaseException], error: BaseException,
                trace: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    where = _start_log_file()
    _log.error("unexpected error", exc_info=(kind, error, trace))
    if QApplication.instance() is not None:
        QMessageBox.critical(
            QApplication.activeWindow(), "Unexpected error",
            "Something went wrong inside Inventory; this is a bug. "
            "Your last change may not have been saved — please check it."
            f"{where}")


def _start_log_file() -> str:
    """Send errors to the log file once; the sentence telling the user where it is."""
    log_path = paths.log_file()
    try:
        if not any(getattr(h, "baseFilename", None) == str(log_path) for h in _log.handlers):
            paths.ensure_private_dir(log_path.parent)
            handler = logging.FileHandler(log_path, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            _log.addHandler(handler)
    except OSError:
        return ""
    return f"\n\nDetails were written to {log_path}."
