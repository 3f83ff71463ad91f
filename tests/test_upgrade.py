"""Files made by earlier versions open, upgrade in place after a backup, and keep every row."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from inventory_desktop import db, paths, seal_store, services

FIXTURES = Path(__file__).with_name("fixtures")


def _rows(path: Path, table: str) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        connection.close()


@pytest.fixture
def schema2_file(tmp_path: Path) -> Path:
    """A copy of the schema-2 fixture, with the key its seals were made with installed."""
    path = tmp_path / "kitchen.sqlite3"
    shutil.copy(FIXTURES / "schema2.sqlite3", path)
    keys = paths.config_dir() / seal_store.EXTRA_KEYS_DIR
    keys.mkdir(parents=True)
    shutil.copy(FIXTURES / "schema2.seal.key", keys / "fixture.key")
    return path


def test_a_schema_2_file_upgrades_with_every_movement_kept(schema2_file):
    tables = ("stock_item", "stock_movement", "stock_item_history", "audit_log", "seal")
    before = {table: _rows(schema2_file, table) for table in tables}
    info = db.open_database(schema2_file)
    assert info.schema_version == db.schema_version_known() and not info.schema_problems
    # Every item, movement, history and audit row and every seal is as it was
    # (new columns, such as an item's pack size, are added empty at the end).
    for table, rows in before.items():
        width = len(rows[0])
        assert [row[:width] for row in _rows(schema2_file, table)] == rows, table
        assert all(value is None for row in _rows(schema2_file, table) for value in row[width:])
    report = services.verify()
    assert report.ok, report.findings
    # The new schema works on the old data: a stocktake of the old items.
    flour = services.find_item("FL-55")
    services.update_item(flour.id, areas=[services.create_area("Dry store").id])
    count = services.start_stocktake()
    services.record_count(count.id, flour.id, services.find_area("Dry store").id, "30")
    services.commit_stocktake(count.id)
    assert services.get_item(flour.id).quantity == 30
    assert services.verify().ok
    backups = list(schema2_file.parent.glob("*.schema2-*.backup*"))
    assert len(backups) == 1
    assert _rows(backups[0], "stock_movement") == before["stock_movement"]


def test_a_schema_1_file_upgrades_through_every_schema(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema1.sqlite3", path)
    movements = _rows(path, "stock_movement")
    db.open_database(path)
    width = len(movements[0])
    assert [row[:8] + row[9:width] for row in _rows(path, "stock_movement")] == [
        row[:8] + row[9:] for row in movements]
    assert services.verify().ok
    assert services.count_movements() == len(movements)


def test_the_upgrade_keeps_numbering_movements_after_the_old_ones(schema2_file):
    newest = max(row[0] for row in _rows(schema2_file, "stock_movement"))
    db.open_database(schema2_file)
    movement = services.add_stock(services.find_item("EGG").id, "12")
    assert movement.id == newest + 1


@pytest.fixture
def schema3_file(tmp_path: Path) -> Path:
    """A copy of the schema-3 fixture (stocktakes, before costs), with its seal key installed."""
    path = tmp_path / "kitchen.sqlite3"
    shutil.copy(FIXTURES / "schema3.sqlite3", path)
    keys = paths.config_dir() / seal_store.EXTRA_KEYS_DIR
    keys.mkdir(parents=True)
    shutil.copy(FIXTURES / "schema3.seal.key", keys / "fixture.key")
    return path


def test_a_schema_3_file_keeps_every_row_and_shows_its_value_as_not_known(schema3_file):
    tables = ("stock_item", "stock_movement", "stock_item_history", "audit_log", "seal",
              "stocktake", "stocktake_count", "stocktake_explanation")
    before = {table: _rows(schema3_file, table) for table in tables}
    info = db.open_database(schema3_file)
    assert info.schema_version == db.schema_version_known() and not info.schema_problems
    for table, rows in before.items():
        width = len(rows[0])
        after = _rows(schema3_file, table)
        assert [row[:width] for row in after] == rows, table
        assert all(value is None for row in after for value in row[width:]), table
    assert services.verify().ok
    # Stock from before costs has no value; an item with none left is worth nothing.
    flour, butter = services.find_item("FL-55"), services.find_item("BUT")
    assert flour.value is None and flour.quantity == 30
    assert butter.value == 0
    valuation = services.stock_valuation()
    assert {line.name for line in valuation.unknown} == {"Flour T55", "Eggs"}
    assert valuation.total == 0
    # The first cost known values the stock on hand, and from then on every movement.
    services.add_stock(flour.id, "25", unit_cost="0.80")
    assert services.get_item(flour.id).value == Decimal("44")  # 55 kg at 0.80
    services.deduct_stock(flour.id, "5", "order_usage")
    assert services.get_item(flour.id).value == Decimal("40")
    assert services.verify().ok
