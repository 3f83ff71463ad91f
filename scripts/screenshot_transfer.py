"""Render the import report and the Backups dialog under a virtual X server, for docs/.

    python scripts/screenshot_transfer.py     # starts `Xvfb :98` itself if there is no DISPLAY

Writes docs/import-report.png and docs/backups-dialog.png from the real
dialogs, on a demo data file and backups folder made in a temporary
directory (never the user's own file, settings or backups).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from screenshot import _fill_demo_stock, _start_xvfb  # noqa: E402

STOCK_LIST = """Item name;SKU;Unit;Reorder level;On hand;Supplier
All-purpose flour;DRY-001;Kg;10;18,5;Metro
Arborio rice;DRY-014;kg;5;7,25;Metro
Basil;HRB-003;grams;200;120;Green & Co
Butter;DAI-002;KG;2;3,75;Dairy Direct
Canned San Marzano tomatoes;CAN-007;pcs;24;18;Metro
Double cream;DAI-005;litre;3;3,5;Dairy Direct
Chili flakes;SPI-004;jar;;2;Spice House
Smoked paprika;SPI-005;g;50;1e3;Spice House
Balsamic vinegar;OIL-004;l;1;2;Oliveto
Sourdough starter;;kg;0,5;1,2;
Pecorino Romano;DAI-016;kg;1;2,5;Dairy Direct
Focaccia portions;BAK-002;portions;20;36;
"""


def main() -> int:
    server = None
    if not os.environ.get("DISPLAY"):
        server = _start_xvfb(":98")
        os.environ["DISPLAY"] = ":98"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    work = Path(tempfile.mkdtemp(prefix="inventory-screenshots-"))
    try:
        return _render(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


def _render(work: Path) -> int:
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        os.environ[name] = str(work / name.lower())
    os.environ["INVENTORY_AUTO_BACKUP"] = "0"
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(work))
    from inventory_desktop import db, services
    from inventory_desktop.ui.shell import app as gui_app

    application = gui_app.make_application()
    data_file = work / "kitchen.sqlite3"
    db.open_database(data_file)
    _fill_demo_stock(services)
    shots = [_import_report(application, work, services),
             _backups_dialog(application, data_file, services)]
    db.close_database()
    for shot in shots:
        print(shot)
    return 0 if all(shots) else 1


def _import_report(application, work: Path, services) -> Path:
    from inventory_desktop.ui.transfer.import_dialog import ImportDialog

    path = work / "stock-list.csv"
    path.write_bytes(STOCK_LIST.replace("\n", "\r\n").encode("utf-8-sig"))

    def check(options):
        return services.import_items_file(path, dry_run=True, separator=options.separator,
                                          encoding=options.encoding)

    dialog = ImportDialog(None, path, check, check)
    dialog.resize(1080, 470)
    return _grab(application, dialog, ROOT / "docs" / "import-report.png")


def _backups_dialog(application, data_file: Path, services) -> Path:
    from inventory_desktop import db
    from inventory_desktop.services import daily_backup
    from inventory_desktop.ui.shell.backups_dialog import BackupsDialog

    flour = services.find_item("DRY-001")
    # Days until yesterday: the real backups made below come after them.
    start = dt.datetime.combine(dt.date.today() - dt.timedelta(days=25), dt.time(7, 42))
    for day in range(0, 25, 1):
        if day % 7 == 6:
            continue  # closed on Mondays: no start, no backup
        db.open_database(data_file)
        services.add_stock(flour.id, "2.5", user="manager")
        daily_backup.run_daily_backup(
            data_file, now=lambda day=day: start + dt.timedelta(days=day))
    # Gone back to an earlier day once: the file it replaced is kept.
    db.close_database()
    services.restore(sorted(services.list_backups(), key=lambda row: row.made_at)[-3].path,
                     data_file)
    db.open_database(data_file)
    services.back_up_and_check()
    os.environ.pop("INVENTORY_AUTO_BACKUP")  # shown as a restaurant has it: on
    dialog = BackupsDialog(None, services.list_backups, services.back_up_and_check,
                           lambda: services.backup_overview(data_file))
    dialog.resize(980, 470)
    return _grab(application, dialog, ROOT / "docs" / "backups-dialog.png")


def _grab(application, dialog, output: Path) -> Path:
    dialog.show()
    for _ in range(30):
        application.processEvents()
        time.sleep(0.02)
    output.parent.mkdir(parents=True, exist_ok=True)
    if not dialog.grab().save(str(output)):
        raise SystemExit(f"could not write {output}")
    dialog.close()
    return output


if __name__ == "__main__":
    sys.exit(main())
