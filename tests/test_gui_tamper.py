"""The window on a file another program changed: a banner, no writes, its rows marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import raw, snapshot
from gui_helpers import isolate_settings, open_main_window, shown

from inventory_desktop import db, services
from inventory_desktop.ui.audit.audit_model import AuditTableModel

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def stocked(data_file: Path) -> Path:
    services.create_item("Flour", "kg", sku="FL-1", initial_quantity="10", user="ana")
    return data_file


def test_a_file_with_a_changed_schema_opens_with_a_banner_and_no_write_actions(qtbot, stocked):
    db.close_database()
    with raw(stocked) as other:
        other.execute("DROP TRIGGER stock_movement_append_only_delete")
        other.execute("CREATE TRIGGER stock_movement_append_only_delete BEFORE DELETE ON "
                      "stock_movement BEGIN SELECT 1; END")
    other.close()
    before = snapshot(stocked)
    db.open_database(stocked)
    window = open_main_window(qtbot)
    assert window.banner.isVisible()
    text = window.banner.text()
    assert "Changed by another program" in text and "stock_movement_append_only_delete" in text
    assert shown(window) == ["Flour"]  # reads still work
    commands = window.commands
    assert not any(action.isEnabled() for action in (
        commands.new_item, commands.receive, commands.deduct, commands.adjust, commands.edit))
    assert snapshot(stocked) == before


def test_the_audit_log_marks_rows_another_program_wrote(qtbot, stocked):
    with raw(stocked) as other:
        other.execute("INSERT INTO write_context (id, actor) VALUES (1, 'ana')")
        other.execute("UPDATE stock_item SET name = 'Rye flour' WHERE sku = 'FL-1'")
    other.close()
    model = AuditTableModel()
    model.set_scope(None)
    who = [model.index(row, 1).data() for row in range(model.rowCount())]
    # Newest first: the other program's change claims to be ana's; ours is plain.
    assert who[0] == "ana (another program, not sealed)"
    assert "ana" in who[1:] and all("not sealed" not in name for name in who[1:])
