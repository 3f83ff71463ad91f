"""A timer that runs only while its window is shown (history and audit windows poll)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class PollWhileShown(QObject):
    """Calls `look()` every `interval_ms` while `window` is shown; stops when it is hidden."""

    def __init__(self, window: QWidget, interval_ms: int, look: Callable[[], None]) -> None:
        super().__init__(window)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(look)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self.timer.start()
        elif event.type() == QEvent.Type.Hide:
            self.timer.stop()
        return False
