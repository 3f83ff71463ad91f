"""Costing from the command line: costed receipts, revaluations, suppliers, the currency."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import snapshot
from tamper import with_triggers_off

from inventory_desktop import db, services
from inventory_desktop.cli import main as cli_main

# Runs on a SQLite file and on a PostgreSQL server's database.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def kitchen(new_target: Path) -> Path:
    path = new_target
    db.open_database(path)
    services.create_item("Flour", "kg", sku="FL-55", initial_quantity="10")
    db.close_database()
    return path


def run(path: Path, *args: str) -> int:
    return cli_main(["--db", str(path), *args])


def test_a_costed_receipt_from_a_supplier_and_what_the_item_is_worth(kitchen, capsys):
    assert run(kitchen, "currency", "€") == 0
    assert "€1,234.50" in capsys.readouterr().out
    assert run(kitchen, "items", "show", "FL-55") == 0
    assert "Value:               not known (no cost recorded" in capsys.readouterr().out
    assert run(kitchen, "suppliers", "add", "Bakers Ltd") == 0
    assert run(kitchen, "receive", "FL-55", "25", "--cost", "0.82", "--supplier",
               "bakers ltd") == 0
    out = capsys.readouterr().out
    assert "+25 kg Flour (Purchase) at €0.8200/kg (€20.50); now 35 kg, worth €28.70." in out
    assert run(kitchen, "--json", "receive", "FL-55", "10", "--total", "9.99") == 0
    receipt = json.loads(capsys.readouterr().out)
    assert (receipt["value_change"], receipt["value_after"], receipt["valued_by"],
            receipt["unit_cost"]) == ("9.99", "38.69", "invoice", "0.999")
    assert run(kitchen, "items", "show", "FL-55") == 0
    shown = capsys.readouterr().out
    assert "Value:               €38.69" in shown and "Supplier:            none" in shown
    assert run(kitchen, "items", "edit", "FL-55", "--supplier", "Bakers Ltd", "--par", "40",
               "--standard-cost", "0.80") == 0
    assert "Supplier:            Bakers Ltd" in capsys.readouterr().out


def test_a_revaluation_and_its_refusals(kitchen, capsys):
    assert run(kitchen, "revalue", "FL-55", "--cost", "0.5", "--reason", "standard_cost") == 0
    assert "Flour revalued (Standard cost) by +5.00; its 10 kg are now worth 5.00." in (
        capsys.readouterr().out)
    before = snapshot(kitchen)
    assert run(kitchen, "revalue", "FL-55", "--value", "-3") == 1
    assert "cannot be negative" in capsys.readouterr().err
    assert run(kitchen, "revalue", "FL-55", "--value", "3", "--reason", "purchase") == 1
    assert "not a reason to revalue" in capsys.readouterr().err
    assert run(kitchen, "receive", "FL-55", "1", "--cost", "1", "--supplier", "Nobody") == 1
    assert "There is no supplier called 'Nobody'" in capsys.readouterr().err
    assert snapshot(kitchen) == before


@pytest.mark.sqlite_only  # another tool on the file itself
def test_verify_names_a_bent_value(kitchen, capsys):
    assert run(kitchen, "receive", "FL-55", "10", "--cost", "1") == 0
    with_triggers_off(kitchen, [
        "UPDATE stock_movement SET value_change = 1, value_after = 1 WHERE id = "
        "(SELECT max(id) FROM stock_movement)",
        "UPDATE stock_item SET current_value = 1"])
    capsys.readouterr()
    assert run(kitchen, "verify") == 1
    out = capsys.readouterr().out
    assert "Value: FL-55 Flour (id 1): movement" in out


def test_a_delivery_with_its_invoice_costs(kitchen, capsys):
    db.open_database(kitchen)
    services.create_item("Butter", "kg", sku="BU")
    services.create_supplier("Metro")
    db.close_database()
    assert run(kitchen, "receive-delivery", "--reference", "INV-77", "--supplier", "metro",
               "FL-55=25@0.80", "BU=4@@26.00") == 0
    capsys.readouterr()
    db.open_database(kitchen)
    flour, butter = services.find_item("FL-55"), services.find_item("BU")
    assert flour.value == Decimal("28")  # its 10 kg from before costs, valued at 0.80 too
    assert butter.value == Decimal("26") and butter.average_cost == Decimal("6.5")
    receipt = services.list_movements(item_id=butter.id, limit=1)[0]
    assert receipt.supplier_id == services.find_supplier("Metro").id
    db.close_database()
    before = snapshot(kitchen)
    assert run(kitchen, "receive-delivery", "--reference", "INV-78", "FL-55=1@-1", "BU=1") == 1
    assert "Line 1: The unit cost cannot be negative." in capsys.readouterr().err
    assert run(kitchen, "receive-delivery", "--reference", "INV-78", "FL-55=1", "BU=1@") == 1
    assert "Line 2: 'BU=1@' is not ITEM=QTY[@COST or @@TOTAL]" in capsys.readouterr().err
    assert snapshot(kitchen) == before
