"""The application's API: every action a user can take, for the GUI and the CLI alike.

Call `inventory_desktop.db.open_database(path)` once; then every function
here works on that file. Writes are one IMMEDIATE transaction each and raise
`inventory_desktop.errors.InventoryError` subclasses for anything a user can
get wrong. Results are frozen rows (see rows.py), never live ORM objects.
"""

from __future__ import annotations

from pathlib import Path

from .. import db
from ._write import (
    add_low_stock_listener,
    low_stock_notice,
    operator_name,
    remove_low_stock_listener,
)
from .areas import (
    AreaRow,
    PlaceRow,
    archive_area,
    create_area,
    find_area,
    get_area,
    item_places,
    list_areas,
    order_area_items,
    order_areas,
    place_item,
    rename_area,
)
from .deliveries import LineInput, receive_delivery, record_waste_sheet
from .items import archive_item, create_item, delete_item, restore_item, update_item
from .order_list import OrderLine, by_supplier, order_list, order_total, with_quantity
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
from .report_period import Figure, PeriodLine, PeriodReport, category_label, period_report
from .report_series import ValuePoint, top_variances, usage_by_week, value_over_time
from .report_valuation import AreaTotal, Valuation, ValuationLine, stock_valuation
from .rows import AuditRow, Finding, ItemHistoryRow, ItemRow, MovementRow, VerifyReport
from .settings import currency_symbol, set_currency_symbol
from .stock import add_stock, adjust_stock, deduct_stock, revalue_stock, reverse_movement
from .stocktake_commit import CommitPlan, CommitReport, commit_plan, commit_stocktake
from .stocktake_sheet import Sheet, SheetLine, stocktake_sheet
from .stocktakes import (
    CountRow,
    StocktakeRow,
    abandon_stocktake,
    explain_variance,
    get_stocktake,
    item_variance,
    last_counted,
    list_stocktakes,
    record_count,
    resolve_count,
    start_stocktake,
)
from .suppliers import (
    SupplierRow,
    create_supplier,
    find_supplier,
    get_supplier,
    list_suppliers,
    rename_supplier,
    set_supplier_active,
)
from .verify import accept_foreign_rows, verify


def back_up(destination: str | Path) -> Path:
    """Copy the open data file, consistent even while others write, to `destination`."""
    return db.backup_to(destination)


__all__ = [
    "MAX_PAGE",
    "AreaRow",
    "AreaTotal",
    "AuditRow",
    "CommitPlan",
    "CommitReport",
    "CountRow",
    "Figure",
    "Finding",
    "ItemHistoryRow",
    "ItemRow",
    "LineInput",
    "MovementRow",
    "OrderLine",
    "PeriodLine",
    "PeriodReport",
    "PlaceRow",
    "Sheet",
    "SheetLine",
    "StocktakeRow",
    "SupplierRow",
    "Valuation",
    "ValuationLine",
    "ValuePoint",
    "VerifyReport",
    "abandon_stocktake",
    "accept_foreign_rows",
    "add_low_stock_listener",
    "add_stock",
    "adjust_stock",
    "archive_area",
    "archive_item",
    "audit_entries",
    "back_up",
    "by_supplier",
    "category_label",
    "commit_plan",
    "commit_stocktake",
    "count_movements",
    "create_area",
    "create_item",
    "create_supplier",
    "currency_symbol",
    "deduct_stock",
    "delete_item",
    "explain_variance",
    "find_area",
    "find_item",
    "find_supplier",
    "get_area",
    "get_item",
    "get_movement",
    "get_stocktake",
    "get_supplier",
    "item_history",
    "item_places",
    "item_variance",
    "items_needing_attention",
    "last_counted",
    "list_areas",
    "list_items",
    "list_movements",
    "list_stocktakes",
    "list_suppliers",
    "low_stock_notice",
    "operator_name",
    "order_area_items",
    "order_areas",
    "order_list",
    "order_total",
    "period_report",
    "place_item",
    "quantity_on",
    "receive_delivery",
    "record_count",
    "record_waste_sheet",
    "remove_low_stock_listener",
    "rename_area",
    "rename_supplier",
    "resolve_count",
    "restore_item",
    "revalue_stock",
    "reverse_movement",
    "set_currency_symbol",
    "set_supplier_active",
    "start_stocktake",
    "stock_valuation",
    "stocktake_sheet",
    "top_variances",
    "update_item",
    "usage_by_week",
    "value_over_time",
    "verify",
    "with_quantity",
]
