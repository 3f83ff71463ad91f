"""A demo restaurant with eight weeks of costed history, for the reports' screenshots and timings.

Items, suppliers and areas are made through the services. The movements are
dated in the past, which the services never do (they date a movement now), so
they are written as another program would write them: in time order, each
valued by the moving-average rule exactly as the data file's triggers check
it (money.py), then accepted and sealed as the manager's.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from decimal import Decimal
from pathlib import Path

from inventory_desktop.money import share_of, value_of

# name, SKU, unit, threshold, par, pack size, pack name, unit cost, supplier, area, daily use
ITEMS = (
    ("All-purpose flour", "DRY-001", "kg", "10", "40", "25", "sack", "0.82", 0, "Dry store", 3),
    ("Arborio rice", "DRY-014", "kg", "5", "20", "5", "bag", "2.90", 0, "Dry store", 1.2),
    ("Basil", "HRB-003", "g", "200", "800", None, None, "0.031", 1, "Walk-in cooler", 60),
    ("Butter", "DAI-002", "kg", "2", "8", "1", "block", "7.40", 2, "Walk-in cooler", 0.8),
    ("Canned San Marzano tomatoes", "CAN-007", "piece", "24", "72", "12", "case", "2.15", 0,
     "Dry store", 6),
    ("Double cream", "DAI-005", "L", "2", "8", "1", "carton", "4.60", 2, "Walk-in cooler", 0.9),
    ("Eggs", "DAI-010", "piece", "60", "240", "30", "tray", "0.24", 2, "Walk-in cooler", 25),
    ("Extra virgin olive oil", "OIL-001", "L", "3", "15", "5", "tin", "9.80", 0, "Dry store",
     1.1),
    ("Garlic", "VEG-021", "kg", "1", "4", None, None, "5.20", 1, "Walk-in cooler", 0.3),
    ("Mozzarella fior di latte", "DAI-011", "kg", "4", "14", "1", "pack", "11.90", 2,
     "Walk-in cooler", 1.6),
    ("Parmigiano Reggiano", "DAI-015", "kg", "1.5", "5", None, None, "24.50", 2,
     "Walk-in cooler", 0.35),
    ("Pizza dough balls", None, "portion", "40", "160", None, None, "0.38", None,
     "Walk-in cooler", 18),
    ("Tomatoes (vine)", "VEG-002", "kg", "6", "20", None, None, "3.10", 1, "Walk-in cooler", 2.2),
    ("Prosecco", "BAR-004", "piece", "12", "36", "6", "case", "8.75", 0, "Bar", 2),
)
SUPPLIERS = ("Metro Cash & Carry", "Fresh Farm Produce", "Dairy Direct")
AREAS = ("Walk-in cooler", "Dry store", "Bar")
_INSERT = (
    "INSERT INTO stock_movement (stock_item_id, quantity_change, movement_type, reason, notes, "
    "reference_type, reference_id, balance_after, created_by, created_at, value_change, "
    "value_after, valued_by, unit_cost, supplier_id) "
    "VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
VARIANCES = {"DAI-011": ("theft", "-0.8"), "DAI-015": ("waste", "-0.4"),
             "OIL-001": ("staff_meal", "-0.5"), "DRY-001": ("spoilage", "-2.5"),
             "BAR-004": ("theft", "-2"), "DAI-010": ("miscount", "12")}


def fill_costed_history(services, path: Path, *, weeks: int = 8, seed: int = 10) -> None:
    """Items with costs, par levels and suppliers, and `weeks` of deliveries, use and waste."""
    suppliers = [services.create_supplier(name).id for name in SUPPLIERS]
    areas = {name: services.create_area(name).id for name in AREAS}
    items = []
    for (name, sku, unit, low, par, pack, pack_name, cost, supplier, area, use) in ITEMS:
        item = services.create_item(
            name, unit, sku, low, pack_size=pack, pack_name=pack_name, par_level=par,
            standard_cost=cost, supplier_id=None if supplier is None else suppliers[supplier],
            areas=[areas[area]], user="manager")
        items.append((item.id, sku, _units(par), _units(cost), item.supplier_id, use))
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(_INSERT, _history(items, weeks, random.Random(seed)))
        connection.execute("COMMIT")
    finally:
        connection.close()
    services.accept_foreign_rows(user="manager")
    _stocktake(services)


def _stocktake(services) -> None:
    """Today's count: a few items off, each put down to a reason, and committed."""
    stocktake = services.start_stocktake("Monthly count", user="manager").id
    for sku, (reason, change) in VARIANCES.items():
        item = services.find_item(sku)
        area = services.item_places(item.id)[0].area_id
        counted = item.quantity + Decimal(change)
        services.record_count(stocktake, item.id, area, counted, user="ana")
        services.explain_variance(stocktake, item.id, {reason: Decimal(change).copy_abs()},
                                  user="manager")
    services.commit_stocktake(stocktake, user="manager")


def _history(items, weeks: int, rng: random.Random):
    state = {item_id: [0, 0] for item_id, *_rest in items}  # balance, value (units)
    today = dt.date.today()
    first = today - dt.timedelta(weeks=weeks)
    day = first
    while day < today:
        # Per item in order; the whole day then sorted by time (a stable sort keeps
        # each item's own order), as the ledger wants every movement after the last.
        yield from sorted(_day(items, state, day, first, rng), key=lambda row: row[8])
        day += dt.timedelta(days=1)


def _day(items, state, day: dt.date, first: dt.date, rng: random.Random):
    for item_id, _sku, par, cost, supplier, use in items:
        if day.weekday() in (0, 3) or day == first:  # deliveries on Mondays and Thursdays
            short = par - state[item_id][0]
            if short > 0:
                price = cost + rng.choice((-1, 0, 0, 1)) * cost // 20  # prices move a little
                yield _receipt(state, item_id, short, price, supplier, _at(day, 10))
        used = _units(str(round(use * rng.uniform(0.6, 1.4), 2)))
        if day.weekday() == 0:
            used //= 2  # closed on Monday evenings
        if 0 < used < state[item_id][0]:
            yield _out(state, item_id, -used, "order_usage", _at(day, 22))
        if rng.random() < 0.12 and state[item_id][0] > 10_000:
            reason = rng.choice(("waste", "waste", "spoilage", "staff_meal"))
            yield _out(state, item_id, -(state[item_id][0] // 15), reason, _at(day, 23))


def _receipt(state, item_id, quantity, price, supplier, when):
    change = value_of(quantity, price)
    state[item_id][0] += quantity
    state[item_id][1] += change
    return (item_id, quantity, "in", "purchase", None, None, state[item_id][0], "manager", when,
            change, state[item_id][1], "unit_cost", price, supplier)


def _out(state, item_id, quantity, reason, when):
    balance, value = state[item_id]
    change = -value if balance + quantity == 0 else share_of(quantity, value, balance)
    state[item_id] = [balance + quantity, value + change]
    return (item_id, quantity, "out", reason, None, None, balance + quantity, "chef", when,
            change, value + change, "average", None, None)


def _at(day: dt.date, hour: int, minute: int = 0) -> str:
    local = dt.datetime.combine(day, dt.time(hour, minute)).astimezone()
    return local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _units(text: str | None) -> int:
    return 0 if text is None else round(float(text) * 10_000)
