"""Small helpers for the PostgreSQL tests: rows in, every table out, refusals checked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest


def snapshot(connection: Any) -> dict[str, list[tuple]]:
    """Every row of every table of the schema `inventory` (and which tables there are)."""
    tables = [name for (name,) in connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'inventory' ORDER BY 1")]
    return {table: sorted(connection.execute(f"SELECT * FROM inventory.{table}").fetchall(),
                          key=repr)
            for table in tables}


@contextmanager
def refused(connection: Any, match: str, *, sqlstate: str = "23514") -> Iterator[None]:
    """Expect the statements inside to fail with `sqlstate` and change nothing at all.

    23514 (check_violation) is what every rule of the schema raises; 42501
    (insufficient_privilege) is a missing GRANT.
    """
    before = snapshot(connection)
    with pytest.raises(psycopg.Error, match=match) as caught:
        yield
    assert caught.value.sqlstate == sqlstate, caught.value
    if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        connection.execute("ROLLBACK")
    assert snapshot(connection) == before


def act(connection: Any, actor: str | None = None) -> None:
    """Open a transaction that says who acts, as the program will."""
    connection.execute("BEGIN")
    if actor is not None:
        connection.execute("SELECT set_config('inventory.actor', %s, true)", (actor,))


def add_item(connection: Any, name: str = "Flour", sku: str | None = "FL-55", *,
             unit: str = "kg", threshold: int | None = None) -> int:
    """Insert an item; its id."""
    return connection.execute(
        "INSERT INTO stock_item (name, sku, unit, low_stock_threshold) VALUES (%s, %s, %s, %s) "
        "RETURNING id", (name, sku, unit, threshold)).fetchone()[0]


def balance(connection: Any, item_id: int) -> tuple[int, int | None]:
    """The item's newest (balance_after, value_after), (0, None) before any movement."""
    row = connection.execute(
        "SELECT balance_after, value_after FROM stock_movement WHERE stock_item_id = %s "
        "ORDER BY id DESC LIMIT 1", (item_id,)).fetchone()
    return (0, None) if row is None else row


def move(connection: Any, item_id: int, change: int, *, kind: str | None = None,
         reason: str | None = None, balance_after: int | None = None, **columns: Any) -> int:
    """Append a movement (by default continuing the chain correctly, at average cost); its id."""
    before, value = balance(connection, item_id)
    kind = kind or ("in" if change > 0 else "out")
    values = {"stock_item_id": item_id, "quantity_change": change, "movement_type": kind,
              "reason": reason or ("purchase" if change > 0 else "order_usage"),
              "balance_after": before + change if balance_after is None else balance_after,
              **columns}
    if "valued_by" not in columns and change < 0 and value is not None:
        values.update(_average(change, before, value))
    names = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    return connection.execute(f"INSERT INTO stock_movement ({names}) VALUES ({marks}) "
                              "RETURNING id", tuple(values.values())).fetchone()[0]


def receive(connection: Any, item_id: int, quantity: int, unit_cost: int) -> int:
    """A costed receipt (valued_by 'unit_cost'); its id."""
    _, value = balance(connection, item_id)
    change = (2 * quantity * unit_cost + 10000) // 20000
    return move(connection, item_id, quantity, valued_by="unit_cost", unit_cost=unit_cost,
                value_change=change, value_after=(value or 0) + change)


def _average(change: int, before: int, value: int) -> dict[str, Any]:
    # The last unit out takes what value is left; otherwise the average, rounded.
    emptied = before + change == 0
    taken = -value if emptied else -((2 * -change * value + before) // (2 * before))
    return {"valued_by": "average", "value_change": taken, "value_after": value + taken}
