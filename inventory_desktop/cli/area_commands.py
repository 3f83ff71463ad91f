"""`inventory areas ...`: storage areas, their walk order, and the count order inside one."""

from __future__ import annotations

import argparse

from .. import services
from ..errors import ValidationError
from . import output
from ._common import item_of


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    areas = commands.add_parser("areas", help="storage areas and their walk order",
                                parents=[common])
    actions = areas.add_subparsers(title="area commands", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a storage area (last in the walk)",
                             parents=[common])
    add.add_argument("name", metavar="NAME")
    add.set_defaults(handler=_add)

    listing = actions.add_parser("list", help="areas in walk order", parents=[common])
    listing.add_argument("--all", action="store_true", help="include archived areas")
    listing.set_defaults(handler=_list)

    order = actions.add_parser(
        "order", parents=[common],
        help="walk these areas first, in this order; or, with --items, count these items "
             "first in one area")
    order.add_argument("names", metavar="AREA", nargs="+")
    order.add_argument("--items", metavar="ITEM", nargs="+",
                       help="the items (SKU or #id) of the one AREA, in count order")
    order.set_defaults(handler=_order)

    rename = actions.add_parser("rename", help="rename an area", parents=[common])
    rename.add_argument("area", metavar="AREA")
    rename.add_argument("name", metavar="NEW_NAME")
    rename.set_defaults(handler=_rename)

    archive = actions.add_parser("archive", help="take an empty area out of the walk",
                                 parents=[common])
    archive.add_argument("area", metavar="AREA")
    archive.set_defaults(handler=_archive)


def _add(args: argparse.Namespace) -> None:
    area = services.create_area(args.name, user=args.user)
    _print_area(args, area, f"Added {area.name} (walked {area.walk_order}.).")


def _list(args: argparse.Namespace) -> None:
    areas = services.list_areas(include_archived=args.all)
    output.print_listing(args.json, areas, _area_json, _print_areas,
                         "No storage areas yet: 'inventory areas add NAME' adds one.")


def _order(args: argparse.Namespace) -> None:
    if args.items:
        if len(args.names) != 1:
            raise ValidationError("With --items, name exactly one area.")
        area = services.find_area(args.names[0])
        ids = [item_of(text).id for text in args.items]
        services.order_area_items(area.id, ids, user=args.user)
        if args.json:
            output.print_json({"area": area.name, "items": ids})
        else:
            print(f"{area.name}: those {len(ids)} items are counted first, in that order.")
        return
    areas = services.order_areas([services.find_area(name).id for name in args.names],
                                 user=args.user)
    output.print_listing(args.json, areas, _area_json, _print_areas, "No storage areas.")


def _rename(args: argparse.Namespace) -> None:
    area = services.rename_area(services.find_area(args.area).id, args.name, user=args.user)
    _print_area(args, area, f"Renamed to {area.name}.")


def _archive(args: argparse.Namespace) -> None:
    area = services.archive_area(services.find_area(args.area).id, user=args.user)
    _print_area(args, area, f"Archived {area.name}.")


def _area_json(area: services.AreaRow) -> dict:
    return {"id": area.id, "name": area.name, "walk_order": area.walk_order,
            "is_active": area.is_active, "items": area.items}


def _print_areas(areas: list[services.AreaRow]) -> None:
    rows = [[str(a.walk_order), a.name, str(a.items), "" if a.is_active else "archived"]
            for a in areas]
    output.print_table(["WALK", "AREA", "ITEMS", "STATUS"], rows, right=(0, 2))


def _print_area(args: argparse.Namespace, area: services.AreaRow, message: str) -> None:
    if args.json:
        output.print_json(_area_json(area))
    else:
        print(message)
