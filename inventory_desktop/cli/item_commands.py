"""`inventory items ...`: add, list, show, edit, archive, restore, delete."""

from __future__ import annotations

import argparse

from .. import services
from ..quantity import format_decimal
from ..vocabulary import UNITS
from . import output
from ._common import add_op_key, item_of, moment


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    items = commands.add_parser("items", help="stock items", parents=[common])
    actions = items.add_subparsers(title="item commands", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="create an item", parents=[common])
    add.add_argument("--name", required=True)
    add.add_argument("--unit", required=True, help=", ".join(UNITS))
    add.add_argument("--sku")
    add.add_argument("--threshold", metavar="Q", help="low-stock threshold")
    add.add_argument("--initial", metavar="Q", default="0", help="quantity on hand now")
    add_op_key(add)
    add.set_defaults(handler=_add, creates_file=True)

    listing = actions.add_parser("list", help="list items", parents=[common])
    listing.add_argument("--low", action="store_true", help="only items at or below threshold")
    listing.add_argument("--all", action="store_true", help="include archived items")
    listing.add_argument("--search", metavar="TEXT", help="name or SKU contains TEXT")
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", help="one item's details", parents=[common])
    show.add_argument("item", metavar="ITEM", help="SKU or id")
    show.add_argument("--at", metavar="DATETIME", help="quantity at a past moment (local time)")
    show.set_defaults(handler=_show)

    edit = actions.add_parser("edit", help="change an item's details", parents=[common])
    edit.add_argument("item", metavar="ITEM", help="SKU or id")
    edit.add_argument("--name")
    edit.add_argument("--sku", help='new SKU ("" removes it)')
    edit.add_argument("--unit", help=", ".join(UNITS))
    threshold = edit.add_mutually_exclusive_group()
    threshold.add_argument("--threshold", metavar="Q")
    threshold.add_argument("--no-threshold", action="store_true", help="remove the threshold")
    edit.set_defaults(handler=_edit)

    for name, handler, text in (("archive", _archive, "hide an item from daily lists"),
                                ("restore", _restore, "bring an archived item back"),
                                ("delete", _delete, "delete an item that has no movements")):
        action = actions.add_parser(name, help=text, parents=[common])
        action.add_argument("item", metavar="ITEM", help="SKU or id")
        action.set_defaults(handler=handler)


def _add(args: argparse.Namespace) -> None:
    item = services.create_item(
        args.name, args.unit, sku=args.sku, low_stock_threshold=args.threshold,
        initial_quantity=args.initial, user=args.user, op_key=args.op_key)
    _print_item(args, item, f"Created {item.name} (id {item.id}).")


def _list(args: argparse.Namespace) -> None:
    items = services.list_items(include_archived=args.all, low_only=args.low, search=args.search)
    output.print_listing(args.json, items, output.item_json, output.print_items, "No items.")


def _show(args: argparse.Namespace) -> None:
    item = item_of(args.item)
    if args.at is None:
        _print_item(args, item)
        return
    at = moment(args.at, end_of_day=True, what="moment")
    quantity = services.quantity_on(item.id, at)
    if args.json:
        output.print_json({"id": item.id, "sku": item.sku, "name": item.name, "unit": item.unit,
                           "at": at.isoformat(), "quantity": format_decimal(quantity)})
    else:
        print(f"{item.name} at {at:%Y-%m-%d %H:%M:%S}: {format_decimal(quantity)} {item.unit}")


def _edit(args: argparse.Namespace) -> None:
    item = item_of(args.item)
    changes = {key: value for key, value in (
        ("name", args.name), ("sku", args.sku), ("unit", args.unit),
        ("low_stock_threshold", args.threshold)) if value is not None}
    if args.no_threshold:
        changes["low_stock_threshold"] = None
    updated = services.update_item(item.id, user=args.user, **changes)
    _print_item(args, updated, "Nothing changed." if updated == item else
                f"Updated {updated.name}.")


def _archive(args: argparse.Namespace) -> None:
    item = services.archive_item(item_of(args.item).id, user=args.user)
    _print_item(args, item, f"Archived {item.name}.")


def _restore(args: argparse.Namespace) -> None:
    item = services.restore_item(item_of(args.item).id, user=args.user)
    _print_item(args, item, f"Restored {item.name}.")


def _delete(args: argparse.Namespace) -> None:
    item = item_of(args.item)
    services.delete_item(item.id, user=args.user)
    if args.json:
        output.print_json({"id": item.id, "deleted": True})
    else:
        print(f"Deleted {item.name}.")


def _print_item(args: argparse.Namespace, item: services.ItemRow, message: str = "") -> None:
    if args.json:
        output.print_json(output.item_json(item))
        return
    if message:
        print(message)
    output.print_item(item)
