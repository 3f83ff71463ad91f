"""File → Export to CSV…: what to export, and for movements which ones.

Returns an `ExportRequest` (the dialog does no work); the window asks for the
file name and runs the export with a progress bar and Cancel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QWidget,
)

from ...services import ExportFilters, ItemRow
from ...vocabulary import MOVEMENT_TYPES, REASON_LABELS, REASONS

KINDS = (("Items", "items"), ("Movements", "movements"), ("Item history", "history"),
         ("Audit log", "audit"))
_TYPE_LABELS = {"in": "In (receipts)", "out": "Out (deductions)", "adjustment": "Adjustments",
                "revaluation": "Revaluations"}


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    filters: ExportFilters

    def suggested_name(self, today: dt.date) -> str:
        return f"{self.kind}-{today.isoformat()}.csv"


class ExportDialog(QDialog):
    """Choose what to export; movements can be narrowed by item, type, reason and dates."""

    def __init__(self, parent: QWidget | None, item: ItemRow | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export to CSV")
        self._item = item
        self.kind = QComboBox(self)
        for label, kind in KINDS:
            self.kind.addItem(label, kind)
        self.only_item = QCheckBox(f"Only {item.name}" if item else "Only the selected item",
                                   self)
        self.only_item.setEnabled(item is not None)
        self.movement_type = self._choices(
            [("All", None)] + [(_TYPE_LABELS[t], t) for t in MOVEMENT_TYPES])
        self.reason = self._choices([("All", None)] + [(REASON_LABELS[r], r) for r in REASONS])
        self.between = QCheckBox("Only between", self)
        today = QDate.currentDate()
        self.since = self._date(today.addMonths(-1))
        self.until = self._date(today)
        self._lay_out()
        self.kind.currentIndexChanged.connect(lambda _index: self._kind_changed())
        self.between.toggled.connect(lambda _on: self._kind_changed())
        self._kind_changed()

    def _choices(self, choices: list[tuple[str, str | None]]) -> QComboBox:
        combo = QComboBox(self)
        for label, value in choices:
            combo.addItem(label, value)
        return combo

    def _date(self, date: QDate) -> QDateEdit:
        edit = QDateEdit(date, self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _lay_out(self) -> None:
        form = QFormLayout(self)
        form.addRow("&Export:", self.kind)
        form.addRow("", self.only_item)
        form.addRow("&Type:", self.movement_type)
        form.addRow("&Reason:", self.reason)
        dates = QHBoxLayout()
        for widget in (self.between, self.since, self.until):
            dates.addWidget(widget)
        form.addRow("Dates:", dates)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _kind_changed(self) -> None:
        movements = self.kind.currentData() == "movements"
        self.only_item.setEnabled(self._item is not None and self.kind.currentData() != "items")
        for widget in (self.movement_type, self.reason, self.between):
            widget.setEnabled(movements)
        for widget in (self.since, self.until):
            widget.setEnabled(movements and self.between.isChecked())

    def request(self) -> ExportRequest:
        """What the form says now."""
        kind = self.kind.currentData()
        narrowed = self._item is not None and self.only_item.isChecked() and kind != "items"
        item_id = self._item.id if narrowed and self._item is not None else None
        if kind != "movements":
            return ExportRequest(kind, ExportFilters(item_id=item_id))
        since = until = None
        if self.between.isChecked():
            since = dt.datetime.combine(self.since.date().toPython(), dt.time.min)
            until = dt.datetime.combine(self.until.date().toPython(), dt.time.max)
        return ExportRequest(kind, ExportFilters(
            item_id=item_id, movement_type=self.movement_type.currentData(),
            reason=self.reason.currentData(), since=since, until=until))

    @classmethod
    def ask(cls, parent: QWidget | None, item: ItemRow | None = None) -> ExportRequest | None:
        """What to export, or None when cancelled."""
        dialog = cls(parent, item)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None
