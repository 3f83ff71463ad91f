"""File → Open / New on the main window: refusals, child windows, the busy timeout, restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import raw
from gui_helpers import (
    click,
    close_modal,
    isolate_settings,
    open_main_window,
    shown,
    wait_loaded,
    when_modal,
)
from PySide6.QtWidgets import QWidget

from inventory_desktop import db, services
from inventory_desktop.ui.items.item_table import STATUS
from inventory_desktop.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def stocked(data_file: Path) -> Path:
    services.create_item("Flour", "kg", "FL-01", "5", "12.5")
    services.create_item("Tomatoes", "kg", "TOM-1", "3", "2")
    return data_file


@pytest.fixture
def window(qtbot, stocked: Path) -> MainWindow:
    return open_main_window(qtbot)


def outside_write_seen_by_the_watcher(window: MainWindow, stocked: Path) -> None:
    """The CLI raises Flour's threshold; the watcher starts a reload just before File → Open."""
    other = raw(stocked)
    other.execute("UPDATE stock_item SET low_stock_threshold = 200000 WHERE sku = 'FL-01'")
    other.close()
    assert window.watcher.check()
    assert window.loader.busy


def test_refusal_box_while_a_reload_is_under_way_keeps_the_current_file(
        qtbot, window: MainWindow, stocked: Path, tmp_path: Path) -> None:
    stranger = tmp_path / "notes.sqlite3"
    stranger.write_bytes(b"shopping list: eggs, milk\n" * 10)
    seen: list[str] = []

    def wait_then_close(box: QWidget) -> None:
        qtbot.wait(1200)  # the reload ends and the watcher ticks while the box is up
        close_modal(box)

    outside_write_seen_by_the_watcher(window, stocked)
    when_modal(wait_then_close, seen)
    assert not window.switch_to(stranger)
    assert "not an inventory data file" in seen[0]
    assert stranger.read_bytes() == b"shopping list: eggs, milk\n" * 10
    assert db.current_file().path == stocked
    wait_loaded(qtbot, window)
    assert shown(window) == ["Flour", "Tomatoes"]
    assert shown(window, STATUS) == ["low", "low"]
    assert window.watcher._timer.isActive()
    assert window.commands.receive.isEnabled()


def test_a_file_that_fails_after_closing_the_current_one_reopens_it(
        qtbot, window: MainWindow, stocked: Path, tmp_path: Path) -> None:
    # An empty file passes the header check (made before the current file is
    # closed) and is refused only once opened: the current file must come back.
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    seen: list[str] = []

    def wait_then_close(box: QWidget) -> None:
        qtbot.wait(1200)
        close_modal(box)

    outside_write_seen_by_the_watcher(window, stocked)
    when_modal(wait_then_close, seen)
    assert not window.switch_to(empty)
    assert "is empty, not an inventory data file" in seen[0]
    assert empty.read_bytes() == b""
    assert db.current_file().path == stocked
    wait_loaded(qtbot, window)
    assert shown(window) == ["Flour", "Tomatoes"]
    assert shown(window, STATUS) == ["low", "low"]
    assert window.watcher._timer.isActive()


def test_when_the_previous_file_cannot_reopen_the_user_is_told_and_may_quit(
        qtbot, window: MainWindow, stocked: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    seen: list[str] = []

    def spoil_the_previous_file(box: QWidget) -> None:
        # Something else overwrites the closed file while the first refusal is up.
        stocked.write_bytes(b"overwritten by another program" * 10)
        when_modal(click("Quit"), seen)
        close_modal(box)

    when_modal(spoil_the_previous_file, seen)
    assert not window.switch_to(empty)
    assert "is empty, not an inventory data file" in seen[0]
    assert "cannot be opened again" in seen[1] and "not an inventory data file" in seen[1]
    assert not window.isVisible()
    assert stocked.read_bytes() == b"overwritten by another program" * 10


def test_opening_another_file_closes_history_and_audit_windows(
        qtbot, window: MainWindow, stocked: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication

    from inventory_desktop.ui.audit.audit_window import AuditWindow
    from inventory_desktop.ui.history.history_window import HistoryWindow
    from inventory_desktop.ui.shell import data_files

    other = tmp_path / "other.sqlite3"
    db.open_database(other)
    services.create_item("Paint", "L", "FL-01", None, "9")  # same id and SKU as Flour
    db.open_database(stocked)
    window.commands.history.trigger()
    window.commands.item_changes.trigger()
    window.commands.audit_log.trigger()

    def open_windows() -> list[QWidget]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, HistoryWindow | AuditWindow) and w.isVisible()]

    assert len(open_windows()) == 3
    monkeypatch.setattr(data_files, "choose_file_to_open", lambda parent: str(other))
    window.commands.open_file.trigger()
    wait_loaded(qtbot, window)
    assert db.current_file().path == other
    assert shown(window) == ["Paint"]
    assert open_windows() == []


