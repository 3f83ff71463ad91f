"""The reports as documents and CSV files: every figure as worked out by hand, cell by cell."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from report_kitchen import EXPECTED, FORMULA_NAME, costed_kitchen

from inventory_desktop import services
from inventory_desktop.errors import DataFileError
from inventory_desktop.services import report_files, reports
from inventory_desktop.services.report_document import (
    MONEY,
    Column,
    Table,
    cell_text,
    money_exact,
)


@pytest.fixture
def kitchen(data_file):
    return costed_kitchen()


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a spreadsheet then reads it as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _period(kitchen, **kwargs):
    return reports.period_reports(kitchen.middle, kitchen.later, "test", **kwargs)


def test_period_report_figures_are_the_hand_worked_ones(kitchen):
    report = _period(kitchen, sales=Decimal("200"))["period"]
    figures = {figure.key: figure.value for figure in report.figures}
    for key, value in EXPECTED.items():
        assert figures[key] == value, key
    assert figures["food_cost_percent"] == Decimal("21.2")  # 42.38 of 200
    assert figures["waste_percent"] == Decimal("6.0")  # 2.556 of 42.38
    assert report.notes == ["1 item's value is not known (stock from before costs were kept) "
                            "and is left out of the value totals."]


def test_period_csv_cell_by_cell(kitchen, tmp_path):
    target = tmp_path / "period.csv"
    assert report_files.write_report_csv(_period(kitchen)["period"], target) == 4
    rows = _csv(target)
    assert list(rows[0]) == [
        "item", "sku", "unit", "opening_quantity", "opening_value", "received_quantity",
        "received_value", "order_usage", "waste", "revaluation", "closing_quantity",
        "closing_value", "cost_of_goods_used"]
    by_item = {row["item"]: row for row in rows}
    assert by_item["Flour"] == {
        "item": "Flour", "sku": "FL-55", "unit": "kg", "opening_quantity": "30",
        "opening_value": "24.60", "received_quantity": "20", "received_value": "18.00",
        "order_usage": "-10.224", "waste": "-2.556", "revaluation": "0.00",
        "closing_quantity": "35", "closing_value": "29.82", "cost_of_goods_used": "12.78"}
    assert by_item["Butter"]["order_usage"] == "-29.60"
    assert by_item["Butter"]["waste"] == "0.00"
    # The sauce's value is not known: said in words, never a blank that sums as 0.
    sauce = by_item["'" + FORMULA_NAME]
    assert sauce["opening_quantity"] == "8" and sauce["closing_value"] == "value not known"
    total = by_item["Total"]
    assert (total["opening_value"], total["received_value"], total["closing_value"],
            total["cost_of_goods_used"]) == ("61.60", "18.00", "37.22", "42.38")
    assert total["opening_quantity"] == ""  # quantities of different units are not added


def test_valuation_csv_per_item_and_total(kitchen, tmp_path):
    target = tmp_path / "valuation.csv"
    report_files.write_report_csv(reports.valuation_document(), target)
    rows = {row["item"]: row for row in _csv(target)}
    assert rows["Flour"]["quantity"] == "35" and rows["Flour"]["value"] == "29.82"
    assert rows["Flour"]["average_cost"] == "0.852"  # the exact average, 4 places at most
    assert rows["Butter"]["value"] == "7.40"
    assert rows["'" + FORMULA_NAME]["value"] == "value not known"
    assert rows["Total"]["value"] == "37.22"
    assert rows["Total"]["average_cost"] == ""


def test_valuation_at_a_past_moment(kitchen):
    before = reports.valuation_document(kitchen.middle)
    assert {figure.key: figure.value for figure in before.figures}["total"] == Decimal("61.60")
    areas = before.table("Per storage area")
    assert areas.rows == [("No area", Decimal(3), Decimal("61.60"), Decimal(1))]


def test_usage_and_waste_csv(kitchen, tmp_path):
    found = _period(kitchen)
    report_files.write_report_csv(found["usage"], tmp_path / "usage.csv")
    assert [(r["item"], r["reason"], r["quantity"], r["value"])
            for r in _csv(tmp_path / "usage.csv")] == [
        ("Butter", "Order usage", "4", "29.60"), ("Flour", "Order usage", "12", "10.224"),
        ("Flour", "Waste", "3", "2.556"), ("Total", "", "", "42.38")]
    report_files.write_report_csv(found["waste"], tmp_path / "waste.csv")
    assert [(r["item"], r["value"]) for r in _csv(tmp_path / "waste.csv")] == [
        ("Flour", "2.556"), ("Total", "2.556")]
    waste = {figure.key: figure.value for figure in found["waste"].figures}
    assert waste["waste_percent"] == Decimal("6.0")
    weekly = found["usage"].charts[0]
    assert sum((sum(values) for _name, values in weekly.series), Decimal(0)) == Decimal("42.38")


def test_low_stock_and_order_list_csv(kitchen, tmp_path):
    low = _period(kitchen)["low_stock"]
    report_files.write_report_csv(low, tmp_path / "low.csv")
    rows = {row["item"]: row for row in _csv(tmp_path / "low.csv")}
    assert set(rows) == {"Butter", "'" + FORMULA_NAME}
    assert (rows["Butter"]["on_hand"], rows["Butter"]["threshold"], rows["Butter"]["used"],
            rows["Butter"]["suggested"], rows["Butter"]["supplier"]) == (
        "1", "2", "4", "7", "Dairy Direct")
    order = reports.order_document(below_par=True)
    assert report_files.write_report_csv(order, tmp_path / "order.csv") == 3
    rows = {row["item"]: row for row in _csv(tmp_path / "order.csv")}
    assert (rows["Butter"]["supplier"], rows["Butter"]["quantity"],
            rows["Butter"]["unit_cost"], rows["Butter"]["estimated_cost"]) == (
        "Dairy Direct", "7", "7.40", "51.80")
    # Flour: 35 kg on hand, par 40: 5 kg short is one whole 25 kg sack.
    assert (rows["Flour"]["quantity"], rows["Flour"]["packs"]) == ("25", "1 × sack of 25")
    assert rows["'" + FORMULA_NAME]["estimated_cost"] == "value not known"
    assert [table.title for table in order.tables] == ["Dairy Direct", "Metro", "No supplier"]


@pytest.mark.parametrize("text", ["=1+1", "+49 30 1234", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_written_as_text(text, tmp_path):
    table = Table("t", (Column("Name", "name"), Column("Value", "value", MONEY)),
                  [(text, Decimal("-2.5"))])
    report_files.write_table_csv(table, tmp_path / "t.csv")
    row = _csv(tmp_path / "t.csv")[0]
    assert row == {"name": "'" + text, "value": "-2.50"}  # a negative number stays a number


def test_a_csv_that_cannot_be_written_leaves_nothing(kitchen, tmp_path):
    folder = tmp_path / "missing"
    with pytest.raises(DataFileError, match="could not be written"):
        report_files.write_report_csv(reports.valuation_document(), folder / "v.csv")
    assert not folder.exists()
    # Failing at the last step (the name is a folder): no half file, no scratch file.
    taken = tmp_path / "exports" / "v.csv"
    taken.mkdir(parents=True)
    with pytest.raises(DataFileError, match="could not be written"):
        report_files.write_report_csv(reports.valuation_document(), taken)
    assert [path.name for path in taken.parent.iterdir()] == ["v.csv"]
    assert taken.is_dir()


def test_money_is_exact_in_files_and_two_places_on_screen():
    assert money_exact(Decimal("2.5560")) == "2.556"
    assert money_exact(Decimal("7.4000")) == "7.40"
    assert money_exact(Decimal("-0.0001")) == "-0.0001"
    assert cell_text(Decimal("2.556"), MONEY, "€") == "€2.56"
    assert cell_text(Decimal("-1234.5"), MONEY, "€") == "-€1,234.50"
    assert cell_text(None, MONEY) == "value not known"


def test_a_stocktake_variance_shows_in_figures_charts_and_top_10(kitchen):
    stocktake = services.start_stocktake("Monthly").id
    services.record_count(stocktake, kitchen.flour, None, "33")
    services.explain_variance(stocktake, kitchen.flour, {"theft": "2"})
    services.commit_stocktake(stocktake)
    found = reports.period_reports(kitchen.middle, dt.datetime.now(dt.UTC)
                                   + dt.timedelta(hours=1), "test")
    period = found["period"]
    # 2 kg of flour at its average of 0.852 (29.82 for 35 kg).
    assert {f.key: f.value for f in period.figures}["stocktake:theft"] == Decimal("-1.704")
    assert period.table("Top 10 by value missing").rows == [("Flour", "kg", Decimal("1.704"))]
    variances = period.charts[1]
    assert (variances.labels, variances.series) == (["Flour"], [("Variance",
                                                                 [Decimal("-1.704")])])
    weekly = found["usage"].charts[0]
    parts = dict(weekly.series)
    assert sum(parts["Stocktake variance"]) == Decimal("1.704")
