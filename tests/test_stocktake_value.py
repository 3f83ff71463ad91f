"""The stocktake's variance in money: what the plan estimates is what the commit posts."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import raw

from inventory_desktop import db, services
from inventory_desktop.cli import main as cli_main


@pytest.fixture
def costed(data_file: Path) -> dict[str, int]:
    """Items kept in no area, valued in every way the rule knows, and one of unknown value."""
    ids = {
        # 25 kg at 0.82 (20.50), then 10 kg for 9.99: 35 kg worth 30.49.
        "flour": services.create_item("Flour", "kg", "FL", None, "25", unit_cost="0.82").id,
        "rice": services.create_item("Rice", "kg", "RI", None, "10", unit_cost="1.15").id,
        # From before costs were kept: its value is not known.
        "sugar": services.create_item("Sugar", "kg", "SU", None, "8").id,
        # Empty, with a standard cost: a gain enters at it.
        "saffron": services.create_item("Saffron", "g", "SA", standard_cost="4.25").id,
        # Empty, no standard cost, last bought at 3.10: a gain enters at that.
        "vanilla": services.create_item("Vanilla", "piece", "VA", None, "4",
                                        unit_cost="3.10").id,
    }
    services.add_stock(ids["flour"], "10", total="9.99")
    services.deduct_stock(ids["vanilla"], "4", "order_usage")
    return ids


def _count(stocktake: int, item: int, quantity: str) -> None:
    services.record_count(stocktake, item, None, quantity, user="ana")


def _posted(path: Path, ids: list[int]) -> list[tuple]:
    marks = ",".join("?" * len(ids))
    return raw(path).execute(
        f"SELECT stock_item_id, reason, quantity_change, value_change, valued_by "
        f"FROM stock_movement WHERE id IN ({marks}) ORDER BY id", ids).fetchall()


def test_each_planned_change_is_valued_as_the_commit_then_posts_it(data_file, costed):
    stocktake = services.start_stocktake("Monthly").id
    _count(stocktake, costed["flour"], "30")  # 5 kg short: 2 spoiled, 3 unexplained
    services.explain_variance(stocktake, costed["flour"], {"spoilage": "2"})
    _count(stocktake, costed["rice"], "12")  # 2 kg over: enters at the average, 1.15
    _count(stocktake, costed["sugar"], "7")  # 1 kg short, of unknown value
    _count(stocktake, costed["saffron"], "3")  # 3 g found: at the standard cost
    _count(stocktake, costed["vanilla"], "1")  # 1 found: at the latest cost paid
    plan = services.commit_plan(stocktake)
    planned = {(c.name, c.reason): c.value for c in plan.changes}
    # 30.49 / 35 kg: 2 kg are 1.7423, 3 kg 2.6134 (each rounded half away from zero).
    assert planned == {
        ("Flour", "spoilage"): Decimal("-1.7423"), ("Flour", "stocktake"): Decimal("-2.6134"),
        ("Rice", "stocktake"): Decimal("2.3000"), ("Saffron", "stocktake"): Decimal("12.7500"),
        ("Sugar", "stocktake"): None, ("Vanilla", "stocktake"): Decimal("3.1000")}
    assert plan.value_lost == Decimal("-4.3557")
    assert plan.value_gained == Decimal("18.1500")
    assert plan.value_not_known == ["Sugar"]

    report = services.commit_stocktake(stocktake, user="chef")
    posted = _posted(data_file, report.movement_ids)
    assert [(item, reason, value, by) for item, reason, _, value, by in posted] == [
        (c.item_id, c.reason, None if c.value is None else int(c.value.scaleb(4)),
         None if c.value is None else "assumed" if c.name in ("Saffron", "Vanilla")
         else "average") for c in plan.changes]
    assert report.values == [c.value for c in plan.changes]
    assert report.value_posted == Decimal("13.7943") == plan.value_lost + plan.value_gained
    assert report.value_not_known == 1
    assert services.verify().ok


def test_the_plan_values_what_the_ledger_holds_when_it_is_asked(data_file, costed):
    # Counted 30 of 35 kg, then 5 kg used at the average: the loss is priced on
    # the 30 kg left, as the commit will price it, not on the stock counted.
    stocktake = services.start_stocktake().id
    _count(stocktake, costed["flour"], "30")
    services.deduct_stock(costed["flour"], "5", "order_usage")
    (change,) = services.commit_plan(stocktake).changes
    report = services.commit_stocktake(stocktake)
    ((_, _, quantity, value, _),) = _posted(data_file, report.movement_ids)
    assert (quantity, value) == (-50000, int(change.value.scaleb(4)))
    assert services.get_item(costed["flour"]).value == Decimal("30.4900") - Decimal(
        "4.3557") + change.value


def test_a_loss_of_everything_takes_exactly_the_value_left(data_file, costed):
    stocktake = services.start_stocktake().id
    _count(stocktake, costed["flour"], "0")
    services.explain_variance(stocktake, costed["flour"], {"theft": "20"})
    plan = services.commit_plan(stocktake)
    assert [c.value for c in plan.changes] == [Decimal("-17.4229"), Decimal("-13.0671")]
    assert plan.value_lost == Decimal("-30.4900")  # no residue left behind
    services.commit_stocktake(stocktake)
    assert services.get_item(costed["flour"]).value == 0


def test_stock_of_unknown_value_is_not_known_never_zero(data_file, costed):
    stocktake = services.start_stocktake().id
    _count(stocktake, costed["sugar"], "10")
    plan = services.commit_plan(stocktake)
    assert [(c.name, c.change, c.value) for c in plan.changes] == [
        ("Sugar", Decimal(2), None)]
    assert (plan.value_lost, plan.value_gained, plan.value_not_known) == (0, 0, ["Sugar"])
    report = services.commit_stocktake(stocktake)
    assert report.values == [None] and report.value_not_known == 1


def test_the_command_line_says_the_value_planned_and_posted(data_file, costed, capsys):
    services.set_currency_symbol("€")
    stocktake = services.start_stocktake().id
    _count(stocktake, costed["flour"], "30")
    _count(stocktake, costed["sugar"], "7")
    db.close_database()
    run = ["--db", str(data_file)]
    assert cli_main([*run, "--json", "stocktake", "commit", str(stocktake), "--dry-run"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["value"]) for c in plan["changes"]] == [
        ("Flour", "-4.3557"), ("Sugar", None)]
    assert plan["value_not_known"] == ["Sugar"]
    assert cli_main([*run, "stocktake", "commit", str(stocktake)]) == 0
    out = capsys.readouterr().out
    assert "-€4.36" in out and "not known" in out
    assert "Value: -€4.36 (not known for Sugar)" in out
