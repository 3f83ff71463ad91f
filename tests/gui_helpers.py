"""Helpers for driving real windows and modal dialogs in the GUI tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget


def isolate_settings(directory: Path) -> None:
    """Point every QSettings at `directory`, so no test reads or writes the user's."""
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(directory))


def when_modal(act: Callable[[QWidget], None], seen: list[str] | None = None) -> None:
    """Run `act(dialog)` on the next modal dialog, once it is shown (poll every 10 ms).

    The dialog's exec() blocks the test, so the test arranges this first and
    then triggers the action that opens the dialog. If `act` fails, the dialog
    is closed so the test fails instead of hanging.
    """
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(10, poll)
            return
        if seen is not None:
            seen.append(_describe(dialog))
        try:
            act(dialog)
        except BaseException:
            _close(dialog)
            raise

    QTimer.singleShot(10, poll)


def close_modal(dialog: QWidget) -> None:
    """An `act` that just dismisses the dialog (OK on a message box, Cancel otherwise)."""
    _close(dialog)


def _describe(dialog: QWidget) -> str:
    if isinstance(dialog, QMessageBox):
        return f"{dialog.windowTitle()}: {dialog.text()} {dialog.informativeText()}"
    return dialog.windowTitle()


def _close(dialog: QWidget) -> None:
    if isinstance(dialog, QMessageBox | QDialog):
        dialog.done(0)
    else:
        dialog.close()


def open_main_window(qtbot):  # -> MainWindow
    """The main window on the open data file, shown and with its items loaded."""
    from inventory_desktop.ui.shell.main_window import MainWindow

    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    wait_loaded(qtbot, main)
    return main


def wait_loaded(qtbot, window) -> None:
    """Items load on a worker thread; wait until the newest load reached the table."""
    qtbot.waitUntil(lambda: not window.loader.busy, timeout=5000)


def shown(window, column: int = 0) -> list[str]:
    """What the item table shows in `column`, top to bottom."""
    model = window.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def click(label: str) -> Callable[[QWidget], None]:
    """An action for when_modal: press the message box's button called `label`."""
    def act(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        next(b for b in box.buttons() if b.text() == label).click()
    return act


def never_hang() -> QTimer:
    """Cancel a modal dialog still open after 5 s, so a broken test fails instead of hanging."""
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: QApplication.activeModalWidget() and (
        QApplication.activeModalWidget().reject()))
    timer.start(5000)
    return timer
