"""`inventory report valuation | period | usage | waste | low-stock`: what the stock is worth.

Each prints the report (money with the currency symbol, 2 places), or with
--json the same figures as exact decimal strings, or writes it to a file
(--csv, --pdf) and says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from .. import services
from ..errors import ValidationError
from ..file_identity import resolved_path
from ..services import report_files, report_periods, reports
from ..services.report_document import Report
from . import report_output
from ._common import moment

_PERIOD_REPORTS = {"period": "the period report: opening, received, usage, closing, "
                             "cost of goods used",
                   "usage": "what went out, per item and reason",
                   "waste": "waste and spoilage, per item",
                   "low-stock": "items at or below their threshold, how long they last"}


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    report = commands.add_parser("report", help="what the stock is worth, and where it went")
    kinds = report.add_subparsers(title="reports", metavar="REPORT", required=True)
    valuation = kinds.add_parser("valuation", parents=[common],
                                 help="stock value per item, storage area and in total")
    valuation.add_argument("--at", metavar="DATETIME",
                           help="at this local date/time (a bare date: at its end); "
                                "default now")
    _add_files(valuation)
    valuation.set_defaults(handler=_valuation)
    for name, text in _PERIOD_REPORTS.items():
        parser = kinds.add_parser(name, parents=[common], help=text)
        needed = name == "period"
        parser.add_argument("--from", dest="start", metavar="DATE", required=needed,
                            help="first day (or moment) of the period"
                                 + ("" if needed else "; default the 1st of this month"))
        parser.add_argument("--to", dest="end", metavar="DATE", required=needed,
                            help="last day of the period, included (a date and time: up to "
                                 "that moment)" + ("" if needed else "; default today"))
        if needed:
            parser.add_argument("--sales", metavar="AMOUNT",
                                help="the period's sales, for the food cost percentage")
        _add_files(parser)
        parser.set_defaults(handler=_period, kind=name.replace("-", "_"))


def _add_files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--csv", metavar="FILE", help="write the report's lines as CSV")
    parser.add_argument("--pdf", metavar="FILE", help="write the report, with its charts, as PDF")


def _valuation(args: argparse.Namespace) -> None:
    at = moment(args.at, end_of_day=True, what="--at date")
    _show(args, reports.valuation_document(at))


def _period(args: argparse.Namespace) -> None:
    start, end, label = period_of(args.start, args.end)
    sales = report_periods.sales_figure(getattr(args, "sales", None))
    found = reports.period_reports(start, end, label, sales=sales, kinds=(args.kind,))
    _show(args, found[args.kind])


def period_of(start_text: str | None, end_text: str | None
              ) -> tuple[dt.datetime, dt.datetime, str]:
    """[start, end) and its description from --from/--to (a bare --to date is included)."""
    today = dt.date.today()
    first = moment(start_text, what="--from date") if start_text else None
    last = moment(end_text, end_of_day=True, what="--to date") if end_text else None
    if first is None:
        first = dt.datetime.combine(today.replace(day=1), dt.time.min)
    if last is None:
        last = dt.datetime.combine(today, dt.time.max)
    # A whole last day runs to the next midnight: [from, to) then holds all of it.
    end = last + dt.timedelta(microseconds=1) if last.time() == dt.time.max else last
    if end <= first:
        raise ValidationError(f"The period must end after it starts (from "
                              f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}).")
    if (end - first).days > report_periods.MAX_DAYS:
        raise ValidationError(f"A report covers at most {report_periods.MAX_DAYS:,} days.")
    whole_days = first.time() == dt.time.min and end.time() == dt.time.min
    label = (report_periods.describe_period(first.date(), end.date() - dt.timedelta(days=1))
             if whole_days else f"{first:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}")
    return first, end, label


def _show(args: argparse.Namespace, report: Report) -> None:
    symbol = services.currency_symbol()
    written = []
    if args.csv:
        target = resolved_path(args.csv)
        rows = report_files.write_report_csv(report, target)
        written.append((target, f"{rows} row{'s' if rows != 1 else ''}"))
    if args.pdf:
        written.append(write_pdf(report, resolved_path(args.pdf), symbol))
    if written:
        report_output.print_written(args.json, written)
    elif args.json:
        report_output.print_report_json(report)
    else:
        report_output.print_report(report, symbol)


def write_pdf(report: Report, target: Path, symbol: str) -> tuple[Path, str]:
    """Write the report's PDF; Qt is loaded only here."""
    from ..documents.report_pdf import write_report_pdf

    with report_files.refusing_os_errors(target):
        pages = write_report_pdf(report, target, symbol=symbol)
    return target, f"{pages} page{'s' if pages != 1 else ''}"
