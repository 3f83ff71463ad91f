"""Exporting to CSV: exact, safe in a spreadsheet, streamed, and never a partial file."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from conftest import snapshot

from inventory_desktop import atomic_files, db, services
from inventory_desktop.cli import main as cli_main
from inventory_desktop.errors import DataFileError
from inventory_desktop.services import export as export_module

HOSTILE = ("=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)")


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")  # so a spreadsheet reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


@pytest.fixture
def kitchen(data_file: Path) -> Path:
    flour = services.create_item("Flour T55", "kg", sku="FL-55", low_stock_threshold="10",
                                 initial_quantity="25.5")
    services.deduct_stock(flour.id, "0.0001", "waste", notes="=cost*2")
    services.create_item("Crème fraîche", "L", sku="-DAI", initial_quantity="1.25")
    old = services.create_item("Old oil", "L", initial_quantity="3")
    services.archive_item(old.id)
    for name in HOSTILE:
        services.create_item(name, "piece")
    return data_file


def test_movements_are_exported_with_exact_decimals_and_iso_times(kitchen, tmp_path):
    result = services.export_csv("movements", tmp_path / "movements.csv")
    assert result.rows == 4
    rows = read_csv(result.path)
    assert list(rows[0]) == ["id", "created_at", "item_id", "sku", "item_name", "unit",
                             "quantity_change", "balance_after", "movement_type", "reason",
                             "reference_type", "reference_id", "notes", "created_by", "op_key"]
    waste = rows[1]
    assert (waste["quantity_change"], waste["balance_after"]) == ("-0.0001", "25.4999")
    assert waste["created_at"].endswith("Z") and waste["created_at"][10] == "T"
    assert waste["notes"] == "'=cost*2"  # a formula in a note is shown, never run


def test_formula_like_cells_are_neutralised_and_numbers_are_not(kitchen, tmp_path):
    rows = read_csv(services.export_csv("items", tmp_path / "items.csv").path)
    names = {row["name"] for row in rows}
    for hostile in HOSTILE:
        assert "'" + hostile in names
    assert {row["sku"] for row in rows} >= {"'-DAI", "FL-55"}
    # A name starting with a tab or CR can only come from another program (ours strips it).
    connection = sqlite3.connect(kitchen)
    connection.executemany("INSERT INTO stock_item (name, unit) VALUES (?, 'kg')",
                           [("\tTabbed",), ("\rReturned",)])
    connection.commit()
    connection.close()
    rows = read_csv(services.export_csv("items", tmp_path / "items2.csv").path)
    assert {"'\tTabbed", "'\rReturned"} <= {row["name"] for row in rows}
    # Negative quantities stay numbers.
    movements = read_csv(services.export_csv("movements", tmp_path / "m.csv").path)
    assert movements[1]["quantity_change"] == "-0.0001"


def test_an_items_export_imports_back_exactly(kitchen, tmp_path):
    exported = services.export_csv("items", tmp_path / "items.csv").path
    before = snapshot(kitchen)
    again = services.import_items_file(exported)
    assert again.summary() == "Nothing to change: all 7 items are already as the file says."
    assert snapshot(kitchen) == before
    db.open_database(tmp_path / "elsewhere.sqlite3")
    report = services.import_items_file(exported)
    assert report.ok and report.count("create") == 7, report.problems
    second = services.export_csv("items", tmp_path / "items-again.csv").path
    assert _items_content(second) == _items_content(exported)
    assert services.verify().ok


def _items_content(path: Path) -> list[tuple]:
    return sorted((row["sku"], row["name"], row["unit"], row["quantity"],
                   row["low_stock_threshold"], row["active"]) for row in read_csv(path))


def test_history_and_audit_export_with_their_seals(kitchen, tmp_path):
    flour = services.find_item("FL-55")
    history = read_csv(services.export_csv(
        "history", tmp_path / "h.csv", filters=services.ExportFilters(item_id=flour.id)).path)
    assert [row["quantity"] for row in history] == ["0", "25.5", "25.4999"]
    audit = read_csv(services.export_csv("audit", tmp_path / "a.csv").path)
    assert all(row["sealed"] == "yes" for row in audit)
    assert '"current_quantity": [null, "0"]' in audit[0]["changes"]  # decimals, not units
    connection = sqlite3.connect(kitchen)
    connection.execute("UPDATE stock_item SET name = 'Renamed' WHERE id = 1")
    connection.commit()
    connection.close()
    audit = read_csv(services.export_csv("audit", tmp_path / "a2.csv").path)
    assert [row["sealed"] for row in audit[-1:]] == ["no"]  # another program's entry


def test_a_cancelled_export_leaves_no_file_and_an_old_one_as_it_was(kitchen, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 2)
    target = tmp_path / "movements.csv"
    seen = []
    assert services.export_csv("movements", target,
                               progress=lambda done, total: seen.append(done) is True) is None
    assert seen == [4] and not target.exists()
    assert not [name for name in os.listdir(tmp_path) if "movements" in name]
    target.write_text("yesterday's export")
    assert services.export_csv("movements", target, replace=True,
                               progress=lambda done, total: False) is None
    assert target.read_text() == "yesterday's export"


def test_a_failed_export_leaves_no_partial_file(kitchen, tmp_path, monkeypatch):
    def full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module, "_csv_text", lambda rows: full() if rows else b"")
    target = tmp_path / "movements.csv"
    with pytest.raises(DataFileError, match=r"No space left on device\. Nothing was written\."):
        services.export_csv("movements", target)
    assert not [name for name in os.listdir(tmp_path) if "movements" in name]


def test_the_cli_exports_with_filters_and_never_overwrites_unasked(kitchen, tmp_path, capsys):
    target = tmp_path / "waste.csv"
    args = ["--db", str(kitchen), "export", "movements", str(target), "--reason", "waste"]
    assert cli_main(args) == 0
    assert capsys.readouterr().out == f"Exported 1 movement to {target}.\n"
    assert [row["reason"] for row in read_csv(target)] == ["waste"]
    assert cli_main(args) == 1
    assert "already exists" in capsys.readouterr().err
    assert cli_main([*args, "--replace", "--item", "FL-55", "--type", "in"]) == 0
    assert cli_main(["--db", str(kitchen), "export", "audit", str(tmp_path / "x" / "a.csv")]) \
        == 1
    assert "does not exist" in capsys.readouterr().err


def _many_movements(path: Path, count: int) -> None:
    connection = sqlite3.connect(path)
    connection.execute("BEGIN IMMEDIATE")
    (item,) = connection.execute("SELECT id FROM stock_item WHERE sku = 'FL-55'").fetchone()
    (balance,) = connection.execute(
        "SELECT current_quantity FROM stock_item WHERE id = ?", (item,)).fetchone()
    rows = []
    for _ in range(count):
        balance += 10_000
        rows.append((item, 10_000, balance))
    connection.executemany(
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        "balance_after) VALUES (?, ?, 'in', 'purchase', ?)", rows)
    connection.execute("COMMIT")
    connection.close()


def _peak_while_exporting(target: Path) -> int:
    tracemalloc.start()
    try:
        services.export_csv("movements", target)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_an_export_is_streamed_in_constant_memory(kitchen, tmp_path):
    _many_movements(kitchen, 1_000)
    small = _peak_while_exporting(tmp_path / "small.csv")
    _many_movements(kitchen, 19_000)
    large = _peak_while_exporting(tmp_path / "large.csv")
    assert len(read_csv(tmp_path / "large.csv")) == 20_004
    # Twenty times the rows, the same memory (a list of them would take megabytes).
    assert large < small + 512 * 1024, (small, large)


def test_a_temporary_file_is_never_left_by_an_atomic_write(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), atomic_files.replacing(target) as handle:
        handle.write(b"half")
        raise RuntimeError("stopped")
    assert os.listdir(tmp_path) == []
