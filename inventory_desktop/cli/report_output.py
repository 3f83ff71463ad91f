"""Printing a report: its figures and tables for people, exact decimal strings for scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..services.report_document import Report, Table, cell_exact, cell_text, figure_text
from .output import print_json, print_table


def print_report(report: Report, symbol: str) -> None:
    """The report as a person reads it in a terminal."""
    print(f"{report.title}: {report.period}")
    if report.figures:
        print()
        width = max(len(figure.label) for figure in report.figures)
        for figure in report.figures:
            print(f"  {figure.label + ':':<{width + 1}} {figure_text(figure, symbol)}")
    for note in report.notes:
        print(f"\nNote: {note}")
    for table in report.tables:
        print(f"\n{table.title}")
        if not table.rows:
            print(f"  {table.empty}")
            continue
        rows = [[cell_text(value, column.kind, symbol)
                 for value, column in zip(row, table.columns, strict=True)]
                for row in _with_total(table)]
        print_table([column.title.upper() for column in table.columns], rows,
                    right=[i for i, column in enumerate(table.columns) if column.numeric])


def print_report_json(report: Report) -> None:
    print_json(report_json(report))


def report_json(report: Report) -> dict[str, Any]:
    """Every figure and cell as an exact decimal string (null: not known or not entered)."""
    return {
        "report": report.kind, "title": report.title, "period": report.period,
        "generated_at": report.generated_at,
        "figures": {figure.key: cell_exact(figure.value, figure.kind)
                    for figure in report.figures},
        "notes": report.notes,
        "tables": [{"title": table.title, "rows": [_row(row, table) for row in table.rows],
                    "total": None if table.total is None else _row(table.total, table)}
                   for table in report.tables],
    }


def print_written(as_json: bool, written: list[tuple[Path, str]]) -> None:
    """Say which files were written (and how much each holds)."""
    if as_json:
        print_json({"files": [str(path) for path, _what in written]})
        return
    for path, what in written:
        print(f"Wrote {path} ({what}).")


def _row(row: tuple, table: Table) -> dict[str, str | None]:
    return {column.key: cell_exact(value, column.kind)
            for value, column in zip(row, table.columns, strict=True)}


def _with_total(table: Table) -> list[tuple]:
    return table.rows + ([table.total] if table.total is not None else [])
