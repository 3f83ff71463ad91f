"""The main window's smaller parts: the first item, archive and delete, column widths,
Low only, Help, File → New and who is recording; driven by keys, checked in the file."""

from __future__ import annotations

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
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from inventory_desktop import services
from inventory_desktop.ui.items.item_table import HEADERS, NAME, STATUS
from inventory_desktop.ui.shell import data_files, operator
from inventory_desktop.ui.shell.keys_dialog import KeysDialog
from inventory_desktop.ui.shell.main_window import MainWindow
from inventory_desktop.ui.shell.manual_window import ManualWindow

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def stocked(data_file: Path) -> Path:
    services.create_item("Flour", "kg", "FL-01", "5", "12.5")
    services.create_item("Tomatoes", "kg", "TOM-1", "3", "2")
    services.create_item("Olive oil", "L", None, None, "4")
    services.create_item("Saffron", "g", "SAF-1", None)
    return data_file


@pytest.fixture
def window(qtbot, stocked: Path) -> MainWindow:
    return open_main_window(qtbot)


def select(window: MainWindow, name: str) -> None:
    window.table.selectRow(shown(window).index(name))
    window.table.setFocus()


def item(name: str) -> services.ItemRow:
    return next(i for i in services.list_items(include_archived=True) if i.name == name)


