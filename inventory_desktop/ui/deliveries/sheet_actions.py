"""What Items → Receive a delivery and Items → Waste sheet do: the grid, then the service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import services
from ...errors import InventoryError
from ..common.formatting import money_text
from ..common.operations import show_refusal
from ..shell import operator
from .sheet_dialog import DELIVERY, SheetDialog, SheetInput

if TYPE_CHECKING:
    from ..shell.main_window import MainWindow


def book(window: MainWindow, kind: str) -> None:
    """Ask for the sheet; book it under the window's operator; show the new stock."""
    if window.read_only:
        return
    title = "Receive a delivery" if kind == DELIVERY else "Waste sheet"
    try:
        items = services.list_items()
        suppliers = services.list_suppliers() if kind == DELIVERY else []
        symbol = services.currency_symbol()
    except InventoryError as error:
        show_refusal(window, title, str(error))
        return
    booked: list[services.MovementRow] = []

    def submit(sheet: SheetInput) -> object:
        user = operator.current()
        if kind == DELIVERY:
            booked[:] = services.receive_delivery(
                sheet.lines, reference=sheet.reference, delivered_on=sheet.delivered_on,
                supplier_id=sheet.supplier_id, notes=sheet.notes, user=user)
        else:
            booked[:] = services.record_waste_sheet(
                sheet.lines, reference=sheet.reference, notes=sheet.notes, user=user)
        return booked

    if SheetDialog.ask(window, kind, items, submit, suppliers=suppliers, symbol=symbol):
        window.reload()
        lines = f"{len(booked)} line{'' if len(booked) == 1 else 's'}"
        what = "Received delivery" if kind == DELIVERY else "Recorded waste sheet"
        window.say(f"{what} {booked[0].reference_id}: {lines} booked.{_worth(booked, symbol)}")


def _worth(booked: list[services.MovementRow], symbol: str) -> str:
    # As the ledger recorded it; lines of stock whose value is not known add nothing.
    values = [movement.value_change for movement in booked if movement.value_change is not None]
    if not values:
        return ""
    unknown = len(booked) - len(values)
    return (f" Value {money_text(abs(sum(values)), symbol)}"
            + (f"; {unknown} of unknown value." if unknown else "."))
