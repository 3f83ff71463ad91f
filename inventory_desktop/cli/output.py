"""Printing results: aligned tables for people, JSON (`--json`) for scripts.

JSON keys are the data file's column names and quantities are decimal
strings, so a script reads exactly what the ledger holds.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from ..clock import local_display
from ..money import format_amount
from ..quantity import decimal_to_units, format_decimal
from ..services import ItemRow, MovementRow
from ..vocabulary import REASON_LABELS


def item_json(item: ItemRow) -> dict[str, Any]:
    return {
        "id": item.id, "name": item.name, "sku": item.sku, "unit": item.unit,
        "current_quantity": format_decimal(item.quantity),
        "low_stock_threshold": _maybe_quantity(item.low_stock_threshold),
        "low_stock_alert_sent": item.low_stock_alert_sent, "is_active": item.is_active,
        "created_at": item.created_at, "updated_at": item.updated_at,
        "pack_size": _maybe_quantity(item.pack_size), "pack_name": item.pack_name,
        "current_value": _maybe_quantity(item.value),
        "standard_cost": _maybe_quantity(item.standard_cost),
        "par_level": _maybe_quantity(item.par_level), "supplier_id": item.supplier_id,
    }


def movement_json(movement: MovementRow) -> dict[str, Any]:
    return {
        "id": movement.id, "stock_item_id": movement.item_id,
        "quantity_change": format_decimal(movement.quantity_change),
        "movement_type": movement.movement_type, "reason": movement.reason,
        "notes": movement.notes, "reference_type": movement.reference_type,
        "reference_id": movement.reference_id,
        "balance_after": format_decimal(movement.balance_after),
        "created_by": movement.created_by, "created_at": movement.created_at,
        "op_key": movement.op_key,
        "value_change": _maybe_quantity(movement.value_change),
        "value_after": _maybe_quantity(movement.value_after),
        "valued_by": movement.valued_by, "unit_cost": _maybe_quantity(movement.unit_cost),
        "supplier_id": movement.supplier_id,
    }


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def print_listing(as_json: bool, rows: Sequence[Any], to_json: Callable[[Any], dict],
                  print_rows: Callable[[Sequence[Any]], None], nothing: str) -> None:
    """A listing command's output: a JSON list, an aligned table, or a sentence for none."""
    if as_json:
        print_json([to_json(row) for row in rows])
    elif rows:
        print_rows(rows)
    else:
        print(nothing)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
                right: Sequence[int] = ()) -> None:
    """Columns padded to their widest cell; columns in `right` (numbers) right-aligned."""
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [cell.rjust(w) if i in right else cell.ljust(w)
                  for i, (cell, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(padded).rstrip()

    print(line(headers))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))


def print_items(items: Sequence[ItemRow]) -> None:
    rows = [[str(i.id), i.sku or "", i.name, format_decimal(i.quantity), i.unit,
             _quantity_text(i.low_stock_threshold), _status(i)] for i in items]
    print_table(["ID", "SKU", "NAME", "ON HAND", "UNIT", "THRESHOLD", "STATUS"], rows,
                right=(0, 3, 5))


def print_item(item: ItemRow, extra: Sequence[tuple[str, str]] = ()) -> None:
    fields = [
        ("Item", f"{item.name} (id {item.id})"), ("SKU", item.sku or "—"),
        ("On hand", f"{format_decimal(item.quantity)} {item.unit}"),
        ("Low-stock threshold",
         f"{format_decimal(item.low_stock_threshold)} {item.unit}"
         if item.low_stock_threshold is not None else "none"),
        ("Status", _status(item) or "ok"),
        ("Pack", pack_text(item) or "none"),
        ("Created", local_display(item.created_at)),
        ("Updated", local_display(item.updated_at)),
        *extra,
    ]
    width = max(len(label) for label, _ in fields)
    for label, value in fields:
        print(f"{label + ':':<{width + 1}} {value}")


