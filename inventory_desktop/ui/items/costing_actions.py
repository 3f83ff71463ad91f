"""The window's costing actions: revalue an item, keep suppliers, choose the currency symbol."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog

from ... import services
from ...errors import InventoryError
from ..common.operations import run_operation, show_refusal
from ..shell import operator

if TYPE_CHECKING:
    from ..shell.main_window import MainWindow
    from .revalue_dialog import RevalueInput


def revalue(window: MainWindow) -> None:
    """Revalue the selected item's stock (refused, with a sentence, for an empty item)."""
    from .revalue_dialog import RevalueDialog

    item = window.selected_item()
    if item is None or window.read_only or not item.is_active:
        return
    if not item.quantity:
        show_refusal(window, "Nothing to revalue",
                     f"{item.name} has no stock: an empty item is worth nothing until "
                     "stock arrives.")
        return

    def submit(data: RevalueInput) -> object:
        return services.revalue_stock(item.id, value=data.value, unit_cost=data.unit_cost,
                                      reason=data.reason, notes=data.notes,
                                      user=operator.current())

    if RevalueDialog.ask(window, item, submit):
        window.refresh_item(item.id)


def suppliers(window: MainWindow) -> None:
    from .suppliers_dialog import SuppliersDialog

    SuppliersDialog(window, window.current_user).exec()
    window.reload()  # item counts per supplier, and any renamed supplier


def currency(window: MainWindow) -> None:
    """Ask for the symbol amounts are shown with; it is kept in the data file."""
    try:
        current = services.currency_symbol()
    except InventoryError as error:
        show_refusal(window, "Cannot read the setting", str(error))
        return
    symbol, ok = QInputDialog.getText(
        window, "Currency symbol",
        "Symbol shown before amounts (e.g. €, $, £, or CHF with a space);\n"
        "kept with this data (the file, or the server's database), for every computer "
        "that opens it:", text=current)
    if ok:
        run_operation(window, "Could not set the currency symbol",
                      lambda: services.set_currency_symbol(symbol, user=operator.current()),
                      window.reload)
