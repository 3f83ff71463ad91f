"""Receive, deduct and adjust dialogs, driven from the keyboard against a real file."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from conftest import snapshot
from gui_helpers import never_hang
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from inventory_desktop import services
from inventory_desktop.ui.items.stock_dialog import StockDialog, StockInput
from inventory_desktop.vocabulary import ADJUST_REASONS, DEDUCT_REASONS, RECEIVE_REASONS

pytestmark = pytest.mark.gui


def booker(action: str, item_id: int):
    def book(entry: StockInput) -> object:
        details = {"notes": entry.notes, "reference": entry.reference or None}
        if action == "receive":
            return services.add_stock(item_id, entry.quantity, entry.reason, **details)
        if action == "deduct":
            return services.deduct_stock(item_id, entry.quantity, entry.reason, **details)
        return services.adjust_stock(item_id, entry.quantity, entry.reason, **details)
    return book


def open_dialog(qtbot, action: str, item: services.ItemRow) -> StockDialog:
    dialog = StockDialog(None, action, item, booker(action, item.id))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def flour(data_file) -> services.ItemRow:
    return services.create_item("Flour", "kg", "FL-1", "2", 10)


def reasons_offered(dialog: StockDialog) -> tuple[str, ...]:
    return tuple(dialog.reason.itemData(i) for i in range(dialog.reason.count()))


@pytest.mark.parametrize(("action", "reasons", "title"), [
    ("receive", RECEIVE_REASONS, "Receive — Flour (kg)"),
    ("deduct", DEDUCT_REASONS, "Deduct — Flour (kg)"),
    ("adjust", ADJUST_REASONS, "Adjust — Flour (kg)"),
])
def test_title_and_reasons_fit_the_action(qtbot, flour, action, reasons, title):
    dialog = open_dialog(qtbot, action, flour)
    assert dialog.windowTitle() == title
    assert reasons_offered(dialog) == reasons
    assert dialog.focusWidget() is dialog.quantity


def test_receiving_from_the_keyboard_books_the_movement(qtbot, flour):
    dialog = open_dialog(qtbot, "receive", flour)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.quantity, "2.5")
    assert dialog.preview.text() == "12.5 kg"
    qtbot.keyClicks(dialog.notes, "Monday delivery")
    qtbot.keyClicks(dialog.reference, "INV-1042")
    qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    [latest, _initial] = services.list_movements(item_id=flour.id)
    assert (latest.quantity_change, latest.reason, latest.notes, latest.reference_id) == (
        Decimal("2.5"), "purchase", "Monday delivery", "INV-1042")
    assert services.get_item(flour.id).quantity == Decimal("12.5")


@pytest.mark.parametrize("text", ["0", "-1", "abc", "1.00001"])
def test_ok_stays_disabled_for_a_quantity_that_cannot_be_received(
        qtbot, data_file, flour, text):
    dialog = open_dialog(qtbot, "receive", flour)
    qtbot.keyClicks(dialog.quantity, text)
    assert not dialog.ok_button.isEnabled()
    assert dialog.field_error("quantity")
    before = snapshot(data_file)
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert snapshot(data_file) == before


def test_deducting_waste_uses_the_chosen_reason(qtbot, flour):
    dialog = open_dialog(qtbot, "deduct", flour)
    qtbot.keyClicks(dialog.quantity, "9")
    assert "low-stock threshold of 2 kg)" in dialog.preview.text()
    dialog.reason.setCurrentIndex(DEDUCT_REASONS.index("waste"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    latest = services.list_movements(item_id=flour.id, limit=1)[0]
    assert (latest.quantity_change, latest.reason) == (Decimal("-9"), "waste")


def test_insufficient_stock_is_shown_in_the_dialog_and_nothing_is_written(
        qtbot, data_file, flour):
    dialog = open_dialog(qtbot, "deduct", flour)
    qtbot.keyClicks(dialog.quantity, "8")
    services.deduct_stock(flour.id, "5", "order_usage")  # someone else, meanwhile
    before = snapshot(data_file)
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)

    assert snapshot(data_file) == before
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.message.isVisible()
    assert "Flour" in dialog.message.text() and "5 kg" in dialog.message.text()
    assert dialog.on_hand.text() == "5 kg"
    assert "will be refused" in dialog.preview.text()


def test_adjust_previews_current_new_and_difference_as_you_type(qtbot, flour):
    dialog = open_dialog(qtbot, "adjust", flour)
    qtbot.keyClicks(dialog.quantity, "7")
    assert dialog.preview.text() == "10 kg → 7 kg (difference -3 kg)"
    qtbot.keyClicks(dialog.quantity, ".5")
    assert dialog.preview.text() == "10 kg → 7.5 kg (difference -2.5 kg)"
    dialog.quantity.selectAll()
    qtbot.keyClicks(dialog.quantity, "12")
    assert dialog.preview.text() == "10 kg → 12 kg (difference +2 kg)"
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Enter)

    assert dialog.result() == QDialog.DialogCode.Accepted
    latest = services.list_movements(item_id=flour.id, limit=1)[0]
    assert (latest.movement_type, latest.quantity_change, latest.balance_after) == (
        "adjustment", Decimal("2"), Decimal("12"))


def test_adjust_accepts_zero_but_not_a_negative_count(qtbot, flour):
    dialog = open_dialog(qtbot, "adjust", flour)
    qtbot.keyClicks(dialog.quantity, "-1")
    assert "cannot be negative" in dialog.field_error("quantity")
    dialog.quantity.clear()
    qtbot.keyClicks(dialog.quantity, "0")
    assert dialog.ok_button.isEnabled()
    assert dialog.preview.text() == "10 kg → 0 kg (difference -10 kg)"


def test_escape_cancels_and_writes_nothing(qtbot, data_file, flour):
    before = snapshot(data_file)
    dialog = open_dialog(qtbot, "receive", flour)
    qtbot.keyClicks(dialog.quantity, "3")
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert snapshot(data_file) == before


def test_a_refused_reference_is_marked_on_its_field(qtbot, flour):
    dialog = open_dialog(qtbot, "receive", flour)
    qtbot.keyClicks(dialog.quantity, "1")
    qtbot.keyClicks(dialog.reference, "x" * 101)
    assert "at most 100 characters" in dialog.field_error("reference")
    assert not dialog.ok_button.isEnabled()


def test_ask_returns_true_once_the_stock_is_received(qtbot, flour):
    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, StockDialog)
        qtbot.keyClicks(dialog.quantity, "4")
        qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)

    QTimer.singleShot(0, fill_in)
    failsafe = never_hang()
    assert StockDialog.ask(None, "receive", flour, booker("receive", flour.id)) is True
    failsafe.stop()
    assert services.get_item(flour.id).quantity == Decimal("14")


@pytest.mark.parametrize("action", ["receive", "deduct", "adjust"])
def test_exponent_notation_is_refused_with_a_sentence(qtbot, data_file, flour, action):
    dialog = open_dialog(qtbot, action, flour)
    qtbot.keyClicks(dialog.quantity, "1e3")
    assert not dialog.ok_button.isEnabled()
    assert dialog.field_error("quantity") == (
        f"The {'new quantity' if action == 'adjust' else 'quantity'} '1e3' is in exponent "
        "notation; type the number in full (e.g. 1000, or 0.5).")
    before = snapshot(data_file)
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)
    assert dialog.isVisible() and snapshot(data_file) == before


def test_on_hand_and_preview_follow_another_program_while_open(qtbot, data_file, flour):
    dialog = open_dialog(qtbot, "deduct", flour)
    qtbot.keyClicks(dialog.quantity, "3")
    assert (dialog.on_hand.text(), dialog.preview.text()) == ("10 kg", "7 kg")
    done = subprocess.run(
        [sys.executable, "-m", "inventory_desktop", "--db", str(data_file), "receive", "FL-1",
         "2.5"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: dialog.on_hand.text() == "12.5 kg", timeout=3000)
    assert dialog.preview.text() == "9.5 kg"


@pytest.mark.parametrize(("action", "hint"), [
    ("receive", "Optional, e.g. invoice INV-1042"),
    ("deduct", "Optional, e.g. waste sheet 24 Nov or order 311"),
    ("adjust", "Optional, e.g. count sheet C-12"),
])
def test_the_reference_hint_fits_the_action(qtbot, flour, action, hint):
    assert open_dialog(qtbot, action, flour).reference.placeholderText() == hint


def test_the_dialog_shrinks_back_once_the_refusal_is_gone(qtbot, flour):
    dialog = open_dialog(qtbot, "deduct", flour)
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.quantity, "20")
    height = dialog.height()
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)  # refused: only 10 kg in stock
    assert dialog.message.isVisible()
    qtbot.waitUntil(lambda: dialog.height() > height)
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Backspace)
    assert not dialog.message.isVisible()
    qtbot.waitUntil(lambda: dialog.height() == height)
