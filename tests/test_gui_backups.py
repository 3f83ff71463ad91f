"""Backups from the window: the Backups dialog, restore from it or from a file, the daily one."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import snapshot
from gui_helpers import click, isolate_settings, open_main_window, shown, wait_loaded, when_modal
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from inventory_desktop import db, services
from inventory_desktop.services import daily_backup
from inventory_desktop.ui.shell import backup_actions
from inventory_desktop.ui.shell.backups_dialog import BackupsDialog
from inventory_desktop.ui.shell.daily_backup_watch import DailyBackupWatch
from inventory_desktop.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


def when_box(act, seen: list[str]) -> None:
    """Run `act(box)` on the next message box shown (not a progress dialog meanwhile)."""
    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            QTimer.singleShot(10, poll)
            return
        seen.append(f"{box.windowTitle()}: {box.text()} {box.informativeText()}")
        act(box)

    QTimer.singleShot(10, poll)


def confirm_then_acknowledge(seen: list[str]) -> None:
    """Press Restore on the confirmation, then OK on what the restore says."""
    def confirm(box: QMessageBox) -> None:
        when_box(lambda result: result.accept(), seen)
        click("Restore")(box)

    when_box(confirm, seen)


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def window(qtbot, data_file: Path) -> MainWindow:
    services.create_item("Flour", "kg", "FL-01", "5", "12.5")
    services.create_item("Tomatoes", "kg", "TOM-1", "3", "2")
    return open_main_window(qtbot)


def test_the_backups_dialog_lists_date_size_and_counts(qtbot, qtmodeltester, window):
    services.back_up_and_check()
    services.create_item("Basil", "g", "HRB-1", None, "200")
    services.back_up_and_check()
    dialog = BackupsDialog(window, services.list_backups, services.back_up_and_check,
                           lambda: services.backup_overview(db.current_file().path))
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    cells = [[dialog.model.index(row, column).data() for column in range(7)]
             for row in range(dialog.model.rowCount())]
    assert [row[1:2] + row[3:6] for row in cells] == [["Manual", "3", "3", "checked"],
                                                     ["Manual", "2", "2", "checked"]]
    assert cells[0][2].endswith("KB")
    assert "Backups are kept in" in dialog.summary.text()
    dialog.back_up_button.click()
    assert dialog.model.rowCount() == 3
    assert dialog.restore_button.isEnabled()


def test_restoring_from_the_backups_dialog_shows_the_restored_file(qtbot, window, tmp_path):
    services.back_up_and_check()
    services.create_item("Basil", "g", "HRB-1", None, "200")
    window.reload()
    wait_loaded(qtbot, window)
    assert shown(window) == ["Basil", "Flour", "Tomatoes"]
    seen: list[str] = []

    def choose_first(dialog: QWidget) -> None:
        assert isinstance(dialog, BackupsDialog)
        dialog.table.selectRow(0)
        confirm_then_acknowledge(seen)
        dialog.restore_button.click()

    when_modal(choose_first, seen)
    window.backup_actions.backups.trigger()
    wait_loaded(qtbot, window)
    assert seen[0] == "Backups"
    assert seen[1].startswith("Restore from a backup: Replace the data file inventory.sqlite3 "
                              "with the backup inventory-")
    assert "was restored from" in seen[2] and "The file it replaced was kept as" in seen[2]
    assert shown(window) == ["Flour", "Tomatoes"]
    assert services.verify().ok
    kinds = sorted(row.kind for row in services.list_backups())
    assert kinds == ["before-restore", "manual"]


def test_a_refused_restore_leaves_the_window_on_the_file_as_it_was(qtbot, window, tmp_path,
                                                                   monkeypatch):
    bad = tmp_path / "not-a-backup.sqlite3"
    bad.write_text("hello")
    path = db.current_file().path
    before = snapshot(path)
    monkeypatch.setattr(backup_actions, "choose_backup", lambda parent: bad)
    seen: list[str] = []
    confirm_then_acknowledge(seen)
    window.backup_actions.restore.trigger()
    qtbot.waitUntil(lambda: len(seen) == 2)
    wait_loaded(qtbot, window)
    assert "not a SQLite database" in seen[1] and "Nothing was changed" in seen[1]
    assert db.current_file().path == path and snapshot(path) == before
    assert shown(window) == ["Flour", "Tomatoes"]


def test_cancelling_the_confirmation_restores_nothing(qtbot, window, monkeypatch):
    copy = services.back_up_and_check().path
    services.create_item("Basil", "g")
    before = snapshot(db.current_file().path)
    monkeypatch.setattr(backup_actions, "choose_backup", lambda parent: copy)
    when_box(lambda box: box.reject(), [])
    window.backup_actions.restore.trigger()
    assert snapshot(db.current_file().path) == before
    assert db.current_file() is not None  # never let go of the file


def test_the_daily_backup_is_started_and_its_outcome_told(qtbot, window, monkeypatch):
    monkeypatch.setenv("INVENTORY_AUTO_BACKUP", "1")
    watch = DailyBackupWatch(window)
    watch.start(db.current_file().path)
    qtbot.waitUntil(lambda: not watch.running and "Automatic backup" in (
        window.statusBar().currentMessage()), timeout=30_000)
    assert "backed up and checked" in window.statusBar().currentMessage()
    (row,) = services.list_backups()
    assert row.kind == "daily" and row.check == "ok"
    # The second start that day starts nothing.
    assert services.start_daily_backup(db.current_file().path) is None


def test_a_failed_daily_backup_is_shown_in_a_dialog(qtbot, window, monkeypatch):
    monkeypatch.setenv("INVENTORY_AUTO_BACKUP", "1")
    outcome = daily_backup.DailyOutcome("2026-12-02", False, "the copy failed its check")

    class Finished:
        def poll(self) -> int:
            return 0

    monkeypatch.setattr(daily_backup, "last_outcome", lambda *args: outcome)
    seen: list[str] = []
    when_box(lambda box: box.accept(), seen)
    watch = DailyBackupWatch(window)
    monkeypatch.setattr("inventory_desktop.services.start_daily_backup",
                        lambda *a, **k: Finished())
    watch.start(db.current_file().path)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == ["Automatic backup: The automatic backup of 2026-12-02 failed: the copy "
                    "failed its check. "]
