"""A dialog that edits a short named list (storage areas, suppliers): every change saved at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import InventoryError


class ListEditorDialog(QDialog):
    """A list on the left, action buttons on the right, a refusal's sentence below.

    Subclasses give the buttons and fill the list in `refresh`; each action
    runs one service call through `apply`, which shows a refusal instead of
    raising and keeps the changed row selected.
    """

    def __init__(self, parent: QWidget | None, title: str, explanation: str,
                 actions: Sequence[tuple[str, Callable[[], None]]],
                 current_user: Callable[[], str | None]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.user = current_user
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(explanation, self))
        row = QHBoxLayout()
        self.entries = QListWidget(self)
        row.addWidget(self.entries, 1)
        self.buttons = QVBoxLayout()
        for text, handler in actions:
            button = QPushButton(text, self)
            button.clicked.connect(handler)
            self.buttons.addWidget(button)
        row.addLayout(self.buttons)
        layout.addLayout(row)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #8a1c14;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    def refresh(self, select: int | None = None) -> None:
        raise NotImplementedError

    def add_entry(self, text: str, row_id: int, select: int | None) -> None:
        entry = QListWidgetItem(text, self.entries)
        entry.setData(Qt.ItemDataRole.UserRole, row_id)
        if row_id == select:
            self.entries.setCurrentItem(entry)

    def selected(self) -> int | None:
        entry = self.entries.currentItem()
        return None if entry is None else entry.data(Qt.ItemDataRole.UserRole)

    def apply(self, change: Callable[[], object], select: int | None = None) -> None:
        try:
            result = change()
        except InventoryError as error:
            self.message.setText(str(error))
            return
        self.message.clear()
        self.refresh(select if select is not None else getattr(result, "id", None))
