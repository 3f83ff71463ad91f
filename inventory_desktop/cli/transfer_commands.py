"""`inventory import items | export`: items from a spreadsheet, any listing to CSV."""

from __future__ import annotations

import argparse

from .. import services
from ..vocabulary import MOVEMENT_TYPES, REASONS
from . import output
from ._common import item_of, moment

_SHOWN_PROBLEMS = 200


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    importing = commands.add_parser("import", parents=[common],
                                    help="import from a CSV file (all or nothing)")
    what = importing.add_subparsers(title="what", metavar="WHAT", required=True)
    items = what.add_parser("items", parents=[common],
                            help="items: name, SKU, unit, threshold, initial quantity")
    items.add_argument("file", metavar="FILE.csv")
    items.add_argument("--dry-run", action="store_true",
                       help="check the file and show what would change; write nothing")
    items.add_argument("--separator", metavar="SEP",
                       help="comma, semicolon or tab (default: detected)")
    items.add_argument("--encoding", metavar="NAME",
                       help="utf-8, utf-16 or windows-1252 (default: detected)")
    items.set_defaults(handler=_import_items, creates_file=True)

    export = commands.add_parser("export", parents=[common], help="write a CSV file")
    export.add_argument("kind", metavar="items|movements|history|audit",
                        help="what to export")
    export.add_argument("file", metavar="FILE.csv")
    export.add_argument("--item", metavar="ITEM", help="only this item (SKU or id)")
    export.add_argument("--type", help=f"movements of this type: {', '.join(MOVEMENT_TYPES)}")
    export.add_argument("--reason", help=f"movements with this reason: {', '.join(REASONS)}")
    export.add_argument("--since", metavar="DATE", help="movements from this local date/time")
    export.add_argument("--until", metavar="DATE", help="movements up to this local date/time")
    export.add_argument("--replace", action="store_true", help="replace FILE if it exists")
    export.set_defaults(handler=_export)


def _import_items(args: argparse.Namespace) -> int:
    report = services.import_items_file(args.file, dry_run=args.dry_run,
                                        separator=args.separator, encoding=args.encoding,
                                        user=args.user)
    if args.json:
        output.print_json(_report_json(report))
        return 0 if report.ok else 1
    ignored = (f" Columns left out: {', '.join(report.ignored_columns)}."
               if report.ignored_columns else "")
    print(f"Read {args.file} as {report.encoding}, separated by {report.separator}s.{ignored}")
    if report.problems:
        _print_problems(report)
    elif args.dry_run:
        _print_rows(report)
    print(report.summary())
    if args.dry_run and report.ok:
        print("Dry run: nothing was written.")
    return 0 if report.ok else 1


def _print_problems(report: services.ImportReport) -> None:
    shown = report.problems[:_SHOWN_PROBLEMS]
    output.print_table(["LINE", "COLUMN", "VALUE", "PROBLEM"],
                       [[str(p.line), p.column, p.value, p.reason] for p in shown], right=(0,))
    if len(report.problems) > len(shown):
        print(f"… and {len(report.problems) - len(shown)} more.")


def _print_rows(report: services.ImportReport) -> None:
    rows = [row for row in report.rows if row.action != "unchanged"]
    if rows:
        output.print_table(["LINE", "ACTION", "SKU", "NAME", "DETAILS"],
                           [[str(r.line), r.action, r.sku or "", r.name, r.details]
                            for r in rows], right=(0,))


def _report_json(report: services.ImportReport) -> dict:
    return {
        "written": report.written, "encoding": report.encoding, "separator": report.separator,
        "ignored_columns": list(report.ignored_columns),
        "created": report.count("create"), "updated": report.count("update"),
        "unchanged": report.count("unchanged"),
        "rows": [{"line": r.line, "action": r.action, "sku": r.sku, "name": r.name,
                  "details": r.details, "id": r.item_id} for r in report.rows],
        "problems": [{"line": p.line, "column": p.column, "value": p.value, "reason": p.reason}
                     for p in report.problems]}


def _export(args: argparse.Namespace) -> None:
    filters = services.ExportFilters(
        item_id=item_of(args.item).id if args.item else None, movement_type=args.type,
        reason=args.reason, since=moment(args.since, what="--since date"),
        until=moment(args.until, end_of_day=True, what="--until date"))
    result = services.export_csv(args.kind, args.file, filters=filters, replace=args.replace)
    assert result is not None  # only a progress callback cancels
    if args.json:
        output.print_json({"path": str(result.path), "rows": result.rows})
    else:
        noun = {"items": "item", "movements": "movement", "history": "history entry",
                "audit": "audit entry"}[args.kind]
        plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
        print(f"Exported {result.rows:,} {noun if result.rows == 1 else plural} "
              f"to {result.path}.")
