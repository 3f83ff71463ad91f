"""A delivery's supplier and invoice costs in the sheet dialog: chooser, "With costs", value.

"With costs" is a habit of the person at this computer (some always type the
invoice's prices, some never), so it is remembered in their settings, not in
the data file.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from ...services import SupplierRow
from ..common.formatting import money_text
from ..shell import data_files
from .line_costs import SheetValue

WITH_COSTS_SETTING = "deliveries/with_costs"
PLAIN_HINT = "Enter moves on; Delete removes the line under the cursor; Ctrl+Enter books the sheet."
COSTS_HINT = ("Enter: item → quantity → unit cost → next line. For the invoice line's total "
              "instead, Tab past the unit cost. Delete removes a line; Ctrl+Enter books.")
VALUE_TIP = ("Lines without a cost enter at the item's average cost (its standard cost when "
             "none is on hand).")


def supplier_chooser(parent: QWidget, suppliers: Sequence[SupplierRow]) -> QComboBox:
    """The active suppliers by name, after '—' for none."""
    chooser = QComboBox(parent)
    chooser.addItem("—", None)
    for supplier in suppliers:
        chooser.addItem(supplier.name, supplier.id)
    return chooser


def with_costs_box(parent: QWidget, *, offered: bool) -> QCheckBox:
    """The "With costs" switch, as this person left it last (off where not `offered`)."""
    box = QCheckBox("With &costs: Enter goes on to each line's unit cost", parent)
    box.setChecked(offered and bool(
        data_files.settings().value(WITH_COSTS_SETTING, False, type=bool)))
    return box


def remember_with_costs(with_costs: bool) -> None:
    data_files.settings().setValue(WITH_COSTS_SETTING, with_costs)


def value_text(worth: SheetValue, symbol: str) -> str:
    """'Value €215.05 · 1 without a cost'; blank until a line has a cost."""
    if not worth.costed:
        return ""
    text = f"Value {money_text(worth.total, symbol)}"
    return text + (f" · {worth.uncosted} without a cost" if worth.uncosted else "")
