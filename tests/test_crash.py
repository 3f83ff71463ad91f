"""Crash test: a writer SIGKILLed at random moments never leaves the file inconsistent.

The short run here kills the writer 15 times (a few seconds); the long proof
is `python scripts/crash_test.py` (200 kills) or `pytest -m slow`.
The checker itself is tested against files that *are* wrong, so a passing
run means something.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


crash_test = _load("crash_test")


def _seed() -> int:
    seed = int(os.environ.get("CRASH_SEED", random.SystemRandom().randrange(2**32)))
    print(f"crash test seed: {seed} (re-run with CRASH_SEED={seed})")
    return seed


def test_short_crash_run_keeps_every_committed_operation_once(tmp_path: Path) -> None:
    summary = crash_test.crash_test(tmp_path, kills=15, seed=_seed())

    assert summary["failures"] == []
    assert summary["kills"] == 15
    assert summary["operations_logged"] > 15  # the writer got real work done between kills


@pytest.fixture
def settled_run(tmp_path: Path):
    """A run killed a few times and then settled: the checker finds nothing wrong."""
    run = crash_test.Run(tmp_path, seed=3)
    run.create()
    rng = random.Random(3)
    for _ in range(3):
        crash_test.kill_at_random(run, rng, max_delay=0.1)
    crash_test.finish(run)
    assert crash_test.check(run) == []
    return run


def _logged(run) -> list[dict]:
    return [json.loads(line) for line in run.log.read_text().splitlines()]


def test_checker_catches_a_logged_operation_missing_from_the_file(settled_run) -> None:
    with settled_run.log.open("a") as log:
        log.write(json.dumps({"op_key": "op-lost", "item": 1, "change": 5,
                              "movement_id": 10**6}) + "\n")

    assert any("op-lost was logged as committed but is not in the file" in problem
               for problem in crash_test.check(settled_run))


def test_checker_catches_a_booking_nobody_logged(settled_run) -> None:
    last = _logged(settled_run)[-1]
    lines = settled_run.log.read_text().splitlines(keepends=True)
    settled_run.log.write_text("".join(lines[:-1]))

    assert crash_test.check(settled_run) == [
        f"{last['op_key']} is in the file but was never logged nor in flight"]


def test_checker_catches_a_quantity_without_its_movement(settled_run) -> None:
    connection = sqlite3.connect(settled_run.db, isolation_level=None)
    connection.execute("DROP TRIGGER stock_item_quantity_follows_ledger")
    connection.execute("UPDATE stock_item SET current_quantity = current_quantity + 1 "
                       "WHERE id = 1")
    connection.close()

    assert any("verify failed" in problem for problem in crash_test.check(settled_run))


def test_writer_resubmits_the_operation_in_flight_exactly_once(tmp_path: Path) -> None:
    run = crash_test.Run(tmp_path, seed=11)
    run.create()
    writer = _load("crash_writer")
    op = writer.operation(11, 0, [1, 2, 3, 4], dict.fromkeys([1, 2, 3, 4], 100_000))
    run.intent.write_text(json.dumps(op))  # killed after stating its intent, before submitting

    crash_test.finish(run)
    crash_test.finish(run)  # a second restart must not book it again

    logged = _logged(run)
    assert [entry["op_key"] for entry in logged].count(op["op_key"]) == 1
    assert logged[0]["resubmitted"] == "booked"
    assert not run.intent.exists()
    assert crash_test.check(run) == []


def test_script_prints_its_seed_and_a_passing_summary(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "crash_test.py"), "--kills", "3", "--seed", "42",
         "--dir", str(tmp_path)], capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert "crash test seed: 42" in result.stderr
    summary = json.loads(result.stdout)
    assert (summary["seed"], summary["kills"], summary["ok"]) == (42, 3, True)


@pytest.mark.slow
def test_long_crash_run_200_kills(tmp_path: Path) -> None:
    summary = crash_test.crash_test(tmp_path, kills=200, seed=_seed())

    assert summary["failures"] == []
    assert summary["kills_with_operation_in_flight"] > 0
