"""The moving-average rule against a reference model, on random histories.

The model is written independently of inventory_desktop.money: Decimal
arithmetic, rounded with ROUND_HALF_UP (half away from zero) to four places.
Receipts with and without a cost (per unit or invoice total), deductions,
adjustments either way, reversals, revaluations, standard costs, stock to
zero and back: after every step, the value after every new movement and the
item's value must equal the model's exactly, and verify must find nothing.

Reproduce a failure with the `@reproduce_failure(...)` line Hypothesis prints.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from inventory_desktop import db, services
from inventory_desktop.errors import ConflictError, InsufficientStockError

ITEMS = 2
picks = st.integers(0, ITEMS - 1)
quantities = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("50"), places=4)
small_quantities = st.sampled_from(["1", "2.5", "3", "0.3333", "7", "10"])
costs = st.decimals(min_value=Decimal("0"), max_value=Decimal("99.9999"), places=4)


def rounded(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass
class ModelItem:
    balance: Decimal = Decimal(0)
    value: Decimal | None = None  # None: not known
    standard_cost: Decimal | None = None
    last_cost: Decimal | None = None

    @property
    def known(self) -> bool:
        return self.value is not None or self.balance == 0


@dataclass
class ModelMovement:
    item: int
    change: Decimal
    value_change: Decimal | None
    kind: str
    reversed: bool = field(default=False)


class CostingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="costing-prop-"))
        db.open_database(self.directory / "inventory.sqlite3")
        self.items = [services.create_item(f"Item {n}", "kg").id for n in range(ITEMS)]
        self.model = {item: ModelItem() for item in self.items}
        self.movements: dict[int, ModelMovement] = {}

    def teardown(self) -> None:
        db.close_database()
        shutil.rmtree(self.directory, ignore_errors=True)

    # --- the model's rule --------------------------------------------------------------

    def _uncosted(self, item: ModelItem, change: Decimal) -> Decimal | None:
        """The value change of stock moving without a cost; None: not known."""
        if not item.known:
            return None
        value = item.value or Decimal(0)
        if item.balance + change == 0:
            return -value
        if item.balance > 0:
            return rounded(change * value / item.balance)
        cost = item.standard_cost if item.standard_cost is not None else item.last_cost
        return None if cost is None else rounded(change * cost)

    def _apply(self, item_id: int, change: Decimal, value_change: Decimal | None,
               movement: services.MovementRow, kind: str) -> None:
        item = self.model[item_id]
        item.balance += change
        if value_change is None:
            item.value = Decimal(0) if item.balance == 0 else None
        else:
            item.value = (item.value or Decimal(0)) + value_change
        assert movement.value_after == item.value, (movement, item)
        self.movements[movement.id] = ModelMovement(item_id, change, value_change, kind)

    # --- rules ---------------------------------------------------------------------

    @rule(pick=picks, quantity=quantities, cost=costs, how=st.sampled_from(["unit", "total"]))
    def receive_costed(self, pick: int, quantity: Decimal, cost: Decimal, how: str) -> None:
        item_id, item = self.items[pick], self.model[self.items[pick]]
        unit_cost = cost if how == "unit" else rounded(cost / quantity)
        if not item.known:  # an opening-value revaluation comes first
            item.value = rounded(item.balance * unit_cost)
        movement = services.add_stock(item_id, quantity, **{
            "unit_cost" if how == "unit" else "total": cost})
        item.last_cost = unit_cost
        value_change = rounded(quantity * cost) if how == "unit" else cost
        self._apply(item_id, quantity, value_change, movement, "in")

    @rule(pick=picks, quantity=quantities)
    def receive_uncosted(self, pick: int, quantity: Decimal) -> None:
        item_id, item = self.items[pick], self.model[self.items[pick]]
        value_change = self._uncosted(item, quantity)
        movement = services.add_stock(item_id, quantity)
        self._apply(item_id, quantity, value_change, movement, "in")

    @rule(pick=picks, quantity=small_quantities)
    def deduct(self, pick: int, quantity: str) -> None:
        item_id, item = self.items[pick], self.model[self.items[pick]]
        change = -Decimal(quantity)
        if item.balance + change < 0:
            try:
                services.deduct_stock(item_id, quantity, "order_usage")
            except InsufficientStockError:
                return
            raise AssertionError("a deduction below zero was booked")
        value_change = self._uncosted(item, change)
        movement = services.deduct_stock(item_id, quantity, "order_usage")
        self._apply(item_id, change, value_change, movement, "out")

    @rule(pick=picks, to_zero=st.booleans(), quantity=quantities)
    def adjust(self, pick: int, to_zero: bool, quantity: Decimal) -> None:
        item_id, item = self.items[pick], self.model[self.items[pick]]
        target = Decimal(0) if to_zero else quantity
        change = target - item.balance
        movement = services.adjust_stock(item_id, target, "correction")
        if change == 0:
            assert movement is None
            return
        self._apply(item_id, change, self._uncosted(item, change), movement, "adjustment")

    @precondition(lambda self: self.movements)
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        movement_id = data.draw(st.sampled_from(sorted(self.movements)))
        original = self.movements[movement_id]
        item = self.model[original.item]
        change = -original.change
        refusal = self._reversal_refusal(original, item, change)
        if refusal:
            try:
                services.reverse_movement(movement_id)
            except (InsufficientStockError, ConflictError):
                return
            raise AssertionError(f"a reversal that should be refused ({refusal}) was booked")
        if original.value_change is None:
            value_change = self._uncosted(item, change)
        elif item.balance + change == 0:
            value_change = -(item.value or Decimal(0))
        else:
            value_change = -original.value_change
        movement = services.reverse_movement(movement_id)
        original.reversed = True
        self._apply(original.item, change, value_change, movement, "reversal")

    def _reversal_refusal(self, original: ModelMovement, item: ModelItem,
                          change: Decimal) -> str | None:
        if original.kind == "revaluation":
            return "a revaluation"
        if original.reversed:
            return "already reversed"
        if item.balance + change < 0:
            return "below zero"
        if original.value_change is not None and item.balance + change != 0:
            if not item.known:
                return "no known value"
            if (item.value or 0) - original.value_change < 0:
                return "worth less than nothing"
        return None

    @rule(pick=picks, cost=costs, per_unit=st.booleans())
    def revalue(self, pick: int, cost: Decimal, per_unit: bool) -> None:
        item_id, item = self.items[pick], self.model[self.items[pick]]
        given = {"unit_cost": cost} if per_unit else {"value": cost}
        if item.balance == 0:
            try:
                services.revalue_stock(item_id, **given)
            except ConflictError:
                return
            raise AssertionError("an empty item was revalued")
        new_value = rounded(item.balance * cost) if per_unit else cost
        movement = services.revalue_stock(item_id, **given)
        self._apply(item_id, Decimal(0), new_value - (item.value or Decimal(0)), movement,
                    "revaluation")

    @rule(pick=picks, cost=st.one_of(st.none(), costs))
    def set_standard_cost(self, pick: int, cost: Decimal | None) -> None:
        item_id = self.items[pick]
        services.update_item(item_id, standard_cost=cost)
        self.model[item_id].standard_cost = cost

    # --- what must hold after every step -----------------------------------------------------

    @invariant()
    def items_carry_the_models_value(self) -> None:
        for item_id, item in self.model.items():
            row = services.get_item(item_id)
            assert row.quantity == item.balance
            assert row.value == item.value or (row.value == 0 and item.balance == 0)

    @invariant()
    def verify_finds_nothing(self) -> None:
        report = services.verify()
        assert report.ok, report.findings


CostingMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_the_value_chain_follows_the_moving_average_model = CostingMachine.TestCase
