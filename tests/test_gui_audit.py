"""The audit window: an item's change history and the paged audit log, read-only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTabWidget

from inventory_desktop import services
from inventory_desktop.errors import DatabaseBusyError
from inventory_desktop.ui.audit.audit_model import (
    AuditTableModel,
    ItemChangesModel,
    changes_text,
    value_text,
)
from inventory_desktop.ui.audit.audit_window import AuditWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def flour(data_file) -> services.ItemRow:
    item = services.create_item("Flour", "kg", "FL-1", "2", 10, user="ana")
    services.update_item(item.id, name="Bread flour", low_stock_threshold="2.5", user="ben")
    services.deduct_stock(item.id, "8.5", "order_usage", user="ana")
    services.archive_item(item.id, user="ben")
    return services.get_item(item.id)


def column(model, number: int) -> list[str]:
    return [model.index(r, number).data() for r in range(model.rowCount())]


def test_values_read_as_quantities_flags_and_dashes():
    assert value_text("current_quantity", 15000) == "1.5"
    assert value_text("low_stock_threshold", None) == "—"
    assert value_text("is_active", 0) == "archived"
    assert value_text("low_stock_alert_sent", 1) == "raised"
    assert changes_text("update", {"current_quantity": [100000, 15000]}) == "on hand: 10 → 1.5"
    assert changes_text("insert", {"name": [None, "Salt"], "sku": [None, None]}) == "name: Salt"


def test_models_pass_the_qt_model_tester(qtmodeltester, flour):
    audit = AuditTableModel(page_size=3)
    audit.set_scope(None)
    qtmodeltester.check(audit)
    changes = ItemChangesModel(page_size=2)
    changes.set_item(flour.id)
    qtmodeltester.check(changes)


def test_audit_log_is_paged_newest_first(flour):
    model = AuditTableModel(page_size=3)
    model.set_scope(None)
    assert model.rowCount() == 3 and model.canFetchMore(QModelIndex())
    everything = services.audit_entries(limit=100)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert [model.row_at(r).id for r in range(model.rowCount())] == [e.id for e in everything]


def test_item_changes_tab_shows_each_state_and_what_changed(qtbot, flour):
    window = AuditWindow(None, flour.id)
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "Changes — Bread flour"
    assert window.tabs.tabText(0) == "Item &changes"
    model = window.changes_model
    assert column(model, 2) == ["Changed", "Changed", "Changed", "Changed", "Created"]
    assert column(model, 1) == ["ben", "ana", "ben", "ana", "ana"]
    assert column(model, 9) == ["status", "on hand", "name, threshold", "on hand", ""]
    assert column(model, 6)[0] == "1.5 kg" and column(model, 8)[0] == "archived"
    assert window.status.text() == "5 recorded states of Bread flour."


def test_what_changed_waits_for_the_older_page(qtmodeltester, flour):
    model = ItemChangesModel(page_size=2)
    model.set_item(flour.id)
    assert column(model, 9) == ["status", ""]  # the older state is not read yet
    model.fetchMore(QModelIndex())
    assert column(model, 9) == ["status", "on hand", "name, threshold", ""]
    model.fetchMore(QModelIndex())
    assert column(model, 9) == ["status", "on hand", "name, threshold", "on hand", ""]
    assert model.complete
    qtmodeltester.check(model)


def test_audit_tab_shows_readable_changes_for_this_item(qtbot, flour):
    window = AuditWindow(None, flour.id)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(1)
    model = window.audit_model
    assert set(column(model, 3)) == {"Item Bread flour (FL-1)"}
    newest, *_rest, oldest = column(model, 4)
    assert "status: active → archived" in newest
    assert oldest.startswith("name: Flour; SKU: FL-1; unit: kg; on hand: 0 kg; threshold: 2 kg")
    assert "on hand: 10 kg → 1.5 kg" in column(model, 4)[1]
    assert model.index(1, 4).data(Qt.ItemDataRole.ToolTipRole).count("\n") >= 1
    window.scope.setCurrentIndex(window.scope.findText("Movements"))
    assert set(column(model, 2)) == {"Created"}
    assert any(text.startswith("change: -8.5 kg; type: Out; reason: Order usage")
               for text in column(model, 4))
    assert any(text.startswith("Movement ") and text.endswith(" · Bread flour (FL-1)")
               for text in column(model, 3))


def test_whole_audit_log_without_an_item_has_no_tab_bar(qtbot, flour):
    window = AuditWindow(None, None)
    qtbot.addWidget(window)
    assert window.tabs is None and not window.findChildren(QTabWidget)
    assert window.windowTitle() == "Audit log"
    assert window.audit_model.rowCount() == len(services.audit_entries(limit=100))
    assert window.status.text() == f"{window.audit_model.rowCount()} audit entries."


def test_an_audit_window_for_an_item_that_is_gone_says_so(qtbot, data_file):
    window = AuditWindow(None, 999)
    qtbot.addWidget(window)
    assert window.status.text() == "There is no item with id 999."


def test_changes_recorded_meanwhile_appear_in_both_tabs_while_shown(qtbot, flour):
    window = AuditWindow(None, flour.id)
    qtbot.addWidget(window)
    window.show()
    assert window.changes_model.rowCount() == 5
    entries = window.audit_model.rowCount()
    services.restore_item(flour.id, user="cleo")
    qtbot.waitUntil(lambda: window.changes_model.rowCount() == 6, timeout=3000)
    assert column(window.changes_model, 1)[0] == "cleo"
    assert column(window.changes_model, 9)[0] == "status"
    assert window.audit_model.rowCount() == entries + 1
    assert window.audit_model.index(0, 4).data() == "status: archived → active"


def test_audit_log_names_items_with_sku_units_and_each_movement_s_item(qtbot, flour):
    salt = services.create_item("Salt", "g", None, "100", "250", user="ana")
    temporary = services.create_item("Temporary", "kg", "TMP", user="ana")
    services.delete_item(temporary.id, user="ben")
    window = AuditWindow(None, None)
    qtbot.addWidget(window)
    window.show()
    model = window.audit_model
    records, changes = column(model, 3), column(model, 4)
    assert records[0] == "Item Temporary (TMP)"  # deleted: named from its history
    assert f"Item Salt (#{salt.id})" in records  # no SKU: named by the id Ctrl+F finds
    salt_in = next(m for m in services.list_movements(item_id=salt.id))
    row = records.index(f"Movement {salt_in.id} · Salt (#{salt.id})")
    assert changes[row].startswith("change: +250 g; type: In; reason: Initial stock;")
    assert "balance after: 250 g" in changes[row]
    assert f"item: Salt (#{salt.id})" in model.index(row, 4).data(Qt.ItemDataRole.ToolTipRole)
    deleted = changes[0]  # what it was when deleted, not "→ —" for every field
    assert deleted.startswith("name: Temporary; SKU: TMP; unit: kg") and "→" not in deleted
    assert not any("Item #" in text or "Movement #" in text for text in records)


def test_more_than_a_page_of_new_entries_starts_again_from_the_newest(flour):
    model = AuditTableModel(page_size=3)
    model.set_scope(None)
    newest = model.row_at(0).id
    assert model.load_newer() == 0
    services.create_item("Salt", "kg", None, None, 1)  # item + movement + item update
    services.create_item("Sugar", "kg")
    assert model.load_newer() == 3
    assert model.rowCount() == 3 and model.row_at(2).id > newest


def test_scoping_the_audit_log_to_a_table_keeps_only_that_table_newest_first(flour):
    items = services.audit_entries(table_name="stock_item", limit=100)
    movements = services.audit_entries(table_name="stock_movement", limit=100)
    everything = services.audit_entries(limit=100)
    assert {e.table_name for e in items} == {"stock_item"}
    assert {e.table_name for e in movements} == {"stock_movement"}
    assert sorted(e.id for e in items + movements) == sorted(e.id for e in everything)
    assert [e.id for e in items] == sorted((e.id for e in items), reverse=True)
    older = services.audit_entries(table_name="stock_item", before_id=items[1].id, limit=100)
    assert [e.id for e in older] == [e.id for e in items[2:]]


def test_item_history_pages_newest_first_for_long_ledgers(flour):
    everything = services.item_history(flour.id)
    assert [h.history_id for h in everything] == sorted(h.history_id for h in everything)
    newest = services.item_history(flour.id, newest_first=True, limit=2)
    assert [h.history_id for h in newest] == [h.history_id for h in everything[::-1][:2]]
    older = services.item_history(flour.id, newest_first=True, limit=10,
                                  before_id=newest[-1].history_id)
    assert [h.history_id for h in newest + older] == [h.history_id for h in everything[::-1]]


def test_a_busy_file_is_said_plainly_and_f5_reads_again(qtbot, flour, monkeypatch):
    reading = services.audit_entries

    def busy(**_scope):
        raise DatabaseBusyError("The data file is busy; try again in a moment.")

    monkeypatch.setattr(services, "audit_entries", busy)
    window = AuditWindow(None, None)
    qtbot.addWidget(window)
    assert window.status.text() == "The data file is busy; try again in a moment."
    assert window.audit_model.rowCount() == 0
    monkeypatch.setattr(services, "audit_entries", reading)
    window.refresh()
    assert window.audit_model.rowCount() == len(reading(limit=100))
