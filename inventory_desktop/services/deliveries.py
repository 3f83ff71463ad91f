"""Many items in one go: a supplier's delivery, or the waste sheet at the end of service.

All the lines are booked in one transaction, or none of them: every line is
checked first (the item, the quantity, the stock a waste line takes), and a
refusal names each bad line. Each line is one movement that references the
document, ("delivery", "DN-88") or ("waste sheet", "2026-11-24 dinner"), so
History shows which delivery a movement belongs to. With `op_key`, line n
is booked with the key "KEY#n"; a retry of the whole sheet returns the
movements the first attempt booked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .. import db
from ..errors import ConflictError, LinesRefusedError, ValidationError
from ..models import StockItem
from ..quantity import MAX_UNITS, format_units
from ..vocabulary import DEDUCT_REASONS, RECEIVE_REASONS
from . import validation
from ._write import announce_low_stock, writing
from .ledger import append_movement, movement_with_key, replayed
from .queries import ROW_IDS, get_item
from .rows import MovementRow
from .suppliers import require_active_supplier
from .valuation import Cost

DELIVERY = "delivery"
WASTE_SHEET = "waste sheet"
MAX_LINES = 1000


@dataclass(frozen=True)
class LineInput:
    """One line of a sheet: which item, how much (as typed), and optionally why.

    A delivery's line may carry its cost from the invoice: per unit, or the
    line's total (not both).
    """

    item_id: int
    quantity: object
    reason: str | None = None
    notes: str = ""
    unit_cost: object = None
    total: object = None


@dataclass(frozen=True)
class _Sheet:
    kind: str  # the movement type: "in" or "out"
    reference_type: str
    reasons: tuple[str, ...]
    default_reason: str
    action: str  # for sentences: "receive stock", "deduct stock"


_DELIVERY = _Sheet("in", DELIVERY, RECEIVE_REASONS, "purchase", "receive stock")
_WASTE = _Sheet("out", WASTE_SHEET, DEDUCT_REASONS, "waste", "deduct stock")


@dataclass(frozen=True)
class _Line:
    number: int
    item_id: int
    change: int
    reason: str
    notes: str
    cost: Cost | None = None


def receive_delivery(
    lines: Sequence[LineInput], *, reference: str, delivered_on: dt.date | None = None,
    supplier_id: int | None = None, notes: str = "", user: str | None = None,
    op_key: str | None = None,
) -> list[MovementRow]:
    """Receive every line of one delivery in one transaction; the movements in line order."""
    if delivered_on is not None and delivered_on > dt.date.today():
        raise ValidationError("The delivery date cannot be in the future.", "delivered_on")
    dated = f"Delivered {delivered_on.isoformat()}." if delivered_on is not None else ""
    return _book_sheet(_DELIVERY, lines, reference, dated, notes, user, op_key, supplier_id)


def record_waste_sheet(
    lines: Sequence[LineInput], *, reference: str, notes: str = "",
    user: str | None = None, op_key: str | None = None,
) -> list[MovementRow]:
    """Deduct every line of a waste sheet (each with its reason) in one transaction."""
    return _book_sheet(_WASTE, lines, reference, "", notes, user, op_key)


def _book_sheet(
    sheet: _Sheet, lines: Sequence[LineInput], reference: object, dated: str,
    notes: object, user: str | None, op_key: object, supplier_id: int | None = None,
) -> list[MovementRow]:
    ref = _reference(sheet, reference)
    key = validation.op_key(op_key)
    parsed = _parsed_lines(sheet, lines, " ".join(filter(None, (dated, validation.notes(notes)))))
    with writing(user) as actor:
        earlier = _replayed_sheet(key, sheet, parsed, ref)
        if earlier is not None:
            return earlier
        db.lock_items([line.item_id for line in parsed if line.item_id in ROW_IDS])
        _refuse_stock_problems(parsed)
        if supplier_id is not None:
            require_active_supplier(supplier_id)
        booked = [append_movement(
            line.item_id, line.change, sheet.kind, line.reason, actor=actor, notes=line.notes,
            reference=ref, op_key=None if key is None else f"{key}#{line.number}",
            cost=line.cost, supplier_id=supplier_id,
        ) for line in parsed]
    went_low = dict.fromkeys(movement.item_id for movement, low in booked if low)
    for item_id in went_low:
        announce_low_stock(get_item(item_id))
    return [movement for movement, _ in booked]


def _reference(sheet: _Sheet, value: object) -> tuple[str, str]:
    ref = validation.reference((sheet.reference_type, value if value is not None else ""))
    if ref is None:
        raise ValidationError(
            f"Enter the {sheet.reference_type}'s reference (its number, or a date and a word "
            "such as '24 Nov dinner'), so its movements can be found together.", "reference")
    return ref


def _parsed_lines(sheet: _Sheet, lines: Sequence[LineInput], shared_notes: str) -> list[_Line]:
    if not lines:
        raise ValidationError(f"A {sheet.reference_type} needs at least one line.", "lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(
            f"A {sheet.reference_type} can have at most {MAX_LINES:,} lines; split it in two.",
            "lines")
    parsed, problems = [], []
    for number, line in enumerate(lines, start=1):
        try:
            parsed.append(_parsed(sheet, number, line, shared_notes))
        except ValidationError as error:
            problems.append((number, str(error)))
    if problems:
        raise LinesRefusedError(problems)
    return parsed


def _parsed(sheet: _Sheet, number: int, line: LineInput, shared_notes: str) -> _Line:
    units = validation.positive_quantity(line.quantity)
    reason = validation.reason(line.reason or sheet.default_reason, sheet.reasons, sheet.action)
    notes = validation.notes(" ".join(filter(None, (shared_notes, line.notes.strip()))))
    item_id = line.item_id
    if isinstance(item_id, bool) or not isinstance(item_id, int):
        raise ValidationError("Choose the item for this line.", "item")
    cost = validation.receipt_cost(line.unit_cost, line.total)
    if cost is not None and sheet.kind != "in":
        raise ValidationError("Only a delivery's lines carry a cost.", "unit_cost")
    return _Line(number, item_id, units if sheet.kind == "in" else -units, reason, notes, cost)


def _refuse_stock_problems(lines: list[_Line]) -> None:
    """Every line's item exists, is active, and can take the line (in order)."""
    ids = {line.item_id for line in lines if line.item_id in ROW_IDS}
    items = {row[0]: row for row in (
        StockItem.select(StockItem.id, StockItem.name, StockItem.unit,
                         StockItem.current_quantity, StockItem.is_active)
        .where(StockItem.id.in_(list(ids))).tuples())} if ids else {}
    balances = {item_id: row[3] for item_id, row in items.items()}
    problems = []
    for line in lines:
        item = items.get(line.item_id)
        problem = _line_problem(line, item, balances)
        if problem:
            problems.append((line.number, problem))
    if problems:
        raise LinesRefusedError(problems)


