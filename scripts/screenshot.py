"""Render the real main window under a virtual X server and save docs/main-window.png.

    python scripts/screenshot.py            # starts `Xvfb :99` itself if there is no DISPLAY
    xvfb-run -a python scripts/screenshot.py

The window shows a demo data file with a restaurant's stock (made in a
temporary directory, never the user's own file or settings).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "main-window.png"

# name, SKU, unit, low-stock threshold, received, used since
_DEMO_STOCK = (
    ("All-purpose flour", "DRY-001", "kg", "10", "25", "6.5"),
    ("Arborio rice", "DRY-014", "kg", "5", "10", "2.75"),
    ("Basil", "HRB-003", "g", "200", "500", "380"),
    ("Butter", "DAI-002", "kg", "2", "5", "1.25"),
    ("Canned San Marzano tomatoes", "CAN-007", "piece", "24", "48", "30"),
    ("Double cream", "DAI-005", "L", "2", "6", "2.5"),
    ("Eggs", "DAI-010", "piece", "60", "180", "96"),
    ("Extra virgin olive oil", "OIL-001", "L", "3", "10", "7.5"),
    ("Garlic", "VEG-021", "kg", "1", "3", "0.4"),
    ("Mozzarella fior di latte", "DAI-011", "kg", "4", "8", "3.5"),
    ("Parmigiano Reggiano", "DAI-015", "kg", "1.5", "4", "1.1"),
    ("Pizza dough balls", None, "portion", "40", "120", "64"),
    ("Sea salt", "DRY-030", "kg", "1", "5", "0.6"),
    ("Tomatoes (vine)", "VEG-002", "kg", "6", "15", "11"),
)


def main() -> int:
    server = None
    if not os.environ.get("DISPLAY"):
        server = _start_xvfb(":99")
        os.environ["DISPLAY"] = ":99"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    work = Path(tempfile.mkdtemp(prefix="inventory-screenshot-"))
    try:
        return _render(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


def _start_xvfb(display: str) -> subprocess.Popen:
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    socket = Path(f"/tmp/.X11-unix/X{display.lstrip(':')}")
    for _ in range(100):
        if socket.exists():
            return server
        time.sleep(0.05)
    server.terminate()
    raise SystemExit(f"Xvfb did not start on {display}")


def _render(work: Path) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ["INVENTORY_DB"] = str(work / "demo.sqlite3")
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(work))
    from inventory_desktop import db, services
    from inventory_desktop.ui.shell import app as gui_app

    application = gui_app.make_application()
    db.open_database(work / "demo.sqlite3")
    _fill_demo_stock(services)
    from inventory_desktop.ui.shell.main_window import MainWindow

    window = MainWindow()
    window.resize(1040, 560)
    window.show()
    while window.loader.busy:  # the items load on a worker thread
        application.processEvents()
    item = next(i for i in services.list_items() if i.sku == "DAI-011")
    window.select_item(item.id)
    # Lunch service used more mozzarella: the window says it has run low.
    services.deduct_stock(item.id, "0.9", "order_usage", user="chef")
    window.refresh_item(item.id)
    for _ in range(30):
        application.processEvents()
        time.sleep(0.02)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(OUTPUT)):
        print(f"could not write {OUTPUT}", file=sys.stderr)
        return 1
    window.close()
    db.close_database()
    print(OUTPUT)
    return 0


def _fill_demo_stock(services) -> None:
    for name, sku, unit, threshold, received, used in _DEMO_STOCK:
        item = services.create_item(name, unit, sku, threshold, user="manager")
        services.add_stock(item.id, received, "purchase", user="manager",
                           reference="INV-2041")
        services.deduct_stock(item.id, used, "order_usage", user="chef")


if __name__ == "__main__":
    sys.exit(main())
