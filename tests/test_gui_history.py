"""Movement history: lazy paging, filters, what the table shows, and the stock chart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from gui_helpers import close_modal, when_modal
from PySide6.QtCore import QModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from inventory_desktop import services
from inventory_desktop.errors import DatabaseBusyError
from inventory_desktop.ui.history import movement_model
from inventory_desktop.ui.history.history_window import HistoryWindow
from inventory_desktop.ui.history.movement_model import (
    ITEM_COLUMN,
    REFERENCE_COLUMN,
    MovementFilter,
    MovementTableModel,
)
from inventory_desktop.ui.history.stock_chart import StockChart, StockSeries, read_series

pytestmark = pytest.mark.gui


@pytest.fixture
def kitchen(data_file):
    """Flour with 25 receipts and a deduction, milk with one receipt."""
    flour = services.create_item("Flour", "kg", "FL-1", "5", 0)
    milk = services.create_item("Milk", "L", "MI-1", None, 0)
    for n in range(25):
        services.add_stock(flour.id, n + 1, "purchase", notes=f"delivery {n}")
    services.deduct_stock(flour.id, "0.5", "waste", reference="WASTE-7")
    services.add_stock(milk.id, 3, "transfer")
    return flour, milk


def shown(view_model, row: int) -> list[str]:
    return [view_model.index(row, c).data() for c in range(view_model.columnCount())]


def test_model_passes_the_qt_model_tester(qtmodeltester, kitchen):
    model = MovementTableModel(page_size=10)
    model.set_filter(MovementFilter())
    qtmodeltester.check(model)
    model.fetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_model_loads_one_page_until_asked_for_more(kitchen):
    model = MovementTableModel(page_size=10)
    model.set_filter(MovementFilter())
    assert model.rowCount() == 10 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 20
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 27 and not model.canFetchMore(QModelIndex())
    ids = [model.movement(r).id for r in range(model.rowCount())]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 27


def test_model_never_counts_the_ledger(kitchen, monkeypatch):
    def refuse(**_filters):
        raise AssertionError("opening history must not count movements")
    monkeypatch.setattr(services, "count_movements", refuse)
    model = MovementTableModel(page_size=10)
    model.set_filter(MovementFilter())
    assert model.rowCount() == 10


def test_window_shows_newest_first_with_unit_sign_and_reference(qtbot, kitchen):
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    window.show()
    newest, waste = shown(window.table.model(), 0), shown(window.table.model(), 1)
    assert newest[1:6] == ["Milk (MI-1)", "In", "Transfer", "+3 L", "3 L"]
    assert newest[7] == services.operator_name()
    assert waste[1:6] == ["Flour (FL-1)", "Out", "Waste", "-0.5 kg", "324.5 kg"]
    assert waste[6] == "WASTE-7"
    assert window.model.index(1, 4).data(Qt.ItemDataRole.ForegroundRole) == QColor("#a93226")
    assert window.status.text() == "27 movements."
    assert window.chart.isHidden()


def test_window_loads_lazily_and_fetches_more_when_scrolled(qtbot, kitchen, monkeypatch):
    monkeypatch.setattr(movement_model, "PAGE_SIZE", 10)
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 10
    assert window.status.text() == "Newest 10 movements shown; scroll down for older ones."
    window.resize(900, 300)
    window.show()
    for _ in range(3):
        window.table.scrollToBottom()
        qtbot.wait(10)
    qtbot.waitUntil(lambda: window.model.complete)
    assert window.model.rowCount() == 27
    assert window.status.text() == "27 movements."


def test_type_and_reason_filters_narrow_the_rows(qtbot, kitchen):
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    window.type_filter.setCurrentIndex(window.type_filter.findData("out"))
    assert window.model.rowCount() == 1
    assert shown(window.model, 0)[3] == "Waste"
    window.type_filter.setCurrentIndex(0)
    window.reason_filter.setCurrentIndex(window.reason_filter.findData("transfer"))
    assert [shown(window.model, r)[1] for r in range(window.model.rowCount())] == [
        "Milk (MI-1)"]


def test_item_filter_by_sku_or_name_shows_that_items_chart(qtbot, kitchen):
    flour, _milk = kitchen
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    qtbot.keyClicks(window.item_filter, "milk")
    qtbot.keyClick(window.item_filter, Qt.Key.Key_Return)
    assert [shown(window.model, r)[4] for r in range(window.model.rowCount())] == ["+3 L"]
    window.item_filter.clear()
    qtbot.keyClicks(window.item_filter, "fl-1")
    qtbot.keyClick(window.item_filter, Qt.Key.Key_Return)
    assert window.model.rowCount() == 26
    assert {shown(window.model, r)[1] for r in range(26)} == {"Flour (FL-1)"}
    assert not window.chart.isHidden()
    qtbot.waitUntil(lambda: window.chart.series is not None)
    assert window.chart.series.item_name == "Flour"
    window.item_filter.clear()
    assert window.model.rowCount() == 27 and window.chart.isHidden()


def test_an_unknown_item_or_bad_date_is_said_plainly(qtbot, kitchen):
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    qtbot.keyClicks(window.item_filter, "caviar")
    qtbot.keyClick(window.item_filter, Qt.Key.Key_Return)
    assert window.status.text() == "No item matches 'caviar'."
    window.item_filter.clear()
    qtbot.keyClicks(window.since_filter, "yesterday")
    qtbot.keyClick(window.since_filter, Qt.Key.Key_Return)
    assert "is not a date" in window.status.text()
    assert window.model.rowCount() == 27


def test_date_range_narrows_the_rows(qtbot, kitchen):
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    qtbot.keyClicks(window.since_filter, tomorrow)
    qtbot.keyClick(window.since_filter, Qt.Key.Key_Return)
    assert window.model.rowCount() == 0 and window.status.text() == "0 movements."
    window.since_filter.clear()
    qtbot.keyClicks(window.until_filter, dt.date.today().isoformat())
    qtbot.keyClick(window.until_filter, Qt.Key.Key_Return)
    assert window.model.rowCount() == 27


def test_one_item_window_shows_its_ledger_and_refreshes_after_a_write(qtbot, kitchen):
    flour, _milk = kitchen
    window = HistoryWindow(None, flour.id)
    qtbot.addWidget(window)
    assert window.windowTitle() == "History — Flour"
    assert window.item_filter.isHidden() and not window.chart.isHidden()
    assert window.model.rowCount() == 26
    services.deduct_stock(flour.id, 4, "order_usage")
    window.refresh()
    assert window.model.rowCount() == 27
    assert shown(window.model, 0)[4:6] == ["-4 kg", "320.5 kg"]
    qtbot.waitUntil(lambda: window.chart.series is not None)
    assert window.chart.series.points[-1][1] == Decimal("320.5")


def test_chart_reads_balances_oldest_first_and_draws_the_threshold(qtbot, kitchen):
    flour, _milk = kitchen
    series = read_series(flour.id)
    assert [b for _, b in series.points[:3]] == [Decimal(1), Decimal(3), Decimal(6)]
    assert series.points[-1][1] == Decimal("324.5")
    assert series.threshold == Decimal(5) and not series.truncated
    chart = StockChart()
    qtbot.addWidget(chart)
    chart.resize(600, 240)
    chart.set_series(series)
    image = chart.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    colours = {image.pixelColor(x, y).name() for x in range(0, 600, 2) for y in range(0, 240, 2)}
    assert "#1f618d" in colours  # the stock line
    assert "#c0392b" in colours  # the threshold line


def test_chart_of_an_item_without_movements_says_so(qtbot, data_file):
    item = services.create_item("Salt", "kg")
    chart = StockChart()
    qtbot.addWidget(chart)
    chart.set_series(read_series(item.id))
    chart.resize(300, 200)
    chart.grab()
    assert chart.series.points == ()


def test_a_busy_file_while_scrolling_is_said_plainly_and_f5_recovers(qtbot, kitchen, monkeypatch):
    monkeypatch.setattr(movement_model, "PAGE_SIZE", 10)
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    reading = services.list_movements

    def busy(**_filters):
        raise DatabaseBusyError("The data file is busy; try again in a moment.")

    monkeypatch.setattr(services, "list_movements", busy)
    window.model.fetchMore(QModelIndex())
    assert window.model.rowCount() == 10 and not window.model.canFetchMore(QModelIndex())
    assert window.status.text() == ("Could not read the movements: The data file is busy; "
                                    "try again in a moment. Press F5 to try again.")
    monkeypatch.setattr(services, "list_movements", reading)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_F5)
    assert window.status.text().startswith("Newest 10 movements shown")
    qtbot.waitUntil(lambda: window.model.complete)
    assert window.model.rowCount() == 27 and window.status.text() == "27 movements."


def test_movements_recorded_meanwhile_appear_on_top_while_shown(qtbot, kitchen):
    flour, milk = kitchen
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    window.type_filter.setCurrentIndex(window.type_filter.findData("in"))
    window.show()
    qtbot.waitUntil(lambda: window.model.complete)
    assert window.model.rowCount() == 26
    services.deduct_stock(milk.id, 1, "order_usage")  # filtered out: not shown
    services.add_stock(flour.id, "0.25", "purchase", notes="late delivery")
    qtbot.waitUntil(lambda: window.model.rowCount() == 27, timeout=3000)
    assert shown(window.model, 0)[4] == "+0.25 kg" and shown(window.model, 0)[8] == (
        "late delivery")
    assert window.status.text() == "27 movements."


def test_more_than_a_page_recorded_meanwhile_starts_again_from_the_newest(
        qtmodeltester, kitchen):
    flour, _milk = kitchen
    model = MovementTableModel(page_size=5)
    model.set_filter(MovementFilter(item_id=flour.id))
    for _ in range(6):
        services.add_stock(flour.id, 1, "purchase")
    assert model.load_newer() == 5
    assert model.rowCount() == 5 and model.movement(0).balance_after == Decimal("330.5")
    services.add_stock(flour.id, 1, "purchase")
    assert model.load_newer() == 1 and model.rowCount() == 6
    assert model.load_newer() == 0
    qt_ids = [model.movement(r).id for r in range(6)]
    assert qt_ids == sorted(qt_ids, reverse=True)
    qtmodeltester.check(model)


def test_rows_put_on_top_keep_the_model_consistent(qtmodeltester, kitchen):
    flour, _milk = kitchen
    model = MovementTableModel(page_size=50)
    model.set_filter(MovementFilter())
    qtmodeltester.check(model)  # stays attached and checks the insert below
    services.add_stock(flour.id, 2, "purchase")
    assert model.load_newer() == 1
    assert model.rowCount() == 28 and model.index(0, 4).data() == "+2 kg"


def test_a_first_matching_movement_appears_in_a_list_that_was_empty(kitchen):
    flour, _milk = kitchen
    model = MovementTableModel()
    model.set_filter(MovementFilter(reason="theft"))
    assert model.rowCount() == 0
    assert model.load_newer() == 0
    services.deduct_stock(flour.id, 1, "theft")
    assert model.load_newer() == 1 and model.index(0, 3).data() == "Theft"


def test_a_window_for_an_item_that_is_gone_says_so(qtbot, data_file):
    window = HistoryWindow(None, 999)
    qtbot.addWidget(window)
    assert window.status.text() == "There is no item with id 999."
    services.create_item("Salt", "kg", None, None, 1)
    window.look_for_new_movements()
    assert window.model.rowCount() == 0


def test_keyboard_ctrl_f_focuses_the_item_filter_and_ctrl_w_closes(qtbot, kitchen):
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.item_filter.hasFocus()
    qtbot.keyClick(window.item_filter, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_enter_on_a_movement_narrows_the_history_to_its_item(qtbot, kitchen):
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    window.show()
    window.table.setFocus()
    window.table.setCurrentIndex(window.model.index(0, 0))  # milk's receipt
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert window.item_filter.text() == "MI-1"
    assert [shown(window.model, r)[1] for r in range(window.model.rowCount())] == [
        "Milk (MI-1)"]
    qtbot.waitUntil(lambda: window.chart.series is not None)
    assert window.chart.series.item_name == "Milk"


def test_painting_history_and_audit_asks_every_role_in_one_multidata_call(qtbot, kitchen):
    import sys

    from PySide6.QtWidgets import QTableView

    from inventory_desktop.ui.audit.audit_model import AuditTableModel

    callers: list[str] = []

    class Spy:
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            # Qt calling data() itself shows up as a caller outside multiData.
            callers.append(sys._getframe(1).f_code.co_name)
            return super().data(index, role)

    class SpyMovements(Spy, MovementTableModel):
        pass

    class SpyAudit(Spy, AuditTableModel):
        pass

    movements, audit = SpyMovements(), SpyAudit()
    movements.set_filter(MovementFilter())
    audit.set_scope(None)
    for model in (movements, audit):
        view = QTableView()
        qtbot.addWidget(view)
        view.setModel(model)
        view.resize(900, 400)
        view.grab()
    assert len(callers) > 100  # every painted cell of both tables
    assert set(callers) == {"multiData"}
    assert movements.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) is None


def _series(points: list[tuple[int, str]], threshold: str) -> StockSeries:
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    moments = [(start + dt.timedelta(hours=hours), Decimal(balance)) for hours, balance in points]
    return StockSeries("Flour", "kg", tuple(moments), Decimal(threshold), False,
                       moments[-1][0] + dt.timedelta(hours=2))


@pytest.mark.parametrize(("points", "threshold"), [
    # A grid line just above the threshold, and the stock line just above it at the right,
    # where the label used to be drawn: both crossed it.
    ([(0, "19"), (10, "16"), (20, "14.5")], "14"),
    # The threshold on a grid line, the stock line on it too.
    ([(0, "19"), (10, "10"), (20, "10")], "10"),
    # The stock line hugging the threshold everywhere below it.
    ([(0, "4.9"), (10, "4.8"), (20, "4.9")], "5"),
])
def test_the_threshold_label_keeps_clear_of_grid_and_stock_line(qtbot, points, threshold):
    chart = StockChart()
    qtbot.addWidget(chart)
    chart.resize(640, 220)
    chart.set_series(_series(points, threshold))
    chart.grab()
    plot = chart.last_plot
    label = plot.label_rect
    assert label is not None and plot.area.contains(label)
    assert not any(label.top() <= y <= label.bottom() for y in plot.grid_ys())
    for start, end in plot.segments():
        segment = QRectF(start, end).normalized().adjusted(-1, -1, 1, 1)
        assert not segment.intersects(label), (start, end, label)


def _flours(data_file):
    with_sku = services.create_item("Flour", "kg", "FL-01", None, "5")
    without = services.create_item("Flour", "kg", None, None, "3")
    services.add_stock(without.id, "1", reference="INV-1042")
    return with_sku, without


def test_two_items_of_one_name_are_offered_to_choose_from(qtbot, data_file):
    with_sku, without = _flours(data_file)
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClicks(window.item_filter, "Flour")
    qtbot.keyClick(window.item_filter, Qt.Key.Key_Return)
    assert window.status.text() == "2 items are called 'Flour': choose one from the list."
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    popup = QApplication.activePopupWidget()
    offered = [popup.model().index(row, 0).data() for row in range(popup.model().rowCount())]
    assert offered == ["Flour (FL-01)", f"Flour (#{without.id})"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.filter.item_id == without.id)
    assert window.item_filter.text() == f"Flour (#{without.id})"
    assert {window.model.movement(row).item_id for row in range(window.model.rowCount())} == {
        without.id}


def test_reference_is_in_view_whole_at_the_default_size(qtbot, data_file):
    _flours(data_file)
    for item_id in (None, services.list_items()[1].id):
        window = HistoryWindow(None, item_id)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        table = window.table
        row = next(r for r in range(window.model.rowCount())
                   if window.model.index(r, REFERENCE_COLUMN).data() == "INV-1042")
        cell = table.visualRect(window.model.index(row, REFERENCE_COLUMN))
        assert table.viewport().rect().contains(cell), cell
        assert cell.width() > table.fontMetrics().horizontalAdvance("delivery: DN-2041") + 8


def test_one_item_s_history_has_no_item_column(qtbot, data_file):
    with_sku, _ = _flours(data_file)
    window = HistoryWindow(None, with_sku.id)
    qtbot.addWidget(window)
    assert window.table.isColumnHidden(ITEM_COLUMN)
    everyone = HistoryWindow(None, None)
    qtbot.addWidget(everyone)
    assert not everyone.table.isColumnHidden(ITEM_COLUMN)


def test_a_from_date_after_the_to_date_is_said(qtbot, kitchen):
    window = HistoryWindow(None, None)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.since_filter, "2026-11-30")
    qtbot.keyClicks(window.until_filter, "2026-11-01")
    window.refresh()
    assert window.status.text() == (
        "The From date (2026-11-30) is after the To date (2026-11-01), so no movement can "
        "match: swap them, or clear one.")
    assert "c0392b" in window.since_filter.styleSheet()
    assert "c0392b" in window.until_filter.styleSheet()


def test_undo_a_movement_from_history_records_its_reversal(qtbot, kitchen, data_file):
    flour, _milk = kitchen
    window = HistoryWindow(None, flour.id)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    waste = window.model.movement(0)
    assert waste.reason == "waste"
    window.table.selectRow(0)
    seen: list[str] = []

    def why(dialog) -> None:
        qtbot.keyClicks(dialog.notes, "counted wrong")
        qtbot.keyClick(dialog.notes, Qt.Key.Key_Return)

    when_modal(why, seen)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert seen == [f"Undo movement {waste.id}"]
    reversal = services.list_movements(item_id=flour.id, limit=1)[0]
    assert (reversal.quantity_change, reversal.reference_type, reversal.reference_id,
            reversal.reason, reversal.notes) == (
        Decimal("0.5"), "reversal", str(waste.id), "correction", "counted wrong")
    assert window.status.text() == f"Movement {waste.id} was undone by movement {reversal.id}."
    qtbot.waitUntil(lambda: window.model.movement(0).id == reversal.id)
    window.table.clearSelection()  # the waste row moved down to row 1, still selected
    window.table.selectRow(1)
    assert window.model.movement(1).id == waste.id
    again: list[str] = []
    when_modal(lambda dialog: (when_modal(close_modal, again), dialog.accept()))
    window.undo_selected()  # once only: the second time is refused, with the reason
    assert "already reversed" in again[0]
