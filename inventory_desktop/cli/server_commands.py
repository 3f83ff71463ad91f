"""`inventory copy-to postgresql://…`: move a site's data file onto an empty server database."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import db, paths, services
from ..errors import DataFileError
from . import output


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    copy = commands.add_parser(
        "copy-to", parents=[common],
        help="copy the data file onto an empty PostgreSQL database, checked row by row",
        description="Copy every item, movement, history and audit row, stocktake, area and "
                    "supplier of the data file onto an empty PostgreSQL database, in one "
                    "transaction, and check the copy row by row before committing it. The "
                    "file is only read. The password comes from ~/.pgpass or PGPASSWORD.")
    copy.add_argument("url", metavar="URL",
                      help="postgresql://LOGIN@HOST:PORT/DATABASE, LOGIN a member of "
                           "inventory_owner (or, for a new database, its owner with CREATEROLE)")
    # SUPPRESS: "inventory --db FILE copy-to URL" must not be undone by this option's default.
    copy.add_argument("--db", metavar="FILE", default=argparse.SUPPRESS,
                      help=f"the data file to copy (default: ${paths.DB_ENV_VAR} or "
                           f"{paths.default_data_file()})")
    # The file is opened read-only by copy-to itself, never upgraded or backed up here.
    copy.set_defaults(handler=_copy_to, opens_file=False)


def _copy_to(args: argparse.Namespace) -> int:
    db.server_backend()  # a sentence, not an ImportError, when libpq is missing
    from .. import copy_to
    from . import say  # here: the package imports this module before it defines say

    source = paths.default_database() if args.db is None else args.db
    if paths.is_server_address(source):
        named_by = "--db" if args.db is not None else f"${paths.DB_ENV_VAR}"
        raise DataFileError(
            "copy-to copies a data file onto a server: name the file with --db FILE "
            f"({named_by} names a server here).")
    path = Path(source)
    report = copy_to.copy_to(args.url, path, progress=say)
    checked = {"data file": _verified(path), "database": _verified(args.url)}
    if args.json:
        output.print_json({
            "data_file": str(report.data_file), "file_id": report.file_id,
            "target": report.target, "seconds": round(report.seconds, 3),
            "tables": dict(report.tables), "rows": report.rows,
            "steps": {name: round(seconds, 3) for name, seconds in report.steps},
            "file_changed_during_copy": report.file_changed,
            "verify": {side: [f"{f.check}: {f.detail}" for f in found]
                       for side, found in checked.items()}})
        return _exit_code(checked)
    print(f"Copied {report.data_file} to {report.target} in {report.seconds:.1f} s "
          f"({report.rows:,} rows, every one checked against the file):")
    output.print_table(["TABLE", "ROWS"], [[name, f"{count:,}"] for name, count in report.tables],
                       right=(1,))
    if report.file_changed:
        print("Note: another program wrote to the data file during the copy; the database "
              "holds the file as it was when the copy began. Stop every program using the "
              "file, then copy it to a new empty database again.")
    _print_verified(checked)
    return _exit_code(checked)


def _verified(target: object) -> list[services.Finding]:
    # verify on each side afterwards, as any other time: the same checks on both.
    db.open_database(target, create=False)  # type: ignore[arg-type]
    try:
        return services.verify().findings
    finally:
        db.close_database()


def _print_verified(checked: dict[str, list[services.Finding]]) -> None:
    if not any(checked.values()):
        print("verify: nothing wrong in the data file, nor in the database.")
        return
    for side, found in checked.items():
        for finding in found:
            name = f" {finding.name}:" if finding.name else ""
            print(f"verify ({side}):{name} {finding.detail}")


def _exit_code(checked: dict[str, list[services.Finding]]) -> int:
    return 1 if any(checked.values()) else 0
