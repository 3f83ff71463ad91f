"""The item table model: Qt's model checks, filtering, sorting and kept selections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import (
    QItemSelectionModel,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)

from inventory_desktop.services import ItemRow
from inventory_desktop.ui.items.item_table import (
    NAME,
    ON_HAND,
    SKU,
    STATUS,
    THRESHOLD,
    ItemTableModel,
)

pytestmark = pytest.mark.gui
_NOW = dt.datetime(2026, 11, 24, 12).isoformat()


def row(item_id: int, name: str, sku: str | None, quantity: str, threshold: str | None = None,
        active: bool = True, unit: str = "kg") -> ItemRow:
    return ItemRow(id=item_id, name=name, sku=sku, unit=unit, quantity=Decimal(quantity),
                   low_stock_threshold=None if threshold is None else Decimal(threshold),
                   low_stock_alert_sent=False, is_active=active, created_at=_NOW,
                   updated_at=_NOW)


ITEMS = [
    row(1, "Basil", "HRB-1", "0.25", "0.5"),
    row(2, "Flour", "FL-01", "12.5000", "5"),
    row(3, "mozzarella", None, "3", None),
    row(4, "Olive oil", "OIL-9", "4", "4", unit="L"),
    row(5, "Saffron", "SPC-2", "0.0125", None, active=False, unit="g"),
]


@pytest.fixture
def model(qtmodeltester) -> ItemTableModel:
    model = ItemTableModel()
    model.set_items(ITEMS)
    return model


def names(model: ItemTableModel) -> list[str]:
    return [model.index(r, NAME).data() for r in range(model.rowCount())]


def test_qt_model_checks_pass_through_filter_and_sort(qtmodeltester, model) -> None:
    qtmodeltester.check(model)
    model.set_filter("o")
    model.sort(ON_HAND, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_display_text_and_marks(model: ItemTableModel) -> None:
    assert [model.index(r, ON_HAND).data() for r in range(5)] == [
        "0.25 kg", "12.5 kg", "3 kg", "4 L", "0.0125 g"]
    assert [model.index(r, THRESHOLD).data() for r in range(5)] == [
        "0.5 kg", "5 kg", "", "4 L", ""]
    assert [model.index(r, STATUS).data() for r in range(5)] == [
        "low", "", "", "low", "archived"]
    assert model.index(0, NAME).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(4, NAME).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.low_count() == 2


def test_filter_matches_name_or_sku_in_any_case_and_narrows_step_by_step(model) -> None:
    model.set_filter("MOZ")
    assert names(model) == ["mozzarella"]
    model.set_filter("fl")
    assert names(model) == ["Flour"]
    model.set_filter("fl-0")
    assert names(model) == ["Flour"]
    model.set_filter("  ")
    assert names(model) == ["Basil", "Flour", "mozzarella", "Olive oil", "Saffron"]


@pytest.mark.parametrize(("column", "expected"), [
    (ON_HAND, ["Saffron", "Basil", "mozzarella", "Olive oil", "Flour"]),
    (SKU, ["Flour", "Basil", "Olive oil", "Saffron", "mozzarella"]),
    (THRESHOLD, ["Basil", "Olive oil", "Flour", "mozzarella", "Saffron"]),
])
def test_sorting_by_any_column(model, column: int, expected: list[str]) -> None:
    model.sort(column, Qt.SortOrder.AscendingOrder)
    assert names(model) == expected
    model.sort(column, Qt.SortOrder.DescendingOrder)
    assert names(model)[-1] == expected[0]


def test_selection_follows_its_item_through_filter_sort_and_reload(model) -> None:
    selection = QItemSelectionModel(model)
    selection.select(model.index(3, NAME), QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
    kept = QPersistentModelIndex(model.index(3, NAME))
    model.sort(ON_HAND, Qt.SortOrder.DescendingOrder)
    assert kept.data() == "Olive oil"
    model.set_filter("oil")
    assert kept.row() == 0 and kept.data() == "Olive oil"
    model.set_items([*ITEMS[:3], row(4, "Olive oil", "OIL-9", "9", "4", unit="L")])
    assert kept.data() == "Olive oil"
    assert model.index(kept.row(), ON_HAND).data() == "9 L"
    assert [i.row() for i in selection.selectedRows()] == [kept.row()]
    model.set_filter("basil")
    assert not kept.isValid()


def test_multi_data_answers_what_data_answers_and_clears_stale_values(model) -> None:
    roles = [role.value for role in (
        Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole, Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.UserRole)]
    for row_number in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row_number, column)
            for role in roles:
                answer = QModelRoleData(role)
                answer.setData("stale")  # the delegate reuses its span between cells
                model.multiData(index, QModelRoleDataSpan(answer))
                assert answer.data() == index.data(role), (row_number, column, role)


def test_put_item_updates_inserts_and_removes_one_item_in_place(qtmodeltester, model) -> None:
    kept = QPersistentModelIndex(model.index(1, NAME))  # Flour
    model.put_item(row(2, "Flour", "FL-01", "1", "5"), include_archived=True)
    assert model.index(1, ON_HAND).data() == "1 kg" and model.low_count() == 3
    model.put_item(row(6, "Cumin", "SPC-7", "0.2", None, unit="g"), include_archived=True)
    assert names(model) == ["Basil", "Cumin", "Flour", "mozzarella", "Olive oil", "Saffron"]
    assert kept.data() == "Flour"
    model.put_item(row(1, "Basil", "HRB-1", "0.25", "0.5", active=False), include_archived=False)
    assert names(model) == ["Cumin", "Flour", "mozzarella", "Olive oil", "Saffron"]
    assert model.low_count() == 2
    model.sort(ON_HAND, Qt.SortOrder.AscendingOrder)
    model.set_filter("o")
    model.put_item(row(4, "Olive oil", "OIL-9", "0.5", "4", unit="L"), include_archived=False)
    assert names(model) == ["Saffron", "Olive oil", "Flour", "mozzarella"]
    qtmodeltester.check(model)
