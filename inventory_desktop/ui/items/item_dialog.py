"""The item form: create a new item or edit its details, packs, places and costing.

The form checks each field as it is typed with the same rules the services
apply, marks a wrong field where it is and keeps OK disabled until all is
well. The dialog does not write: it hands an ItemInput to `submit` and shows
any refusal (a duplicate SKU, a unit that can no longer change) on the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ...errors import InventoryError, ValidationError
from ...quantity import format_decimal, to_units
from ...services import (
    ItemRow,
    item_places,
    list_items,
    list_movements,
    list_suppliers,
    validation,
)
from ...vocabulary import UNITS
from ..common.form_dialog import FormDialog
from ..common.form_marks import MarkedField, banner_label
from .area_checklist import AreaChecklist


@dataclass(frozen=True)
class ItemInput:
    """What the manager typed; quantities stay text so the services parse them exactly.

    `initial_quantity` is "0" when left empty and when editing.
    """

    name: str
    sku: str
    unit: str
    threshold: str
    initial_quantity: str
    pack_size: str = ""
    pack_name: str = ""
    areas: tuple[int, ...] = ()  # the storage areas it is kept in
    standard_cost: str = ""
    par_level: str = ""
    supplier_id: int | None = None
    unit_cost: str = ""  # what one unit of the initial quantity cost (a new item only)


# The services name fields by column; the form names them by box.
_FIELD_OF_ERROR = {
    "name": "name", "sku": "sku", "unit": "unit",
    "low_stock_threshold": "threshold", "quantity": "initial_quantity",
    "initial_quantity": "initial_quantity", "pack_size": "pack_size",
    "pack_name": "pack_name", "standard_cost": "standard_cost", "par_level": "par_level",
    "unit_cost": "unit_cost",
}


class ItemDialog(FormDialog):
    """Create an item (item=None) or edit `item`."""

    def __init__(
        self, parent: QWidget | None, submit: Callable[[ItemInput], object],
        item: ItemRow | None = None,
    ) -> None:
        super().__init__(parent, submit)
        self._item = item
        self._name_checked: str | None = None  # the name the same-name note was worked out for
        self.setWindowTitle("New item" if item is None else f"Edit — {item.name}")
        self._build()
        if item is not None:
            self._fill(item)
        self._validate()

    @classmethod
    def ask(
        cls, parent: QWidget | None, submit: Callable[[ItemInput], object],
        item: ItemRow | None = None,
    ) -> bool:
        """Show the form modally; True once `submit` accepted what was entered."""
        return cls(parent, submit, item).exec() == QDialog.DialogCode.Accepted

    def value(self) -> ItemInput:
        """The form's content as typed (trimmed by the services, not here)."""
        initial = self.initial_quantity.text().strip() if self._item is None else ""
        return ItemInput(
            name=self.name.text(), sku=self.sku.text(), unit=self.unit.currentText(),
            threshold=self.threshold.text(), initial_quantity=initial or "0",
            pack_size=self.pack_size.text(), pack_name=self.pack_name.text(),
            areas=self.places.chosen(), standard_cost=self.standard_cost.text(),
            par_level=self.par_level.text(), supplier_id=self.supplier.currentData(),
            unit_cost=self.unit_cost.text() if self._item is None else "",
        )

    def _build(self) -> None:
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Required, e.g. Flour")
        self.sku = QLineEdit(self)
        self.sku.setPlaceholderText("Optional stock code")
        self.unit = QComboBox(self)
        self.unit.addItems(UNITS)
        self.threshold = QLineEdit(self)
        self.threshold.setPlaceholderText("Optional: warn at or below this quantity")
        self.initial_quantity = QLineEdit(self)
        self.initial_quantity.setPlaceholderText("0")
        self.pack_size = QLineEdit(self)
        self.pack_size.setPlaceholderText("Optional: what one pack holds, e.g. 6 or 25")
        self.pack_name = QLineEdit(self)
        self.pack_name.setPlaceholderText("e.g. case, sack (default: pack)")
        self.places = AreaChecklist(self)
        self._build_costing()
        self._marks = {key: MarkedField(widget, self) for key, widget in (
            ("name", self.name), ("sku", self.sku), ("unit", self.unit),
            ("threshold", self.threshold), ("initial_quantity", self.initial_quantity),
            ("pack_size", self.pack_size), ("pack_name", self.pack_name),
            ("unit_cost", self.unit_cost), ("standard_cost", self.standard_cost),
            ("par_level", self.par_level))}
        self.name_note = QLabel(self)
        self.name_note.setStyleSheet(_NOTE_STYLE)
        self.name_note.setWordWrap(True)
        self.name_note.hide()
        form = QFormLayout()
        form.addRow("&Name", self._marks["name"])
        form.addRow("", self.name_note)
        form.addRow("&SKU", self._marks["sku"])
        form.addRow("&Unit", self._marks["unit"])
        form.addRow("Low-stock &threshold", self._marks["threshold"])
        if self._item is None:
            form.addRow("&Initial quantity", self._marks["initial_quantity"])
            form.addRow("Its cost per unit", self._marks["unit_cost"])
        else:
            self._marks["initial_quantity"].hide()
            self._marks["unit_cost"].hide()
        form.addRow("&Pack size", self._marks["pack_size"])
        form.addRow("Pack &called", self._marks["pack_name"])
        form.addRow("&Kept in", self.places)
        form.addRow("Standard c&ost", self._marks["standard_cost"])
        form.addRow("Pa&r level", self._marks["par_level"])
        form.addRow("Supp&lier", self.supplier)
        self.message = banner_label(self)
        self._lay_out(form, "Create" if self._item is None else "Save")
        for key, widget in (("name", self.name), ("sku", self.sku),
                            ("threshold", self.threshold),
                            ("initial_quantity", self.initial_quantity),
                            ("pack_size", self.pack_size), ("pack_name", self.pack_name),
                            ("unit_cost", self.unit_cost),
                            ("standard_cost", self.standard_cost),
                            ("par_level", self.par_level)):
            widget.textEdited.connect(lambda _text, key=key: self._edited(key))
        self.unit.currentIndexChanged.connect(lambda _index: self._edited("unit"))
        # Deferred: when Enter ended the editing, OK runs first and holds the save
        # back for the note; leaving the field (Tab) shows the note on its own.
        self.name.editingFinished.connect(
            lambda: QTimer.singleShot(0, self, self._note_same_name))
        self.name.textEdited.connect(lambda _text: self.name_note.hide())
        self.name.setFocus()

    def _build_costing(self) -> None:
        self.unit_cost = QLineEdit(self)
        self.unit_cost.setPlaceholderText("Optional: the initial stock's value is then known")
        self.standard_cost = QLineEdit(self)
        self.standard_cost.setPlaceholderText(
            "Optional: values stock arriving without a cost into an empty item")
        self.par_level = QLineEdit(self)
        self.par_level.setPlaceholderText("Optional: the quantity to hold after a delivery")
        self.supplier = QComboBox(self)
        self.supplier.addItem("—", None)
        try:
            known = list_suppliers(include_archived=self._item is not None)
        except InventoryError:
            known = []
        for supplier in known:
            if supplier.is_active or (self._item and supplier.id == self._item.supplier_id):
                self.supplier.addItem(supplier.name, supplier.id)

    def _fill(self, item: ItemRow) -> None:
        self.name.setText(item.name)
        self.sku.setText(item.sku or "")
        self.unit.setCurrentText(item.unit)
        threshold = item.low_stock_threshold
        self.threshold.setText("" if threshold is None else format_decimal(threshold))
        self.pack_size.setText("" if item.pack_size is None else format_decimal(item.pack_size))
        self.pack_name.setText(item.pack_name or "")
        self.places.check([place.area_id for place in item_places(item.id)])
        for box, amount in ((self.standard_cost, item.standard_cost),
                            (self.par_level, item.par_level)):
            box.setText("" if amount is None else format_decimal(amount))
        found = self.supplier.findData(item.supplier_id)
        if item.supplier_id is not None and found >= 0:
            self.supplier.setCurrentIndex(found)
        if _has_movements(item.id):
            self.unit.setEnabled(False)
            self.unit.setToolTip(f"Stock of {item.name} is recorded in {item.unit}; "
                                 "the unit cannot change. Create a new item instead.")

    def _checks(self) -> dict[str, Callable[[], object]]:
        checks: dict[str, Callable[[], object]] = {
            "name": lambda: validation.name(self.name.text()),
            "sku": lambda: validation.sku(self.sku.text()),
            "threshold": lambda: validation.threshold(self.threshold.text()),
            "pack_size": lambda: validation.pack_size(self.pack_size.text()),
            "pack_name": lambda: validation.pack_name(self.pack_name.text()),
            "standard_cost": lambda: validation.amount(
                self.standard_cost.text(), "standard cost", "standard_cost"),
            "par_level": lambda: validation.par_level(self.par_level.text()),
        }
        if self._item is None:
            checks["initial_quantity"] = lambda: _initial_quantity(self.initial_quantity.text())
            checks["unit_cost"] = lambda: validation.amount(
                self.unit_cost.text(), "unit cost", "unit_cost")
        return checks

    def _save(self) -> None:
        # Two items may share a name, but not without a word: the first OK shows
        # the note (when no one saw it yet), the next one saves.
        if self.ok_button.isEnabled() and self._note_same_name():
            return
        super()._save()

    def _note_same_name(self) -> bool:
        """Show a note when another active item has this name; True if it was not shown yet."""
        try:
            name = validation.name(self.name.text())
        except ValidationError:
            return False
        if name.casefold() == self._name_checked:
            return False
        self._name_checked = name.casefold()
        others = _others_named(name, self._item)
        if others:
            self.name_note.setText(_same_name_text(name, others))
            self.name_note.show()
        return bool(others)

    def _show_refusal(self, error: InventoryError) -> None:
        field = _FIELD_OF_ERROR.get(getattr(error, "field", None) or "")
        if isinstance(error, ValidationError) and field is not None and (
                self._marks[field].isVisibleTo(self)):
            self._refusals[field] = str(error)
            self._marks[field].field.setFocus()
        else:
            self.message.setText(str(error))
            self.message.show()
        self._validate()


_NOTE_STYLE = "color: #8a5a00;"


def _others_named(name: str, item: ItemRow | None) -> list[ItemRow]:
    try:
        found = list_items(search=name)
    except InventoryError:
        return []  # cannot tell now; the name is allowed either way
    return [other for other in found if other.name.casefold() == name.casefold()
            and (item is None or other.id != item.id)]


def _same_name_text(name: str, others: list[ItemRow]) -> str:
    named = ", ".join(f"{other.name} ({other.sku or f'#{other.id}'})" for other in others[:3])
    return (f"Another item is already called {name}: {named}. Both will be listed under "
            "that name; a SKU tells them apart. OK saves it anyway.")


def _has_movements(item_id: int) -> bool:
    try:
        return bool(list_movements(item_id=item_id, limit=1))
    except InventoryError:
        return False  # cannot tell now: the services still refuse a unit change


def _initial_quantity(text: str) -> int:
    if not text.strip():
        return 0
    units = to_units(text, "initial quantity", field="initial_quantity")
    if units < 0:
        raise ValidationError("The initial quantity cannot be negative.", "initial_quantity")
    return units
