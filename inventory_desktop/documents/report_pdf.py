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
        width = _CHART_WIDTH_PT[landscape]
        for chart in report.charts:
            if not chart.has_data:
                parts.append(f"<p class='meta'>{html.escape(chart.title)}: "
                             f"{html.escape(chart.empty)}</p>")
                continue
            data = base64.b64encode(chart_png(chart, symbol)).decode("ascii")
            parts.append(f"<p><img src='data:image/png;base64,{data}' width='{width}' "
                         f"height='{width * 300 // 720}'></p>")
    for number, table in enumerate(report.tables):
        # An order goes to each supplier on its own sheet.
        own_page = " style='page-break-before: always'" if (
            report.page_per_table and number) else ""
        parts.append(f"<p class='heading'{own_page}>{html.escape(table.title)}</p>")
        parts.append(_table(table, symbol))
    return "".join(parts)


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
    cells = "".join(
        f"<td{mark} align='{_align(column.numeric)}'>"
        f"{html.escape(cell_text(value, column.kind, symbol))}</td>"
        for value, column in zip(row, table.columns, strict=True))
    return f"<tr>{cells}</tr>"


def _align(numeric: bool) -> str:
    return "right" if numeric else "left"
