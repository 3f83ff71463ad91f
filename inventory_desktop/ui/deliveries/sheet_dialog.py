"""A whole delivery, or a waste sheet, typed as a grid and booked in one go.

The dialog collects a reference, the lines and (for a delivery) the day it
came, its supplier and each line's cost; it does no work itself. OK hands a
SheetInput to `submit`, which calls the service: every line is booked or
none. A refusal is shown on the lines it concerns and the dialog stays open,
with nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import DatabaseBusyError, InventoryError, LinesRefusedError, ValidationError
from ...services import ItemRow, LineInput, SupplierRow
from ...vocabulary import DEDUCT_REASONS
from ..common.form_marks import MarkedField, banner_label
from ..common.operations import busy_sentence
from . import delivery_costs as costs
from .sheet_model import SheetLinesModel
from .sheet_view import SheetView

DELIVERY, WASTE_SHEET = "delivery", "waste sheet"


@dataclass(frozen=True)
class SheetInput:
    """What the manager entered: the sheet's details and its filled lines, in order."""

    reference: str
    delivered_on: dt.date | None
    notes: str
    lines: tuple[LineInput, ...]
    rows: tuple[int, ...]  # the grid row of each line, to show a refusal where it belongs
    supplier_id: int | None = None  # a delivery's, when chosen


@dataclass(frozen=True)
class _Kind:
    noun: str
    title: str
    ok_text: str
    reference_hint: str
    taking_out: bool
    reasons: tuple[str, ...]


_KINDS = {
    DELIVERY: _Kind(DELIVERY, "Receive delivery", "&Receive delivery",
                    "Delivery note or invoice number, e.g. DN-2041", False, ()),
    WASTE_SHEET: _Kind(WASTE_SHEET, "Waste sheet", "&Record waste sheet",
                       "e.g. 24 Nov dinner", True,
                       ("waste", *(reason for reason in DEDUCT_REASONS if reason != "waste"))),
}


