"""Any report as a printable PDF: title, period, when it was made, its figures, charts and tables.

The running header repeats the title and period on every page, the footer
numbers the pages (pdf.py). Charts are drawn by QtCharts into images three
times their printed size, so they stay sharp on paper. Wide tables (the
period report's line per item) are printed on landscape pages.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from ..services.report_document import Figure, Report, Table, cell_text, figure_text
from .pdf import gui_application, write_pdf
from .report_charts import chart_png

_STYLE = """
<style>
  p.heading { font-size: 9pt; font-weight: bold; margin-top: 10pt; margin-bottom: 3pt; }
  p.meta { font-size: 8pt; color: #444; }
  p.note { font-size: 8pt; color: #8a4b00; }
  th { background-color: #e8e8e8; font-weight: bold; font-size: 7pt; }
  td { font-size: 7.5pt; }
  td.total { font-weight: bold; }
</style>
"""
_WIDE_COLUMNS = 9  # a table with more columns is printed landscape
_MAX_COLUMNS = 11  # ...and one with more than this is split, the item repeated in each part
_CHART_WIDTH_PT = {False: 500, True: 720}  # what fits between the margins


def write_report_pdf(report: Report, path: Path, *, symbol: str = "", paper: str = "a4",
                     charts: bool = True) -> int:
    """Write the report as a PDF at `path` (atomically); returns the number of pages."""
    gui_application()  # the charts are drawn before the pages
    landscape = any(len(table.columns) > _WIDE_COLUMNS for table in report.tables)
    title = f"{report.title} — {report.period}"
    return write_pdf(path, report_html(report, symbol, landscape=landscape, charts=charts),
                     title=title, paper=paper, landscape=landscape)


def report_html(report: Report, symbol: str = "", *, landscape: bool = False,
                charts: bool = True) -> str:
    """The report as HTML for Qt's text layout."""
    parts = [_STYLE, f"<p class='meta'>{html.escape(report.title)}: "
                     f"{html.escape(report.period)}. Generated {report.generated_at}.</p>"]
    if report.figures:
        parts.append(_figures(report.figures, symbol))
    parts += [f"<p class='note'>{html.escape(note)}</p>" for note in report.notes]
    if charts:
        parts.append(_charts(report, symbol, landscape))
    tables = [part for table in report.tables for part in _split(table)]
    for number, table in enumerate(tables):
        # An order goes to each supplier on its own sheet.
        own_page = " style='page-break-before: always'" if (
            report.page_per_table and number) else ""
        parts.append(f"<p class='heading'{own_page}>{html.escape(table.title)}</p>")
        parts.append(_table(table, symbol))
    return "".join(parts)


def _charts(report: Report, symbol: str, landscape: bool) -> str:
    # Two charts share a landscape page's width, side by side.
    drawn = [chart for chart in report.charts if chart.has_data]
    said = "".join(f"<p class='meta'>{html.escape(chart.title)}: {html.escape(chart.empty)}</p>"
                   for chart in report.charts if not chart.has_data)
    if not drawn:
        return said
    width = _CHART_WIDTH_PT[landscape] // (2 if landscape and len(drawn) > 1 else 1)
    images = [f"<img src='data:image/png;base64,"
              f"{base64.b64encode(chart_png(chart, symbol)).decode('ascii')}' "
              f"width='{width}' height='{width * 300 // 720}'>" for chart in drawn]
    if landscape:
        return said + "<table><tr>" + "".join(f"<td>{image}</td>" for image in images) + \
            "</tr></table>"
    return said + "".join(f"<p>{image}</p>" for image in images)


def _split(table: Table) -> list[Table]:
    """A table too wide for the page as several, each repeating the first column (the item)."""
    if len(table.columns) <= _MAX_COLUMNS:
        return [table]
    parts = []
    rest = range(1, len(table.columns))
    chunks = [list(rest[i:i + _MAX_COLUMNS - 1]) for i in range(0, len(rest), _MAX_COLUMNS - 1)]
    for number, chunk in enumerate(chunks):
        keep = [0, *chunk]
        title = table.title if number == 0 else f"{table.title} (continued)"
        parts.append(Table(title, tuple(table.columns[i] for i in keep),
                           [tuple(row[i] for i in keep) for row in table.rows],
                           None if table.total is None else tuple(table.total[i] for i in keep),
                           table.empty))
    return parts


def _figures(figures: list[Figure], symbol: str) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(figure.label)}</td>"
        f"<td align='right'>{html.escape(figure_text(figure, symbol))}</td></tr>"
        for figure in figures)
    return f"<table cellspacing='0' cellpadding='3' border='0'>{rows}</table>"


def _table(table: Table, symbol: str) -> str:
    if not table.rows:
        return f"<p class='meta'>{html.escape(table.empty)}</p>"
    header = "".join(f"<th align='{_align(column.numeric)}'>{html.escape(column.title)}</th>"
                     for column in table.columns)
    body = [_row(row, table, symbol, "") for row in table.rows]
    if table.total is not None:
        body.append(_row(table.total, table, symbol, " class='total'"))
    width = "100%" if len(table.columns) > 4 else "60%"
    return (f"<table width='{width}' border='1' cellspacing='0' cellpadding='3'>"
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _row(row: tuple, table: Table, symbol: str, mark: str) -> str:
    # Only the item's name may wrap: "-€150.18" or a SKU broken in two misleads.
    cells = "".join(
        f"<td{mark} align='{_align(column.numeric)}'{' nowrap' if number else ''}>"
        f"{html.escape(cell_text(value, column.kind, symbol))}</td>"
        for number, (value, column) in enumerate(zip(row, table.columns, strict=True)))
    return f"<tr>{cells}</tr>"


def _align(numeric: bool) -> str:
    return "right" if numeric else "left"
