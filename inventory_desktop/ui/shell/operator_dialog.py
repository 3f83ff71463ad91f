"""Choosing who is at the keyboard: a name typed, or one of those used before."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...errors import ValidationError
from ...services import validation
from ..common.form_marks import MarkedField


class OperatorDialog(QDialog):
    """An editable list of names; OK only for a name the services accept."""

    def __init__(self, parent: QWidget | None, current: str, known: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is recording?")
        self.name = QComboBox(self)
        self.name.setEditable(True)
        self.name.addItems(known)
        self.name.setCurrentText(current)
        self.name.lineEdit().selectAll()
        self._mark = MarkedField(self.name, self)
        explanation = QLabel("Every change made in this window is recorded under this name "
                             "(in History and the audit log).", self)
        explanation.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Name", self._mark)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        self.name.editTextChanged.connect(lambda _text: self._mark.mark(""))
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, current: str, known: list[str]) -> str | None:
        """The name chosen, or None when cancelled."""
        dialog = cls(parent, current, known)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()

    def value(self) -> str:
        return self.name.currentText().strip()

    def _accept_if_valid(self) -> None:
        try:
            validation.user(self.name.currentText())
        except ValidationError as error:
            self._mark.mark(str(error))
            return
        self.accept()
