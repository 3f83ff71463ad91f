"""`inventory movements | verify`: reading and checking the ledger."""

from __future__ import annotations

import argparse

from .. import services
from ..vocabulary import MOVEMENT_TYPES, REASONS, reason_named
from . import output
from ._common import item_of, moment, movement_id, reasons_help, whole_number

EXIT_PROBLEMS = 1


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    movements = commands.add_parser("movements", parents=[common],
                                    help="list movements, newest first")
    movements.add_argument("--item", metavar="ITEM", help="SKU or id")
    movements.add_argument("--type", help=", ".join(MOVEMENT_TYPES))
    movements.add_argument("--reason", type=reason_named, help=reasons_help(REASONS))
    movements.add_argument("--since", metavar="DATE", help="from this local date/time")
    movements.add_argument("--until", metavar="DATE", help="up to this local date/time")
    movements.add_argument("--limit", metavar="N", default="50",
                           help=f"at most N (default 50, at most {services.MAX_PAGE:,} a page)")
    page = movements.add_mutually_exclusive_group()
    page.add_argument("--before-id", metavar="ID",
                      help="the page after one ending at movement ID (see the hint printed)")
    page.add_argument("--offset", metavar="N", help="skip the newest N first")
    movements.set_defaults(handler=_movements)

    verify = commands.add_parser(
        "verify", parents=[common],
        help="check the data file (or server database) and every item's ledger")
    verify.add_argument("--accept-foreign", action="store_true",
                        help="after looking at them: seal the rows another program wrote, "
                             "as accepted by you")
    verify.set_defaults(handler=_verify)


def _movements(args: argparse.Namespace) -> None:
    limit = _limit(args.limit)
    rows = services.list_movements(
        item_id=item_of(args.item).id if args.item else None,
        movement_type=args.type, reason=args.reason,
        since=moment(args.since, what="--since date"),
        until=moment(args.until, end_of_day=True, what="--until date"),
        limit=limit, offset=_whole(args.offset, "--offset"),
        before_id=None if args.before_id is None else movement_id(args.before_id))
    output.print_listing(args.json, rows, output.movement_json, output.print_movements,
                         "No movements.")
    if rows and len(rows) == limit and not args.json:
        # Paging by id costs the same on the millionth page as on the first.
        print(f"More may follow: add --before-id {rows[-1].id} for the next page.")


def _verify(args: argparse.Namespace) -> int:
    if args.accept_foreign:
        accepted = services.accept_foreign_rows(user=args.user)
        if not args.json:
            print(f"Accepted {accepted} row{'' if accepted == 1 else 's'} written by another "
                  "program; they are sealed now.")
    report = services.verify()
    if args.json:
        output.print_json({
            "ok": report.ok, "seals": report.seals, "notes": report.notes,
            "findings": [{"check": f.check, "detail": f.detail, "id": f.item_id, "sku": f.sku,
                          "name": f.name} for f in report.findings]})
    else:
        _print_report(report)
    return 0 if report.ok else EXIT_PROBLEMS


_CHECK_LABELS = {
    "integrity": "Integrity", "foreign_keys": "Structure", "schema": "Structure",
    "write_context": "Structure", "seal": "Seal", "foreign_rows": "Other program",
    "ledger": "Ledger", "value": "Value", "history": "History", "times": "Times",
    "numbering": "Numbering",
    "sku": "SKU",
}


def _print_report(report: services.VerifyReport) -> None:
    for note in report.notes:
        print(f"Note: {note}")
    if report.ok and report.sealed:
        print("OK: the file is intact, every write is sealed and every item's quantity and "
              "value match its ledger.")
        return
    if report.ok:
        print("OK: the database is intact (its tables, rules and privileges as this program "
              "set them up) and every item's quantity and value match its ledger.")
        return
    for finding in report.findings:
        label = _CHECK_LABELS.get(finding.check, finding.check)
        if finding.item_id is not None:
            name = f"{finding.sku} {finding.name}" if finding.sku else finding.name
            print(f"{label}: {name} (id {finding.item_id}): {finding.detail}")
        else:
            print(f"{label}: {finding.detail}")
    print("PROBLEMS FOUND: restore from a backup, or correct with adjustments.")


def _limit(text: str) -> int:
    return whole_number(text, "--limit", 1, services.MAX_PAGE)


def _whole(text: str | None, what: str) -> int:
    return 0 if text is None else whole_number(text, what, 0, 2**62)
