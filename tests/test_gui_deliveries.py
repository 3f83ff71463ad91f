"""The delivery and waste-sheet grid, typed from the keyboard and checked against the file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import raw, snapshot
from gui_helpers import isolate_settings, open_main_window, when_modal
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget
from pytestqt.exceptions import TimeoutError

from inventory_desktop import services
from inventory_desktop.services import LineInput
from inventory_desktop.ui.deliveries.sheet_dialog import DELIVERY, WASTE_SHEET, SheetDialog
from inventory_desktop.ui.deliveries.sheet_model import SheetLinesModel

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def pantry(data_file: Path) -> list[services.ItemRow]:
    """60 items with SKUs IT-00..IT-59, 10 kg each; two more both called 'Flour'."""
    items = [services.create_item(f"Item {n:02d}", "kg", f"IT-{n:02d}", "2", "10")
             for n in range(60)]
    items.append(services.create_item("Flour", "kg", "FL-01", None, "5"))
    items.append(services.create_item("Flour", "kg", None, None, "1"))
    return items


def show_active(qtbot, dialog: SheetDialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def enter(qtbot) -> None:
    """Enter, as a person presses it: to the completion list when it is open.

    QTest delivers keys at once; a person's keys wait in the queue behind what
    the last one set off (the list opening): let that happen first.
    """
    qtbot.wait(1)
    qtbot.keyClick(QApplication.activePopupWidget() or focused(), Qt.Key.Key_Return)


def wait_editing(qtbot, dialog: SheetDialog, row: int, column: int) -> QWidget:
    def editing() -> bool:
        current = dialog.view.currentIndex()
        return ((current.row(), current.column()) == (row, column)
                and isinstance(QApplication.focusWidget(), QLineEdit | QComboBox)
                and dialog.view.isAncestorOf(QApplication.focusWidget()))
    try:
        qtbot.waitUntil(editing, timeout=3000)
    except TimeoutError:
        current = dialog.view.currentIndex()
        raise AssertionError(
            f"not editing ({row}, {column}): current ({current.row()}, {current.column()}), "
            f"focus {QApplication.focusWidget()}, active {QApplication.activeWindow()}, "
            f"state {dialog.view.state()}") from None
    return focused()


def type_line(qtbot, dialog: SheetDialog, row: int, item: str, quantity: str) -> None:
    qtbot.keyClicks(wait_editing(qtbot, dialog, row, 0), item)
    enter(qtbot)
    qtbot.keyClicks(wait_editing(qtbot, dialog, row, 1), quantity)
    enter(qtbot)


def test_sheet_model_passes_the_qt_model_tester(qtmodeltester, pantry):
    model = SheetLinesModel(pantry, taking_out=True, reasons=("waste", "theft"))
    model.setData(model.index(0, 0), "IT-03")
    model.setData(model.index(0, 1), "2.5")
    model.setData(model.index(1, 0), "nothing like it")
    qtmodeltester.check(model)
    assert model.rowCount() == 3


def test_lines_name_items_by_label_sku_id_name_or_a_unique_part(pantry):
    model = SheetLinesModel(pantry, taking_out=False)
    flour_without_sku = pantry[-1]
    assert model.resolve("Item 07 (IT-07)")[0].sku == "IT-07"
    assert model.resolve("it-07")[0].sku == "IT-07"
    assert model.resolve(f"#{flour_without_sku.id}")[0] == flour_without_sku
    assert model.resolve(f"Flour (#{flour_without_sku.id})")[0] == flour_without_sku
    assert model.resolve("Item 59")[0].sku == "IT-59"
    assert model.resolve("Flour") == (None, "2 items match 'Flour': pick one from the list.")
    assert model.resolve("zzz") == (None, "No item matches 'zzz'.")


def test_a_delivery_of_50_lines_typed_by_keyboard_is_in_the_file(qtbot, pantry, data_file):
    window = open_main_window(qtbot)
    seen: list[str] = []

    def type_delivery(dialog: QWidget) -> None:
        assert isinstance(dialog, SheetDialog)
        seen.append(dialog.windowTitle())
        assert dialog.focusWidget() is dialog.reference
        qtbot.keyClicks(dialog.reference, "DN-2041")
        qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
        for n in range(50):
            # By SKU, by part of the name, or by the name: whatever names one item.
            item = (f"IT-{n:02d}", f"item {n:02d}", f"Item {n:02d} (IT-{n:02d})")[n % 3]
            type_line(qtbot, dialog, n, item, f"{n + 1}.5")
        wait_editing(qtbot, dialog, 50, 0)
        assert dialog.count.text() == "50 lines"
        qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    when_modal(type_delivery)
    qtbot.keyClick(window.table, Qt.Key.Key_R,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert seen == ["Receive delivery"]
    rows = raw(data_file).execute(
        "SELECT i.sku, m.quantity_change, m.movement_type, m.reason, m.reference_type, "
        "m.balance_after, m.created_by FROM stock_movement m JOIN stock_item i "
        "ON i.id = m.stock_item_id WHERE m.reference_id = 'DN-2041' ORDER BY m.id").fetchall()
    assert rows == [(f"IT-{n:02d}", (n + 1) * 10000 + 5000, "in", "purchase", "delivery",
                     100000 + (n + 1) * 10000 + 5000, services.operator_name())
                    for n in range(50)]
    assert services.verify().ok
    assert "Received delivery DN-2041: 50 lines booked." in window.statusBar().currentMessage()


def test_a_waste_sheet_by_keyboard_with_a_reason_per_line(qtbot, pantry, data_file):
    booked: list[list[services.MovementRow]] = []

    def submit(sheet) -> object:
        booked.append(services.record_waste_sheet(sheet.lines, reference=sheet.reference))
        return booked[-1]

    dialog = SheetDialog(None, WASTE_SHEET, services.list_items(), submit)
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    qtbot.keyClicks(dialog.reference, "24 Nov dinner")
    qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
    type_line(qtbot, dialog, 0, "IT-01", "1.25")
    reason = wait_editing(qtbot, dialog, 0, 3)
    assert isinstance(reason, QComboBox) and reason.currentData() == "waste"
    enter(qtbot)  # the default reason, waste
    type_line(qtbot, dialog, 1, "IT-02", "3")
    reason = wait_editing(qtbot, dialog, 1, 3)
    qtbot.keyClicks(reason, "T")  # Theft
    enter(qtbot)
    wait_editing(qtbot, dialog, 2, 0)
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert [(m.item_sku, m.quantity_change, m.reason, m.reference_id) for m in booked[0]] == [
        ("IT-01", Decimal("-1.25"), "waste", "24 Nov dinner"),
        ("IT-02", Decimal("-3"), "theft", "24 Nov dinner")]


def test_a_line_the_services_refuse_is_marked_and_nothing_is_written(qtbot, pantry, data_file):
    def submit(sheet) -> object:
        return services.receive_delivery(sheet.lines, reference=sheet.reference)

    dialog = SheetDialog(None, DELIVERY, services.list_items(), submit)
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.model
    for row, (item, quantity) in enumerate([("IT-01", "1"), ("IT-02", "2"), ("IT-03", "3")]):
        model.setData(model.index(row, 0), item)
        model.setData(model.index(row, 1), quantity)
    dialog.reference.setText("DN-7")
    services.archive_item(pantry[2].id)  # meanwhile, someone archives Item 02
    before = snapshot(data_file)
    dialog.save()
    assert dialog.isVisible()
    assert model.problems() == {1: "Item 02 is archived; restore it before recording stock."}
    assert "Nothing was booked: 1 line was refused" in dialog.message.text()
    assert dialog.view.currentIndex().row() == 1
    assert snapshot(data_file) == before


def test_problems_are_shown_per_line_as_typed(qtbot, pantry):
    dialog = SheetDialog(None, WASTE_SHEET, services.list_items(), lambda sheet: None)
    qtbot.addWidget(dialog)
    model = dialog.model
    model.setData(model.index(0, 0), "IT-05")
    model.setData(model.index(0, 1), "1e3")
    model.setData(model.index(1, 0), "IT-06")
    model.setData(model.index(1, 1), "11")
    model.setData(model.index(2, 0), "Flour")
    problems = model.problems()
    assert "exponent notation" in problems[0]
    assert problems[1] == "Only 10 kg of Item 06 is on hand."
    assert problems[2] == "2 items match 'Flour': pick one from the list."
    assert model.index(1, model.after_column).data() == "10 kg → -1 kg"
    assert model.index(1, model.problem_column).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert dialog.count.text() == "3 lines · 3 with a problem"


def test_a_line_is_removed_with_delete_and_the_empty_line_stays(qtbot, pantry):
    dialog = SheetDialog(None, DELIVERY, services.list_items(), lambda sheet: None)
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    model = dialog.model
    for row in range(3):
        model.setData(model.index(row, 0), f"IT-1{row}")
        model.setData(model.index(row, 1), "1")
    dialog.view.setFocus()
    dialog.view.setCurrentIndex(model.index(1, 1))
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)  # leave the cell being edited
    qtbot.keyClick(dialog.view, Qt.Key.Key_Delete)
    assert [model.row_of(row).item_text for row in range(model.rowCount())] == [
        "Item 10 (IT-10)", "Item 12 (IT-12)", ""]
    dialog.view.setCurrentIndex(model.index(2, 0))
    dialog.remove_button.click()  # the empty line at the end is never removed
    assert model.rowCount() == 3 and dialog.count.text() == "2 lines"


def test_ok_with_nothing_typed_or_no_reference_says_what_is_missing(qtbot, pantry, data_file):
    calls: list[object] = []
    dialog = SheetDialog(None, DELIVERY, services.list_items(), calls.append)
    qtbot.addWidget(dialog)
    dialog.show()
    before = snapshot(data_file)
    dialog.save()
    assert "Add at least one line" in dialog.message.text()
    model = dialog.model
    model.setData(model.index(0, 0), "IT-01")
    dialog.save()
    assert model.problems() == {0: "Enter the quantity."}
    model.setData(model.index(0, 1), "4")
    dialog.save()
    assert "Enter the delivery's reference" in dialog._reference_mark.error()
    assert calls == [] and dialog.isVisible()
    assert snapshot(data_file) == before


def test_the_same_item_on_two_lines_shows_the_running_figure(pantry):
    model = SheetLinesModel(pantry, taking_out=False)
    for row, quantity in enumerate(("2", "3")):
        model.setData(model.index(row, 0), "IT-09")
        model.setData(model.index(row, 1), quantity)
    assert [model.index(row, model.after_column).data() for row in (0, 1)] == [
        "10 kg → 12 kg", "10 kg → 15 kg"]
    assert [line for _, line in model.lines()] == [
        LineInput(pantry[9].id, "2"), LineInput(pantry[9].id, "3")]
    assert model.index(0, 0).data(Qt.ItemDataRole.EditRole) == "Item 09 (IT-09)"
    assert not model.flags(model.index(0, model.unit_column)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


def test_a_name_two_items_share_opens_the_list_to_choose_from(qtbot, pantry):
    dialog = SheetDialog(None, DELIVERY, services.list_items(), lambda sheet: None)
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    dialog.view.start()
    editor = wait_editing(qtbot, dialog, 0, 0)
    qtbot.keyClicks(editor, "Flour")
    enter(qtbot)  # two items are called Flour: the cursor stays, the choices open
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=3000)
    assert dialog.view.currentIndex().column() == 0
    popup = QApplication.activePopupWidget()
    choices = [popup.model().index(row, 0).data() for row in range(popup.model().rowCount())]
    assert choices == ["Flour (FL-01)", f"Flour (#{pantry[-1].id})"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    enter(qtbot)
    wait_editing(qtbot, dialog, 0, 1)
    assert dialog.model.row_of(0).item == pantry[-1]
