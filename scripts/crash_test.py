"""Crash test: SIGKILL a writer at random moments, again and again, and check the file.

    python scripts/crash_test.py                    # 200 kills, a fresh random seed
    python scripts/crash_test.py --kills 500 --seed 1234

After every kill: PRAGMA integrity_check is ok, services.verify() is ok (each
quantity is the sum of its movements and each balance_after the running sum,
so no movement exists without its quantity change or the reverse), every
operation the writer logged as committed is in the file exactly once under
its op key with its item and change, and nothing else was booked except the
one operation the writer had in flight. The writer re-submits that in-flight
operation with the same op key when it restarts; the summary counts how many
of those had in fact committed (the services returned the original) and how
many had not (booked on re-submission). The seed is printed first; the same
seed gives the same operations and the same kill schedule. Exit code 0 when
every check passed, 1 otherwise; a JSON summary is printed last.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inventory_desktop import db, services

WRITER = Path(__file__).with_name("crash_writer.py")
ITEMS = 4


class Run:
    """The files of one crash-test run."""

    def __init__(self, directory: Path, seed: int) -> None:
        self.db = directory / "crash.sqlite3"
        self.log = directory / "committed.log"
        self.intent = directory / "intent.json"
        self.seed = seed

    def create(self) -> None:
        db.open_database(self.db)
        for number in range(ITEMS):
            services.create_item(name=f"Crash item {number}", unit="kg", sku=f"CR{number}",
                                 initial_quantity="10")
        db.close_database()

    def start_writer(self, ops: int | None = None) -> subprocess.Popen:
        command = [sys.executable, str(WRITER), "--db", str(self.db), "--log", str(self.log),
                   "--intent", str(self.intent), "--seed", str(self.seed)]
        if ops is not None:
            command += ["--ops", str(ops)]
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)


def check(run: Run) -> list[str]:
    """Everything that is wrong with the file after a kill (empty: all good)."""
    problems = _integrity(run.db)
    db.open_database(run.db)
    try:
        report = services.verify()
        if not report.ok:
            problems.append(f"verify failed: {report}")
        booked = _booked_by_key(run.db)
    finally:
        db.close_database()
    logged = _logged(run.log)
    counts = Counter(op["op_key"] for op in logged)
    problems += [f"{key} logged {n} times" for key, n in counts.items() if n > 1]
    for op in logged:
        row = booked.get(op["op_key"])
        if row is None:
            problems.append(f"{op['op_key']} was logged as committed but is not in the file")
        elif row != (op["movement_id"], op["item"], op["change"], 1):
            problems.append(f"{op['op_key']} is in the file as {row}, logged as {op}")
    in_flight = _in_flight_key(run.intent)
    extra = set(booked) - set(counts) - {in_flight}
    problems += [f"{key} is in the file but was never logged nor in flight"
                 for key in sorted(extra)]
    return problems


def _integrity(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    return [] if rows == [("ok",)] else [f"integrity_check: {rows}"]


def _booked_by_key(path: Path) -> dict[str, tuple]:
    rows = db.database.execute_sql(
        "SELECT op_key, MIN(id), stock_item_id, quantity_change, COUNT(*) FROM stock_movement "
        "WHERE op_key IS NOT NULL GROUP BY op_key").fetchall()
    return {key: (movement_id, item, change, count)
            for key, movement_id, item, change, count in rows}


def _logged(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").split("\n")[:-1]]


def _in_flight_key(intent: Path) -> str | None:
    if not intent.exists():
        return None
    return json.loads(intent.read_text(encoding="utf-8"))["op_key"]


def kill_at_random(run: Run, rng: random.Random, max_delay: float) -> str:
    """Start the writer and SIGKILL it at a random moment; returns where it was."""
    writer = run.start_writer()
    moment = "starting"
    if rng.random() < 0.15:  # sometimes mid-start-up, i.e. during recovery
        time.sleep(rng.uniform(0.0, 0.3))
    else:
        line = writer.stdout.readline()
        if line.strip() != "ready":
            writer.kill()
            raise RuntimeError(f"writer failed to start: {line!r} {writer.stderr.read()}")
        time.sleep(rng.uniform(0.0, max_delay))
        moment = "writing"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    if writer.returncode != -signal.SIGKILL:  # it died by itself: a bug in the writer
        raise RuntimeError(f"writer exited with {writer.returncode}: {writer.stderr.read()}")
    writer.stdout.close()
    writer.stderr.close()
    return moment


def finish(run: Run) -> None:
    """Let a writer start once more without a kill, to settle any operation in flight."""
    writer = run.start_writer(ops=len(_logged(run.log)) + 1)
    _, err = writer.communicate(timeout=120)
    if writer.returncode != 0:
        raise RuntimeError(f"final writer run failed ({writer.returncode}): {err}")


def crash_test(directory: Path, kills: int, seed: int, max_delay: float = 0.15) -> dict:
    """Run the whole test in `directory`; returns the summary."""
    rng = random.Random(seed)
    run = Run(directory, seed)
    run.create()
    failures, moments, in_flight_at_kill = [], Counter(), 0
    started = time.monotonic()
    for number in range(1, kills + 1):
        moments[kill_at_random(run, rng, max_delay)] += 1
        in_flight_at_kill += run.intent.exists()
        failures += [f"after kill {number}: {problem}" for problem in check(run)]
    finish(run)
    failures += [f"after the final run: {problem}" for problem in check(run)]
    if run.intent.exists():
        failures.append("an operation was still in flight after the final run")
    logged = _logged(run.log)
    resubmitted = Counter(op.get("resubmitted") for op in logged if "resubmitted" in op)
    return {
        "seed": seed,
        "kills": kills,
        "kills_during_start_up": moments["starting"],
        "kills_with_operation_in_flight": in_flight_at_kill,
        "operations_logged": len(logged),
        "resubmitted_already_committed": resubmitted["replayed"],
        "resubmitted_and_booked": resubmitted["booked"],
        "seconds": round(time.monotonic() - started, 1),
        "failures": failures,
        "ok": not failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None, help="default: a fresh random seed")
    parser.add_argument("--max-delay", type=float, default=0.15,
                        help="longest time the writer runs before a kill (seconds)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the data file and logs go (default: a temporary folder)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"crash test seed: {seed}", file=sys.stderr, flush=True)
    directory = args.dir or Path(tempfile.mkdtemp(prefix="crash-test-"))
    directory.mkdir(parents=True, exist_ok=True)
    summary = crash_test(directory, args.kills, seed, args.max_delay)
    summary["directory"] = str(directory)
    print(json.dumps(summary, indent=2))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