def test_the_first_item_ends_the_no_items_message(qtbot, data_file: Path) -> None:
    main = open_main_window(qtbot)
    assert main.statusBar().currentMessage().startswith("No items yet")

    def create(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.name, "Salt")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    when_modal(create)
    qtbot.keyClick(main.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert shown(main) == ["Salt"]
    assert not main.statusBar().currentMessage().startswith("No items yet")


def test_archiving_an_item_with_stock_asks_first_and_says_what_it_did(
        qtbot, window: MainWindow, stocked: Path) -> None:
    select(window, "Tomatoes")  # low: its low-stock notice may be showing
    window.on_low_stock(item("Tomatoes"))
    asked: list[str] = []
    before = snapshot(stocked)
    when_modal(click("Cancel"), asked)
    window.commands.archive.trigger()
    assert "Tomatoes still has 2 kg on hand. Archive it anyway?" in asked[0]
    assert snapshot(stocked) == before and item("Tomatoes").is_active
    when_modal(click("Archive"))
    window.commands.archive.trigger()
    assert not item("Tomatoes").is_active
    message = window.statusBar().currentMessage()
    assert message.startswith("Archived Tomatoes")
    assert "Low stock: Tomatoes" not in message


def test_archiving_an_empty_item_needs_no_question(qtbot, window: MainWindow) -> None:
    select(window, "Saffron")
    window.commands.archive.trigger()  # nothing on hand: no dialog to answer
    assert not item("Saffron").is_active
    assert window.statusBar().currentMessage().startswith("Archived Saffron")


def test_an_item_without_movements_can_be_deleted(qtbot, window: MainWindow,
                                                  stocked: Path) -> None:
    select(window, "Saffron")
    asked: list[str] = []
    when_modal(click("Delete"), asked)
    window.commands.delete.trigger()
    assert "Delete Saffron?" in asked[0]
    wait_loaded(qtbot, window)
    assert "Saffron" not in shown(window)
    assert all(i.name != "Saffron" for i in services.list_items(include_archived=True))
    assert window.statusBar().currentMessage() == "Deleted Saffron."


def test_an_item_with_movements_is_not_deleted_and_the_window_says_why(
        qtbot, window: MainWindow, stocked: Path) -> None:
    select(window, "Flour")
    before = snapshot(stocked)
    told: list[str] = []
    when_modal(close_modal, told)
    window.commands.delete.trigger()
    assert "Flour has stock movements, so it cannot be deleted" in told[0]
    assert snapshot(stocked) == before


def test_at_1600_px_name_takes_the_width_and_status_fits_its_content(
        qtbot, stocked: Path) -> None:
    services.create_item("Mozzarella fior di latte di bufala campana", "kg", "DAI-011")
    main = open_main_window(qtbot)
    main.resize(1600, 700)
    qtbot.waitUntil(lambda: main.table.viewport().width() > 1400)
    header = main.table.horizontalHeader()
    widths = [header.sectionSize(column) for column in range(len(HEADERS))]
    assert widths[NAME] > 900
    assert widths[STATUS] < 150
    metrics = main.table.fontMetrics()
    longest = metrics.horizontalAdvance("Mozzarella fior di latte di bufala campana")
    assert widths[NAME] > longest


def test_low_only_shows_just_the_items_at_or_below_their_threshold(
        qtbot, window: MainWindow) -> None:
    assert shown(window) == ["Flour", "Olive oil", "Saffron", "Tomatoes"]
    qtbot.keyClick(window.table, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(window.low_only.isChecked)  # a mnemonic clicks after a short flash
    assert shown(window) == ["Tomatoes"]
    assert window._counts.text() == "1 of 4 items shown · 1 low"
    qtbot.keyClicks(window.filter_box, "flour")
    assert shown(window) == []
    window.filter_box.clear()
    services.deduct_stock(item("Flour").id, "10", "order_usage")  # Flour goes low
    window.refresh_item(item("Flour").id)
    assert shown(window) == ["Flour", "Tomatoes"]
    window.low_only.click()
    assert len(shown(window)) == 4


def test_help_lists_the_keys_and_opens_the_manual(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    keys = next(w for w in QApplication.topLevelWidgets()
                if isinstance(w, KeysDialog) and w.isVisible())
    text = keys.text.text()
    for expected in ("Ctrl+Shift+R", "Receive a delivery", "Ctrl+R", "Ctrl+Z",
                     "Undo (reverse) the selected movement", "Alt+L", "Ctrl+Enter"):
        assert expected in text, expected
    keys.close()
    window.commands.manual.trigger()
    manual = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, ManualWindow) and w.isVisible())
    assert "Run it" in manual.browser.toPlainText()
    manual.close()


def test_new_data_file_suggests_a_free_name_and_names_the_menu_item_right(
        qtbot, window: MainWindow, stocked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    suggested: list[str] = []

    def save_dialog(parent, title, start, *rest, **kwargs):
        suggested.append(start)
        return str(stocked), ""  # the manager picks the open file anyway

    monkeypatch.setattr(data_files.QFileDialog, "getSaveFileName", save_dialog)
    told: list[str] = []
    when_modal(close_modal, told)
    window.commands.new_file.trigger()
    assert stocked.name == "inventory.sqlite3"
    assert Path(suggested[0]) == stocked.with_name("inventory-2.sqlite3")
    assert not Path(suggested[0]).exists()
    assert "Use File → Open data file… to open it" in told[0]


def test_the_operator_is_chosen_shown_remembered_and_recorded(
        qtbot, window: MainWindow, stocked: Path) -> None:
    login = services.operator_name()
    assert window.operator_button.text() == f"Operator: {login}"

    def choose(dialog: QWidget) -> None:
        dialog.name.lineEdit().selectAll()
        qtbot.keyClicks(dialog.name.lineEdit(), "Ana")
        qtbot.keyClick(dialog.name.lineEdit(), Qt.Key.Key_Return)

    when_modal(choose)
    qtbot.keyClick(window.table, Qt.Key.Key_U,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.operator_button.text() == "Operator: Ana"
    window.activateWindow()  # offscreen, the closed dialog leaves no window active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    select(window, "Flour")

    def receive(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.quantity, "1")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_modal(receive)
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert services.list_movements(limit=1)[0].created_by == "Ana"
    assert services.audit_entries(limit=1)[0].actor == "Ana"
    window.close()
    again = open_main_window(qtbot)
    assert again.operator_button.text() == "Operator: Ana"
    assert operator.known()[:2] == ["Ana", login]


def test_a_blank_operator_is_refused_in_the_dialog(qtbot, window: MainWindow) -> None:
    errors: list[str] = []

    def blank(dialog: QWidget) -> None:
        dialog.name.lineEdit().clear()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        errors.append(dialog._mark.error())
        dialog.reject()

    when_modal(blank)
    window.commands.operator.trigger()
    assert errors == ["The user name must be 1 to 100 printable characters."]
    assert window.operator_button.text() == f"Operator: {services.operator_name()}"


def test_every_write_from_the_window_is_recorded_under_the_operator(
        qtbot, window: MainWindow) -> None:
    operator.choose("Ben")
    select(window, "Saffron")
    window.commands.archive.trigger()
    window.commands.show_archived.trigger()
    wait_loaded(qtbot, window)
    select(window, "Saffron")
    window.commands.archive.trigger()  # restore
    actors = {entry.actor for entry in services.audit_entries(limit=2)}
    assert actors == {"Ben"}
