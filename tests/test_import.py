"""Importing items from CSV: all or nothing, every bad cell named, spreadsheets' ways read."""

from __future__ import annotations

import codecs
import csv
import io
import json
import sqlite3
from decimal import Decimal

import pytest
from conftest import snapshot

from inventory_desktop import services
from inventory_desktop.cli import main as cli_main
from inventory_desktop.errors import ValidationError

GOOD = ("Name;SKU;Unit;Threshold;Quantity;Supplier\r\n"
        "Flour T55;FL-55;Kg;10;25,5;Metro\r\n"
        "Olive oil;OIL-1;litre;2;12;\r\n"
        "Eggs;;pcs;60;180;\r\n"
        "Crème fraîche;DAI-3;l;;0,75;\r\n")


def _import(text: str | bytes, **options) -> services.ImportReport:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return services.import_items(data, **options)


def test_a_file_with_one_bad_row_writes_nothing_and_names_it(data_file, tmp_path, capsys):
    services.create_item("Salt", "kg", sku="SALT")
    before = snapshot(data_file)
    bad = GOOD.replace("Olive oil;OIL-1;litre;2;12;", "Olive oil;OIL-1;barrel;2;1e3;")
    report = _import(bad)
    assert not report.written and snapshot(data_file) == before
    assert [(p.line, p.column, p.value) for p in report.problems] == [
        (3, "Unit", "barrel"), (3, "Quantity", "1e3")]
    assert "must be one of kg, g, L, mL, piece, portion, other" in report.problems[0].reason
    assert "exponent notation" in report.problems[1].reason
    assert report.summary().startswith("Nothing was imported: 2 problems on 1 line")
    path = tmp_path / "stock.csv"
    path.write_text(bad, encoding="utf-8")
    assert cli_main(["--db", str(data_file), "import", "items", str(path)]) == 1
    out = capsys.readouterr().out
    assert "   3  Unit      barrel  The unit must be one of" in out
    assert "Nothing was imported" in out
    assert snapshot(data_file) == before


def test_an_import_creates_items_with_their_initial_stock_in_one_write(data_file):
    report = _import(GOOD)
    assert report.written and report.ok, report.problems
    assert (report.count("create"), report.encoding, report.separator) == (4, "UTF-8",
                                                                          "semicolon")
    assert report.ignored_columns == ("Supplier",)
    flour = services.find_item("FL-55")
    assert (flour.quantity, flour.unit, flour.low_stock_threshold) == (
        Decimal("25.5"), "kg", Decimal("10"))
    cream = services.find_item("DAI-3")
    assert (cream.name, cream.unit, cream.quantity, cream.low_stock_threshold) == (
        "Crème fraîche", "L", Decimal("0.75"), None)
    (movement,) = services.list_movements(item_id=flour.id)
    assert (movement.reason, movement.quantity_change) == ("initial", Decimal("25.5"))
    assert services.verify().ok
    # One write: one seal for the whole import.
    assert services.verify().seals == 1


def test_importing_the_same_file_again_changes_nothing_and_says_so(data_file, capsys,
                                                                   tmp_path):
    _import(GOOD)
    before = snapshot(data_file)
    again = _import(GOOD)
    assert again.summary() == "Nothing to change: all 4 items are already as the file says."
    assert snapshot(data_file) == before
    assert len(services.list_items()) == 4
    changed = _import(GOOD.replace("Kg;10;25,5", "Kg;8;30"))
    (update,) = [row for row in changed.rows if row.action == "update"]
    assert update.details == ("threshold 10 → 8; on hand stays 25.5 kg (the file says 30): "
                              "stock changes only by receipts, deductions and adjustments")
    assert services.find_item("FL-55").low_stock_threshold == Decimal("8")
    assert services.find_item("FL-55").quantity == Decimal("25.5")


def test_a_dry_run_reports_and_writes_nothing(data_file, tmp_path, capsys):
    before = snapshot(data_file)
    report = _import(GOOD, dry_run=True)
    assert report.ok and not report.written and report.count("create") == 4
    assert report.summary() == "Items: 4 would be created, 0 would be updated."
    assert snapshot(data_file) == before
    path = tmp_path / "stock.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert cli_main(["--db", str(data_file), "--json", "import", "items", str(path),
                     "--dry-run"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["written"], shown["created"]) == (False, 4)
    assert snapshot(data_file) == before


