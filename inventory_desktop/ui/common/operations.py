"""The one way the window runs a change: call the service, show a refusal, refresh.

Following Anki's operation helper: widgets never catch domain errors
themselves. A bug is not caught here; it reaches the logging excepthook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from ... import db
from ...errors import DatabaseBusyError, InventoryError

T = TypeVar("T")

BUSY_MESSAGE = (
    "The data file is busy: another program (or window) is saving to it right now. "
    "Nothing was changed. Please try again in a moment."
)


def busy_sentence(error: DatabaseBusyError) -> str:
    """What to say when a write found the data busy: a file's words are the command
    line's; a server's (another terminal on the same stock) are already the window's."""
    return str(error) if db.is_server() else BUSY_MESSAGE


def run_operation(
    parent: QWidget, title: str, action: Callable[[], T], refresh: Callable[[], None]
) -> T | None:
    """Run `action`; show any refusal under `title`; refresh the views either way."""
    try:
        return action()
    except DatabaseBusyError as busy:
        show_refusal(parent, title, busy_sentence(busy))
    except InventoryError as error:
        show_refusal(parent, title, str(error))
    finally:
        refresh()
    return None


def show_refusal(parent: QWidget, title: str, message: str) -> None:
    """A warning box with a whole sentence; the user's only choice is OK."""
    QMessageBox.warning(parent, title, message)
