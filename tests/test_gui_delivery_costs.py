"""A delivery's invoice costs typed into the grid, checked against what the file holds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import raw, snapshot
from gui_helpers import isolate_settings, open_main_window, when_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from test_gui_deliveries import enter, focused, show_active, wait_editing

from inventory_desktop import services
from inventory_desktop.services import LineInput
from inventory_desktop.ui.deliveries.sheet_dialog import DELIVERY, WASTE_SHEET, SheetDialog

pytestmark = pytest.mark.gui
UNIT_COST, TOTAL = 3, 4  # the delivery grid's cost columns


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def store(data_file: Path) -> dict[str, int]:
    """Flour worth 0.80/kg, rice none on hand, sugar worth 1.00/kg; two suppliers."""
    services.set_currency_symbol("€")
    ids = {"FL": services.create_item("Flour", "kg", "FL", None, "10", unit_cost="0.80").id,
           "RI": services.create_item("Rice", "kg", "RI").id,
           "SU": services.create_item("Sugar", "kg", "SU", None, "5", unit_cost="1.00").id}
    ids["metro"] = services.create_supplier("Metro Cash & Carry").id
    ids["dairy"] = services.create_supplier("Alpine Dairy").id
    return ids


def _dialog(qtbot, submit=lambda sheet: None, kind: str = DELIVERY) -> SheetDialog:
    dialog = SheetDialog(None, kind, services.list_items(), submit,
                         suppliers=services.list_suppliers(), symbol="€")
    qtbot.addWidget(dialog)
    return dialog


def _text(dialog: SheetDialog, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return dialog.model.index(row, column).data(role)


def test_a_costed_delivery_typed_by_keyboard_is_valued_in_the_file(qtbot, store, data_file):
    window = open_main_window(qtbot)
    shown: dict[str, object] = {}

    def type_delivery(dialog: QWidget) -> None:
        assert isinstance(dialog, SheetDialog)
        dialog.with_costs.setChecked(True)
        qtbot.keyClicks(dialog.reference, "INV-88")
        dialog.supplier.setFocus()
        qtbot.keyClicks(dialog.supplier, "Metro")
        dialog.reference.setFocus()
        qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
        # Item, quantity, unit cost: Enter after each.
        for text, column in (("FL", 0), ("25", 1), ("0.82", UNIT_COST)):
            qtbot.keyClicks(wait_editing(qtbot, dialog, 0, column), text)
            enter(qtbot)
        # An invoice giving the line's total: Tab past the unit cost.
        for text, column in (("RI", 0), ("10", 1)):
            qtbot.keyClicks(wait_editing(qtbot, dialog, 1, column), text)
            enter(qtbot)
        qtbot.keyClick(wait_editing(qtbot, dialog, 1, UNIT_COST), Qt.Key.Key_Tab)
        qtbot.keyClicks(wait_editing(qtbot, dialog, 1, TOTAL), "9.99")
        enter(qtbot)
        # No cost on the invoice for this one: Enter through the empty unit cost.
        for text, column in (("SU", 0), ("2", 1), ("", UNIT_COST)):
            qtbot.keyClicks(wait_editing(qtbot, dialog, 2, column), text)
            enter(qtbot)
        wait_editing(qtbot, dialog, 3, 0)
        shown["cells"] = [(_text(dialog, row, UNIT_COST), _text(dialog, row, TOTAL))
                          for row in range(3)]
        shown["value"] = dialog.value_total.text()
        qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    when_modal(type_delivery)
    qtbot.keyClick(window.table, Qt.Key.Key_R,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert shown["cells"] == [("€0.8200/kg", "€20.50"), ("€0.9990/kg", "€9.99"), ("", "")]
    assert shown["value"] == "Value €30.49 · 1 without a cost"
    rows = raw(data_file).execute(
        "SELECT i.sku, m.quantity_change, m.value_change, m.valued_by, m.unit_cost, "
        "m.supplier_id FROM stock_movement m JOIN stock_item i ON i.id = m.stock_item_id "
        "WHERE m.reference_id = 'INV-88' ORDER BY m.id").fetchall()
    metro = store["metro"]
    assert rows == [("FL", 250000, 205000, "unit_cost", 8200, metro),
                    ("RI", 100000, 99900, "invoice", 9990, metro),
                    ("SU", 20000, 20000, "average", None, metro)]  # 2 kg at 1.00
    assert services.verify().ok
    assert ("Received delivery INV-88: 3 lines booked. Value €32.49."
            in window.statusBar().currentMessage())


def test_a_line_total_or_a_unit_cost_one_clears_the_other(qtbot, store):
    dialog = _dialog(qtbot)
    model = dialog.model
    model.setData(model.index(0, 0), "RI")
    model.setData(model.index(0, 1), "3")
    model.setData(model.index(0, TOTAL), "10")
    # 10.00 for 3 kg: 3.3333/kg, worked out and shown apart from what was typed.
    assert (_text(dialog, 0, UNIT_COST), _text(dialog, 0, TOTAL)) == ("€3.3333/kg", "€10.00")
    assert _text(dialog, 0, UNIT_COST, Qt.ItemDataRole.EditRole) == ""
    assert "Worked out from the line total" in _text(dialog, 0, UNIT_COST,
                                                     Qt.ItemDataRole.ToolTipRole)
    assert _text(dialog, 0, TOTAL, Qt.ItemDataRole.ForegroundRole) is None  # typed: plain
    assert [line for _, line in model.lines()] == [LineInput(store["RI"], "3", total="10")]
    model.setData(model.index(0, UNIT_COST), "2.5")
    assert (_text(dialog, 0, UNIT_COST), _text(dialog, 0, TOTAL)) == ("€2.5000/kg", "€7.50")
    assert [line for _, line in model.lines()] == [LineInput(store["RI"], "3", unit_cost="2.5")]
    model.setData(model.index(0, UNIT_COST), "")  # leaving a cell blank clears only it
    assert model.lines()[0][1] == LineInput(store["RI"], "3")
    assert dialog.value_total.text() == ""


def test_a_bad_cost_is_marked_as_typed_and_nothing_is_written(qtbot, store, data_file):
    calls: list[object] = []
    dialog = _dialog(qtbot, calls.append)
    dialog.show()
    model = dialog.model
    for row, (item, quantity, cost) in enumerate(
            [("FL", "5", "0.82"), ("SU", "1", "-1"), ("RI", "2", "0.123456")]):
        model.setData(model.index(row, 0), item)
        model.setData(model.index(row, 1), quantity)
        model.setData(model.index(row, UNIT_COST), cost)
    model.setData(model.index(3, 0), "FL")
    model.setData(model.index(3, 1), "1")
    model.setData(model.index(3, TOTAL), "abc")
    problems = model.problems()
    assert problems[1] == "The unit cost cannot be negative."
    assert "unit cost" in problems[2] and "decimal places" in problems[2]
    assert "invoice total" in problems[3]
    assert 0 not in problems
    background = Qt.ItemDataRole.BackgroundRole
    assert _text(dialog, 1, UNIT_COST, background) is not None  # the cost marked,
    assert _text(dialog, 1, 0, background) is None  # not the item
    assert _text(dialog, 3, TOTAL, background) is not None
    assert _text(dialog, 1, UNIT_COST) == "-1"  # shown as typed
    before = snapshot(data_file)
    dialog.reference.setText("INV-9")
    dialog.save()
    assert "3 lines cannot be booked as they are" in dialog.message.text()
    assert calls == [] and dialog.isVisible() and snapshot(data_file) == before


def test_refusals_from_the_services_land_on_their_lines(qtbot, store, data_file):
    def submit(sheet) -> object:
        return services.receive_delivery(sheet.lines, reference=sheet.reference,
                                         supplier_id=sheet.supplier_id)

    dialog = _dialog(qtbot, submit)
    dialog.show()
    model = dialog.model
    for row, (item, cost) in enumerate([("FL", "0.82"), ("SU", "1.10")]):
        model.setData(model.index(row, 0), item)
        model.setData(model.index(row, 1), "4")
        model.setData(model.index(row, UNIT_COST), cost)
    dialog.reference.setText("INV-10")
    dialog.supplier.setCurrentIndex(dialog.supplier.findData(store["dairy"]))
    services.archive_item(store["SU"])  # meanwhile, someone archives the sugar
    before = snapshot(data_file)
    dialog.save()
    assert model.problems() == {1: "Sugar is archived; restore it before recording stock."}
    assert "Nothing was booked: 1 line was refused" in dialog.message.text()
    services.restore_item(store["SU"])
    services.set_supplier_active(store["dairy"], False)  # and archives the supplier
    before = snapshot(data_file)
    dialog.save()
    assert "Alpine Dairy" in dialog.message.text() and dialog.isVisible()
    assert snapshot(data_file) == before


def test_with_costs_is_remembered_and_only_a_delivery_has_it(qtbot, store):
    first = _dialog(qtbot)
    assert not first.with_costs.isChecked()
    assert first.view.editable_columns() == [0, 1]  # the flow without costs: unchanged
    first.with_costs.setChecked(True)
    assert first.view.editable_columns() == [0, 1, UNIT_COST, TOTAL]
    assert "Tab past the unit cost" in first.hint.text()
    second = _dialog(qtbot)
    assert second.with_costs.isChecked()
    waste = _dialog(qtbot, kind=WASTE_SHEET)
    assert waste.with_costs.isHidden() and waste.supplier.isHidden()
    assert waste.model.unit_cost_column == -1 and "Unit cost" not in waste.model.columns


def test_without_costs_enter_and_tab_skip_the_cost_cells(qtbot, store):
    dialog = _dialog(qtbot)
    show_active(qtbot, dialog)
    dialog.view.start()
    qtbot.keyClicks(wait_editing(qtbot, dialog, 0, 0), "FL")
    enter(qtbot)
    qtbot.keyClicks(wait_editing(qtbot, dialog, 0, 1), "3")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClicks(wait_editing(qtbot, dialog, 1, 0), "SU")
    enter(qtbot)
    wait_editing(qtbot, dialog, 1, 1)
    assert dialog.model.value().costed == 0
    assert services.get_item(store["FL"]).value == Decimal("8.0000")
