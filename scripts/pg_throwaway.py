#!/usr/bin/env python3
"""A throwaway PostgreSQL server for the tests: started in a temp folder, removed when done.

    scripts/pg_throwaway.py run -- scripts/test.sh tests/pg   # start, run, stop and remove
    scripts/pg_throwaway.py start                             # prints INVENTORY_TEST_PG_URL=…
    scripts/pg_throwaway.py stop DIR                          # stops it and removes DIR

The cluster lives in a new folder under $TMPDIR, listens only on a Unix
socket inside that folder (no TCP port, so two at once never collide) and
trusts local connections: the folder is its owner's alone. It is tuned for
tests, not for keeping data: fsync is off. As root (CI) it runs as the
`postgres` user (or $INVENTORY_PG_USER), since initdb refuses to run as root.
Only the standard library is used: it runs before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
PORT = 5432  # only names the socket file: nothing listens on TCP
START_TIMEOUT = 60
# Settings for a server whose data nobody keeps: no waiting for the disk.
_SERVER_OPTIONS = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c listen_addresses='' -c max_connections=100 -c shared_buffers=64MB")
# For benchmarks beside SQLite's synchronous=FULL: every commit waits for the disk.
_DURABLE_OPTIONS = ("-c fsync=on -c synchronous_commit=on -c full_page_writes=on "
                    "-c listen_addresses='' -c max_connections=100 -c shared_buffers=128MB")


class ThrowawayError(RuntimeError):
    """The server could not be set up; the message says why and what to install."""


@dataclass(frozen=True)
class Server:
    """A running throwaway server: its folder and the URL of its `postgres` database."""

    folder: Path

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@/postgres?host={self.folder}&port={PORT}"

    @property
    def data(self) -> Path:
        return self.folder / "data"


def bindir() -> Path:
    """Where initdb and pg_ctl are: $INVENTORY_PG_BINDIR, PATH, or Debian's versioned folder."""
    configured = os.environ.get("INVENTORY_PG_BINDIR")
    if configured:
        return Path(configured)
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    # Debian keeps them out of PATH, one folder per major version: take the newest.
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(Path(path).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    raise ThrowawayError(
        "PostgreSQL's server programs (initdb, pg_ctl) were not found. On Debian or Ubuntu: "
        "apt-get install postgresql (or set INVENTORY_PG_BINDIR).")


def _run_as() -> list[str]:
    # initdb and postgres refuse to run as root; run them as an ordinary user.
    if os.geteuid() != 0:
        return []
    user = os.environ.get("INVENTORY_PG_USER", SUPERUSER)
    try:
        pwd.getpwnam(user)
    except KeyError as exc:
        raise ThrowawayError(
            f"Running as root, the server needs an ordinary user to run as; {user!r} does "
            "not exist (installing the postgresql package creates 'postgres', or set "
            "INVENTORY_PG_USER).") from exc
    runuser = shutil.which("runuser") or shutil.which("su")
    if runuser is None:
        raise ThrowawayError("Running as root, runuser (util-linux) is needed to drop privileges.")
    return [runuser, "-u", user, "--"] if runuser.endswith("runuser") else [runuser, user, "-c"]


def _call(command: list[str], log: Path) -> None:
    prefix = _run_as()
    if prefix and prefix[-1] == "-c":  # su USER -c "one string"
        command = [*prefix, " ".join(_quote(part) for part in command)]
    else:
        command = [*prefix, *command]
    with open(log, "ab") as out:
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise ThrowawayError(f"{Path(command[len(prefix)]).name} failed "
                             f"(exit {result.returncode}):\n{tail}")


def _quote(part: str) -> str:
    return "'" + part.replace("'", "'\\''") + "'"


def start(parent: str | None = None, *, durable: bool = False) -> Server:
    """Create, start and wait for a new cluster in a new temp folder.

    `durable`: commits wait for the disk, as a real server's do (benchmarks).
    """
    programs = bindir()
    folder = Path(tempfile.mkdtemp(prefix="inventory-pg-", dir=parent))
    server = Server(folder)
    try:
        if os.geteuid() == 0:
            account = pwd.getpwnam(os.environ.get("INVENTORY_PG_USER", SUPERUSER))
            os.chown(folder, account.pw_uid, account.pw_gid)
        log = folder / "server.log"
        log.touch()
        if os.geteuid() == 0:
            os.chown(log, account.pw_uid, account.pw_gid)
        _call([str(programs / "initdb"), "-D", str(server.data), "-U", SUPERUSER,
               "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], log)
        settings = _DURABLE_OPTIONS if durable else _SERVER_OPTIONS
        options = f"{settings} -c unix_socket_directories='{folder}' -p {PORT}"
        _call([str(programs / "pg_ctl"), "-D", str(server.data), "-l", str(log), "-o", options,
               "-w", "-t", str(START_TIMEOUT), "start"], log)
    except BaseException:
        stop(folder, quiet=True)
        raise
    return server


def stop(folder: str | os.PathLike[str], *, quiet: bool = False) -> None:
    """Stop the server in `folder` (if it runs) and remove the folder."""
    folder = Path(folder)
    if not folder.name.startswith("inventory-pg-"):
        raise ThrowawayError(f"{folder} is not a folder this script made; nothing removed.")
    data = folder / "data"
    if (data / "postmaster.pid").exists():
        try:
            _call([str(bindir() / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                   "stop"], folder / "server.log")
        except ThrowawayError:
            if not quiet:
                raise
    shutil.rmtree(folder, ignore_errors=True)


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="start, run COMMAND with INVENTORY_TEST_PG_URL set, "
                                          "then stop and remove")
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    commands.add_parser("start", help="start one and print its URL and folder")
    halt = commands.add_parser("stop", help="stop the server in DIR and remove DIR")
    halt.add_argument("folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "stop":
            stop(args.folder)
            return 0
        started = time.monotonic()
        server = start()
        took = time.monotonic() - started
        if args.command == "start":
            print(f"INVENTORY_TEST_PG_URL='{server.url}'")
            print(f"# started in {took:.1f} s; stop with: {sys.argv[0]} stop {server.folder}")
            return 0
        print(f"pg_throwaway: PostgreSQL ready in {took:.1f} s at {server.folder}",
              file=sys.stderr)
        command = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        command = command or ["true"]
        try:
            env = {**os.environ, "INVENTORY_TEST_PG_URL": server.url}
            return subprocess.run(command, env=env, check=False).returncode
        finally:
            stop(server.folder)
    except ThrowawayError as error:
        print(f"pg_throwaway: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(_main())
