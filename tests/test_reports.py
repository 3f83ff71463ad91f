"""The reports add up to the ledger: every figure re-summed here straight from the movements.

The reference sums below read the movement rows and total them in Python,
apart from the report's SQL; histories are generated (receipts with and
without costs, usage, waste, theft, reversals, revaluations, a stocktake) and
periods cut between their movements.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_desktop import clock, db, services
from inventory_desktop.errors import InventoryError, ValidationError
from inventory_desktop.quantity import to_decimal

# Runs on a SQLite file and on a PostgreSQL server's database.
pytestmark = pytest.mark.both_backends

ITEMS = ("Flour", "Butter", "Eggs")


def _money(units: int) -> Decimal:
    return Decimal(units).scaleb(-4)


def _ledger(path: Path) -> list[tuple]:
    connection = raw(path)
    try:
        return connection.execute(
            "SELECT id, stock_item_id, movement_type, reason, reference_type, reference_id, "
            "quantity_change, value_change, balance_after, value_after, created_at "
            "FROM stock_movement ORDER BY id").fetchall()
    finally:
        connection.close()


def _category(row: tuple, by_id: dict[int, tuple]) -> str:
    if row[4] == "reversal":
        row = by_id[int(row[5])]
    kind, reason, ref_type = row[2], row[3], row[4]
    if kind == "revaluation":
        return "revaluation"
    if ref_type == "stocktake":
        return f"stocktake:{reason}"
    return "received" if kind == "in" else reason


def _reference_sums(path: Path, start: str, end: str) -> dict:
    """Per item: opening/closing (quantity, value) and per-category sums, from the rows."""
    rows = _ledger(path)
    by_id = {row[0]: row for row in rows}
    state: dict[int, dict] = defaultdict(lambda: {
        "opening": (0, 0), "closing": (0, 0), "changes": defaultdict(lambda: [0, 0, True])})
    for row in rows:
        item, when = row[1], row[10]
        after = (row[8], row[9])
        if when < start:
            state[item]["opening"] = after
        if when < end:
            state[item]["closing"] = after
        if start <= when < end:
            sums = state[item]["changes"][_category(row, by_id)]
            sums[0] += row[6]
            if row[7] is None:
                sums[2] = False
            else:
                sums[1] += row[7]
    return state


class History:
    """Builds a ledger from a list of drawn steps; refusals are skipped (they write nothing)."""

    def __init__(self) -> None:
        self.area = services.create_area("Store").id
        self.items = [services.create_item(name, "kg", areas=[self.area]).id for name in ITEMS]
        self.movements: list[int] = []

    def run(self, step: tuple) -> None:
        kind, pick, amount = step
        item = self.items[pick]
        try:
            movement = self._book(kind, item, amount)
        except InventoryError:
            return
        if movement is not None:
            self.movements.append(movement.id)

    def _book(self, kind: str, item: int, amount: int):
        quantity = str(amount)
        if kind == "receive_cost":
            return services.add_stock(item, quantity, unit_cost=f"{amount % 7 + 0.35:.2f}")
        if kind == "receive_total":
            return services.add_stock(item, quantity, total=f"{amount * 1.1:.2f}")
        if kind == "receive":
            return services.add_stock(item, quantity)
        if kind in ("order_usage", "waste", "theft", "transfer"):
            return services.deduct_stock(item, str(max(1, amount // 3)), kind)
        if kind == "revalue":
            return services.revalue_stock(item, unit_cost=f"{amount / 10:.2f}")
        if kind == "reverse" and self.movements:
            return services.reverse_movement(self.movements[amount % len(self.movements)])
        if kind == "stocktake":
            stocktake = services.start_stocktake()
            services.record_count(stocktake.id, item, self.area, str(amount // 2))
            services.explain_variance(stocktake.id, item, {"spoilage": "1"})
            services.commit_stocktake(stocktake.id)
        return None


steps = st.lists(st.tuples(
    st.sampled_from(["receive_cost", "receive_total", "receive", "order_usage", "waste",
                     "theft", "transfer", "revalue", "reverse", "stocktake"]),
    st.integers(0, len(ITEMS) - 1), st.integers(1, 40)), min_size=5, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps, cuts=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_a_period_reports_figures_are_the_ledgers_sums(steps, cuts):
    directory = Path(tempfile.mkdtemp(prefix="report-prop-"))
    try:
        path = directory / "inventory.sqlite3"
        db.open_database(path)
        history = History()
        for step in steps:
            history.run(step)
        times = sorted({row[10] for row in _ledger(path)})
        if not times:  # every step was refused (stock taken from empty items)
            return
        low, high = sorted(cuts)
        start_text = times[int(low * (len(times) - 1))]
        end_text = times[int(high * (len(times) - 1))]
        start = clock.from_stored(start_text)
        end = clock.from_stored(end_text) + dt.timedelta(milliseconds=1)
        report = services.period_report(start, end)
        _check(report, _reference_sums(path, start_text, clock.to_stored(end)))
        assert services.verify().ok
    finally:
        db.close_database()
        shutil.rmtree(directory, ignore_errors=True)


def _check(report: services.PeriodReport, reference: dict) -> None:
    lines = {line.item_id: line for line in report.lines}
    for item, expected in reference.items():
        line = lines.get(item)
        moved = bool(expected["changes"]) or expected["opening"][0]
        if line is None:
            assert not moved, item
            continue
        assert line.opening.quantity == to_decimal(expected["opening"][0])
        assert line.closing.quantity == to_decimal(expected["closing"][0])
        assert line.opening.value == _maybe_money(expected["opening"])
        assert line.closing.value == _maybe_money(expected["closing"])
        assert set(line.changes) == set(expected["changes"])
        for category, (quantity, value, known) in expected["changes"].items():
            figure = line.changes[category]
            assert figure.quantity == to_decimal(quantity), category
            assert figure.value == (_money(value) if known else None), category
        # The ledger's identity: closing = opening + every change in the period.
        assert line.closing.quantity == line.opening.quantity + sum(
            f.quantity for f in line.changes.values())
        if line.value_known:
            assert line.closing.value == line.opening.value + sum(
                f.value for f in line.changes.values())
            assert line.cost_of_goods_used == (
                line.opening.value + line.received.value - line.closing.value)
    known = report.known
    assert report.cost_of_goods_used == sum(
        (line.cost_of_goods_used for line in known), Decimal(0))
    assert report.opening_value + report.received_value - report.closing_value == (
        report.cost_of_goods_used)


def _maybe_money(state: tuple[int, int | None]) -> Decimal | None:
    quantity, value = state
    if value is None:
        return Decimal(0) if quantity == 0 else None
    return _money(value)


# --- cases a manager reads ----------------------------------------------------------------

@pytest.fixture
def month(data_file):
    """A little month: flour and butter bought, used, wasted, stolen; sales entered later."""
    store = services.create_area("Dry store")
    fridge = services.create_area("Walk-in")
    bar = services.create_area("Bar")
    flour = services.create_item("Flour", "kg", sku="FL", areas=[store.id],
                                 low_stock_threshold="10", par_level="50", pack_size="25",
                                 pack_name="sack")
    butter = services.create_item("Butter", "kg", sku="BU", areas=[fridge.id, bar.id])
    services.add_stock(flour.id, "50", unit_cost="0.80")
    services.add_stock(butter.id, "10", total="60.00")
    time.sleep(0.01)  # the receipts and what follows them carry different times
    services.deduct_stock(flour.id, "30", "order_usage")
    services.deduct_stock(flour.id, "5", "waste")
    services.deduct_stock(butter.id, "2", "theft")
    return flour, butter


def _this_day() -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(dt.date.today(), dt.time.min)
    return start, start + dt.timedelta(days=1)


def test_the_period_report_of_a_day(month):
    flour, butter = month
    report = services.period_report(*_this_day(), sales=Decimal("200"))
    by_name = {line.name: line for line in report.lines}
    assert by_name["Flour"].cost_of_goods_used == Decimal("28")  # 35 kg at 0.80
    assert by_name["Butter"].cost_of_goods_used == Decimal("12")
    assert report.cost_of_goods_used == Decimal("40")
    assert report.received_value == Decimal("100")
    assert report.closing_value == Decimal("60")
    assert report.food_cost_percent == Decimal("20.0")
    assert report.waste_percent == Decimal("10.0")  # 4 of 40
    assert [(line.name, value) for line, value in report.top("missing")] == [
        ("Butter", Decimal("12"))]
    assert [(line.name, value) for line, value in report.top("used")] == [
        ("Flour", Decimal("28")), ("Butter", Decimal("12"))]


def test_a_period_must_end_after_it_starts(data_file):
    start, _ = _this_day()
    with pytest.raises(ValidationError, match="end after it starts"):
        services.period_report(start, start)


def test_valuation_now_and_at_a_past_moment(month, data_file):
    flour, _ = month
    now = services.stock_valuation()
    assert now.total == Decimal("60")
    assert [(a.area, a.value, a.items) for a in now.areas] == [
        ("Dry store", Decimal("12"), 1), ("Walk-in", Decimal("48"), 1)]
    butter = next(line for line in now.lines if line.name == "Butter")
    assert (butter.area, butter.other_areas) == ("Walk-in", 1)
    moment = clock.from_stored(_ledger(data_file)[1][10])  # just after the two receipts
    past = services.stock_valuation(moment)
    assert past.total == Decimal("100")
    before_anything = services.stock_valuation(dt.datetime(2000, 1, 1))
    assert before_anything.lines == [] and before_anything.total == 0


def test_the_value_over_time_and_usage_by_week(month):
    start, end = _this_day()
    points = services.value_over_time(start - dt.timedelta(days=2), end)
    assert [p.value for p in points] == [0, 0, Decimal("60")]
    weeks = services.usage_by_week(start, end)
    (usage,) = weeks.values()
    assert usage == {"order_usage": Decimal("24"), "theft": Decimal("12"),
                     "waste": Decimal("4")}


def test_the_order_list_tops_up_to_par_in_whole_packs_by_supplier(month):
    flour, butter = month
    bakers = services.create_supplier("Bakers Ltd")
    services.update_item(flour.id, supplier_id=bakers.id)
    services.update_item(butter.id, par_level="12", low_stock_threshold="8")
    (line,) = services.order_list()  # flour at 15 is not low yet; butter at 8 is
    assert (line.name, line.quantity, line.supplier, line.estimated_cost) == (
        "Butter", Decimal("4"), "No supplier", Decimal("24"))
    lines = services.order_list(below_par=True)
    assert [(line.name, line.quantity, line.packs) for line in lines] == [
        ("Flour", Decimal("50"), Decimal("2")), ("Butter", Decimal("4"), None)]
    assert [name for name, _ in services.by_supplier(lines)] == ["Bakers Ltd", "No supplier"]
    assert services.order_list(supplier_id=bakers.id, below_par=True)[0].name == "Flour"
    edited = services.with_quantity(lines[0], "25")
    assert edited.estimated_cost == Decimal("20")
    assert services.order_total([edited, lines[1]]) == (Decimal("44"), 0)
    with pytest.raises(ValidationError):
        services.with_quantity(lines[0], "-1")
