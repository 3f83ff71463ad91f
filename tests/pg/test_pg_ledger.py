"""The ledger's rules on PostgreSQL, for every connection: checked by writing and reading back."""

from __future__ import annotations

import json

import pytest

from .pg_helpers import act, add_item, move, refused, snapshot

APPEND_ONLY = ("stock_movement", "stock_item_history", "audit_log")


@pytest.fixture
def ledger(pg_db):
    """An item with two movements, written by the program as 'ana'; the app's connection."""
    with pg_db.connect("app") as connection:
        act(connection, "ana")
        item = add_item(connection, threshold=50_000)
        move(connection, item, 250_000)
        move(connection, item, -10_000)
        connection.execute("COMMIT")
        yield connection, item


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_program_may_not_update_delete_or_truncate_the_append_only_tables(ledger, table):
    connection, _ = ledger
    for statement in (f"UPDATE {table} SET {_column(table)} = {_column(table)}",
                      f"DELETE FROM {table}", f"TRUNCATE {table}"):
        with refused(connection, "permission denied", sqlstate="42501"):
            connection.execute(statement)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_even_the_owner_cannot_rewrite_them_with_the_triggers_on(ledger, pg_db, table):
    with pg_db.connect() as owner:
        for statement in (f"UPDATE {table} SET {_column(table)} = {_column(table)}",
                          f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
            with refused(owner, "append-only"):
                owner.execute(statement)


def _column(table: str) -> str:
    return {"stock_movement": "notes", "stock_item_history": "history_by"}.get(table, "actor")


def test_the_program_cannot_write_history_or_audit_itself(ledger):
    connection, item = ledger
    with refused(connection, "permission denied", sqlstate="42501"):
        connection.execute("INSERT INTO audit_log (table_name, row_id, action, changes, actor) "
                           "VALUES ('stock_item', %s, 'update', '{}', 'ana')", (item,))
    with refused(connection, "permission denied", sqlstate="42501"):
        connection.execute("INSERT INTO stock_item_history (history_type, history_by, id) "
                           "VALUES ('update', 'ana', %s)", (item,))


def test_the_program_cannot_switch_the_rules_off(ledger):
    connection, _ = ledger
    with refused(connection, "must be owner", sqlstate="42501"):
        connection.execute("ALTER TABLE stock_movement DISABLE TRIGGER USER")
    with refused(connection, "must be owner", sqlstate="42501"):
        connection.execute("DROP TRIGGER movement_10_continues_balance ON stock_movement")
    with refused(connection, "permission denied", sqlstate="42501"):
        connection.execute("SET session_replication_role = replica")
    with refused(connection, "permission denied", sqlstate="42501"):
        connection.execute("CREATE FUNCTION inventory.refuse(message text) RETURNS void "
                           "LANGUAGE sql AS 'SELECT 1'")


def test_a_movement_must_continue_the_balance(ledger):
    connection, item = ledger
    with refused(connection, "balance_after must equal the previous balance plus quantity_change"):
        move(connection, item, 10_000, balance_after=260_000)
    with refused(connection, "balance_after must equal"):
        move(connection, item, -10_000, balance_after=0, valued_by=None)
    move(connection, item, 10_000)  # the right balance is taken
    assert connection.execute("SELECT current_quantity FROM stock_item WHERE id = %s",
                              (item,)).fetchone()[0] == 250_000


def test_the_quantity_can_only_be_the_ledgers(ledger, pg_db):
    connection, item = ledger
    with refused(connection, "permission denied", sqlstate="42501"):
        connection.execute("UPDATE stock_item SET current_quantity = 1")
    with pg_db.connect() as owner, refused(owner, "current_quantity must equal the balance"):
        owner.execute("UPDATE stock_item SET current_quantity = 1")


def test_one_insert_of_several_movements_of_an_item_chains_them(ledger):
    connection, item = ledger
    connection.execute(
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        "balance_after) VALUES (%s, 5, 'in', 'purchase', 240005), "
        "(%s, 7, 'in', 'purchase', 240012)", (item, item))
    assert connection.execute("SELECT current_quantity FROM stock_item").fetchone()[0] == 240_012
    with refused(connection, "balance_after must equal"):
        connection.execute(
            "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
            "balance_after) VALUES (%s, 5, 'in', 'purchase', 240017), "
            "(%s, 7, 'in', 'purchase', 240019)", (item, item))


def test_another_tools_edit_is_recorded_as_unknown_with_its_login(ledger, pg_db):
    _, item = ledger
    with pg_db.connect("tool") as tool:
        tool.execute("UPDATE stock_item SET name = 'Flour T55' WHERE id = %s", (item,))
    with pg_db.connect() as owner:
        history = owner.execute(
            "SELECT history_type, history_by, name, db_user FROM stock_item_history "
            "WHERE id = %s ORDER BY history_id DESC LIMIT 1", (item,)).fetchone()
        audit = owner.execute(
            "SELECT action, changes, actor, db_user FROM audit_log WHERE table_name = 'stock_item' "
            "ORDER BY id DESC LIMIT 1").fetchone()
    assert history == ("update", "unknown", "Flour T55", "inventory_test_tool")
    assert audit[0] == "update" and audit[2:] == ("unknown", "inventory_test_tool")
    assert json.loads(audit[1]) == {"name": ["Flour", "Flour T55"]}


def test_the_actor_lasts_for_its_transaction_only(pg_db):
    with pg_db.connect("app") as connection:
        act(connection, "ana")
        item = add_item(connection)
        connection.execute("COMMIT")
        # Once set in a session, the setting reads '' afterwards, not NULL.
        connection.execute("UPDATE stock_item SET name = 'Rye flour' WHERE id = %s", (item,))
        by = [row[0] for row in connection.execute(
            "SELECT actor FROM audit_log ORDER BY id").fetchall()]
    assert by == ["ana", "unknown"]


def test_history_and_audit_follow_every_change_with_the_actor(ledger, pg_db):
    connection, item = ledger
    with pg_db.connect() as owner:
        kinds = owner.execute("SELECT history_type, history_by, current_quantity FROM "
                              "stock_item_history ORDER BY history_id").fetchall()
        audit = owner.execute("SELECT table_name, action, actor FROM audit_log "
                              "ORDER BY id").fetchall()
    assert kinds == [("insert", "ana", 0), ("update", "ana", 250_000), ("update", "ana", 240_000)]
    assert audit == [("stock_item", "insert", "ana"), ("stock_item", "update", "ana"),
                     ("stock_movement", "insert", "ana"), ("stock_item", "update", "ana"),
                     ("stock_movement", "insert", "ana")]


def test_times_are_real_utc_times_in_order_per_item(ledger):
    connection, item = ledger
    for bad in ("2026-02-30T10:00:00.000Z", "2026-11-24 10:00:00", "2026-11-24T10:00:00Z",
                "2026-11-24T24:00:00.000Z"):
        with refused(connection, "created_at must be a UTC time written YYYY-MM-DDTHH:MM:SS.SSSZ"):
            move(connection, item, 1, created_at=bad)
    with refused(connection, "cannot be dated before the movement recorded ahead of it"):
        move(connection, item, 1, created_at="2020-01-01T00:00:00.000Z")
    # Another item has a ledger of its own: its first movement may be earlier.
    other = add_item(connection, "Sugar", "SU-1")
    move(connection, other, 1, created_at="2020-01-01T00:00:00.000Z")
    move(connection, other, 1, created_at="2024-02-29T23:59:59.999Z")


def test_skus_are_ascii_not_only_digits_and_unique_ignoring_case(ledger):
    connection, _ = ledger
    for sku in ("1234", "CAFÉ-1", "ＦＬ－５５", "FL\u200b55"):
        with refused(connection, "a SKU may use only"):
            add_item(connection, "Other", sku)
    with refused(connection, "stock_item_sku_unique", sqlstate="23505"):
        add_item(connection, "Other", "fl-55")
    with refused(connection, "a SKU may use only"):
        connection.execute("UPDATE stock_item SET sku = '55'")


def test_an_item_keeps_its_unit_movements_and_archive(ledger):
    connection, item = ledger
    with refused(connection, "its unit cannot change"):
        connection.execute("UPDATE stock_item SET unit = 'g'")
    with refused(connection, "cannot be deleted; archive it instead"):
        connection.execute("DELETE FROM stock_item")
    with refused(connection, "permission denied", sqlstate="42501"):
        connection.execute("TRUNCATE stock_item CASCADE")
    connection.execute("UPDATE stock_item SET is_active = false")
    with refused(connection, "the item is archived"):
        move(connection, item, 1)
    with refused(connection, "a new item starts at quantity 0"):
        connection.execute("INSERT INTO stock_item (name, unit, current_quantity) "
                           "VALUES ('Salt', 'kg', 5)")


def test_an_item_without_movements_is_deleted_with_its_history(pg_db):
    with pg_db.connect("app") as connection:
        item = add_item(connection)
        connection.execute("DELETE FROM stock_item WHERE id = %s", (item,))
        kinds = connection.execute("SELECT history_type FROM stock_item_history "
                                   "ORDER BY history_id").fetchall()
        assert kinds == [("insert",), ("delete",)]
        assert add_item(connection, "Flour again") > item  # ids are never reused


def test_a_movement_is_reversed_once_exactly(ledger):
    connection, item = ledger
    out = connection.execute("SELECT max(id) FROM stock_movement").fetchone()[0]
    for reference, change in ((str(out), 5_000), (f"0{out}", 10_000), ("1", 10_000)):
        with refused(connection, "a reversal must undo exactly one earlier movement"):
            move(connection, item, change, kind="adjustment", reason="correction",
                 reference_type="reversal", reference_id=reference)
    move(connection, item, 10_000, kind="adjustment", reason="correction",
         reference_type="reversal", reference_id=str(out))
    with refused(connection, "stock_movement_reversed_once", sqlstate="23505"):
        move(connection, item, 10_000, kind="adjustment", reason="correction",
             reference_type="reversal", reference_id=str(out))


def test_an_id_given_by_hand_moves_the_numbering_on(ledger, pg_db):
    connection, item = ledger
    move(connection, item, 1, id=1000)
    assert move(connection, item, 1) == 1001
    with refused(connection, "stock_movement_id_check"):
        move(connection, item, 1, id=2**52 + 1)
    with pg_db.connect() as owner:
        owner.execute("INSERT INTO stock_item (id, name, unit) VALUES (500, 'Salt', 'kg')")
    assert add_item(connection, "Pepper", None) == 501


def test_an_operation_key_names_one_operation(ledger):
    connection, item = ledger
    connection.execute("UPDATE stock_item SET name = name")  # the program never sets op_key
    move(connection, item, 1, op_key="k-1")
    with refused(connection, "stock_movement_op_key_key", sqlstate="23505"):
        move(connection, item, 1, op_key="k-1")
    with refused(connection, "already used for a movement"):
        connection.execute("INSERT INTO stock_item (name, unit, op_key) VALUES ('X', 'kg', 'k-1')")
    connection.execute("INSERT INTO stock_item (name, unit, op_key) VALUES ('Y', 'kg', 'k-2')")
    with refused(connection, "already used to create an item"):
        move(connection, item, 1, op_key="k-2")


def test_the_report_role_reads_everything_and_writes_nothing(ledger, pg_db):
    with pg_db.connect("report") as report:
        assert set(snapshot(report)) >= {"stock_item", "stock_movement", "audit_log", "stocktake"}
        for statement in ("INSERT INTO stock_item (name, unit) VALUES ('X', 'kg')",
                          "UPDATE stock_item SET name = 'X'", "DELETE FROM stock_item"):
            with refused(report, "permission denied", sqlstate="42501"):
                report.execute(statement)
