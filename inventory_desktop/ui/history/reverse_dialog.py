"""Undoing a movement: what will be recorded, and why (the reason and a note)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...services import MovementRow
from ...vocabulary import REASON_LABELS, REVERSE_REASONS
from ..common.formatting import change_text, time_text


@dataclass(frozen=True)
class ReverseInput:
    """Why the movement is undone."""

    reason: str
    notes: str


class ReverseDialog(QDialog):
    """Says what undoing `movement` records; returns the reason and note chosen."""

    def __init__(self, parent: QWidget | None, movement: MovementRow) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Undo movement {movement.id}")
        undo = change_text(-movement.quantity_change, movement.unit)
        self.summary = QLabel(
            f"Movement {movement.id} ({time_text(movement.created_at)}): "
            f"{change_text(movement.quantity_change, movement.unit)} {movement.item_name}, "
            f"{REASON_LABELS.get(movement.reason, movement.reason)}.<br>"
            f"Undoing it records a new movement of <b>{undo}</b> that refers to it; "
            "the original stays in the ledger. A movement can be undone once.", self)
        self.summary.setWordWrap(True)
        self.reason = QComboBox(self)
        for reason in REVERSE_REASONS:
            self.reason.addItem(REASON_LABELS[reason], reason)
        self.notes = QLineEdit(self)
        self.notes.setPlaceholderText("Optional: why it is undone")
        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        form.addRow("N&otes", self.notes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Undo movement")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    @classmethod
    def ask(cls, parent: QWidget | None, movement: MovementRow) -> ReverseInput | None:
        """The reason and note for undoing `movement`, or None when cancelled."""
        dialog = cls(parent, movement)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return ReverseInput(dialog.reason.currentData(), dialog.notes.text())
