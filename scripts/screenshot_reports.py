"""Render the Reports and Order list windows under Xvfb: docs/reports.png, docs/order-list.png.

    python scripts/screenshot_reports.py   # starts `Xvfb :99` itself if there is no DISPLAY

A demo restaurant with eight weeks of costed deliveries, use and waste, and
today's stocktake (scripts/demo_history.py); the period shown is the last
four weeks.
"""

from __future__ import annotations

import datetime as dt
import sys

from demo_history import fill_costed_history
from demo_screen import ROOT, save, settle, virtual_screen

REPORTS = ROOT / "docs" / "reports.png"
ORDERS = ROOT / "docs" / "order-list.png"


def main() -> int:
    with virtual_screen() as work:
        from PySide6.QtCore import QDate

        from inventory_desktop import db, services
        from inventory_desktop.ui.shell import app as gui_app

        application = gui_app.make_application()
        db.open_database(work / "demo.sqlite3")
        services.set_currency_symbol("€", user="manager")
        fill_costed_history(services, work / "demo.sqlite3")
        from inventory_desktop.ui.reports.order_window import OrderListWindow
        from inventory_desktop.ui.reports.reports_window import ReportsWindow

        window = ReportsWindow()
        window.show()
        today = dt.date.today()
        window.picker.first.setDate(QDate(today - dt.timedelta(days=27)))
        window.picker.sales.setText("11800")
        window.picker.sales.editingFinished.emit()
        window.tabs.setCurrentWidget(window.pages["period"])
        settle(application, 1.5, until=lambda: not window.loader.busy)
        written = save(window, REPORTS)
        orders = OrderListWindow()
        orders.show()
        orders.below_par.setChecked(True)
        settle(application)
        written = save(orders, ORDERS) and written
        orders.close()
        window.close()
        db.close_database()
        return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
