"""The review shows the stocktake's variance in money; the count window says what was posted."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import raw
from gui_helpers import isolate_settings, never_hang, when_modal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from inventory_desktop import services
from inventory_desktop.ui.stocktake.count_window import StocktakeWindow
from inventory_desktop.ui.stocktake.review_dialog import (
    BY_SHARE,
    VALUE_COLUMN,
    ReviewDialog,
)

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def counted(data_file: Path) -> int:
    """Flour 5 kg short (at 0.82), rice 2 kg over (at 1.15), sugar of unknown value 1 kg short."""
    services.set_currency_symbol("€")
    items = {sku: services.create_item(name, "kg", sku, None, quantity, unit_cost=cost).id
             for sku, name, quantity, cost in (("FL", "Flour", "25", "0.82"),
                                               ("RI", "Rice", "10", "1.15"),
                                               ("SU", "Sugar", "8", None))}
    stocktake = services.start_stocktake("Monthly").id
    for sku, quantity in (("FL", "20"), ("RI", "12"), ("SU", "7")):
        services.record_count(stocktake, items[sku], None, quantity, user="ana")
    return stocktake


def _shown(dialog: ReviewDialog) -> list[tuple[str, str, str]]:
    return [(dialog.table.item(row, 0).text(), dialog.table.item(row, 3).text(),
             dialog.table.item(row, VALUE_COLUMN).text())
            for row in range(dialog.table.rowCount())]


def test_the_review_shows_each_variance_and_the_total_in_money(qtbot, counted):
    dialog = ReviewDialog(None, counted, lambda: "chef")
    qtbot.addWidget(dialog)
    dialog.show()
    # Ranked by value: the largest loss first, a value not known last.
    assert _shown(dialog) == [("Flour", "-5 kg", "-€4.10"), ("Rice", "+2 kg", "+€2.30"),
                              ("Sugar", "-1 kg", "not known")]
    money = dialog.money.text()
    assert "Variance in money: -€1.80" in money and "lost €4.10, found €2.30" in money
    assert "The value of 1 item(s) is not known" in money and "Sugar" in money
    assert [(bar.label, bar.figure) for bar in dialog.chart.bars] == [
        ("Flour: -5 kg", "-€4.10"), ("Rice: +2 kg", "+€2.30")]
    dialog.rank_by.setCurrentIndex(dialog.rank_by.findData(BY_SHARE))
    assert [bar.label for bar in dialog.chart.bars] == [
        "Flour: -5 kg", "Rice: +2 kg", "Sugar: -1 kg"]  # -20 %, +20 %, -12.5 %
    assert [bar.figure for bar in dialog.chart.bars] == ["", "", ""]  # shares, in %


def test_counting_the_uncounted_as_zero_changes_the_money_too(qtbot, data_file, counted):
    services.set_currency_symbol("€")
    oil = services.create_item("Oil", "l", "OI", None, "4", unit_cost="2.50").id
    services.add_stock(oil, "1", unit_cost="2.50")  # in scope: every active item
    dialog = ReviewDialog(None, counted, lambda: None)
    qtbot.addWidget(dialog)
    assert "Variance in money: -€1.80" in dialog.money.text()
    dialog.as_zero.setChecked(True)
    # Oil, not counted, taken as zero: 5 l at 2.50 lost as well.
    assert "Variance in money: -€14.30" in dialog.money.text()
    assert "lost €16.60" in dialog.money.text()


def test_the_commit_says_what_it_is_worth_and_the_window_what_was_posted(
        qtbot, data_file, counted):
    window = StocktakeWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    _guard = never_hang()
    seen: list[str] = []

    def commit(dialog) -> None:
        assert isinstance(dialog, ReviewDialog)
        when_modal(lambda box: box.button(QMessageBox.StandardButton.Yes).click(), seen)
        qtbot.mouseClick(dialog.commit_button, Qt.MouseButton.LeftButton)

    when_modal(commit)
    window.review()
    assert "Post 3 adjustment(s) to 3 item(s)?" in seen[0]
    assert ("Worth -€1.80 at the average cost now; the value of 1 item(s) is not known."
            in seen[0])
    values = raw(data_file).execute(
        "SELECT value_change FROM stock_movement WHERE reference_type = 'stocktake' "
        "ORDER BY id").fetchall()
    assert sorted(values, key=repr) == sorted([(-41000,), (23000,), (None,)], key=repr)
    assert window.message.text() == (
        f"Stocktake {counted} committed: 3 adjustment(s) posted, -€1.80 in value "
        "(1 of them of a value not known).")
