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
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Signal

from ...errors import InventoryError
from ..items.item_loader import close_thread_connection


class ReportLoader(QObject):
    """For each result `work()` yields, `loaded(kind, result)` arrives on the UI thread, then
    `finished(kind)`; or `failed(kind, sentence)`."""

    loaded = Signal(str, object)
    finished = Signal(str)
    failed = Signal(str, str)
    _step = Signal(str, int, object)  # kind, generation, one result
    _finished = Signal(str, int, object)  # kind, generation, error (None: done)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generations: dict[str, int] = {}
        self._running = 0
        self._step.connect(self._deliver_step)
        self._finished.connect(self._deliver)

    @property
    def busy(self) -> bool:
        return self._running > 0

    def load(self, kind: str, work: Callable[[], Iterable[object]]) -> None:
        """Run `work()` in the background; an older load of `kind` still running is ignored."""
        generation = self._generations.get(kind, 0) + 1
        self._generations[kind] = generation
        self._running += 1
        threading.Thread(target=self._work, args=(kind, generation, work),
                         name=f"report-{kind}", daemon=True).start()

    def _work(self, kind: str, generation: int, work: Callable[[], Iterable[object]]) -> None:
        error = None
        # RuntimeError: the window closed meanwhile; nobody waits for this report.
        with contextlib.suppress(RuntimeError):
            try:
                for result in work():
                    if generation != self._generations.get(kind):
                        break  # superseded: stop summing for nobody
                    self._step.emit(kind, generation, result)
            except Exception as caught:  # handed to the UI thread; raised there if a bug
                error = caught
            finally:
                close_thread_connection()
            self._finished.emit(kind, generation, error)

    def _deliver_step(self, kind: str, generation: int, result: object) -> None:
        if generation == self._generations.get(kind):
            self.loaded.emit(kind, result)

    def _deliver(self, kind: str, generation: int, error: object) -> None:
        self._running -= 1
        if generation != self._generations.get(kind):
            return
        if isinstance(error, InventoryError):
            self.failed.emit(kind, str(error))
        elif isinstance(error, BaseException):
            raise error  # a bug: the excepthook logs it and tells the user
        else:
            self.finished.emit(kind)
