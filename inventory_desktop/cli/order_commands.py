"""`inventory order list`: what to order to bring each item back to par, by supplier."""

from __future__ import annotations

import argparse

from .. import services
from ..file_identity import resolved_path
from ..services import report_files, reports
from . import report_output
from .costing_report_commands import write_pdf


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    order = commands.add_parser("order", help="the order list from par levels")
    actions = order.add_subparsers(title="actions", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common],
                                 help="items at or below their threshold, ordered up to par")
    listing.add_argument("--supplier", metavar="S", help="only this supplier's items (name or #id)")
    listing.add_argument("--below-par", action="store_true",
                         help="every item below its par level, not only those running low")
    listing.add_argument("--csv", metavar="FILE", help="write the list as CSV")
    listing.add_argument("--pdf", metavar="FILE",
                         help="write the list as PDF, each supplier on its own page")
    listing.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> None:
    supplier = services.find_supplier(args.supplier).id if args.supplier else None
    report = reports.order_document(supplier_id=supplier, below_par=args.below_par)
    symbol = services.currency_symbol()
    written = []
    if args.csv:
        target = resolved_path(args.csv)
        rows = report_files.write_report_csv(report, target)
        written.append((target, f"{rows} line{'s' if rows != 1 else ''}"))
    if args.pdf:
        written.append(write_pdf(report, resolved_path(args.pdf), symbol))
    if written:
        report_output.print_written(args.json, written)
    elif args.json:
        report_output.print_report_json(report)
    else:
        report_output.print_report(report, symbol)
