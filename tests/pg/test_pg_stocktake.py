"""Stocktakes on PostgreSQL: counts only while open, a committed stocktake frozen."""

from __future__ import annotations

import pytest

from .pg_helpers import add_item, move, refused


def _start(connection, *, areas: tuple[int, ...] = ()) -> int:
    stocktake = connection.execute(
        "INSERT INTO stocktake (name, all_items, started_by) VALUES ('November', %s, 'ana') "
        "RETURNING id", (not areas,)).fetchone()[0]
    for area in areas:
        connection.execute("INSERT INTO stocktake_area (stocktake_id, area_id) VALUES (%s, %s)",
                           (stocktake, area))
    return stocktake


def _count(connection, stocktake: int, item: int, counted: int, expected: int) -> int:
    return connection.execute(
        "INSERT INTO stocktake_count (stocktake_id, item_id, counted, expected, counted_by) "
        "VALUES (%s, %s, %s, %s, 'ben') RETURNING id",
        (stocktake, item, counted, expected)).fetchone()[0]


def _commit(connection, stocktake: int, item: int, variance: int) -> None:
    connection.execute("BEGIN")
    move(connection, item, variance, kind="adjustment", reason="stocktake",
         reference_type="stocktake", reference_id=str(stocktake))
    connection.execute(
        "UPDATE stocktake SET state = 'committed', uncounted = 'keep', closed_by = 'ana', "
        "closed_at = inventory.utc_now() WHERE id = %s", (stocktake,))
    connection.execute("COMMIT")


@pytest.fixture
def committed(pg_db):
    """A stocktake that found 1 kg of flour missing, committed; the app's connection."""
    with pg_db.connect("app") as connection:
        item = add_item(connection)
        move(connection, item, 50_000)
        stocktake = _start(connection)
        _count(connection, stocktake, item, 40_000, 50_000)
        connection.execute("INSERT INTO stocktake_explanation (stocktake_id, item_id, reasons, "
                           "explained_by) VALUES (%s, %s, '{\"waste\": 10000}', 'ana')",
                           (stocktake, item))
        _commit(connection, stocktake, item, -10_000)
        yield connection, stocktake, item


def test_a_committed_stocktake_is_frozen(committed, pg_db):
    connection, stocktake, item = committed
    with refused(connection, "counts can only be added to an open stocktake"):
        _count(connection, stocktake, item, 1, 40_000)
    with refused(connection, "variances can only be explained while the stocktake is open"):
        connection.execute("INSERT INTO stocktake_explanation (stocktake_id, item_id, reasons, "
                           "explained_by) VALUES (%s, %s, '{}', 'ana')", (stocktake, item))
    with refused(connection, "a committed or abandoned stocktake cannot change"):
        connection.execute("UPDATE stocktake SET name = 'December'")
    with refused(connection, "a committed or abandoned stocktake cannot change"):
        connection.execute("UPDATE stocktake SET state = 'open', closed_at = NULL, "
                           "uncounted = NULL")
    with refused(connection, "stock is posted to a stocktake only while it is committed, once"):
        move(connection, item, -1, kind="adjustment", reason="stocktake",
             reference_type="stocktake", reference_id=str(stocktake))
    with refused(connection, "a stocktake's areas are chosen when it starts"):
        connection.execute("INSERT INTO stocktake_area (stocktake_id, area_id) "
                           "VALUES (%s, 1)", (stocktake,))
    with pg_db.connect() as owner:
        for statement in ("UPDATE stocktake_count SET counted = 50000",
                          "DELETE FROM stocktake_explanation", "DELETE FROM stocktake",
                          "UPDATE stocktake SET name = 'December'"):
            with refused(owner, "append-only|never deleted|cannot change"):
                owner.execute(statement)


def test_count_lines_are_append_only_for_the_program(committed):
    connection, _, _ = committed
    for statement in ("UPDATE stocktake_count SET counted = 50000", "DELETE FROM stocktake_count",
                      "UPDATE stocktake_explanation SET reasons = '{}'",
                      "DELETE FROM stocktake", "TRUNCATE stocktake_count"):
        with refused(connection, "permission denied", sqlstate="42501"):
            connection.execute(statement)


def test_a_stocktake_of_chosen_areas_counts_only_the_items_kept_there(pg_db):
    with pg_db.connect("app") as connection:
        bar = connection.execute("INSERT INTO storage_area (name, walk_order) VALUES ('Bar', 1) "
                                 "RETURNING id").fetchone()[0]
        wine = add_item(connection, "Wine", "W-1", unit="piece")
        salt = add_item(connection, "Salt", "S-1")
        connection.execute("INSERT INTO item_location (item_id, area_id, walk_order) "
                           "VALUES (%s, %s, 1)", (wine, bar))
        stocktake = _start(connection, areas=(bar,))
        _count(connection, stocktake, wine, 60_000, 0)
        with refused(connection, "this item is not counted in this stocktake"):
            _count(connection, stocktake, salt, 10_000, 0)
        with refused(connection, "a stocktake's areas are chosen when it starts"):
            connection.execute("INSERT INTO stocktake_area (stocktake_id, area_id) "
                               "VALUES (%s, %s)", (stocktake, bar))


def test_a_stocktake_starts_open_and_is_never_deleted(pg_db):
    with pg_db.connect("app") as connection:
        with refused(connection, "a stocktake starts open"):
            connection.execute("INSERT INTO stocktake (name, all_items, started_by, state, "
                               "closed_at, uncounted) VALUES ('X', true, 'ana', 'committed', "
                               "inventory.utc_now(), 'keep')")
        stocktake, item = _start(connection), add_item(connection)
        connection.execute("UPDATE stocktake SET state = 'abandoned', closed_by = 'ana', "
                           "closed_at = inventory.utc_now() WHERE id = %s", (stocktake,))
        with refused(connection, "counts can only be added to an open stocktake"):
            _count(connection, stocktake, item, 0, 0)
        with refused(connection, "permission denied", sqlstate="42501"):
            connection.execute("DELETE FROM stocktake")
