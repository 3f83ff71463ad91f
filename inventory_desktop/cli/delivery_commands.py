"""`inventory receive-delivery | waste-sheet`: many items in one transaction, all or none."""

from __future__ import annotations

import argparse
import datetime as dt

from .. import services
from ..errors import InventoryError, LinesRefusedError, ValidationError
from ..vocabulary import DEDUCT_REASONS, reason_named
from . import output
from ._common import add_notes, add_op_key, item_of, moment, reasons_help


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    delivery = commands.add_parser(
        "receive-delivery", parents=[common],
        help="receive a whole delivery (many items) at once",
        description="Books every line or none; each line is a movement referencing the delivery.")
    delivery.add_argument("lines", metavar="ITEM=QTY[@COST]", nargs="+",
                          help="an item (SKU or #id) and the quantity received, e.g. "
                               "FL-55=12.5; with its cost per unit FL-55=12.5@0.82, or the "
                               "invoice line's total FL-55=12.5@@10.25")
    delivery.add_argument("--reference", required=True, metavar="TEXT",
                          help="the delivery note or invoice number")
    delivery.add_argument("--date", metavar="YYYY-MM-DD", help="the day it was delivered")
    delivery.add_argument("--supplier", metavar="NAME", help="who delivered it (name or #id)")
    add_notes(delivery)
    add_op_key(delivery)
    delivery.set_defaults(handler=_receive_delivery)

    waste = commands.add_parser(
        "waste-sheet", parents=[common], help="deduct a waste sheet (many items) at once",
        description="Books every line or none; each line is a movement referencing the sheet.")
    waste.add_argument("lines", metavar="ITEM=QTY[:REASON]", nargs="+",
                       help=f"e.g. FL-55=0.5 or MI-1=2:theft; reasons: "
                            f"{reasons_help(DEDUCT_REASONS, 'waste')}")
    waste.add_argument("--reference", required=True, metavar="TEXT",
                       help="the sheet's name, e.g. '24 Nov dinner'")
    add_notes(waste)
    add_op_key(waste)
    waste.set_defaults(handler=_waste_sheet)


def _receive_delivery(args: argparse.Namespace) -> None:
    day = moment(args.date, what="--date") if args.date else None
    booked = services.receive_delivery(
        _lines(args.lines, reasons=False), reference=args.reference,
        delivered_on=day.date() if isinstance(day, dt.datetime) else None,
        supplier_id=services.find_supplier(args.supplier).id if args.supplier else None,
        notes=args.notes, user=args.user, op_key=args.op_key)
    _print(args, booked, "delivery")


def _waste_sheet(args: argparse.Namespace) -> None:
    booked = services.record_waste_sheet(
        _lines(args.lines, reasons=True), reference=args.reference, notes=args.notes,
        user=args.user, op_key=args.op_key)
    _print(args, booked, "waste sheet")


def _lines(texts: list[str], *, reasons: bool) -> list[services.LineInput]:
    lines, problems = [], []
    for number, text in enumerate(texts, start=1):
        try:
            lines.append(_line(text, reasons))
        except InventoryError as error:
            problems.append((number, str(error)))
    if problems:
        raise LinesRefusedError(problems)
    return lines


def _line(text: str, reasons: bool) -> services.LineInput:
    item, equals, rest = text.rpartition("=")
    quantity, colon, reason = rest.partition(":") if reasons else (rest, "", "")
    quantity, at, cost = quantity.partition("@") if not reasons else (quantity, "", "")
    total = cost.startswith("@")
    if (not equals or not item.strip() or (colon and not reason.strip())
            or (at and not cost.lstrip("@").strip())):
        shape = "ITEM=QTY[:REASON]" if reasons else "ITEM=QTY[@COST or @@TOTAL]"
        raise ValidationError(f"{text[:40]!r} is not {shape} (e.g. FL-55=12.5).")
    amount = cost.lstrip("@").strip() if at else None
    return services.LineInput(item_of(item).id, quantity.strip(),
                              reason_named(reason.strip()) if colon else None,
                              unit_cost=None if total else amount,
                              total=amount if total else None)


def _print(args: argparse.Namespace, booked: list[services.MovementRow], what: str) -> None:
    if args.json:
        output.print_json([output.movement_json(movement) for movement in booked])
        return
    if booked and all(movement.replayed for movement in booked):
        print(f"Already recorded (operation key {args.op_key!r}): this {what} was booked "
              "before; nothing new was booked.")
        return
    noun = "line" if len(booked) == 1 else "lines"
    print(f"Booked {what} {args.reference.strip()}: {len(booked)} {noun}.")
    for movement in booked:
        print(f"  {output.describe_movement(movement)}")