def _encoded(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-no-bom":
        return text.encode("utf-16-le")
    return codecs.encode(text, encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-no-bom",
                                      "cp1252"])
@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_spreadsheet_encodings_separators_and_line_ends_are_read(data_file, encoding,
                                                                 separator, newline):
    rows = [["Name", "SKU", "Unit", "Quantity"], ["Crème fraîche", "DAI-3", "L", "0.75"],
            ["Jalapeño, sliced", "VEG-9", "kg", "2"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator=newline).writerows(rows)
    report = _import(_encoded(buffer.getvalue(), encoding))
    assert report.ok and report.written, report.problems
    assert report.separator == {",": "comma", ";": "semicolon", "\t": "tab"}[separator]
    names = sorted(item.name for item in services.list_items())
    assert names == ["Crème fraîche", "Jalapeño, sliced"]


def test_the_separator_and_encoding_can_be_given(data_file):
    text = "Name|Unit\nFlour|kg\n"
    with pytest.raises(ValidationError, match="'\\|' is not a separator"):
        _import(text, separator="|")
    latin = "Name;Unit\nCrème;kg\n".encode("cp1252")
    with pytest.raises(ValidationError, match="not utf-8 text"):
        _import(latin, encoding="utf-8")
    assert _import(latin, encoding="windows-1252").ok
    assert services.list_items()[0].name == "Crème"
    with pytest.raises(ValidationError, match="found are 'Name,Unit', 'Threshold'"):
        _import("Name,Unit;Threshold\nSalt,kg;2\n", separator="semicolon")


@pytest.mark.parametrize(("separator", "cell", "expected"), [
    (";", "2,5", Decimal("2.5")),
    ("\t", "0,75", Decimal("0.75")),
    (";", "2.5", Decimal("2.5")),
    (",", "2.5", Decimal("2.5")),
    (",", '"2,5"', "has a comma, which separates the cells of this file"),
    (";", "1.000,5", "mixes thousands and decimal marks"),
    (";", "1,000,000", "mixes thousands and decimal marks"),
    (";", "1e3", "exponent notation"),
])
def test_a_decimal_comma_is_read_only_where_it_is_unambiguous(data_file, separator, cell,
                                                              expected):
    text = f"Name{separator}Unit{separator}Quantity\nFlour{separator}kg{separator}{cell}\n"
    report = _import(text)
    if isinstance(expected, Decimal):
        assert report.ok, report.problems
        assert services.list_items()[0].quantity == expected
    else:
        assert expected in report.problems[0].reason


def test_a_point_in_a_file_that_writes_decimal_commas_is_refused_when_ambiguous(data_file):
    report = _import("Name;Unit;Quantity\nFlour;kg;2,5\nSugar;kg;1.000\nSalt;kg;1.5\n")
    assert [(p.line, p.column) for p in report.problems] == [(3, "Quantity")]
    assert "could mean a thousand times more" in report.problems[0].reason


@pytest.mark.parametrize(("spelled", "unit"), [
    ("kg", "kg"), ("Kg", "kg"), ("KG", "kg"), ("kilos", "kg"), ("litre", "L"), ("l", "L"),
    ("Liters", "L"), ("ml", "mL"), ("ML", "mL"), ("pcs", "piece"), ("Pcs.", "piece"),
    ("each", "piece"), ("g", "g"), ("Grams", "g"), ("portions", "portion"), ("other", "other"),
])
def test_unit_names_are_matched_leniently(data_file, spelled, unit):
    assert _import(f"Name,Unit\nThing,{spelled}\n").ok
    assert services.list_items()[0].unit == unit


def test_cells_use_the_same_rules_as_the_item_form(data_file):
    text = ("Name,SKU,Unit,Threshold,Quantity\n"
            "Digits,12345,kg,,\n"
            "Dash,FL–55,kg,,\n"
            "Wide,ＦＬ－５６,kg,,\n"
            ",NONAME,kg,,\n"
            "Negative,NEG,kg,-1,\n"
            "Too precise,TP,kg,,0.00001\n")
    report = _import(text)
    assert [(p.line, p.column) for p in report.problems] == [
        (2, "SKU"), (3, "SKU"), (5, "Name"), (6, "Threshold"), (7, "Quantity")]
    assert "cannot be only digits" in report.problems[0].reason
    assert "may use only A-Z" in report.problems[1].reason
    ok = _import("Name,SKU,Unit\nWide,ＦＬ－５６,kg\n")
    assert ok.ok and services.list_items()[0].sku == "FL-56"


def test_two_rows_for_one_item_are_refused(data_file):
    report = _import("Name,SKU,Unit\nFlour,FL-1,kg\nFlour again,fl-1,kg\nEggs,,piece\n"
                     "eggs,,piece\n")
    assert [(p.line, p.column) for p in report.problems] == [(3, "SKU"), (5, "name")]
    assert "also on line 2" in report.problems[0].reason


def test_an_items_unit_cannot_change_once_stock_moved(data_file):
    flour = services.create_item("Flour", "kg", sku="FL-1", initial_quantity="3")
    report = _import("Name,SKU,Unit\nFlour,FL-1,g\n")
    assert "already has movements in kg" in report.problems[0].reason
    assert services.get_item(flour.id).unit == "kg"


def test_rows_without_a_sku_match_by_name_and_a_sku_can_be_given_later(data_file):
    _import("Name,Unit,Quantity\nPizza dough,portion,40\n")
    report = _import("Name,SKU,Unit,Quantity\nPizza Dough,DOUGH-1,portion,40\n")
    (row,) = report.rows
    assert (row.action, row.details) == ("update", "name 'Pizza dough' → 'Pizza Dough'; "
                                                   "SKU DOUGH-1 given")
    (item,) = services.list_items()
    assert (item.name, item.sku, item.quantity) == ("Pizza Dough", "DOUGH-1", Decimal("40"))


def test_a_file_the_importer_cannot_use_gets_a_sentence(data_file, tmp_path, capsys):
    with pytest.raises(ValidationError, match="has no unit column"):
        _import("Name,Price\nFlour,2\n")
    with pytest.raises(ValidationError, match="Two columns give the same field"):
        _import("Name,Unit,Qty,Quantity\nFlour,kg,1,2\n")
    with pytest.raises(ValidationError, match="empty"):
        _import("\n\n")
    assert _import("Name,Unit\n").summary() == "The file lists no items: nothing to import."
    report = _import("Name,Unit\nFlour,kg,extra\n")
    assert "3 cells but the header has 2" in report.problems[0].reason
    assert cli_main(["--db", str(data_file), "import", "items",
                     str(tmp_path / "missing.csv")]) == 1
    assert "There is no file at" in capsys.readouterr().err


def test_an_archived_item_in_the_file_is_archived_after_its_stock_is_booked(data_file):
    report = _import("name,unit,quantity,active\nOld stock,kg,5,no\nNew stock,kg,1,yes\n")
    assert report.ok, report.problems
    archived = services.list_items(include_archived=True)
    assert [(i.name, i.is_active, i.quantity) for i in archived] == [
        ("New stock", True, Decimal("1")), ("Old stock", False, Decimal("5"))]
    assert services.verify().ok


def test_two_rows_cannot_both_be_about_one_existing_item(data_file):
    _import("Name,Unit\nBasil,g\n")
    before = snapshot(data_file)
    report = _import("Name,SKU,Unit\nBasil,,g\nBasil,HRB-1,kg\n")
    assert [(p.line, p.column) for p in report.problems] == [(3, "name")]
    assert "line 2 is about the same item (Basil, #1)" in report.problems[0].reason
    assert snapshot(data_file) == before


def test_a_new_item_field_is_imported_by_adding_one_line(data_file, monkeypatch):
    # Stands in for the storage area or pack size the stocktake work adds to
    # items: op_key is the one other text column stock_item has in schema 2.
    from inventory_desktop.services import import_columns

    line = import_columns.Column("op_key", ("reference code",),
                                 lambda cell, _style: cell.strip() or None, plain=True)
    monkeypatch.setattr(import_columns, "COLUMNS", (*import_columns.COLUMNS, line))
    assert _import("Name,Unit,Reference code\nFlour,kg,REF-1\n").ok
    changed = _import("Name,Unit,Reference code\nFlour,kg,REF-2\n")
    assert [row.details for row in changed.rows] == ["op key 'REF-1' → 'REF-2'"]
    connection = sqlite3.connect(data_file)
    assert connection.execute("SELECT op_key FROM stock_item").fetchall() == [("REF-2",)]
    connection.close()
    assert _import("Name,Unit,Reference code\nFlour,kg,REF-2\n").summary().startswith(
        "Nothing to change")
