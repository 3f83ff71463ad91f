"""Movement history: one item's ledger or everyone's, with filters and a stock chart.

Opening costs one page of the newest movements whatever the ledger's size;
more pages load as the manager scrolls, and movements recorded meanwhile
appear on top. Nothing here counts the ledger.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ... import clock, db, services
from ...errors import InventoryError, ValidationError
from ...services import ItemRow
from ...vocabulary import MOVEMENT_TYPES, REASON_LABELS, REASONS
from ..common.item_words import SeveralItemsMatch, find_item_by_words, item_label
from ..common.operations import run_operation
from ..common.read_only_table import fill_viewport, read_only_table
from ..common.shown_poll import PollWhileShown
from ..shell import operator
from .movement_model import ITEM_COLUMN, TYPE_LABELS, MovementFilter, MovementTableModel
from .reverse_dialog import ReverseDialog
from .stock_chart import StockChart, read_series

# What each column must show whole (Notes takes the rest): measured in the
# window's font, so that the default size shows every column, Reference whole.
_WIDEST = ("2026-12-31 23:59:59", "Mozzarella fior di latte (DAI-011)", "Adjustment",
           "Initial stock", "+120.25 portion", "1,200.5 portion", "waste sheet: 24 Nov dinner",
           "manager", "Notes")
_ERROR_STYLE = "border: 1px solid #c0392b;"
POLL_MS = 1000


class HistoryWindow(QWidget):
    """A top-level window on the movement ledger, for one item or for all."""

    def __init__(self, parent: QWidget | None = None, item_id: int | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._fixed_item = item_id
        self._item: ItemRow | None = None
        self.model = MovementTableModel(self)
        self.model.load_failed.connect(self._show_failure)
        self.model.rowsInserted.connect(lambda *_: self._show_status())
        self._newest_seen: int | None = None
        self._filter_applied = False  # until then there is nothing to add to
        self._poll = PollWhileShown(self, POLL_MS, self.look_for_new_movements)
        self._build()
        self.refresh()

    def look_for_new_movements(self) -> None:
        """Show movements recorded since (by this window's program or any other) on top.

        Asking for the newest id costs one indexed lookup, so this runs every
        POLL_MS while the window is shown; the scroll position is kept.
        """
        if not self._filter_applied:
            return
        try:
            newest = services.list_movements(limit=1)
            newest_id = newest[0].id if newest else 0
            if newest_id == self._newest_seen:
                return
            self._newest_seen = newest_id
            added = self.model.load_newer()
        except InventoryError:
            return  # busy or unreachable for now: look again on the next tick
        if added:
            self._show_status()
            if self._item is not None:
                self._load_chart()

    def refresh(self) -> None:
        """Read the newest movements (and the chart) again under the current filters."""
        try:
            movement_filter = self._read_filters()
        except SeveralItemsMatch as several:
            self.status.setText(str(several))
            self._offer_choices(several.matches)
            return
        except InventoryError as error:
            self.status.setText(str(error))
            return
        if self._fixed_item is not None and self._item is not None:
            self.setWindowTitle(f"History — {self._item.name}")
        self.model.set_filter(movement_filter)
        self._filter_applied = True
        QTimer.singleShot(0, self, lambda: fill_viewport(self.table))
        self._refresh_chart()
        self._show_status()

    def _build(self) -> None:
        self.setWindowTitle("Stock movement history")
        self.resize(1100, 650)
        self.item_filter = QLineEdit(self)
        self.item_filter.setPlaceholderText("SKU, id or name; empty for all")
        self.item_filter.setClearButtonEnabled(True)
        self.type_filter = _choice(self, "Any type",
                                   [(TYPE_LABELS[t], t) for t in MOVEMENT_TYPES])
        self.reason_filter = _choice(self, "Any reason",
                                     [(REASON_LABELS[r], r) for r in REASONS])
        self.since_filter = _date_box(self, "From YYYY-MM-DD")
        self.until_filter = _date_box(self, "To YYYY-MM-DD")
        refresh = QPushButton("&Refresh", self)
        refresh.clicked.connect(self.refresh)
        self.undo_button = QPushButton("&Undo movement…", self)
        self.undo_button.setToolTip("Reverse the selected movement with an opposite one (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo_selected)
        self.undo_button.setEnabled(db.current_file().writable)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo_selected)
        self._choices = QCompleter(QStringListModel(self), self.item_filter)
        self._choices.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._choices.setWidget(self.item_filter)
        self._choices.activated.connect(self._choice_taken)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_filters)
        for key in (QKeySequence.StandardKey.Close, QKeySequence.StandardKey.Cancel):
            QShortcut(key, self, self.close)
        self.status = QLabel(self)
        self.chart = StockChart(self)
        widths = tuple(self.fontMetrics().horizontalAdvance(text) + 14 for text in _WIDEST)
        self.table = read_only_table(self, self.model, widths)
        # One item's ledger: its name is in the title and the chart, not on every row.
        self.table.setColumnHidden(ITEM_COLUMN, self._fixed_item is not None)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filter_row(refresh))
        layout.addWidget(splitter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.undo_button)
        layout.addLayout(bottom)
        self._connect_filters()

    def _filter_row(self, refresh: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        if self._fixed_item is None:
            label = QLabel("&Item", self)
            label.setBuddy(self.item_filter)
            row.addWidget(label)
            row.addWidget(self.item_filter, 2)
        else:
            self.item_filter.hide()
        for widget in (self.type_filter, self.reason_filter, self.since_filter,
                       self.until_filter):
            row.addWidget(widget, 1)
        row.addWidget(refresh)
        return row

    def _connect_filters(self) -> None:
        self.table.activated.connect(self._narrow_to_item)
        self.type_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.reason_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        for box in (self.item_filter, self.since_filter, self.until_filter):
            box.editingFinished.connect(self._filters_edited)
        self.item_filter.textChanged.connect(self._item_cleared)

    def _narrow_to_item(self, index: QModelIndex) -> None:
        """Enter or double-click on a movement: show only that item's movements."""
        if self._fixed_item is not None or not index.isValid():
            return
        movement = self.model.movement(index.row())
        self.item_filter.setText(movement.item_sku or str(movement.item_id))
        self.refresh()

    def undo_selected(self) -> None:
        """Reverse the selected movement, after saying what that records and asking why."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or not db.current_file().writable:
            self.status.setText("Select the movement to undo first.")
            return
        movement = self.model.movement(rows[0].row())
        choice = ReverseDialog.ask(self, movement)
        if choice is None:
            return
        reversal = run_operation(
            self, "Undo movement",
            lambda: services.reverse_movement(movement.id, choice.reason, notes=choice.notes,
                                              user=operator.current()),
            self.look_for_new_movements)
        if reversal is not None:
            self.status.setText(f"Movement {movement.id} was undone by movement {reversal.id}.")

    def _offer_choices(self, matches: list[ItemRow]) -> None:
        model = self._choices.model()
        assert isinstance(model, QStringListModel)
        model.setStringList([item_label(item) for item in matches])
        self.item_filter.setFocus()
        self._choices.complete()

    def _choice_taken(self, label: str) -> None:
        self.item_filter.setText(label)
        self.refresh()

    def _focus_filters(self) -> None:
        first = self.item_filter if self._fixed_item is None else self.type_filter
        first.setFocus()
        if first is self.item_filter:
            self.item_filter.selectAll()

    def _filters_edited(self) -> None:
        if self._read_filters_quietly() != self.model.filter:
            self.refresh()

    def _item_cleared(self, text: str) -> None:
        if not text and self._item is not None and self._fixed_item is None:
            self.refresh()

    def _read_filters_quietly(self) -> MovementFilter | None:
        try:
            return self._read_filters()
        except InventoryError:
            return None

    def _read_filters(self) -> MovementFilter:
        for box in (self.item_filter, self.since_filter, self.until_filter):
            box.setStyleSheet("")
        self._item = self._chosen_item()
        since = _moment(self.since_filter, "start date", end_of_day=False)
        until = _moment(self.until_filter, "end date", end_of_day=True)
        if since is not None and until is not None and since > until:
            for box in (self.since_filter, self.until_filter):
                box.setStyleSheet(_ERROR_STYLE)
            raise ValidationError(
                f"The From date ({self.since_filter.text().strip()}) is after the To date "
                f"({self.until_filter.text().strip()}), so no movement can match: swap them, "
                "or clear one.")
        return MovementFilter(
            item_id=self._item.id if self._item else None,
            movement_type=self.type_filter.currentData(),
            reason=self.reason_filter.currentData(),
            since=since, until=until,
        )

    def _chosen_item(self) -> ItemRow | None:
        if self._fixed_item is not None:
            return services.get_item(self._fixed_item)
        text = self.item_filter.text().strip()
        if not text:
            return None
        try:
            return find_item_by_words(text)
        except InventoryError:
            self.item_filter.setStyleSheet(_ERROR_STYLE)
            raise

    def _refresh_chart(self) -> None:
        self.chart.set_series(None)
        self.chart.setVisible(self._item is not None)
        if self._item is not None:
            # Drawn just after the table: the table is what the manager reads first.
            QTimer.singleShot(0, self, self._load_chart)

    def _load_chart(self) -> None:
        f = self.model.filter
        if f.item_id is None:
            return
        try:
            self.chart.set_series(read_series(f.item_id, f.since, f.until))
        except InventoryError as error:
            self.status.setText(f"Could not draw the chart: {error}")

    def _show_status(self) -> None:
        loaded = self.model.rowCount()
        if self.model.complete:
            noun = "movement" if loaded == 1 else "movements"
            self.status.setText(f"{loaded:,} {noun}.")
        else:
            self.status.setText(f"Newest {loaded:,} movements shown; scroll down for older ones.")

    def _show_failure(self, message: str) -> None:
        self.status.setText(f"Could not read the movements: {message} Press F5 to try again.")


def _choice(parent: QWidget, any_label: str, choices: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox(parent)
    box.addItem(any_label, None)
    for label, value in choices:
        box.addItem(label, value)
    return box


def _date_box(parent: QWidget, placeholder: str) -> QLineEdit:
    box = QLineEdit(parent)
    box.setPlaceholderText(placeholder)
    box.setClearButtonEnabled(True)
    return box


def _moment(box: QLineEdit, what: str, *, end_of_day: bool) -> dt.datetime | None:
    text = box.text().strip()
    if not text:
        return None
    try:
        return clock.parse_moment(text, end_of_day=end_of_day, what=what)
    except ValidationError:
        box.setStyleSheet(_ERROR_STYLE)
        raise
