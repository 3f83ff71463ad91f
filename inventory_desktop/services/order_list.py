"""The order list: what to order to bring each item back to its par level, by supplier.

An item is on the list when it is at or below its low-stock threshold (or,
asked for, whenever it is below par). It is ordered up to par, rounded up to
whole packs, and priced at the latest cost paid for it (else its standard
cost). The list is a suggestion: a manager edits the quantities before
sending it; nothing is recorded until the delivery is received.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from ..db import database
from ..money import to_money, value_of
from ..quantity import decimal_to_units, to_decimal
from ..sqlite_errors import translate_sqlite_errors
from . import validation

NO_SUPPLIER = "No supplier"

_CANDIDATES = """
SELECT i.id, i.sku, i.name, i.unit, i.current_quantity, i.low_stock_threshold, i.par_level,
       i.pack_size, i.pack_name, i.supplier_id, s.name, i.standard_cost,
       (SELECT unit_cost FROM stock_movement
         WHERE stock_item_id = i.id AND valued_by IN ('invoice', 'unit_cost')
         ORDER BY id DESC LIMIT 1)
  FROM stock_item AS i LEFT JOIN supplier AS s ON s.id = i.supplier_id
 WHERE i.is_active
   AND ((i.low_stock_threshold IS NOT NULL AND i.current_quantity <= i.low_stock_threshold)
        OR (CAST(? AS BOOLEAN) AND i.par_level IS NOT NULL AND i.current_quantity < i.par_level))
"""


@dataclass(frozen=True)
class OrderLine:
    item_id: int
    sku: str | None
    name: str
    unit: str
    supplier_id: int | None
    supplier: str  # NO_SUPPLIER when the item has none
    on_hand: Decimal
    threshold: Decimal | None
    par_level: Decimal | None  # None: no par level, so no suggested quantity
    pack_size: Decimal | None
    pack_name: str | None
    quantity: Decimal  # to order, in the item's unit (0: none suggested)
    unit_cost: Decimal | None  # latest paid, else standard cost; None: not known

    @property
    def packs(self) -> Decimal | None:
        """How many packs `quantity` is (None for an item without packs)."""
        if self.pack_size is None:
            return None
        return (self.quantity / self.pack_size).normalize()

    @property
    def estimated_cost(self) -> Decimal | None:
        if self.unit_cost is None:
            return None
        return to_money(value_of(decimal_to_units(self.quantity),
                                 decimal_to_units(self.unit_cost)))


def order_list(*, supplier_id: int | None = None, below_par: bool = False) -> list[OrderLine]:
    """Items to order, by supplier then name; `supplier_id` keeps one supplier's lines."""
    with translate_sqlite_errors():
        rows = database.execute_sql(_CANDIDATES, (below_par,)).fetchall()
    lines = [_line(row) for row in rows]
    if supplier_id is not None:
        lines = [line for line in lines if line.supplier_id == supplier_id]
    lines.sort(key=lambda line: (line.supplier_id is None, line.supplier.casefold(),
                                 line.name.casefold(), line.item_id))
    return lines


def with_quantity(line: OrderLine, quantity: object) -> OrderLine:
    """The line with a quantity a manager typed instead (whole packs are not enforced)."""
    units = validation.new_quantity(quantity, "quantity to order")
    return dataclasses.replace(line, quantity=to_decimal(units))


def by_supplier(lines: list[OrderLine]) -> list[tuple[str, list[OrderLine]]]:
    """Lines grouped under their supplier's name, in the order given."""
    groups: dict[str, list[OrderLine]] = {}
    for line in lines:
        groups.setdefault(line.supplier, []).append(line)
    return list(groups.items())


def suggested_units(on_hand: int, par_level: int | None, pack_size: int | None) -> int:
    """par - on hand, rounded up to whole packs; 0 when at or above par (or no par)."""
    if par_level is None or on_hand >= par_level:
        return 0
    short = par_level - on_hand
    if pack_size is None:
        return short
    packs = -(-short // pack_size)  # rounded up
    return packs * pack_size


def _line(row: tuple) -> OrderLine:
    (item_id, sku, name, unit, on_hand, threshold, par, pack_size, pack_name, supplier_id,
     supplier, standard_cost, latest_cost) = row
    cost = latest_cost if latest_cost is not None else standard_cost
    units = suggested_units(on_hand, par, pack_size)
    return OrderLine(
        item_id, sku, name, unit, supplier_id, supplier or NO_SUPPLIER, to_decimal(on_hand),
        _maybe(threshold), _maybe(par), _maybe(pack_size), pack_name, to_decimal(units),
        None if cost is None else to_money(cost))


def _maybe(units: int | None) -> Decimal | None:
    return None if units is None else to_decimal(units)


def order_total(lines: list[OrderLine]) -> tuple[Decimal, int]:
    """The estimated cost of the lines that have one, and how many have none."""
    priced = [line.estimated_cost for line in lines]
    known = [cost for cost in priced if cost is not None]
    return sum(known, Decimal(0)), len(priced) - len(known)

