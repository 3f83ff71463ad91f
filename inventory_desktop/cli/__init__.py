"""`inventory`: the command line over the same services as the desktop window.

Errors become exit codes here and only here: 0 done, 1 refused (the reason on
stderr, nothing written), 2 usage error, 3 unexpected error (a bug; details go
to the log file, never a traceback on screen).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import sqlite3
import sys
import traceback
from collections.abc import Sequence

import peewee

from .. import __version__, db, paths, services
from ..errors import InventoryError
from ..sqlite_errors import environment_error
from . import (
    area_commands,
    backup_commands,
    costing_report_commands,
    delivery_commands,
    item_commands,
    order_commands,
    report_commands,
    server_commands,
    stock_commands,
    stocktake_commands,
    supplier_commands,
    transfer_commands,
)

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
# With --json, every line this command writes to stderr is one JSON object:
# {"error": ..., "exit_code": ...} for what ends it, {"notice": ...} otherwise.
_json_stderr = False
_COMMAND_MODULES = (item_commands, stock_commands, delivery_commands, stocktake_commands,
                    area_commands, supplier_commands, report_commands, costing_report_commands,
                    order_commands, backup_commands, transfer_commands, server_commands)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    global _json_stderr
    _never_fail_on_encoding()
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Known before parsing, so that even a usage error is told to a script as JSON.
    _json_stderr = "--json" in arguments
    try:
        args = _parse(build_parser(), arguments)
        return args if isinstance(args, int) else _run(args)
    finally:
        _json_stderr = False


def _parse(parser: argparse.ArgumentParser, arguments: list[str]) -> argparse.Namespace | int:
    """The parsed arguments, or the exit code after a usage error (already told)."""
    told = io.StringIO()
    try:
        with contextlib.redirect_stderr(told) if _json_stderr else contextlib.nullcontext():
            args = parser.parse_args(arguments)
    except SystemExit as exit_:  # argparse printed the usage message (to `told` for JSON)
        code = exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
        if code and _json_stderr:
            usage, _, error = told.getvalue().strip().rpartition("\n")
            refuse(error.partition("error: ")[2] or error, code, usage=usage.strip())
        return code
    if not getattr(args, "handler", None):
        if not _json_stderr:
            parser.print_usage(sys.stderr)
        refuse("name a command (see --help)", EXIT_USAGE)
        return EXIT_USAGE
    return args


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser: global options, then one subcommand."""
    # Given before or after the command: "inventory --user ana count ..." or
    # "inventory stocktake count ... --user ana".
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print machine-readable JSON")
    common.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                        help="who is acting, for the records (default: your login name)")
    parser = argparse.ArgumentParser(
        prog="inventory", parents=[common],
        description="Stock ledger for a restaurant back office.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", metavar="PATH",
                        help="data file, or a PostgreSQL server's database as "
                             f"postgresql://LOGIN@HOST/DATABASE (default: ${paths.DB_ENV_VAR} "
                             f"or {paths.default_data_file()})")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in _COMMAND_MODULES:
        module.register(commands, common)
    return parser


def _run(args: argparse.Namespace) -> int:
    args.json = getattr(args, "json", False)
    args.user = getattr(args, "user", None)
    committed = db.commit_count()
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            code = _run_command(args)
    except InventoryError as error:
        code = refuse(str(error), EXIT_REFUSED)
    except KeyboardInterrupt:
        return refuse("interrupted; nothing more was recorded.", EXIT_INTERRUPTED)
    except (peewee.DatabaseError, sqlite3.DatabaseError) as failure:
        # Rows are read after a query returns: a damaged page can surface there.
        error = environment_error(failure)
        if error is None:
            return _report_bug(failure)
        code = refuse(str(error), EXIT_REFUSED)
    except Exception as bug:  # the one place a bug is caught and reported
        return _report_bug(bug)
    # Printed only now: once a change is committed, a failure to show it must
    # not turn into an error code that invites a retry booking it twice.
    return _emit(printed.getvalue(), code, wrote=db.commit_count() > committed)


def _run_command(args: argparse.Namespace) -> int:
    if not getattr(args, "opens_file", True):  # restore, backups: the file may be missing
        return args.handler(args) or EXIT_OK
    # Only adding an item may start a new file: a mistyped --db for any other
    # command is refused rather than answered from an empty file.
    where = paths.default_database() if args.db is None else args.db
    creates = getattr(args, "creates_file", False) and not getattr(args, "dry_run", False)
    info = db.open_database(where, create=creates)
    if info.created:
        say(f"Created a new data file at {info.path}.")
    # A server's database is backed up on the server (pg_dump), not by each terminal.
    backups = [] if info.server else services.backup_warnings(info.path)
    for notice in [*info.notices, *backups]:
        say(f"inventory: note: {notice}", f"note: {notice}")
    if not info.server:
        services.start_daily_backup(info.path)
    services.add_low_stock_listener(_warn_low_stock)
    db.set_waiting_notice(_say_waiting)
    try:
        return args.handler(args) or EXIT_OK
    finally:
        db.set_waiting_notice(None)
        services.remove_low_stock_listener(_warn_low_stock)
        db.close_database()


def _emit(text: str, code: int, *, wrote: bool) -> int:
    if not text:
        return code
    try:
        sys.stdout.write(visible(text))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped listening (`| head`): what it asked for is done.
        _quiet_stdout()
    except (OSError, ValueError, AttributeError) as failure:
        reason = getattr(failure, "strerror", None) or "standard output is closed"
        _quiet_stdout()
        if not wrote:
            return refuse(f"the result could not be printed ({reason}); nothing was changed.",
                          EXIT_REFUSED)
        text = f"the result could not be printed ({reason}); the change was recorded."
        say(f"inventory: {text}", text)
    return code


def say(text: str, notice: str | None = None) -> None:
    """A line on stderr that never raises: a closed or broken stderr loses only the line.

    With --json the line is {"notice": notice or text}.
    """
    if _json_stderr:
        text = json.dumps({"notice": notice or text}, ensure_ascii=False)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(visible(text), file=sys.stderr, flush=True)


def refuse(error: str, code: int, **details: str) -> int:
    """Tell why the command ends with `code` ("inventory: ERROR", or JSON); returns `code`."""
    text = f"inventory: {error}"
    if _json_stderr:
        text = json.dumps({"error": error, "exit_code": code, **details}, ensure_ascii=False)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(visible(text), file=sys.stderr, flush=True)
    return code


def visible(text: str) -> str:
    """`text` with control and other invisible characters escaped, line breaks kept.

    Names another program stored may hold ESC or CR, which a terminal would
    obey. The escapes used keep JSON output valid and equal to what it was.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else _escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def _say_waiting() -> None:
    say("Waiting for another program to finish writing… (Ctrl+C cancels; nothing is recorded)")


def _never_fail_on_encoding() -> None:
    # A console that cannot show a name like "鸡蛋" gets an escape instead of
    # a crash after the change was already committed.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="backslashreplace")


def _quiet_stdout() -> None:
    # Python flushes stdout once more at exit; with the pipe gone that would
    # print its own "Exception ignored" traceback. Point it at nothing.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _warn_low_stock(item: services.ItemRow) -> None:
    say(services.low_stock_notice(item))


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
    return refuse(f"unexpected error ({type(bug).__name__}); this is a bug, "
                  f"and nothing more was recorded.{where}", EXIT_BUG)
