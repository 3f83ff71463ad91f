"""The period a report covers: a preset (this week, last week, this month, last month) or
any days from–to, and the period's sales for the food cost percentage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from ...errors import ValidationError
from ...services import report_periods

CUSTOM = "custom"
_INVALID_STYLE = "border: 1px solid #c0392b;"
_TYPING_PAUSE_MS = 400  # wait for the manager to stop typing before recomputing


class PeriodPicker(QWidget):
    """Emits `changed(typed)` when the period or a valid sales figure changes; `typed` is
    True for a date typed or spun (more keys may follow), False for a preset chosen."""

    changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self._today = today
        self.preset = QComboBox(self)
        for key, label in report_periods.PRESETS.items():
            self.preset.addItem(label, key)
        self.preset.addItem("Custom", CUSTOM)
        self.first, self.last = self._date_edit(), self._date_edit()
        self.sales = QLineEdit(self)
        self.sales.setPlaceholderText("optional")
        self.sales.setMaximumWidth(120)
        self.sales.setToolTip("The period's sales, for the food cost percentage")
        self._sales_pause = QTimer(self, singleShot=True, interval=_TYPING_PAUSE_MS)
        self._sales_pause.timeout.connect(self._sales_edited)
        self.sales.textEdited.connect(lambda _text: self._sales_pause.start())
        self.sales.editingFinished.connect(self._sales_edited)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label, widget in (("&Period:", self.preset), ("from", self.first),
                              ("to", self.last), ("&Sales:", self.sales)):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            layout.addWidget(caption)
            layout.addWidget(widget)
        layout.addStretch(1)
        self._shown_sales: Decimal | None = None
        self._quiet = False
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.first.dateChanged.connect(self._dates_edited)
        self.last.dateChanged.connect(self._dates_edited)
        self.choose("this_month")

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def choose(self, preset: str) -> None:
        """Pick a preset (or CUSTOM) as if the manager had chosen it."""
        self.preset.setCurrentIndex(self.preset.findData(preset))
        self._preset_chosen()

    def days(self) -> tuple[dt.date, dt.date]:
        """The first and last day of the period, inclusive."""
        return self.first.date().toPython(), self.last.date().toPython()

    def label(self) -> str:
        first, last = self.days()
        preset = self.preset.currentData()
        words = report_periods.describe_period(first, last)
        return words if preset == CUSTOM else f"{self.preset.currentText()}, {words}"

    def sales_figure(self) -> Decimal | None:
        """The sales typed, or None when blank or not a valid amount (then marked red)."""
        try:
            value = report_periods.sales_figure(self.sales.text())
        except ValidationError as error:
            self.sales.setStyleSheet(_INVALID_STYLE)
            self.sales.setToolTip(str(error))
            return None
        self.sales.setStyleSheet("")
        self.sales.setToolTip("The period's sales, for the food cost percentage")
        return value

    def _preset_chosen(self) -> None:
        preset = self.preset.currentData()
        if preset != CUSTOM:
            first, last = report_periods.preset_days(preset, self._today())
            self._quiet = True
            self.first.setDate(QDate(first))
            self.last.setDate(QDate(last))
            self._quiet = False
        self.changed.emit(False)

    def _dates_edited(self) -> None:
        if self._quiet:
            return
        # Editing a date makes the period a custom one.
        if self.preset.currentData() != CUSTOM:
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(self.preset.findData(CUSTOM))
            self.preset.blockSignals(False)
        self.changed.emit(True)

    def _sales_edited(self) -> None:
        self._sales_pause.stop()
        value = self.sales_figure()
        if value != self._shown_sales and not self.sales.styleSheet():
            self._shown_sales = value
            self.changed.emit(False)  # typing has already paused
