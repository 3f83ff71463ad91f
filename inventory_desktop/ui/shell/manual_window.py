"""Help → The manual: the README, shown in a window of its own (no browser, no network)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from ..common.operations import show_refusal

README = "README.md"


def manual_path() -> Path | None:
    """README.md beside the program (a bundle carries it at its top), or None."""
    folders = [Path(__file__).resolve().parents[3]]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        folders.insert(0, Path(bundle))
    return next((folder / README for folder in folders if (folder / README).is_file()), None)


def open_manual(parent: QWidget) -> None:
    """Show the manual, or say where it should have been."""
    path = manual_path()
    if path is None:
        show_refusal(parent, "The manual", "The manual (README.md) is not installed with this "
                     "copy of the program; it is at the top of the program's source folder.")
        return
    window = ManualWindow(parent, path)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.show()


class ManualWindow(QWidget):
    """The README rendered from its Markdown; links to other sites open nothing."""

    def __init__(self, parent: QWidget | None, path: Path) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Inventory — the manual")
        self.resize(1090, 760)  # the README's screenshots are 1040 px wide
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.browser.setSource(QUrl.fromLocalFile(str(path)),
                               QTextDocument.ResourceType.MarkdownResource)
        for key in (QKeySequence.StandardKey.Close, QKeySequence.StandardKey.Cancel):
            QShortcut(key, self, self.close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
