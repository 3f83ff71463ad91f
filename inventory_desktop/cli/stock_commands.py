"""`inventory receive | deduct | adjust | reverse | revalue`: recording stock movements."""

from __future__ import annotations

import argparse
import sys

from .. import services
from ..quantity import format_decimal
from ..vocabulary import (
    ADJUST_REASONS,
    DEDUCT_REASONS,
    RECEIVE_REASONS,
    REVALUE_REASONS,
    REVERSE_REASONS,
    reason_named,
)
from . import output
from ._common import add_notes, add_op_key, item_of, movement_id, reasons_help


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    receive = _stock_command(commands, common, "receive", "QTY", "record stock coming in",
                             RECEIVE_REASONS, default="purchase")
    cost = receive.add_mutually_exclusive_group()
    cost.add_argument("--cost", metavar="AMOUNT", help="what one unit cost, from the invoice")
    cost.add_argument("--total", metavar="AMOUNT", help="the invoice line's total")
    receive.add_argument("--supplier", metavar="NAME", help="who delivered it (name or #id)")
    receive.set_defaults(handler=_receive)
    deduct = _stock_command(commands, common, "deduct", "QTY",
                            "record stock going out (usage, waste, theft)", DEDUCT_REASONS)
    deduct.set_defaults(handler=_deduct)
    adjust = _stock_command(commands, common, "adjust", "NEW_QTY",
                            "set the quantity on hand (e.g. after a count)", ADJUST_REASONS)
    adjust.set_defaults(handler=_adjust)

    reverse = commands.add_parser("reverse", parents=[common],
                                  help="undo a movement with an opposite one")
    reverse.add_argument("movement", metavar="MOVEMENT_ID")
    reverse.add_argument("--reason", required=True, type=reason_named,
                         help=reasons_help(REVERSE_REASONS))
    add_notes(reverse)
    add_op_key(reverse)
    reverse.set_defaults(handler=_reverse)

    revalue = commands.add_parser(
        "revalue", parents=[common],
        help="set what an item's stock is worth (a wrong price found later, or stock from "
             "before costs were kept); the quantity stays")
    revalue.add_argument("item", metavar="ITEM", help="SKU or id")
    new_value = revalue.add_mutually_exclusive_group(required=True)
    new_value.add_argument("--value", metavar="AMOUNT", help="the stock's value, in total")
    new_value.add_argument("--cost", metavar="AMOUNT", help="the cost of one unit on hand")
    revalue.add_argument("--reason", default="price_correction", type=reason_named,
                         help=reasons_help(REVALUE_REASONS, "price_correction"))
    add_notes(revalue)
    add_op_key(revalue)
    revalue.set_defaults(handler=_revalue)


def _stock_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser,
                   name: str, quantity: str, text: str, reasons: tuple[str, ...],
                   default: str | None = None) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=text, parents=[common])
    parser.add_argument("item", metavar="ITEM", help="SKU or id")
    parser.add_argument("quantity", metavar=quantity)
    parser.add_argument("--reason", required=default is None, default=default,
                        type=reason_named, help=reasons_help(reasons, default))
    add_notes(parser)
    parser.add_argument("--reference", metavar="TEXT",
                        help="a document this refers to, e.g. an invoice number")
    add_op_key(parser)
    return parser


def _receive(args: argparse.Namespace) -> None:
    supplier = services.find_supplier(args.supplier).id if args.supplier else None
    _print(args, services.add_stock(item_of(args.item).id, args.quantity, args.reason,
                                    unit_cost=args.cost, total=args.total,
                                    supplier_id=supplier, **_extras(args)))


def _deduct(args: argparse.Namespace) -> None:
    _print(args, services.deduct_stock(item_of(args.item).id, args.quantity, args.reason,
                                       **_extras(args)))


def _adjust(args: argparse.Namespace) -> None:
    item = item_of(args.item)
    movement = services.adjust_stock(item.id, args.quantity, args.reason, **_extras(args))
    if movement is not None:
        _print(args, movement)
    elif args.json:
        output.print_json(None)
    else:
        print(f"{item.name} is already at {format_decimal(item.quantity)} {item.unit}; "
              "nothing was recorded.")


def _reverse(args: argparse.Namespace) -> None:
    _print(args, services.reverse_movement(
        movement_id(args.movement), args.reason, user=args.user, notes=args.notes,
        op_key=args.op_key))


def _revalue(args: argparse.Namespace) -> None:
    _print(args, services.revalue_stock(
        item_of(args.item).id, value=args.value, unit_cost=args.cost, reason=args.reason,
        user=args.user, notes=args.notes, op_key=args.op_key))


def _extras(args: argparse.Namespace) -> dict[str, object]:
    return {"user": args.user, "notes": args.notes, "reference": args.reference,
            "op_key": args.op_key}


def _print(args: argparse.Namespace, movement: services.MovementRow) -> None:
    if args.json:
        output.print_json(output.movement_json(movement))
    else:
        print(output.describe_movement(movement, services.currency_symbol()))
    sys.stdout.flush()
