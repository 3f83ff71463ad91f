"""A table view for long read-only lists: whole-row selection, fixed row heights."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def read_only_table(
    parent: QWidget, model: QAbstractItemModel, widths: tuple[int, ...],
) -> QTableView:
    """A view on `model` with the given column widths, the last column stretched."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    # Fixed row heights and set column widths: measuring contents would touch
    # every loaded row, and the ledger can be very long.
    vertical = table.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(table.fontMetrics().height() + 8)
    vertical.hide()
    header = table.horizontalHeader()
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    header.setStretchLastSection(True)
    return table


def fill_viewport(table: QTableView) -> None:
    """Fetch pages until the view is full or the model is complete.

    Qt fetches more on its own when the view is laid out or scrolled to the
    end, but not after a reset that leaves the row count unchanged (seen with
    Qt 6.11), so a refresh asks for itself.
    """
    model, root = table.model(), table.rootIndex()
    while model.canFetchMore(root):
        last = model.rowCount(root) - 1
        if last >= 0 and not table.viewport().rect().intersects(
                table.visualRect(model.index(last, 0, root))):
            return
        before = model.rowCount(root)
        model.fetchMore(root)
        if model.rowCount(root) == before:
            return
