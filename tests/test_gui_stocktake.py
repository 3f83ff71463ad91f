"""The stocktake window driven by keys, checked against what the data file holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from gui_helpers import isolate_settings, never_hang, when_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QMessageBox

from inventory_desktop import services
from inventory_desktop.ui.stocktake import count_model as columns
from inventory_desktop.ui.stocktake.count_model import CountTableModel
from inventory_desktop.ui.stocktake.count_window import StocktakeWindow
from inventory_desktop.ui.stocktake.review_dialog import REASONS_COLUMN, ReviewDialog

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def kitchen(data_file: Path) -> dict[str, int]:
    dry, bar = services.create_area("Dry store").id, services.create_area("Bar").id
    ids = {"dry": dry, "bar": bar}
    for sku, name, qty in (("FL", "Flour", "25"), ("RI", "Rice", "10"), ("SU", "Sugar", "8")):
        ids[sku] = services.create_item(name, "kg", sku=sku, initial_quantity=qty,
                                        areas=[dry]).id
    ids["WINE"] = services.create_item("Red wine", "piece", sku="WINE", initial_quantity="30",
                                       pack_size="6", pack_name="case", areas=[bar]).id
    ids["stocktake"] = services.start_stocktake("Monthly").id
    return ids


@pytest.fixture
def window(qtbot, kitchen) -> StocktakeWindow:
    opened = StocktakeWindow()
    qtbot.addWidget(opened)
    opened.show()
    qtbot.waitExposed(opened)
    return opened


def _counts(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT item_id, area_id, counted, packs FROM stocktake_count ORDER BY id").fetchall()
    finally:
        connection.close()


def _type_count(qtbot, window: StocktakeWindow, text: str, *, moves_on: bool = True) -> None:
    editor = window.table.focusWidget()
    before = _current_cell(window)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    if not moves_on:
        qtbot.wait(20)
        return
    # The next cell opens on a later turn of the event loop: later still on a loaded machine.
    qtbot.waitUntil(lambda: _current_cell(window) != before
                    and window.table.state() == QAbstractItemView.State.EditingState)


def _current_cell(window: StocktakeWindow) -> tuple[int, int]:
    index = window.table.currentIndex()
    return index.row(), index.column()


def test_the_model_passes_qts_model_tester(qtmodeltester, kitchen):
    model = CountTableModel()
    model.set_lines(services.stocktake_sheet(kitchen["stocktake"]).lines, editable=True)
    qtmodeltester.check(model)


def test_lines_come_in_walk_order_and_the_first_uncounted_is_current(window, kitchen):
    shown = [(window.model.line_at(r).area_name, window.model.line_at(r).name)
             for r in range(window.model.rowCount())]
    assert shown == [("Dry store", "Flour"), ("Dry store", "Rice"), ("Dry store", "Sugar"),
                     ("Bar", "Red wine")]
    assert window.table.currentIndex().row() == 0


def test_counting_by_keyboard_saves_each_line_and_moves_on(qtbot, window, kitchen, data_file):
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_2)  # any key starts typing in the Count cell
    _type_count(qtbot, window, "4")
    _type_count(qtbot, window, "10")
    _type_count(qtbot, window, "7.5")
    # Red wine comes in cases: packs first, then the loose bottles.
    assert window.table.currentIndex().column() == columns.PACKS
    _type_count(qtbot, window, "4")
    assert window.table.currentIndex().column() == columns.COUNT
    _type_count(qtbot, window, "3", moves_on=False)
    assert _counts(data_file) == [(kitchen["FL"], kitchen["dry"], 240000, None),
                                  (kitchen["RI"], kitchen["dry"], 100000, None),
                                  (kitchen["SU"], kitchen["dry"], 75000, None),
                                  (kitchen["WINE"], kitchen["bar"], 270000, 4)]
    assert window.progress.value() == 4
    flour = window.model.line_at(0)
    assert (flour.counted, flour.variance) == (24, -1)
    assert window.model.index(0, columns.VARIANCE).data() == "-1"


def test_a_bad_count_is_refused_on_the_spot_and_nothing_is_saved(qtbot, window, data_file):
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    qtbot.keyClick(window.table.focusWidget(), Qt.Key.Key_Return)
    qtbot.wait(20)
    assert "Flour: The count 'a' is not a number." in window.message.text()
    assert _counts(data_file) == []
    assert window.table.currentIndex().row() == 0


def test_find_jumps_to_an_item_by_name_or_sku(qtbot, window):
    window.search.setFocus()
    qtbot.keyClicks(window.search, "wine")
    assert window.model.line_at(window.table.currentIndex().row()).name == "Red wine"
    window.search.clear()
    qtbot.keyClicks(window.search, "su")
    assert window.model.line_at(window.table.currentIndex().row()).name == "Sugar"


def test_a_blind_stocktake_hides_expected_and_variance(qtbot, data_file, kitchen):
    services.abandon_stocktake(kitchen["stocktake"])
    services.start_stocktake("Blind", blind=True)
    opened = StocktakeWindow()
    qtbot.addWidget(opened)
    assert opened.table.isColumnHidden(columns.EXPECTED)
    assert opened.table.isColumnHidden(columns.VARIANCE)


def test_counts_saved_by_another_program_appear(qtbot, window, kitchen):
    services.record_count(kitchen["stocktake"], kitchen["RI"], kitchen["dry"], "9",
                          user="tablet")  # as another process would; the watcher polls
    window.watcher.check() or window.reload_lines()
    qtbot.waitUntil(lambda: window.model.line_at(1).state == "counted", timeout=3000)
    assert window.model.line_at(1).counted_by == ("tablet",)


def test_the_review_puts_a_variance_down_to_a_reason_with_one_key_and_commits(
        qtbot, data_file, kitchen):
    stocktake = kitchen["stocktake"]
    services.record_count(stocktake, kitchen["FL"], kitchen["dry"], "20")
    services.record_count(stocktake, kitchen["RI"], kitchen["dry"], "10")
    dialog = ReviewDialog(None, stocktake, lambda: "chef")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 1  # only Flour has a variance
    dialog.table.setFocus()
    dialog.table.setCurrentCell(0, 0)
    qtbot.keyClick(dialog.table, Qt.Key.Key_3)  # 3: spoilage
    assert dialog.table.item(0, REASONS_COLUMN).text() == "Spoilage 5 kg"
    _guard = never_hang()
    seen: list[str] = []
    when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), seen)
    qtbot.mouseClick(dialog.commit_button, Qt.MouseButton.LeftButton)
    assert "Post 1 adjustment(s) to 1 item(s)?" in seen[0]
    assert "2 item(s) not counted stay as they are" in seen[0]
    assert dialog.committed is not None
    assert services.get_item(kitchen["FL"]).quantity == 20
    (movement,) = services.list_movements(reason="spoilage")
    assert (movement.quantity_change, movement.created_by) == (-5, "chef")
    assert services.get_stocktake(stocktake).state == "committed"


def test_the_review_refuses_to_commit_while_counts_conflict(qtbot, data_file, kitchen):
    stocktake = kitchen["stocktake"]
    services.record_count(stocktake, kitchen["FL"], kitchen["dry"], "20", user="ana")
    services.record_count(stocktake, kitchen["FL"], kitchen["dry"], "21", user="ben")
    dialog = ReviewDialog(None, stocktake, lambda: None)
    qtbot.addWidget(dialog)
    assert not dialog.commit_button.isEnabled()
    assert "Settle first:" in dialog.conflicts.text() and "Flour" in dialog.conflicts.text()
