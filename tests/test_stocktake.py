"""The stocktake through the services: counts, conflicts, variance at count time, commit once."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import raw, snapshot

from inventory_desktop import services
from inventory_desktop.errors import ConflictError, NotFoundError, ValidationError

# Runs on a SQLite file and on a PostgreSQL server's database.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def kitchen(data_file: Path) -> dict[str, int]:
    """Three areas; wine kept in the bar and the cellar, flour in the dry store, salt nowhere."""
    bar, cellar, dry = (services.create_area(name).id for name in ("Bar", "Cellar", "Dry store"))
    wine = services.create_item("Red wine", "piece", sku="WINE", initial_quantity="30",
                                pack_size="6", pack_name="case", areas=[bar, cellar]).id
    flour = services.create_item("Flour", "kg", sku="FL", initial_quantity="25",
                                 areas=[dry]).id
    salt = services.create_item("Salt", "kg", sku="SA", initial_quantity="3").id
    return {"bar": bar, "cellar": cellar, "dry": dry, "wine": wine, "flour": flour,
            "salt": salt}


def _stored(path: Path, sql: str, *params) -> list[tuple]:
    connection = raw(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def test_the_variance_is_the_one_seen_when_counting(data_file, kitchen):
    # Counted 20 kg of flour when the ledger said 25: 5 kg missing. Then 10 kg
    # arrive and 4 kg are used before the commit. The commit posts the 5 kg
    # missing onto what the ledger holds then (31 kg): 26 kg, not the 20 counted.
    count = services.start_stocktake("Monthly")
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "20", user="ana")
    services.add_stock(kitchen["flour"], "10")
    services.deduct_stock(kitchen["flour"], "4", "order_usage")
    report = services.commit_stocktake(count.id, user="chef")
    assert services.get_item(kitchen["flour"]).quantity == 26
    (movement,) = [services.get_movement(i) for i in report.movement_ids]
    assert (movement.quantity_change, movement.reason, movement.movement_type) == (
        -5, "stocktake", "adjustment")
    assert (movement.reference_type, movement.reference_id) == ("stocktake", str(count.id))
    assert services.verify().ok


def test_an_item_in_two_areas_adds_up_and_is_judged_at_its_last_count(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["wine"], kitchen["bar"], "5", user="ana")
    services.deduct_stock(kitchen["wine"], "2", "order_usage")  # sold from the bar
    line = services.record_count(count.id, kitchen["wine"], kitchen["cellar"], None,
                                 packs="3", loose="1", user="ben")
    assert (line.counted, line.packs, line.expected) == (19, 3, 28)
    wine = services.stocktake_sheet(count.id).items[kitchen["wine"]]
    assert (wine.counted, wine.expected, wine.variance) == (240000, 280000, -40000)


def test_two_people_counting_the_same_place_is_a_conflict_both_kept(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "20", user="ana")
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "20", user="ben")
    line = next(found for found in services.stocktake_sheet(count.id).lines
                if found.item_id == kitchen["flour"])
    assert line.state == "conflict"
    assert line.competing == (("ana", 20), ("ben", 20))  # equal, still not merged silently
    with pytest.raises(ConflictError, match="Counts conflict for Flour"):
        services.commit_stocktake(count.id)
    assert services.get_stocktake(count.id).state == "open"
    # Each counted half of the shelf: added up, the lines themselves kept.
    services.resolve_count(count.id, kitchen["flour"], kitchen["dry"], add_up=True, user="chef")
    assert services.stocktake_sheet(count.id).items[kitchen["flour"]].counted == 400000
    assert len(_stored(data_file, "SELECT id FROM stocktake_count")) == 3


def test_a_counters_second_line_corrects_their_first(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "2", user="ana")
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "24", user="ana")
    flour = services.stocktake_sheet(count.id).items[kitchen["flour"]]
    assert (flour.state, flour.counted) == ("counted", 240000)


@pytest.mark.parametrize("how, counted", [({"keep": "ben"}, 22), ({"quantity": "21.5"}, 21.5)])
def test_a_conflict_is_settled_by_keeping_one_or_recounting(data_file, kitchen, how, counted):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "20", user="ana")
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "22", user="ben")
    line = services.resolve_count(count.id, kitchen["flour"], kitchen["dry"], user="chef", **how)
    assert (line.kind, line.counted, line.counted_by) == ("resolution", counted, "chef")
    services.commit_stocktake(count.id)
    assert services.get_item(kitchen["flour"]).quantity == Decimal(str(counted))


def test_zero_and_matching_counts_stay_as_proof_of_counting(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["salt"], None, "3")   # exactly as expected
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "0")
    report = services.commit_stocktake(count.id)
    assert [c.name for c in report.plan.changes] == ["Flour"]
    assert services.get_item(kitchen["salt"]).quantity == 3
    assert services.last_counted(kitchen["salt"]) is not None  # remembered as counted
    assert services.last_counted(kitchen["wine"]) is None


def test_variance_split_across_reasons_is_posted_per_reason(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "19")
    services.explain_variance(count.id, kitchen["flour"], {"spoilage": "2.5", "staff_meal": "1"})
    report = services.commit_stocktake(count.id)
    posted = sorted((services.get_movement(i).reason, services.get_movement(i).quantity_change)
                    for i in report.movement_ids)
    assert posted == [("spoilage", Decimal("-2.5")), ("staff_meal", -1),
                      ("stocktake", Decimal("-2.5"))]
    assert services.get_item(kitchen["flour"]).quantity == 19


def test_an_explanation_bigger_than_the_variance_is_refused(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "24")
    with pytest.raises(ValidationError, match="more than Flour's variance of 1 kg"):
        services.explain_variance(count.id, kitchen["flour"], {"theft": "2"})
    with pytest.raises(ValidationError, match="not a reason for a variance"):
        services.explain_variance(count.id, kitchen["flour"], {"purchase": "1"})


def test_uncounted_items_are_kept_or_counted_as_zero(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["wine"], kitchen["bar"], "10")  # not the cellar
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "25")
    plan = services.commit_plan(count.id)
    assert sorted(plan.left_unchanged) == ["Red wine", "Salt"]
    report = services.commit_stocktake(count.id, uncounted="zero")
    assert sorted(report.plan.counted_as_zero) == ["Red wine", "Salt"]
    assert services.get_item(kitchen["salt"]).quantity == 0
    assert services.get_item(kitchen["wine"]).quantity == 10  # the cellar taken as empty


def test_a_committed_stocktake_cannot_be_committed_again_nor_changed(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "20")
    services.commit_stocktake(count.id)
    before = snapshot(data_file)
    for attempt in (lambda: services.commit_stocktake(count.id),
                    lambda: services.record_count(count.id, kitchen["flour"], kitchen["dry"], "1"),
                    lambda: services.abandon_stocktake(count.id)):
        with pytest.raises(ConflictError, match="already committed"):
            attempt()
    assert snapshot(data_file) == before


@pytest.mark.sqlite_only  # the file edited around its triggers; tests/pg has the server's
def test_the_file_refuses_changes_to_a_closed_stocktake_from_any_tool(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "20")
    services.commit_stocktake(count.id)
    before = snapshot(data_file)
    for sql in ("UPDATE stocktake_count SET counted = 250000",
                "DELETE FROM stocktake_count",
                "UPDATE stocktake SET state = 'open', closed_at = NULL",
                "DELETE FROM stocktake",
                f"INSERT INTO stocktake_count (stocktake_id, item_id, area_id, counted, expected, "
                f"counted_by) VALUES ({count.id}, {kitchen['flour']}, {kitchen['dry']}, 1, 1, 'x')",
                f"INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, "
                f"reason, balance_after, reference_type, reference_id) VALUES "
                f"({kitchen['flour']}, 10000, 'adjustment', 'stocktake', 210000, 'stocktake', "
                f"'{count.id}')"):
        with raw(data_file) as other, pytest.raises(sqlite3.IntegrityError):
            other.execute(sql)
        other.close()
    assert snapshot(data_file) == before


def test_commit_is_all_or_nothing_when_it_fails_midway(data_file, kitchen, monkeypatch):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "20")
    services.record_count(count.id, kitchen["salt"], None, "1")
    before = snapshot(data_file)
    from inventory_desktop.services import stocktake_commit

    real_book_many = stocktake_commit.book_many

    def post_then_fail(*args, **kwargs):
        real_book_many(*args, **kwargs)  # every adjustment is in the file...
        raise RuntimeError("the power went out")  # ...before the stocktake is closed

    monkeypatch.setattr(stocktake_commit, "book_many", post_then_fail)
    with pytest.raises(RuntimeError):
        services.commit_stocktake(count.id)
    assert snapshot(data_file) == before  # every adjustment was rolled back
    assert services.get_stocktake(count.id).state == "open"


def test_an_item_archived_after_counting_stops_the_commit_with_its_name(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "20")
    services.archive_item(kitchen["flour"])
    with pytest.raises(ConflictError, match="Flour was archived after being counted"):
        services.commit_stocktake(count.id)
    assert services.get_stocktake(count.id).state == "open"


def test_a_stocktake_of_areas_counts_its_items_wherever_they_are_kept(data_file, kitchen):
    count = services.start_stocktake(area_ids=[kitchen["bar"]])
    places = {(line.name, line.area_name) for line in services.stocktake_sheet(count.id).lines}
    assert places == {("Red wine", "Bar"), ("Red wine", "Cellar")}
    with pytest.raises(ConflictError, match="not kept in any area this stocktake counts"):
        services.record_count(count.id, kitchen["flour"], kitchen["dry"], "1")
    with pytest.raises(ConflictError, match="still open and counts some of the same items"):
        services.start_stocktake(area_ids=[kitchen["cellar"]])
    services.start_stocktake(area_ids=[kitchen["dry"]])  # no item in common: fine


def test_nothing_counted_is_not_committed(data_file, kitchen):
    count = services.start_stocktake()
    with pytest.raises(ConflictError, match="Nothing was counted"):
        services.commit_stocktake(count.id, uncounted="zero")
    assert services.get_item(kitchen["flour"]).quantity == 25


def test_a_loss_bigger_than_what_is_left_takes_the_item_to_zero(data_file, kitchen):
    count = services.start_stocktake()
    services.record_count(count.id, kitchen["salt"], None, "0")   # 3 kg missing
    services.deduct_stock(kitchen["salt"], "2", "order_usage")    # the till sold 2 anyway
    report = services.commit_stocktake(count.id)
    assert services.get_item(kitchen["salt"]).quantity == 0
    assert report.plan.limited and "Salt" in report.plan.limited[0]


def test_counting_in_packs_needs_a_pack_size_and_whole_packs(data_file, kitchen):
    count = services.start_stocktake()
    with pytest.raises(ValidationError, match="has no pack size"):
        services.record_count(count.id, kitchen["flour"], kitchen["dry"], None, packs="2")
    with pytest.raises(ValidationError, match="Packs are counted whole"):
        services.record_count(count.id, kitchen["wine"], kitchen["bar"], None, packs="1.5")
    with pytest.raises(NotFoundError):
        services.record_count(99, kitchen["wine"], kitchen["bar"], "1")


@pytest.mark.sqlite_only  # the file edited around its triggers; tests/pg has the server's
def test_verify_names_a_stocktake_adjustment_no_commit_posted(data_file, kitchen):
    from tamper import with_triggers_off

    count = services.start_stocktake()
    services.record_count(count.id, kitchen["flour"], kitchen["dry"], "20")
    with_triggers_off(data_file, [(
        "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
        "balance_after, reference_type, reference_id, created_at) VALUES (?, -50000, "
        "'adjustment', 'stocktake', 200000, 'stocktake', ?, '2099-01-01T00:00:00.000Z')",
        (kitchen["flour"], str(count.id))),
        ("UPDATE stock_item SET current_quantity = 200000 WHERE id = ?", (kitchen["flour"],))])
    details = [f.detail for f in services.verify().of("ledger")]
    assert any(f"refers to stocktake {count.id}, which did not post it" in d for d in details)
