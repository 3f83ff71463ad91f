"""The movements listing pages through a ledger of any size, by id cursor or offset."""

from __future__ import annotations

import json

from inventory_desktop import services
from inventory_desktop.cli import main as cli_main


def _page(data_file, capsys, *extra: str) -> list[int]:
    assert cli_main(["--db", str(data_file), "--json", "movements", "--limit", "10",
                     *extra]) == 0
    return [row["id"] for row in json.loads(capsys.readouterr().out)]


def test_every_movement_is_reached_page_by_page(data_file, capsys):
    flour = services.create_item("Flour", "kg", sku="FL-1")
    for _ in range(25):
        services.add_stock(flour.id, "1")
    seen: list[int] = []
    page = _page(data_file, capsys)
    while page:
        seen += page
        page = _page(data_file, capsys, "--before-id", str(page[-1]))
    assert seen == list(range(25, 0, -1))
    assert _page(data_file, capsys, "--offset", "20") == [5, 4, 3, 2, 1]
    assert cli_main(["--db", str(data_file), "movements", "--limit", "10"]) == 0
    assert capsys.readouterr().out.endswith(
        "More may follow: add --before-id 16 for the next page.\n")
    assert cli_main(["--db", str(data_file), "movements", "--offset", "1",
                     "--before-id", "3"]) == 2  # one way of paging at a time
    assert cli_main(["--db", str(data_file), "movements", "--before-id", "x"]) == 1
