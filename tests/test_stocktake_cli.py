"""`inventory stocktake` and `inventory areas`: exit codes, sheets out and back in, JSON."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import snapshot

from inventory_desktop import db, services
from inventory_desktop.cli import main as cli_main

# Runs on a SQLite file and on a PostgreSQL server's database.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def kitchen(new_target: Path) -> Path:
    path = new_target
    db.open_database(path)
    dry, bar = services.create_area("Dry store").id, services.create_area("Bar").id
    services.create_item("Flour", "kg", sku="FL", initial_quantity="25", areas=[dry])
    services.create_item("Red wine", "piece", sku="WINE", initial_quantity="30",
                         pack_size="6", pack_name="case", areas=[bar])
    services.create_item("Salt", "kg", sku="SA", initial_quantity="3")
    services.start_stocktake("Monthly")
    db.close_database()
    return path


def run(path: Path, *args: str) -> int:
    return cli_main(["--db", str(path), *args])


def test_a_whole_count_from_the_command_line(kitchen, capsys):
    assert run(kitchen, "stocktake", "count", "1", "FL", "20", "--user", "ana") == 0
    assert run(kitchen, "stocktake", "count", "1", "WINE", "2", "--packs", "4") == 0
    assert "Counted 26 piece of Red wine in Bar" in capsys.readouterr().out
    assert run(kitchen, "stocktake", "explain", "1", "FL", "waste=2", "theft=all") == 0
    assert "2 kg waste, 3 kg theft" in capsys.readouterr().out
    assert run(kitchen, "--json", "stocktake", "commit", "1", "--dry-run") == 0
    plan = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["reason"], c["quantity_change"]) for c in plan["changes"]] == [
        ("Flour", "waste", "-2"), ("Flour", "theft", "-3"),
        ("Red wine", "stocktake", "-4")]
    assert plan["left_unchanged"] == ["Salt"]
    assert run(kitchen, "stocktake", "commit", "1") == 0
    assert "Stocktake 1 is committed." in capsys.readouterr().out
    assert run(kitchen, "stocktake", "commit", "1") == 1
    assert "already committed" in capsys.readouterr().err
    assert run(kitchen, "--json", "items", "show", "FL") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["current_quantity"] == "20" and shown["last_counted_at"]


def test_an_item_kept_in_several_areas_needs_its_area(kitchen, capsys):
    assert run(kitchen, "items", "edit", "WINE", "--area", "Bar", "--area", "Dry store") == 0
    capsys.readouterr()
    assert run(kitchen, "stocktake", "count", "1", "WINE", "3") == 1
    assert "kept in Dry store, Bar: say which with --area" in capsys.readouterr().err
    assert run(kitchen, "stocktake", "count", "1", "WINE", "3", "--area", "bar") == 0


def test_conflicts_are_shown_and_settled(kitchen, capsys):
    run(kitchen, "stocktake", "count", "1", "FL", "20", "--user", "ana")
    run(kitchen, "stocktake", "count", "1", "FL", "22", "--user", "ben")
    capsys.readouterr()
    assert run(kitchen, "stocktake", "show", "1") == 0
    out = capsys.readouterr().out
    assert "20 / 22" in out and "ana, ben" in out and "CONFLICT" in out
    assert run(kitchen, "stocktake", "commit", "1") == 1
    assert "Counts conflict for Flour" in capsys.readouterr().err
    assert run(kitchen, "stocktake", "resolve", "1", "FL", "--keep", "ben") == 0
    assert run(kitchen, "stocktake", "commit", "1") == 0


def test_the_csv_sheet_goes_out_and_comes_back_in(kitchen, tmp_path, capsys):
    sheet = tmp_path / "sheet.csv"
    assert run(kitchen, "stocktake", "sheet", "1", "--csv", str(sheet)) == 0
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "area,sku,item_id,name,unit,pack,expected,packs,loose,counted_by,note"
    filled = [lines[0]] + [line.replace(",,,,", ",,18,ana,") if "FL" in line else line
                           for line in lines[1:]]
    filled = [line.replace("piece,6,30,,", "piece,6,30,4,") if "WINE" in line else line
              for line in filled]
    sheet.write_text("\r\n".join(filled) + "\r\n", encoding="utf-8-sig")
    assert run(kitchen, "stocktake", "import", "1", str(sheet), "--dry-run") == 0
    assert "Would record 2 count(s); 1 blank row(s) skipped." in capsys.readouterr().out
    assert run(kitchen, "stocktake", "import", "1", str(sheet)) == 0
    db.open_database(kitchen)
    items = services.stocktake_sheet(1).items
    counted = {services.get_item(i).name: tally.counted for i, tally in items.items()}
    assert counted == {"Flour": 180000, "Red wine": 240000, "Salt": None}


def test_a_sheet_with_one_bad_row_records_nothing_and_names_every_bad_row(kitchen, tmp_path,
                                                                           capsys):
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        "area;sku;packs;loose\n"
        "Dry store;FL;;12,5\n"          # fine: a decimal comma in a ;-separated sheet
        "Dry store;NOPE;;1\n"          # unknown item
        "Bar;WINE;1.5;\n"              # half a pack
        "Dry store;FL;;3\n"            # the same item and area twice
        "Cellar;FL;;1\n"               # no such area
        "Bar;SA;;x\n", encoding="utf-8")
    before = snapshot(kitchen)
    assert run(kitchen, "stocktake", "import", "1", str(sheet)) == 1
    out = capsys.readouterr().out
    assert "line 3: unknown item 'NOPE'" in out
    assert "line 4: packs are counted whole" in out
    assert "line 5: Flour in Dry store is on line 2 already" in out
    assert "line 6: unknown storage area 'Cellar'" in out
    assert "line 7: The count 'x' is not a number." in out
    assert "Nothing was recorded: 5 row(s) to correct." in out
    assert snapshot(kitchen) == before


@pytest.mark.parametrize("encoding, newline", [("utf-16", "\r\n"), ("utf-8", "\n")])
def test_sheets_from_spreadsheets_are_read_in_any_usual_form(kitchen, tmp_path, encoding,
                                                            newline):
    sheet = tmp_path / "tablet.csv"
    sheet.write_bytes(newline.join(["sku,loose", "FL,19", "SA,3", ""]).encode(encoding))
    assert run(kitchen, "stocktake", "import", "1", str(sheet)) == 0
    db.open_database(kitchen)
    assert services.item_variance(1, services.find_item("FL").id) == -60000


def test_a_comma_separated_sheet_refuses_a_decimal_comma(kitchen, tmp_path, capsys):
    sheet = tmp_path / "ambiguous.csv"
    sheet.write_text('sku,loose\nFL,"12,5"\n', encoding="utf-8")
    assert run(kitchen, "stocktake", "import", "1", str(sheet)) == 1
    assert "line 2: The count '12,5' is not a number." in capsys.readouterr().out


def test_the_printed_sheet_is_a_pdf_with_the_lines(kitchen, tmp_path, capsys):
    pdf = tmp_path / "sheet.pdf"
    assert run(kitchen, "stocktake", "sheet", "1", "--pdf", str(pdf), "--paper", "letter") == 0
    assert "(1 page)" in capsys.readouterr().out
    assert pdf.read_bytes().startswith(b"%PDF")


def test_areas_are_listed_in_walk_order_and_reordered(kitchen, capsys):
    assert run(kitchen, "areas", "order", "Bar") == 0
    assert run(kitchen, "--json", "areas", "list") == 0
    capsys.readouterr()
    assert run(kitchen, "--json", "areas", "list") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(a["name"], a["walk_order"], a["items"]) for a in listed] == [
        ("Bar", 1, 1), ("Dry store", 2, 1)]
    assert run(kitchen, "areas", "add", "bar") == 1
    assert "already a storage area called 'Bar'" in capsys.readouterr().err


def test_stocktake_commands_refuse_odd_ids_with_a_sentence(kitchen, capsys):
    for args in (["show", "0"], ["show", "x"], ["count", "9" * 40, "FL", "1"], ["show", "42"]):
        assert run(kitchen, "stocktake", *args) == 1, args
        assert "Traceback" not in capsys.readouterr().err


@pytest.mark.sqlite_only  # another tool on the file itself
def test_committed_counts_are_refused_by_the_file(kitchen):
    run(kitchen, "stocktake", "count", "1", "FL", "20")
    run(kitchen, "stocktake", "commit", "1")
    connection = sqlite3.connect(kitchen)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute("UPDATE stocktake_count SET counted = 1")
    connection.close()
