"""`python -m inventory_desktop`: the window when no command is given, else the CLI."""

from __future__ import annotations

import sys

# Hidden (not in --help): checks the built bundle, see ui/shell/self_test.py.
SELF_TEST_OPTION = "--self-test"
# Hidden: a backup job run in a process of its own, see services/backup_check.py.
BACKUP_JOB_OPTION = "--backup-job"


def main(argv: list[str] | None = None) -> int:
    """Open the desktop window (no command) or run a command-line command."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == [SELF_TEST_OPTION]:
        from .ui.shell.self_test import run_self_test

        return run_self_test()
    if args[:1] == [BACKUP_JOB_OPTION]:
        from .services.backup_check import job_main

        return job_main(args[1:])
    if _wants_window(args):
        return gui_main(args)
    from .cli import main as cli_main

    return cli_main(args)


def gui_main(argv: list[str] | None = None) -> int:
    """The `inventory-desktop` script: open the window, on `--db PATH` if given."""
    from .ui.shell.app import run

    args = list(sys.argv[1:] if argv is None else argv)
    return run(_db_option(args))


def _wants_window(args: list[str]) -> bool:
    """True when the arguments name at most a data file: no command to run."""
    rest = list(args)
    if rest and rest[0].startswith("--db="):
        rest = rest[1:]
    elif rest[:1] == ["--db"]:
        rest = rest[2:]
    return not rest


def _db_option(args: list[str]) -> str | None:
    for index, arg in enumerate(args):
        if arg == "--db" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--db="):
            return arg.split("=", 1)[1]
    return None


if __name__ == "__main__":
    sys.exit(main())
