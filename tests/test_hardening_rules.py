"""Rules that lived only in Python, now in the file; ids, times, SKUs and keys that agree.

Each test was written against a way a generic SQLite tool or an odd input
broke the ledger before schema 2 (issue 12).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from conftest import raw, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_desktop import clock, db, services
from inventory_desktop.cli import main as cli_main
from inventory_desktop.errors import (
    ConflictError,
    DataFileError,
    NotFoundError,
    ValidationError,
)

FIXTURE = Path(__file__).with_name("fixtures") / "schema1.sqlite3"


@pytest.fixture
def flour(data_file: Path) -> services.ItemRow:
    return services.create_item("Flour", "kg", sku="FL-1", initial_quantity="10")


def _refused_by_the_file(path: Path, sql: str, params: tuple = ()) -> str:
    before = snapshot(path)
    with raw(path) as connection, pytest.raises(sqlite3.IntegrityError) as refusal:
        connection.execute(sql, params)
    connection.close()
    assert snapshot(path) == before
    return str(refusal.value)


# 4. Rules in the file -----------------------------------------------------------

def test_another_tool_cannot_change_the_unit_of_an_item_with_movements(data_file, flour):
    message = _refused_by_the_file(data_file, "UPDATE stock_item SET unit = 'g' WHERE id = ?",
                                   (flour.id,))
    assert "its unit cannot change" in message
    empty = services.create_item("Salt", "kg")
    with raw(data_file) as connection:  # no movements yet: still allowed
        connection.execute("UPDATE stock_item SET unit = 'g' WHERE id = ?", (empty.id,))
    connection.close()


def test_another_tool_cannot_book_stock_on_an_archived_item(data_file, flour):
    services.archive_item(flour.id)
    message = _refused_by_the_file(
        data_file, "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, "
        "reason, balance_after) VALUES (?, 10000, 'in', 'purchase', 110000)", (flour.id,))
    assert "archived" in message


# 5. Time and ledger order agree ------------------------------------------------------

def test_a_movement_dated_before_the_previous_one_is_refused(data_file, flour):
    message = _refused_by_the_file(
        data_file, "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, "
        "reason, balance_after, created_at) VALUES (?, 10000, 'in', 'purchase', 110000, "
        "'2001-01-01T00:00:00.000Z')", (flour.id,))
    assert "cannot be dated before" in message


@pytest.mark.parametrize("stamp", ["2026-11-24 10:00:00", "yesterday", "2026-02-30T10:00:00.000Z",
                                   "2026-11-24T10:00:00Z", "1764000000"])
def test_a_movement_time_in_another_format_is_refused(data_file, flour, stamp):
    message = _refused_by_the_file(
        data_file, "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, "
        "reason, balance_after, created_at) VALUES (?, 10000, 'in', 'purchase', 110000, ?)",
        (flour.id, stamp))
    assert "YYYY-MM-DDTHH:MM:SS.SSSZ" in message


def test_with_the_clock_set_back_quantity_at_a_moment_and_the_listing_agree(data_file, flour):
    # The newest movement was dated in the future (a clock that ran ahead,
    # then was set back): the next one is dated no earlier, so both readings
    # of "what was there at 12:00" take the same movements.
    ahead = "2099-06-01T12:00:00.000Z"
    with raw(data_file) as connection:
        connection.execute(
            "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
            "balance_after, created_at) VALUES (?, 10000, 'in', 'purchase', 110000, ?)",
            (flour.id, ahead))
    connection.close()
    later = services.deduct_stock(flour.id, "4", "waste")
    assert later.created_at == ahead  # max(now, the newest movement's time)
    noon = clock.from_stored(ahead)
    listed = services.list_movements(item_id=flour.id, until=noon, limit=100)
    assert services.quantity_on(flour.id, noon) == sum(m.quantity_change for m in listed) == 7


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offsets=st.lists(st.integers(min_value=-5_000, max_value=5_000), min_size=2, max_size=8))
def test_whatever_the_clock_does_times_never_run_backwards(tmp_path_factory, offsets):
    # Each movement is first written by "another tool" at now + offset days
    # (refused when that is before the newest), then booked by the program.
    path = tmp_path_factory.mktemp("clock") / "inventory.sqlite3"
    db.open_database(path)
    item = services.create_item("Flour", "kg")
    for offset in offsets:
        stamp = f"{2026 + offset // 365:04d}-06-01T12:00:00.000Z"
        connection = sqlite3.connect(path)
        try:
            balance = connection.execute(
                "SELECT current_quantity FROM stock_item WHERE id = ?", (item.id,)).fetchone()[0]
            connection.execute(
                "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, "
                "reason, balance_after, created_at) VALUES (?, 10000, 'in', 'purchase', ?, ?)",
                (item.id, balance + 10000, stamp))
            connection.commit()
        except sqlite3.IntegrityError:
            pass
        finally:
            connection.close()
        services.add_stock(item.id, "1")
    times = [m.created_at for m in reversed(services.list_movements(item_id=item.id,
                                                                     limit=100))]
    assert times == sorted(times)
    for movement in services.list_movements(item_id=item.id, limit=100):
        moment = clock.from_stored(movement.created_at)
        listed = services.list_movements(item_id=item.id, until=moment, limit=100)
        assert services.quantity_on(item.id, moment) == sum(m.quantity_change for m in listed)
    db.close_database()


# 6. Digits: a SKU or an id, never silently the wrong one ----------------------------

def test_a_sku_of_digits_only_is_refused(data_file, flour):
    with pytest.raises(ValidationError, match="cannot be only digits"):
        services.create_item("Salt", "kg", sku="1")
    message = _refused_by_the_file(
        data_file, "INSERT INTO stock_item (name, unit, sku) VALUES ('Salt', 'kg', '1')")
    assert "not only digits" in message


def test_digits_that_are_one_items_sku_and_anothers_id_are_refused(tmp_path, capsys):
    # A file from before schema 2 may hold a SKU of digits.
    path = tmp_path / "kitchen.sqlite3"
    shutil.copy(FIXTURE, path)
    with raw(path) as connection:
        connection.execute("UPDATE stock_item SET sku = '1' WHERE id = 3")  # Eggs
    connection.close()
    db.open_database(path)
    with pytest.raises(ConflictError, match="both the SKU of Eggs"):
        services.find_item("1")
    assert services.find_item("#1").name == "Flour T55"
    assert services.find_item("#3").name.startswith("Eggs")
    db.close_database()
    before = snapshot(path)
    assert cli_main(["--db", str(path), "receive", "1", "30"]) == 1
    assert "write #1 for the item with id 1" in capsys.readouterr().err
    assert snapshot(path) == before
    assert cli_main(["--db", str(path), "receive", "#1", "30"]) == 0


# 7. Ids never reused ---------------------------------------------------------------

def test_a_deleted_items_id_is_never_given_again(data_file):
    first = services.create_item("Temporary", "kg")
    services.delete_item(first.id)
    second = services.create_item("Butter", "kg")
    assert second.id > first.id
    assert [h.name for h in services.item_history(second.id)] == ["Butter"]


def test_an_upgraded_file_numbers_above_every_id_it_ever_used(tmp_path):
    # In the fixture, item 5 ("Temporary") was deleted and its id reused
    # before schema 2; after the upgrade nothing reuses a number again.
    path = tmp_path / "kitchen.sqlite3"
    shutil.copy(FIXTURE, path)
    db.open_database(path)
    butter = services.find_item("BUT")
    services.delete_item(services.create_item("Scratch", "kg").id)
    assert services.create_item("Yeast", "g").id == butter.id + 2


# 8. SKUs compared on a normalised key ----------------------------------------------------

@pytest.mark.parametrize("typed", ["CAFÉ", "café", "Cafe\u0301", "straße", "FL-5\u0435",
                                   "F\u200bL", "FL\u202e55"])
def test_skus_outside_the_character_set_are_refused(data_file, typed):
    with pytest.raises(ValidationError) as refusal:
        services.create_item("Coffee", "kg", sku=typed)
    assert refusal.value.field == "sku"


def test_full_width_and_compatibility_forms_fold_to_the_same_sku(data_file):
    services.create_item("Flour", "kg", sku="FL-55")
    with pytest.raises(ValidationError, match="already used by Flour"):
        services.create_item("Other", "kg", sku="ＦＬ－５５")
    assert services.find_item("ｆｌ－５５").name == "Flour"


def test_the_file_refuses_a_sku_outside_the_set_from_any_tool(data_file):
    message = _refused_by_the_file(
        data_file, "INSERT INTO stock_item (name, unit, sku) VALUES ('Coffee', 'kg', 'café')")
    assert "a SKU may use only" in message


def test_legacy_skus_that_fold_together_are_named_by_verify_and_refused_by_lookup(tmp_path):
    path = tmp_path / "kitchen.sqlite3"
    shutil.copy(FIXTURE, path)
    with raw(path) as connection:  # schema 1 let these coexist
        connection.execute("UPDATE stock_item SET sku = 'CAFÉ' WHERE id = 1")
        connection.execute("UPDATE stock_item SET sku = 'cafe\u0301' WHERE id = 3")
    connection.close()
    db.open_database(path)
    assert [f.check for f in services.verify().findings] == ["sku"]
    with pytest.raises(ConflictError, match="Several items have SKUs that read as"):
        services.find_item("Café")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.text(min_size=1, max_size=8), second=st.text(min_size=1, max_size=8))
def test_two_skus_that_read_alike_never_both_exist(tmp_path_factory, first, second):
    db.open_database(tmp_path_factory.mktemp("sku") / "inventory.sqlite3")
    made = []
    for name, sku in (("One", first), ("Two", second)):
        with contextlib.suppress(ValidationError):
            made.append(services.create_item(name, "kg", sku=sku))
    keys = [unicodedata.normalize("NFKC", item.sku).casefold() for item in made if item.sku]
    assert len(keys) == len(set(keys))
    assert all(item.sku is None or item.sku.isascii() for item in made)
    db.close_database()


# 14. Numbering pushed to SQLite's limit ----------------------------------------------------

def test_an_id_near_sqlites_limit_is_refused_by_the_file(data_file, flour):
    message = _refused_by_the_file(
        data_file, "INSERT INTO stock_movement (id, stock_item_id, quantity_change, movement_type, "
        "reason, balance_after) VALUES (9223372036854775807, ?, 10000, 'in', 'purchase', 110000)",
        (flour.id,))
    assert "ids must be between" in message


def test_exhausted_numbering_is_named_not_called_a_full_disk(data_file, flour, capsys):
    with raw(data_file) as connection:
        connection.execute("UPDATE sqlite_sequence SET seq = 9223372036854775807 "
                           "WHERE name = 'stock_movement'")
    connection.close()
    before = snapshot(data_file)
    with pytest.raises(DataFileError, match="No new row can be numbered"):
        services.add_stock(flour.id, "1")
    assert snapshot(data_file) == before
    report = services.verify()
    assert any("stock_movement has reached id 9223372036854775807" in f.detail
               for f in report.of("numbering"))
    db.close_database()
    assert cli_main(["--db", str(data_file), "receive", "FL-1", "1"]) == 1
    assert "No new row can be numbered" in capsys.readouterr().err


# 17. Operation keys: one namespace, and a replay must match ---------------------------------

def test_an_item_key_replayed_with_other_details_is_a_conflict(data_file):
    item = services.create_item("Flour", "kg", sku="FL-1", low_stock_threshold="2", op_key="k1")
    assert services.create_item("Flour", "kg", sku="FL-1", low_stock_threshold="2",
                                op_key="k1") == item
    for changed in ({"sku": "FL-2"}, {"low_stock_threshold": "3"}, {"initial_quantity": "1"}):
        details = {"sku": "FL-1", "low_stock_threshold": "2", **changed}
        before = snapshot(data_file)
        with pytest.raises(ConflictError, match="already used to create Flour"):
            services.create_item("Flour", "kg", op_key="k1", **details)
        assert snapshot(data_file) == before


def test_an_item_key_cannot_be_used_for_a_movement_nor_the_other_way(data_file, flour):
    services.create_item("Salt", "kg", op_key="shared")
    before = snapshot(data_file)
    with pytest.raises(ConflictError, match="'shared' was already used to create Salt"):
        services.add_stock(flour.id, "1", op_key="shared")
    assert snapshot(data_file) == before
    movement = services.add_stock(flour.id, "1", op_key="receipt-1")
    with pytest.raises(ConflictError, match=f"already used for movement {movement.id}"):
        services.create_item("Sugar", "kg", op_key="receipt-1")
    assert [item.name for item in services.list_items()] == ["Flour", "Salt"]
    # The file holds the same rule for any tool.
    assert "already used to create an item" in _refused_by_the_file(
        data_file, "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, "
        "reason, balance_after, op_key) VALUES (?, 10000, 'in', 'purchase', 120000, 'shared')",
        (flour.id,))


def test_an_id_beyond_any_number_is_not_found(data_file, flour):
    with pytest.raises(NotFoundError):
        services.find_item("#" + "9" * 5000)
    with pytest.raises(NotFoundError):
        services.find_item("9" * 5000)
