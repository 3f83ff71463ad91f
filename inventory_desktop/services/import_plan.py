"""Deciding what an items import does with each row: create, update or leave as it is.

A row is matched to an existing item by its SKU (compared as SKUs always
are: case and Unicode width aside); a row without a SKU, or with a SKU no
item has yet, by its name when exactly one item has that name and no SKU.
Everything else is a new item. Two rows for the same item are refused, as
is a change the file's rules would refuse (a unit once stock has moved).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..quantity import format_units
from .validation import sku_key


@dataclass(frozen=True)
class ImportProblem:
    """Why one cell (or row) cannot be imported."""

    line: int
    column: str
    reason: str
    value: str = ""
    # The row's name and SKU as the file has them, to tell which row it is.
    name: str = ""
    sku: str = ""


@dataclass(frozen=True)
class ImportRow:
    """What the import does (or would do) with one row of the file."""

    line: int
    action: str  # create, update, unchanged
    name: str
    sku: str | None
    details: str = ""
    item_id: int | None = None
    # The columns an update sets, with their new values.
    changes: tuple[tuple[str, Any], ...] = field(default=(), compare=False)


@dataclass
class ParsedRow:
    """One line of the file with its cells read: field -> value as stored."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExistingItem:
    id: int
    name: str
    sku: str | None
    unit: str
    quantity: int
    threshold: int | None
    active: bool
    has_movements: bool
    # The plain columns (import_columns.PLAIN_FIELDS) as stored.
    plain: dict[str, Any] = field(default_factory=dict)


class Existing:
    """The items already in the file, by SKU key and by name."""

    def __init__(self, items: Iterable[ExistingItem]) -> None:
        self.by_sku: dict[str, ExistingItem] = {}
        self.by_name: dict[str, list[ExistingItem]] = {}
        for item in items:
            if item.sku:
                self.by_sku[sku_key(item.sku)] = item
            self.by_name.setdefault(item.name.casefold(), []).append(item)

    @classmethod
    def of(cls, rows: Iterable[tuple], plain: tuple[str, ...] = ()) -> Existing:
        """From rows of (id, name, sku, unit, quantity, threshold, active, has_movements,
        then the `plain` columns)."""
        return cls(ExistingItem(id_, name, sku, unit, quantity, threshold, bool(active),
                                bool(moved), dict(zip(plain, rest, strict=True)))
                   for id_, name, sku, unit, quantity, threshold, active, moved, *rest in rows)


def plan_rows(parsed: list[ParsedRow], present: set[str], existing: Existing
              ) -> tuple[list[ImportRow], list[ImportProblem]]:
    """What to do with each readable row, and the rows that cannot be done."""
    rows: list[ImportRow] = []
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    claimed: dict[int, int] = {}  # item id -> the line that is about it
    for row in parsed:
        if "name" not in row.values or "unit" not in row.values:
            continue  # already reported: a row without a usable name or unit
        key = _row_key(row.values)
        if key in seen:
            problems.append(_twice(row, seen[key]))
            continue
        seen[key] = row.line
        found, ambiguous = _match(row, existing)
        if ambiguous is not None:
            problems.append(ambiguous)
        elif found is not None and found.id in claimed:
            # A row with a new SKU matched by name the item another row is about.
            problems.append(ImportProblem(
                row.line, "name", f"line {claimed[found.id]} is about the same item "
                                  f"({found.name}, #{found.id}): one row per item",
                row.values["name"]))
        else:
            if found is not None:
                claimed[found.id] = row.line
            rows.append(_planned(row, found, present, problems))
    return rows, problems


def _row_key(values: dict[str, Any]) -> str:
    sku = values.get("sku")
    return f"sku:{sku_key(sku)}" if sku else f"name:{values['name'].casefold()}"


