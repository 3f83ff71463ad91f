"""Slow work (a backup, a restore, an export) off the UI thread, behind a progress dialog.

The work runs on a worker thread, which peewee gives a connection of its own
(in WAL mode it never blocks the window's reads); the dialog is window-modal,
so no other action can start meanwhile, and the window keeps painting. The
work reports through a `Progress` it is handed, and sees `cancelled` when
the person pressed Cancel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from ... import db
from ...errors import InventoryError
from .operations import show_refusal

T = TypeVar("T")
_POLL_SECONDS = 0.02


@dataclass
class Progress:
    """Shared between the work and the dialog: how far, what is happening, cancelled?"""

    text: str
    done: int = 0
    total: int = 0
    cancelled: bool = False


def run_in_background(parent: QWidget, title: str, text: str,
                      work: Callable[[Progress], T], *, cancellable: bool = False) -> T | None:
    """Run `work(progress)` on a worker thread; its result (None after a refusal, which is
    shown under `title`). A bug is raised again here, for the excepthook."""
    progress = Progress(text)
    outcome: dict[str, object] = {}
    worker = threading.Thread(target=_work, args=(work, progress, outcome), daemon=True)
    dialog = _dialog(parent, title, text, cancellable)
    worker.start()
    while worker.is_alive():
        QApplication.processEvents()
        _show(dialog, progress)
        if cancellable and dialog.wasCanceled():
            progress.cancelled = True
            dialog.setLabelText("Cancelling…")
        worker.join(_POLL_SECONDS)
    dialog.close()
    error = outcome.get("error")
    if isinstance(error, InventoryError):
        show_refusal(parent, title, str(error))
        return None
    if isinstance(error, BaseException):
        raise error
    return outcome.get("value")  # type: ignore[return-value]


def _work(work: Callable[[Progress], object], progress: Progress,
          outcome: dict[str, object]) -> None:
    try:
        outcome["value"] = work(progress)
    except BaseException as error:  # handed to the UI thread
        outcome["error"] = error
    finally:
        db.close_thread_connection()


def _dialog(parent: QWidget, title: str, text: str, cancellable: bool) -> QProgressDialog:
    dialog = QProgressDialog(text, "Cancel" if cancellable else "", 0, 0, parent)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setWindowTitle(title)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(0)
    # Window-modal: the window keeps painting, but no action can start meanwhile.
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumWidth(420)
    dialog.show()
    return dialog


def _show(dialog: QProgressDialog, progress: Progress) -> None:
    if progress.total and dialog.maximum() != progress.total:
        dialog.setMaximum(progress.total)
    if progress.total:
        dialog.setValue(min(progress.done, progress.total))
    if not progress.cancelled and dialog.labelText() != progress.text:
        dialog.setLabelText(progress.text)
