"""Several terminals on one server, through the program itself: nothing lost, nothing stuck.

Each terminal is its own process with its own connection, as the program's
login. 16 writers x 500 mixed actions over 8 items (receipts, deductions,
adjustments, deliveries of several items in random order, reversals); two
terminals committing one stocktake while deliveries touch its items; one
operation key sent by two terminals at once; a terminal killed in the middle
of a write. Afterwards the ledger must add up and verify must find nothing.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import random
import signal
import time

import psycopg
import pytest
from pg_server import login_url

from inventory_desktop import db, pg_database, services
from inventory_desktop.errors import ConflictError, DatabaseBusyError, InsufficientStockError
from inventory_desktop.services import LineInput
from inventory_desktop.services.ledger import book

WRITERS, ACTIONS, ITEMS = 16, 500, 8


@pytest.fixture
def terminal_url(pg_db) -> str:
    """The database's address as the program's own login (what every terminal opens)."""
    return login_url(pg_db.server, pg_db.name)


def _kitchen(url: str, items: int = ITEMS) -> list[int]:
    db.open_database(url)
    ids = [services.create_item(f"Item {n}", "kg", sku=f"IT-{n}", initial_quantity="100",
                                unit_cost="1.50").id for n in range(items)]
    db.close_database()
    return ids


def _writer(url: str, items: list[int], seed: int, actions: int, barrier, results) -> None:
    db.open_database(url)
    rng = random.Random(seed)
    booked, short, errors = 0, 0, []
    barrier.wait()
    for _ in range(actions):
        try:
            booked += _one_action(rng, items, f"terminal-{seed}")
        except InsufficientStockError:
            short += 1
        except ConflictError as exc:  # a reversal of something already reversed
            if "already reversed" not in str(exc):
                errors.append(f"ConflictError: {exc}")
        except Exception as exc:  # anything else is what this test exists to catch
            errors.append(f"{type(exc).__name__}: {exc}")
    db.close_database()
    results.put((seed, booked, short, errors))


def _one_action(rng: random.Random, items: list[int], user: str) -> int:
    item = rng.choice(items)
    quantity = f"{rng.randint(1, 40) / 4:.2f}"
    roll = rng.random()
    if roll < 0.3:
        services.add_stock(item, quantity, unit_cost=f"{rng.randint(100, 300) / 100:.2f}",
                           user=user)
    elif roll < 0.6:
        services.deduct_stock(item, quantity, "order_usage", user=user)
    elif roll < 0.7:
        adjusted = services.adjust_stock(item, f"{rng.randint(50, 150)}", "correction",
                                         user=user)
        return 0 if adjusted is None else 1  # already at that quantity: nothing booked
    elif roll < 0.9:
        # Several items in one write, named in a random order: without one lock
        # order for every write, two of these would deadlock.
        lines = [LineInput(other, quantity) for other in rng.sample(items, 3)]
        return len(services.receive_delivery(lines, reference=f"DN-{rng.randint(1, 999)}",
                                             user=user))
    else:
        recent = services.list_movements(item_id=item, movement_type="in", limit=5)
        if not recent:
            return 0
        services.reverse_movement(rng.choice(recent).id, user=user)
    return 1


def _run_processes(target, argument_sets, timeout: float = 240) -> list[tuple]:
    """Run `target(*args, barrier, results)` once per argument set, all released at once.

    `target` may also be a list of targets, one per argument set.
    """
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    barrier = context.Barrier(len(argument_sets))
    targets = target if isinstance(target, list) else [target] * len(argument_sets)
    processes = [context.Process(target=each, args=(*args, barrier, results))
                 for each, args in zip(targets, argument_sets, strict=True)]
    for process in processes:
        process.start()
    collected = []
    deadline = time.monotonic() + timeout
    for _ in processes:
        try:
            collected.append(results.get(timeout=max(1.0, deadline - time.monotonic())))
        except queue.Empty:
            break
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
    assert len(collected) == len(processes), "a terminal hung"
    return collected


def _ledger_adds_up(url: str, items: list[int]) -> None:
    db.open_database(url)
    report = services.verify()
    assert report.ok, report.findings
    for item in items:
        movements = services.list_movements(item_id=item, limit=None)
        total = sum(m.quantity_change for m in movements)
        assert services.get_item(item).quantity == total
        running = 0
        for movement in reversed(movements):  # oldest first
            running += movement.quantity_change
            assert movement.balance_after == running
    db.close_database()


def test_sixteen_terminals_writing_at_once_lose_nothing(terminal_url):
    items = _kitchen(terminal_url)
    results = _run_processes(_writer, [(terminal_url, items, seed, ACTIONS)
                                       for seed in range(WRITERS)])
    errors = [error for _, _, _, found in results for error in found]
    assert errors == []
    booked = sum(count for _, count, _, _ in results)
    assert booked > WRITERS * ACTIONS // 2  # most actions booked something
    _ledger_adds_up(terminal_url, items)
    db.open_database(terminal_url)
    assert services.count_movements() == ITEMS + booked  # the initial stock, and every booking
    db.close_database()


def _commit(url: str, stocktake: int, barrier, results) -> None:
    db.open_database(url)
    barrier.wait()
    try:
        report = services.commit_stocktake(stocktake, user="office")
        results.put(("committed", len(report.movement_ids)))
    except ConflictError as exc:
        results.put(("refused", str(exc)))
    except Exception as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    db.close_database()


def _deliver(url: str, items: list[int], barrier, results) -> None:
    db.open_database(url)
    barrier.wait()
    try:
        for number in range(20):
            lines = [LineInput(item, "1") for item in reversed(items)]
            services.receive_delivery(lines, reference=f"DN-{number}", user="kitchen")
        results.put(("delivered", 20))
    except Exception as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    db.close_database()


def test_two_terminals_committing_one_stocktake_post_it_once(terminal_url):
    items = _kitchen(terminal_url)
    db.open_database(terminal_url)
    area = services.create_area("Store").id
    for item in items:
        services.place_item(item, [area])
    stocktake = services.start_stocktake("Monthly").id
    for item in items:
        services.record_count(stocktake, item, area, "90")
    db.close_database()
    outcomes = _run_processes(
        [_commit, _commit, _deliver],
        [(terminal_url, stocktake), (terminal_url, stocktake), (terminal_url, items)])
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["committed", "delivered", "refused"], outcomes
    refused = next(text for kind, text in outcomes if kind == "refused")
    assert "already committed" in refused
    _ledger_adds_up(terminal_url, items)
    db.open_database(terminal_url)
    posted = services.list_movements(limit=None)
    assert len([m for m in posted if m.reference_type == "stocktake"]) == ITEMS
    db.close_database()


def _same_key(url: str, item: int, barrier, results) -> None:
    db.open_database(url)
    barrier.wait()
    movement = services.add_stock(item, "5", op_key="pos-77", user=f"till-{os.getpid()}")
    results.put((movement.id, movement.replayed))
    db.close_database()


def test_one_operation_key_from_two_terminals_books_once(terminal_url):
    (item,) = _kitchen(terminal_url, items=1)
    outcomes = _run_processes(_same_key, [(terminal_url, item), (terminal_url, item)])
    assert len({movement_id for movement_id, _ in outcomes}) == 1
    assert sorted(replayed for _, replayed in outcomes) == [False, True]
    db.open_database(terminal_url)
    assert services.get_item(item).quantity == 105
    db.close_database()


def _hold_a_write(url: str, item: int, ready) -> None:
    # A terminal in the middle of a write: its movement inserted, not committed.
    db.open_database(url)
    with db.write_transaction("doomed"):
        book(item, 10_000, "in", "purchase", actor="doomed")
        ready.set()
        time.sleep(600)


def test_a_terminal_killed_mid_write_loses_nothing_committed(terminal_url, pg_db):
    (item,) = _kitchen(terminal_url, items=1)
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    doomed = context.Process(target=_hold_a_write, args=(terminal_url, item, ready))
    doomed.start()
    assert ready.wait(30)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.join(10)
    db.open_database(terminal_url)
    # Its item is free again at once (the server rolled the write back with
    # the connection), and its movement never happened.
    services.add_stock(item, "1", user="next")
    assert services.get_item(item).quantity == 101
    assert [m.created_by for m in services.list_movements(item_id=item, limit=None)] == [
        "next", services.operator_name()]
    assert services.verify().ok
    db.close_database()
    with psycopg.connect(pg_db.conninfo()) as admin:
        doomed_rows = admin.execute(
            "SELECT count(*) FROM inventory.audit_log WHERE actor = 'doomed'").fetchone()[0]
    assert doomed_rows == 0


def _start_stocktake(url: str, name: str, barrier, results) -> None:
    db.open_database(url)
    barrier.wait()
    try:
        results.put(("started", services.start_stocktake(name, user=name).id))
    except ConflictError as exc:
        results.put(("refused", str(exc)))
    db.close_database()


def test_two_terminals_starting_a_stocktake_at_once_open_one(terminal_url):
    items = _kitchen(terminal_url, items=2)
    outcomes = _run_processes(_start_stocktake, [(terminal_url, "bar"), (terminal_url, "kitchen")])
    assert sorted(kind for kind, _ in outcomes) == ["refused", "started"], outcomes
    assert "is still open and counts some of the same items" in dict(outcomes)["refused"]
    db.open_database(terminal_url)
    assert len(services.list_stocktakes(state="open")) == 1
    db.close_database()
    _ledger_adds_up(terminal_url, items)


def _create_item(url: str, op_key: str | None, sku: str, barrier, results) -> None:
    db.open_database(url)
    barrier.wait()
    try:
        item = services.create_item("Sugar", "kg", sku=sku, initial_quantity="5", op_key=op_key,
                                    user=f"till-{os.getpid()}")
        results.put(("created", item.id))
    except Exception as exc:  # the sentence is what is checked
        results.put((type(exc).__name__, str(exc)))
    db.close_database()


def test_one_item_key_from_two_terminals_creates_one_item(terminal_url):
    outcomes = _run_processes(_create_item, [(terminal_url, "new-sugar", "SU-1")] * 2)
    assert [kind for kind, _ in outcomes] == ["created", "created"], outcomes
    assert len({item_id for _, item_id in outcomes}) == 1
    db.open_database(terminal_url)
    assert [(item.sku, item.quantity) for item in services.list_items()] == [("SU-1", 5)]
    db.close_database()


def test_one_new_sku_from_two_terminals_is_refused_to_the_second_in_words(terminal_url):
    outcomes = _run_processes(_create_item, [(terminal_url, None, "SU-2")] * 2)
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["DuplicateSkuError", "created"], outcomes
    assert "The SKU 'SU-2' is already used by Sugar." in dict(outcomes)["DuplicateSkuError"]


def test_a_write_held_up_by_another_terminal_is_told_to_try_again(terminal_url, pg_db,
                                                                   monkeypatch):
    monkeypatch.setattr(pg_database, "LOCK_WAIT", "300ms")  # the program waits 15 s
    (item,) = _kitchen(terminal_url, items=1)
    with psycopg.connect(terminal_url, autocommit=False) as holder:
        holder.execute("SELECT 1 FROM inventory.stock_item WHERE id = %s FOR UPDATE", (item,))
        db.open_database(terminal_url)
        try:
            with pytest.raises(DatabaseBusyError, match="Another terminal was changing the "
                                                        "same stock"):
                services.add_stock(item, "5", user="bar")
        finally:
            db.close_database()
    db.open_database(terminal_url)
    assert services.get_item(item).quantity == 100
    assert len(services.list_movements(limit=None)) == 1  # the initial stock only
    db.close_database()


def _same_sheet(url: str, items: list[int], barrier, results) -> None:
    db.open_database(url)
    barrier.wait()
    try:
        booked = services.receive_delivery([LineInput(item, "2") for item in items],
                                           reference="DN-55", op_key="tablet-dn-55")
        results.put(("booked", sorted(movement.id for movement in booked)))
    except Exception as exc:  # the sentence is what is checked
        results.put((type(exc).__name__, str(exc)))
    db.close_database()


def test_one_delivery_sent_by_two_terminals_with_one_key_books_once(terminal_url):
    items = _kitchen(terminal_url, items=3)
    outcomes = _run_processes(_same_sheet, [(terminal_url, items)] * 2)
    assert [kind for kind, _ in outcomes] == ["booked", "booked"], outcomes
    assert outcomes[0][1] == outcomes[1][1]
    db.open_database(terminal_url)
    assert [services.get_item(item).quantity for item in items] == [102] * 3
    db.close_database()


def _add_supplier(url: str, barrier, results) -> None:
    db.open_database(url)
    barrier.wait()
    try:
        results.put(("added", services.create_supplier("Metro").id))
    except Exception as exc:  # the sentence is what is checked
        results.put((type(exc).__name__, str(exc)))
    db.close_database()


def test_one_new_supplier_from_two_terminals_is_refused_to_the_second_in_words(terminal_url):
    outcomes = _run_processes(_add_supplier, [(terminal_url,)] * 2)
    assert sorted(kind for kind, _ in outcomes) == ["ConflictError", "added"], outcomes
    assert dict(outcomes)["ConflictError"] == "There is already a supplier called Metro."
