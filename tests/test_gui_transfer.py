"""Import and export from the window: the report before anything is written; progress, Cancel."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import snapshot
from gui_helpers import isolate_settings, open_main_window, shown, wait_loaded, when_modal
from PySide6.QtWidgets import QWidget

from inventory_desktop import db, services
from inventory_desktop.services import export as export_module
from inventory_desktop.ui.transfer.export_dialog import ExportDialog, ExportRequest
from inventory_desktop.ui.transfer.import_dialog import ImportDialog

pytestmark = pytest.mark.gui

BAD = ("Name;SKU;Unit;Threshold;Quantity\n"
       "Flour T55;FL-55;kg;10;25,5\n"
       "Olive oil;OIL-1;barrel;2;12\n"
       "Eggs;EGG;pcs;60;180\n")


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path) -> None:
    isolate_settings(tmp_path / "settings")


@pytest.fixture
def window(qtbot, data_file: Path):
    services.create_item("Salt", "kg", "SALT", None, "3")
    return open_main_window(qtbot)


def _table(dialog: ImportDialog) -> list[list[str]]:
    model = dialog.model
    return [[model.index(row, column).data() for column in range(model.columnCount())]
            for row in range(model.rowCount())]


def test_the_import_report_names_the_bad_row_and_nothing_is_written(qtbot, qtmodeltester,
                                                                    window, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text(BAD, encoding="utf-8")
    before = snapshot(db.current_file().path)
    seen: list[str] = []

    def look(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        qtmodeltester.check(dialog.model)
        rows = _table(dialog)
        assert rows[1] == ["3", "Problem", "OIL-1", "Olive oil", "Unit", "barrel",
                           "The unit must be one of kg, g, L, mL, piece, portion, other "
                           "(not 'barrel')."]
        assert [row[1] for row in rows] == ["New item", "Problem", "New item"]
        assert not dialog.import_button.isEnabled()
        assert dialog.summary.text().startswith("1 problem on 1 line: correct the file")
        assert dialog.read_as.text() == "UTF-8, semicolon-separated"
        dialog.reject()

    when_modal(look, seen)
    assert window.transfer.import_file(path) is None
    assert seen == ["Import items — stock.csv"]
    assert snapshot(db.current_file().path) == before


def test_a_good_file_is_imported_after_looking_at_its_report(qtbot, window, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text(BAD.replace("barrel", "litre"), encoding="utf-8")

    def import_it(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        assert [row[1] for row in _table(dialog)] == ["New item"] * 3
        assert dialog.summary.text() == "Items: 3 would be created, 0 would be updated."
        assert dialog.import_button.isEnabled()
        dialog.import_button.click()

    when_modal(import_it)
    report = window.transfer.import_file(path)
    assert report is not None and report.written
    wait_loaded(qtbot, window)
    assert shown(window) == ["Eggs", "Flour T55", "Olive oil", "Salt"]
    assert window.statusBar().currentMessage() == "Items: 3 created, 0 updated."


def test_choosing_the_separator_reads_the_file_again(qtbot, window, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text("Name;Unit\nFlour;kg\n", encoding="utf-8")
    dialog = ImportDialog(window, path,
                          lambda o: services.import_items_file(path, dry_run=True,
                                                               separator=o.separator),
                          lambda o: services.import_items_file(path, separator=o.separator))
    qtbot.addWidget(dialog)
    assert dialog.import_button.isEnabled()
    dialog.separator.setCurrentText("Comma")
    assert "cannot be imported" in dialog.summary.text()
    assert "has no name column" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    dialog.separator.setCurrentText("Detected")
    assert dialog.import_button.isEnabled()


def test_export_runs_with_progress_and_a_cancel_leaves_no_file(qtbot, window, tmp_path,
                                                               monkeypatch):
    salt = services.find_item("SALT")
    for _ in range(12):
        services.add_stock(salt.id, "1")
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 1)
    target = tmp_path / "movements.csv"
    request = ExportRequest("movements", services.ExportFilters())
    result = window.transfer.export_to(request, target)
    assert result is not None and result.rows == 13 and target.exists()
    assert window.statusBar().currentMessage() == f"Exported 13 movements to {target}."

    cancelled = tmp_path / "cancelled.csv"
    real = export_module._csv_text

    def slow(rows):  # on the worker thread: gives the person time to press Cancel
        time.sleep(0.05)
        return real(rows)

    monkeypatch.setattr(export_module, "_chunked",
                        lambda cursor, size=1000: iter(
                            [[row] for row in cursor.fetchall()]))
    monkeypatch.setattr(export_module, "_csv_text", slow)
    when_modal(lambda progress: progress.cancel())
    assert window.transfer.export_to(request, cancelled) is None
    assert not cancelled.exists()
    assert not [name for name in os.listdir(tmp_path) if "cancelled" in name]
    assert window.statusBar().currentMessage() == "Export cancelled: no file was written."


def test_the_export_dialog_narrows_movements(qtbot, window):
    salt = services.find_item("SALT")
    dialog = ExportDialog(window, salt)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(1)
    dialog.only_item.setChecked(True)
    dialog.reason.setCurrentText("Waste")
    dialog.between.setChecked(True)
    request = dialog.request()
    assert (request.kind, request.filters.item_id, request.filters.reason) == (
        "movements", salt.id, "waste")
    assert request.filters.since is not None and request.filters.until is not None
    dialog.kind.setCurrentIndex(0)
    assert not dialog.only_item.isEnabled() and dialog.request().filters.item_id is None
