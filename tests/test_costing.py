"""What the stock is worth: the moving-average rule case by case, its refusals, and its guards.

The property test (test_costing_properties.py) checks the rule on random
histories; these are the cases a manager meets, each read back from the file.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from conftest import raw, snapshot
from tamper import with_triggers_off

from inventory_desktop import services
from inventory_desktop.errors import (
    ConflictError,
    NotFoundError,
    RuleRefusedError,
    ValidationError,
)
from inventory_desktop.money import divide_rounded, format_amount, to_amount

# Runs on a SQLite file and on a PostgreSQL server's database.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def flour(data_file):
    return services.create_item("Flour", "kg", sku="FL-55")


def _values(path, item_id):
    connection = raw(path)
    try:
        return connection.execute(
            "SELECT quantity_change, value_change, value_after, valued_by, unit_cost "
            "FROM stock_movement WHERE stock_item_id = ? ORDER BY id", (item_id,)).fetchall()
    finally:
        connection.close()


# --- the rounding rule ------------------------------------------------------------------

@pytest.mark.parametrize(("numerator", "denominator", "expected"), [
    (5, 2, 3), (-5, 2, -3), (4, 3, 1), (-4, 3, -1), (5, -2, -3), (1, 3, 0), (2, 3, 1),
    (15, 10, 2), (-15, 10, -2), (14, 10, 1), (0, 7, 0),
])
def test_rounding_is_half_away_from_zero(numerator, denominator, expected):
    assert divide_rounded(numerator, denominator) == expected


def test_the_trigger_rounds_as_python_does(data_file):
    # The triggers' integer formula (2n + d) / (2d) for n, d >= 0, against Python's.
    connection = raw(data_file)
    for n, d in [(5, 2), (4, 3), (15, 10), (14, 10), (1, 3), (2, 3), (10**15 + 5, 10)]:
        sql = connection.execute("SELECT (2 * ? + ?) / (2 * ?)", (n, d, d)).fetchone()[0]
        assert sql == divide_rounded(n, d), (n, d)
    connection.close()


def test_amounts_are_parsed_exactly_and_shown_with_two_places():
    assert to_amount("0.82") == 8200
    assert to_amount("1234.5678") == 12345678
    assert format_amount(12345678, "€") == "€1,234.57"
    assert format_amount(-50, "$") == "-$0.01"
    with pytest.raises(ValidationError, match="exceed"):
        to_amount("10000000000")
    with pytest.raises(ValidationError):
        to_amount("0.00001")


# --- receipts ----------------------------------------------------------------------------

def test_a_receipt_adds_its_cost_per_unit_or_its_invoice_total(data_file, flour):
    services.add_stock(flour.id, "25", unit_cost="0.82")
    services.add_stock(flour.id, "3", total="10.00")
    assert _values(data_file, flour.id) == [
        (250000, 205000, 205000, "unit_cost", 8200),
        (30000, 100000, 305000, "invoice", 33333)]
    item = services.get_item(flour.id)
    assert item.value == Decimal("30.5") and item.average_cost == Decimal("1.0893")


def test_stock_going_out_leaves_at_the_average_cost(data_file, flour):
    services.add_stock(flour.id, "3", total="10")
    movement = services.deduct_stock(flour.id, "1", "order_usage")
    assert movement.value_change == Decimal("-3.3333")
    assert movement.value_after == Decimal("6.6667")


def test_the_last_unit_out_takes_exactly_what_is_left(data_file, flour):
    services.add_stock(flour.id, "3", total="10")
    out = [services.deduct_stock(flour.id, "1", "order_usage") for _ in range(3)]
    # 3.3333, then half of 6.6667 rounded up (3.3334), then the 3.3333 left: no residue.
    assert [m.value_change for m in out] == [Decimal("-3.3333"), Decimal("-3.3334"),
                                            Decimal("-3.3333")]
    assert out[-1].value_after == 0 and services.get_item(flour.id).value == 0


def test_an_uncosted_receipt_enters_at_the_average(data_file, flour):
    services.add_stock(flour.id, "4", unit_cost="1.50")
    movement = services.add_stock(flour.id, "2")
    assert (movement.value_change, movement.valued_by) == (Decimal("3"), "average")


def test_into_an_empty_item_uncosted_stock_takes_the_standard_cost_else_the_latest_paid(
        data_file, flour):
    services.update_item(flour.id, standard_cost="0.70")
    first = services.add_stock(flour.id, "10")
    assert (first.value_change, first.valued_by, first.unit_cost) == (
        Decimal("7"), "assumed", Decimal("0.7"))
    services.adjust_stock(flour.id, "0", "correction")
    services.add_stock(flour.id, "1", unit_cost="0.90")
    services.deduct_stock(flour.id, "1", "order_usage")
    services.update_item(flour.id, standard_cost=None)
    again = services.add_stock(flour.id, "5")
    assert (again.value_change, again.unit_cost) == (Decimal("4.5"), Decimal("0.9"))


def test_without_any_cost_an_items_value_is_not_known(data_file):
    eggs = services.create_item("Eggs", "piece", initial_quantity="30")
    assert services.get_item(eggs.id).value is None
    services.deduct_stock(eggs.id, "10", "order_usage")
    assert services.get_item(eggs.id).value is None
    services.deduct_stock(eggs.id, "20", "order_usage")
    assert services.get_item(eggs.id).value == 0  # nothing left is worth nothing


def test_the_first_cost_known_values_stock_from_before_costs(data_file):
    eggs = services.create_item("Eggs", "piece", initial_quantity="30")
    services.add_stock(eggs.id, "60", total="15.00")
    opening, receipt = services.list_movements(item_id=eggs.id, limit=2)[::-1]
    assert (opening.movement_type, opening.reason, opening.value_change) == (
        "revaluation", "opening_value", Decimal("7.5"))
    assert receipt.value_after == Decimal("22.5")


def test_a_new_items_initial_stock_can_carry_its_cost(data_file):
    item = services.create_item("Oil", "L", initial_quantity="10", unit_cost="2.10")
    assert services.get_item(item.id).value == Decimal("21")


def test_cost_refusals_change_nothing(data_file, flour):
    services.add_stock(flour.id, "1", unit_cost="1")
    before = snapshot(data_file)
    for kwargs, message in [
        ({"unit_cost": "1", "total": "2"}, "not both"),
        ({"unit_cost": "-1"}, "cannot be negative"),
        ({"total": "abc"}, "not a number"),
        ({"unit_cost": "0.00001"}, "4 decimal places"),
        ({"supplier_id": 99}, "no supplier"),
    ]:
        with pytest.raises((ValidationError, NotFoundError), match=message):
            services.add_stock(flour.id, "1", **kwargs)
    assert snapshot(data_file) == before


def test_a_receipt_names_its_supplier_and_an_archived_one_is_refused(data_file, flour):
    bakers = services.create_supplier("Bakers Ltd")
    movement = services.add_stock(flour.id, "5", unit_cost="1", supplier_id=bakers.id)
    assert movement.supplier_id == bakers.id
    services.set_supplier_active(bakers.id, False)
    with pytest.raises(ConflictError, match="archived"):
        services.add_stock(flour.id, "5", unit_cost="1", supplier_id=bakers.id)
    with pytest.raises(ConflictError, match="already a supplier"):
        services.create_supplier("BAKERS LTD")


# --- reversals and revaluations ----------------------------------------------------------

def test_a_reversal_takes_back_exactly_the_value_it_undoes(data_file, flour):
    services.add_stock(flour.id, "10", unit_cost="1")
    receipt = services.add_stock(flour.id, "10", unit_cost="2")
    services.deduct_stock(flour.id, "5", "order_usage")
    reversal = services.reverse_movement(receipt.id)
    assert reversal.value_change == Decimal("-20")
    assert reversal.value_after == Decimal("2.5")  # 30 - 7.5 - 20, for 5 kg left


def test_a_reversal_that_would_leave_stock_worth_less_than_nothing_is_refused(data_file, flour):
    services.add_stock(flour.id, "10", unit_cost="1")
    dear = services.add_stock(flour.id, "10", unit_cost="9")
    services.deduct_stock(flour.id, "9", "order_usage")  # 11 kg worth 55 left
    services.revalue_stock(flour.id, value="5")
    before = snapshot(data_file)
    with pytest.raises(ConflictError, match="worth less than nothing"):
        services.reverse_movement(dear.id)
    assert snapshot(data_file) == before


def test_a_revaluation_sets_the_value_and_leaves_the_quantity(data_file, flour):
    services.add_stock(flour.id, "10", unit_cost="1")
    movement = services.revalue_stock(flour.id, unit_cost="1.25", reason="price_correction",
                                      notes="invoice 4411 was wrong")
    assert (movement.quantity_change, movement.value_change, movement.value_after) == (
        0, Decimal("2.5"), Decimal("12.5"))
    with pytest.raises(ConflictError, match="correct it with another revaluation"):
        services.reverse_movement(movement.id)


def test_revaluation_refusals(data_file, flour):
    before = snapshot(data_file)
    with pytest.raises(ConflictError, match="no stock to value"):
        services.revalue_stock(flour.id, value="5")
    with pytest.raises(ValidationError, match="one of them"):
        services.revalue_stock(flour.id, value="5", unit_cost="1")
    with pytest.raises(ValidationError, match="not a reason to revalue"):
        services.revalue_stock(flour.id, value="5", reason="opening_value")
    assert snapshot(data_file) == before


def test_a_stocktake_variance_leaves_at_the_average_cost(data_file):
    store = services.create_area("Store")
    item = services.create_item("Rice", "kg", initial_quantity="10", unit_cost="2",
                                areas=[store.id])
    stocktake = services.start_stocktake("Monthly")
    services.record_count(stocktake.id, item.id, store.id, "7")
    services.commit_stocktake(stocktake.id)
    assert services.get_item(item.id).value == Decimal("14")
    assert services.verify().ok


# --- the file's guard --------------------------------------------------------------------

@pytest.mark.sqlite_only  # the file edited around its triggers; tests/pg has the server's
def test_another_program_cannot_bend_the_value_chain(data_file, flour):
    services.add_stock(flour.id, "10", unit_cost="1")
    connection = raw(data_file)
    insert = ("INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, "
              "reason, balance_after, created_by, value_change, value_after, valued_by, "
              "unit_cost) VALUES (?, ?, ?, ?, ?, 'x', ?, ?, ?, ?)")
    for row, message in [
        ((flour.id, -10000, "out", "waste", 90000, -10000, 80000, "average", None), "value_after"),
        ((flour.id, -10000, "out", "waste", 90000, -5000, 95000, "average", None), "average"),
        ((flour.id, 10000, "in", "purchase", 110000, 30000, 130000, "unit_cost", 20000),
         "unit_cost"),
        ((flour.id, -10000, "out", "waste", 90000, None, None, None, None), "stays valued"),
        ((flour.id, -100000, "out", "waste", 0, -50000, 50000, "average", None), "worth nothing"),
    ]:
        with pytest.raises(sqlite3.IntegrityError, match=message):
            connection.execute(insert, row)
    with pytest.raises(sqlite3.IntegrityError, match="current_value"):
        connection.execute("UPDATE stock_item SET current_value = 1 WHERE id = ?", (flour.id,))
    connection.close()


@pytest.mark.sqlite_only  # the file edited around its triggers; tests/pg has the server's
def test_verify_names_a_value_changed_with_the_triggers_off(data_file, flour):
    services.add_stock(flour.id, "10", unit_cost="1")
    movement = services.deduct_stock(flour.id, "4", "order_usage")
    with_triggers_off(data_file, [
        ("UPDATE stock_movement SET value_change = -30000, value_after = 70000 WHERE id = ?",
         (movement.id,)),
        ("UPDATE stock_item SET current_value = 70000 WHERE id = ?", (flour.id,)),
    ])
    findings = services.verify().of("value")
    assert [(f.name, f.detail) for f in findings] == [
        ("Flour", f"movement {movement.id}: by the average cost its value change is "
                  "-4.0000, not -3.0000")]


@pytest.mark.sqlite_only  # the file edited around its triggers; tests/pg has the server's
def test_verify_names_an_items_value_apart_from_its_ledger(data_file, flour):
    services.add_stock(flour.id, "10", unit_cost="1")
    with_triggers_off(data_file, [
        ("UPDATE stock_item SET current_value = 1 WHERE id = ?", (flour.id,))])
    assert [f.detail for f in services.verify().of("value")] == [
        "its value is 0.0001 but its latest movement leaves 10.0000"]


def test_the_service_refuses_what_the_trigger_would(data_file, flour):
    # A revaluation below zero never reaches the file as a bare rule refusal.
    services.add_stock(flour.id, "1", unit_cost="1")
    with pytest.raises((ValidationError, RuleRefusedError), match="cannot be negative"):
        services.revalue_stock(flour.id, value="-1")
