"""Count sheets as CSV: written for a tablet or a spreadsheet, read back once filled in.

Reading is all or nothing, in one transaction: every bad row is reported by
its line number and reason and nothing is recorded, or every count is. The
file may be UTF-8 (with or without BOM) or UTF-16, comma- or
semicolon-separated, with CRLF or LF line ends; a decimal comma is read only
where the separator makes it unambiguous (not in a comma-separated file).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .. import atomic_files
from ..errors import DataFileError, InventoryError, ValidationError
from ..quantity import format_decimal, to_decimal
from . import validation
from ._write import writing
from .areas import list_areas
from .queries import find_item
from .stocktake_sheet import Sheet, SheetLine, stocktake_sheet
from .stocktakes import insert_counts, require_open

HEADER = ("area", "sku", "item_id", "name", "unit", "pack", "expected", "packs", "loose",
          "counted_by", "note")
_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class SheetRow:
    """A row of a filled-in sheet that will be (or was) recorded as a count."""

    line: int
    item_id: int
    name: str
    area_id: int | None
    area_name: str
    counted: Decimal
    packs: int | None
    counted_by: str | None


@dataclass
class ImportReport:
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    skipped: int = 0  # rows left blank: not counted
    recorded: bool = False


def write_sheet_csv(stocktake_id: int, path: Path, *, blind: bool | None = None) -> int:
    """Write the sheet as CSV (atomically); returns how many lines it has."""
    sheet = stocktake_sheet(stocktake_id)
    hide = sheet.stocktake.blind if blind is None else blind
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(HEADER)
    for line in sheet.lines:
        writer.writerow(_neutral(value) for value in (
            line.area_name, line.sku or "", line.item_id, line.name, line.unit,
            "" if line.pack_size is None else format_decimal(line.pack_size),
            "" if hide else format_decimal(line.on_hand), "", "", "", ""))
    with atomic_files.replacing(path) as handle:
        handle.write(text.getvalue().encode("utf-8-sig"))
    return len(sheet.lines)


def import_sheet_csv(stocktake_id: int, path: Path, *, dry_run: bool = False,
                     user: str | None = None) -> ImportReport:
    """Record every filled-in row of a sheet as a count, or none if any row is bad."""
    text = _decoded(_read(path))
    if dry_run:
        return _checked(stocktake_sheet(stocktake_id), text)
    with writing(user) as actor:
        require_open(stocktake_id)
        sheet = stocktake_sheet(stocktake_id)
        report = _checked(sheet, text)
        if report.problems:
            return report
        insert_counts(stocktake_id, [
            (row.item_id, row.area_id, int(row.counted.scaleb(4)), row.packs,
             sheet.on_hand[row.item_id], row.counted_by or actor) for row in report.rows],
            note="imported")
        report.recorded = True
    return report


def _checked(sheet: Sheet, text: str) -> ImportReport:
    report = ImportReport()
    areas = {area.name.casefold(): area for area in list_areas(include_archived=True)}
    by_sku = _items_by_sku(sheet)
    in_scope = {(line.item_id, line.area_id) for line in sheet.lines}
    places: dict[int, list[SheetLine]] = {}
    for line in sheet.lines:
        places.setdefault(line.item_id, []).append(line)
    items = {line.item_id for line in sheet.lines}
    seen: dict[tuple[int, int | None], int] = {}
    rows, delimiter = _rows(text)
    for number, row in rows:
        try:
            parsed = _row(number, row, areas, places, by_sku, delimiter)
        except InventoryError as error:
            report.problems.append((number, str(error)))
            continue
        if parsed is None:
            report.skipped += 1
            continue
        problem = _scope_problem(parsed, items, in_scope, sheet.stocktake.all_items, seen)
        if problem:
            report.problems.append((number, problem))
            continue
        seen[(parsed.item_id, parsed.area_id)] = number
        report.rows.append(parsed)
    return report


def _row(number: int, row: dict[str, str], areas: dict, places: dict[int, list[SheetLine]],
         by_sku: dict[str, _Item], delimiter: str) -> SheetRow | None:
    packs_text, loose_text = row.get("packs", "").strip(), row.get("loose", "").strip()
    counted_text = (row.get("counted") or row.get("quantity") or "").strip()
    if not (packs_text or loose_text or counted_text):
        return None
    reference = (row.get("sku") or "").strip() or _id_reference(row.get("item_id", ""))
    if not reference:
        raise ValidationError("no SKU or item id")
    item = by_sku.get(reference.casefold()) or _found(reference)
    area_name = (row.get("area") or "").strip()
    area = areas.get(area_name.casefold()) if area_name else None
    if area_name and area is None:
        raise ValidationError(f"unknown storage area {area_name!r}")
    area_id = None if area is None else area.id
    if not area_name:
        area_id, area_name = _only_place(item, places.get(item.id, []))
    counted, packs = _quantity(item, packs_text, loose_text or counted_text, delimiter)
    who = (row.get("counted_by") or "").strip() or None
    return SheetRow(number, item.id, item.name, area_id, area_name, counted, packs, who)


def _only_place(item, lines: list[SheetLine]) -> tuple[int | None, str]:
    # A sheet without an area column names the area only for items kept in one.
    if len(lines) > 1:
        raise ValidationError(f"{item.name} is kept in "
                              f"{', '.join(line.area_name for line in lines)}: say which area")
    return (lines[0].area_id, lines[0].area_name) if lines else (None, "")


@dataclass(frozen=True)
class _Item:
    id: int
    name: str
    pack_size: Decimal | None


def _items_by_sku(sheet: Sheet) -> dict[str, _Item]:
    # The sheet already holds every item in scope: a row is matched there
    # first, so a 2,000-line sheet does not look each SKU up in the file.
    found: dict[str, _Item] = {}
    for line in sheet.lines:
        item = _Item(line.item_id, line.name, line.pack_size)
        found[f"#{line.item_id}"] = item
        if line.sku:
            found[line.sku.casefold()] = item
    return found


def _found(reference: str) -> _Item:
    try:
        item = find_item(reference)
    except InventoryError:
        raise ValidationError(f"unknown item {reference!r}") from None
    return _Item(item.id, item.name, item.pack_size)


def _quantity(item, packs_text: str, loose_text: str, delimiter: str
              ) -> tuple[Decimal, int | None]:
    loose = validation.new_quantity(_number(loose_text, delimiter), "count") if loose_text else 0
    if not packs_text:
        return to_decimal(loose), None
    if item.pack_size is None:
        raise ValidationError(f"{item.name} has no pack size; put the quantity in 'loose'")
    packs = validation.new_quantity(_number(packs_text, delimiter), "number of packs")
    if packs % 10_000:
        raise ValidationError("packs are counted whole")
    whole = packs // 10_000
    return to_decimal(whole * int(item.pack_size.scaleb(4)) + loose), whole


def _scope_problem(row: SheetRow, items: set[int], in_scope: set, all_items: bool,
                   seen: dict) -> str | None:
    if row.item_id not in items:
        return f"{row.name} is not counted in this stocktake"
    if not all_items and (row.item_id, row.area_id) not in in_scope:
        return f"{row.name} is not kept in {row.area_name or 'no area'}"
    earlier = seen.get((row.item_id, row.area_id))
    if earlier is not None:
        return f"{row.name} in {row.area_name or 'no area'} is on line {earlier} already"
    return None


def _number(text: str, delimiter: str) -> str:
    # "2,5" is two and a half only where a comma cannot also be the separator.
    if delimiter != "," and text.count(",") == 1 and "." not in text:
        return text.replace(",", ".")
    return text


def _id_reference(text: str) -> str:
    digits = text.strip()
    return f"#{digits}" if digits else ""


def _rows(text: str) -> tuple[Iterator[tuple[int, dict[str, str]]], str]:
    lines = text.splitlines(keepends=True)
    if not lines:
        raise DataFileError("The sheet is empty.")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    fields = [name.strip().casefold() for name in reader.fieldnames or ()]
    if not {"sku", "item_id"} & set(fields):
        raise DataFileError("The sheet's first line must name its columns, with 'sku' or "
                            "'item_id' among them (as a sheet written by 'stocktake sheet').")
    reader.fieldnames = fields

    def numbered() -> Iterator[tuple[int, dict[str, str]]]:
        for row in reader:
            yield reader.line_num, {key: value or "" for key, value in row.items()
                                    if isinstance(key, str)}
    return numbered(), delimiter


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_BYTES + 1)
    except OSError as exc:
        raise DataFileError(f"{path} cannot be read: {exc.strerror or exc}.") from exc
    if len(data) > _MAX_BYTES:
        raise DataFileError(f"{path} is larger than a count sheet can be.")
    return data


def _decoded(data: bytes) -> str:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                          (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _decode(data, encoding)
    return _decode(data, "utf-8")


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise DataFileError("The sheet is not UTF-8 or UTF-16 text; save it from the "
                            "spreadsheet as CSV UTF-8.") from None


def _neutral(value: object) -> object:
    # A cell a spreadsheet would run as a formula is written as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
