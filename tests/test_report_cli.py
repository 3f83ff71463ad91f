"""`inventory report …` and `inventory order list`: what they print, the files they write,
and their refusals (a sentence, exit 1, nothing written)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from report_kitchen import FORMULA_NAME, costed_kitchen

from inventory_desktop import db, services
from inventory_desktop.cli import main

# The last month, today included: everything the kitchen booked.
FROM = ("--from", (dt.date.today() - dt.timedelta(days=30)).isoformat())
TO = ("--to", dt.date.today().isoformat())


@pytest.fixture
def kitchen(tmp_path: Path):
    path = tmp_path / "kitchen.sqlite3"
    db.open_database(path)
    services.set_currency_symbol("€")
    found = costed_kitchen()
    db.close_database()
    return path, found


@pytest.fixture
def run(kitchen, capsys):
    path, _found = kitchen

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(path), *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


def pages(path: Path) -> int:
    """How many pages a PDF says it has (Qt writes its page tree uncompressed)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    return len(re.findall(rb"/Type\s*/Page\b", data))


def test_valuation_prints_money_with_the_symbol_and_two_places(run):
    code, out, _ = run("report", "valuation")
    assert code == 0
    assert "Total value:    €37.22" in out
    assert re.search(r"Flour\s+FL-55\s+No area\s+35\s+kg\s+€0\.852\s+€29\.82", out)
    assert "value not known" in out  # the sauce, never a made-up number


def test_valuation_json_is_exact(run):
    code, out, _ = run("report", "valuation", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["figures"]["total"] == "37.22"
    rows = {row["item"]: row for row in data["tables"][0]["rows"]}
    assert rows["Flour"]["average_cost"] == "0.852"
    assert rows[FORMULA_NAME]["value"] is None


def test_period_report_with_sales(run):
    code, out, _ = run("report", "period", *FROM, *TO,
                       "--sales", "200", "--json")
    assert code == 0
    figures = json.loads(out)["figures"]
    # Every receipt is in the period: nothing opens it.
    assert (figures["opening_value"], figures["received"], figures["closing_value"],
            figures["cost_of_goods_used"]) == ("0.00", "79.60", "37.22", "42.38")
    assert figures["food_cost_percent"] == "21.2" and figures["sales"] == "200.00"


def test_usage_waste_and_low_stock(run):
    code, out, _ = run("report", "usage", *FROM, *TO)
    assert code == 0 and "Order usage: €39.82" in out and "Total:       €42.38" in out
    code, out, _ = run("report", "waste", "--json", *FROM)
    assert code == 0
    assert json.loads(out)["figures"]["waste"] == "2.556"
    code, out, _ = run("report", "low-stock")
    assert code == 0 and "Butter" in out and "Flour" not in out


def test_csv_and_pdf_files(run, tmp_path):
    target, printed = tmp_path / "period.csv", tmp_path / "period.pdf"
    code, out, _ = run("report", "period", *FROM, *TO,
                       "--csv", str(target), "--pdf", str(printed))
    assert code == 0
    assert f"Wrote {target} (4 rows)." in out and f"Wrote {printed} (" in out
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert rows[-1]["item"] == "Total" and rows[-1]["cost_of_goods_used"] == "42.38"
    assert pages(printed) >= 1


def test_order_list_by_supplier_to_csv_and_pdf(run, tmp_path):
    code, out, _ = run("order", "list", "--below-par")
    assert code == 0
    assert out.index("Dairy Direct") < out.index("Metro") < out.index("No supplier")
    # Butter 7 kg at 7.40 = 51.80; flour 25 kg at the latest price paid, 0.90 = 22.50.
    assert "Estimated cost: €74.30" in out
    code, out, _ = run("order", "list", "--supplier", "metro", "--below-par", "--json")
    data = json.loads(out)
    assert [table["title"] for table in data["tables"]] == ["Metro"]
    assert data["tables"][0]["rows"][0]["estimated_cost"] == "22.50"
    sheet, printed = tmp_path / "order.csv", tmp_path / "order.pdf"
    code, out, _ = run("order", "list", "--below-par", "--csv", str(sheet), "--pdf",
                       str(printed))
    assert code == 0
    assert sheet.read_text("utf-8-sig").splitlines()[0] == (
        "supplier,item,sku,on_hand,par_level,quantity,unit,packs,unit_cost,estimated_cost")
    assert pages(printed) == 3  # each supplier on its own page


@pytest.mark.parametrize(("args", "sentence"), [
    (("report", "period", "--from", "2026-12-05", "--to", "2026-12-01"),
     "The period must end after it starts"),
    (("report", "valuation", "--at", "yesterday"), "is not a date"),
    (("report", "period", "--from", "2026-11-01", "--to", "2026-11-30", "--sales", "-5"),
     "The sales figure cannot be negative."),
    (("report", "period", "--from", "2026-11-01", "--to", "2026-11-30", "--sales", "lots"),
     "is not a number"),
    (("order", "list", "--supplier", "Nobody"), "There is no supplier called 'Nobody'"),
    (("report", "usage", "--from", "1990-01-01"), "A report covers at most 3,660 days."),
])
def test_refusals_are_sentences_and_write_nothing(run, tmp_path, args, sentence):
    target = tmp_path / "out.csv"
    code, out, err = run(*args, "--csv", str(target))
    assert code == 1 and out == ""
    assert sentence in err
    assert not target.exists()


def test_a_file_that_cannot_be_written_is_a_sentence(run, tmp_path):
    for option in ("--csv", "--pdf"):
        target = tmp_path / "missing" / f"out.{option[2:]}"
        code, out, err = run("report", "valuation", option, str(target))
        assert code == 1 and out == ""
        assert "could not be written (No such file or directory); nothing was written" in err
    assert not (tmp_path / "missing").exists()


def test_a_period_needs_its_dates(run):
    code, _out, err = run("report", "period", "--from", "2026-11-01")
    assert code == 2 and "--to" in err
