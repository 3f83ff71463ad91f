"""File → Import items…: the file's report, line by line, before anything is written.

Opening the dialog runs a dry run; every line of the file is listed with
what the import would do, and every problem with its column and reason.
Import is offered only when there is no problem and something to change;
the separator and encoding can be chosen when detection guessed wrong.
The dialog does no work itself: `check` and `submit` are given to it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import InventoryError
from ...services import ImportReport
from ..common.read_only_table import read_only_table
from ..common.rows_model import RowColumn, RowsTableModel

SEPARATORS = (("Detected", None), ("Comma", "comma"), ("Semicolon", "semicolon"),
              ("Tab", "tab"))
ENCODINGS = (("Detected", None), ("UTF-8", "utf-8"), ("UTF-16", "utf-16"),
             ("Windows-1252", "cp1252"))
_OUTCOMES = {"create": "New item", "update": "Update", "unchanged": "No change",
             "problem": "Problem"}
_PROBLEM = QBrush(QColor("#a3211a"))
_QUIET = QBrush(QColor("#6b6b6b"))


@dataclass(frozen=True)
class ImportOptions:
    separator: str | None = None
    encoding: str | None = None


@dataclass(frozen=True)
class ReportLine:
    """One line of the report table: a row's plan, or one of its problems."""

    line: int
    outcome: str
    sku: str
    name: str
    details: str
    column: str = ""
    value: str = ""


def report_lines(report: ImportReport) -> list[ReportLine]:
    """The report as the table lists it, by line: each row's plan, or each of its problems."""
    lines = [ReportLine(p.line, "problem", p.sku, p.name, p.reason, p.column, p.value)
             for p in report.problems]
    lines += [ReportLine(r.line, r.action, r.sku or "", r.name, r.details)
              for r in report.rows]
    return sorted(lines, key=lambda line: (line.line, line.outcome != "problem"))


COLUMNS = (
    RowColumn[ReportLine]("Line", lambda r: str(r.line), numeric=True),
    RowColumn[ReportLine]("Outcome", lambda r: _OUTCOMES.get(r.outcome, r.outcome)),
    RowColumn[ReportLine]("SKU", lambda r: r.sku),
    RowColumn[ReportLine]("Name", lambda r: r.name),
    RowColumn[ReportLine]("Column", lambda r: r.column),
    RowColumn[ReportLine]("Value", lambda r: r.value),
    RowColumn[ReportLine]("Details", lambda r: r.details),
)


def _colour(line: ReportLine) -> QBrush | None:
    if line.outcome == "problem":
        return _PROBLEM
    return _QUIET if line.outcome == "unchanged" else None


class ImportDialog(QDialog):
    """The dry run's report for one file, and Import."""

    def __init__(self, parent: QWidget | None, path: Path,
                 check: Callable[[ImportOptions], ImportReport],
                 submit: Callable[[ImportOptions], ImportReport]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import items — {path.name}")
        self._check, self._submit = check, submit
        self.report: ImportReport | None = None
        self.imported: ImportReport | None = None
        self.separator = self._combo(SEPARATORS)
        self.encoding = self._combo(ENCODINGS)
        self.read_as = QLabel(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.model = RowsTableModel(COLUMNS, self, foreground=_colour,
                                    tooltip=lambda line: line.details)
        self.table = read_only_table(self, self.model, (44, 84, 80, 200, 80, 60))
        self._lay_out(path)
        self.resize(900, 520)
        self.refresh()

    def _combo(self, choices: tuple[tuple[str, str | None], ...]) -> QComboBox:
        combo = QComboBox(self)
        for label, value in choices:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(lambda _index: self.refresh())
        return combo

    def _lay_out(self, path: Path) -> None:
        options = QHBoxLayout()
        form = QFormLayout()
        form.addRow("File:", QLabel(str(path), self))
        form.addRow("Read as:", self.read_as)
        options.addLayout(form, 1)
        choices = QFormLayout()
        choices.addRow("&Separator:", self.separator)
        choices.addRow("&Encoding:", self.encoding)
        options.addLayout(choices)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = QPushButton("&Import", self)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.clicked.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(options)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)

    def options(self) -> ImportOptions:
        return ImportOptions(self.separator.currentData(), self.encoding.currentData())

    def refresh(self) -> None:
        """Check the file again with the chosen separator and encoding (a dry run)."""
        try:
            self._show(self._check(self.options()))
        except InventoryError as error:
            self._show(None, str(error))

    def _show(self, report: ImportReport | None, refusal: str = "") -> None:
        self.report = report
        self.model.set_rows(report_lines(report) if report else [])
        if report is None:
            self.read_as.setText("—")
            self.summary.setText(f"<b>This file cannot be imported:</b> {html.escape(refusal)}")
        else:
            ignored = (f"; columns left out: {', '.join(report.ignored_columns)}"
                       if report.ignored_columns else "")
            self.read_as.setText(f"{report.encoding}, {report.separator}-separated{ignored}")
            self.summary.setText(report.summary())
        self.summary.setTextFormat(Qt.TextFormat.RichText if report is None
                                   else Qt.TextFormat.PlainText)
        changes = report is not None and report.ok and (
            report.count("create") + report.count("update") > 0)
        self.import_button.setEnabled(changes)
        self.import_button.setDefault(changes)

    def _import(self) -> None:
        try:
            report = self._submit(self.options())
        except InventoryError as error:
            self._show(None, str(error))
            return
        if not report.written:  # the data file changed since the check: show why
            self._show(report)
            return
        self.imported = report
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, path: Path,
            check: Callable[[ImportOptions], ImportReport],
            submit: Callable[[ImportOptions], ImportReport]) -> ImportReport | None:
        """Show the report; the import's report once imported, or None."""
        dialog = cls(parent, path, check, submit)
        dialog.exec()
        return dialog.imported
