"""Printable PDF pages from HTML, with Qt's own PDF writer: a title on every page, page numbers.

QTextDocument lays the HTML out in pages of the paper's size (a table's
header row repeats on every page); each page is then drawn below a running
header and above a footer "Page n of N", so a loose sheet still says what it
belongs to. Needs a QGuiApplication for fonts: `gui_application()` makes an
offscreen one when the command line asks for a PDF.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from .. import atomic_files

PAPERS = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
_RESOLUTION = 300  # dots per inch of the PDF's coordinate system
_MARGIN_MM = 15.0
_BAND_POINTS = 22  # height of the header and of the footer band, in points


def gui_application() -> QGuiApplication:
    """The running Qt application, or an offscreen one made for drawing pages.

    A widgets application, though pages need only fonts: a process that later
    opens a window (the tests do) cannot turn a plain one into that.
    """
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["inventory"])
    return app  # type: ignore[return-value]


def write_pdf(path: Path, html: str, *, title: str, paper: str = "a4",
              landscape: bool = False) -> int:
    """Write `html` as a PDF at `path` (atomically); returns the number of pages."""
    gui_application()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pages = _render(buffer, html, title, paper, landscape)
    with atomic_files.replacing(path) as handle:
        handle.write(bytes(buffer.data()))
    return pages


def _render(target: QBuffer, html: str, title: str, paper: str, landscape: bool) -> int:
    writer = QPdfWriter(target)
    writer.setTitle(title)
    writer.setCreator("Inventory Desktop")
    writer.setResolution(_RESOLUTION)
    orientation = (QPageLayout.Orientation.Landscape if landscape
                   else QPageLayout.Orientation.Portrait)
    writer.setPageLayout(QPageLayout(QPageSize(PAPERS[paper]), orientation,
                                     QMarginsF(*[_MARGIN_MM] * 4),
                                     QPageLayout.Unit.Millimeter))
    painter = QPainter(writer)
    try:
        return _draw_pages(writer, painter, html, title)
    finally:
        painter.end()


def _draw_pages(writer: QPdfWriter, painter: QPainter, html: str, title: str) -> int:
    area = QRectF(writer.pageLayout().paintRectPixels(_RESOLUTION))
    band = _RESOLUTION * _BAND_POINTS / 72
    body = QSizeF(area.width(), area.height() - 2 * band)
    document = QTextDocument()
    document.setDefaultFont(QFont("DejaVu Sans", 9))
    document.documentLayout().setPaintDevice(writer)
    document.setHtml(html)
    document.setPageSize(body)
    pages = max(1, document.pageCount())
    for page in range(pages):
        if page:
            writer.newPage()
        _band(painter, QRectF(0, 0, area.width(), band), title, bold=True)
        painter.save()
        painter.translate(0, band - page * body.height())
        document.drawContents(painter, QRectF(0, page * body.height(),
                                              body.width(), body.height()))
        painter.restore()
        _band(painter, QRectF(0, area.height() - band, area.width(), band),
              f"Page {page + 1} of {pages}", align=Qt.AlignmentFlag.AlignRight)
    return pages


def _band(painter: QPainter, rect: QRectF, text: str, *, bold: bool = False,
          align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
    font = QFont("DejaVu Sans", 9)
    font.setBold(bold)
    painter.setFont(font)
    painter.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), text)
