"""`inventory backup | restore | backups`: checked copies, going back to one, listing them."""

from __future__ import annotations

import argparse

from .. import backup_settings, paths, services
from ..clock import local_display
from ..errors import ValidationError
from . import output
from ._common import whole_number


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser(
        "backup", parents=[common],
        help="copy the data file safely, even while in use, and check the copy")
    backup.add_argument("destination", metavar="PATH", nargs="?", help=argparse.SUPPRESS)
    backup.add_argument("--to", metavar="PATH",
                        help="where to write the copy (default: a new file in the backups folder)")
    backup.set_defaults(handler=_backup)

    restore = commands.add_parser(
        "restore", parents=[common],
        help="replace the data file with a checked backup (the current file is kept)")
    restore.add_argument("backup", metavar="PATH", help="the backup to go back to")
    restore.set_defaults(handler=_restore, opens_file=False)

    backups = commands.add_parser("backups", parents=[common],
                                  help="list the backups; change automatic backup settings")
    backups.add_argument("--automatic", choices=("on", "off"),
                         help="make a backup on the first start of each day (default on)")
    backups.add_argument("--keep-daily", metavar="N", help="daily backups kept (default 14)")
    backups.add_argument("--keep-weekly", metavar="N", help="weekly backups kept (default 8)")
    backups.set_defaults(handler=_backups, opens_file=False)


def _backup(args: argparse.Namespace) -> None:
    if args.destination and args.to:
        raise ValidationError("Name the copy once: either PATH or --to PATH.")
    row = services.back_up_and_check(args.to or args.destination)
    if args.json:
        output.print_json({"backup": str(row.path), **_backup_json(row)})
    else:
        print(f"Backed up to {row.path} and checked it "
              f"({_counts(row)}, {services.size_text(row.size)}).")


def _restore(args: argparse.Namespace) -> None:
    result = services.restore(args.backup, args.db)
    check = result.check
    if args.json:
        output.print_json({
            "data_file": str(result.data_file), "backup": str(result.backup),
            "kept_copy": str(result.kept_copy) if result.kept_copy else None,
            "schema_version": check.schema_version, "upgraded_from": check.upgraded_from,
            "items": check.items, "movements": check.movements,
            "imported_keys": list(result.imported_keys), "notes": list(result.notes)})
        return
    print(f"Restored {result.data_file} from {result.backup} "
          f"({_plural(check.items, 'item')}, {_plural(check.movements, 'movement')}; checked).")
    if check.upgraded_from is not None:
        print(f"It was written by an older version (schema {check.upgraded_from}) and has been "
              f"upgraded to schema {check.schema_version}.")
    if result.kept_copy is not None:
        print(f"The file it replaced was kept as {result.kept_copy}.")
    for key_id in result.imported_keys:
        print(f"The backup's seal key {key_id} was added to this computer's keys.")
    for note in result.notes:
        print(f"Note: {note}")


def _backups(args: argparse.Namespace) -> None:
    settings = _changed_settings(args)
    rows = services.list_backups()
    if args.json:
        output.print_json({"folder": str(settings.backup_folder),
                           "automatic": settings.automatic, "keep_daily": settings.keep_daily,
                           "keep_weekly": settings.keep_weekly,
                           "backups": [_backup_json(row) | {"path": str(row.path)}
                                       for row in rows]})
        return
    automatic = (f"automatic daily backups on, keeping {settings.keep_daily} daily and "
                 f"{settings.keep_weekly} weekly" if settings.automatic
                 else "automatic daily backups off")
    if settings.automatic and backup_settings.switched_off():
        automatic += f"; off for now: {backup_settings.AUTO_ENV_VAR} is set"
    if paths.is_server_address(args.db or paths.default_database()):
        print("Note: a server's database is backed up on the server, with pg_dump (see the "
              "README's server section); these are the data files' backups on this computer.")
    print(f"Backups in {settings.backup_folder} ({automatic}):")
    if not rows:
        print("No backups yet.")
        return
    output.print_table(
        ["MADE", "KIND", "SIZE", "ITEMS", "MOVEMENTS", "CHECK", "FILE"],
        [[local_display(row.made_at) if row.made_at else "?",
          services.BACKUP_KINDS.get(row.kind, row.kind), services.size_text(row.size),
          _number(row.items), _number(row.movements),
          "ok" if row.check == "ok" else "not checked", row.path.name]
         for row in rows], right=(2, 3, 4))


def _changed_settings(args: argparse.Namespace) -> backup_settings.BackupSettings:
    settings, problem = backup_settings.stored()
    wanted = {"automatic": None if args.automatic is None else args.automatic == "on",
              "keep_daily": _count(args.keep_daily, "--keep-daily", 1),
              "keep_weekly": _count(args.keep_weekly, "--keep-weekly", 0)}
    if all(value is None for value in wanted.values()):
        if problem:
            print(f"Note: {problem}; the defaults apply.")
        return settings
    settings = backup_settings.changed(settings, **wanted)
    where = backup_settings.save(settings)
    print(f"Saved the backup settings in {where}.")
    return settings


def _count(text: str | None, what: str, low: int) -> int | None:
    return None if text is None else whole_number(text, what, low, backup_settings.MAX_KEPT)


def _backup_json(row: services.BackupRow) -> dict:
    return {"made_at": row.made_at, "kind": row.kind, "size": row.size, "items": row.items,
            "movements": row.movements, "check": row.check, "source": row.source}


def _counts(row: services.BackupRow) -> str:
    return f"{_plural(row.items, 'item')}, {_plural(row.movements, 'movement')}"


def _plural(count: int | None, noun: str) -> str:
    return f"{_number(count)} {noun}{'' if count == 1 else 's'}"


def _number(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"
