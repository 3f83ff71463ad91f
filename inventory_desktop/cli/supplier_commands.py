"""`inventory suppliers ...` and `inventory currency`: who delivers, and how money is shown."""

from __future__ import annotations

import argparse
from decimal import Decimal

from .. import services
from . import output


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    suppliers = commands.add_parser("suppliers", help="suppliers", parents=[common])
    actions = suppliers.add_subparsers(title="supplier commands", metavar="ACTION",
                                       required=True)
    add = actions.add_parser("add", help="add a supplier", parents=[common])
    add.add_argument("name", metavar="NAME")
    add.set_defaults(handler=_add, creates_file=True)
    listing = actions.add_parser("list", help="list suppliers", parents=[common])
    listing.add_argument("--all", action="store_true", help="include archived suppliers")
    listing.set_defaults(handler=_list)
    rename = actions.add_parser("rename", help="rename a supplier", parents=[common])
    rename.add_argument("supplier", metavar="SUPPLIER", help="name or #id")
    rename.add_argument("name", metavar="NEW_NAME")
    rename.set_defaults(handler=_rename)
    for name, active, text in (("archive", False, "stop offering a supplier"),
                               ("restore", True, "bring an archived supplier back")):
        action = actions.add_parser(name, help=text, parents=[common])
        action.add_argument("supplier", metavar="SUPPLIER", help="name or #id")
        action.set_defaults(handler=_set_active, active=active)

    currency = commands.add_parser(
        "currency", parents=[common],
        help="show, or set, the currency symbol amounts are shown with (kept with the data, "
             "for every computer that opens it)")
    currency.add_argument("symbol", metavar="SYMBOL", nargs="?",
                          help='e.g. "€", "$", "CHF " ("" for none)')
    currency.set_defaults(handler=_currency)


def _add(args: argparse.Namespace) -> None:
    _print(args, services.create_supplier(args.name, user=args.user), "Added")


def _list(args: argparse.Namespace) -> None:
    rows = services.list_suppliers(include_archived=args.all)
    output.print_listing(args.json, rows, _json, _print_rows, "No suppliers.")


def _rename(args: argparse.Namespace) -> None:
    supplier = services.find_supplier(args.supplier)
    _print(args, services.rename_supplier(supplier.id, args.name, user=args.user), "Renamed")


def _set_active(args: argparse.Namespace) -> None:
    supplier = services.find_supplier(args.supplier)
    changed = services.set_supplier_active(supplier.id, args.active, user=args.user)
    _print(args, changed, "Restored" if args.active else "Archived")


def _currency(args: argparse.Namespace) -> None:
    symbol = (services.currency_symbol() if args.symbol is None
              else services.set_currency_symbol(args.symbol, user=args.user))
    if args.json:
        output.print_json({"currency_symbol": symbol})
    else:
        print(f"Amounts are shown as {output.money(Decimal('1234.5'), symbol)}.")


def _json(supplier: services.SupplierRow) -> dict[str, object]:
    return {"id": supplier.id, "name": supplier.name, "is_active": supplier.is_active,
            "items": supplier.items}


def _print_rows(rows: list[services.SupplierRow]) -> None:
    output.print_table(["ID", "NAME", "ITEMS", "STATUS"],
                       [[str(s.id), s.name, str(s.items), "" if s.is_active else "archived"]
                        for s in rows], right=(0, 2))


def _print(args: argparse.Namespace, supplier: services.SupplierRow, done: str) -> None:
    if args.json:
        output.print_json(_json(supplier))
    else:
        print(f"{done} {supplier.name} (supplier {supplier.id}).")
