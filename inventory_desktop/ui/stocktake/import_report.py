"""What a filled-in count sheet holds, shown before anything is recorded."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services.stocktake_files import ImportReport
from ..common.formatting import quantity_text


class ImportReportDialog(QDialog):
    """Every row the sheet would record, or every bad row with its line and reason."""

    def __init__(self, parent: QWidget | None, report: ImportReport) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import count sheet")
        layout = QVBoxLayout(self)
        bad = bool(report.problems)
        summary = (f"{len(report.problems)} row(s) must be corrected in the sheet; nothing "
                   "will be recorded." if bad else
                   f"{len(report.rows)} count(s) to record; {report.skipped} blank row(s) "
                   "left out.")
        self.summary = QLabel(summary, self)
        layout.addWidget(self.summary)
        self.table = QTableWidget(self)
        if bad:
            self._fill(["Line", "Problem"],
                       [[str(line), reason] for line, reason in report.problems])
        else:
            self._fill(["Line", "Item", "Area", "Counted", "Packs", "Counted by"],
                       [[str(row.line), row.name, row.area_name, quantity_text(row.counted),
                         "" if row.packs is None else str(row.packs), row.counted_by or ""]
                        for row in report.rows])
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        if not bad:
            self.record_button = buttons.addButton("Record these counts",
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 420)

    @classmethod
    def confirm(cls, parent: QWidget | None, report: ImportReport) -> bool:
        """Show the report; True when the manager chose to record the counts."""
        return cls(parent, report).exec() == QDialog.DialogCode.Accepted

    def _fill(self, headers: list[str], rows: list[list[str]]) -> None:
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            for column, text in enumerate(row):
                self.table.setItem(number, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
