"""The storage areas and suppliers dialogs: each button changes the file at once, refusals said."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog

from inventory_desktop import services
from inventory_desktop.ui.items.suppliers_dialog import SuppliersDialog
from inventory_desktop.ui.stocktake.areas_dialog import AreasDialog


def _texts(dialog) -> list[str]:
    return [dialog.entries.item(row).text() for row in range(dialog.entries.count())]


@pytest.fixture
def typed(monkeypatch):
    """What the next name prompt will return, as if typed and confirmed."""
    answers: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *args, **kwargs: (answers.pop(0), True))
    return answers


def test_suppliers_are_added_renamed_archived_and_restored(qtbot, data_file, typed):
    dialog = SuppliersDialog(None, lambda: "ana")
    qtbot.addWidget(dialog)
    typed += ["Metro", "Bakers Ltd"]
    dialog.add()
    dialog.add()
    assert _texts(dialog) == ["Bakers Ltd — 0 item(s)", "Metro — 0 item(s)"]
    assert dialog.selected() == services.find_supplier("Bakers Ltd").id
    typed.append("metro")  # the same name in another case
    dialog.add()
    assert dialog.message.text() == "There is already a supplier called Metro."
    assert len(services.list_suppliers()) == 2
    typed.append("Bakers & Sons")
    dialog.rename()
    assert services.find_supplier("Bakers & Sons").id == dialog.selected()
    dialog.set_active(False)
    assert _texts(dialog) == ["Metro — 0 item(s)"]
    dialog.show_archived.setChecked(True)
    assert "Bakers & Sons — 0 item(s) (archived)" in _texts(dialog)
    dialog.entries.setCurrentRow(0)
    dialog.set_active(True)
    assert [s.name for s in services.list_suppliers()] == ["Bakers & Sons", "Metro"]
    audit = services.audit_entries(table_name="supplier")
    assert {entry.actor for entry in audit} == {"ana"}


def test_areas_keep_their_walk_order_and_refuse_archiving_a_used_one(qtbot, data_file, typed):
    dialog = AreasDialog(None, lambda: None)
    qtbot.addWidget(dialog)
    typed += ["Dry store", "Walk-in"]
    dialog.add()
    dialog.add()
    assert _texts(dialog) == ["1. Dry store — 0 item(s)", "2. Walk-in — 0 item(s)"]
    dialog.move(-1)  # Walk-in, just added and selected, goes first
    assert _texts(dialog) == ["1. Walk-in — 0 item(s)", "2. Dry store — 0 item(s)"]
    services.create_item("Milk", "L", areas=[services.find_area("Walk-in").id])
    dialog.refresh(services.find_area("Walk-in").id)
    dialog.archive()
    assert "still holds 1 item(s)" in dialog.message.text()
    assert [a.name for a in services.list_areas()] == ["Walk-in", "Dry store"]
