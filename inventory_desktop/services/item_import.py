"""Importing items from a CSV file: every row checked first, then all of them in one write.

Each row becomes a plan: create a new item (booking its initial quantity as
an 'initial' receipt), update the item with its SKU (or, without a SKU, the
one item with its name), or leave it as it is. Any bad row, or any row that
could not be applied, and nothing is written: the report names each one by
line and column. Importing the same file again changes nothing and says so.
The initial quantity of an item that already exists is never booked again:
its stock moves only by receipts, deductions and adjustments.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import clock, db
from ..db import database
from ..errors import DataFileError, ValidationError
from ..file_identity import resolved_path
from . import csv_text
from ._write import writing
from .import_columns import (
    Column,
    NumberStyle,
    column_for,
    plain_fields,
    required,
    uses_decimal_comma,
)
from .import_plan import Existing, ImportProblem, ImportRow, ParsedRow, plan_rows
from .ledger import book_initial

_NUMBER_FIELDS = ("low_stock_threshold", "initial_quantity")


@dataclass(frozen=True)
class ImportReport:
    rows: tuple[ImportRow, ...] = ()
    problems: tuple[ImportProblem, ...] = ()
    encoding: str = ""
    separator: str = ""
    ignored_columns: tuple[str, ...] = ()
    written: bool = False
    dry_run: bool = False
    labels: dict[int, tuple[str, str]] = dataclasses.field(default_factory=dict, repr=False,
                                                           compare=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def summary(self) -> str:
        """One sentence: what was (or would be) done, or why nothing was."""
        if self.problems:
            lines = len({problem.line for problem in self.problems})
            found = (f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} on "
                     f"{lines} line{'s' if lines != 1 else ''}")
            if self.dry_run:
                return (f"{found.capitalize()}: correct the file, then import it; nothing is "
                        "written until every line is right.")
            return f"Nothing was imported: {found}; correct the file and import it again."
        created, updated = self.count("create"), self.count("update")
        unchanged = self.count("unchanged")
        if not self.rows:
            return "The file lists no items: nothing to import."
        if not created and not updated:
            return (f"Nothing to change: all {unchanged} item{'s are' if unchanged != 1 else ' is'}"
                    " already as the file says.")
        done = "" if self.written else "would be "
        parts = [f"{created} {done}created", f"{updated} {done}updated"]
        if unchanged:
            parts.append(f"{unchanged} already as the file says")
        return f"Items: {', '.join(parts)}."


def import_items(data: bytes, *, dry_run: bool = False, separator: str | None = None,
                 encoding: str | None = None, user: str | None = None) -> ImportReport:
    """Import the items in a CSV file (all or nothing); with `dry_run`, only report.

    A file that cannot be read at all raises ValidationError; bad rows are in
    the report's `problems`, and then nothing was written.
    """
    table = csv_text.read_table(data, separator=separator, encoding=encoding)
    columns, ignored = _columns(table.header)
    parsed, problems = _parse(table, columns)
    base = ImportReport(encoding=table.encoding, separator=table.separator_name,
                        ignored_columns=tuple(ignored), dry_run=dry_run,
                        labels=_labels(table, columns))
    present = {column.field for column in columns.values()}
    rows, found = plan_rows(parsed, present, _existing())
    if dry_run or problems or found or not _changes_anything(rows):
        # Nothing to write: no write lock taken, nothing committed.
        return _report(base, rows, problems + found)
    with writing(user) as actor:
        # Planned again under the write lock: another program may have changed
        # the items since.
        rows, found = plan_rows(parsed, present, _existing())
        if found:
            return _report(base, rows, found)  # nothing applied yet: the transaction is empty
        _apply(rows, parsed, actor)
    return _report(base, rows, [], written=True)


def import_items_file(path: str | Path, **options: Any) -> ImportReport:
    """import_items on the file at `path` (a sentence when it cannot be read)."""
    source = resolved_path(path)
    try:
        with source.open("rb") as handle:
            data = handle.read(csv_text.MAX_BYTES + 1)
    except FileNotFoundError:
        raise DataFileError(f"There is no file at {source}.") from None
    except IsADirectoryError:
        raise DataFileError(f"{source} is a folder; name a CSV file.") from None
    except OSError as exc:
        raise DataFileError(f"{source} cannot be read: {exc.strerror or exc}.") from exc
    return import_items(data, **options)


def _changes_anything(rows: list[ImportRow]) -> bool:
    return any(row.action != "unchanged" for row in rows)


def _report(base: ImportReport, rows: list[ImportRow], problems: list[ImportProblem], *,
            written: bool = False) -> ImportReport:
    labelled = [dataclasses.replace(problem, name=base.labels.get(problem.line, ("", ""))[0],
                                    sku=base.labels.get(problem.line, ("", ""))[1])
                for problem in sorted(problems, key=lambda problem: problem.line)]
    return dataclasses.replace(base, rows=tuple(rows), problems=tuple(labelled),
                               written=written, labels={})


def _labels(table: csv_text.CsvTable, columns: dict[int, Column]) -> dict[int, tuple[str, str]]:
    # Each line's name and SKU as written, for telling which row a problem is on.
    where = {column.field: position for position, column in columns.items()}

    def cell(cells: tuple[str, ...], field: str) -> str:
        position = where.get(field, len(cells))
        return cells[position].strip()[:80] if position < len(cells) else ""

    return {line: (cell(cells, "name"), cell(cells, "sku")) for line, cells in table.records}


def _columns(header: Iterable[str]) -> tuple[dict[int, Column], list[str]]:
    columns: dict[int, Column] = {}
    ignored = []
    seen: dict[str, str] = {}
    for position, title in enumerate(header):
        column = column_for(title)
        if column is None:
            if title:
                ignored.append(title)
            continue
        if column.field in seen:
            raise ValidationError(
                f"Two columns give the same field: {seen[column.field]!r} and {title!r}; "
                "keep one of them.")
        seen[column.field] = title
        columns[position] = column
    for column in required():
        if column.field not in seen:
            raise ValidationError(
                f"The file has no {column.headers[0]} column (a header such as "
                f"{', '.join(repr(h) for h in column.headers[:3])}); the columns found are "
                f"{', '.join(repr(h) for h in header if h) or 'none'}. The first row must "
                "name the columns.")
    return columns, ignored


def _parse(table: csv_text.CsvTable, columns: dict[int, Column]
           ) -> tuple[list[ParsedRow], list[ImportProblem]]:
    style = NumberStyle(
        comma_allowed=table.separator != ",",
        comma_used=table.separator != "," and any(
            uses_decimal_comma(cells[position]) for _line, cells in table.records
            for position, column in columns.items()
            if column.field in _NUMBER_FIELDS and position < len(cells)))
    parsed, problems = [], []
    for line, cells in table.records:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) > len(table.header) and any(c.strip() for c in cells[len(table.header):]):
            problems.append(ImportProblem(
                line, "", f"this line has {len(cells)} cells but the header has "
                f"{len(table.header)}: a separator inside a value needs quotes"))
            continue
        row, found = ParsedRow(line), []
        for position, column in columns.items():
            cell = csv_text.unneutralised(cells[position]) if position < len(cells) else ""
            try:
                row.values[column.field] = column.read(cell, style)
            except ValidationError as error:
                found.append(ImportProblem(line, table.header[position], str(error),
                                           cell[:80]))
        if found:
            problems += found  # a row with a bad cell is not planned at all
        else:
            parsed.append(row)
    return parsed, problems


def _existing() -> Existing:
    plain = "".join(f", {name}" for name in plain_fields())
    cursor = database.execute_sql(
        "SELECT id, name, sku, unit, current_quantity, low_stock_threshold, is_active, "
        f"EXISTS (SELECT 1 FROM stock_movement WHERE stock_item_id = stock_item.id){plain} "
        "FROM stock_item")
    return Existing.of(cursor, plain_fields())


def _insert_item_sql() -> str:
    inserted = ("name", "sku", "unit", "low_stock_threshold", "low_stock_alert_sent",
                *plain_fields())
    return (f"INSERT INTO stock_item ({', '.join(inserted)}) "
            f"VALUES ({', '.join('?' * len(inserted))})")


def _apply(rows: list[ImportRow], parsed: list[ParsedRow], actor: str) -> None:
    by_line = {row.line: row for row in parsed}
    execute = db.run
    insert = _insert_item_sql() + " RETURNING id"
    for index, row in enumerate(rows):
        if row.action == "create":
            item_id = _create(execute, insert, by_line[row.line].values, actor)
            rows[index] = dataclasses.replace(row, item_id=item_id)
        elif row.action == "update":
            _update(execute, row)


def _create(execute, insert: str, values: dict[str, Any], actor: str) -> int:
    threshold = values.get("low_stock_threshold")
    initial = values.get("initial_quantity") or 0
    # As create_item: an empty item with a threshold is low from the start.
    low = not initial and threshold is not None
    item_id = execute(insert, (values["name"], values.get("sku"), values["unit"], threshold,
                               low, *(values.get(name) for name in plain_fields()))
                      ).fetchone()[0]
    if initial:
        book_initial(item_id, initial, actor=actor)
    if values.get("is_active") is False:
        execute("UPDATE stock_item SET is_active = ? WHERE id = ?", (False, item_id))
    return item_id


def _update(execute, row: ImportRow) -> None:
    changes = dict(row.changes)
    if "low_stock_threshold" in changes:
        # As update_item: the alert follows the new threshold at once.
        (quantity,) = execute("SELECT current_quantity FROM stock_item WHERE id = ?",
                              (row.item_id,)).fetchone()
        threshold = changes["low_stock_threshold"]
        changes["low_stock_alert_sent"] = threshold is not None and quantity <= threshold
    if "is_active" in changes:
        changes["is_active"] = bool(changes["is_active"])
    changes["updated_at"] = clock.now_stored()
    assignments = ", ".join(f"{column} = ?" for column in changes)
    execute(f"UPDATE stock_item SET {assignments} WHERE id = ?", (*changes.values(), row.item_id))
