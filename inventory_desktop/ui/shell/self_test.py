"""`inventory-desktop --self-test`: open the real main window on a scratch file and check it.

The bundle smoke test (scripts/bundle_smoke.sh) runs this inside the built
program, where a missing Qt plugin, font or library shows up as a window that
does not open, paints nothing or draws no text. It never touches the user's
data file or settings: everything lives in a temporary folder. Offscreen
unless QT_QPA_PLATFORM names another platform (xcb under Xvfb, say).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, Qt
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QApplication

from ... import db, services
from .app import make_application
from .main_window import MainWindow

PAINT_TIMEOUT_S = 20.0
ITEM_NAME = "Self-test flour"
_started = time.perf_counter()


class SelfTestFailure(Exception):
    """A check failed; the message is the sentence to print."""


class PaintSeen(QObject):
    """An event filter that notes when the watched widget gets its first paint event."""

    painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def run_self_test() -> int:
    """Run every check; print one line and return 0, or a sentence on stderr and 1."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        with tempfile.TemporaryDirectory(prefix="inventory-self-test-") as scratch:
            report = _open_and_check(Path(scratch))
    except SelfTestFailure as failure:
        print(f"self-test failed: {failure}", file=sys.stderr)
        return 1
    except Exception as error:  # any other failure too: a sentence, never a traceback
        print(f"self-test failed: unexpected {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(report)
    return 0


def _open_and_check(scratch: Path) -> str:
    # Before the first QSettings: the window reads and writes its layout and
    # the recent-files list there, and the user's own must stay untouched.
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(scratch / "settings"))
    # Whatever else opening a file keeps per user (paths.py's folders) goes to the
    # scratch folder too. On Linux the XDG variables decide where those are;
    # Windows and macOS ignore them.
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        os.environ[variable] = str(scratch / variable.lower())
    application = make_application()
    db.open_database(scratch / "self-test.sqlite3")
    try:
        item = services.create_item(ITEM_NAME, "kg", "SELF-1", "2", user="self-test")
        services.add_stock(item.id, "12.5", user="self-test")
        window = MainWindow()
        window.show()
        painted_s = _wait_for_paint(application, window)
        _wait_for_items(application, window)
        checks = _check_window(window)
        window.close()
    finally:
        db.close_database()
    platform = application.platformName()
    return (f"self-test ok: window painted {painted_s * 1000:.0f} ms after "
            f"{_clock_label()} ({platform}; {checks})")


def _wait_for_paint(application: QApplication, window: MainWindow) -> float:
    """Process events until the table has painted once; the time from process start."""
    seen = PaintSeen()
    window.table.viewport().installEventFilter(seen)
    _process_until(application, lambda: seen.painted, "the window did not paint")
    application.processEvents()  # the paint event has now been handled
    window.table.viewport().removeEventFilter(seen)
    return _seconds_since_start()


def _wait_for_items(application: QApplication, window: MainWindow) -> None:
    # The items arrive from a worker thread, through the event loop.
    _process_until(application, lambda: window.model.rowCount() > 0 and not window.loader.busy,
                   "the item table stayed empty")
    application.processEvents()  # the new rows have now been painted


def _process_until(application: QApplication, done: Callable[[], bool],
                   failure: str) -> None:
    deadline = time.monotonic() + PAINT_TIMEOUT_S
    while not done():
        if time.monotonic() > deadline:
            raise SelfTestFailure(f"{failure} within {PAINT_TIMEOUT_S:.0f} s")
        application.processEvents()
        time.sleep(0.001)


def _check_window(window: MainWindow) -> str:
    """Look at what was painted: the window, the item's row, its text, the icon."""
    shot = window.grab().toImage()
    if shot.isNull() or shot.width() < 100 or shot.height() < 100:
        raise SelfTestFailure(f"the window grab is empty ({shot.width()}x{shot.height()})")
    if _colours(shot, shot.rect()) < 3:
        raise SelfTestFailure("the window painted as one flat colour")
    if not window.table.isVisible():
        raise SelfTestFailure("the item table is not shown")
    name = window.model.index(0, 0).data(Qt.ItemDataRole.DisplayRole)
    if name != ITEM_NAME:
        raise SelfTestFailure(f"the item table shows {name!r}, not {ITEM_NAME!r}")
    # With no usable font Qt still "draws" text, as empty boxes: ask the font itself.
    metrics = QFontMetrics(window.table.font())
    if not all(metrics.inFontUcs4(ord(letter)) for letter in ITEM_NAME):
        raise SelfTestFailure("no font with letters was found, so text shows as empty boxes "
                              "(is fontconfig and a font such as DejaVu installed?)")
    cell = window.table.visualRect(window.table.model().index(0, 0))
    # Anti-aliased text leaves many shades in the cell; an empty cell has one or two.
    if _colours(window.table.viewport().grab().toImage(), cell) < 4:
        raise SelfTestFailure("the item's name was not drawn (no text in its cell: fonts?)")
    icon = QApplication.windowIcon().pixmap(32, 32).toImage()
    if icon.isNull() or _colours(icon, icon.rect()) < 3:
        raise SelfTestFailure("the window icon did not render (the SVG icon plugin is missing?)")
    return "1 item in the table, its text and the SVG icon drawn"


def _colours(image: QImage, area: QRect) -> int:
    """How many different colours the pixels of `area` in `image` have (capped at 64)."""
    seen: set[int] = set()
    for y in range(max(area.top(), 0), min(area.bottom() + 1, image.height())):
        for x in range(max(area.left(), 0), min(area.right() + 1, image.width()), 2):
            seen.add(image.pixel(x, y))
            if len(seen) >= 64:
                return len(seen)
    return len(seen)


def _seconds_since_start() -> float:
    since_process = _seconds_since_process_start()
    return since_process if since_process is not None else time.perf_counter() - _started


def _clock_label() -> str:
    if _seconds_since_process_start() is None:
        return "the self-test started (this system gives no process start time)"
    return "the process started"


def _seconds_since_process_start() -> float | None:
    """From the kernel's record of when this process started (Linux), else None."""
    try:
        # Field 22 of /proc/self/stat, in clock ticks since boot; the fields after
        # the ")" that closes the program's name start at field 3.
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        start = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return time.clock_gettime(time.CLOCK_BOOTTIME) - start
    except (OSError, ValueError, IndexError, AttributeError):
        return None
