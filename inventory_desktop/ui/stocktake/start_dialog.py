"""Starting a stocktake: its name, every item or chosen areas, blind or not."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import InventoryError
from ...services import StocktakeRow


class StartDialog(QDialog):
    """Asks how to start; OK starts it through the services (a refusal stays in the dialog)."""

    def __init__(self, parent: QWidget | None, user: str | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start a stocktake")
        self._user = user
        self.started: StocktakeRow | None = None
        self.name = QLineEdit(f"Stocktake {dt.date.today():%Y-%m-%d}", self)
        self.everything = QRadioButton("Every active item", self)
        self.chosen = QRadioButton("The items kept in these areas:", self)
        self.everything.setChecked(True)
        self.areas = QListWidget(self)
        for area in services.list_areas():
            entry = QListWidgetItem(f"{area.name} ({area.items} items)", self.areas)
            entry.setData(Qt.ItemDataRole.UserRole, area.id)
            entry.setCheckState(Qt.CheckState.Unchecked)
        self.areas.itemChanged.connect(lambda _entry: self.chosen.setChecked(True))
        self.blind = QCheckBox("Blind count: hide expected quantities from the counters", self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #8a1c14;")
        form = QFormLayout()
        form.addRow("Name:", self.name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for widget in (self.everything, self.chosen, self.areas, self.blind, self.message):
            layout.addWidget(widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start")
        buttons.accepted.connect(self._start)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def start(cls, parent: QWidget | None, user: str | None) -> StocktakeRow | None:
        """The stocktake started, or None if cancelled."""
        dialog = cls(parent, user)
        dialog.exec()
        return dialog.started

    def chosen_areas(self) -> list[int]:
        return [self.areas.item(row).data(Qt.ItemDataRole.UserRole)
                for row in range(self.areas.count())
                if self.areas.item(row).checkState() == Qt.CheckState.Checked]

    def _start(self) -> None:
        areas = self.chosen_areas() if self.chosen.isChecked() else []
        if self.chosen.isChecked() and not areas:
            self.message.setText("Tick the areas to count, or choose every active item.")
            return
        try:
            self.started = services.start_stocktake(self.name.text(), area_ids=areas,
                                                    blind=self.blind.isChecked(),
                                                    user=self._user)
        except InventoryError as error:
            self.message.setText(str(error))
            return
        self.accept()
