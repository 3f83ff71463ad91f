"""Loading the item list off the UI thread, so the window paints and stays responsive.

At 50,000 items `services.list_items()` takes most of a second; run on the
UI thread it would freeze the window at start-up and every time another
program writes to the file. A worker thread calls the service (peewee gives
each thread its own SQLite connection; in WAL mode a reader never waits for
a writer) and hands the rows back through a queued Qt signal. A load that a
newer one superseded is dropped.
"""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import QObject, Signal

from ... import db, services
from ...errors import InventoryError


def close_thread_connection() -> None:
    """Close this worker thread's own connection to the data file.

    peewee keeps one connection per thread; left to the garbage collector,
    a finished worker's connection (and its three file handles) may linger.
    Closing touches no data, and only this thread's connection.
    """
    db.database.close()


class ItemLoader(QObject):
    """Loads items in the background; `loaded(items)` arrives on the UI thread."""

    loaded = Signal(object)  # list[ItemRow], from the newest load only
    failed = Signal(str)  # a sentence for the status bar
    _finished = Signal(int, object, object)  # generation, items, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._running = 0
        self._finished.connect(self._deliver)

    @property
    def busy(self) -> bool:
        """True while a load is under way."""
        return self._running > 0

    def load(self, include_archived: bool) -> None:
        """Start loading; any load already under way will be ignored when it ends."""
        self._generation += 1
        self._running += 1
        worker = threading.Thread(target=self._work, args=(self._generation, include_archived),
                                  name="item-loader", daemon=True)
        worker.start()

    def drop_pending(self) -> None:
        """Ignore the rows of every load under way (they come from a file being closed)."""
        self._generation += 1

    def _work(self, generation: int, include_archived: bool) -> None:
        items, error = None, None
        try:
            items = services.list_items(include_archived=include_archived)
        except Exception as caught:  # handed to the UI thread; raised there if it is a bug
            error = caught
        finally:
            close_thread_connection()
        # RuntimeError: the window closed while loading; nobody waits for these rows.
        with contextlib.suppress(RuntimeError):
            self._finished.emit(generation, items, error)

    def _deliver(self, generation: int, items: object, error: object) -> None:
        self._running -= 1
        if generation != self._generation:
            return
        if isinstance(error, InventoryError):
            self.failed.emit(str(error))
        elif isinstance(error, BaseException):
            raise error  # a bug: the excepthook logs it and tells the user
        else:
            self.loaded.emit(items)