class SheetDialog(QDialog):
    """Many lines, one reference, one transaction: a delivery or a waste sheet."""

    def __init__(self, parent: QWidget | None, kind: str, items: Sequence[ItemRow],
                 submit: Callable[[SheetInput], object], *,
                 suppliers: Sequence[SupplierRow] = (), symbol: str = "") -> None:
        super().__init__(parent)
        self._kind = _KINDS[kind]
        self._is_delivery = kind == DELIVERY
        self._submit = submit
        self._symbol = symbol
        self.setWindowTitle(self._kind.title)
        self.model = SheetLinesModel(items, taking_out=self._kind.taking_out,
                                     reasons=self._kind.reasons, costed=self._is_delivery,
                                     symbol=symbol, parent=self)
        self._build(suppliers)
        self.model.dataChanged.connect(lambda *_: self._show_count())
        self.model.rowsInserted.connect(lambda *_: self._show_count())
        self.model.rowsRemoved.connect(lambda *_: self._show_count())
        self._show_count()
        # A delivery's two cost columns need the room: Problem stays readable.
        self.resize(1180 if self._is_delivery else 980, 560)

    @classmethod
    def ask(cls, parent: QWidget | None, kind: str, items: Sequence[ItemRow],
            submit: Callable[[SheetInput], object], *,
            suppliers: Sequence[SupplierRow] = (), symbol: str = "") -> bool:
        """Show the sheet modally; True once `submit` booked it."""
        dialog = cls(parent, kind, items, submit, suppliers=suppliers, symbol=symbol)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def value(self) -> SheetInput:
        """The sheet as entered (the services check it again, in full)."""
        numbered = self.model.lines()
        day = self.delivered_on.date().toPython() if self._is_delivery else None
        return SheetInput(
            reference=self.reference.text(), delivered_on=day,  # type: ignore[arg-type]
            notes=self.notes.text(), lines=tuple(line for _, line in numbered),
            rows=tuple(row for row, _ in numbered),
            supplier_id=self.supplier.currentData() if self._is_delivery else None)

    def _build(self, suppliers: Sequence[SupplierRow]) -> None:
        self.reference = QLineEdit(self)
        self.reference.setPlaceholderText(self._kind.reference_hint)
        self.reference.returnPressed.connect(self.view_start)
        self.reference.textEdited.connect(lambda _text: self._reference_mark.mark(""))
        self._reference_mark = MarkedField(self.reference, self)
        self.supplier = costs.supplier_chooser(self, suppliers)
        self.with_costs = costs.with_costs_box(self, offered=self._is_delivery)
        self.delivered_on = QDateEdit(QDate.currentDate(), self)
        self.delivered_on.setCalendarPopup(True)
        self.delivered_on.setMaximumDate(QDate.currentDate())
        self.delivered_on.setDisplayFormat("yyyy-MM-dd")
        self.notes = QLineEdit(self)
        self.notes.setPlaceholderText("Optional, kept with every line (supplier, driver, …)")
        form = QFormLayout()
        form.addRow("Re&ference", self._reference_mark)
        if self._is_delivery:
            form.addRow("&Supplier", self.supplier)
            form.addRow("Delivered &on", self.delivered_on)
            form.addRow("", self.with_costs)
        else:
            for widget in (self.supplier, self.delivered_on, self.with_costs):
                widget.hide()
        form.addRow("N&otes", self.notes)
        self.view = SheetView(self.model, self)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_line_problem())
        # The Problem column is narrow for a long sentence: the line under the cursor's in full.
        self.line_problem = banner_label(self)
        self.line_problem.setStyleSheet("color: #a93226;")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.line_problem)
        layout.addLayout(self._line_row())
        self.message = banner_label(self)
        layout.addWidget(self.message)
        layout.addWidget(self._buttons())
        self.reference.setFocus()

    def _line_row(self) -> QHBoxLayout:
        self.remove_button = QPushButton("Re&move line", self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self._remove_line)
        self.count = QLabel(self)
        hint = QLabel(self)
        hint.setStyleSheet("color: palette(placeholder-text);")
        hint.setWordWrap(True)
        self.hint = hint
        self.value_total = QLabel(self)
        self.value_total.setToolTip(costs.VALUE_TIP)
        self.with_costs.toggled.connect(self._costs_chosen)
        self._costs_chosen(self.with_costs.isChecked(), remember=False)
        row = QHBoxLayout()
        row.addWidget(self.remove_button)
        row.addWidget(hint, 1)
        row.addWidget(self.value_total)
        row.addSpacing(16)
        row.addWidget(self.count)
        return row

    def _costs_chosen(self, with_costs: bool, *, remember: bool = True) -> None:
        self.view.set_with_costs(with_costs)
        self.hint.setText(costs.COSTS_HINT if with_costs else costs.PLAIN_HINT)
        if remember:
            costs.remember_with_costs(with_costs)

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self._kind.ok_text)
        # Enter belongs to the grid (it moves to the next field): never a default button
        # that a stray Enter would press, booking a half-typed sheet.
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        return buttons

    def view_start(self) -> None:
        self.view.start()

    def save(self) -> None:
        """Check every line, then hand the sheet to `submit`; refusals stay in the dialog."""
        self._commit_open_editor()
        self.model.check_all()
        if not self._ready():
            return
        try:
            self._submit(self.value())
        except LinesRefusedError as refused:
            self._show_refusals(refused)
            return
        except DatabaseBusyError as busy:
            self._say(busy_sentence(busy))
            return
        except ValidationError as error:
            if error.field == "reference":
                self._refuse_reference(str(error))
            else:
                self._say(str(error))
            return
        except InventoryError as error:
            self._say(str(error))
            return
        self.accept()

    def _ready(self) -> bool:
        """True when every line and the reference can go to the services; else says why."""
        if not self.model.filled_count():
            self.view.start()
            self._say("Add at least one line: type an item, Enter, its quantity, Enter.")
            return False
        problems = self.model.problems()
        if problems:
            self._go_to_row(min(problems))
            count = len(problems)
            self._say(f"{count} line{'s' if count > 1 else ''} cannot be booked as "
                      "they are: see Problem. Nothing was booked.")
            return False
        if not self.reference.text().strip():
            self._refuse_reference(f"Enter the {self._kind.noun}'s reference, so that its "
                                   "lines can be found together in History.")
            return False
        return True

    def _show_refusals(self, refused: LinesRefusedError) -> None:
        rows = self.value().rows
        by_row = {rows[number - 1]: reason for number, reason in refused.problems
                  if 0 < number <= len(rows)}
        self.model.show_refusals(by_row)
        if by_row:
            self._go_to_row(min(by_row))
        count = len(refused.problems)
        self._say(f"Nothing was booked: {count} line{'s were' if count > 1 else ' was'} "
                  "refused; see Problem.")

    def _refuse_reference(self, text: str) -> None:
        self._reference_mark.mark(text)
        self.reference.setFocus()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _go_to_row(self, row: int) -> None:
        self.view.setCurrentIndex(self.model.index(row, self.model.item_column))
        self.view.scrollTo(self.model.index(row, 0))

    def _commit_open_editor(self) -> None:
        # Ctrl+Enter leaves the cell being typed in open: take what it holds.
        current = self.view.currentIndex()
        editor = self.view.indexWidget(current) if current.isValid() else None
        if editor is not None:
            self.view.itemDelegateForIndex(current).commitData.emit(editor)

    def _remove_line(self) -> None:
        self.view.remove_current_line()
        self.view.setFocus()

    def _show_line_problem(self) -> None:
        row = self.view.currentIndex().row()
        problem = self.model.problems().get(row, "")
        self.line_problem.setText(f"Line {row + 1}: {problem}" if problem else "")
        self.line_problem.show()  # shown even when empty: the grid does not jump

    def _show_count(self) -> None:
        filled, problems = self.model.filled_count(), len(self.model.problems())
        text = f"{filled} line{'' if filled == 1 else 's'}"
        if problems:
            text += f" · {problems} with a problem"
        self.count.setText(text)
        if not problems and self.message.isVisible() and "see Problem" in self.message.text():
            self.message.hide()
        self.remove_button.setEnabled(filled > 0)
        self._show_value()
        self._show_line_problem()

    def _show_value(self) -> None:
        self.value_total.setText(costs.value_text(self.model.value(), self._symbol))
        self.value_total.setVisible(self._is_delivery)
