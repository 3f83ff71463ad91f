"""What the screenshot scripts share: a virtual X server and a restaurant's demo stock.

Each script renders real windows under Xvfb from a demo data file made in a
temporary directory, never the user's own file or settings.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name, SKU, unit, low-stock threshold, received, used since, storage area
DEMO_STOCK = (
    ("All-purpose flour", "DRY-001", "kg", "10", "25", "6.5", "Dry store"),
    ("Arborio rice", "DRY-014", "kg", "5", "10", "2.75", "Dry store"),
    ("Basil", "HRB-003", "g", "200", "500", "380", "Walk-in cooler"),
    ("Butter", "DAI-002", "kg", "2", "5", "1.25", "Walk-in cooler"),
    ("Canned San Marzano tomatoes", "CAN-007", "piece", "24", "48", "30", "Dry store"),
    ("Double cream", "DAI-005", "L", "2", "6", "2.5", "Walk-in cooler"),
    ("Eggs", "DAI-010", "piece", "60", "180", "96", "Walk-in cooler"),
    ("Extra virgin olive oil", "OIL-001", "L", "3", "10", "7.5", "Dry store"),
    ("Garlic", "VEG-021", "kg", "1", "3", "0.4", "Walk-in cooler"),
    ("Mozzarella fior di latte", "DAI-011", "kg", "4", "8", "3.5", "Walk-in cooler"),
    ("Parmigiano Reggiano", "DAI-015", "kg", "1.5", "4", "1.1", "Walk-in cooler"),
    ("Pizza dough balls", None, "portion", "40", "120", "64", "Walk-in cooler"),
    ("Sea salt", "DRY-030", "kg", "1", "5", "0.6", "Dry store"),
    ("Tomatoes (vine)", "VEG-002", "kg", "6", "15", "11", "Walk-in cooler"),
)
AREAS = ("Walk-in cooler", "Dry store", "Bar")


@contextmanager
def virtual_screen(size: str = "1280x900x24") -> Iterator[Path]:
    """An X server (Xvfb :99 unless DISPLAY is set), Qt on xcb, and a scratch folder."""
    server = None
    if not os.environ.get("DISPLAY"):
        server = _start_xvfb(":99", size)
        os.environ["DISPLAY"] = ":99"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    work = Path(tempfile.mkdtemp(prefix="inventory-screenshot-"))
    os.environ["INVENTORY_DB"] = str(work / "demo.sqlite3")
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    sys.path.insert(0, str(ROOT))
    try:
        from PySide6.QtCore import QSettings

        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(work))
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


def fill_demo_stock(services, *, with_areas: bool = False) -> None:
    """The demo restaurant's items, each received and partly used; kept in areas if asked."""
    areas = {name: services.create_area(name).id for name in AREAS} if with_areas else {}
    for name, sku, unit, threshold, received, used, area in DEMO_STOCK:
        item = services.create_item(name, unit, sku, threshold, user="manager",
                                    areas=[areas[area]] if area in areas else ())
        services.add_stock(item.id, received, "purchase", user="manager",
                           reference="INV-2041")
        services.deduct_stock(item.id, used, "order_usage", user="chef")


def settle(application, seconds: float = 0.6, until: Callable[[], bool] = lambda: True) -> None:
    """Let the window paint (and a worker finish) before it is grabbed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or not until():
        application.processEvents()
        time.sleep(0.02)


def save(widget, path: Path) -> bool:
    """Grab a real window to a PNG; True when written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        print(f"could not write {path}", file=sys.stderr)
        return False
    print(path)
    return True


def _start_xvfb(display: str, size: str) -> subprocess.Popen:
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", size, "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    socket = Path(f"/tmp/.X11-unix/X{display.lstrip(':')}")
    for _ in range(100):
        if socket.exists():
            return server
        time.sleep(0.05)
    server.terminate()
    raise SystemExit(f"Xvfb did not start on {display}")
