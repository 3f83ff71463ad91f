"""Storage areas: add, rename, put in walk order, archive. The walk order is the count's order."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QWidget

from ... import services
from ..common.list_editor import ListEditorDialog


class AreasDialog(ListEditorDialog):
    """The storage areas in walk order; every change is saved at once."""

    def __init__(self, parent: QWidget | None, current_user: Callable[[], str | None]) -> None:
        super().__init__(
            parent, "Storage areas",
            "Areas in the order a count walks them. Items are put in areas from their "
            "Edit form.",
            (("&Add…", self.add), ("&Rename…", self.rename),
             ("Move &up", lambda: self.move(-1)), ("Move &down", lambda: self.move(1)),
             ("Ar&chive", self.archive)), current_user)
        self.buttons.addStretch(1)
        self.areas = self.entries
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        self.areas.clear()
        for area in services.list_areas():
            self.add_entry(f"{area.walk_order}. {area.name} — {area.items} item(s)", area.id,
                           select)

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, "New storage area", "Name (e.g. Walk-in cooler):")
        if ok:
            self.apply(lambda: services.create_area(name, user=self.user()))

    def rename(self) -> None:
        area_id = self.selected()
        if area_id is None:
            return
        current = services.get_area(area_id).name
        name, ok = QInputDialog.getText(self, "Rename storage area", "New name:", text=current)
        if ok:
            self.apply(lambda: services.rename_area(area_id, name, user=self.user()))

    def move(self, step: int) -> None:
        """Move the selected area one place earlier (-1) or later (+1) in the walk."""
        area_id = self.selected()
        if area_id is None:
            return
        order = [area.id for area in services.list_areas()]
        at = order.index(area_id)
        other = at + step
        if not 0 <= other < len(order):
            return
        order[at], order[other] = order[other], order[at]
        self.apply(lambda: services.order_areas(order, user=self.user()), select=area_id)

    def archive(self) -> None:
        area_id = self.selected()
        if area_id is not None:
            self.apply(lambda: services.archive_area(area_id, user=self.user()))
