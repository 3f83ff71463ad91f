"""Stocktakes across processes: counts survive a kill, two counters are both kept,
two commits at once apply once. Each test runs real separate Python processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inventory_desktop import db, services

SLOW_START = 60

_COUNTER = """
import sys
from inventory_desktop import db, services
db.open_database(sys.argv[1])
stocktake, area, who = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
items = [int(i) for i in sys.argv[5].split(',')]
for number, item in enumerate(items):
    services.record_count(stocktake, item, area, str(number + 1), user=who)
    print(f"counted {item}", flush=True)
print("done", flush=True)
sys.stdin.readline()  # stays open until killed
"""

_COMMITTER = """
import sys, time
from inventory_desktop import db, services
from inventory_desktop.errors import InventoryError
db.open_database(sys.argv[1])
start = float(sys.argv[3])
while time.time() < start:
    time.sleep(0.001)
try:
    report = services.commit_stocktake(int(sys.argv[2]), user=sys.argv[4])
    print("committed", len(report.movement_ids), flush=True)
except InventoryError as error:
    print("refused", error, flush=True)
"""


@pytest.fixture
def dry_store(data_file: Path) -> tuple[Path, int, int, list[int]]:
    area = services.create_area("Dry store").id
    items = [services.create_item(f"Item {n:02d}", "kg", sku=f"IT-{n:02d}", initial_quantity="50",
                                  areas=[area]).id for n in range(20)]
    stocktake = services.start_stocktake("Weekly").id
    db.close_database()
    return data_file, stocktake, area, items


def _child(script: str, *args: object, stdin=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ})


def _counts(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT item_id, counted, counted_by FROM stocktake_count ORDER BY id").fetchall()
    finally:
        connection.close()


def test_counts_survive_a_killed_counting_process(dry_store):
    path, stocktake, area, items = dry_store
    counter = _child(_COUNTER, path, stocktake, area, "ana", ",".join(map(str, items)))
    seen = []
    deadline = time.monotonic() + SLOW_START
    while len(seen) < 12 and time.monotonic() < deadline:
        seen.append(counter.stdout.readline())
    os.kill(counter.pid, signal.SIGKILL)  # mid-count: the power went out
    counter.wait(timeout=SLOW_START)
    saved = _counts(path)
    assert len(saved) >= 12  # every count it reported saved is there
    assert saved[:12] == [(item, (n + 1) * 10000, "ana") for n, item in enumerate(items[:12])]
    db.open_database(path)
    sheet = services.stocktake_sheet(stocktake)
    assert sum(line.state == "counted" for line in sheet.lines) == len(saved)
    assert services.verify().ok  # resumes where it stopped


def test_two_processes_counting_the_same_shelf_are_both_kept(dry_store):
    path, stocktake, area, items = dry_store
    first = _child(_COUNTER, path, stocktake, area, "ana", items[0])
    second = _child(_COUNTER, path, stocktake, area, "ben", items[0])
    for child in (first, second):
        assert child.stdout.readline().startswith("counted")
        child.communicate("\n", timeout=SLOW_START)
    assert sorted(who for _, _, who in _counts(path)) == ["ana", "ben"]
    db.open_database(path)
    assert services.stocktake_sheet(stocktake).items[items[0]].state == "conflict"


def test_two_commits_at_the_same_moment_apply_once(dry_store):
    path, stocktake, area, items = dry_store
    db.open_database(path)
    for item in items:
        services.record_count(stocktake, item, area, "40")  # 10 kg missing each
    db.close_database()
    start = time.time() + 3.0
    committers = [_child(_COMMITTER, path, stocktake, start, who, stdin=subprocess.DEVNULL)
                  for who in ("office", "kitchen")]
    outcomes = sorted(child.communicate(timeout=SLOW_START)[0].strip() for child in committers)
    assert outcomes[0] == "committed 20"
    assert outcomes[1].startswith("refused") and "already committed" in outcomes[1]
    db.open_database(path)
    assert all(services.get_item(item).quantity == 40 for item in items)
    assert services.count_movements(reason="stocktake") == 20
    assert services.verify().ok
