"""The Reports and Order list windows, driven by pytest-qt: periods, figures, charts, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from gui_helpers import isolate_settings, open_main_window
from PySide6.QtCore import QDate, Qt
from report_kitchen import FORMULA_NAME, costed_kitchen

from inventory_desktop import services
from inventory_desktop.services import report_files, report_periods, reports
from inventory_desktop.services.report_document import figure_text
from inventory_desktop.ui.reports import report_exports
from inventory_desktop.ui.reports.order_model import ORDER_COLUMN
from inventory_desktop.ui.reports.order_window import OrderListWindow
from inventory_desktop.ui.reports.period_picker import CUSTOM, PeriodPicker
from inventory_desktop.ui.reports.report_table_model import ReportTableModel
from inventory_desktop.ui.reports.reports_window import ReportsWindow
from inventory_desktop.ui.shell.keys_dialog import keys_text

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def kitchen(data_file):
    services.set_currency_symbol("€")
    return costed_kitchen()


@pytest.fixture
def window(qtbot, kitchen):
    shown = ReportsWindow()
    qtbot.addWidget(shown)
    with qtbot.waitSignals([shown.reports_shown, shown.reports_shown], timeout=10_000):
        shown.show()
    return shown


def _show_period(qtbot, window: ReportsWindow, first: dt.date, last: dt.date) -> None:
    with qtbot.waitSignal(window.reports_shown, timeout=10_000,
                          check_params_cb=lambda kind: kind == "period"):
        window.picker.first.setDate(QDate(first))
        window.picker.last.setDate(QDate(last))


def _save_to(monkeypatch, path: Path | None) -> list[str]:
    asked: list[str] = []

    def ask(_parent, title, suggested, _kinds):
        asked.append(f"{title}: {suggested}")
        return path
    monkeypatch.setattr(report_exports, "ask_save_path", ask)
    return asked


def _refusals(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(report_exports, "show_refusal",
                        lambda _parent, title, text: said.append(f"{title}: {text}"))
    return said


@pytest.mark.parametrize(("preset", "today", "first", "last"), [
    ("this_week", dt.date(2026, 11, 18), dt.date(2026, 11, 16), dt.date(2026, 11, 18)),
    ("last_week", dt.date(2026, 11, 18), dt.date(2026, 11, 9), dt.date(2026, 11, 15)),
    ("this_month", dt.date(2026, 11, 18), dt.date(2026, 11, 1), dt.date(2026, 11, 18)),
    ("last_month", dt.date(2026, 11, 18), dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ("last_month", dt.date(2027, 1, 5), dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ("last_week", dt.date(2026, 11, 16), dt.date(2026, 11, 9), dt.date(2026, 11, 15)),
])
def test_presets_set_the_period(qtbot, preset, today, first, last):
    picker = PeriodPicker(today=lambda: today)
    qtbot.addWidget(picker)
    with qtbot.waitSignal(picker.changed):
        picker.choose(preset)
    assert picker.days() == (first, last)
    assert (picker.first.date().toPython(), picker.last.date().toPython()) == (first, last)


def test_editing_a_date_makes_the_period_custom(qtbot):
    picker = PeriodPicker(today=lambda: dt.date(2026, 11, 18))
    qtbot.addWidget(picker)
    with qtbot.waitSignal(picker.changed):
        picker.first.setDate(QDate(2026, 11, 3))
    assert picker.preset.currentData() == CUSTOM
    assert picker.days() == (dt.date(2026, 11, 3), dt.date(2026, 11, 18))
    assert picker.label() == "3 Nov 2026 – 18 Nov 2026"


def test_a_bad_sales_figure_is_marked_and_not_used(qtbot):
    picker = PeriodPicker()
    qtbot.addWidget(picker)
    picker.sales.setText("-12")
    assert picker.sales_figure() is None
    assert "cannot be negative" in picker.sales.toolTip()
    assert picker.sales.styleSheet()
    picker.sales.setText("1,200")
    assert picker.sales_figure() is None
    picker.sales.setText("1200.50")
    assert picker.sales_figure() == Decimal("1200.50")
    assert not picker.sales.styleSheet()


def test_the_window_shows_the_services_figures(qtbot, window, kitchen):
    today = dt.date.today()
    _show_period(qtbot, window, today - dt.timedelta(days=6), today)
    with qtbot.waitSignal(window.reports_shown, timeout=10_000):
        window.picker.sales.setText("200")
        window.picker.sales.editingFinished.emit()
    start, end = report_periods.period_bounds(today - dt.timedelta(days=6), today)
    expected = reports.period_reports(start, end, "x", sales=Decimal(200))
    page = window.pages["period"]
    for figure in expected["period"].figures:
        assert page.figure_text(figure.key) == figure_text(figure, "€"), figure.key
    assert page.figure_text("cost_of_goods_used") == "€42.38"
    assert page.figure_text("food_cost_percent") == "21.2 %"
    assert page.figure_text("waste_percent") == "6.0 %"
    assert "1 item's value is not known" in page.notes.text()
    usage = window.pages["usage"]
    assert usage.figure_text("order_usage") == "€39.82"
    assert usage.figure_text("total") == "€42.38"
    assert window.pages["waste"].figure_text("waste") == "€2.56"
    low = window.pages["low_stock"].report.main_table
    assert [row[0] for row in low.rows] == ["Butter", FORMULA_NAME]


def test_tables_show_the_report_rows_and_unknown_values_in_words(qtbot, window):
    table = window.pages["valuation"].table_views[0]
    model = table.model()
    texts = {model.text(row, 0): [model.text(row, c) for c in range(model.columnCount())]
             for row in range(model.rowCount())}
    assert texts["Flour"] == ["Flour", "FL-55", "No area", "35", "kg", "€0.852", "€29.82"]
    assert texts[FORMULA_NAME][-1] == "value not known"
    assert texts["Total"][-1] == "€37.22"
    assert window.pages["valuation"].figure_text("total") == "€37.22"
    table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
    assert [model.text(row, 0) for row in range(model.rowCount())] == [
        "Flour", "Butter", FORMULA_NAME, "Total"]  # unknown last, the total stays at the bottom


def test_valuation_at_a_past_moment(qtbot, window, kitchen):
    local = kitchen.middle.astimezone()
    with qtbot.waitSignal(window.reports_shown, timeout=10_000):
        window.at.setDateTime(local.replace(second=0, microsecond=0, tzinfo=None))
        window.at_past.setChecked(True)
    moment = window.valuation_moment()
    assert moment is not None
    expected = reports.valuation_document(moment)
    assert window.pages["valuation"].report.main_table.rows == expected.main_table.rows


def test_charts_get_the_report_data(qtbot, window):
    today = dt.date.today()
    _show_period(qtbot, window, today - dt.timedelta(days=13), today)
    values, variances = window.pages["period"].charts
    assert values.shown.kind == "line" and len(values.shown.labels) == 14
    assert values.shown.series[0][1][-1] == Decimal("37.22")  # today's closing value
    assert values.chart().series()  # QtCharts got a series to draw
    assert not variances.shown.has_data  # no stocktake: the chart says so
    assert "No stocktake variance" in variances.chart().title()
    weekly = window.pages["usage"].charts[0]
    assert weekly.shown.kind == "stacked"
    assert {name for name, _values in weekly.shown.series} == {"Order usage", "Waste"}
    assert len(weekly.chart().series()[0].barSets()) == 2


def test_export_csv_writes_what_is_shown(qtbot, window, monkeypatch, tmp_path):
    target = tmp_path / "usage.csv"
    asked = _save_to(monkeypatch, target)
    window.tabs.setCurrentWidget(window.pages["usage"])
    window.export_csv.trigger()
    shown = window.pages["usage"].report
    assert asked and asked[0].startswith("Usage as CSV: usage-this-month")
    assert target.read_bytes().decode("utf-8-sig") == report_files.table_csv(shown.main_table)
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert rows[-1] == {"item": "Total", "sku": "", "reason": "", "quantity": "", "unit": "",
                        "value": "42.38"}
    assert f"Wrote {target}." in window.statusBar().currentMessage()


def test_export_pdf_has_pages(qtbot, window, monkeypatch, tmp_path):
    target = tmp_path / "period.pdf"
    _save_to(monkeypatch, target)
    window.tabs.setCurrentWidget(window.pages["period"])
    window.export_pdf.trigger()
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", data)) >= 1


def test_a_cancelled_or_failed_export_leaves_no_file(qtbot, window, monkeypatch, tmp_path):
    _save_to(monkeypatch, None)
    said = _refusals(monkeypatch)
    window.export_csv.trigger()
    window.export_pdf.trigger()
    assert list(tmp_path.glob("*.csv")) == list(tmp_path.glob("*.pdf")) == [] and said == []
    folder = tmp_path / "gone"
    for action, name in ((window.export_csv, "v.csv"), (window.export_pdf, "v.pdf")):
        _save_to(monkeypatch, folder / name)
        action.trigger()
    assert len(said) == 2 and all("could not be written" in text for text in said)
    assert not folder.exists()


def test_a_report_with_nothing_in_it_says_so(qtbot, data_file):
    shown = ReportsWindow()
    qtbot.addWidget(shown)
    with qtbot.waitSignals([shown.reports_shown, shown.reports_shown], timeout=10_000):
        shown.show()
    low = shown.pages["low_stock"]
    assert low.tables.tabText(0) == "Items at or below their threshold (none)"
    assert low.tables.widget(0).text() == "No item is at or below its low-stock threshold."
    assert shown.pages["valuation"].figure_text("total") == "0.00"
    assert "Nothing to draw" in shown.pages["usage"].charts[0].chart().title()


def test_table_model_passes_the_qt_model_tester(qtmodeltester, kitchen):
    table = reports.valuation_document().main_table
    qtmodeltester.check(ReportTableModel(table, "€"))


def test_order_list_groups_by_supplier_and_edits_quantities(qtbot, kitchen, monkeypatch,
                                                            tmp_path, qtmodeltester):
    orders = OrderListWindow()
    qtbot.addWidget(orders)
    orders.show()
    assert orders.model.suppliers() == ["Dairy Direct", "No supplier"]
    assert "€51.80" in orders.total.text()
    orders.below_par.setChecked(True)
    assert orders.model.suppliers() == ["Dairy Direct", "Metro", "No supplier"]
    assert "€74.30" in orders.total.text()
    qtmodeltester.check(orders.model)
    metro = orders.model.index(1, 0)
    flour = orders.model.index(0, ORDER_COLUMN, metro)
    assert flour.data() == "25"
    assert orders.model.setData(flour, "50")  # two sacks, not one
    assert flour.siblingAtColumn(8).data() == "€45.00"
    assert orders.model.index(1, 8).data() == "€45.00"  # Metro's total followed
    assert "€96.80" in orders.total.text()
    assert not orders.model.setData(flour, "-3")
    assert "quantity to order" in orders.statusBar().currentMessage()
    assert flour.data() == "50"
    target = tmp_path / "order.csv"
    _save_to(monkeypatch, target)
    orders.export_csv.trigger()
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert [(r["supplier"], r["item"], r["quantity"], r["estimated_cost"]) for r in rows] == [
        ("Dairy Direct", "Butter", "7", "51.80"), ("Metro", "Flour", "50", "45.00"),
        ("No supplier", "'" + FORMULA_NAME, "0", "value not known")]


def test_order_list_for_one_supplier_prints_its_pages(qtbot, kitchen, monkeypatch, tmp_path):
    orders = OrderListWindow()
    qtbot.addWidget(orders)
    orders.below_par.setChecked(True)
    orders.supplier.setCurrentIndex(orders.supplier.findText("Metro"))
    assert orders.model.suppliers() == ["Metro"]
    target = tmp_path / "metro.pdf"
    _save_to(monkeypatch, target)
    orders.export_pdf.trigger()
    assert len(re.findall(rb"/Type\s*/Page\b", target.read_bytes())) == 1


def test_the_main_window_opens_reports_from_its_menu(qtbot, kitchen):
    main = open_main_window(qtbot)
    titles = [action.text() for action in main.menuBar().actions()]
    assert titles.index("&Reports") == titles.index("&View") - 1
    reports_action = next(a for a in main.actions() if a.text() == "&Reports…")
    assert reports_action.shortcut().toString() == "Ctrl+Shift+V"
    assert "Ctrl+Shift+V</b>&nbsp;&nbsp;</td><td>Reports" in keys_text(main)
    taken = [a.shortcut().toString() for a in main.actions() if not a.shortcut().isEmpty()]
    assert len(taken) == len(set(taken))  # no shortcut does two things
    reports_action.trigger()
    opened = [w for w in main.findChildren(ReportsWindow) if w.isVisible()]
    assert len(opened) == 1
    qtbot.waitUntil(lambda: not opened[0].loader.busy, timeout=10_000)
    reports_action.trigger()  # raised again, not a second window
    assert len([w for w in main.findChildren(ReportsWindow) if w.isVisible()]) == 1
    next(a for a in main.actions() if a.text() == "&Order list…").trigger()
    assert [w for w in main.findChildren(OrderListWindow) if w.isVisible()]
