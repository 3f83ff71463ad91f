"""File → Import items… and File → Export to CSV…: the window's actions for CSV files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from ... import services
from ..common.background import Progress, run_in_background
from ..shell import data_files
from .export_dialog import ExportDialog, ExportRequest
from .import_dialog import ImportDialog, ImportOptions

if TYPE_CHECKING:
    from ..shell.main_window import MainWindow

CSV_FILTER = "CSV files (*.csv *.txt *.tsv);;All files (*)"
_NOUNS = {"items": "items", "movements": "movements", "history": "history entries",
          "audit": "audit entries"}


class TransferActions:
    """Import items from a spreadsheet; export any list to CSV."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.import_items = QAction("&Import items…", window)
        self.import_items.triggered.connect(lambda _checked=False: self.import_chosen_file())
        self.export = QAction("E&xport to CSV…", window)
        self.export.triggered.connect(lambda _checked=False: self.export_chosen())

    def import_chosen_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._window, "Import items", str(Path.home()),
                                              CSV_FILTER)
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> services.ImportReport | None:
        """Show the report for `path`; import it if the person says so."""
        def run(options: ImportOptions, *, dry_run: bool) -> services.ImportReport:
            return services.import_items_file(path, dry_run=dry_run,
                                              separator=options.separator,
                                              encoding=options.encoding)

        report = ImportDialog.ask(self._window, path, lambda o: run(o, dry_run=True),
                                  lambda o: run(o, dry_run=False))
        if report is not None:
            self._window.statusBar().showMessage(report.summary(), 15_000)
            self._window.reload()
        return report

    def export_chosen(self) -> services.ExportResult | None:
        request = ExportDialog.ask(self._window, self._window.selected_item())
        if request is None:
            return None
        folder = Path(data_files.start_folder())
        path, _ = QFileDialog.getSaveFileName(
            self._window, "Export to", str(folder / request.suggested_name(dt.date.today())),
            CSV_FILTER)
        return self.export_to(request, Path(path)) if path else None

    def export_to(self, request: ExportRequest, path: Path) -> services.ExportResult | None:
        """Export with a progress bar and Cancel; a cancelled export leaves no file."""
        cancelled = []

        def work(progress: Progress) -> services.ExportResult | None:
            def step(done: int, total: int) -> bool:
                progress.done, progress.total = done, total
                progress.text = f"Exporting {_NOUNS[request.kind]}: {done:,} of {total:,}…"
                return not progress.cancelled

            # The file dialog already asked before replacing a file there.
            result = services.export_csv(request.kind, path, filters=request.filters,
                                         replace=True, progress=step)
            cancelled.append(result is None)
            return result

        result = run_in_background(self._window, "Export to CSV", "Exporting…", work,
                                   cancellable=True)
        bar = self._window.statusBar()
        if cancelled == [True]:
            bar.showMessage("Export cancelled: no file was written.", 10_000)
        elif result is not None:
            bar.showMessage(f"Exported {result.rows:,} {_NOUNS[request.kind]} to {result.path}.",
                            10_000)
        return result