def print_movements(movements: Sequence[MovementRow]) -> None:
    rows = [[str(m.id), local_display(m.created_at), m.item_sku or str(m.item_id), m.item_name,
             m.movement_type, _reason(m.reason), _signed(m.quantity_change),
             format_decimal(m.balance_after), m.unit, _value_change(m),
             "" if m.value_after is None else money(m.value_after),
             m.created_by, _reference(m), m.notes.replace("\n", " ")]
            for m in movements]
    print_table(["ID", "TIME", "ITEM", "NAME", "TYPE", "REASON", "CHANGE", "BALANCE", "UNIT",
                 "VALUE", "WORTH", "BY", "REFERENCE", "NOTES"], rows, right=(0, 6, 7, 9, 10))


def _value_change(movement: MovementRow) -> str:
    if movement.value_change is None:
        return "?" if movement.value_after is None else ""
    return money(movement.value_change, signed=True)


def describe_movement(movement: MovementRow, symbol: str = "") -> str:
    """One sentence for a booked movement: 'Recorded movement 12: +5 kg Flour (purchase) …'."""
    if movement.replayed:
        return (f"Already recorded as movement {movement.id} (operation key "
                f"{movement.op_key!r}); nothing new was booked.")
    if movement.movement_type == "revaluation":
        change = money(movement.value_change, symbol, signed=True)
        return (f"Recorded movement {movement.id}: {movement.item_name} revalued "
                f"({_reason(movement.reason)}) by {change}; "
                f"its {format_decimal(movement.balance_after)} {movement.unit} are now worth "
                f"{money(movement.value_after, symbol)}.")
    worth = ("its value is not known yet" if movement.value_after is None
             else f"worth {money(movement.value_after, symbol)}")
    cost = ""
    if movement.unit_cost is not None and movement.valued_by in ("unit_cost", "invoice"):
        cost = (f" at {money(movement.unit_cost, symbol, places=4)}/{movement.unit} "
                f"({money(movement.value_change, symbol)})")
    return (f"Recorded movement {movement.id}: {_signed(movement.quantity_change)} "
            f"{movement.unit} {movement.item_name} ({_reason(movement.reason)}){cost}; "
            f"now {format_decimal(movement.balance_after)} {movement.unit}, {worth}.")


def money(amount: Decimal | None, symbol: str = "", *, places: int = 2,
          signed: bool = False) -> str:
    """'€1,234.50' for an amount; 'not known' for None. 4 places keep a unit cost exact."""
    if amount is None:
        return "not known"
    text = format_amount(decimal_to_units(amount), symbol, places)
    return f"+{text}" if signed and amount > 0 else text


def _reason(reason: str) -> str:
    # As the window says it ("Order usage"); --json keeps the stored code.
    return REASON_LABELS.get(reason, reason)


def pack_text(item: ItemRow) -> str:
    """'case of 6 piece', or '' for an item without packs."""
    if item.pack_size is None:
        return ""
    return f"{item.pack_name or 'pack'} of {format_decimal(item.pack_size)} {item.unit}"


def signed(change: Decimal) -> str:
    """'+2.5' or '-1': a change with its sign."""
    return _signed(change)


def _status(item: ItemRow) -> str:
    flags = [flag for flag, on in (("low", item.is_low), ("archived", not item.is_active)) if on]
    return ", ".join(flags)


def _signed(change: Decimal) -> str:
    text = format_decimal(change)
    return text if change < 0 else f"+{text}"


def _maybe_quantity(quantity: Decimal | None) -> str | None:
    return None if quantity is None else format_decimal(quantity)


def _quantity_text(quantity: Decimal | None) -> str:
    return "" if quantity is None else format_decimal(quantity)


def _reference(movement: MovementRow) -> str:
    if movement.reference_type is None:
        return ""
    if movement.reference_type == "reversal":
        return f"reverses {movement.reference_id}"
    if movement.reference_type == "document":
        return movement.reference_id or ""
    return f"{movement.reference_type} {movement.reference_id}"
