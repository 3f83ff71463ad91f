"""The crash test's victim: books receipts and deductions until it is killed.

Each operation has an op key. Before calling the service the writer records
its intent (the operation it is about to submit) in the intent file; after
the service returned it appends the operation to the log and fsyncs it, then
clears the intent. So the log holds only operations whose commit the writer
saw, and the intent file names the one operation whose outcome a kill may
have hidden. On start, the writer re-submits that operation with the same op
key: the services must book it exactly once (returning the original movement
if the first attempt had committed).

Operations are derived from (seed, sequence number), so a run is reproducible
from its seed. Usage (the driver, scripts/crash_test.py, runs it):

    python scripts/crash_writer.py --db FILE --log FILE --intent FILE --seed N
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

# Run as a script from a checkout: make the package importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inventory_desktop import db, services
from inventory_desktop.quantity import decimal_to_units, format_units


def operation(seed: int, sequence: int, item_ids: list[int], on_hand: dict[int, int]) -> dict:
    """The operation number `sequence` of the run `seed`, given what is on hand."""
    rng = random.Random(f"{seed}-{sequence}")
    item = rng.choice(item_ids)
    units = rng.randint(1, 50_000)  # up to 5 units with 4 decimal places
    if rng.random() < 0.45 and on_hand[item] > 0:
        units = min(units, on_hand[item])
        return {"op_key": f"op-{seed}-{sequence}", "item": item, "change": -units}
    return {"op_key": f"op-{seed}-{sequence}", "item": item, "change": units}


def submit(op: dict) -> services.MovementRow:
    """Book one operation through the services, with its op key."""
    quantity = format_units(abs(op["change"]))
    if op["change"] > 0:
        return services.add_stock(op["item"], quantity, "purchase", op_key=op["op_key"],
                                  user="crash-writer")
    return services.deduct_stock(op["item"], quantity, "order_usage", op_key=op["op_key"],
                                 user="crash-writer")


def read_log(log: Path) -> list[dict]:
    """The complete lines of the log (a kill can leave half a line at the end)."""
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines[:-1]]


class Writer:
    def __init__(self, log: Path, intent: Path, seed: int) -> None:
        self.log, self.intent, self.seed = log, intent, seed
        self.item_ids = [item.id for item in services.list_items()]
        self.on_hand = {item.id: decimal_to_units(item.quantity)
                        for item in services.list_items()}

    def recover(self) -> list[dict]:
        """Cut a half-written log line; re-submit the operation a kill left open."""
        logged = read_log(self.log)
        _write_durably(self.log, "".join(json.dumps(op) + "\n" for op in logged))
        if self.intent.exists():
            op = json.loads(self.intent.read_text(encoding="utf-8"))
            if not logged or logged[-1]["op_key"] != op["op_key"]:
                before = services.count_movements()
                movement = submit(op)
                replayed = services.count_movements() == before
                self._record(op, movement, resubmitted="replayed" if replayed else "booked")
                logged = read_log(self.log)
            self.intent.unlink()
        return logged

    def run(self, sequence: int, stop: int | None) -> None:
        while stop is None or sequence < stop:
            op = operation(self.seed, sequence, self.item_ids, self.on_hand)
            _write_durably(self.intent, json.dumps(op))
            movement = submit(op)
            self._record(op, movement)
            self.intent.unlink()
            sequence += 1

    def _record(self, op: dict, movement: services.MovementRow, **extra: str) -> None:
        self.on_hand[op["item"]] = decimal_to_units(movement.balance_after)
        line = json.dumps({**op, "movement_id": movement.id, **extra}) + "\n"
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def _write_durably(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--intent", type=Path, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--ops", type=int, default=None,
                        help="stop after this many logged operations (default: run until killed)")
    args = parser.parse_args()
    db.open_database(args.db)
    writer = Writer(args.log, args.intent, args.seed)
    logged = writer.recover()
    print("ready", flush=True)
    writer.run(len(logged), args.ops)
    return 0


if __name__ == "__main__":
    sys.exit(main())
