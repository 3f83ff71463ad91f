"""File → Backups…: the backups there are, newest first; back up now, or pick one to restore.

The dialog does no work itself: it is given how to list the backups and how
to make one, and returns the backup chosen for a restore (the window then
runs the restore).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...services import BackupOverview, BackupRow
from ..common.formatting import time_text
from ..common.read_only_table import read_only_table
from ..common.rows_model import RowColumn, RowsTableModel

_UNCHECKED = QBrush(QColor("#7a4d00"))


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def _check_text(row: BackupRow) -> str:
    if row.check == "ok":
        return "checked"
    # The file a restore replaced, kept byte for byte: a restore checks it first.
    return "kept as it was" if row.kind == "before-restore" else "not checked"


COLUMNS = (
    RowColumn[BackupRow]("Made", lambda r: time_text(r.made_at) if r.made_at else "?"),
    RowColumn[BackupRow]("Kind", lambda r: services.BACKUP_KINDS.get(r.kind, r.kind.title())),
    RowColumn[BackupRow]("Size", lambda r: services.size_text(r.size), numeric=True),
    RowColumn[BackupRow]("Items", lambda r: _count(r.items), numeric=True),
    RowColumn[BackupRow]("Movements", lambda r: _count(r.movements), numeric=True),
    RowColumn[BackupRow]("Check", _check_text),
    RowColumn[BackupRow]("File", lambda r: r.path.name),
)


def _tooltip(row: BackupRow) -> str:
    lines = [str(row.path)]
    if row.source:
        lines.append(f"A copy of {row.source}")
    if row.kind == "before-restore":
        lines.append("The data file as it was before a restore replaced it.")
    elif row.check != "ok":
        lines.append("Made elsewhere or before it could be checked: a restore checks it first.")
    return "\n".join(lines)


def overview_text(overview: BackupOverview) -> str:
    """Where backups go and what the automatic ones keep, as rich text."""
    folder = html.escape(str(overview.folder))
    if overview.paused:
        kept = ("Automatic daily backups are off while this program runs "
                "(INVENTORY_AUTO_BACKUP is set).")
    elif overview.automatic:
        kept = (f"Automatic: the first start of each day makes one, checked; the newest "
                f"{overview.keep_daily} daily and {overview.keep_weekly} weekly are kept.")
    else:
        kept = "Automatic daily backups are off (inventory backups --automatic on)."
    last = overview.last
    if last is None:
        latest = ""
    elif last.ok:
        latest = f"<br>Latest automatic backup ({last.day}): {html.escape(last.message)}."
    else:
        latest = (f"<br><b>The automatic backup of {last.day} failed:</b> "
                  f"{html.escape(last.message)}.")
    return f"Backups are kept in <tt>{folder}</tt>.<br>{kept}{latest}"


class BackupsDialog(QDialog):
    """The list of backups, with Back up now and Restore…."""

    def __init__(self, parent: QWidget | None, list_rows: Callable[[], list[BackupRow]],
                 back_up: Callable[[], object], overview: Callable[[], BackupOverview]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self._list_rows, self._back_up, self._overview = list_rows, back_up, overview
        self.chosen: Path | None = None
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.model = RowsTableModel(
            COLUMNS, self, tooltip=_tooltip,
            foreground=lambda r: _UNCHECKED if _check_text(r) == "not checked" else None)
        self.table = read_only_table(self, self.model, (145, 115, 70, 55, 85, 110))
        self.table.setSelectionMode(self.table.SelectionMode.SingleSelection)
        self.table.activated.connect(lambda _index: self._choose())
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self._build_buttons()
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.table, self.buttons):
            layout.addWidget(widget)
        self.resize(960, 440)
        self.reload()

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.back_up_button = QPushButton("&Back up now", self)
        self.restore_button = QPushButton("&Restore this backup…", self)
        self.buttons.addButton(self.back_up_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.back_up_button.clicked.connect(self._back_up_now)
        self.restore_button.clicked.connect(self._choose)
        self.buttons.rejected.connect(self.reject)
        self.restore_button.setEnabled(False)

    def reload(self) -> None:
        """List the backups again (after one was made)."""
        self.summary.setText(overview_text(self._overview()))
        self.model.set_rows(self._list_rows())
        if self.model.rowCount():
            self.table.selectRow(0)
        self._selection_changed(self.table.currentIndex(), QModelIndex())

    def selected(self) -> BackupRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.restore_button.setEnabled(self.model.row_at(current.row()) is not None)

    def _back_up_now(self) -> None:
        self._back_up()
        self.reload()

    def _choose(self) -> None:
        row = self.selected()
        if row is not None:
            self.chosen = row.path
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, list_rows: Callable[[], list[BackupRow]],
            back_up: Callable[[], object], overview: Callable[[], BackupOverview]
            ) -> Path | None:
        """Show the backups; the one chosen for a restore, or None."""
        dialog = cls(parent, list_rows, back_up, overview)
        dialog.exec()
        return dialog.chosen
