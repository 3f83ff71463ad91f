"""Costs in the window: a costed receipt, the Value column, revaluing, the item's costing fields."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import snapshot
from gui_helpers import (
    close_modal,
    isolate_settings,
    open_main_window,
    shown,
    wait_loaded,
    when_modal,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QWidget

from inventory_desktop import services
from inventory_desktop.ui.items.item_table import VALUE
from inventory_desktop.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def stocked(data_file: Path) -> Path:
    services.create_item("Flour", "kg", "FL-01", None, "10")  # from before costs
    services.create_item("Butter", "kg", "BU-1", None, "4", unit_cost="6.50")
    services.create_item("Salt", "kg", "SA-1")
    services.create_supplier("Bakers Ltd")
    services.set_currency_symbol("€")
    return data_file


@pytest.fixture
def window(qtbot, stocked: Path) -> MainWindow:
    return open_main_window(qtbot)


def select(window: MainWindow, name: str) -> None:
    window.table.selectRow(shown(window).index(name))
    window.table.setFocus()


def press_ok(dialog: QWidget) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_value_column_says_when_a_value_is_not_known(window: MainWindow) -> None:
    assert shown(window) == ["Butter", "Flour", "Salt"]
    assert shown(window, VALUE) == ["€26.00", "not known", ""]


def test_a_costed_receipt_from_a_supplier(qtbot, window: MainWindow) -> None:
    select(window, "Butter")
    seen: dict[str, str] = {}

    def fill(dialog: QWidget) -> None:
        assert dialog.worth.text() == "€26.00 (€6.5000/kg on average)"
        qtbot.keyClicks(dialog.quantity, "2")
        qtbot.keyClicks(dialog.costs.amount, "15")
        dialog.costs.mode.setCurrentIndex(1)  # invoice total
        dialog.costs.supplier.setCurrentText("Bakers Ltd")
        seen["preview"] = dialog.preview.text()
        press_ok(dialog)

    when_modal(fill)
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert seen["preview"] == "6 kg, worth €41.00"
    movement = services.list_movements(item_id=services.find_item("BU-1").id, limit=1)[0]
    assert (movement.valued_by, movement.value_change, movement.unit_cost) == (
        "invoice", Decimal("15"), Decimal("7.5"))
    assert movement.supplier_id == services.find_supplier("Bakers Ltd").id
    assert shown(window, VALUE)[0] == "€41.00"


def test_a_wrong_cost_is_marked_and_nothing_is_written(qtbot, window: MainWindow,
                                                      stocked: Path) -> None:
    select(window, "Flour")
    before = snapshot(stocked)
    seen: dict[str, object] = {}

    def fill(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.quantity, "5")
        qtbot.keyClicks(dialog.costs.amount, "-2")
        seen["error"] = dialog.field_error("unit_cost")
        seen["ok"] = dialog.ok_button.isEnabled()
        dialog.costs.amount.clear()
        qtbot.keyClicks(dialog.costs.amount, "0.80")
        seen["preview"] = dialog.preview.text()
        dialog.reject()

    when_modal(fill)
    window.commands.receive.trigger()
    assert seen == {"error": "The unit cost cannot be negative.", "ok": False,
                    "preview": "15 kg; the 10 kg on hand will be valued at this cost too"}
    assert snapshot(stocked) == before


def test_revaluing_stock_from_before_costs(qtbot, window: MainWindow) -> None:
    select(window, "Flour")

    def fill(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.amount, "0.75")
        assert dialog.preview.text() == "worth €7.50 (€0.7500/kg)"
        dialog.reason.setCurrentIndex(dialog.reason.findData("standard_cost"))
        press_ok(dialog)

    when_modal(fill)
    window.commands.revalue.trigger()
    flour = services.find_item("FL-01")
    assert flour.value == Decimal("7.5")
    movement = services.list_movements(item_id=flour.id, limit=1)[0]
    assert (movement.movement_type, movement.reason) == ("revaluation", "standard_cost")
    assert shown(window, VALUE)[1] == "€7.50"


def test_an_empty_item_is_not_revalued(qtbot, window: MainWindow, stocked: Path) -> None:
    select(window, "Salt")
    before = snapshot(stocked)
    told: list[str] = []
    when_modal(close_modal, told)
    window.commands.revalue.trigger()
    assert "Salt has no stock: an empty item is worth nothing" in told[0]
    assert snapshot(stocked) == before


def test_a_new_items_costing_fields(qtbot, window: MainWindow) -> None:
    def fill(dialog: QWidget) -> None:
        qtbot.keyClicks(dialog.name, "Olive oil")
        dialog.unit.setCurrentText("L")
        qtbot.keyClicks(dialog.initial_quantity, "5")
        qtbot.keyClicks(dialog.unit_cost, "8.20")
        qtbot.keyClicks(dialog.standard_cost, "8")
        qtbot.keyClicks(dialog.par_level, "12")
        dialog.supplier.setCurrentText("Bakers Ltd")
        press_ok(dialog)

    when_modal(fill)
    window.commands.new_item.trigger()
    oil = next(i for i in services.list_items() if i.name == "Olive oil")
    assert (oil.value, oil.standard_cost, oil.par_level, oil.supplier_id) == (
        Decimal("41"), Decimal("8"), Decimal("12"), services.find_supplier("Bakers Ltd").id)


def test_the_currency_symbol_is_kept_in_the_file(qtbot, window: MainWindow,
                                                 monkeypatch) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("CHF ", True))
    window.commands.currency.trigger()
    assert services.currency_symbol() == "CHF "
    qtbot.waitUntil(lambda: shown(window, VALUE)[0] == "CHF 26.00", timeout=3000)
    # A second reload may still be on its way: let it land before the file closes.
    wait_loaded(qtbot, window)
