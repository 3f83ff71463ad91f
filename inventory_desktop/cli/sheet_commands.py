"""`inventory stocktake sheet | import`: count sheets out (CSV, PDF) and filled-in sheets back."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import services
from ..errors import ValidationError
from ..file_identity import resolved_path
from ..quantity import format_decimal
from ..services import stocktake_files
from . import output
from ._common import stocktake_id


def register(actions: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sheet = actions.add_parser("sheet", help="write the count sheet, as CSV or PDF",
                               parents=[common])
    sheet.add_argument("stocktake", metavar="ID")
    where = sheet.add_mutually_exclusive_group(required=True)
    where.add_argument("--csv", metavar="FILE", help="for a tablet or a spreadsheet")
    where.add_argument("--pdf", metavar="FILE", help="to print")
    sheet.add_argument("--paper", choices=("a4", "letter"), default="a4")
    sheet.add_argument("--blind", action="store_true",
                       help="leave out expected quantities (a blind stocktake always does)")
    sheet.set_defaults(handler=_sheet)

    read = actions.add_parser("import", help="record the counts of a filled-in CSV sheet",
                              parents=[common])
    read.add_argument("stocktake", metavar="ID")
    read.add_argument("file", metavar="FILE")
    read.add_argument("--dry-run", action="store_true",
                      help="check it and say what would be recorded; record nothing")
    read.set_defaults(handler=_import)


def _sheet(args: argparse.Namespace) -> None:
    number = stocktake_id(args.stocktake)
    blind = True if args.blind else None
    if args.csv:
        target = resolved_path(args.csv)
        lines = stocktake_files.write_sheet_csv(number, target, blind=blind)
        what = f"{lines} lines"
    else:
        # Qt is loaded only here: every other command starts without it.
        from ..documents.count_sheet import write_count_sheet

        target = resolved_path(args.pdf)
        pages = write_count_sheet(services.stocktake_sheet(number), target,
                                  paper=args.paper, blind=blind)
        what = f"{pages} page{'s' if pages != 1 else ''}"
    if args.json:
        output.print_json({"file": str(target)})
    else:
        print(f"Wrote the count sheet to {target} ({what}).")


def _import(args: argparse.Namespace) -> int:
    number = stocktake_id(args.stocktake)
    report = stocktake_files.import_sheet_csv(number, Path(args.file), dry_run=args.dry_run,
                                              user=args.user)
    if args.json:
        output.print_json({
            "recorded": report.recorded, "skipped": report.skipped,
            "problems": [{"line": line, "reason": reason} for line, reason in report.problems],
            "rows": [{"line": row.line, "item_id": row.item_id, "area": row.area_name or None,
                      "counted": format_decimal(row.counted), "packs": row.packs}
                     for row in report.rows]})
    elif report.problems:
        for line, reason in report.problems:
            print(f"line {line}: {reason}")
        print(f"Nothing was recorded: {len(report.problems)} row(s) to correct.")
    else:
        verb = "Recorded" if report.recorded else "Would record"
        print(f"{verb} {len(report.rows)} count(s); {report.skipped} blank row(s) skipped.")
    if report.problems:
        raise ValidationError(f"The sheet has {len(report.problems)} bad row(s); nothing "
                              "was recorded.")
    return 0
