"""A small costed kitchen for the report tests, with figures worked out by hand.

Before `middle`: 30 kg flour at 0.82 (24.60), 5 kg butter at 7.40 (37.00), and
8 L of a sauce whose name a spreadsheet would run as a formula, booked with no
cost (value not known). After `middle`: 20 kg flour at 0.90 (18.00), 12 kg flour
used (10.224 at the average 0.852), 3 kg flour wasted (2.556), 4 kg butter used
(29.60). So for [middle, later): opening value 61.60, received 18.00, closing
37.22 (flour 29.82, butter 7.40), cost of goods used 42.38, waste 2.556.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from decimal import Decimal

from inventory_desktop import services

FORMULA_NAME = "=SUM(A1:A9)"


@dataclass(frozen=True)
class Kitchen:
    middle: dt.datetime
    later: dt.datetime
    flour: int
    butter: int
    sauce: int
    metro: int
    dairy: int


def costed_kitchen() -> Kitchen:
    """Book the kitchen's history into the open data file."""
    metro = services.create_supplier("Metro").id
    dairy = services.create_supplier("Dairy Direct").id
    flour = services.create_item("Flour", "kg", "FL-55", "10", par_level="40", pack_size="25",
                                 pack_name="sack", supplier_id=metro).id
    butter = services.create_item("Butter", "kg", "BU-1", "2", par_level="8",
                                  supplier_id=dairy).id
    sauce = services.create_item(FORMULA_NAME, "L", None, "10", "8").id
    services.add_stock(flour, "30", unit_cost="0.82", supplier_id=metro)
    services.add_stock(butter, "5", unit_cost="7.40", supplier_id=dairy)
    middle = _a_moment_between()
    services.add_stock(flour, "20", unit_cost="0.90", supplier_id=metro)
    services.deduct_stock(flour, "12", "order_usage")
    services.deduct_stock(flour, "3", "waste")
    services.deduct_stock(butter, "4", "order_usage")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    return Kitchen(middle, later, flour, butter, sauce, metro, dairy)


def _a_moment_between() -> dt.datetime:
    # Movements are dated to the millisecond: step clear of the last one and
    # of the next, so the moment falls strictly between them.
    time.sleep(0.01)
    moment = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    return moment


EXPECTED = {
    "opening_value": Decimal("61.60"), "received": Decimal("18.00"),
    "order_usage": Decimal("-39.824"), "waste": Decimal("-2.556"),
    "closing_value": Decimal("37.22"), "cost_of_goods_used": Decimal("42.38"),
}
