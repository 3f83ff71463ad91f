"""A short checklist of the storage areas, for saying where an item is kept."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from ... import services
from ...errors import InventoryError

_ROWS_SHOWN = 4


class AreaChecklist(QListWidget):
    """Every active storage area in walk order, each with a tick box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        try:
            areas = services.list_areas()
        except InventoryError:
            areas = []
        for area in areas:
            entry = QListWidgetItem(area.name, self)
            entry.setData(Qt.ItemDataRole.UserRole, area.id)
            entry.setCheckState(Qt.CheckState.Unchecked)
        if not areas:
            self.addItem("No storage areas yet (Stocktake → Storage areas…)")
            self.setEnabled(False)
        rows = max(1, min(_ROWS_SHOWN, self.count()))
        self.setFixedHeight(self.sizeHintForRow(0) * rows + 2 * self.frameWidth() + 4)

    def check(self, area_ids: Iterable[int]) -> None:
        """Tick exactly these areas."""
        wanted = set(area_ids)
        for entry in self._entries():
            checked = entry.data(Qt.ItemDataRole.UserRole) in wanted
            entry.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen(self) -> tuple[int, ...]:
        """The ticked areas, in walk order."""
        return tuple(entry.data(Qt.ItemDataRole.UserRole) for entry in self._entries()
                     if entry.checkState() == Qt.CheckState.Checked)

    def _entries(self) -> list[QListWidgetItem]:
        return [self.item(row) for row in range(self.count())
                if self.item(row).data(Qt.ItemDataRole.UserRole) is not None]
