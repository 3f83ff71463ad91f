"""Counts, sales, deliveries and commits interleaved at random, against a model of the rule.

The model keeps each item's quantity; a count remembers the quantity when it
was entered; a commit must leave each counted item at (quantity at commit +
counted - expected at count time), never below zero, and everything else as
it was. After every step the ledger must add up: quantity = sum of movements.

Reproduce a failure with the `@reproduce_failure(...)` line Hypothesis prints.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from inventory_desktop import db, services
from inventory_desktop.errors import InsufficientStockError

ITEMS = 4
amounts = st.integers(1, 30)
picks = st.integers(0, ITEMS - 1)
counters = st.sampled_from(["ana", "ben"])


class StocktakeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="stocktake-prop-"))
        db.open_database(self.directory / "inventory.sqlite3")
        area = services.create_area("Store").id
        self.area = area
        self.items = [services.create_item(f"Item {n}", "kg", initial_quantity="20",
                                           areas=[area]).id for n in range(ITEMS)]
        self.quantity = dict.fromkeys(self.items, 20)
        self.stocktake: int | None = None
        self.counts: dict[int, tuple[int, int]] = {}  # item -> (counted, expected then)
        self.counter_of: dict[int, str] = {}

    def teardown(self) -> None:
        db.close_database()
        shutil.rmtree(self.directory, ignore_errors=True)

    @precondition(lambda self: self.stocktake is None)
    @rule()
    def start(self) -> None:
        self.stocktake = services.start_stocktake().id
        self.counts, self.counter_of = {}, {}

    @precondition(lambda self: self.stocktake is not None)
    @rule(pick=picks, counted=st.integers(0, 40), who=counters)
    def count(self, pick: int, counted: int, who: str) -> None:
        item = self.items[pick]
        # One counter per item here: two would be a conflict (tested elsewhere).
        who = self.counter_of.setdefault(item, who)
        services.record_count(self.stocktake, item, self.area, str(counted), user=who)
        self.counts[item] = (counted, self.quantity[item])

    @rule(pick=picks, amount=amounts)
    def sale(self, pick: int, amount: int) -> None:
        item = self.items[pick]
        try:
            services.deduct_stock(item, str(amount), "order_usage")
        except InsufficientStockError:
            assert amount > self.quantity[item]
            return
        self.quantity[item] -= amount

    @rule(pick=picks, amount=amounts)
    def delivery(self, pick: int, amount: int) -> None:
        item = self.items[pick]
        services.add_stock(item, str(amount))
        self.quantity[item] += amount

    @precondition(lambda self: self.stocktake is not None)
    @rule(zero=st.booleans())
    def commit(self, zero: bool) -> None:
        if not self.counts:
            return
        services.commit_stocktake(self.stocktake, uncounted="zero" if zero else "keep")
        for item in self.items:
            if item in self.counts:
                counted, expected = self.counts[item]
                self.quantity[item] = max(0, self.quantity[item] + counted - expected)
            elif zero:
                self.quantity[item] = 0
        self.stocktake = None

    @precondition(lambda self: self.stocktake is not None)
    @rule()
    def abandon(self) -> None:
        services.abandon_stocktake(self.stocktake)
        self.stocktake = None

    @invariant()
    def quantities_follow_the_rule_and_the_ledger(self) -> None:
        for item in self.items:
            assert services.get_item(item).quantity == self.quantity[item]

    def check_ledger(self) -> None:
        assert services.verify().ok


StocktakeMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_stocktake_state_machine = StocktakeMachine.TestCase


def test_the_ledger_adds_up_after_random_stocktakes() -> None:
    # verify() reads the whole file: once at the end of a longer run, not per step.
    machine = StocktakeMachine()
    try:
        for step in range(40):
            pick, amount = step % ITEMS, 1 + step % 7
            machine.sale(pick, amount) if step % 3 else machine.delivery(pick, amount)
            if step % 10 == 0:
                machine.start()
            if machine.stocktake is not None:
                machine.count(pick, amount * 2, "ana")
            if step % 10 == 9 and machine.stocktake is not None:
                machine.commit(zero=step % 20 == 9)
        machine.quantities_follow_the_rule_and_the_ledger()
        machine.check_ledger()
    finally:
        machine.teardown()