def _twice(row: ParsedRow, first: int) -> ImportProblem:
    if row.values.get("sku"):
        return ImportProblem(row.line, "SKU", f"the SKU {row.values['sku']!r} is also on line "
                                              f"{first}: one row per item", row.values["sku"])
    return ImportProblem(row.line, "name", f"{row.values['name']!r} is also on line {first}, "
                                           "and neither row has a SKU to tell them apart",
                         row.values["name"])


def _match(row: ParsedRow, existing: Existing
           ) -> tuple[ExistingItem | None, ImportProblem | None]:
    """The item this row is about (None: a new one), or why that cannot be told."""
    sku = row.values.get("sku")
    if sku and sku_key(sku) in existing.by_sku:
        return existing.by_sku[sku_key(sku)], None
    named = [item for item in existing.by_name.get(row.values["name"].casefold(), [])
             if not item.sku]
    if len(named) > 1:
        ids = ", ".join(f"#{item.id}" for item in named)
        return None, ImportProblem(row.line, "name", f"several items without a SKU are called "
                                                     f"{row.values['name']!r} ({ids}): give "
                                                     "this row a SKU")
    return (named[0] if named else None), None


def _planned(row: ParsedRow, item: ExistingItem | None, present: set[str],
             problems: list[ImportProblem]) -> ImportRow:
    values = row.values
    if item is None:
        return ImportRow(row.line, "create", values["name"], values.get("sku"),
                         _new_item_details(values))
    changes, said = _changes(row, item, present, problems)
    notes = list(said)
    if "initial_quantity" in present and values.get("initial_quantity", 0) != item.quantity:
        notes.append(f"on hand stays {format_units(item.quantity)} {item.unit} (the file says "
                     f"{format_units(values.get('initial_quantity', 0))}): stock changes only "
                     "by receipts, deductions and adjustments")
    return ImportRow(row.line, "update" if changes else "unchanged", values["name"],
                     values.get("sku") or item.sku, "; ".join(notes), item.id,
                     tuple(changes.items()))


def _changes(row: ParsedRow, item: ExistingItem, present: set[str],
             problems: list[ImportProblem]) -> tuple[dict[str, Any], list[str]]:
    values, changes, said = row.values, {}, []
    if values["name"] != item.name:
        changes["name"] = values["name"]
        said.append(f"name {item.name!r} → {values['name']!r}")
    if values.get("sku") and not item.sku:
        changes["sku"] = values["sku"]
        said.append(f"SKU {values['sku']} given")
    if values["unit"] != item.unit:
        if item.has_movements:
            problems.append(ImportProblem(
                row.line, "unit", f"{item.name} already has movements in {item.unit}, so its "
                                  "unit cannot change (create a new item instead)",
                values["unit"]))
        changes["unit"] = values["unit"]
        said.append(f"unit {item.unit} → {values['unit']}")
    if "low_stock_threshold" in present and values.get("low_stock_threshold") != item.threshold:
        changes["low_stock_threshold"] = values.get("low_stock_threshold")
        said.append(f"threshold {_quantity(item.threshold)} → "
                    f"{_quantity(values.get('low_stock_threshold'))}")
    if "is_active" in present and values.get("is_active", True) != item.active:
        changes["is_active"] = values["is_active"]
        said.append("archived" if item.active else "restored")
    for name, stored in item.plain.items():
        if name in present and values.get(name) != stored:
            changes[name] = values.get(name)
            said.append(f"{name.replace('_', ' ')} {stored!r} → {values.get(name)!r}")
    return changes, said


def _new_item_details(values: dict[str, Any]) -> str:
    parts = [f"{format_units(values.get('initial_quantity') or 0)} {values['unit']} on hand"]
    if values.get("low_stock_threshold") is not None:
        parts.append(f"low at {format_units(values['low_stock_threshold'])}")
    if values.get("is_active") is False:
        parts.append("archived")
    return ", ".join(parts)


def _quantity(units: int | None) -> str:
    return "none" if units is None else format_units(units)
