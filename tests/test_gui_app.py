"""Start-up: refused files, the bug handler, and the window that run() opens."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gui_helpers import click, isolate_settings, when_modal
from PySide6.QtWidgets import QMessageBox

from inventory_desktop import db, paths
from inventory_desktop.ui.shell import app, data_files

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


def test_a_refused_file_opens_nothing_and_quit_leaves_it_untouched(qtbot, tmp_path: Path) -> None:
    stranger = tmp_path / "recipes.db"
    stranger.write_bytes(b"not a database at all" * 20)
    seen: list[str] = []
    when_modal(click("Quit"), seen)
    assert app.open_first_file(stranger) is None
    assert "not an inventory data file" in seen[0]
    assert stranger.read_bytes() == b"not a database at all" * 20


def test_after_a_refusal_another_file_can_be_chosen(qtbot, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    newer = tmp_path / "newer.sqlite3"
    db.open_database(newer)
    db.database.execute_sql("PRAGMA user_version = 99")
    db.close_database()
    good = tmp_path / "good.sqlite3"
    monkeypatch.setattr(data_files, "choose_file_to_open", lambda parent: str(good))
    seen: list[str] = []
    when_modal(click("Open another file…"), seen)
    info = app.open_first_file(newer)
    assert "newer version" in seen[0]
    assert info is not None and info.path == good


def test_run_opens_the_default_data_file_and_returns_the_exit_code(
        qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    shown: list[str] = []

    def look_and_quit() -> None:
        shown.extend(w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible())
        QApplication.closeAllWindows()

    QTimer.singleShot(200, look_and_quit)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own
    assert app.run(None) == 0
    assert paths.default_data_file().exists()
    assert any(title.startswith("inventory.sqlite3") for title in shown)


def test_a_bug_is_logged_and_shown_without_a_traceback(
        qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text: shown.append(f"{title}: {text}"))
    try:
        raise ZeroDivisionError("deep inside")
    except ZeroDivisionError as bug:
        app._report_bug(type(bug), bug, bug.__traceback__)
    for handler in logging.getLogger("inventory_desktop").handlers:
        handler.flush()
    assert shown[0].startswith("Unexpected error: Something went wrong")
    assert "Traceback" not in shown[0] and "deep inside" not in shown[0]
    logged = paths.log_file().read_text()
    assert "Traceback" in logged and "ZeroDivisionError: deep inside" in logged


def test_without_a_display_the_window_says_so_instead_of_aborting(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    environment["INVENTORY_DB"] = str(tmp_path / "inventory.sqlite3")
    result = subprocess.run([sys.executable, "-m", "inventory_desktop"], env=environment,
                            capture_output=True, text=True, timeout=60)
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is for X11/Wayland desktops")
    assert result.returncode == 1
    assert "there is no graphical display here" in result.stderr
    assert "inventory --help" in result.stderr
    assert not (tmp_path / "inventory.sqlite3").exists()


def test_the_application_has_its_icon(qtbot) -> None:
    application = app.make_application()
    assert not application.windowIcon().isNull()
