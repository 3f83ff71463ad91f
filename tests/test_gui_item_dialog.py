"""The item form, driven like a manager would: typing, Enter, Esc, clicking OK."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import snapshot
from gui_helpers import never_hang
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from inventory_desktop import services
from inventory_desktop.errors import DatabaseBusyError
from inventory_desktop.ui.items.item_dialog import ItemDialog, ItemInput

pytestmark = pytest.mark.gui


def create(entry: ItemInput) -> services.ItemRow:
    return services.create_item(entry.name, entry.unit, entry.sku, entry.threshold,
                                entry.initial_quantity)


def editor(item_id: int):
    def save(entry: ItemInput) -> services.ItemRow:
        return services.update_item(item_id, name=entry.name, sku=entry.sku,
                                    unit=entry.unit, low_stock_threshold=entry.threshold)
    return save


def open_dialog(qtbot, submit, item=None) -> ItemDialog:
    dialog = ItemDialog(None, submit, item)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_ok_stays_disabled_until_the_form_is_valid_then_creates_the_item(qtbot, data_file):
    dialog = open_dialog(qtbot, create)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.name, "Flour")
    assert dialog.ok_button.isEnabled()
    dialog.unit.setCurrentText("kg")
    qtbot.keyClicks(dialog.threshold, "2,5")
    assert not dialog.ok_button.isEnabled()
    assert "not a number" in dialog.field_error("threshold")
    assert dialog.threshold.property("invalid") is True
    dialog.threshold.clear()
    qtbot.keyClicks(dialog.threshold, "2.5")
    qtbot.keyClicks(dialog.sku, "FL-1")
    qtbot.keyClicks(dialog.initial_quantity, "10")
    assert dialog.field_error("threshold") == ""
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    [item] = services.list_items()
    assert (item.name, item.sku, item.unit) == ("Flour", "FL-1", "kg")
    assert item.quantity == Decimal("10")
    assert item.low_stock_threshold == Decimal("2.5")


def test_untouched_fields_are_not_marked_but_cleared_ones_are(qtbot, data_file):
    dialog = open_dialog(qtbot, create)
    assert dialog.field_error("name") == ""
    qtbot.keyClicks(dialog.name, "X")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Backspace)
    assert dialog.field_error("name") == "Enter a name for the item."
    assert not dialog.ok_button.isEnabled()


@pytest.mark.parametrize(("text", "message"), [
    ("-1", "cannot be negative"),
    ("1.00001", "at most 4 decimal places"),
    ("lots", "not a number"),
])
def test_a_bad_initial_quantity_is_marked_on_its_field(qtbot, data_file, text, message):
    dialog = open_dialog(qtbot, create)
    qtbot.keyClicks(dialog.name, "Milk")
    qtbot.keyClicks(dialog.initial_quantity, text)
    assert message in dialog.field_error("initial_quantity")
    assert not dialog.ok_button.isEnabled()


def test_duplicate_sku_is_reported_on_the_sku_field_and_nothing_is_written(qtbot, data_file):
    services.create_item("Flour", "kg", "FL-1")
    before = snapshot(data_file)
    dialog = open_dialog(qtbot, create)
    qtbot.keyClicks(dialog.name, "Other flour")
    qtbot.keyClicks(dialog.sku, "fl-1")
    qtbot.keyClick(dialog.sku, Qt.Key.Key_Return)

    assert "already used by Flour" in dialog.field_error("sku")
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert snapshot(data_file) == before
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.sku, "b")
    assert dialog.field_error("sku") == "" and dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert [i.sku for i in services.list_items()] == ["FL-1", "fl-1b"]


def test_editing_prefills_the_form_hides_initial_quantity_and_saves_on_enter(qtbot, data_file):
    item = services.create_item("Flour", "kg", "FL-1", "2", 5)
    dialog = open_dialog(qtbot, editor(item.id), item)
    assert dialog.windowTitle() == "Edit — Flour"
    assert (dialog.name.text(), dialog.sku.text(), dialog.threshold.text()) == (
        "Flour", "FL-1", "2")
    assert not dialog.initial_quantity.isVisibleTo(dialog)
    dialog.threshold.selectAll()
    qtbot.keyClicks(dialog.threshold, "3.25")
    qtbot.keyClick(dialog.threshold, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = services.get_item(item.id)
    assert saved.low_stock_threshold == Decimal("3.25") and saved.quantity == Decimal("5")


def test_a_unit_that_can_no_longer_change_is_reported_on_the_unit_field(qtbot, data_file):
    item = services.create_item("Flour", "kg", None, None, 5)
    before = snapshot(data_file)
    dialog = open_dialog(qtbot, editor(item.id), item)
    assert not dialog.unit.isEnabled() and "cannot change" in dialog.unit.toolTip()
    dialog.unit.setCurrentText("g")  # as if changed before the first movement arrived
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert "unit cannot change" in dialog.field_error("unit")
    assert snapshot(data_file) == before


def test_escape_cancels_without_writing(qtbot, data_file):
    before = snapshot(data_file)
    dialog = open_dialog(qtbot, create)
    qtbot.keyClicks(dialog.name, "Flour")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert snapshot(data_file) == before


def test_a_refusal_without_a_field_is_shown_above_the_buttons(qtbot, data_file):
    def refuse(entry: ItemInput) -> None:
        raise DatabaseBusyError("The data file is busy; try again.")

    dialog = open_dialog(qtbot, refuse)
    qtbot.keyClicks(dialog.name, "Flour")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.message.isVisible()
    assert dialog.message.text() == "The data file is busy; try again."
    assert dialog.ok_button.isEnabled()


def test_the_unit_of_an_item_without_movements_can_change(qtbot, data_file):
    item = services.create_item("Flour", "kg")
    dialog = open_dialog(qtbot, editor(item.id), item)
    assert dialog.unit.isEnabled()
    dialog.unit.setCurrentText("g")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert services.get_item(item.id).unit == "g"


def test_ask_returns_true_once_the_item_is_created(qtbot, data_file):
    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ItemDialog)
        qtbot.keyClicks(dialog.name, "Salt")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    QTimer.singleShot(0, fill_in)
    failsafe = never_hang()
    assert ItemDialog.ask(None, create) is True
    failsafe.stop()
    assert [item.name for item in services.list_items()] == ["Salt"]


def test_ask_returns_false_when_cancelled(qtbot, data_file):
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert ItemDialog.ask(None, create) is False
    assert services.list_items() == []


def test_a_name_another_active_item_has_is_noted_before_saving(qtbot, data_file):
    services.create_item("Flour", "kg", "FL-01")
    dialog = open_dialog(qtbot, create)
    qtbot.keyClicks(dialog.name, "flour")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # the first OK shows the note, saves nothing
    assert dialog.isVisible() and len(services.list_items()) == 1
    assert dialog.name_note.isVisible()
    assert dialog.name_note.text().startswith(
        "Another item is already called flour: Flour (FL-01).")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # seen: now it is saved
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [item.name for item in services.list_items()] == ["Flour", "flour"]


def test_leaving_the_name_shows_the_note_and_ok_then_saves_at_once(qtbot, data_file):
    services.create_item("Flour", "kg", None)
    dialog = open_dialog(qtbot, create)
    dialog.activateWindow()  # focus moves (and editing ends) only in the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.name, "Flour")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
    qtbot.waitUntil(dialog.name_note.isVisible)
    assert "Flour (#1)" in dialog.name_note.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert len(services.list_items()) == 2


def test_editing_an_item_does_not_note_its_own_name(qtbot, data_file):
    flour = services.create_item("Flour", "kg", "FL-01")
    dialog = open_dialog(qtbot, editor(flour.id), flour)
    dialog.threshold.clear()
    qtbot.keyClicks(dialog.threshold, "3")
    qtbot.keyClick(dialog.threshold, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.name_note.isVisible()
