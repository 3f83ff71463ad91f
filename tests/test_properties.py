"""Random sequences of actions, valid and not, against a model of what must happen.

After every step: each item's quantity is the sum of its movements, every
balance_after is the running sum, the low-stock flag matches the threshold,
and a refused action changed nothing in any table. Each refusal must also be
the one the model expects (not found, archived, insufficient stock, ...).

Reproduce a failure with the `@reproduce_failure(...)` line Hypothesis prints,
or re-run with `pytest --hypothesis-seed=N` (the seed is printed too).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from conftest import raw, snapshot
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from inventory_desktop import db, services
from inventory_desktop.errors import (
    ConflictError,
    InsufficientStockError,
    InventoryError,
    NotFoundError,
    ValidationError,
)

MAX_UNITS = 9_999_999_999
MISSING_ID = 10_000


def _text(units: int) -> str:
    return f"{units // 10_000}.{units % 10_000:04d}"


# (typed text, units it means, or None when no action may accept it)
quantities = st.one_of(
    st.integers(1, 400_000).map(lambda u: (_text(u), u)),
    st.integers(1, 5_000).map(lambda u: (_text(u), u)),
    st.integers(1, 40).map(lambda u: (str(u), u * 10_000)),
    st.just(("0", 0)),
    st.just(("999999.9999", MAX_UNITS)),
    st.sampled_from(["-1", "0.00001", "1.23456", "NaN", "inf", "1e400", "1000000", "",
                     "abc", "-0.0001"]).map(lambda text: (text, None)),
)
small_amounts = st.integers(1, 20_000).map(lambda u: (_text(u), u))
picks = st.integers(0, 9)  # which existing item or movement; 8 and 9 mean a missing one
names = st.sampled_from(["Flour", "Salt", "Milk", "Rice", "Oil", "Eggs", "   ", "x" * 201])
skus = st.sampled_from([None, None, "", "A1", "a1", "B2", "C3", "S" * 51])
units_ = st.sampled_from(["kg", "L", "piece", "g", "mL", "pound"])
thresholds = st.sampled_from([None, "0", "1", "5.5", "20", "-1"])


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # One data file per example: tmp_path is per test, not per example.
        self.directory = Path(tempfile.mkdtemp(prefix="ledger-prop-"))
        self.path = self.directory / "inventory.sqlite3"
        db.open_database(self.path)
        self.items: dict[int, dict] = {}       # id -> {"units": int, "active": bool}
        self.movements: list[tuple[int, int, int]] = []  # (id, item id, change)
        self.reversed: set[int] = set()

    def teardown(self) -> None:
        db.close_database()
        shutil.rmtree(self.directory, ignore_errors=True)

    # Helpers ----------------------------------------------------------------

    def _item(self, pick: int) -> int:
        ids = sorted(self.items)
        return ids[pick % len(ids)] if ids and pick < 8 else MISSING_ID

    def _attempt(self, expected: type[InventoryError] | None, action, *args, **kwargs):
        """Run the action; a refusal must be `expected` (if known) and change nothing."""
        before = snapshot(self.path)
        try:
            result = action(*args, **kwargs)
        except InventoryError as refusal:
            event(f"{action.__name__}: {type(refusal).__name__}")
            assert snapshot(self.path) == before, f"{action.__name__} refused but wrote"
            if expected is not None and expected is not _MAYBE:
                assert isinstance(refusal, expected), (action.__name__, refusal)
            return refusal
        event(f"{action.__name__}: done")
        assert expected is None or expected is _MAYBE, (action.__name__, "should be refused")
        return result

    def _book(self, item_id: int, change: int, movement) -> None:
        self.items[item_id]["units"] += change
        assert movement.balance_after * 10_000 == self.items[item_id]["units"]
        self.movements.append((movement.id, item_id, change))

    def _stock_refusal(self, item_id: int, units: int | None, change: int | None):
        if units is None:
            return ValidationError
        if item_id not in self.items:
            return NotFoundError
        if not self.items[item_id]["active"]:
            return ConflictError
        balance = self.items[item_id]["units"] + change
        if balance < 0:
            return InsufficientStockError
        if balance > MAX_UNITS:
            return ValidationError
        return None

    # Rules ------------------------------------------------------------------

    @initialize(flour=st.integers(0, 200_000), milk=st.integers(0, 200_000))
    def stock_two_items(self, flour, milk):
        # Start every example with something to work on; `create` adds more.
        for name, units, threshold in (("Flour", flour, None), ("Milk", milk, "5")):
            item = services.create_item(name, "kg", low_stock_threshold=threshold,
                                        initial_quantity=_text(units))
            self.items[item.id] = {"units": 0, "active": True}
            if units:
                self._book(item.id, units, services.list_movements(item_id=item.id)[0])

    @rule(name=names, unit=units_, sku=skus, threshold=thresholds, quantity=quantities)
    def create(self, name, unit, sku, threshold, quantity):
        text, units = quantity
        result = self._attempt(_MAYBE, services.create_item, name, unit, sku=sku,
                               low_stock_threshold=threshold, initial_quantity=text)
        if isinstance(result, InventoryError):
            valid = (name.strip() and len(name) <= 200 and unit != "pound" and units is not None
                     and threshold != "-1" and (sku is None or len(sku) <= 50))
            assert not valid or "SKU" in str(result), result
            return
        assert units is not None and name.strip()
        self.items[result.id] = {"units": 0, "active": True}
        if units:
            movement = services.list_movements(item_id=result.id)[0]
            self._book(result.id, units, movement)

    @rule(pick=picks, quantity=quantities)
    def add(self, pick, quantity):
        item_id, (text, units) = self._item(pick), quantity
        expected = self._stock_refusal(item_id, units or None, units)
        result = self._attempt(expected, services.add_stock, item_id, text)
        if expected is None:
            self._book(item_id, units, result)

    @rule(pick=picks, quantity=st.one_of(small_amounts, quantities),
          reason=st.sampled_from(["waste", "order_usage"]))
    def deduct(self, pick, quantity, reason):
        item_id, (text, units) = self._item(pick), quantity
        expected = self._stock_refusal(item_id, units or None, -(units or 0))
        result = self._attempt(expected, services.deduct_stock, item_id, text, reason)
        if expected is None:
            self._book(item_id, -units, result)

    @rule(pick=picks, quantity=quantities)
    def adjust(self, pick, quantity):
        item_id, (text, units) = self._item(pick), quantity
        current = self.items.get(item_id, {}).get("units")
        if units is not None and units == current:
            expected = None  # nothing to do, even for an archived item
        else:
            expected = self._stock_refusal(item_id, units, None if units is None
                                           else units - (current or 0))
        result = self._attempt(expected, services.adjust_stock, item_id, text, "correction")
        if expected is None and units == current:
            assert result is None
        elif expected is None:
            self._book(item_id, units - current, result)

    @rule(pick=picks)
    def reverse(self, pick):
        movement_id, item_id, change = (
            self.movements[-1 - pick % len(self.movements)] if self.movements and pick < 8
            else (MISSING_ID, None, 0))
        if item_id is None:
            expected = NotFoundError
        elif movement_id in self.reversed:
            expected = ConflictError
        else:
            expected = self._stock_refusal(item_id, 1, -change)
        result = self._attempt(expected, services.reverse_movement, movement_id)
        if expected is None:
            self.reversed.add(movement_id)
            self._book(item_id, -change, result)

    @rule(pick=picks, name=st.one_of(st.none(), names), sku=st.one_of(st.none(), skus),
          threshold=st.one_of(st.none(), thresholds))
    def update(self, pick, name, sku, threshold):
        changes = {key: value for key, value in
                   (("name", name), ("sku", sku), ("low_stock_threshold", threshold))
                   if value is not None}
        if threshold is None and pick % 2:
            changes["low_stock_threshold"] = None  # clearing it is a change too
        item_id = self._item(pick)
        if name in ("   ", "x" * 201) or sku == "S" * 51 or threshold == "-1":
            expected = ValidationError  # checked before the item is looked up
        elif item_id not in self.items:
            expected = NotFoundError
        else:
            expected = _MAYBE  # a SKU another item has
        self._attempt(expected, services.update_item, item_id, **changes)

    @rule(pick=picks, active=st.booleans())
    def archive_or_restore(self, pick, active):
        item_id = self._item(pick)
        expected = NotFoundError if item_id not in self.items else None
        action = services.restore_item if active else services.archive_item
        result = self._attempt(expected, action, item_id)
        if expected is None:
            assert result.is_active == active
            self.items[item_id]["active"] = active

    @rule(pick=picks)
    def delete(self, pick):
        item_id = self._item(pick)
        if item_id not in self.items:
            expected = NotFoundError
        elif any(item == item_id for _, item, _ in self.movements):
            expected = ConflictError
        else:
            expected = None
        self._attempt(expected, services.delete_item, item_id)
        if expected is None:
            del self.items[item_id]

    # After every step -----------------------------------------------------------

    @invariant()
    def ledger_is_consistent(self):
        with raw(self.path) as connection:
            items = connection.execute(
                "SELECT id, current_quantity, low_stock_threshold, low_stock_alert_sent, "
                "is_active FROM stock_item").fetchall()
            movements = connection.execute(
                "SELECT id, stock_item_id, quantity_change, balance_after "
                "FROM stock_movement ORDER BY id").fetchall()
            leftover_actor = connection.execute("SELECT count(*) FROM write_context").fetchone()
        connection.close()
        assert leftover_actor == (0,)
        running: dict[int, int] = {}
        for _, item_id, change, balance_after in movements:
            running[item_id] = running.get(item_id, 0) + change
            assert balance_after == running[item_id]
        assert {row[0] for row in items} == set(self.items)
        for item_id, quantity, threshold, alert, active in items:
            assert quantity == running.get(item_id, 0) == self.items[item_id]["units"]
            assert bool(active) == self.items[item_id]["active"]
            assert alert == int(threshold is not None and quantity <= threshold)


_MAYBE = type("_Maybe", (InventoryError,), {})  # "may be refused, for a reason not modelled"

LedgerMachine.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=20,
    deadline=None,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_actions_keep_the_ledger_consistent = LedgerMachine.TestCase
