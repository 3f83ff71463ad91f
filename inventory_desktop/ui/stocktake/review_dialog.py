"""The review before commit: every variance, why it happened, what is missing, then Commit.

Select an item and press 1-7 to put its whole variance down to one reason
(0: unexplained again); Split… shares it across several. Conflicts must be
settled first; items not counted are kept as they are or counted as zero.
Each variance is in money too, as the commit would post it now; the largest
rank by value or by share. Commit asks once more, saying exactly what will
be posted and what it is worth.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import InventoryError
from ...quantity import to_decimal
from ...services.stocktake_tally import ItemTally
from ...vocabulary import REASON_LABELS, UNEXPLAINED, VARIANCE_REASONS
from ..common.formatting import change_text, quantity_text
from .variance_chart import VarianceBar, VarianceChart
from .variance_money import plan_summary, signed_money, values_by_item, worth_sentence

_COLUMNS = ("Item", "Counted", "Expected", "Variance", "Value", "Share", "Put down to")
VALUE_COLUMN, REASONS_COLUMN = 4, 6
BY_VALUE, BY_SHARE = "value", "share"
_NO_VARIANCE = "No variance: every counted item matched the ledger."
_TOP_BARS = 10
ITEM_ROLE = Qt.ItemDataRole.UserRole


class ReviewDialog(QDialog):
    """The variances of one open stocktake, their reasons, and the commit."""

    def __init__(self, parent: QWidget | None, stocktake_id: int,
                 current_user: Callable[[], str | None]) -> None:
        super().__init__(parent)
        self._stocktake_id = stocktake_id
        self._user = current_user
        self.committed: services.CommitReport | None = None
        self.symbol = ""
        self._values: dict[int, Decimal | None] = {}
        self._build()
        self.refresh()

    @classmethod
    def review(cls, parent: QWidget | None, stocktake_id: int,
               current_user: Callable[[], str | None]) -> services.CommitReport | None:
        """What was posted, when the stocktake was committed from the dialog."""
        dialog = cls(parent, stocktake_id, current_user)
        dialog.exec()
        return dialog.committed

    def refresh(self) -> None:
        """Read the stocktake again and show its variances, reasons and what is missing."""
        try:
            sheet = services.stocktake_sheet(self._stocktake_id)
            plan = services.commit_plan(self._stocktake_id, uncounted=self._uncounted())
            self.symbol = services.currency_symbol()
        except InventoryError as error:
            self.message.setText(str(error))
            return
        self.setWindowTitle(f"Review stocktake {sheet.stocktake.id}: {sheet.stocktake.name}")
        names = {line.item_id: (line.name, line.unit) for line in sheet.lines}
        rows = [(item, *names[item.item_id]) for item in sheet.items.values()
                if item.variance]
        self._values = values_by_item(plan)
        by_value = self.rank_by.currentData() == BY_VALUE
        rows.sort(key=lambda row: self._value_rank(row[0]) if by_value else _share(row[0]))
        self._fill(rows)
        self._chart(rows, by_value)
        self.money.setText(plan_summary(plan, self.symbol))
        conflicts = sorted(names[i.item_id][0] for i in sheet.of_state("conflict"))
        uncounted = sorted(names[i.item_id][0]
                           for i in sheet.of_state("uncounted") + sheet.of_state("partial"))
        self.conflicts.setText(
            "<b>Settle first:</b> " + ", ".join(conflicts) if conflicts else "No conflicts.")
        self.uncounted.setText(
            f"<b>Not (fully) counted:</b> {len(uncounted)} item(s): " + ", ".join(uncounted[:20])
            + (" …" if len(uncounted) > 20 else "") if uncounted else "Every item was counted.")
        shortfall = sum(1 for item, _, _ in rows if item.variance < 0)
        self.summary.setText(f"{len(rows)} item(s) with a variance: {shortfall} short, "
                             f"{len(rows) - shortfall} over. Select one and press 1–7 to put it "
                             "all down to a reason (0: unexplained).")
        self.commit_button.setEnabled(not conflicts)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            reasons = (None, *VARIANCE_REASONS)
            text = event.text()  # type: ignore[attr-defined]
            if len(text) == 1 and text.isdigit() and int(text) < len(reasons):
                self.put_down_to(reasons[int(text)])
                return True
        return super().eventFilter(watched, event)

    def put_down_to(self, reason: str | None) -> None:
        """The selected item's whole variance to `reason` (None: unexplained)."""
        row = self.table.currentRow()
        if row < 0:
            return
        item_id = self.table.item(row, 0).data(ITEM_ROLE)
        variance = Decimal(self.table.item(row, 3).data(ITEM_ROLE))
        parts = {} if reason is None else {reason: abs(variance)}
        try:
            services.explain_variance(self._stocktake_id, item_id, parts, user=self._user())
        except InventoryError as error:
            self.message.setText(str(error))
            return
        self.refresh()
        self.table.setCurrentCell(min(row + 1, self.table.rowCount() - 1), 0)

    def commit(self) -> None:
        """Say what will be posted; post it when confirmed."""
        uncounted = self._uncounted()
        try:
            plan = services.commit_plan(self._stocktake_id, uncounted=uncounted)
        except InventoryError as error:
            self.message.setText(str(error))
            return
        items = len({change.item_id for change in plan.changes})
        left = (f"\n{len(plan.left_unchanged)} item(s) not counted stay as they are."
                if plan.left_unchanged else "")
        zero = (f"\n{len(plan.counted_as_zero)} item(s) not counted are set to zero."
                if plan.counted_as_zero else "")
        answer = QMessageBox.question(
            self, "Commit stocktake",
            f"Post {len(plan.changes)} adjustment(s) to {items} item(s)?{left}{zero}\n"
            f"{worth_sentence(plan, self.symbol)}\n\n"
            "A committed stocktake cannot change; a wrong adjustment is undone by reversing it.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.committed = services.commit_stocktake(self._stocktake_id,
                                                       uncounted=uncounted, user=self._user())
        except InventoryError as error:
            self.message.setText(str(error))
            self.refresh()
            return
        self.accept()

    def _uncounted(self) -> str:
        return "zero" if self.as_zero.isChecked() else "keep"

    def _value_text(self, item: ItemTally) -> str:
        if item.item_id not in self._values:
            return "—"  # nothing to post for it now (not counted everywhere, or explain again)
        return signed_money(self._values[item.item_id], self.symbol)

    def _value_rank(self, item: ItemTally) -> tuple[bool, Decimal]:
        # Losses first, the largest at the top; values not known last.
        value = self._values.get(item.item_id)
        return value is None, value if value is not None else Decimal(0)

    def _chart(self, rows: list[tuple[ItemTally, str, str]], by_value: bool) -> None:
        bars = []
        for item, name, unit in rows:
            label = f"{name}: {change_text(to_decimal(item.variance), unit)}"
            value = self._values.get(item.item_id)
            if not by_value:
                bars.append(VarianceBar(label, _share(item)))
            elif value is not None:
                bars.append(VarianceBar(label, value, signed_money(value, self.symbol)))
        bars.sort(key=lambda bar: -abs(bar.share))  # the longest first
        unvalued = "No variance of a known value: rank them by share to see them."
        self.chart.set_bars(bars[:_TOP_BARS], empty_text=unvalued if rows else _NO_VARIANCE)

    def _fill(self, rows: list[tuple[ItemTally, str, str]]) -> None:
        self.table.setRowCount(len(rows))
        for number, (item, name, unit) in enumerate(rows):
            cells = [name, quantity_text(to_decimal(item.counted), unit),
                     quantity_text(to_decimal(item.expected), unit),
                     change_text(to_decimal(item.variance), unit), self._value_text(item),
                     f"{_share(item) * 100:+.1f} %", _reasons(item, unit)]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 0:
                    cell.setData(ITEM_ROLE, item.item_id)
                if column == 3:
                    cell.setData(ITEM_ROLE, str(to_decimal(item.variance)))
                if column in (1, 2, 3, 4, 5):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(number, column, cell)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column, width in enumerate((200, 80, 80, 80, 90, 70)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 2)
        # One keystroke puts the selected item's whole variance down to a reason.
        self.table.installEventFilter(self)
        layout.addWidget(QLabel(_reason_keys(), self))
        self.money = QLabel(self)
        self.money.setWordWrap(True)
        layout.addWidget(self.money)
        layout.addLayout(self._rank_row())
        self.chart = VarianceChart(self)
        layout.addWidget(self.chart, 1)
        self.conflicts, self.uncounted = QLabel(self), QLabel(self)
        for label in (self.conflicts, self.uncounted):
            label.setWordWrap(True)
            layout.addWidget(label)
        choice = QHBoxLayout()
        self.keep = QRadioButton("Keep items not counted as they are", self)
        self.as_zero = QRadioButton("Count them as zero", self)
        self.keep.setChecked(True)
        # The choice changes what the commit posts, so what it is worth.
        self.as_zero.toggled.connect(lambda _checked: self.refresh())
        choice.addWidget(self.keep)
        choice.addWidget(self.as_zero)
        choice.addStretch(1)
        layout.addLayout(choice)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #8a1c14;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.split_button = QPushButton("Split across reasons…", self)
        self.split_button.clicked.connect(self._split)
        buttons.addButton(self.split_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.commit_button = QPushButton("&Commit…", self)
        self.commit_button.clicked.connect(self.commit)
        buttons.addButton(self.commit_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 720)

    def _rank_row(self) -> QHBoxLayout:
        self.rank_by = QComboBox(self)
        self.rank_by.addItem("value", BY_VALUE)
        self.rank_by.addItem("share of what was expected", BY_SHARE)
        self.rank_by.currentIndexChanged.connect(lambda _index: self.refresh())
        label = QLabel("Largest &variances by", self)
        label.setBuddy(self.rank_by)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.rank_by)
        row.addStretch(1)
        return row

    def _split(self) -> None:
        from .split_dialog import SplitDialog

        row = self.table.currentRow()
        if row < 0:
            return
        item_id = self.table.item(row, 0).data(ITEM_ROLE)
        variance = Decimal(self.table.item(row, 3).data(ITEM_ROLE))
        if SplitDialog.split(self, self._stocktake_id, item_id,
                             self.table.item(row, 0).text(), variance, self._user()):
            self.refresh()


def _share(item: ItemTally) -> Decimal:
    if not item.expected:
        return Decimal(1) if item.variance > 0 else Decimal(-1)
    return Decimal(item.variance) / Decimal(item.expected)


def _reasons(item: ItemTally, unit: str) -> str:
    if not item.explanation:
        return REASON_LABELS[UNEXPLAINED]
    parts = [f"{REASON_LABELS[reason]} {quantity_text(to_decimal(units), unit)}"
             for reason, units in item.explanation.items()]
    rest = abs(item.variance) - sum(item.explanation.values())
    if rest:
        parts.append(f"unexplained {quantity_text(to_decimal(rest), unit)}")
    return " · ".join(parts)


def _reason_keys() -> str:
    keys = "  ".join(f"{number} {REASON_LABELS[reason]}"
                     for number, reason in enumerate(VARIANCE_REASONS, start=1))
    return f"Keys: {keys}  0 unexplained"
