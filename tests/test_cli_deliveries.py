"""`inventory receive-delivery` and `inventory waste-sheet`: every line or none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import snapshot

from inventory_desktop.cli import main

# Runs on a SQLite file and on a PostgreSQL server's database.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def cli(new_target: Path, capsys: pytest.CaptureFixture[str]):
    path = new_target

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(path), "--user", "chef", *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    run.path = path  # type: ignore[attr-defined]
    for name, sku in (("Flour", "FL-1"), ("Milk", "MI-1")):
        assert run("items", "add", "--name", name, "--unit", "kg", "--sku", sku,
                   "--initial", "4")[0] == 0
    return run


def test_a_delivery_from_the_command_line(cli):
    code, out, _ = cli("receive-delivery", "--reference", "DN-88", "--date", "2026-01-05",
                       "fl-1=12.5", "MI-1=2", "#1=0.5", "--json")
    assert code == 0
    booked = json.loads(out)
    assert [(m["stock_item_id"], m["quantity_change"], m["reference_id"]) for m in booked] == [
        (1, "12.5", "DN-88"), (2, "2", "DN-88"), (1, "0.5", "DN-88")]
    assert booked[0]["notes"] == "Delivered 2026-01-05."


def test_a_bad_line_books_nothing_and_names_the_line(cli):
    before = snapshot(cli.path)
    code, _, err = cli("receive-delivery", "--reference", "DN-1", "FL-1=1", "NOPE=2", "MI-1")
    assert code == 1
    assert "Line 2: There is no item with SKU or id 'NOPE'." in err
    assert "Line 3: 'MI-1' is not ITEM=QTY" in err
    assert snapshot(cli.path) == before


def test_a_waste_sheet_with_a_reason_per_line_and_a_retry(cli):
    args = ("waste-sheet", "--reference", "24 Nov dinner", "FL-1=1", "MI-1=0.5:theft",
            "--op-key", "w-24")
    code, out, _ = cli(*args)
    assert code == 0 and out.startswith("Booked waste sheet 24 Nov dinner: 2 lines.")
    assert "-0.5 kg Milk (Theft)" in out
    code, out, _ = cli(*args)
    assert code == 0 and out.startswith("Already recorded")
    code, out, _ = cli("items", "list", "--json")
    assert [item["current_quantity"] for item in json.loads(out)] == ["3", "3.5"]
