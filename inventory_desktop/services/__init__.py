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
from .backup_check import BackupCheck
from .backups import KINDS as BACKUP_KINDS
from .backups import BackupRow, back_up_and_check, backup_row, list_backups, size_text
from .daily_backup import BackupOverview, backup_overview, backup_warnings, start_daily_backup
from .export import KINDS as EXPORT_KINDS
from .export import ExportFilters, ExportResult, export_csv
from .import_plan import ImportProblem, ImportRow
from .item_import import ImportReport, import_items, import_items_file
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
from .restore_backup import RestoreResult, restore
from .rows import AuditRow, Finding, ItemHistoryRow, ItemRow, MovementRow, VerifyReport
from .stock import add_stock, adjust_stock, deduct_stock, reverse_movement
from .verify import accept_foreign_rows, verify


def back_up(destination: str | Path) -> Path:
    """Copy the open data file, consistent even while others write, to `destination`."""
    return db.backup_to(destination)


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
