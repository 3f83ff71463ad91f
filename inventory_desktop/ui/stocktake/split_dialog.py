"""Sharing one item's variance across reasons: a size per reason, the rest unexplained."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import InventoryError
from ...vocabulary import REASON_LABELS, VARIANCE_REASONS
from ..common.formatting import change_text


class SplitDialog(QDialog):
    """One field per reason; OK saves the explanation through the services."""

    def __init__(self, parent: QWidget | None, stocktake_id: int, item_id: int, name: str,
                 variance: Decimal, user: str | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Why {name} is {'short' if variance < 0 else 'over'}")
        self._where = (stocktake_id, item_id)
        self._user = user
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{name}: {change_text(variance)}. Say how much of it each "
                                "reason accounts for; the rest stays unexplained.", self))
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for reason in VARIANCE_REASONS:
            self.fields[reason] = QLineEdit(self)
            form.addRow(f"{REASON_LABELS[reason]}:", self.fields[reason])
        layout.addLayout(form)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #8a1c14;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def split(cls, parent: QWidget | None, stocktake_id: int, item_id: int, name: str,
              variance: Decimal, user: str | None) -> bool:
        """True once the explanation is saved."""
        dialog = cls(parent, stocktake_id, item_id, name, variance, user)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _save(self) -> None:
        parts = {reason: field.text() for reason, field in self.fields.items()
                 if field.text().strip()}
        try:
            services.explain_variance(*self._where, parts, user=self._user)
        except InventoryError as error:
            self.message.setText(str(error))
            return
        self.accept()
