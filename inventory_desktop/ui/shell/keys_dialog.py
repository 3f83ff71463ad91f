"""Help → Keyboard reference: every shortcut of the main window, and those of the other windows.

The main window's part is read from its actions, so it cannot fall out of step
with them; the grid, History and the dialogs have theirs written here.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from .main_window import MainWindow

_OTHER_KEYS = (
    ("Main window: the table and the filter", (
        ("Enter", "Edit the selected item"),
        ("Esc (in the filter box)", "Clear the filter"),
        ("Enter (in the filter box)", "Go to the first item shown"),
        ("Alt+L", "Low only: show just the items at or below their threshold"),
    )),
    ("Delivery and waste-sheet grid", (
        ("Type, then Enter", "Pick the item (name or SKU, any part), move to the quantity"),
        ("Enter", "Next field; after the last one, the next line"),
        ("Up / Down (in the list)", "Choose among items with the same name"),
        ("Delete", "Remove the line under the cursor"),
        ("Ctrl+Enter", "Book the whole sheet (every line, or none)"),
    )),
    ("History", (
        ("Ctrl+F", "Go to the filters"),
        ("Enter (on a movement)", "Show only that item's movements"),
        ("Ctrl+Z", "Undo (reverse) the selected movement"),
        ("F5", "Refresh"),
        ("Esc", "Close"),
    )),
    ("Reports and Order list windows", (
        ("Ctrl+E", "Export the report shown (the order list) as CSV"),
        ("Ctrl+P", "Export it as PDF, with its charts"),
        ("F5", "Compute again"),
        ("F2, or type (Order list)", "Change the quantity to order on a line"),
    )),
    ("Receive, deduct and adjust dialogs", (
        ("Enter", "Record"),
        ("Esc", "Cancel: nothing is recorded"),
    )),
)


def show_keys(window: MainWindow) -> None:
    """Show the keyboard reference (not modal: it can stay open beside the window)."""
    dialog = KeysDialog(window, keys_text(window))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()


def keys_text(window: MainWindow) -> str:
    """The reference as rich text: a table per window."""
    listed = [*window.commands.all_actions(), *getattr(window, "reports_actions", ())]
    actions = [(action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                action.text().replace("&", "").rstrip("…"))
               for action in listed if not action.shortcut().isEmpty()]
    sections = [("Main window: menus and toolbar", tuple(actions)), *_OTHER_KEYS]
    parts = []
    for title, rows in sections:
        cells = "".join(f"<tr><td><b>{html.escape(keys)}</b>&nbsp;&nbsp;</td>"
                        f"<td>{html.escape(what)}</td></tr>" for keys, what in rows)
        parts.append(f"<h3>{html.escape(title)}</h3><table>{cells}</table>")
    parts.append("<p>The whole manual: Help → The manual (README).</p>")
    return "".join(parts)


class KeysDialog(QDialog):
    """The keyboard reference as a page of tables."""

    def __init__(self, parent: QWidget | None, text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard reference")
        self.text = QLabel(text, self)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
