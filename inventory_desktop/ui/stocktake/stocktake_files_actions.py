"""The count grid's file buttons: print the sheet (PDF), export it (CSV), import a filled one.

An import is checked first and its report shown in a table; nothing is
recorded unless every row is good and the manager says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ... import services
from ...errors import InventoryError
from ...services import stocktake_files
from ..common.operations import show_refusal
from ..shell import data_files

if TYPE_CHECKING:
    from .count_window import StocktakeWindow

_CSV = "CSV files (*.csv);;All files (*)"
_PDF = "PDF files (*.pdf)"


class StocktakeFileActions:
    """Print, export and import the sheet of the stocktake a window shows."""

    def __init__(self, window: StocktakeWindow) -> None:
        self._window = window

    def print_sheet(self) -> None:
        """Write the printable sheet (A4, or Letter when the locale uses it) to a PDF."""
        from ...documents.count_sheet import write_count_sheet

        stocktake = self._window.stocktake
        if stocktake is None:
            return
        path = self._save_as("Count sheet as PDF", f"count-sheet-{stocktake.id}.pdf", _PDF)
        if path is None:
            return
        try:
            pages = write_count_sheet(services.stocktake_sheet(stocktake.id), path,
                                      paper=_paper())
        except (InventoryError, OSError) as error:
            show_refusal(self._window, "Count sheet", str(error))
            return
        self._window.say(f"Wrote the count sheet to {path} ({pages} page(s)).")

    def export_csv(self) -> None:
        stocktake = self._window.stocktake
        if stocktake is None:
            return
        path = self._save_as("Count sheet as CSV", f"count-sheet-{stocktake.id}.csv", _CSV)
        if path is None:
            return
        try:
            lines = stocktake_files.write_sheet_csv(stocktake.id, path)
        except (InventoryError, OSError) as error:
            show_refusal(self._window, "Count sheet", str(error))
            return
        self._window.say(f"Wrote {lines} lines to {path}.")

    def import_csv(self) -> None:
        """Check a filled-in sheet, show what it holds, and record it if asked to."""
        from .import_report import ImportReportDialog

        stocktake = self._window.stocktake
        if stocktake is None or not stocktake.is_open:
            return
        name, _ = QFileDialog.getOpenFileName(self._window, "Import a filled-in count sheet",
                                              _start_dir(), _CSV)
        if not name:
            return
        try:
            report = stocktake_files.import_sheet_csv(stocktake.id, Path(name), dry_run=True)
        except InventoryError as error:
            show_refusal(self._window, "Import count sheet", str(error))
            return
        if not ImportReportDialog.confirm(self._window, report):
            return
        try:
            report = stocktake_files.import_sheet_csv(stocktake.id, Path(name),
                                                      user=self._window.current_user())
        except InventoryError as error:
            show_refusal(self._window, "Import count sheet", str(error))
            return
        if report.problems:  # a count entered meanwhile made a row bad
            QMessageBox.warning(self._window, "Import count sheet",
                                f"Nothing was recorded: {report.problems[0][1]} "
                                f"(line {report.problems[0][0]}).")
            return
        self._window.reload_lines()
        self._window.say(f"Recorded {len(report.rows)} count(s) from {name}.")

    def _save_as(self, title: str, suggested: str, kinds: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self._window, title,
                                              str(Path(_start_dir()) / suggested), kinds)
        return Path(name) if name else None


def _start_dir() -> str:
    return data_files.start_folder()


def _paper() -> str:
    letter = (QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico)
    return "letter" if QLocale().territory() in letter else "a4"