def busy_timeout_ms() -> int:
    """How long a write waits for another program's lock before saying the file is busy."""
    return int(db.database.busy_timeout * 1000)


def test_the_window_opens_files_with_a_short_busy_timeout(
        qtbot, window: MainWindow, stocked: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from inventory_desktop.ui.shell import app, data_files

    assert data_files.GUI_BUSY_TIMEOUT == 5.0
    db.close_database()
    assert app.open_first_file(stocked).path == stocked  # start-up
    assert busy_timeout_ms() == 5000
    fresh = tmp_path / "fresh.sqlite3"
    monkeypatch.setattr(data_files, "choose_new_file", lambda parent: str(fresh))
    window.commands.new_file.trigger()
    assert db.current_file().path == fresh
    assert busy_timeout_ms() == 5000
    monkeypatch.setattr(data_files, "choose_file_to_open", lambda parent: str(stocked))
    window.commands.open_file.trigger()
    assert db.current_file().path == stocked
    assert busy_timeout_ms() == 5000
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("x")
    when_modal(close_modal)
    assert not window.switch_to(blocker / "new.sqlite3", create=True)  # stocked is opened again
    assert db.current_file().path == stocked
    assert busy_timeout_ms() == 5000
    wait_loaded(qtbot, window)


def test_a_new_run_opens_the_file_used_last(qtbot, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from inventory_desktop import paths
    from inventory_desktop.ui.shell import app

    monkeypatch.delenv(paths.DB_ENV_VAR)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own
    other = tmp_path / "kitchen.sqlite3"
    titles: list[str] = []

    def the_window() -> MainWindow:
        return next(w for w in QApplication.topLevelWidgets()
                    if isinstance(w, MainWindow) and w.isVisible())

    def switch_and_quit() -> None:
        titles.append(the_window().windowTitle())
        assert the_window().switch_to(other, create=True)
        QApplication.closeAllWindows()

    def look_and_quit() -> None:
        titles.append(the_window().windowTitle())
        QApplication.closeAllWindows()

    QTimer.singleShot(200, switch_and_quit)
    assert app.run(None) == 0
    QTimer.singleShot(200, look_and_quit)
    assert app.run(None) == 0
    assert titles[0].startswith("inventory.sqlite3")  # the default file, on the first run
    assert paths.default_data_file().exists()
    assert titles[1].startswith("kitchen.sqlite3")
    other.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{other}{suffix}").unlink(missing_ok=True)
    QTimer.singleShot(200, look_and_quit)
    assert app.run(None) == 0
    assert titles[2].startswith("inventory.sqlite3")  # gone: back to the default file


@pytest.mark.parametrize("kind", ["history", "audit"])
def test_history_and_audit_windows_poll_only_while_shown(qtbot, stocked: Path,
                                                         kind: str) -> None:
    from inventory_desktop.ui.audit.audit_window import AuditWindow
    from inventory_desktop.ui.history.history_window import HistoryWindow

    opened = HistoryWindow() if kind == "history" else AuditWindow()
    qtbot.addWidget(opened)
    assert not opened._poll.timer.isActive()
    opened.show()
    qtbot.waitExposed(opened)
    assert opened._poll.timer.isActive()
    model = opened.model if kind == "history" else opened.audit_model
    before = model.rowCount()
    services.add_stock(1, "3", "purchase")  # recorded while the window is open
    qtbot.waitUntil(lambda: model.rowCount() > before, timeout=3000)
    opened.hide()
    assert not opened._poll.timer.isActive()


def test_a_recent_file_that_vanished_is_reported_missing_not_recreated(
        qtbot, window: MainWindow, stocked: Path, tmp_path: Path) -> None:
    gone = tmp_path / "moved-away" / "kitchen.sqlite3"
    seen: list[str] = []
    when_modal(close_modal, seen)
    assert not window.switch_to(gone)
    assert "There is no data file at" in seen[0]
    assert not gone.parent.exists()
    assert db.current_file().path == stocked
    wait_loaded(qtbot, window)
    assert shown(window) == ["Flour", "Tomatoes"]
