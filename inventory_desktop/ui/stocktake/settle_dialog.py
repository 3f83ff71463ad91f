"""Settling two people's counts of one item in one area: keep one, add up, or recount."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import InventoryError
from ...services import SheetLine
from ..common.formatting import quantity_text


class SettleDialog(QDialog):
    """One choice per way of settling; OK records the settling line."""

    def __init__(self, parent: QWidget | None, stocktake_id: int, line: SheetLine,
                 user: str | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Settle the counts of {line.name}")
        self._stocktake, self._line, self._user = stocktake_id, line, user
        layout = QVBoxLayout(self)
        where = f" in {line.area_name}" if line.area_name else ""
        layout.addWidget(QLabel(f"{line.name}{where} was counted by more than one person.",
                                self))
        self.keep = []
        for who, counted in line.competing:
            choice = QRadioButton(f"Keep {who}'s count: {quantity_text(counted, line.unit)}",
                                  self)
            choice.setProperty("counter", who)
            self.keep.append(choice)
            layout.addWidget(choice)
        total = sum((counted for _, counted in line.competing), Decimal(0))
        self.add_up = QRadioButton(
            f"Each counted a part: add them up ({quantity_text(total, line.unit)})", self)
        self.recount = QRadioButton("Recounted:", self)
        self.recount_quantity = QLineEdit(self)
        self.recount_quantity.textEdited.connect(lambda _t: self.recount.setChecked(True))
        for widget in (self.add_up, self.recount, self.recount_quantity):
            layout.addWidget(widget)
        self.keep[0].setChecked(True)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #8a1c14;")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._settle)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def settle(cls, parent: QWidget | None, stocktake_id: int, line: SheetLine,
               user: str | None) -> bool:
        """True once the conflict is settled."""
        return cls(parent, stocktake_id, line, user).exec() == QDialog.DialogCode.Accepted

    def _settle(self) -> None:
        how: dict[str, object] = {}
        for choice in self.keep:
            if choice.isChecked():
                how = {"keep": choice.property("counter")}
        if self.add_up.isChecked():
            how = {"add_up": True}
        elif self.recount.isChecked():
            how = {"quantity": self.recount_quantity.text()}
        try:
            services.resolve_count(self._stocktake, self._line.item_id, self._line.area_id,
                                   user=self._user, **how)
        except InventoryError as error:
            self.message.setText(str(error))
            return
        self.accept()
