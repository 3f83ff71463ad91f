"""Computing reports off the UI thread, so the window opens and switches periods at once.

A month's period report on a large file takes a good part of a second (the
README has the figures); run on the UI thread it would freeze the window on
every change of period. Each kind of load ("valuation", "period") runs in a
worker thread with its own SQLite connection (peewee keeps one per thread);
a load that a newer one of the same kind superseded is dropped.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from ...errors import InventoryError
from ..items.item_loader import close_thread_connection


class ReportLoader(QObject):
    """`loaded(kind, result)` or `failed(kind, sentence)` arrive on the UI thread."""

    loaded = Signal(str, object)
    failed = Signal(str, str)
    _finished = Signal(str, int, object, object)  # kind, generation, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generations: dict[str, int] = {}
        self._running = 0
        self._finished.connect(self._deliver)

    @property
    def busy(self) -> bool:
        return self._running > 0

    def load(self, kind: str, work: Callable[[], object]) -> None:
        """Run `work()` in the background; an older load of `kind` still running is ignored."""
        generation = self._generations.get(kind, 0) + 1
        self._generations[kind] = generation
        self._running += 1
        threading.Thread(target=self._work, args=(kind, generation, work),
                         name=f"report-{kind}", daemon=True).start()

    def _work(self, kind: str, generation: int, work: Callable[[], object]) -> None:
        result, error = None, None
        try:
            result = work()
        except Exception as caught:  # handed to the UI thread; raised there if it is a bug
            error = caught
        finally:
            close_thread_connection()
        # RuntimeError: the window closed meanwhile; nobody waits for this report.
        with contextlib.suppress(RuntimeError):
            self._finished.emit(kind, generation, result, error)

    def _deliver(self, kind: str, generation: int, result: object, error: object) -> None:
        self._running -= 1
        if generation != self._generations.get(kind):
            return
        if isinstance(error, InventoryError):
            self.failed.emit(kind, str(error))
        elif isinstance(error, BaseException):
            raise error  # a bug: the excepthook logs it and tells the user
        else:
            self.loaded.emit(kind, result)
