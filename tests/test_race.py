"""Eight processes hammer one item at the same moment: nothing is lost, nothing fails.

The negative control runs the same race the naive way (a deferred transaction
that reads the quantity, then writes the movement) and must show it breaking,
so we know this test really races.
"""

from __future__ import annotations

import multiprocessing
import queue
import random
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import raw

from inventory_desktop import db, services
from inventory_desktop.errors import InsufficientStockError

PROCESSES = 8
START_UNITS = 500_000  # 50 kg, so most deductions find stock


def _service_worker(path: str, item_id: int, seed: int, ops: int, barrier, results) -> None:
    """Mixed receipts and deductions through the services; reports what was booked."""
    db.open_database(path)
    rng = random.Random(seed)
    booked: list[tuple[int, int]] = []
    short, errors = 0, []
    barrier.wait()
    for _ in range(ops):
        units = rng.randint(1, 30_000)
        quantity = f"{units / 10_000:.4f}"
        try:
            if rng.random() < 0.5:
                movement = services.add_stock(item_id, quantity, user=f"worker-{seed}")
                booked.append((movement.id, units))
            else:
                movement = services.deduct_stock(item_id, quantity, "order_usage",
                                                 user=f"worker-{seed}")
                booked.append((movement.id, -units))
        except InsufficientStockError:
            short += 1
        except Exception as exc:  # anything else is what this test exists to catch
            errors.append(f"{type(exc).__name__}: {exc}")
    db.close_database()
    results.put((seed, booked, short, errors))


def _deferred_worker(path: str, item_id: int, seed: int, ops: int, barrier, results) -> None:
    """The bug BEGIN IMMEDIATE avoids: read in a deferred transaction, then write."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=5)
    rng = random.Random(seed)
    booked: list[tuple[int, int]] = []
    errors: list[str] = []
    barrier.wait()
    for _ in range(ops):
        units = rng.randint(1, 30_000) * rng.choice((1, -1))
        try:
            connection.execute("BEGIN")
            (quantity,) = connection.execute(
                "SELECT current_quantity FROM stock_item WHERE id = ?", (item_id,)).fetchone()
            time.sleep(0.001)  # the application's own work between reading and writing
            if quantity + units < 0:
                connection.execute("ROLLBACK")
                continue
            movement_id = connection.execute(
                "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, "
                "reason, balance_after) VALUES (?, ?, ?, 'correction', ?)",
                (item_id, units, "in" if units > 0 else "out", quantity + units)).lastrowid
            connection.execute("COMMIT")
            booked.append((movement_id, units))
        except sqlite3.DatabaseError as exc:
            errors.append(str(exc))
            if connection.in_transaction:
                connection.execute("ROLLBACK")
    connection.close()
    results.put((seed, booked, 0, errors))


def _race(path: Path, worker, ops: int) -> tuple[int, list[tuple], list[str], int]:
    item = services.create_item("Flour", "kg", sku="FL-1", initial_quantity="50")
    item_id = item.id
    db.close_database()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    children = [context.Process(target=worker,
                                args=(str(path), item_id, seed, ops, barrier, results))
                for seed in range(PROCESSES)]
    for child in children:
        child.start()
    reports = _collect(results, children)
    for child in children:
        child.join(60)
    assert [child.exitcode for child in children] == [0] * PROCESSES
    booked = [entry for _, entries, _, _ in reports for entry in entries]
    errors = [error for _, _, _, errs in reports for error in errs]
    short = sum(s for _, _, s, _ in reports)
    db.open_database(path)
    return item_id, booked, errors, short


def _collect(results, children) -> list[tuple]:
    # Fail fast, not after a long timeout, if a worker died before reporting.
    reports: list[tuple] = []
    deadline = time.monotonic() + 300
    while len(reports) < len(children):
        try:
            reports.append(results.get(timeout=1))
        except queue.Empty:
            dead = [c.exitcode for c in children if c.exitcode not in (None, 0)]
            assert not dead, f"a worker died with exit code {dead}"
            assert time.monotonic() < deadline, "the workers did not finish in 300 s"
    return reports


def _ledger(path: Path, item_id: int) -> tuple[int, list[tuple[int, int, int]]]:
    with raw(path) as connection:
        (quantity,) = connection.execute(
            "SELECT current_quantity FROM stock_item WHERE id = ?", (item_id,)).fetchone()
        movements = connection.execute(
            "SELECT id, quantity_change, balance_after FROM stock_movement "
            "WHERE stock_item_id = ? ORDER BY id", (item_id,)).fetchall()
    connection.close()
    return quantity, movements


def _assert_nothing_lost(path: Path, ops: int) -> None:
    item_id, booked, errors, short = _race(path, _service_worker, ops)
    assert errors == []
    assert len(booked) + short == PROCESSES * ops
    quantity, movements = _ledger(path, item_id)
    # Every success a worker saw is in the file, exactly as it saw it, and nothing else.
    assert sorted(booked) == [(mid, change) for mid, change, _ in movements[1:]]
    assert quantity == START_UNITS + sum(change for _, change in booked)
    assert quantity == sum(change for _, change, _ in movements)
    running = 0
    for _, change, balance_after in movements:
        running += change
        assert balance_after == running
    assert services.verify().ok


@pytest.mark.both_backends
def test_eight_processes_lose_nothing(data_file):
    _assert_nothing_lost(data_file, ops=40)


@pytest.mark.slow
@pytest.mark.both_backends
def test_eight_processes_lose_nothing_over_a_long_race(data_file):
    _assert_nothing_lost(data_file, ops=2000)


def test_negative_control_deferred_transactions_fail_under_the_same_race(data_file):
    item_id, booked, errors, _ = _race(data_file, _deferred_worker, ops=40)
    # The naive way breaks: writers whose snapshot went stale are refused at
    # once with "database is locked", whatever the busy timeout.
    assert errors, "the deferred race produced no errors: this test does not race"
    assert any("locked" in error or "busy" in error for error in errors), errors[:5]
    assert len(booked) < PROCESSES * 40
    # The triggers still keep what did commit consistent.
    quantity, movements = _ledger(data_file, item_id)
    assert quantity == sum(change for _, change, _ in movements)
