"""What the item and stock dialogs share: fields checked as you type, OK that submits.

A subclass builds its widgets (`_marks`, `ok_button`, `message`), lists its
checks in `_checks()` and decides in `_show_refusal()` where a refusal from
the services is shown. The dialog itself does no work: `submit` does, and a
refusal keeps the dialog open with nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import InventoryError, ValidationError
from .form_marks import MarkedField


class FormDialog(QDialog):
    """A dialog whose fields are validated as you type and whose OK calls `submit`."""

    _marks: dict[str, MarkedField]
    ok_button: QPushButton
    message: QLabel

    def __init__(self, parent: QWidget | None, submit: Callable[[Any], object]) -> None:
        super().__init__(parent)
        self._submit = submit
        self._touched: set[str] = set()
        self._refusals: dict[str, str] = {}

    def value(self) -> Any:
        """The form's content as typed (what `submit` receives)."""
        raise NotImplementedError

    def field_error(self, field: str) -> str:
        """The message shown on a field ('' when none)."""
        return self._marks[field].error()

    def _checks(self) -> dict[str, Callable[[], object]]:
        raise NotImplementedError

    def _show_refusal(self, error: InventoryError) -> None:
        raise NotImplementedError

    def _lay_out(self, form: QFormLayout, ok_text: str) -> None:
        """The form, a message line for refusals, and OK (labelled `ok_text`) / Cancel."""
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # Grow, rather than clip, when a message appears under a field.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _after_validate(self, problems: dict[str, str]) -> None:
        """Hook: refresh anything that depends on the form being valid."""

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self._refusals.pop(key, None)
        self.message.hide()
        self._validate()
        self._fit_height()

    def _fit_height(self) -> None:
        # The layout grows the dialog for a message but never shrinks it back
        # once the message is hidden: give the height back.
        self.layout().activate()
        wanted = self.sizeHint().height()
        if self.height() > wanted:
            self.resize(self.width(), wanted)

    def _problems(self) -> dict[str, str]:
        problems = {}
        for key, check in self._checks().items():
            try:
                check()
            except ValidationError as error:
                problems[key] = str(error)
        return problems | self._refusals

    def _validate(self) -> None:
        problems = self._problems()
        for key, mark in self._marks.items():
            # A field is marked once touched, or once the services refused it.
            shown = key in self._touched or key in self._refusals
            mark.mark(problems.get(key, "") if shown else "")
        self.ok_button.setEnabled(not problems)
        self._after_validate(problems)

    def _save(self) -> None:
        if not self.ok_button.isEnabled():
            return
        self.ok_button.setEnabled(False)
        try:
            self._submit(self.value())
        except InventoryError as error:
            self._show_refusal(error)
            return
        self.accept()
