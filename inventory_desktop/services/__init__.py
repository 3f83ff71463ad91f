"""The application's API: every action a user can take, for the GUI and the CLI alike.

Call `inventory_desktop.db.open_database(path)` once; then every function
here works on that file. Writes are one IMMEDIATE transaction each and raise
`inventory_desktop.errors.InventoryError` subclasses for anything a user can
get wrong. Results are frozen rows (see rows.py), never live ORM objects.
"""

from __future__ import annotations

from pathlib import Path

from .. import db
from ._write import add_low_stock_listener, operator_name, remove_low_stock_listener
from .daily_backup import BackupOverview, backup_overview, backup_warnings, start_daily_backup
from .items import archive_item, create_item, delete_item, restore_item, update_item
from .queries import (
    MAX_PAGE,
    audit_entries,
    count_movements,
    find_item,
    get_item,
    get_movement,
    item_history,
    items_needing_attention,
    list_items,
    list_movements,
    quantity_on,
)
from .rows import AuditRow, Finding, ItemHistoryRow, ItemRow, MovementRow, VerifyReport
from .stock import add_stock, adjust_stock, deduct_stock, reverse_movement
from .verify import accept_foreign_rows, verify


def back_up(destination: str | Path) -> Path:
    """Copy the open data file, consistent even while others write, to `destination`."""
    return db.backup_to(destination)


# Backups, restore, import and export are loaded when first used (PEP 562):
# loaded up front they made every command start about 40 ms slower, and most
# commands never use them.
_ON_FIRST_USE = {
    "BACKUP_KINDS": ("backups", "KINDS"), "BackupRow": ("backups", "BackupRow"),
    "back_up_and_check": ("backups", "back_up_and_check"),
    "backup_row": ("backups", "backup_row"), "list_backups": ("backups", "list_backups"),
    "size_text": ("backups", "size_text"), "BackupCheck": ("backup_check", "BackupCheck"),
    "RestoreResult": ("restore_backup", "RestoreResult"), "restore": ("restore_backup", "restore"),
    "EXPORT_KINDS": ("export", "KINDS"), "ExportFilters": ("export", "ExportFilters"),
    "ExportResult": ("export", "ExportResult"), "export_csv": ("export", "export_csv"),
    "ImportProblem": ("import_plan", "ImportProblem"), "ImportRow": ("import_plan", "ImportRow"),
    "ImportReport": ("item_import", "ImportReport"),
    "import_items": ("item_import", "import_items"),
    "import_items_file": ("item_import", "import_items_file"),
}


def __getattr__(name: str) -> object:
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _ON_FIRST_USE[name]
    value = getattr(_loaded()[module], attribute)
    globals()[name] = value
    return value


def _loaded() -> dict[str, object]:
    # Plain import statements, not importlib: PyInstaller bundles only the
    # modules it sees imported.
    from . import backup_check, backups, export, import_plan, item_import, restore_backup

    return {"backup_check": backup_check, "backups": backups, "export": export,
            "import_plan": import_plan, "item_import": item_import,
            "restore_backup": restore_backup}


__all__ = [
    "BACKUP_KINDS", "EXPORT_KINDS", "MAX_PAGE",
    "AuditRow", "BackupCheck", "BackupOverview", "BackupRow", "ExportFilters", "ExportResult",
    "Finding",
    "ImportProblem", "ImportReport", "ImportRow", "ItemHistoryRow", "ItemRow", "MovementRow",
    "RestoreResult", "VerifyReport",
    "accept_foreign_rows", "add_low_stock_listener", "add_stock", "adjust_stock", "archive_item",
    "audit_entries", "back_up", "back_up_and_check", "backup_overview", "backup_row",
    "backup_warnings", "count_movements",
    "create_item", "deduct_stock", "delete_item", "export_csv",
    "find_item", "get_item", "get_movement", "import_items", "import_items_file",
    "item_history", "items_needing_attention",
    "list_backups", "list_items", "list_movements", "operator_name", "quantity_on",
    "remove_low_stock_listener", "restore", "restore_item", "reverse_movement", "size_text",
    "start_daily_backup", "update_item", "verify",
]
