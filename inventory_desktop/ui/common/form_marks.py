"""Marking a form field as wrong, right where it is: a red border and a sentence below it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

_INVALID_STYLE = "border: 1px solid #c0392b;"
_MESSAGE_STYLE = "color: #c0392b;"


class MarkedField(QWidget):
    """A field with room for its own error message underneath."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.message = QLabel(self)
        self.message.setStyleSheet(_MESSAGE_STYLE)
        # Unwrapped: a wrapped label's height is not renegotiated once the
        # dialog is shown, and the sentence would be clipped. The dialog widens.
        self.message.hide()
        self.setMinimumWidth(300)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        layout.addWidget(self.message)

    def mark(self, text: str) -> None:
        """Show `text` under the field and outline it; empty text clears the mark."""
        self.field.setStyleSheet(_INVALID_STYLE if text else "")
        self.field.setProperty("invalid", bool(text))
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def error(self) -> str:
        """The message currently shown ('' when the field is fine)."""
        return self.message.text() if self.message.isVisibleTo(self) else ""


def banner_label(parent: QWidget) -> QLabel:
    """A hidden label for a refusal that concerns the whole form."""
    label = QLabel(parent)
    label.setStyleSheet(_MESSAGE_STYLE + " font-weight: bold;")
    label.setWordWrap(True)
    label.hide()
    return label
