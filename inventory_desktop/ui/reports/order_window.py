"""The order list window: what to order from each supplier to bring stock back to par.

Items at or below their threshold (or, ticked, every item below par), grouped
by supplier; the quantities can be changed before the list is printed or
exported, one supplier or all. Nothing is recorded: ordering is done
elsewhere, and the delivery is booked when it arrives.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import InventoryError
from ...services.report_document import MONEY, Report, cell_text
from ...services.report_layout_usage import order_layout
from . import report_exports
from .order_model import ORDER_COLUMN, OrderTreeModel

ALL_SUPPLIERS = -1


class OrderListWindow(QMainWindow):
    """The order list of the open data file, editable before it is exported."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Order list — Inventory")
        self.model = OrderTreeModel(parent=self)
        self.model.refused.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.model.dataChanged.connect(lambda *_args: self._update_total())
        self.below_par = QCheckBox("Every item &below par (not only those running low)", self)
        self.below_par.toggled.connect(lambda _on: self.reload())
        self.supplier = QComboBox(self)
        self.supplier.currentIndexChanged.connect(lambda _i: self.reload())
        self.total = QLabel(self)
        self.tree = self._build_tree()
        self._build_layout()
        self._build_actions()
        self.resize(980, 560)
        self._fill_suppliers()
        self.reload()

    def _build_tree(self) -> QTreeView:
        tree = QTreeView(self)
        tree.setModel(self.model)
        tree.setAlternatingRowColors(True)
        tree.setUniformRowHeights(True)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        for column, width in enumerate((230, 80, 75, 60, 70, 55, 125, 85, 100)):
            tree.setColumnWidth(column, width)
        return tree

    def _build_layout(self) -> None:
        central = QWidget(self)
        top = QHBoxLayout()
        caption = QLabel("&Supplier:", central)
        caption.setBuddy(self.supplier)
        for widget in (caption, self.supplier, self.below_par):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.total)
        hint = QLabel("Type a new quantity on a line to change it before printing "
                      "(F2 or just type); nothing is recorded.", central)
        hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(hint)
        self.setCentralWidget(central)

    def _build_actions(self) -> None:
        self.export_csv = self._action("Export &CSV…", self._export_csv, "Ctrl+E")
        self.export_pdf = self._action("Export &PDF…", self._export_pdf, "Ctrl+P")
        self.refresh_action = self._action("&Refresh", self.reload,
                                           QKeySequence.StandardKey.Refresh)
        toolbar = self.addToolBar("Order list")
        toolbar.setObjectName("order-toolbar")
        toolbar.addActions([self.export_csv, self.export_pdf, self.refresh_action])

    def _action(self, text: str, handler: Callable[[], object],
                shortcut: str | QKeySequence.StandardKey) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: handler())
        self.addAction(action)
        return action

    def _fill_suppliers(self) -> None:
        self.supplier.blockSignals(True)
        self.supplier.addItem("All suppliers", ALL_SUPPLIERS)
        for supplier in services.list_suppliers():
            self.supplier.addItem(supplier.name, supplier.id)
        self.supplier.blockSignals(False)

    def reload(self) -> None:
        """Read the list again (edited quantities are dropped)."""
        chosen = self.supplier.currentData()
        try:
            lines = services.order_list(
                supplier_id=None if chosen in (None, ALL_SUPPLIERS) else chosen,
                below_par=self.below_par.isChecked())
            symbol = services.currency_symbol()
        except InventoryError as error:
            self.statusBar().showMessage(f"Could not read the order list: {error}", 8000)
            return
        self.model.set_lines(lines, symbol)
        self.tree.expandAll()
        if lines:
            first = self.model.index(0, ORDER_COLUMN, self.model.index(0, 0))
            self.tree.setCurrentIndex(first)
        self._update_total()

    def report(self) -> Report:
        """The list as shown, edited quantities included (what the exports write)."""
        return order_layout(self.model.lines(), self.below_par.isChecked())

    def _update_total(self) -> None:
        lines = self.model.lines()
        total, unpriced = services.order_total(lines)
        text = f"Estimated total: <b>{cell_text(total, MONEY, self.model.symbol)}</b>"
        if unpriced:
            text += f" ({unpriced} line{'s' if unpriced != 1 else ''} without a known cost)"
        self.total.setText(text if lines else "Nothing to order.")

    def _export_csv(self) -> None:
        self._say(report_exports.export_csv(self, self.report()))

    def _export_pdf(self) -> None:
        self._say(report_exports.export_pdf(self, self.report(), self.model.symbol))

    def _say(self, path: object) -> None:
        if path is not None:
            self.statusBar().showMessage(f"Wrote {path}.", 10_000)