def _line_problem(line: _Line, item: tuple | None, balances: dict[int, int]) -> str:
    if item is None:
        return f"There is no item with id {line.item_id}."
    _, name, unit, on_hand, active = item
    if not active:
        return f"{name} is archived; restore it before recording stock."
    balance = balances[line.item_id] + line.change
    if balance < 0:
        earlier = on_hand - balances[line.item_id]
        also = (f" (earlier lines already take {format_units(earlier)} {unit})"
                if earlier else "")
        return (f"Only {format_units(on_hand)} {unit} of {name} is in stock{also}; "
                f"{format_units(-line.change)} {unit} more cannot be taken out.")
    if balance > MAX_UNITS:
        return f"{name} cannot hold more than {format_units(MAX_UNITS)} {unit}."
    balances[line.item_id] = balance
    return ""


def _replayed_sheet(
    key: str | None, sheet: _Sheet, lines: list[_Line], ref: tuple[str, str],
) -> list[MovementRow] | None:
    """The movements an earlier attempt with this key booked, or None for a first attempt."""
    if key is None:
        return None
    db.lock_operation_key(key)  # the same sheet sent by another terminal right now
    found = [movement_with_key(f"{key}#{line.number}") for line in lines]
    beyond = movement_with_key(f"{key}#{len(lines) + 1}")
    if not any(found) and beyond is None:
        if movement_with_key(key) is not None:
            raise ConflictError(f"The operation key {key!r} was already used for one movement; "
                                f"use a new key for this {sheet.reference_type}.")
        return None
    if not all(found) or beyond is not None:
        raise ConflictError(
            f"The operation key {key!r} was already used for a {sheet.reference_type} with "
            "other lines; nothing new was booked.")
    earlier = [replayed(f"{key}#{line.number}", line.item_id, sheet.kind,
                        change=line.change, reference=ref) for line in lines]
    assert all(earlier)  # every key was found above: each line is its booking or a conflict
    return earlier  # type: ignore[return-value]
