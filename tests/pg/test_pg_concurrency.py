"""Several terminals at once: one item's writers take turns, other items' writers do not wait.

Each test holds a transaction open on one connection and shows what a
second connection does meanwhile: a short lock_timeout proves it would wait
(55P03), and a thread that waits proves what it finds once the first commits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
import pytest

from .pg_helpers import add_item, balance, move

WAITS = "55P03"  # lock_not_available: the lock_timeout below ran out


@pytest.fixture
def terminals(pg_db):
    """Two program connections and two items (with stock) to write on."""
    with pg_db.connect("app") as first, pg_db.connect("app") as second:
        flour, sugar = add_item(first), add_item(first, "Sugar", "SU-1")
        move(first, flour, 100_000)
        move(first, sugar, 100_000)
        second.execute("SET lock_timeout = '300ms'")
        yield first, second, flour, sugar


def _in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(work())
        except psycopg.Error as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_second_writer_on_the_same_item_waits_then_reads_the_first(terminals):
    first, second, flour, _ = terminals
    first.execute("BEGIN")
    move(first, flour, -10_000, balance_after=90_000)
    with pytest.raises(psycopg.Error) as caught:
        move(second, flour, -20_000, balance_after=80_000)
    assert caught.value.sqlstate == WAITS
    second.execute("SET lock_timeout = 0")
    # Written as if the first writer were not there: it waits, then is refused.
    thread, outcome = _in_thread(lambda: move(second, flour, -20_000, balance_after=80_000))
    time.sleep(0.3)
    assert thread.is_alive()
    first.execute("COMMIT")
    thread.join(10)
    assert isinstance(outcome[0], psycopg.errors.CheckViolation)
    assert "balance_after must equal the previous balance" in str(outcome[0])
    move(second, flour, -20_000)
    assert balance(second, flour)[0] == 70_000


def test_writers_on_different_items_do_not_wait_for_each_other(terminals):
    first, second, flour, sugar = terminals
    first.execute("BEGIN")
    move(first, flour, -10_000)
    move(second, sugar, -10_000)  # within the 300 ms lock_timeout: no waiting at all
    second.execute("UPDATE stock_item SET name = 'Caster sugar' WHERE id = %s", (sugar,))
    first.execute("COMMIT")
    assert second.execute("SELECT current_quantity FROM stock_item ORDER BY id").fetchall() == [
        (90_000,), (90_000,)]


def test_the_same_operation_key_from_two_terminals_books_once(terminals):
    first, second, flour, sugar = terminals
    first.execute("BEGIN")
    move(first, flour, 1, op_key="delivery-17")
    with pytest.raises(psycopg.Error) as caught:
        move(second, sugar, 1, op_key="delivery-17")
    assert caught.value.sqlstate == WAITS
    second.execute("SET lock_timeout = 0")
    thread, outcome = _in_thread(lambda: move(second, sugar, 1, op_key="delivery-17"))
    time.sleep(0.3)
    first.execute("COMMIT")
    thread.join(10)
    assert isinstance(outcome[0], psycopg.errors.UniqueViolation)
    assert second.execute("SELECT count(*) FROM stock_movement WHERE op_key = 'delivery-17'"
                          ).fetchone()[0] == 1


def test_two_commits_of_one_stocktake_apply_once(terminals):
    first, second, flour, sugar = terminals
    stocktake = first.execute("INSERT INTO stocktake (name, all_items, started_by) "
                              "VALUES ('November', true, 'ana') RETURNING id").fetchone()[0]

    def post(connection, item: int) -> None:
        move(connection, item, -1_000, kind="adjustment", reason="stocktake",
             reference_type="stocktake", reference_id=str(stocktake))

    first.execute("BEGIN")
    post(first, flour)
    second.execute("SET lock_timeout = 0")
    thread, outcome = _in_thread(lambda: post(second, sugar))
    time.sleep(0.3)
    assert thread.is_alive()  # the second commit queues on the stocktake
    first.execute("UPDATE stocktake SET state = 'committed', uncounted = 'keep', "
                  "closed_by = 'ana', closed_at = inventory.utc_now()")
    first.execute("COMMIT")
    thread.join(10)
    assert "only while it is committed, once" in str(outcome[0])
    assert second.execute("SELECT count(*) FROM stock_movement WHERE reference_type = "
                          "'stocktake'").fetchone()[0] == 1


def test_a_count_saved_during_the_commit_waits_and_is_refused(terminals):
    first, second, flour, _ = terminals
    stocktake = first.execute("INSERT INTO stocktake (name, all_items, started_by) "
                              "VALUES ('November', true, 'ana') RETURNING id").fetchone()[0]
    first.execute("BEGIN")
    first.execute("UPDATE stocktake SET state = 'committed', uncounted = 'keep', "
                  "closed_by = 'ana', closed_at = inventory.utc_now()")
    second.execute("SET lock_timeout = 0")
    thread, outcome = _in_thread(lambda: second.execute(
        "INSERT INTO stocktake_count (stocktake_id, item_id, counted, expected, counted_by) "
        "VALUES (%s, %s, 1, 100000, 'ben')", (stocktake, flour)))
    time.sleep(0.3)
    assert thread.is_alive()
    first.execute("COMMIT")
    thread.join(10)
    assert "counts can only be added to an open stocktake" in str(outcome[0])
