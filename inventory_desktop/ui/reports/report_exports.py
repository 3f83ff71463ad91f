"""Saving what a window shows as CSV or PDF: ask where, write the file whole, say so.

The file holds exactly the report on screen (its figures were computed
once). A cancelled dialog writes nothing; a file that cannot be written is
a sentence in a message box, and nothing is left behind (atomic_files).
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QFileDialog, QWidget

from ...errors import InventoryError
from ...services import report_files
from ...services.report_document import Report
from ..common.operations import show_refusal
from ..shell import data_files

CSV_FILES = "CSV files (*.csv);;All files (*)"
PDF_FILES = "PDF files (*.pdf)"


def ask_save_path(parent: QWidget, title: str, suggested: str, kinds: str) -> Path | None:
    """Where to save (None: cancelled). Tests replace this function."""
    name, _ = QFileDialog.getSaveFileName(parent, title,
                                          str(Path(data_files.start_folder()) / suggested), kinds)
    return Path(name) if name else None


def export_csv(parent: QWidget, report: Report) -> Path | None:
    """Ask where, then write the report's lines as CSV; the path written, or None."""
    path = ask_save_path(parent, f"{report.title} as CSV", suggested_name(report, "csv"),
                         CSV_FILES)
    if path is None:
        return None
    try:
        report_files.write_report_csv(report, path)
    except InventoryError as error:
        show_refusal(parent, f"Export {report.title}", str(error))
        return None
    return path


def export_pdf(parent: QWidget, report: Report, symbol: str) -> Path | None:
    """Ask where, then write the report with its charts as PDF; the path written, or None."""
    from ...documents.report_pdf import write_report_pdf

    path = ask_save_path(parent, f"{report.title} as PDF", suggested_name(report, "pdf"),
                         PDF_FILES)
    if path is None:
        return None
    try:
        with report_files.refusing_os_errors(path):
            write_report_pdf(report, path, symbol=symbol, paper=paper())
    except InventoryError as error:
        show_refusal(parent, f"Export {report.title}", str(error))
        return None
    return path


def suggested_name(report: Report, extension: str) -> str:
    """'period-report-this-month-1-nov-2026-30-nov-2026.pdf': safe on every system."""
    words = re.sub(r"[^a-z0-9]+", "-", f"{report.title} {report.period}".casefold()).strip("-")
    return f"{words[:80].rstrip('-')}.{extension}"


def paper() -> str:
    """Letter where the locale uses it, else A4."""
    letter = (QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico)
    return "letter" if QLocale().territory() in letter else "a4"
