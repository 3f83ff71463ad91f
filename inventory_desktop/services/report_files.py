"""Reports as CSV files a spreadsheet opens: a header row, exact decimals, no formulas.

Money is written with every place the ledger keeps (12.50, 0.8234), without
a currency symbol; a value that is not known says so in words rather than
leaving a blank a spreadsheet would add up as 0. A text cell a spreadsheet
would run as a formula (=, +, -, @, tab or CR first) is written with a quote
in front. The file appears whole or not at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from .. import atomic_files
from ..errors import DataFileError
from .report_document import COST, MONEY, NOT_KNOWN, Report, Table, cell_exact

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_report_csv(report: Report, path: Path) -> int:
    """Write the report's main table to `path` (atomically); returns the number of rows."""
    return write_table_csv(report.main_table, path)


def write_table_csv(table: Table, path: Path) -> int:
    """One table as CSV: header keys, then its rows, then its total row (if any)."""
    text = table_csv(table).encode("utf-8-sig")
    with refusing_os_errors(path), atomic_files.replacing(path) as handle:
        handle.write(text)
    return len(table.rows) + (table.total is not None)


@contextmanager
def refusing_os_errors(path: Path) -> Iterator[None]:
    """Turn a file that cannot be written (no such folder, no permission, disk full) into a
    sentence; the atomic write has left nothing behind."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        raise DataFileError(f"{path} could not be written ({reason}); nothing was "
                            "written.") from error


def table_csv(table: Table) -> str:
    """The CSV text of a table (CRLF line ends, as spreadsheets write them)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(column.key for column in table.columns)
    rows = table.rows + ([table.total] if table.total is not None else [])
    for row in rows:
        writer.writerow(_cell(value, column.kind)
                        for value, column in zip(row, table.columns, strict=True))
    return text.getvalue()


def _cell(value: object, kind: str) -> str:
    if isinstance(value, Decimal):
        # A number, written by us: "-2.5" is a number to a spreadsheet, not a formula.
        return cell_exact(value, kind) or ""
    if value is None:
        return NOT_KNOWN if kind in (MONEY, COST) else ""
    return neutral(str(value))


def neutral(text: str) -> str:
    """`text`, with a quote in front if a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
