"""Loading items on a worker thread: only the newest load reaches the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from inventory_desktop import services
from inventory_desktop.errors import DatabaseBusyError
from inventory_desktop.ui.items.item_loader import ItemLoader

pytestmark = pytest.mark.gui


def test_a_superseded_load_is_dropped(qtbot, data_file: Path) -> None:
    services.create_item("Flour", "kg", "FL-01")
    loader = ItemLoader()
    delivered: list[list] = []
    loader.loaded.connect(delivered.append)
    loader.load(include_archived=False)
    services.create_item("Basil", "g")
    loader.load(include_archived=False)
    qtbot.waitUntil(lambda: not loader.busy, timeout=5000)
    assert [[item.name for item in items] for items in delivered] == [["Basil", "Flour"]]


def test_a_refusal_while_loading_is_reported_as_a_sentence(
        qtbot, data_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(**_filters: object) -> list:
        raise DatabaseBusyError("The data file is busy. Try again in a moment.")

    monkeypatch.setattr(services, "list_items", busy)
    loader = ItemLoader()
    with qtbot.waitSignal(loader.failed, timeout=5000) as failure:
        loader.load(include_archived=False)
    assert failure.args == ["The data file is busy. Try again in a moment."]
    assert not loader.busy
