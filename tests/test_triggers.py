"""The file guards itself: triggers checked by what they refuse and the rows they write.

Every edit here goes through `raw(path)`, a plain sqlite3 connection such as
another tool would open, without our pragmas or our actor.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import raw, snapshot

from inventory_desktop import services


@pytest.fixture
def flour(data_file):
    item = services.create_item("Flour", "kg", sku="FL-1", initial_quantity="10",
                                user="Maria")
    services.deduct_stock(item.id, "2.5", "order_usage", user="Maria")
    return item


def _refused(path, sql: str, params: tuple = (), *, foreign_keys: bool = True) -> str:
    before = snapshot(path)
    connection = raw(path)
    try:
        connection.execute(f"PRAGMA foreign_keys = {int(foreign_keys)}")
        with pytest.raises(sqlite3.DatabaseError) as refusal:
            connection.execute(sql, params)
    finally:
        connection.close()
    assert snapshot(path) == before
    return str(refusal.value)


def _audit(path, table: str, row_id: int) -> list[tuple[str, dict, str]]:
    with raw(path) as connection:
        rows = connection.execute(
            "SELECT action, changes, actor FROM audit_log "
            "WHERE table_name = ? AND row_id = ? ORDER BY id", (table, row_id)).fetchall()
    connection.close()
    return [(action, json.loads(changes), actor) for action, changes, actor in rows]


def _history(path, item_id: int) -> list[tuple]:
    with raw(path) as connection:
        rows = connection.execute(
            "SELECT history_type, history_by, name, sku, current_quantity, is_active "
            "FROM stock_item_history WHERE id = ? ORDER BY history_id", (item_id,)).fetchall()
    connection.close()
    return rows


# Append-only ------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "UPDATE stock_movement SET quantity_change = 999 WHERE id = 1",
    "UPDATE stock_movement SET notes = 'edited'",
    "DELETE FROM stock_movement WHERE id = 2",
    "DELETE FROM stock_movement",
    "UPDATE stock_item_history SET name = 'Sugar'",
    "DELETE FROM stock_item_history",
    "UPDATE audit_log SET actor = 'nobody'",
    "DELETE FROM audit_log WHERE id = 1",
    "DELETE FROM audit_log",
])
def test_the_ledger_history_and_audit_are_append_only(data_file, flour, sql):
    message = _refused(data_file, sql)
    assert "append-only" in message


def test_append_only_holds_with_foreign_keys_off(data_file, flour):
    assert "append-only" in _refused(
        data_file, "DELETE FROM stock_movement WHERE id = 1", foreign_keys=False)


# INSERT OR REPLACE deletes the row in its way without running DELETE triggers
# (recursive_triggers is off by default): each of these would silently rewrite
# history if only UPDATE and DELETE were guarded.
@pytest.mark.parametrize("sql", [
    # Same values as movement 2 except who and why: passes every balance check.
    "INSERT OR REPLACE INTO stock_movement (id, stock_item_id, quantity_change, movement_type, "
    "reason, balance_after, notes, created_by) "
    "VALUES (2, 1, -25000, 'out', 'theft', 75000, 'rewritten', 'someone')",
    "REPLACE INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
    "balance_after, op_key) VALUES (1, 1, 'in', 'purchase', 75001, 'delivery-7')",
    "INSERT OR REPLACE INTO audit_log (id, table_name, row_id, action, changes, actor) "
    "VALUES (1, 'stock_item', 1, 'insert', '{}', 'forged')",
    "INSERT OR REPLACE INTO stock_item_history (history_id, history_type, history_by, id) "
    "VALUES (1, 'insert', 'forged', 1)",
    "REPLACE INTO stock_item (id, name, unit) VALUES (1, 'Forged', 'kg')",
    "REPLACE INTO stock_item (name, unit, sku) VALUES ('Forged', 'kg', 'fl-1')",
    "UPDATE OR REPLACE stock_item SET sku = 'FL-1' WHERE sku = 'SU-2'",
], ids=["movement-id", "movement-op-key", "audit", "history", "item-id", "item-sku",
        "item-update-sku"])
@pytest.mark.parametrize("foreign_keys", [True, False], ids=["fk-on", "fk-off"])
def test_replace_cannot_rewrite_or_remove_recorded_rows(data_file, flour, sql, foreign_keys):
    services.create_item("Sugar", "kg", sku="SU-2")
    services.add_stock(flour.id, "0.0001", op_key="delivery-7")
    services.deduct_stock(flour.id, "0.0001", "waste")
    _refused(data_file, sql, foreign_keys=foreign_keys)


def test_replace_cannot_remove_a_reversal(data_file, flour):
    services.reverse_movement(2, "correction")
    _refused(data_file,
             "INSERT OR REPLACE INTO stock_movement (stock_item_id, quantity_change, "
             "movement_type, reason, reference_type, reference_id, balance_after) "
             "VALUES (?, 25000, 'in', 'correction', 'reversal', '2', 125000)", (flour.id,),
             foreign_keys=False)


# Quantity follows the ledger ----------------------------------------------------

def test_a_quantity_that_disagrees_with_the_ledger_is_refused(data_file, flour):
    message = _refused(data_file, "UPDATE stock_item SET current_quantity = 999 WHERE id = ?",
                       (flour.id,))
    assert "latest movement" in message
    # Setting it to what the ledger already says is harmless and allowed.
    with raw(data_file) as connection:
        connection.execute("UPDATE stock_item SET current_quantity = 75000 WHERE id = ?",
                           (flour.id,))
    connection.close()
    report = services.verify()
    assert [f.check for f in report.findings] == ["foreign_rows"]  # another tool's rows


def test_a_new_item_must_start_empty(data_file):
    message = _refused(
        data_file, "INSERT INTO stock_item (name, unit, current_quantity) VALUES ('X', 'kg', 5)")
    assert "starts at quantity 0" in message


@pytest.mark.parametrize(("change", "balance"), [(10000, 10000), (10000, 95000), (-1, 74998)])
def test_a_movement_with_a_wrong_balance_after_is_refused(data_file, flour, change, balance):
    message = _refused(
        data_file,
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        "balance_after) VALUES (?, ?, ?, 'correction', ?)",
        (flour.id, change, "in" if change > 0 else "out", balance))
    assert "balance_after" in message


def test_a_movement_that_would_go_below_zero_is_refused(data_file, flour):
    _refused(data_file,
             "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
             "balance_after) VALUES (?, -80000, 'out', 'waste', -5000)", (flour.id,))


def test_a_movement_for_a_missing_item_is_refused_even_without_foreign_keys(data_file, flour):
    _refused(data_file,
             "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
             "balance_after) VALUES (999, 1, 'in', 'purchase', 1)", foreign_keys=False)


def test_a_movement_inserted_before_the_latest_one_is_refused(data_file, flour):
    # id 0 sorts before the item's existing movements 1 and 2.
    message = _refused(
        data_file,
        "INSERT INTO stock_movement (id, stock_item_id, quantity_change, movement_type, reason, "
        "balance_after) VALUES (0, ?, 10000, 'in', 'purchase', 10000)", (flour.id,))
    assert "appended after" in message


@pytest.mark.parametrize("change, balance, column", [
    ("0.5", "75000", "quantity_change"),      # a fraction of a ten-thousandth
    ("'lots'", "75000", "quantity_change"),
    ("1", "75001.5", "balance_after"),
])
def test_a_fractional_or_text_quantity_is_refused(data_file, flour, change, balance, column):
    message = _refused(
        data_file,
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        f"balance_after) VALUES (?, {change}, 'in', 'purchase', {balance})", (flour.id,))
    assert "CHECK constraint failed" in message and column in message


def test_a_reversal_must_undo_exactly_the_movement_it_names(data_file, flour):
    message = _refused(
        data_file,
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        "reference_type, reference_id, balance_after) "
        "VALUES (?, -10000, 'out', 'correction', 'reversal', '2', 65000)", (flour.id,))
    assert "reversal" in message


def test_a_movement_cannot_be_reversed_twice_by_another_tool(data_file, flour):
    services.reverse_movement(2, "correction")
    _refused(data_file,
             "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
             "reference_type, reference_id, balance_after) "
             "VALUES (?, 25000, 'in', 'correction', 'reversal', '2', 125000)", (flour.id,))


@pytest.mark.parametrize("foreign_keys", [True, False])
def test_an_item_with_movements_cannot_be_deleted(data_file, flour, foreign_keys):
    message = _refused(data_file, "DELETE FROM stock_item WHERE id = ?", (flour.id,),
                       foreign_keys=foreign_keys)
    if not foreign_keys:
        assert "archive it instead" in message


def test_an_items_id_cannot_change(data_file, flour):
    _refused(data_file, "UPDATE stock_item SET id = 77 WHERE id = ?", (flour.id,),
             foreign_keys=False)


# History and audit ---------------------------------------------------------------

def test_an_external_edit_is_recorded_in_history_and_audit_as_unknown(data_file, flour):
    services.update_item(flour.id, name="Bread flour", user="Maria")
    with raw(data_file) as connection:
        connection.execute("UPDATE stock_item SET name = 'Rye flour' WHERE id = ?", (flour.id,))
    connection.close()

    history = _history(data_file, flour.id)
    assert history[-2][:3] == ("update", "Maria", "Bread flour")
    assert history[-1][:3] == ("update", "unknown", "Rye flour")
    assert history[-1][3:] == ("FL-1", 75000, 1)
    audit = _audit(data_file, "stock_item", flour.id)
    assert audit[-2] == ("update", {"name": ["Flour", "Bread flour"],
                                    "updated_at": audit[-2][1]["updated_at"]}, "Maria")
    assert audit[-1] == ("update", {"name": ["Bread flour", "Rye flour"]}, "unknown")
    # The service reads it back as any other change.
    assert services.get_item(flour.id).name == "Rye flour"
    assert [h.history_by for h in services.item_history(flour.id)][-1] == "unknown"


def test_the_programs_edits_carry_the_operators_name(data_file, flour):
    services.archive_item(flour.id, user="Ana")
    services.restore_item(flour.id)
    history = _history(data_file, flour.id)
    assert history[0][:2] == ("insert", "Maria")
    assert history[-2][:2] == ("update", "Ana") and history[-2][5] == 0
    assert history[-1][:2] == ("update", services.operator_name()) and history[-1][5] == 1
    actors = {actor for _, _, actor in _audit(data_file, "stock_movement", 1)}
    assert actors == {"Maria"}


def test_an_external_insert_and_delete_of_an_item_are_recorded(data_file):
    with raw(data_file) as connection:
        item_id = connection.execute(
            "INSERT INTO stock_item (name, unit, sku) VALUES ('Salt', 'kg', 'SA')").lastrowid
        connection.execute("DELETE FROM stock_item WHERE id = ?", (item_id,))
    connection.close()
    assert [row[:3] for row in _history(data_file, item_id)] == [
        ("insert", "unknown", "Salt"), ("delete", "unknown", "Salt")]
    audit = _audit(data_file, "stock_item", item_id)
    assert [(action, actor) for action, _, actor in audit] == [
        ("insert", "unknown"), ("delete", "unknown")]
    assert audit[0][1]["sku"] == [None, "SA"]
    assert audit[1][1]["name"] == ["Salt", None]


def test_a_correct_movement_from_another_tool_moves_the_quantity_and_is_audited(data_file, flour):
    with raw(data_file) as connection:
        movement_id = connection.execute(
            "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
            "balance_after, created_by) VALUES (?, 12500, 'in', 'purchase', 87500, 'importer')",
            (flour.id,)).lastrowid
    connection.close()
    assert services.get_item(flour.id).quantity == 8.75
    audit = _audit(data_file, "stock_movement", movement_id)
    assert len(audit) == 1
    action, changes, actor = audit[0]
    assert (action, actor) == ("insert", "unknown")
    assert changes["quantity_change"] == [None, 12500]
    assert changes["balance_after"] == [None, 87500]
    # The item's quantity change is itself in the item's history and audit.
    assert _history(data_file, flour.id)[-1][:2] == ("update", "unknown")
    assert _audit(data_file, "stock_item", flour.id)[-1][1]["current_quantity"] == [75000, 87500]
    # The ledger holds; what the tool wrote is shown as its, unsealed, until accepted.
    report = services.verify()
    assert [f.check for f in report.findings] == ["foreign_rows"]
    # The movement, the item's new state, and their two audit entries.
    assert report.foreign_rows["stock_movement"] == [movement_id]
    assert len(report.foreign_rows["stock_item_history"]) == 1
    assert len(report.foreign_rows["audit_log"]) == 2
    assert services.accept_foreign_rows(user="Maria") == 4
    assert services.verify().ok


def test_a_refused_edit_leaves_no_history_or_audit(data_file, flour):
    before = snapshot(data_file)
    with raw(data_file) as connection, pytest.raises(sqlite3.IntegrityError):
        connection.execute("UPDATE stock_item SET name = '   ' WHERE id = ?", (flour.id,))
    connection.close()
    assert snapshot(data_file) == before


def test_triggers_work_without_any_function_of_ours(data_file, flour):
    # The sqlite3 command-line shell is another tool; a plain connection with
    # no user functions defined must be able to record a movement.
    connection = sqlite3.connect(data_file)
    connection.execute(
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        "balance_after) VALUES (?, -5000, 'out', 'waste', 70000)", (flour.id,))
    connection.commit()
    connection.close()
    assert services.get_item(flour.id).quantity == 7


# verify -----------------------------------------------------------------------

def test_verify_catches_a_tampered_quantity(data_file, flour):
    other = services.create_item("Sugar", "kg", sku="SU-9", initial_quantity="4")
    assert services.verify().ok
    with raw(data_file) as connection:
        connection.execute("DROP TRIGGER stock_item_quantity_follows_ledger")
        connection.execute("UPDATE stock_item SET current_quantity = 123450 WHERE id = ?",
                           (flour.id,))
    connection.close()

    report = services.verify()
    assert not report.ok
    assert [f.detail for f in report.of("schema")] == [
        "trigger stock_item_quantity_follows_ledger is missing"]
    ledger = report.of("ledger")
    assert [(p.item_id, p.sku, p.name) for p in ledger] == [(flour.id, "FL-1", "Flour")]
    assert "12.345" in ledger[0].detail and "7.5" in ledger[0].detail
    assert other.id not in {p.item_id for p in ledger}
    assert report.of("integrity") == [] and report.of("foreign_keys") == []


def test_verify_catches_a_broken_running_sum(data_file, flour):
    with raw(data_file) as connection:
        for name in ("stock_movement_continues_balance", "stock_movement_append_only_update"):
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute("UPDATE stock_movement SET balance_after = 90000 WHERE id = 1")
    connection.close()
    report = services.verify()
    assert len(report.of("schema")) == 2
    problems = [(p.sku, p.name, p.detail) for p in report.of("ledger")]
    assert problems and all(sku == "FL-1" and name == "Flour" for sku, name, _ in problems)
    assert any("movement 1" in detail for _, _, detail in problems)
    # The seal names the row that was changed behind the triggers' back.
    assert "movement 1 was changed after it was sealed (seal 1)" in {
        f.detail for f in report.of("seal")}


def test_verify_reports_a_movement_whose_item_was_deleted_behind_our_back(data_file, flour):
    with raw(data_file) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("DROP TRIGGER stock_item_keeps_movements")
        connection.execute("DELETE FROM stock_item WHERE id = ?", (flour.id,))
    connection.close()
    report = services.verify()
    assert not report.ok
    assert report.of("foreign_keys")
    assert "trigger stock_item_keeps_movements is missing" in {
        f.detail for f in report.of("schema")}


def test_a_stale_actor_row_left_by_another_tool_does_not_block_or_mislabel(data_file, flour):
    # A tool may name itself by writing write_context, and forget to delete it.
    with raw(data_file) as connection:
        connection.execute("INSERT INTO write_context (id, actor) VALUES (1, 'importer')")
    connection.close()
    services.add_stock(flour.id, "1", user="Ana")
    actors = [actor for _, _, actor in _audit(data_file, "stock_movement", 3)]
    assert actors == ["Ana"]
    with raw(data_file) as connection:
        assert connection.execute("SELECT count(*) FROM write_context").fetchone() == (0,)
    connection.close()
