"""The service API: what each action writes to the file, and that every refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import raw, snapshot

from inventory_desktop import services
from inventory_desktop.errors import (
    ConflictError,
    DuplicateSkuError,
    InsufficientStockError,
    InventoryError,
    NotFoundError,
    ValidationError,
)

# Every test here runs on a SQLite file and on a PostgreSQL server's database.
pytestmark = pytest.mark.both_backends


def refused(path: Path, error: type[InventoryError], action, *args, match: str | None = None,
            **kwargs) -> InventoryError:
    """Run a service call that must be refused; every table must be unchanged after it."""
    before = snapshot(path)
    with pytest.raises(error, match=match) as refusal:
        action(*args, **kwargs)
    assert snapshot(path) == before
    message = str(refusal.value)
    assert message[:1].isupper() or message[:1] == "'", message
    assert message.rstrip("'\")").endswith("."), message
    return refusal.value


def movements_in_file(path: Path, item_id: int) -> list[tuple]:
    with raw(path) as connection:
        rows = connection.execute(
            "SELECT quantity_change, movement_type, reason, balance_after, created_by "
            "FROM stock_movement WHERE stock_item_id = ? ORDER BY id", (item_id,)).fetchall()
    connection.close()
    return rows


def stored_quantity(path: Path, item_id: int) -> int:
    with raw(path) as connection:
        (units,) = connection.execute(
            "SELECT current_quantity FROM stock_item WHERE id = ?", (item_id,)).fetchone()
    connection.close()
    return units


@pytest.fixture
def flour(data_file):
    return services.create_item("Flour", "kg", sku="FL-1", initial_quantity="10", user="Maria")


# Creating items ---------------------------------------------------------------

def test_create_without_initial_quantity_writes_no_movement(data_file):
    item = services.create_item("Salt", "kg")
    assert item.quantity == 0 and item.is_active and item.sku is None
    assert movements_in_file(data_file, item.id) == []
    assert stored_quantity(data_file, item.id) == 0


def test_create_with_initial_quantity_books_an_initial_receipt(data_file):
    item = services.create_item("Flour", "kg", initial_quantity="12.5", user="Maria")
    assert item.quantity == Decimal("12.5")
    assert movements_in_file(data_file, item.id) == [(125000, "in", "initial", 125000, "Maria")]
    assert stored_quantity(data_file, item.id) == 125000


@pytest.mark.parametrize(("typed", "units"), [
    ("0.0001", 1), ("999999.9999", 9_999_999_999), ("1.50", 15000), (" 3 ", 30000),
    (Decimal("2.125"), 21250), (7, 70000), (0.1, 1000), ("1.00000", 10000),
])
def test_quantities_are_stored_exactly(data_file, typed, units):
    item = services.create_item("Flour", "kg")
    movement = services.add_stock(item.id, typed)
    assert stored_quantity(data_file, item.id) == units
    assert movement.quantity_change == Decimal(units) / 10000
    assert services.get_item(item.id).quantity == Decimal(units).scaleb(-4)


@pytest.mark.parametrize("typed", [
    "0.00001", "1.23456", "NaN", "nan", "inf", "-Infinity", "1e400", "1e-400", "1000000",
    "999999.99991", "-1", "-0.0001", "0", "0.0000", "", "   ", "abc", "1,5", "0x10", "1_000",
    True, None, [1], 1e-5, float("nan"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
    "9" * 70, "1e2", "1e3", "2.5E1", "1e-4",
])
def test_a_receipt_of_an_unacceptable_quantity_is_refused(data_file, flour, typed):
    error = refused(data_file, ValidationError, services.add_stock, flour.id, typed)
    assert error.field == "quantity"


def test_quantity_refusals_explain_themselves(data_file, flour):
    assert "4 decimal places" in str(refused(
        data_file, ValidationError, services.add_stock, flour.id, "0.00001"))
    # "1e3" books nothing: a manager never means exponent notation.
    assert "exponent notation; type the number in full" in str(refused(
        data_file, ValidationError, services.add_stock, flour.id, "1e3"))
    assert "999999.9999" in str(refused(
        data_file, ValidationError, services.add_stock, flour.id, "1000000"))
    assert "more than zero" in str(refused(
        data_file, ValidationError, services.add_stock, flour.id, "0"))
    assert "not a number" in str(refused(
        data_file, ValidationError, services.deduct_stock, flour.id, "NaN", "waste"))


def test_a_receipt_beyond_the_maximum_balance_is_refused(data_file):
    item = services.create_item("Water", "L", initial_quantity="999999.9999")
    refused(data_file, ValidationError, services.add_stock, item.id, "0.0001",
            match="cannot hold more than 999999.9999")


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": "", "unit": "kg"}, "name"),
    ({"name": "   ", "unit": "kg"}, "name"),
    ({"name": "x" * 201, "unit": "kg"}, "name"),
    ({"name": "Tab\x00here", "unit": "kg"}, "name"),
    ({"name": "Flour", "unit": "pound"}, "unit"),
    ({"name": "Flour", "unit": ""}, "unit"),
    ({"name": "Flour", "unit": "kg", "sku": "S" * 51}, "sku"),
    ({"name": "Flour", "unit": "kg", "low_stock_threshold": "-1"}, "low_stock_threshold"),
    ({"name": "Flour", "unit": "kg", "low_stock_threshold": "0.00001"}, "low_stock_threshold"),
    ({"name": "Flour", "unit": "kg", "initial_quantity": "-2"}, "quantity"),
    ({"name": "Flour", "unit": "kg", "initial_quantity": "1e400"}, "quantity"),
    ({"name": "Flour", "unit": "kg", "user": "  "}, "user"),
])
def test_create_refuses_bad_input_and_writes_nothing(data_file, kwargs, field):
    error = refused(data_file, ValidationError, services.create_item, **kwargs)
    assert error.field == field


def test_name_and_sku_are_trimmed_and_a_blank_sku_is_none(data_file):
    item = services.create_item("  Flour  ", " kg ", sku="  FL-1  ")
    assert (item.name, item.unit, item.sku) == ("Flour", "kg", "FL-1")
    first = services.create_item("Salt", "kg", sku="   ")
    second = services.create_item("Pepper", "g", sku="")
    assert first.sku is None and second.sku is None
    with raw(data_file) as connection:
        assert connection.execute(
            "SELECT sku FROM stock_item ORDER BY id").fetchall() == [("FL-1",), (None,), (None,)]
    connection.close()
    assert services.create_item("Water", "l").unit == "L"  # unit spelled as the list has it


def test_a_duplicate_sku_is_refused_whatever_its_case(data_file, flour):
    error = refused(data_file, DuplicateSkuError, services.create_item, "Other", "kg",
                    sku=" fl-1 ")
    assert error.field == "sku" and "Flour" in str(error)
    other = services.create_item("Rye", "kg", sku="RY-1")
    refused(data_file, DuplicateSkuError, services.update_item, other.id, sku="Fl-1")


# Receipts, deductions, adjustments ---------------------------------------------

def test_add_deduct_adjust_write_signed_movements_with_running_balances(data_file, flour):
    services.add_stock(flour.id, "2.5", "transfer", user="Ana", notes="from the other kitchen",
                       reference=("invoice", "INV-7"))
    services.deduct_stock(flour.id, "4", "order_usage", user="Ana")
    services.adjust_stock(flour.id, "7", "correction", user="Ana")
    services.adjust_stock(flour.id, "6.25", "waste", user="Ana")
    assert movements_in_file(data_file, flour.id) == [
        (100000, "in", "initial", 100000, "Maria"),
        (25000, "in", "transfer", 125000, "Ana"),
        (-40000, "out", "order_usage", 85000, "Ana"),
        (-15000, "adjustment", "correction", 70000, "Ana"),
        (-7500, "adjustment", "waste", 62500, "Ana"),
    ]
    assert stored_quantity(data_file, flour.id) == 62500
    receipt = services.list_movements(item_id=flour.id, reason="transfer")[0]
    assert (receipt.notes, receipt.reference_type, receipt.reference_id) == (
        "from the other kitchen", "invoice", "INV-7")
    assert services.adjust_stock(flour.id, "8", "correction").quantity_change == 1.75


def test_a_deduction_beyond_the_stock_is_refused(data_file, flour):
    error = refused(data_file, InsufficientStockError, services.deduct_stock, flour.id,
                    "10.0001", "waste")
    assert "Only 10 kg of Flour" in str(error)
    services.deduct_stock(flour.id, "10", "waste")
    assert services.get_item(flour.id).quantity == 0
    refused(data_file, InsufficientStockError, services.deduct_stock, flour.id, "0.0001", "theft")


@pytest.mark.parametrize(("action", "args"), [
    (services.add_stock, ("1", "waste")),
    (services.add_stock, ("1", "initial")),
    (services.deduct_stock, ("1", "purchase")),
    (services.deduct_stock, ("1", "initial")),
    (services.adjust_stock, ("3", "purchase")),
    (services.adjust_stock, ("3", "")),
])
def test_a_reason_that_does_not_fit_the_action_is_refused(data_file, flour, action, args):
    assert refused(data_file, ValidationError, action, flour.id, *args).field == "reason"


@pytest.mark.parametrize("kwargs", [
    {"notes": "x" * 2001}, {"notes": "bell\x07"}, {"user": ""}, {"user": "u" * 101},
    {"reference": ("reversal", "1")}, {"reference": ("a", "b", "c")}, {"op_key": "  "},
])
def test_bad_details_of_a_movement_are_refused(data_file, flour, kwargs):
    refused(data_file, ValidationError, services.add_stock, flour.id, "1", **kwargs)


def test_adjusting_to_the_same_quantity_writes_nothing(data_file, flour):
    before = snapshot(data_file)
    assert services.adjust_stock(flour.id, "10.0000", "correction") is None
    assert snapshot(data_file) == before


def test_a_negative_adjustment_target_is_refused(data_file, flour):
    refused(data_file, ValidationError, services.adjust_stock, flour.id, "-1", "correction")


def test_an_unknown_item_is_not_found(data_file):
    for action, args in [(services.add_stock, (99, "1")),
                         (services.deduct_stock, (99, "1", "waste")),
                         (services.adjust_stock, (99, "1", "correction")),
                         (services.update_item, (99,)),
                         (services.archive_item, (99,)),
                         (services.delete_item, (99,)),
                         (services.reverse_movement, (99,)),
                         (services.get_item, (99,)),
                         (services.find_item, ("NOPE",))]:
        refused(data_file, NotFoundError, action, *args)


# Reversals -------------------------------------------------------------------

def test_a_reversal_undoes_a_movement_once(data_file, flour):
    usage = services.deduct_stock(flour.id, "3", "order_usage")
    reversal = services.reverse_movement(usage.id, "correction", notes="wrong dish", user="Ana")
    assert (reversal.quantity_change, reversal.movement_type, reversal.balance_after) == (
        3, "in", 10)
    assert (reversal.reference_type, reversal.reference_id) == ("reversal", str(usage.id))
    assert reversal.created_by == "Ana" and reversal.notes == "wrong dish"
    error = refused(data_file, ConflictError, services.reverse_movement, usage.id, "correction")
    assert f"already reversed by movement {reversal.id}" in str(error)
    # The original is untouched: history is never edited.
    assert services.get_movement(usage.id).quantity_change == -3


def test_a_reversal_that_would_go_below_zero_is_refused(data_file, flour):
    delivery = services.add_stock(flour.id, "5")
    services.deduct_stock(flour.id, "12", "order_usage")
    error = refused(data_file, InsufficientStockError, services.reverse_movement, delivery.id)
    assert "below zero" in str(error) and "only 3 kg" in str(error)


def test_an_adjustment_is_reversed_by_an_adjustment(data_file, flour):
    count = services.adjust_stock(flour.id, "4", "correction")
    reversal = services.reverse_movement(count.id)
    assert (reversal.movement_type, reversal.quantity_change) == ("adjustment", 6)
    assert services.get_item(flour.id).quantity == 10


def test_a_reversal_reason_must_be_a_real_reason(data_file, flour):
    refused(data_file, ValidationError, services.reverse_movement, 1, "initial")
    refused(data_file, ValidationError, services.reverse_movement, 1, "oops")


# Archiving and deleting ---------------------------------------------------------

def test_an_archived_item_refuses_movements_until_restored(data_file, flour):
    usage = services.deduct_stock(flour.id, "1", "waste")
    archived = services.archive_item(flour.id, user="Ana")
    assert not archived.is_active
    for action, args in [(services.add_stock, ("1",)),
                         (services.deduct_stock, ("1", "waste")),
                         (services.adjust_stock, ("2", "correction"))]:
        assert "archived" in str(refused(data_file, ConflictError, action, flour.id, *args))
    assert "archived" in str(refused(data_file, ConflictError, services.reverse_movement,
                                     usage.id))
    assert flour.id not in {i.id for i in services.list_items()}
    assert flour.id in {i.id for i in services.list_items(include_archived=True)}
    assert services.restore_item(flour.id).is_active
    services.add_stock(flour.id, "1")
    assert services.get_item(flour.id).quantity == 10


def test_archiving_twice_writes_nothing_the_second_time(data_file, flour):
    services.archive_item(flour.id)
    before = snapshot(data_file)
    services.archive_item(flour.id)
    assert snapshot(data_file) == before


def test_an_item_with_movements_cannot_be_deleted(data_file, flour):
    error = refused(data_file, ConflictError, services.delete_item, flour.id)
    assert "archive it instead" in str(error)


def test_an_item_without_movements_can_be_deleted_and_history_keeps_it(data_file):
    item = services.create_item("Typo", "kg", user="Ana")
    services.delete_item(item.id, user="Ana")
    with pytest.raises(NotFoundError):
        services.get_item(item.id)
    history = services.item_history(item.id)
    assert [(h.history_type, h.history_by, h.name) for h in history] == [
        ("insert", "Ana", "Typo"), ("delete", "Ana", "Typo")]


# Editing -----------------------------------------------------------------------

def test_update_changes_only_the_given_fields(data_file, flour):
    updated = services.update_item(flour.id, name="Bread flour", sku=" bf-1 ",
                                   low_stock_threshold="2.5", user="Ana")
    assert (updated.name, updated.sku, updated.unit) == ("Bread flour", "bf-1", "kg")
    assert updated.low_stock_threshold == Decimal("2.5") and updated.quantity == 10
    assert services.update_item(flour.id, sku="").sku is None
    assert services.update_item(flour.id, low_stock_threshold=None).low_stock_threshold is None


def test_an_update_that_changes_nothing_writes_nothing(data_file, flour):
    before = snapshot(data_file)
    services.update_item(flour.id, name=" Flour ", sku="FL-1", unit="kg")
    services.update_item(flour.id)
    assert snapshot(data_file) == before


def test_the_unit_of_an_item_with_movements_cannot_change(data_file, flour):
    error = refused(data_file, ValidationError, services.update_item, flour.id, unit="g")
    assert error.field == "unit"
    fresh = services.create_item("Salt", "kg")
    assert services.update_item(fresh.id, unit="g").unit == "g"


def test_update_refuses_bad_values(data_file, flour):
    refused(data_file, ValidationError, services.update_item, flour.id, name=" ")
    refused(data_file, ValidationError, services.update_item, flour.id, unit="tonne")
    refused(data_file, ValidationError, services.update_item, flour.id, low_stock_threshold="-3")


# Past quantities ------------------------------------------------------------------

def test_quantity_on_reads_past_balances(data_file):
    def moment() -> dt.datetime:
        time.sleep(0.01)  # stored times have millisecond resolution
        now = dt.datetime.now(dt.UTC)
        time.sleep(0.01)
        return now

    before_anything = moment()
    item = services.create_item("Flour", "kg", initial_quantity="10")
    after_create = moment()
    services.deduct_stock(item.id, "2.5", "order_usage")
    after_usage = moment()
    services.add_stock(item.id, "1.25")
    assert services.quantity_on(item.id, before_anything) == 0
    assert services.quantity_on(item.id, after_create) == 10
    assert services.quantity_on(item.id, after_usage) == Decimal("7.5")
    assert services.quantity_on(item.id, moment()) == Decimal("8.75")
    # A naive datetime is local time, as a person types it.
    assert services.quantity_on(item.id, after_usage.astimezone().replace(tzinfo=None)) == 7.5
    with pytest.raises(NotFoundError):
        services.quantity_on(999, after_usage)


# Low stock -----------------------------------------------------------------------

@pytest.fixture
def alerts():
    seen: list[tuple[int, Decimal]] = []

    def listener(item):
        seen.append((item.id, item.quantity))

    services.add_low_stock_listener(listener)
    yield seen
    services.remove_low_stock_listener(listener)


def _alert_flag(path: Path, item_id: int) -> int:
    with raw(path) as connection:
        (flag,) = connection.execute(
            "SELECT low_stock_alert_sent FROM stock_item WHERE id = ?", (item_id,)).fetchone()
    connection.close()
    return flag


def test_the_low_stock_alert_is_raised_once_per_crossing(data_file, alerts):
    item = services.create_item("Milk", "L", low_stock_threshold="5", initial_quantity="10")
    assert alerts == [] and _alert_flag(data_file, item.id) == 0
    services.deduct_stock(item.id, "4", "order_usage")           # 6: above
    assert alerts == [] and services.items_needing_attention() == []
    services.deduct_stock(item.id, "1", "order_usage")           # 5: at the threshold
    assert alerts == [(item.id, 5)] and _alert_flag(data_file, item.id) == 1
    assert [i.id for i in services.items_needing_attention()] == [item.id]
    services.deduct_stock(item.id, "2", "waste")                 # 3: still low, no repeat
    services.add_stock(item.id, "2")                             # 5: still low
    assert alerts == [(item.id, 5)] and _alert_flag(data_file, item.id) == 1
    services.add_stock(item.id, "0.0001")                        # above: cleared
    assert _alert_flag(data_file, item.id) == 0 and services.items_needing_attention() == []
    services.adjust_stock(item.id, "1", "correction")            # a new crossing
    assert alerts == [(item.id, 5), (item.id, 1)]


def test_a_refused_deduction_raises_no_alert(data_file, alerts):
    item = services.create_item("Milk", "L", low_stock_threshold="5", initial_quantity="10")
    refused(data_file, InsufficientStockError, services.deduct_stock, item.id, "11", "waste")
    assert alerts == []


def test_creating_below_the_threshold_and_lowering_it_raise_the_alert(data_file, alerts):
    milk = services.create_item("Milk", "L", low_stock_threshold="5", initial_quantity="2")
    assert alerts == [(milk.id, 2)] and milk.low_stock_alert_sent
    cream = services.create_item("Cream", "L", initial_quantity="4")
    services.update_item(cream.id, low_stock_threshold="4")
    assert alerts[-1] == (cream.id, 4)
    assert services.update_item(cream.id, low_stock_threshold="3").low_stock_alert_sent is False
    assert {i.id for i in services.items_needing_attention()} == {milk.id}


def test_an_empty_new_item_with_a_threshold_needs_attention(data_file, alerts):
    # At 0 it is at or below any threshold, as update_item and list_items(low_only) agree.
    salt = services.create_item("Salt", "kg", low_stock_threshold="1")
    assert salt.low_stock_alert_sent and alerts == [(salt.id, 0)]
    assert [i.id for i in services.items_needing_attention()] == [salt.id]
    assert [i.id for i in services.list_items(low_only=True)] == [salt.id]


def test_archived_items_do_not_need_attention(data_file):
    milk = services.create_item("Milk", "L", low_stock_threshold="5", initial_quantity="2")
    services.archive_item(milk.id)
    assert services.items_needing_attention() == []


def test_a_listener_can_be_removed(data_file):
    seen = []
    services.add_low_stock_listener(seen.append)
    services.remove_low_stock_listener(seen.append)
    services.remove_low_stock_listener(seen.append)  # absent: no error
    services.create_item("Milk", "L", low_stock_threshold="5", initial_quantity="2")
    assert seen == []


# Listing ---------------------------------------------------------------------------

def test_list_items_filters(data_file):
    flour = services.create_item("flour", "kg", sku="FL-1", initial_quantity="1",
                                 low_stock_threshold="2")
    apples = services.create_item("Apples", "piece", sku="AP-1", initial_quantity="50")
    old = services.create_item("Old stock", "kg")
    services.archive_item(old.id)
    assert [i.id for i in services.list_items()] == [apples.id, flour.id]
    assert [i.id for i in services.list_items(include_archived=True)] == [
        apples.id, flour.id, old.id]
    assert [i.id for i in services.list_items(low_only=True)] == [flour.id]
    assert [i.id for i in services.list_items(search="ap-")] == [apples.id]
    assert [i.id for i in services.list_items(search="FLO")] == [flour.id]
    assert services.find_item("fl-1").id == flour.id
    assert services.find_item(str(apples.id)).id == apples.id


def test_list_movements_filters_and_pages(data_file):
    flour = services.create_item("Flour", "kg", initial_quantity="10")
    salt = services.create_item("Salt", "kg", initial_quantity="5")
    time.sleep(0.01)
    middle = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    services.deduct_stock(flour.id, "1", "waste")
    services.deduct_stock(flour.id, "2", "order_usage")
    services.add_stock(salt.id, "1", "purchase")
    ids = [m.id for m in services.list_movements()]
    assert ids == sorted(ids, reverse=True) and len(ids) == 5
    assert [m.id for m in services.list_movements(item_id=flour.id)] == [4, 3, 1]
    assert [m.id for m in services.list_movements(movement_type="out")] == [4, 3]
    assert [m.id for m in services.list_movements(reason="initial")] == [2, 1]
    assert [m.id for m in services.list_movements(since=middle)] == [5, 4, 3]
    assert [m.id for m in services.list_movements(until=middle)] == [2, 1]
    assert [m.id for m in services.list_movements(limit=2)] == [5, 4]
    assert [m.id for m in services.list_movements(limit=2, offset=2)] == [3, 2]
    assert [m.id for m in services.list_movements(limit=2, before_id=3)] == [2, 1]
    assert services.count_movements(item_id=flour.id) == 3
    assert services.count_movements(movement_type="in", since=middle) == 1
    with pytest.raises(ValidationError):
        services.list_movements(movement_type="sideways")
    with pytest.raises(ValidationError):
        services.list_movements(reason="party")
    with pytest.raises(ValidationError):
        services.list_movements(limit=0)


def test_audit_entries_record_every_change(data_file, flour):
    services.deduct_stock(flour.id, "1", "waste", user="Ana")
    entries = services.audit_entries(table_name="stock_movement")
    assert [(e.row_id, e.action, e.actor) for e in entries] == [(2, "insert", "Ana"),
                                                                (1, "insert", "Maria")]
    assert entries[0].changes["quantity_change"] == [None, -10000]


# Operation keys ----------------------------------------------------------------------

def test_a_retried_receipt_returns_the_original_and_books_once(data_file, flour):
    first = services.add_stock(flour.id, "2", op_key="delivery-42")
    before = snapshot(data_file)
    again = services.add_stock(flour.id, "2", op_key="delivery-42")
    assert again == first
    assert snapshot(data_file) == before
    assert services.get_item(flour.id).quantity == 12


def test_a_retry_returns_the_original_even_after_later_movements(data_file, flour):
    first = services.deduct_stock(flour.id, "3", "order_usage", op_key="order-9")
    services.deduct_stock(flour.id, "7", "order_usage")
    assert services.deduct_stock(flour.id, "3", "order_usage", op_key="order-9") == first
    assert services.get_item(flour.id).quantity == 0


@pytest.mark.parametrize("retry", [
    lambda flour, salt: services.add_stock(flour, "3", op_key="k"),
    lambda flour, salt: services.deduct_stock(flour, "2", "waste", op_key="k"),
    lambda flour, salt: services.adjust_stock(flour, "1", "correction", op_key="k"),
    lambda flour, salt: services.add_stock(salt, "2", op_key="k"),
    lambda flour, salt: services.reverse_movement(1, op_key="k"),
], ids=["other-quantity", "other-kind", "adjust", "other-item", "reverse"])
def test_the_same_key_for_another_operation_is_a_conflict(data_file, flour, retry):
    salt = services.create_item("Salt", "kg")
    services.add_stock(flour.id, "2", op_key="k")
    error = refused(data_file, ConflictError, retry, flour.id, salt.id)
    assert "already used" in str(error)


def test_a_retried_adjustment_with_another_target_is_a_conflict(data_file, flour):
    first = services.adjust_stock(flour.id, "4", "correction", op_key="count-1")
    assert services.adjust_stock(flour.id, "4", "correction", op_key="count-1") == first
    refused(data_file, ConflictError, services.adjust_stock, flour.id, "5", "correction",
            op_key="count-1")


def test_a_retried_reversal_returns_the_original(data_file, flour):
    usage = services.deduct_stock(flour.id, "1", "waste")
    first = services.reverse_movement(usage.id, op_key="undo-1")
    before = snapshot(data_file)
    assert services.reverse_movement(usage.id, op_key="undo-1") == first
    assert snapshot(data_file) == before


def test_a_reversal_key_reused_for_another_movement_is_a_conflict(data_file, flour):
    usage = services.deduct_stock(flour.id, "1", "waste")
    other_usage = services.deduct_stock(flour.id, "1", "waste")
    services.reverse_movement(usage.id, op_key="undo-1")
    refused(data_file, ConflictError, services.reverse_movement, other_usage.id,
            op_key="undo-1")


def test_a_retried_creation_returns_the_original_item(data_file):
    first = services.create_item("Flour", "kg", initial_quantity="3", op_key="new-flour")
    before = snapshot(data_file)
    assert services.create_item("Flour", "kg", initial_quantity="3", op_key="new-flour") == first
    assert snapshot(data_file) == before
    refused(data_file, ConflictError, services.create_item, "Sugar", "kg", op_key="new-flour")
    refused(data_file, ConflictError, services.create_item, "Flour", "kg", initial_quantity="4",
            op_key="new-flour")
    refused(data_file, ConflictError, services.create_item, "Flour", "kg", op_key="new-flour")


# Verify -----------------------------------------------------------------------------

def test_verify_is_clean_after_a_days_work(data_file, flour):
    services.deduct_stock(flour.id, "3", "order_usage")
    services.reverse_movement(2)
    services.adjust_stock(flour.id, "4", "waste")
    report = services.verify()
    assert report.ok, report


def test_a_failing_listener_does_not_make_a_committed_write_look_failed(data_file, caplog):
    # The receipt is committed before listeners run: raising to the caller
    # would invite a retry that books it twice. The bug is logged instead.
    def broken(item):
        raise ZeroDivisionError("listener bug")

    heard = []
    services.add_low_stock_listener(broken)
    services.add_low_stock_listener(heard.append)
    try:
        item = services.create_item("Milk", "L", low_stock_threshold="5", initial_quantity="9")
        movement = services.deduct_stock(item.id, "6", "order_usage")
    finally:
        services.remove_low_stock_listener(broken)
        services.remove_low_stock_listener(heard.append)
    assert movement.balance_after == 3
    assert movements_in_file(data_file, item.id)[-1][:2] == (-60000, "out")
    assert [i.id for i in heard] == [item.id]  # the other listeners still hear it
    assert "listener bug" in caplog.text and "ZeroDivisionError" in caplog.text
