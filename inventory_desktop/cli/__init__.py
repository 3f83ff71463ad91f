"""`inventory`: the command line over the same services as the desktop window.

Errors become exit codes here and only here: 0 done, 1 refused (the reason on
stderr, nothing written), 2 usage error, 3 unexpected error (a bug; details go
to the log file, never a traceback on screen).
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
import traceback
from collections.abc import Sequence

import peewee

from .. import __version__, db, paths, services
from ..errors import InventoryError
from ..quantity import format_decimal
from ..sqlite_errors import environment_error
from . import item_commands, report_commands, stock_commands

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
_COMMAND_MODULES = (item_commands, stock_commands, report_commands)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse already printed the usage message
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if not getattr(args, "handler", None):
        parser.print_usage(sys.stderr)
        print("inventory: error: name a command (see --help)", file=sys.stderr)
        return EXIT_USAGE
    return _run(args)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser: global options, then one subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print machine-readable JSON")
    parser = argparse.ArgumentParser(
        prog="inventory", parents=[common],
        description="Stock ledger for a restaurant back office.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", metavar="PATH",
                        help=f"data file (default: ${paths.DB_ENV_VAR} or "
                             f"{paths.default_data_file()})")
    parser.add_argument("--user", metavar="NAME",
                        help="who is acting, for the records (default: your login name)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in _COMMAND_MODULES:
        module.register(commands, common)
    return parser


def _run(args: argparse.Namespace) -> int:
    args.json = getattr(args, "json", False)
    try:
        # Only adding an item may start a new file: a mistyped --db for any
        # other command is refused rather than answered from an empty file.
        info = db.open_database(args.db or paths.default_data_file(),
                                create=getattr(args, "creates_file", False))
        if info.created:
            print(f"Created a new data file at {info.path}.", file=sys.stderr)
        services.add_low_stock_listener(_warn_low_stock)
        try:
            return args.handler(args) or EXIT_OK
        finally:
            services.remove_low_stock_listener(_warn_low_stock)
            db.close_database()
    except InventoryError as error:
        print(f"inventory: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("inventory: interrupted; nothing more was recorded.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except (peewee.DatabaseError, sqlite3.DatabaseError) as failure:
        # Rows are read after a query returns: a damaged page can surface there.
        error = environment_error(failure)
        if error is None:
            return _report_bug(failure)
        print(f"inventory: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as bug:  # the one place a bug is caught and reported
        return _report_bug(bug)


def _warn_low_stock(item: services.ItemRow) -> None:
    threshold = item.low_stock_threshold
    assert threshold is not None  # only items with a threshold can run low
    print(f"Low stock: {item.name} is at {format_decimal(item.quantity)} {item.unit} "
          f"(threshold {format_decimal(threshold)} {item.unit}).", file=sys.stderr)


def _report_bug(bug: Exception) -> int:
    log_path = paths.log_file()
    try:
        paths.ensure_private_dir(log_path.parent)
        logging.basicConfig(filename=log_path, level=logging.ERROR)
        logging.getLogger("inventory_desktop").error(
            "unexpected error\n%s", "".join(traceback.format_exception(bug)))
        where = f" Details were written to {log_path}."
    except OSError:
        where = ""
    print(f"inventory: unexpected error ({type(bug).__name__}); this is a bug, "
          f"and nothing more was recorded.{where}", file=sys.stderr)
    return EXIT_BUG
