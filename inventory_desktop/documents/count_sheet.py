"""The count sheet: every line of a stocktake, area by area in walk order, with empty columns.

Counters fill in packs and loose units on paper (or a tablet's copy of the
CSV); a blind sheet leaves out what the ledger expects, so nobody counts
towards a number.
"""

from __future__ import annotations

import html
from itertools import groupby
from pathlib import Path

from ..clock import local_display
from ..quantity import format_decimal
from ..services import Sheet, SheetLine
from .pdf import write_pdf

_STYLE = """
<style>
  h2 { font-size: 12pt; margin-top: 12pt; margin-bottom: 4pt; }
  p.meta { font-size: 8pt; color: #444; }
  th { background-color: #e8e8e8; font-weight: bold; text-align: left; font-size: 8pt; }
  td { font-size: 9pt; }
</style>
"""
# Column widths (percent): the blank columns are wide enough to write in.
_WIDTHS = {"Item": 34, "SKU": 11, "Unit": 7, "Pack": 12, "Expected": 10, "Packs": 13,
           "Loose": 13}


def write_count_sheet(sheet: Sheet, path: Path, *, paper: str = "a4",
                      blind: bool | None = None) -> int:
    """Write the printable count sheet; returns the number of pages."""
    hide = sheet.stocktake.blind if blind is None else blind
    title = f"Count sheet — stocktake {sheet.stocktake.id}: {sheet.stocktake.name}"
    return write_pdf(path, sheet_html(sheet, hide=hide), title=title, paper=paper)


def sheet_html(sheet: Sheet, *, hide: bool) -> str:
    """The sheet as HTML: one table per area, in walk order."""
    stocktake = sheet.stocktake
    scope = ", ".join(stocktake.areas) if stocktake.areas else "every active item"
    parts = [_STYLE, f"<p class='meta'>{html.escape(scope)}"
                     f"{' — blind count' if hide else ''}; started "
                     f"{html.escape(local_display(stocktake.started_at))} by "
                     f"{html.escape(stocktake.started_by)}. Counted by: ______________"
                     "</p>"]
    for area, lines in groupby(sheet.lines, key=lambda line: line.area_name):
        parts.append(f"<h2>{html.escape(area or 'Not kept in any area')}</h2>")
        parts.append(_table(list(lines), hide))
    return "".join(parts)


def _table(lines: list[SheetLine], hide: bool) -> str:
    head = ["Item", "SKU", "Unit", "Pack"] + ([] if hide else ["Expected"]) + ["Packs", "Loose"]
    spare = _WIDTHS["Expected"] if hide else 0
    header = "".join(
        f"<th width='{_WIDTHS[h] + (spare // 2 if h in ('Packs', 'Loose') else 0)}%'>{h}</th>"
        for h in head)
    rows = []
    for line in lines:
        cells = [html.escape(line.name), html.escape(line.sku or f"#{line.item_id}"),
                 html.escape(line.unit), html.escape(_pack(line))]
        row = "".join(f"<td>{cell}</td>" for cell in cells)
        if not hide:
            row += f"<td align='right'>{format_decimal(line.on_hand)}</td>"
        packs = "" if line.pack_size else "—"
        row += f"<td align='center'>{packs}</td><td></td>"
        rows.append(f"<tr>{row}</tr>")
    return ("<table width='100%' border='1' cellspacing='0' cellpadding='5'>"
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _pack(line: SheetLine) -> str:
    if line.pack_size is None:
        return ""
    return f"{line.pack_name or 'pack'} of {format_decimal(line.pack_size)}"
