"""The main window, driven like a manager would: keys, clicks, dialogs; checked in the file."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import snapshot
from gui_helpers import (
    click,
    close_modal,
    isolate_settings,
    open_main_window,
    shown,
    wait_loaded,
    when_modal,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from inventory_desktop import db, services
from inventory_desktop.ui.items.item_table import ON_HAND, STATUS
from inventory_desktop.ui.shell import data_files
from inventory_desktop.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def stocked(data_file: Path) -> Path:
    services.create_item("Flour", "kg", "FL-01", "5", "12.5")
    services.create_item("Tomatoes", "kg", "TOM-1", "3", "2")
    services.create_item("Olive oil", "L", None, None, "4")
    return data_file


@pytest.fixture
def window(qtbot, stocked: Path) -> MainWindow:
    return open_main_window(qtbot)


def select(window: MainWindow, name: str) -> None:
    row = shown(window).index(name)
    window.table.selectRow(row)
    window.table.setFocus()


def press_ok(dialog: QWidget) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def item(name: str) -> services.ItemRow:
    return next(i for i in services.list_items(include_archived=True) if i.name == name)


def test_table_shows_quantities_with_units_and_marks_low_rows(window: MainWindow) -> None:
    assert shown(window) == ["Flour", "Olive oil", "Tomatoes"]
    assert shown(window, ON_HAND) == ["12.5 kg", "4 L", "2 kg"]
    assert shown(window, STATUS) == ["", "", "low"]
    tomatoes = window.model.index(2, 0)
    assert tomatoes.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert window.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert window._counts.text() == "3 items · 1 low"


def test_filter_box_narrows_by_name_or_sku_as_you_type(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_box.hasFocus()
    qtbot.keyClicks(window.filter_box, "tom")
    assert shown(window) == ["Tomatoes"]
    window.filter_box.clear()
    qtbot.keyClicks(window.filter_box, "fl-0")
    assert shown(window) == ["Flour"]
    assert window._counts.text() == "1 of 3 items shown · 1 low"
    qtbot.keyClicks(window.filter_box, "zzz")
    assert shown(window) == []
    qtbot.keyClick(window.filter_box, Qt.Key.Key_Escape)
    assert window.filter_box.text() == ""
    assert shown(window) == ["Flour", "Olive oil", "Tomatoes"]


def test_receive_from_the_keyboard_books_the_movement(qtbot, window: MainWindow,
                                                      stocked: Path) -> None:
    select(window, "Flour")

    def fill(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.quantity, "2.5")
        qtbot.keyClicks(dialog.reference, "INV-7")
        press_ok(dialog)

    when_modal(fill)
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert item("Flour").quantity == Decimal("15")
    movement = services.list_movements(item_id=item("Flour").id, limit=1)[0]
    assert (movement.movement_type, movement.reason, movement.reference_id) == (
        "in", "purchase", "INV-7")
    assert shown(window, ON_HAND)[0] == "15 kg"
    assert window.selected_item().name == "Flour"


def test_new_item_with_ctrl_n_is_created_and_selected(qtbot, window: MainWindow) -> None:
    def fill(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.name, "Mozzarella")
        qtbot.keyClicks(dialog.sku, "MOZ-1")
        dialog.unit.setCurrentText("kg")
        qtbot.keyClicks(dialog.threshold, "2")
        qtbot.keyClicks(dialog.initial_quantity, "1.25")
        press_ok(dialog)

    qtbot.keyClicks(window.filter_box, "flour")  # the new item does not match the filter
    when_modal(fill)
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_box.text() == ""
    created = item("Mozzarella")
    assert (created.sku, created.quantity, created.low_stock_threshold) == (
        "MOZ-1", Decimal("1.25"), Decimal("2"))
    assert window.selected_item().name == "Mozzarella"
    assert "Low stock: Mozzarella" in window.statusBar().currentMessage()
    assert window._counts.text() == "4 items · 2 low"


def test_refused_deduction_shows_why_and_leaves_the_file_unchanged(
        qtbot, window: MainWindow, stocked: Path) -> None:
    select(window, "Flour")
    before: dict = {}
    messages: list[str] = []

    def try_too_much(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.quantity, "20")
        before.update(snapshot(stocked))
        press_ok(dialog)
        messages.append(dialog.message.text())
        assert dialog.isVisible()  # the dialog stays open to correct the entry
        dialog.reject()

    when_modal(try_too_much)
    qtbot.keyClick(window.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert "12.5 kg of Flour is in stock" in messages[0]
    assert snapshot(stocked) == before
    assert shown(window, ON_HAND)[0] == "12.5 kg"


def test_duplicate_sku_is_refused_and_nothing_is_written(qtbot, window: MainWindow,
                                                         stocked: Path) -> None:
    before = snapshot(stocked)
    errors: list[str] = []

    def duplicate(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.name, "Bread flour")
        qtbot.keyClicks(dialog.sku, "fl-01")
        press_ok(dialog)
        errors.append(dialog.field_error("sku"))
        dialog.reject()

    when_modal(duplicate)
    window.commands.new_item.trigger()
    assert "already used by Flour" in errors[0]
    assert snapshot(stocked) == before


def test_archive_hides_the_item_and_show_archived_brings_it_back(
        qtbot, window: MainWindow) -> None:
    select(window, "Olive oil")
    when_modal(click("Archive"))  # it still has 4 L on hand: asked first
    window.commands.archive.trigger()
    assert not item("Olive oil").is_active
    assert shown(window) == ["Flour", "Tomatoes"]
    window.commands.show_archived.trigger()
    wait_loaded(qtbot, window)
    assert shown(window, STATUS) == ["", "archived", "low"]
    select(window, "Olive oil")
    assert window.commands.archive.text() == "&Restore"
    assert not window.commands.receive.isEnabled()
    window.commands.archive.trigger()
    assert item("Olive oil").is_active


def test_outside_write_shows_within_two_seconds_keeping_the_selection(
        qtbot, window: MainWindow, stocked: Path) -> None:
    select(window, "Tomatoes")
    done = subprocess.run(
        [sys.executable, "-m", "inventory_desktop", "--db", str(stocked),
         "receive", "TOM-1", "5"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: "7 kg" in shown(window, ON_HAND), timeout=2000)
    assert window.selected_item().name == "Tomatoes"
    assert shown(window, STATUS) == ["", "", ""]
    assert window._counts.text() == "3 items · 0 low"


def test_read_only_file_opens_with_a_banner_and_no_write_action(
        qtbot, stocked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stocked.chmod(0o444)
    # Tests run as root, for whom chmod does not stop writes and os.access()
    # says "writable"; db decides read-only through _writable(), so stand in
    # for what a normal user's os.access() would answer.
    monkeypatch.setattr(db, "_writable", lambda path: False)
    db.open_database(stocked)
    before = snapshot(stocked)
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    wait_loaded(qtbot, main)
    assert main.banner.isVisible() and "Read-only" in main.banner.text()
    select(main, "Flour")
    actions = main.commands
    for action in (actions.new_item, actions.edit, actions.receive, actions.deduct,
                   actions.adjust, actions.archive):
        assert not action.isEnabled(), action.text()
    assert actions.history.isEnabled()
    qtbot.keyClick(main.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(main.table, Qt.Key.Key_F2)
    assert snapshot(stocked) == before


def test_layout_sort_and_last_file_persist(qtbot, stocked: Path) -> None:
    first = MainWindow()
    qtbot.addWidget(first)
    wait_loaded(qtbot, first)
    first.table.sortByColumn(ON_HAND, Qt.SortOrder.DescendingOrder)
    first.table.horizontalHeader().resizeSection(1, 177)
    assert shown(first) == ["Flour", "Olive oil", "Tomatoes"]
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    wait_loaded(qtbot, second)
    header = second.table.horizontalHeader()
    assert header.sectionSize(1) == 177
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        ON_HAND, Qt.SortOrder.DescendingOrder)
    assert shown(second) == ["Flour", "Olive oil", "Tomatoes"]
    assert data_files.recent_files()[0] == str(stocked)


def test_opening_a_refused_file_keeps_the_current_one(
        qtbot, window: MainWindow, stocked: Path, tmp_path: Path) -> None:
    stranger = tmp_path / "notes.sqlite3"
    stranger.write_bytes(b"shopping list: eggs, milk\n" * 10)
    seen: list[str] = []
    when_modal(close_modal, seen)
    assert not window.switch_to(stranger)
    assert "not an inventory data file" in seen[0]
    assert stranger.read_bytes() == b"shopping list: eggs, milk\n" * 10
    assert db.current_file().path == stocked
    assert shown(window) == ["Flour", "Olive oil", "Tomatoes"]


def test_new_data_file_from_the_file_menu(qtbot, window: MainWindow, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = tmp_path / "second.sqlite3"
    monkeypatch.setattr(data_files, "choose_new_file", lambda parent: str(fresh))
    window.commands.new_file.trigger()
    wait_loaded(qtbot, window)
    assert db.current_file().path == fresh
    assert shown(window) == []
    assert window.windowTitle().startswith("second.sqlite3")


def test_back_up_now_writes_a_copy(qtbot, window: MainWindow, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "backup.sqlite3"
    monkeypatch.setattr(data_files.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), ""))
    window.commands.back_up.trigger()
    assert snapshot(target)["stock_item"] == snapshot(db.current_file().path)["stock_item"]
    assert str(target) in window.statusBar().currentMessage()


def test_about_names_version_file_and_schema(window: MainWindow, stocked: Path) -> None:
    text = data_files.about_text()
    version = f"Schema version: {db.schema_version_known()}"
    assert "0.1.0" in text and str(stocked) in text and version in text


def test_enter_on_a_row_edits_the_item(qtbot, window: MainWindow) -> None:
    select(window, "Olive oil")
    titles: list[str] = []

    def change_threshold(dialog: QWidget) -> None:
        dialog.threshold.clear()
        qtbot.keyClicks(dialog.threshold, "4.5")
        press_ok(dialog)

    when_modal(change_threshold, titles)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert titles == ["Edit — Olive oil"]
    assert item("Olive oil").low_stock_threshold == Decimal("4.5")
    assert shown(window, STATUS)[1] == "low"


def test_low_stock_is_told_once_per_crossing(qtbot, window: MainWindow) -> None:
    flour = item("Flour")
    services.deduct_stock(flour.id, "8", "order_usage")
    assert window.statusBar().currentMessage() == (
        "Low stock: Flour is down to 4.5 kg (low at 5 kg).")
    window.statusBar().clearMessage()
    services.deduct_stock(flour.id, "1", "waste")
    assert window.statusBar().currentMessage() == ""
    services.add_stock(flour.id, "10")
    services.deduct_stock(flour.id, "10", "order_usage")
    assert "Flour is down to 3.5 kg" in window.statusBar().currentMessage()


def test_history_opens_for_the_selected_item(qtbot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    from inventory_desktop.ui.history.history_window import HistoryWindow

    select(window, "Tomatoes")
    qtbot.keyClick(window.table, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    opened = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, HistoryWindow) and w.isVisible()]
    assert len(opened) == 1
    opened[0].close()


def test_context_menu_offers_the_item_actions(qtbot, window: MainWindow) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    select(window, "Flour")
    offered: list[str] = []

    def read_menu() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(10, read_menu)
            return
        offered.extend(a.text() for a in menu.actions() if a.isEnabled())
        menu.close()

    QTimer.singleShot(10, read_menu)
    rect = window.table.visualRect(window.model.index(0, 0))
    window._show_context_menu(rect.center())
    assert offered == ["&New item…", "&Edit…", "&Receive…", "&Deduct / waste…", "Ad&just…",
                       "&History", "&Archive", "De&lete item…", "Changes to this item"]


def test_own_change_updates_one_row_without_reloading_every_item(
        qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[object] = []
    real_list_items = services.list_items
    monkeypatch.setattr(services, "list_items", lambda **kw: loads.append(kw) or
                        real_list_items(**kw))
    select(window, "Olive oil")
    when_modal(lambda dialog: (qtbot.keyClicks(dialog.quantity, "1"), press_ok(dialog)))
    qtbot.keyClick(window.table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert loads == []
    assert shown(window, ON_HAND)[1] == "1 L"
    assert item("Olive oil").quantity == Decimal("1")


def test_a_busy_file_says_try_again_and_changes_nothing(qtbot, stocked: Path) -> None:
    from conftest import raw

    db.open_database(stocked, busy_timeout=0.2)
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    wait_loaded(qtbot, main)
    select(main, "Olive oil")
    other_program = raw(stocked)
    other_program.execute("BEGIN IMMEDIATE")  # another writer holds the file
    before = snapshot(stocked)
    seen: list[str] = []
    try:
        # Archive Olive oil, which has stock: confirm, then the busy file says so.
        when_modal(lambda box: (when_modal(close_modal, seen), click("Archive")(box)))
        main.commands.archive.trigger()
    finally:
        other_program.execute("ROLLBACK")
        other_program.close()
    assert "busy" in seen[0] and "try again" in seen[0]
    assert snapshot(stocked) == before
    assert item("Olive oil").is_active


def test_view_menu_opens_the_audit_log_and_the_item_changes(qtbot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    from inventory_desktop.ui.audit.audit_window import AuditWindow

    select(window, "Flour")
    window.commands.audit_log.trigger()
    window.commands.item_changes.trigger()
    opened = [w for w in QApplication.topLevelWidgets()
              if isinstance(w, AuditWindow) and w.isVisible()]
    assert len(opened) == 2
    for audit in opened:
        audit.close()


def test_recent_files_menu_lists_files_opened_before(qtbot, window: MainWindow,
                                                     tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    assert window.switch_to(other, create=True)
    wait_loaded(qtbot, window)
    window.recent_menu.aboutToShow.emit()
    listed = [action.text() for action in window.recent_menu.actions()]
    assert db.current_file().path == other
    assert listed[:2] == [str(other), str(tmp_path / "inventory.sqlite3")]


def test_the_first_item_is_selected_on_opening_so_keys_work_at_once(
        qtbot, window: MainWindow) -> None:
    assert window.selected_item().name == "Flour"
    assert window.commands.receive.isEnabled()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.selected_item().name == "Olive oil"


def test_closing_the_main_window_closes_its_history_windows(qtbot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QApplication

    from inventory_desktop.ui.history.history_window import HistoryWindow

    window.commands.all_history.trigger()
    window.close()
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, HistoryWindow) and w.isVisible()]


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts Linux file handles")
def test_background_reloads_leave_no_connection_open(qtbot, window: MainWindow) -> None:
    def open_handles() -> int:
        return len(list(Path("/proc/self/fd").iterdir()))

    before = open_handles()
    for _ in range(20):
        window.reload()
        wait_loaded(qtbot, window)
    assert open_handles() <= before + 1


def test_type_a_few_letters_then_deduct_without_leaving_the_filter_box(
        qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.filter_box, "tom")
    titles: list[str] = []

    def waste(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.quantity, "0.5")
        dialog.reason.setCurrentIndex(dialog.reason.findData("waste"))
        press_ok(dialog)

    when_modal(waste, titles)
    qtbot.keyClick(window.filter_box, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert titles == ["Deduct — Tomatoes (kg)"]
    movement = services.list_movements(item_id=item("Tomatoes").id, limit=1)[0]
    assert (movement.quantity_change, movement.reason) == (Decimal("-0.5"), "waste")
    assert shown(window, ON_HAND) == ["1.5 kg"]


def test_an_empty_file_tells_a_first_time_user_what_to_do(qtbot, data_file: Path) -> None:
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    wait_loaded(qtbot, main)
    assert main.statusBar().currentMessage() == (
        "No items yet: press Ctrl+N to add the first one.")
