"""Storage areas: add, rename, put in walk order, archive. The walk order is the count's order."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import InventoryError


class AreasDialog(QDialog):
    """The storage areas in walk order; every change is saved at once."""

    def __init__(self, parent: QWidget | None, current_user: Callable[[], str | None]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Storage areas")
        self._user = current_user
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Areas in the order a count walks them. Items are put in "
                                "areas from their Edit form.", self))
        row = QHBoxLayout()
        self.areas = QListWidget(self)
        row.addWidget(self.areas, 1)
        buttons = QVBoxLayout()
        for text, handler in (("&Add…", self.add), ("&Rename…", self.rename),
                              ("Move &up", lambda: self.move(-1)),
                              ("Move &down", lambda: self.move(1)),
                              ("Ar&chive", self.archive)):
            button = QPushButton(text, self)
            button.clicked.connect(handler)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        layout.addLayout(row)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #8a1c14;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        self.areas.clear()
        for area in services.list_areas():
            entry = QListWidgetItem(f"{area.walk_order}. {area.name} — {area.items} item(s)",
                                    self.areas)
            entry.setData(Qt.ItemDataRole.UserRole, area.id)
            if area.id == select:
                self.areas.setCurrentItem(entry)

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, "New storage area", "Name (e.g. Walk-in cooler):")
        if ok:
            self._do(lambda: services.create_area(name, user=self._user()))

    def rename(self) -> None:
        area_id = self._selected()
        if area_id is None:
            return
        current = services.get_area(area_id).name
        name, ok = QInputDialog.getText(self, "Rename storage area", "New name:", text=current)
        if ok:
            self._do(lambda: services.rename_area(area_id, name, user=self._user()))

    def move(self, step: int) -> None:
        """Move the selected area one place earlier (-1) or later (+1) in the walk."""
        area_id = self._selected()
        if area_id is None:
            return
        order = [area.id for area in services.list_areas()]
        at = order.index(area_id)
        other = at + step
        if not 0 <= other < len(order):
            return
        order[at], order[other] = order[other], order[at]
        self._do(lambda: services.order_areas(order, user=self._user()), select=area_id)

    def archive(self) -> None:
        area_id = self._selected()
        if area_id is not None:
            self._do(lambda: services.archive_area(area_id, user=self._user()))

    def _selected(self) -> int | None:
        entry = self.areas.currentItem()
        return None if entry is None else entry.data(Qt.ItemDataRole.UserRole)

    def _do(self, change: Callable[[], object], select: int | None = None) -> None:
        try:
            result = change()
        except InventoryError as error:
            self.message.setText(str(error))
            return
        self.message.clear()
        self.refresh(select if select is not None else getattr(result, "id", None))
