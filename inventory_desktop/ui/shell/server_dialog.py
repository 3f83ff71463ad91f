"""File → Open server…: a PostgreSQL server's database by host, port, database and login.

The password is never part of the address nor stored: libpq finds it
(~/.pgpass, PGPASSFILE or PGPASSWORD). Only when the server asks for one
that libpq did not have is it asked for here, for this session only
(data_files keeps it in memory for reopening; nothing writes it anywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ... import db
from ...errors import DataFileError
from ..common.operations import show_refusal
from . import data_files

if TYPE_CHECKING:
    from .main_window import MainWindow

DEFAULT_PORT = 5432
_TITLE = "Open a server's database"


@dataclass(frozen=True)
class ServerAddress:
    """Where the database is and who logs in (no password)."""

    host: str
    port: int
    database: str
    user: str

    def url(self) -> str:
        """postgresql://user@host:port/database (a socket folder as host is %-encoded)."""
        user = f"{quote(self.user, safe='')}@" if self.user else ""
        host = quote(self.host, safe="") if self.host.startswith("/") else self.host
        return f"postgresql://{user}{host}:{self.port}/{quote(self.database, safe='')}"


class OpenServerDialog(QDialog):
    """Asks for a server's address; shows the address it makes as you type."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_TITLE)
        self.host = QLineEdit(self)
        self.host.setPlaceholderText("office-pc or 192.168.1.20")
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit(self)
        self.database.setPlaceholderText("inventory")
        self.user = QLineEdit(self)
        self.preview = QLineEdit(self)
        self.preview.setReadOnly(True)
        form = QFormLayout()
        form.addRow("&Host", self.host)
        form.addRow("&Port", self.port)
        form.addRow("&Database", self.database)
        form.addRow("&Login name", self.user)
        form.addRow("Address", self.preview)
        note = QLabel("The password comes from ~/.pgpass (or PGPASSWORD); it is asked for "
                      "only if the server wants one, and never stored.", self)
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        for field in (self.host, self.database, self.user):
            field.textChanged.connect(self._update)
        self.port.valueChanged.connect(self._update)
        # Wide enough for a whole address in the preview, not its tail.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance(
            "postgresql://manager@office-pc.example:5432/inventory") + 160)
        self._update()

    @classmethod
    def ask(cls, parent: QWidget | None) -> ServerAddress | None:
        """Show the dialog modally; the address given, or None when cancelled."""
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.value()

    def value(self) -> ServerAddress:
        return ServerAddress(self.host.text().strip(), self.port.value(),
                             self.database.text().strip(), self.user.text().strip())

    def _update(self) -> None:
        address = self.value()
        self.preview.setText(address.url())
        ready = bool(address.host and address.database)
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(ready)


def open_server(window: MainWindow) -> bool:
    """File → Open server…: ask for the address, then open it in the window."""
    address = OpenServerDialog.ask(window)
    return address is not None and open_address(window, address.url())


def open_address(window: MainWindow, url: str) -> bool:
    """Log in (asking for a password only if the server wants one), then open `url`
    in the window; on any refusal the open file or database stays open."""
    password: str | None = None
    while True:
        try:
            db.check_login(url, password)
            break
        except DataFileError as error:
            if not db.needs_password(error):
                show_refusal(window, "Cannot open this database", str(error))
                return False
            password = _ask_password(window, url, str(error))
            if password is None:
                return False
    if password is not None:
        data_files.remember_password(url, password)
    return window.switch_to(url)


def _ask_password(parent: QWidget, url: str, reason: str) -> str | None:
    text, ok = QInputDialog.getText(
        parent, "Password", f"{reason}\n\nPassword for {url} (for this session only; "
        "it is not stored):", QLineEdit.EchoMode.Password)
    return text if ok and text else None
