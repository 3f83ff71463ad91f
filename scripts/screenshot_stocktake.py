"""Render the stocktake window and its review under Xvfb: docs/stocktake-grid.png, -review.png.

    python scripts/screenshot_stocktake.py   # starts `Xvfb :99` itself if there is no DISPLAY

A demo restaurant mid-count: two counters, a conflict, a sale between
counting and committing, variances put down to reasons; its stock valued,
but for the basil, whose value is not known.
"""

from __future__ import annotations

import sys

from demo_screen import ROOT, fill_demo_stock, save, settle, virtual_screen

GRID = ROOT / "docs" / "stocktake-grid.png"
REVIEW = ROOT / "docs" / "stocktake-review.png"


def main() -> int:
    with virtual_screen() as work:
        from inventory_desktop import db, services
        from inventory_desktop.ui.shell import app as gui_app

        application = gui_app.make_application()
        db.open_database(work / "demo.sqlite3")
        fill_demo_stock(services, with_areas=True)
        _price(services)
        _count(services)
        from inventory_desktop.ui.stocktake.count_window import StocktakeWindow
        from inventory_desktop.ui.stocktake.review_dialog import ReviewDialog

        window = StocktakeWindow()
        window.resize(1180, 620)
        window.show()
        window.search.setText("mozz")
        settle(application)
        written = save(window, GRID)
        stocktake = window.stocktake.id
        review = ReviewDialog(None, stocktake, lambda: "manager")
        review.show()
        review.table.setCurrentCell(0, 0)
        settle(application)
        written = save(review, REVIEW) and written
        review.close()
        window.close()
        db.close_database()
        return 0 if written else 1


# What a unit cost (€), by SKU; the basil has none: its value is not known.
_COSTS = {"DRY-001": "0.95", "DRY-014": "3.20", "DAI-002": "8.40", "CAN-007": "2.10",
          "DAI-005": "4.60", "DAI-010": "0.28", "OIL-001": "9.50", "VEG-021": "6.00",
          "DAI-011": "11.80", "DAI-015": "24.00", "DRY-030": "1.20", "VEG-002": "3.40"}


def _price(services) -> None:
    services.set_currency_symbol("€", user="manager")
    for sku, cost in _COSTS.items():
        services.revalue_stock(services.find_item(sku).id, unit_cost=cost,
                               reason="standard_cost", user="manager")


def _count(services) -> None:
    stocktake = services.start_stocktake("Monthly count — November", user="manager").id
    cooler = services.find_area("Walk-in cooler").id
    dry = services.find_area("Dry store").id
    counts = {"DRY-001": ("17.5", dry, "ana"), "DRY-014": ("7.25", dry, "ana"),
              "CAN-007": ("18", dry, "ana"), "OIL-001": ("2.5", dry, "ana"),
              "HRB-003": ("90", cooler, "ben"), "DAI-002": ("3.75", cooler, "ben"),
              "DAI-005": ("3", cooler, "ben"), "DAI-010": ("78", cooler, "ben"),
              "DAI-011": ("4", cooler, "ben")}
    for sku, (quantity, area, who) in counts.items():
        services.record_count(stocktake, services.find_item(sku).id, area, quantity, user=who)
    # Two people counted the eggs: a conflict to settle.
    services.record_count(stocktake, services.find_item("DAI-010").id, cooler, "84", user="ana")
    # Service goes on: mozzarella sold after it was counted.
    services.deduct_stock(services.find_item("DAI-011").id, "0.5", "order_usage", user="chef")
    flour = services.find_item("DRY-001").id
    services.explain_variance(stocktake, flour, {"spoilage": "0.5"}, user="manager")


if __name__ == "__main__":
    sys.exit(main())
