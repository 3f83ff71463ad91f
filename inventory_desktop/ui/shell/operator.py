"""Who is at the keyboard: chosen in the window, remembered, shown in the status bar.

Every change the window makes is recorded under this name (the services take
`user=`); by default it is the computer's login name, as on the command line.
"""

from __future__ import annotations

from PySide6.QtWidgets import QToolButton, QWidget

from ... import services
from ...errors import ValidationError
from ...services import validation
from . import data_files

_CURRENT = "operator/current"
_KNOWN = "operator/known"
MAX_KNOWN = 8


def current() -> str:
    """The name the window records changes under."""
    stored = data_files.settings().value(_CURRENT, "")
    try:
        return validation.user(stored)
    except ValidationError:
        return services.operator_name()


def known() -> list[str]:
    """Names chosen before, the most recent first (the login name among them)."""
    stored = data_files.settings().value(_KNOWN, []) or []
    names = [stored] if isinstance(stored, str) else [str(name) for name in stored]
    login = services.operator_name()
    return list(dict.fromkeys([current(), *names, login]))[:MAX_KNOWN]


def choose(name: str) -> str:
    """Act as `name` from now on (remembered); returns it as recorded. Refuses a bad name."""
    chosen = validation.user(name)
    settings = data_files.settings()
    settings.setValue(_CURRENT, chosen)
    settings.setValue(_KNOWN, list(dict.fromkeys([chosen, *known()]))[:MAX_KNOWN])
    return chosen


class OperatorButton(QToolButton):
    """'Operator: ana' in the status bar; a click (or the action) lets another name be chosen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setToolTip("Who is recording: every change is saved under this name. "
                        "Click to change it (Ctrl+Shift+U).")
        self.show_current()

    def show_current(self) -> None:
        self.setText(f"Operator: {current()}")
