"""The whole schema compared with this version's: every table, column, index, trigger, view.

Each change below passed `verify` when it only checked that trigger names
existed. Now verify names it, writes are refused (nothing changes in the
file) and reads still work.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import raw, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_desktop import db, services
from inventory_desktop.cli import main as cli_main
from inventory_desktop.errors import StructureChangedError

CHANGES = {
    "gutted trigger": (
        ["DROP TRIGGER stock_movement_append_only_delete",
         "CREATE TRIGGER stock_movement_append_only_delete BEFORE DELETE ON stock_movement "
         "BEGIN SELECT 1; END"],
        "trigger stock_movement_append_only_delete differs from this program's definition"),
    "replaced view": (
        ["DROP VIEW current_actor", "CREATE VIEW current_actor AS SELECT 'Ana' AS actor"],
        "view current_actor differs from this program's definition"),
    "renamed and replaced table": (
        ["ALTER TABLE audit_log RENAME TO audit_log_old",
         "CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT "
         "NULL, row_id INTEGER NOT NULL, action TEXT NOT NULL, changes TEXT NOT NULL, actor "
         "TEXT NOT NULL, at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))"],
        "table audit_log_old is not part of this program's schema"),
    "extra trigger": (
        ["CREATE TRIGGER keep_my_name AFTER DELETE ON write_context "
         "BEGIN INSERT INTO write_context (id, actor) VALUES (1, 'Ana'); END"],
        "trigger keep_my_name is not part of this program's schema"),
    "dropped unique index": (
        ["DROP INDEX stock_item_sku_unique"], "index stock_item_sku_unique is missing"),
    "dropped column": (
        ["ALTER TABLE audit_log DROP COLUMN at"],
        "table audit_log was changed: column at is missing"),
    "version set to 0": (
        ["PRAGMA user_version = 0"],
        "the file says it is at schema version 0, yet it holds tables"),
}


@pytest.fixture
def stocked(data_file: Path) -> Path:
    flour = services.create_item("Flour", "kg", sku="FL-1", initial_quantity="10")
    services.deduct_stock(flour.id, "2", "waste")
    db.close_database()
    return data_file


def _change(path: Path, statements: list[str]) -> None:
    with raw(path) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_changed_schema_is_named_and_refuses_writes(stocked, change):
    statements, difference = CHANGES[change]
    _change(stocked, statements)
    before = snapshot(stocked)
    info = db.open_database(stocked)
    assert any(difference in problem for problem in info.schema_problems)
    assert not info.writable
    # Reads still work...
    assert [item.name for item in services.list_items()] == ["Flour"]
    # ...writes are refused with the reason, and nothing is written.
    with pytest.raises(StructureChangedError, match="changed by another program"):
        services.add_stock(1, "1")
    assert snapshot(stocked) == before
    report = services.verify()
    assert any(difference in f.detail for f in report.of("schema"))


def test_a_schema_changed_while_the_file_is_open_is_noticed_at_the_next_write(stocked):
    db.open_database(stocked)
    services.add_stock(1, "1")
    _change(stocked, CHANGES["gutted trigger"][0])
    before = snapshot(stocked)
    with pytest.raises(StructureChangedError, match="stock_movement_append_only_delete"):
        services.add_stock(1, "1")
    assert snapshot(stocked) == before
    assert not db.current_file().writable


def test_statistics_tables_are_not_a_change(stocked):
    # ANALYZE (or PRAGMA optimize, which tools run) adds SQLite's own tables.
    _change(stocked, ["ANALYZE"])
    info = db.open_database(stocked)
    assert info.schema_problems == () and info.writable
    services.add_stock(1, "1")


def test_the_cli_refuses_writes_and_verify_names_each_change(stocked, capsys):
    _change(stocked, CHANGES["gutted trigger"][0] + CHANGES["dropped unique index"][0])
    before = snapshot(stocked)
    assert cli_main(["--db", str(stocked), "receive", "FL-1", "1"]) == 1
    err = capsys.readouterr().err
    assert "structure was changed by another program" in err and "and 1 more change" in err
    assert snapshot(stocked) == before
    assert cli_main(["--db", str(stocked), "verify"]) == 1
    out = capsys.readouterr().out
    assert "Structure: trigger stock_movement_append_only_delete differs" in out
    assert "Structure: index stock_item_sku_unique is missing" in out
    assert cli_main(["--db", str(stocked), "items", "list"]) == 0


def test_a_dropped_audit_log_is_a_sentence_not_a_crash(stocked, capsys):
    _change(stocked, ["DROP TABLE audit_log"])
    before = snapshot(stocked)
    assert cli_main(["--db", str(stocked), "receive", "FL-1", "1"]) == 1
    assert "table audit_log is missing" in capsys.readouterr().err
    assert cli_main(["--db", str(stocked), "verify"]) == 1
    assert "Structure: table audit_log is missing" in capsys.readouterr().out
    # The audit log itself cannot be read: a sentence, exit 1, never exit 3.
    db.open_database(stocked)
    with pytest.raises(StructureChangedError, match="no such table: audit_log"):
        services.audit_entries()
    db.close_database()
    assert snapshot(stocked) == before


def test_a_file_with_our_id_and_someone_elses_tables_is_a_sentence(tmp_path, capsys):
    path = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    connection.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version = {db.schema_version_known()}")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    for command in (["items", "list"], ["movements"], ["receive", "X-1", "1"], ["verify"]):
        assert cli_main(["--db", str(path), *command]) == 1, command
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        assert "structure was changed" in captured.err or "Structure:" in captured.out
    assert path.read_bytes() == before


def _objects(path: Path) -> list[tuple[str, str, str]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
    finally:
        connection.close()


def _altered(kind: str, name: str, sql: str) -> list[str]:
    """Statements that change one schema object and keep its name."""
    if kind == "table":
        return [f'ALTER TABLE "{name}" ADD COLUMN extra_note TEXT']
    if kind == "index":
        return [f'DROP INDEX "{name}"']
    if kind == "view":
        return [f'DROP VIEW "{name}"', sql.replace("AS", "AS /* theirs */", 1)]
    body_end = sql.rstrip().rfind("END")
    return [f'DROP TRIGGER "{name}"', sql[:body_end] + "SELECT 1; END"]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pick=st.integers(min_value=0))
def test_any_one_changed_object_is_named(tmp_path_factory, pick):
    path = tmp_path_factory.mktemp("schema") / "inventory.sqlite3"
    db.open_database(path)
    db.close_database()
    objects = _objects(path)
    kind, name, sql = objects[pick % len(objects)]
    _change(path, _altered(kind, name, sql))
    info = db.open_database(path)
    assert any(name in problem for problem in info.schema_problems), (kind, name)
    assert not info.writable
    db.close_database()
