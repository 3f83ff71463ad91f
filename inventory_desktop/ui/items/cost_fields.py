"""What a receipt cost and who delivered it: the receive dialog's cost and supplier fields."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from ... import services
from ...services import ItemRow, validation
from ...services.valuation import Cost

PER_UNIT, TOTAL = "unit_cost", "total"


class CostFields(QWidget):
    """An amount read as per unit or as the invoice line's total, and the supplier."""

    def __init__(self, item: ItemRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText("Optional, from the invoice")
        self.mode = QComboBox(self)
        self.mode.addItem(f"per {item.unit}", PER_UNIT)
        self.mode.addItem("invoice total", TOTAL)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.amount, 1)
        row.addWidget(self.mode)
        self.supplier = QComboBox(parent)
        self.supplier.addItem("—", None)
        for supplier in services.list_suppliers():
            self.supplier.addItem(supplier.name, supplier.id)
        found = self.supplier.findData(item.supplier_id)
        if item.supplier_id is not None and found >= 0:
            self.supplier.setCurrentIndex(found)

    def cost(self) -> Cost | None:
        """The cost typed (None: none), or a ValidationError naming the field."""
        given = {self.mode.currentData(): self.amount.text()}
        return validation.receipt_cost(**given)

    def values(self) -> dict[str, object]:
        """Keyword arguments for services.add_stock: the cost as typed, and the supplier."""
        text = self.amount.text() if self.amount.text().strip() else None
        return {"unit_cost": text if self.mode.currentData() == PER_UNIT else None,
                "total": text if self.mode.currentData() == TOTAL else None,
                "supplier_id": self.supplier.currentData()}
