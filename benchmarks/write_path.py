"""The core write path: services.add_stock against raw sqlite3 doing the same work.

Both sides write to files the program created (same schema, same triggers,
WAL, synchronous=FULL, foreign_keys=ON) on the same disk, in BEGIN IMMEDIATE
transactions, one receipt per transaction. The raw side runs the statements
the services run per receipt (captured with a trace callback): check the
schema cookie, write the actor, note the newest ids, read the item, insert the
movement (the triggers then update the item and write history and audit), read
the alert flag, read the movement back, clear the actor, read the new rows and
seal them (digests, HMAC, two inserts), commit, then read and rewrite the
anchor record in its own small file. The ratio therefore measures our own Python overhead.
Rounds are short and alternate which side goes first, so drift (other load,
the disk's cache) falls on both.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import secrets
import statistics
import time
from pathlib import Path

from inventory_desktop import db, services

from ._common import new_data_file, raw_connection

_ITEM = (
    "SELECT name, unit, current_quantity, low_stock_alert_sent, is_active "
    "FROM stock_item WHERE id = ?"
)
_BY_KEY = "SELECT id FROM stock_movement WHERE op_key = ?"
_INSERT = (
    "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, notes, "
    "reference_type, reference_id, balance_after, created_by, op_key, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, max(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
    "COALESCE((SELECT created_at FROM last_movement_at), '')))"
)
_ALERT = "SELECT low_stock_alert_sent FROM stock_item WHERE id = ?"
_MOVEMENT = (
    "SELECT m.id, m.stock_item_id, i.name, i.sku, i.unit, m.quantity_change, m.movement_type, "
    "m.reason, m.notes, m.reference_type, m.reference_id, m.balance_after, m.created_by, "
    "m.created_at, m.op_key FROM stock_movement AS m INNER JOIN stock_item AS i "
    "ON (m.stock_item_id = i.id) WHERE m.id = ? LIMIT ?"
)


_HIGH_WATER = ("SELECT (SELECT COALESCE(max(id), 0) FROM stock_movement), "
               "(SELECT COALESCE(max(history_id), 0) FROM stock_item_history), "
               "(SELECT COALESCE(max(id), 0) FROM audit_log)")
_SEALED = (("stock_movement", "id"), ("stock_item_history", "history_id"), ("audit_log", "id"))


class RawReceipts:
    """Receipts booked with plain sqlite3, statement for statement as the services do."""

    def __init__(self, path: Path, item_id: int) -> None:
        self.connection = raw_connection(path)
        self.item_id = item_id
        self.keys = itertools.count()
        self.secret = secrets.token_bytes(32)
        self.file_id = self.connection.execute("SELECT file_id FROM data_file").fetchone()[0]
        self.anchor = os.open(path.with_name(path.name + ".anchor"), os.O_RDWR | os.O_CREAT,
                              0o600)

    def receive(self, units: int, with_key: bool) -> tuple:
        run = self.connection.execute
        key = f"raw-{next(self.keys)}" if with_key else None
        run("BEGIN IMMEDIATE")
        try:
            run("PRAGMA schema_version").fetchone()
            run("INSERT INTO write_context (id, actor) VALUES (1, ?)", ("bench",))
            before = run(_HIGH_WATER).fetchone()
            if key is not None:
                assert run(_BY_KEY, (key,)).fetchone() is None
            item = run(_ITEM, (self.item_id,)).fetchone()
            balance = item[2] + units
            movement_id = run(_INSERT, (self.item_id, units, "in", "purchase", "", None, None,
                                        balance, "bench", key)).lastrowid
            if not item[3]:
                run(_ALERT, (self.item_id,)).fetchone()
            row = run(_MOVEMENT, (movement_id, 1)).fetchone()
            run("DELETE FROM write_context WHERE id = 1")
            seq, digest = self._seal(run, before)
            run("COMMIT")
        except BaseException:
            run("ROLLBACK")
            raise
        record = f"inventory-anchor-1 {self.file_id} {seq:020d} {digest}\n".encode()
        older = os.pread(self.anchor, len(record), 0).split()
        if len(older) != 4 or int(older[2]) < seq:
            os.pwrite(self.anchor, record, 0)
        return row

    def _seal(self, run, before: tuple) -> tuple[int, str]:
        ranges = []
        for (table, column), start in zip(_SEALED, before, strict=True):
            cursor = run(f"SELECT * FROM {table} WHERE {column} > ? ORDER BY {column}", (start,))
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            digests = [hashlib.sha256(json.dumps(
                sorted([n, v] for n, v in zip(names, values, strict=True) if v is not None),
                separators=(",", ":")).encode()).hexdigest()[:32] for values in rows]
            ranges.append([table, rows[0][0], rows[-1][0], ",".join(digests)])
        newest = run("SELECT seq, digest FROM seal ORDER BY seq DESC LIMIT 1").fetchone()
        seq, previous = (newest[0] + 1, newest[1]) if newest else (1, "")
        digest = hmac.new(self.secret, json.dumps([previous, seq, ranges]).encode(),
                          hashlib.sha256).hexdigest()
        run("INSERT INTO seal (seq, kind, key_id, sealed_by, sealed_at, digest) "
            "VALUES (?, 'write', 'bench', 'bench', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)",
            (seq, digest))
        run("INSERT INTO seal_range (seq, table_name, first_id, last_id, rows_digest) VALUES "
            + ", ".join(["(?, ?, ?, ?, ?)"] * len(ranges)),
            [value for r in ranges for value in (seq, *r)])
        return seq, digest


def _time_ops(book, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        book()
    return count / (time.perf_counter() - started)


def run(directory: Path, *, rounds: int, per_round: int, with_key: bool = False) -> dict:
    """Alternate `rounds` rounds of `per_round` receipts on each side; ops/s and ratio."""
    raw_path = new_data_file(directory, "raw.sqlite3")
    service_path = new_data_file(directory, "services.sqlite3")
    db.open_database(raw_path)
    raw_item = services.create_item(name="Flour", unit="kg", sku="RAW").id
    db.open_database(service_path)
    item = services.create_item(name="Flour", unit="kg", sku="SVC").id
    raw = RawReceipts(raw_path, raw_item)
    keys = itertools.count()

    def service_receipt() -> None:
        key = f"svc-{next(keys)}" if with_key else None
        services.add_stock(item, "0.5", "purchase", user="bench", op_key=key)

    def raw_receipt() -> None:
        raw.receive(5000, with_key)

    for _ in range(max(5, per_round // 10)):  # warm caches and the statement cache
        service_receipt()
        raw_receipt()
    service_rates, raw_rates = [], []
    for number in range(rounds):
        sides = [(service_rates, service_receipt), (raw_rates, raw_receipt)]
        for rates, book in sides if number % 2 == 0 else reversed(sides):
            rates.append(_time_ops(book, per_round))
    report = services.verify()
    raw.connection.close()
    os.close(raw.anchor)
    db.close_database()
    # Each round's two sides ran back to back: their ratio cancels slow drift
    # (fsync latency here swings several-fold with other load), so the ratio
    # reported is the median of the per-round ratios.
    ratios = [ours / theirs for ours, theirs in zip(service_rates, raw_rates, strict=True)]
    return {
        "op_key": with_key,
        "rounds": rounds,
        "ops_per_round": per_round,
        "services_ops_per_s": round(statistics.median(service_rates), 1),
        "raw_ops_per_s": round(statistics.median(raw_rates), 1),
        "ratio": round(statistics.median(ratios), 3),
        "ratio_of_medians": round(statistics.median(service_rates)
                                  / statistics.median(raw_rates), 3),
        "target_ratio": 0.75,
        "round_ratios": [round(ratio, 3) for ratio in ratios],
        "verified": report.ok,
    }
