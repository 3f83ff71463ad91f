"""A data file for copy-to's tests: a kitchen booked through the services, then bulk history.

The kitchen: suppliers, storage areas and places, items in packs, costed and
uncosted receipts, usage and waste, a reversal, revaluations (a price found
wrong; stock from before costs), an archived item, a deleted one (its
history stays), a committed stocktake of two areas with two counters, a
resolved conflict and an explanation, an abandoned stocktake, the currency
symbol, and text a copy could mangle (tabs, line breaks, backslashes, quotes,
accents, emoji, a formula). Then raw sqlite3 appends movements round-robin
over bulk items with correct balance and value chains (every trigger
firing), as benchmarks/bench_costing.py does, up to the number asked for.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from inventory_desktop import db, services
from inventory_desktop.money import share_of, value_of

TRICKY_NOTES = 'tab\there, line\nbreak, back\\slash \\N \\., "quotes", ünïcødé 🍋, =SUM(A1)'
# What only another program could write (the services refuse control characters).
RAW_NOTES = "CR\r ESC\x1b DEL\x7f \\x41 é\u0301 \U0001f9c0 trailing "
BULK_START = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)  # after the kitchen's own movements


def kitchen_file(path: Path, movements: int, *, bulk_items: int = 200) -> Path:
    """A data file at `path` with the kitchen, then bulk movements up to `movements` in all."""
    db.open_database(path, create=True)
    try:
        _kitchen()
    finally:
        db.close_database()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN IMMEDIATE")
        have = connection.execute("SELECT count(*) FROM stock_movement").fetchone()[0]
        # Past every id ever handed out: the deleted item's id is its history's.
        first = connection.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'stock_item'").fetchone()[0] + 1
        connection.executemany(
            "INSERT INTO stock_item (id, name, sku, unit, low_stock_threshold, par_level) "
            "VALUES (?, ?, ?, 'kg', 100000, 400000)",
            ((first + n, f"Bulk {n:04d}", f"BK-{n:04d}") for n in range(bulk_items)))
        connection.executemany(
            "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, "
            "balance_after, value_change, value_after, valued_by, unit_cost, created_at, "
            "notes, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bulk')",
            bulk_movements(first, bulk_items, max(movements - have, 0)))
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return path


def bulk_movements(first: int, items: int, movements: int):
    """Receipts at a cost, then usage at the average cost, round-robin over the items."""
    balance = [0] * items
    value = [0] * items
    step = dt.timedelta(days=365) / max(movements, 1)
    for number in range(movements):
        item, rounds = number % items, number // items
        if rounds % 4 == 0 or balance[item] < 20_000:
            change, kind, reason, by = 60_000, "in", "purchase", "unit_cost"
            unit_cost = 8_000 + (item * 37 + rounds * 11) % 9_000
            value_change = value_of(change, unit_cost)
        else:
            change, kind, reason, by, unit_cost = -20_000, "out", "order_usage", "average", None
            value_change = (-value[item] if balance[item] + change == 0
                            else share_of(change, value[item], balance[item]))
        balance[item] += change
        value[item] += value_change
        moment = BULK_START + step * number
        yield (first + item, change, kind, reason, balance[item], value_change, value[item], by,
               unit_cost, moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
               RAW_NOTES if number % 997 == 0 else "")


def _kitchen() -> None:
    metro = services.create_supplier("Metro").id
    dairy = services.create_supplier("Dairy Direct").id
    services.set_supplier_active(services.create_supplier("Gone Ltd").id, False)
    services.set_currency_symbol("€")
    walk_in = services.create_area("Walk-in cooler").id
    dry = services.create_area("Dry store").id
    bar = services.create_area("Bar").id
    flour = services.create_item("Flour T55", "kg", "FL-55", "10", initial_quantity="5",
                                 pack_size="25",
                                 pack_name="sack", par_level="40", supplier_id=metro,
                                 areas=[dry]).id
    butter = services.create_item("Beurre doux", "kg", "BU-1", "2", initial_quantity="5",
                                  unit_cost="7.40",
                                  supplier_id=dairy, areas=[walk_in]).id
    sauce = services.create_item("=SUM(A1:A9)", "L", initial_quantity="8",
                                 areas=[walk_in, bar]).id
    wine = services.create_item("Rioja 🍷", "piece", "WN/RJ.2019", initial_quantity="24",
                                pack_size="6",
                                pack_name="case", standard_cost="6.50", areas=[bar]).id
    services.add_stock(flour, "30", unit_cost="0.82", supplier_id=metro, notes=TRICKY_NOTES)
    services.add_stock(butter, "5", total="37.00", supplier_id=dairy)
    wrong = services.add_stock(flour, "20", unit_cost="0.90", supplier_id=metro)
    services.reverse_movement(wrong.id, notes="typed twice")
    services.deduct_stock(flour, "12", "order_usage")
    services.deduct_stock(butter, "1.5", "waste", notes="left out overnight")
    services.revalue_stock(flour, value="25.00", reason="price_correction")
    services.revalue_stock(sauce, unit_cost="3.10", reason="standard_cost")
    services.update_item(wine, name="Rioja Reserva 🍷", low_stock_threshold="12")
    services.archive_item(services.create_item("Old menu card", "piece").id)
    services.delete_item(services.create_item("Typo item", "kg", "TYPO").id)
    _stocktakes(flour, butter, sauce, wine, walk_in, dry, bar)


def _stocktakes(flour: int, butter: int, sauce: int, wine: int,
                walk_in: int, dry: int, bar: int) -> None:
    counted = services.start_stocktake("November", area_ids=[walk_in, bar]).id
    services.record_count(counted, butter, walk_in, "3", user="ana")
    services.record_count(counted, sauce, walk_in, "6", user="ana", note="one\topened")
    services.record_count(counted, sauce, bar, "1", user="ana")
    services.record_count(counted, wine, bar, packs="3", loose="4", user="ana")
    services.record_count(counted, wine, bar, "23", user="ben")
    services.resolve_count(counted, wine, bar, keep="ben")
    services.explain_variance(counted, sauce, {"spoilage": "1"})
    services.commit_stocktake(counted)
    abandoned = services.start_stocktake("Dry store check", area_ids=[dry]).id
    services.record_count(abandoned, flour, dry, "37", user="ana")
    services.abandon_stocktake(abandoned)
