"""Deliveries and waste sheets: many lines, one transaction, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import snapshot

from inventory_desktop import db, services
from inventory_desktop.errors import (
    ConflictError,
    LinesRefusedError,
    ValidationError,
)
from inventory_desktop.services import LineInput

# Runs on a SQLite file and on a PostgreSQL server's database.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def kitchen(data_file):
    flour = services.create_item("Flour", "kg", "FL-1", "5", "10")
    milk = services.create_item("Milk", "L", "MI-1", "2", "4")
    eggs = services.create_item("Eggs", "piece", None, None, "30")
    return flour, milk, eggs


def test_a_delivery_books_every_line_as_one_sealed_write(data_file, kitchen):
    flour, milk, eggs = kitchen
    seals_before = services.verify().seals
    booked = services.receive_delivery(
        [LineInput(flour.id, "12.5"), LineInput(milk.id, 6), LineInput(eggs.id, "60"),
         LineInput(flour.id, "2.5", notes="torn sack")],
        reference="DN-88", delivered_on=dt.date.today(), notes="Bakery Ltd")
    assert [m.quantity_change for m in booked] == [Decimal("12.5"), 6, 60, Decimal("2.5")]
    assert [m.balance_after for m in booked] == [Decimal("22.5"), 10, 90, 25]
    assert {(m.movement_type, m.reason, m.reference_type, m.reference_id) for m in booked} == {
        ("in", "purchase", "delivery", "DN-88")}
    today = dt.date.today().isoformat()
    assert booked[0].notes == f"Delivered {today}. Bakery Ltd"
    assert booked[3].notes == f"Delivered {today}. Bakery Ltd torn sack"
    assert services.get_item(flour.id).quantity == 25
    report = services.verify()
    assert report.ok
    if db.seals_kept():  # a file seals each write: one transaction, one seal
        assert report.seals == seals_before + 1


def test_a_bad_line_refuses_the_whole_delivery_naming_each_line(data_file, kitchen):
    flour, milk, _ = kitchen
    services.archive_item(milk.id)
    before = snapshot(data_file)
    with pytest.raises(LinesRefusedError) as refused:
        services.receive_delivery(
            [LineInput(flour.id, "1"), LineInput(milk.id, "2"), LineInput(flour.id, "1e3"),
             LineInput(9999, "1"), LineInput(flour.id, "0")], reference="DN-1")
    problems = dict(refused.value.problems)
    assert set(problems) == {3, 5}  # quantities are checked before any item is read
    assert "exponent notation" in problems[3] and "more than zero" in problems[5]
    with pytest.raises(LinesRefusedError) as refused:
        services.receive_delivery(
            [LineInput(flour.id, "1"), LineInput(milk.id, "2"), LineInput(9999, "1")],
            reference="DN-1")
    problems = dict(refused.value.problems)
    assert set(problems) == {2, 3}
    assert "archived" in problems[2] and "no item with id 9999" in problems[3]
    assert str(refused.value).startswith("Nothing was booked. Line 2: Milk is archived")
    assert snapshot(data_file) == before


def test_a_delivery_needs_a_reference_and_a_line(data_file, kitchen):
    flour = kitchen[0]
    before = snapshot(data_file)
    with pytest.raises(ValidationError, match="reference"):
        services.receive_delivery([LineInput(flour.id, "1")], reference="  ")
    with pytest.raises(ValidationError, match="at least one line"):
        services.receive_delivery([], reference="DN-2")
    with pytest.raises(ValidationError, match="future"):
        services.receive_delivery([LineInput(flour.id, "1")], reference="DN-2",
                                  delivered_on=dt.date.today() + dt.timedelta(days=1))
    assert snapshot(data_file) == before


def test_a_waste_sheet_checks_stock_over_all_its_lines(data_file, kitchen):
    flour, milk, _ = kitchen
    before = snapshot(data_file)
    with pytest.raises(LinesRefusedError) as refused:
        services.record_waste_sheet(
            [LineInput(flour.id, "6"), LineInput(milk.id, "1", "theft"),
             LineInput(flour.id, "5")], reference="24 Nov dinner")
    assert [number for number, _ in refused.value.problems] == [3]
    assert "earlier lines already take 6 kg" in refused.value.problems[0][1]
    assert snapshot(data_file) == before
    booked = services.record_waste_sheet(
        [LineInput(flour.id, "6"), LineInput(milk.id, "1", "theft")], reference="24 Nov dinner")
    assert [(m.quantity_change, m.reason, m.reference_type) for m in booked] == [
        (-6, "waste", "waste sheet"), (-1, "theft", "waste sheet")]


def test_a_waste_line_reason_must_be_a_deduction_reason(data_file, kitchen):
    with pytest.raises(LinesRefusedError, match="Line 1: 'purchase' is not a reason"):
        services.record_waste_sheet([LineInput(kitchen[0].id, "1", "purchase")],
                                    reference="W-1")


def test_a_retried_delivery_returns_the_original_movements(data_file, kitchen):
    flour, milk, _ = kitchen
    lines = [LineInput(flour.id, "3"), LineInput(milk.id, "2")]
    first = services.receive_delivery(lines, reference="DN-9", op_key="dn-9")
    again = services.receive_delivery(lines, reference="DN-9", op_key="dn-9")
    assert again == first and all(m.replayed for m in again)
    assert [m.op_key for m in first] == ["dn-9#1", "dn-9#2"]
    assert services.get_item(flour.id).quantity == 13
    before = snapshot(data_file)
    for other in ([LineInput(flour.id, "3")],
                  [LineInput(flour.id, "3"), LineInput(milk.id, "2"), LineInput(flour.id, "1")],
                  [LineInput(flour.id, "4"), LineInput(milk.id, "2")]):
        with pytest.raises(ConflictError):
            services.receive_delivery(other, reference="DN-9", op_key="dn-9")
    assert snapshot(data_file) == before


def test_a_delivery_key_already_used_by_one_receipt_is_a_conflict(data_file, kitchen):
    services.add_stock(kitchen[0].id, "1", op_key="k")
    with pytest.raises(ConflictError):
        services.receive_delivery([LineInput(kitchen[0].id, "1")], reference="D", op_key="k")


def test_a_waste_sheet_announces_each_item_that_went_low_once(data_file, kitchen):
    flour, milk, _ = kitchen
    told: list[str] = []
    listener = lambda item: told.append(item.name)  # noqa: E731
    services.add_low_stock_listener(listener)
    try:
        services.record_waste_sheet([LineInput(flour.id, "3"), LineInput(flour.id, "3"),
                                     LineInput(milk.id, "3")], reference="W-2")
    finally:
        services.remove_low_stock_listener(listener)
    assert told == ["Flour", "Milk"]


def test_a_sheet_line_over_the_maximum_is_refused(data_file, kitchen):
    with pytest.raises(LinesRefusedError, match="cannot hold more"):
        services.receive_delivery([LineInput(kitchen[0].id, "999999"),
                                   LineInput(kitchen[0].id, "1")], reference="D")


def test_a_delivery_line_without_an_item_is_named(data_file, kitchen):
    with pytest.raises(LinesRefusedError, match="Line 2: Choose the item"):
        services.receive_delivery([LineInput(kitchen[0].id, "1"), LineInput(None, "1")],
                                  reference="D")  # type: ignore[arg-type]


def test_history_finds_a_delivery_by_its_reference(data_file, kitchen):
    flour, milk, _ = kitchen
    services.receive_delivery([LineInput(flour.id, "1"), LineInput(milk.id, "1")],
                              reference="DN-77")
    movements = services.list_movements(limit=2)
    assert {(m.reference_type, m.reference_id) for m in movements} == {("delivery", "DN-77")}
