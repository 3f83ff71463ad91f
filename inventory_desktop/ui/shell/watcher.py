"""Noticing writes by other programs (the CLI, a second window, other terminals).

On a file, `PRAGMA data_version` changes when another connection commits;
reading it is a cheap in-memory call, so polling it twice a second costs
nothing and needs no file-system watcher (which misses WAL writes on some
systems). On a server, the database announces every commit (schema_pg
0005_notify.sql) to a listening connection: a QSocketNotifier on its socket
wakes the window only when something arrived, with no polling. The same
socket tells when the server is lost; the watcher then says so (`offline`)
and tries to reach it again every few seconds until it is back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from ... import db
from ...errors import DataFileError

POLL_MS = 500
RECONNECT_MS = 3000


class DataFileWatcher(QObject):
    """Calls `on_change()` after another connection commits to the open file or database."""

    went_offline = Signal()  # the server cannot be reached: nothing can be saved
    came_back = Signal()  # reached again (on_change is called right after)
    _lost = Signal()  # from db's notice, on whichever thread met the loss
    _probed = Signal(int, object)  # from a reconnection attempt's thread: a listener or None

    def __init__(self, on_change: Callable[[], None], parent: QObject | None = None,
                 interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._on_change = on_change
        self._seen: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._retry = QTimer(self)
        self._retry.setInterval(RECONNECT_MS)
        self._retry.timeout.connect(self.try_reconnect)
        self._listener: Any = None
        self._notifier: QSocketNotifier | None = None
        self.offline = False
        self._probing = False
        self._generation = 0  # which open database a reconnection attempt was for
        # Queued when a worker thread met the loss, direct on this thread.
        self._lost.connect(self._go_offline)
        self._probed.connect(self._come_back)

    def start(self) -> None:
        """Start watching the file or database that is open now."""
        self.stop()
        if not db.current_file().server:
            self._seen = self._version()
            self._timer.start()
            return
        db.add_lost_notice(self._lost.emit)
        try:
            self._listen()
        except DataFileError:
            self._go_offline()

    def stop(self) -> None:
        self._generation += 1
        self._timer.stop()
        self._retry.stop()
        self._drop_listener()
        db.remove_lost_notice(self._lost.emit)
        self.offline = False

    def check(self) -> bool:
        """Look once; returns True (after calling on_change) when the data changed."""
        if self._listener is not None:
            return self._drain()
        # A reader that held the -wal back may have gone: give the space back.
        db.tidy_wal()
        version = self._version()
        if version is None or version == self._seen:
            return False
        self._seen = version
        self._on_change()
        return True

    def try_reconnect(self) -> None:
        """While offline: try to reach the server again, without freezing the window.

        A new listener is connected on a worker thread (a server behind a dead
        network makes a connection attempt wait); only once that one got
        through does this thread check its own connection and come back.
        """
        if self._probing:
            return
        self._probing = True
        threading.Thread(target=self._probe, args=(self._generation,), daemon=True).start()

    def _probe(self, generation: int) -> None:
        try:
            listener = db.change_listener()
        except DataFileError:
            listener = None
        try:
            self._probed.emit(generation, listener)
        except RuntimeError:  # the window closed meanwhile
            if listener is not None:
                listener.close()

    def _come_back(self, generation: int, listener: Any) -> None:
        self._probing = False
        if listener is None:
            return
        if generation != self._generation or not self.offline:
            listener.close()  # another database was opened meanwhile
            return
        try:
            db.check_server()  # this thread's own connection: a new one if it was lost
        except DataFileError:
            listener.close()
            return
        self._watch(listener)
        self._retry.stop()
        self.offline = False
        self.came_back.emit()
        self._on_change()  # what others wrote meanwhile

    def _listen(self) -> None:
        self._watch(db.change_listener())

    def _watch(self, listener: Any) -> None:
        self._drop_listener()
        self._listener = listener
        self._notifier = QSocketNotifier(self._listener.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _drain(self) -> bool:
        try:
            heard = self._listener is not None and self._listener.drain()
        except DataFileError:
            self._go_offline()
            return False
        if heard:
            self._on_change()
        return heard

    def _go_offline(self) -> None:
        if self.offline or not db.is_server():
            return
        self._drop_listener()
        self.offline = True
        self._retry.start()
        self.went_offline.emit()

    def _drop_listener(self) -> None:
        if self._notifier is not None:
            # A closed socket stays readable: the notifier would fire for ever.
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _version(self) -> int | None:
        try:
            return db.data_version()
        except DataFileError:
            # Busy or momentarily unreachable: look again on the next tick.
            return None
