"""Suppliers: add, rename, archive and restore. Items name their usual supplier in their form."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QInputDialog, QWidget

from ... import services
from ..common.list_editor import ListEditorDialog


class SuppliersDialog(ListEditorDialog):
    """The suppliers by name; every change is saved at once."""

    def __init__(self, parent: QWidget | None, current_user: Callable[[], str | None]) -> None:
        super().__init__(
            parent, "Suppliers",
            "Who delivers: named on receipts, and the order list is grouped by them.",
            (("&Add…", self.add), ("&Rename…", self.rename),
             ("Ar&chive", lambda: self.set_active(False)),
             ("Res&tore", lambda: self.set_active(True))), current_user)
        self.show_archived = QCheckBox("Show archived", self)
        self.show_archived.toggled.connect(lambda _on: self.refresh())
        self.buttons.addWidget(self.show_archived)
        self.buttons.addStretch(1)
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        self.entries.clear()
        for supplier in services.list_suppliers(
                include_archived=self.show_archived.isChecked()):
            text = f"{supplier.name} — {supplier.items} item(s)"
            self.add_entry(text + ("" if supplier.is_active else " (archived)"), supplier.id,
                           select)

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, "New supplier", "Name (e.g. Metro Cash & Carry):")
        if ok:
            self.apply(lambda: services.create_supplier(name, user=self.user()))

    def rename(self) -> None:
        supplier_id = self.selected()
        if supplier_id is None:
            return
        current = services.get_supplier(supplier_id).name
        name, ok = QInputDialog.getText(self, "Rename supplier", "New name:", text=current)
        if ok:
            self.apply(lambda: services.rename_supplier(supplier_id, name, user=self.user()))

    def set_active(self, active: bool) -> None:
        supplier_id = self.selected()
        if supplier_id is not None:
            self.apply(lambda: services.set_supplier_active(supplier_id, active,
                                                            user=self.user()))
