"""The value chain on PostgreSQL: each value by its rule, the item's value only the ledger's."""

from __future__ import annotations

import pytest

from .pg_helpers import add_item, balance, move, receive, refused


@pytest.fixture
def stock(pg_db):
    """25 kg of flour received at 0.82 a kg, then 1 kg used at the average; the app's connection."""
    with pg_db.connect("app") as connection:
        item = add_item(connection)
        receive(connection, item, 250_000, 8_200)
        move(connection, item, -10_000)
        yield connection, item


def test_the_values_follow_the_average_cost_rule(stock):
    connection, item = stock
    assert balance(connection, item) == (240_000, 196_800)  # 20.50 - 0.82
    receive(connection, item, 100_000, 9_000)  # 10 kg at 0.90
    move(connection, item, -30_000)  # 3 kg at (196.8k + 90k) / 34 kg, rounded
    assert balance(connection, item) == (310_000, 261_494)
    move(connection, item, -310_000)  # the last unit out takes what is left
    assert balance(connection, item) == (0, 0)
    assert connection.execute("SELECT current_quantity, current_value FROM stock_item"
                              ).fetchone() == (0, 0)


def test_a_wrong_value_after_is_refused(stock):
    connection, item = stock
    with refused(connection, "value_after must equal the previous value plus value_change"):
        move(connection, item, -10_000, valued_by="average", value_change=-8_200,
             value_after=196_800)


def test_a_value_not_at_the_average_cost_is_refused(stock):
    connection, item = stock
    with refused(connection, "value_change must be the quantity at the average cost"):
        move(connection, item, -10_000, valued_by="average", value_change=-8_000,
             value_after=188_800)


def test_a_receipt_must_be_priced_as_it_says(stock):
    connection, item = stock
    with refused(connection, "value_change must be quantity times unit_cost, rounded"):
        move(connection, item, 10_000, valued_by="unit_cost", unit_cost=8_200,
             value_change=8_300, value_after=205_100)
    with refused(connection, "its unit_cost is the total over the quantity"):
        move(connection, item, 30_000, valued_by="invoice", unit_cost=6_000,
             value_change=20_000, value_after=216_800)
    move(connection, item, 30_000, valued_by="invoice", unit_cost=6_667,
         value_change=20_000, value_after=216_800)


def test_known_value_stays_valued(stock):
    connection, item = stock
    with refused(connection, "stock of known value stays valued"):
        move(connection, item, -10_000, valued_by=None)


def test_a_revaluation_changes_the_value_only(stock):
    connection, item = stock
    move(connection, item, 0, kind="revaluation", reason="price_correction",
         valued_by="revaluation", value_change=3_200, value_after=200_000)
    assert connection.execute("SELECT current_value FROM stock_item").fetchone()[0] == 200_000
    with refused(connection, "stock_movement_reason_known"):
        move(connection, item, 0, kind="revaluation", reason="waste",
             valued_by="revaluation", value_change=1, value_after=200_001)


def test_the_items_value_can_only_be_the_ledgers(stock, pg_db):
    connection, _ = stock
    with refused(connection, "permission denied", sqlstate="42501"):
        connection.execute("UPDATE stock_item SET current_value = 1")
    with pg_db.connect() as owner, refused(owner, "current_value must equal the value after"):
        owner.execute("UPDATE stock_item SET current_value = 1")
    with refused(connection, "a new item has no value until stock arrives"):
        connection.execute("INSERT INTO stock_item (name, unit, current_value) "
                           "VALUES ('Salt', 'kg', 5)")


def test_a_reversal_takes_back_exactly_its_value(stock):
    connection, item = stock
    used = connection.execute("SELECT max(id) FROM stock_movement").fetchone()[0]
    with refused(connection, "a reversal undoes exactly the value"):
        move(connection, item, 10_000, kind="adjustment", reason="correction",
             reference_type="reversal", reference_id=str(used), valued_by="reversal",
             value_change=8_000, value_after=204_800)
    move(connection, item, 10_000, kind="adjustment", reason="correction",
         reference_type="reversal", reference_id=str(used), valued_by="reversal",
         value_change=8_200, value_after=205_000)
