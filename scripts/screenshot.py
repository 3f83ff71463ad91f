"""Render the real windows under a virtual X server and save them as PNGs under docs/.

    python scripts/screenshot.py                 # docs/main-window.png
    python scripts/screenshot.py delivery audit  # docs/delivery-grid.png, docs/audit-log.png
    python scripts/screenshot.py all --out /tmp/shots
    xvfb-run -a python scripts/screenshot.py     # starts `Xvfb :99` itself if there is no DISPLAY

Shots: main (the main window), wide (the main window at 1600 px), delivery (the
delivery grid with invoice costs, a line being typed, its completion list open),
history (every movement, at the window's default size), history-item (one item with its
chart), audit (the audit log), server (the window on a server's database that has just
become unreachable: the offline banner), server-online (the same, reachable). The
windows show a demo data file with a restaurant's stock, made in a temporary
directory, never the user's own file or settings; the server shots start a
throwaway PostgreSQL (scripts/pg_throwaway.py: needs initdb) and remove it after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOTS = {
    "main": "main-window.png", "wide": "main-window-1600.png",
    "delivery": "delivery-grid.png", "history": "history.png",
    "history-item": "history-item.png", "audit": "audit-log.png",
    "server": "server-window.png", "server-online": "server-window-online.png",
}
# Shots of the window on a PostgreSQL database (a throwaway server, scripts/pg_throwaway.py).
SERVER_SHOTS = ("server", "server-online")

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
    parser = argparse.ArgumentParser(description="Render the windows to PNGs.")
    parser.add_argument("shots", nargs="*", default=["main"],
                        help=f"which: {', '.join(SHOTS)} or all (default: main)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs")
    args = parser.parse_args()
    names = list(SHOTS) if "all" in args.shots else args.shots
    unknown = [name for name in names if name not in SHOTS]
    if unknown:
        parser.error(f"no such shot: {', '.join(unknown)}")
    server = None
    if not os.environ.get("DISPLAY"):
        server = _start_xvfb(":99")
        os.environ["DISPLAY"] = ":99"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    work = Path(tempfile.mkdtemp(prefix="inventory-screenshot-"))
    try:
        return _render(work, names, args.out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


def _start_xvfb(display: str) -> subprocess.Popen:
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1700x1000x24", "-nolisten",
                               "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    socket = Path(f"/tmp/.X11-unix/X{display.lstrip(':')}")
    for _ in range(100):
        if socket.exists():
            return server
        time.sleep(0.05)
    server.terminate()
    raise SystemExit(f"Xvfb did not start on {display}")


def _render(work: Path, names: list[str], out: Path) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ["INVENTORY_DB"] = str(work / "demo.sqlite3")
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(work))
    from inventory_desktop import db, services
    from inventory_desktop.ui.shell import app as gui_app

    application = gui_app.make_application()
    server = None
    if any(name in SERVER_SHOTS for name in names):
        server = _demo_server(work)
        db.open_database(server.demo_url)
    else:
        db.open_database(work / "demo.sqlite3")
    try:
        _fill_demo_stock(services)
        return _save_shots(application, services, names, out, server)
    finally:
        db.close_database()
        if server is not None:
            server.module.stop(server.folder, quiet=True)


def _save_shots(application, services, names: list[str], out: Path, server) -> int:
    from inventory_desktop.ui.shell import operator

    operator.choose("manager")  # who the status bar says is recording
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        shot = globals()[f"_shot_{name.replace('-', '_')}"]
        pixmap = (shot(application, services, server) if name in SERVER_SHOTS
                  else shot(application, services))
        target = out / SHOTS[name]
        if not pixmap.save(str(target)):
            print(f"could not write {target}", file=sys.stderr)
            return 1
        print(target)
    return 0


def _demo_server(work: Path):
    """A throwaway PostgreSQL with the database 'inventory' set up, and a login 'bar'."""
    import importlib.util

    import psycopg
    from psycopg.conninfo import make_conninfo

    from inventory_desktop import pg_migrations

    spec = importlib.util.spec_from_file_location("pg_throwaway", ROOT / "scripts" /
                                                  "pg_throwaway.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    server = module.start()  # its own folder: the server may run as another user
    with psycopg.connect(server.url, autocommit=True) as admin:
        admin.execute("CREATE DATABASE inventory")
    with psycopg.connect(make_conninfo(server.url, dbname="inventory"),
                         autocommit=True) as connection:
        pg_migrations.upgrade(connection)
        connection.execute("CREATE ROLE bar LOGIN")
        connection.execute(f"GRANT {pg_migrations.APP_ROLE} TO bar")
    return types.SimpleNamespace(
        module=module, folder=server.folder, url=server.url,
        demo_url=f"postgresql://bar@/inventory?host={server.folder}&port={module.PORT}")


def _shot_server_online(application, services, server):
    window = _main_window(application, services, 1040, 560)
    _settle(application)
    pixmap = window.grab()
    window.close()
    return pixmap


def _shot_server(application, services, server):
    import psycopg

    window = _main_window(application, services, 1040, 560)
    # The server goes away: every connection to the database ended, none let back in.
    with psycopg.connect(server.url, autocommit=True) as admin:
        admin.execute("ALTER DATABASE inventory ALLOW_CONNECTIONS false")
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = 'inventory' AND pid <> pg_backend_pid()")
    deadline = time.monotonic() + 10
    while not window.offline_banner.isVisible() and time.monotonic() < deadline:
        _settle(application, 0.1)
    _settle(application)
    pixmap = window.grab()
    window.close()
    return pixmap


def _settle(application, seconds: float = 0.6) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        application.processEvents()
        time.sleep(0.02)


def _main_window(application, services, width: int, height: int):
    from inventory_desktop.ui.shell.main_window import MainWindow

    window = MainWindow()
    window.resize(width, height)
    window.show()
    while window.loader.busy:  # the items load on a worker thread
        application.processEvents()
    item = next(i for i in services.list_items() if i.sku == "DAI-011")
    window.select_item(item.id)
    window.refresh_item(item.id)
    _settle(application)
    return window


def _shot_main(application, services):
    window = _main_window(application, services, 1040, 560)
    item = next(i for i in services.list_items() if i.sku == "DAI-011")
    # Lunch service used more mozzarella: the window says it has run low.
    window.on_low_stock(item)
    _settle(application)
    pixmap = window.grab()
    window.close()
    return pixmap


def _shot_wide(application, services):
    window = _main_window(application, services, 1600, 560)
    pixmap = window.grab()
    window.close()
    return pixmap


def _shot_delivery(application, services):
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QLineEdit

    from inventory_desktop.ui.deliveries.sheet_dialog import DELIVERY, SheetDialog

    # The supplier and the currency are given to the dialog, not written to the
    # demo file: the shots after this one show the file as it was.
    rossi = services.SupplierRow(1, "Caseificio Rossi", True, 5)
    dialog = SheetDialog(None, DELIVERY, services.list_items(), lambda sheet: None,
                         suppliers=[rossi], symbol="€")
    dialog.reference.setText("DN-2042")
    dialog.supplier.setCurrentIndex(1)
    dialog.with_costs.setChecked(True)
    dialog.notes.setText("Driver Marco")
    model = dialog.model
    # item, quantity, unit cost, line total: one per line, as the invoice gives it.
    for row, (item, quantity, unit_cost, total) in enumerate((
            ("DAI-011", "6", "11.80", ""), ("dai-015", "2.5", "", "60.25"),
            ("Butter", "4", "8.4", ""), ("eggs", "180", "0.28", ""),
            ("Double cream", "1e3", "", ""), ("DAI-011", "2", "-11.8", ""))):
        model.setData(model.index(row, 0), item)
        model.setData(model.index(row, 1), quantity)
        for column, cost in ((model.unit_cost_column, unit_cost), (model.total_column, total)):
            if cost:
                model.setData(model.index(row, column), cost)
    dialog.show()
    dialog.activateWindow()
    _settle(application, 0.3)
    dialog.view.start(model.rowCount() - 1)
    _settle(application, 0.3)
    editor = QApplication.focusWidget()
    if isinstance(editor, QLineEdit):
        for key in "toma":
            editor.insert(key)
            editor.textEdited.emit(editor.text())
    _settle(application)
    # The screen, not the dialog: the completion list is a window of its own.
    frame = dialog.frameGeometry()
    popup = QApplication.activePopupWidget()
    area = frame.united(popup.frameGeometry()) if popup is not None else frame
    pixmap = QGuiApplication.primaryScreen().grabWindow(
        0, area.x(), area.y(), area.width(), area.height())
    dialog.reject()
    return pixmap


def _shot_history(application, services):
    from inventory_desktop.ui.history.history_window import HistoryWindow

    window = HistoryWindow(None, None)  # its default size
    window.show()
    _settle(application)
    pixmap = window.grab()
    window.close()
    return pixmap


def _shot_history_item(application, services):
    from inventory_desktop.ui.history.history_window import HistoryWindow

    item = next(i for i in services.list_items() if i.sku == "DAI-011")
    window = HistoryWindow(None, item.id)
    window.show()
    _settle(application)
    pixmap = window.grab()
    window.close()
    return pixmap


def _shot_audit(application, services):
    from inventory_desktop.ui.audit.audit_window import AuditWindow

    window = AuditWindow(None, None)
    window.show()
    _settle(application)
    pixmap = window.grab()
    window.close()
    return pixmap


def _fill_demo_stock(services) -> None:
    items = {}
    for name, sku, unit, threshold, received, used in _DEMO_STOCK:
        item = services.create_item(name, unit, sku, threshold, user="manager")
        items[name] = item
        services.add_stock(item.id, received, "purchase", user="manager",
                           reference="INV-2041")
        services.deduct_stock(item.id, used, "order_usage", user="chef")
    dairy = [items[name] for name in ("Butter", "Double cream", "Eggs",
                                      "Mozzarella fior di latte", "Parmigiano Reggiano")]
    services.receive_delivery(
        [services.LineInput(item.id, quantity) for item, quantity in zip(
            dairy, ("3", "2", "60", "4", "1.5"), strict=True)],
        reference="DN-2041", delivered_on=dt.date.today(), notes="Caseificio Rossi",
        user="manager")
    services.record_waste_sheet(
        [services.LineInput(items["Basil"].id, "40"),
         services.LineInput(items["Double cream"].id, "0.5", "waste", "split carton")],
        reference="Dinner service", user="chef")
    mozzarella = items["Mozzarella fior di latte"]
    # Lunch service used more mozzarella: it runs low.
    services.deduct_stock(mozzarella.id, "5.4", "order_usage", user="chef")
    temporary = services.create_item("Truffle (sample)", "g", "TRF-1", user="manager")
    services.delete_item(temporary.id, user="manager")
    services.update_item(items["Garlic"].id, low_stock_threshold="1.5", user="manager")


if __name__ == "__main__":
    sys.exit(main())
