"""`inventory items ...`: add, list, show, edit, archive, restore, delete."""

from __future__ import annotations

import argparse

from .. import services
from ..clock import local_display
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
    add.add_argument("--cost", metavar="AMOUNT",
                     help="what one unit of the initial quantity cost (default: the standard "
                          "cost; with neither, its value is not known until a cost is)")
    _add_place_options(add)
    _add_costing_options(add)
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
    _add_place_options(edit)
    edit.add_argument("--no-area", action="store_true", help="kept in no area in particular")
    edit.add_argument("--no-pack", action="store_true", help="no pack size")
    _add_costing_options(edit)
    for name, text in (("--no-standard-cost", "remove the standard cost"),
                       ("--no-par", "remove the par level"),
                       ("--no-supplier", "no usual supplier")):
        edit.add_argument(name, action="store_true", help=text)
    edit.set_defaults(handler=_edit)

    for name, handler, text in (("archive", _archive, "hide an item from daily lists"),
                                ("restore", _restore, "bring an archived item back"),
                                ("delete", _delete, "delete an item that has no movements")):
        action = actions.add_parser(name, help=text, parents=[common])
        action.add_argument("item", metavar="ITEM", help="SKU or id")
        action.set_defaults(handler=handler)


def _add_place_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--area", metavar="AREA", action="append",
                        help="a storage area it is kept in (repeat for several)")
    parser.add_argument("--pack-size", metavar="Q",
                        help="what one pack holds, in the item's unit (a case of 6: 6)")
    parser.add_argument("--pack-name", metavar="WORD", help='what a pack is called ("case")')


def _add_costing_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--standard-cost", metavar="AMOUNT",
                        help="the cost of one unit used when stock comes in without one "
                             "into an empty item")
    parser.add_argument("--par", metavar="Q",
                        help="par level: the quantity to hold after a delivery")
    parser.add_argument("--supplier", metavar="NAME", help="usual supplier (name or #id)")


def _costing_changes(args: argparse.Namespace) -> dict[str, object]:
    changes: dict[str, object] = {}
    if args.standard_cost is not None:
        changes["standard_cost"] = args.standard_cost
    if args.par is not None:
        changes["par_level"] = args.par
    if args.supplier is not None:
        changes["supplier_id"] = services.find_supplier(args.supplier).id
    for flag, field in (("no_standard_cost", "standard_cost"), ("no_par", "par_level"),
                        ("no_supplier", "supplier_id")):
        if getattr(args, flag, False):
            changes[field] = None
    return changes


def _areas(names: list[str] | None) -> list[int]:
    return [services.find_area(name).id for name in names or ()]


def _add(args: argparse.Namespace) -> None:
    item = services.create_item(
        args.name, args.unit, sku=args.sku, low_stock_threshold=args.threshold,
        initial_quantity=args.initial, pack_size=args.pack_size, pack_name=args.pack_name,
        areas=_areas(args.area), unit_cost=args.cost, user=args.user, op_key=args.op_key,
        **_costing_changes(args))
    _print_item(args, item, f"Created {item.name} (id {item.id}).")


def _list(args: argparse.Namespace) -> None:
    items = services.list_items(include_archived=args.all, low_only=args.low, search=args.search)
    output.print_listing(args.json, items, output.item_json, output.print_items, "No items.")


def _show(args: argparse.Namespace) -> None:
    item = item_of(args.item)
    if args.at is None:
        _print_item(args, item, details=True)
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
    for name, value in (("pack_size", args.pack_size), ("pack_name", args.pack_name)):
        if value is not None:
            changes[name] = value
    if args.no_pack:
        changes["pack_size"] = changes["pack_name"] = None
    if args.area or args.no_area:
        changes["areas"] = _areas(args.area)
    changes.update(_costing_changes(args))
    places = services.item_places(item.id)
    updated = services.update_item(item.id, user=args.user, **changes)
    same = updated == item and services.item_places(item.id) == places
    _print_item(args, updated, "Nothing changed." if same else f"Updated {updated.name}.")


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


def _costing_fields(item: services.ItemRow) -> list[tuple[str, str]]:
    symbol = services.currency_symbol()
    value = output.money(item.value, symbol) if item.value is not None else (
        "not known (no cost recorded for this stock yet: revalue it, or receive it with "
        "a cost)")
    supplier = services.get_supplier(item.supplier_id).name if item.supplier_id else "none"
    return [
        ("Value", value),
        ("Average cost", f"{output.money(item.average_cost, symbol, places=4)}/{item.unit}"
         if item.average_cost is not None else "—"),
        ("Standard cost", f"{output.money(item.standard_cost, symbol, places=4)}/{item.unit}"
         if item.standard_cost is not None else "none"),
        ("Par level", f"{format_decimal(item.par_level)} {item.unit}"
         if item.par_level is not None else "none"),
        ("Supplier", supplier),
    ]


def _print_item(args: argparse.Namespace, item: services.ItemRow, message: str = "",
                details: bool = False) -> None:
    places = [place.area_name for place in services.item_places(item.id)]
    counted = services.last_counted(item.id) if details else None
    if args.json:
        output.print_json({**output.item_json(item), "areas": places,
                           **({"last_counted_at": counted} if details else {})})
        return
    if message:
        print(message)
    extra = [("Kept in", ", ".join(places) or "no area in particular"),
             *_costing_fields(item)]
    if details:
        extra.append(("Last counted", local_display(counted) if counted else "never"))
    output.print_item(item, extra)
