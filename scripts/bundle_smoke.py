"""Check the built bundle by running it (the frozen program, never the source).

    python scripts/bundle_smoke.py                  # dist/inventory-desktop, after scripts/build.sh
    python scripts/bundle_smoke.py --no-xcb         # skip the real X11 window (no Xvfb here)

Steps: the bundle's size against its budget; `--version`; command-line work on a
temporary data file (add an item, receive, list as JSON and check it, a refusal
that must be a sentence, verify); the GUI self-test offscreen; the same
self-test on a real X11 window under Xvfb (the xcb plugin and its libraries);
on Linux, scripts/install-linux.sh into a scratch HOME, the installed
program's self-test through its launcher, then the uninstall; and server mode on
a throwaway PostgreSQL when its programs are installed (required when
INVENTORY_REQUIRE_PG=1, as in CI).
Each step prints one line; the first failure stops the run with its reason and
exit code 1. scripts/bundle_smoke.sh builds the bundle and then runs this.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MB = 120  # issue 9; the README gives the measured size
SELF_TEST_OK = re.compile(r"^self-test ok: window painted (\d+) ms after .*$", re.M)
STEP_TIMEOUT_S = 120


class StepFailed(Exception):
    """A step did not give the expected outcome; the message says what happened."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    executable = args.bundle / ("inventory-desktop.exe" if os.name == "nt" else "inventory-desktop")
    with tempfile.TemporaryDirectory(prefix="inventory-bundle-smoke-") as scratch:
        smoke = Smoke(executable, Path(scratch))
        try:
            smoke.check_size(args.bundle, args.max_mb)
            smoke.check_version()
            smoke.check_command_line()
            smoke.check_self_test("offscreen")
            if args.no_xcb:
                print("skipped: self-test on X11 (--no-xcb)")
            else:
                smoke.check_self_test_on_x11()
            if sys.platform.startswith("linux"):
                smoke.check_install(args.bundle)
            smoke.check_server_mode()
        except StepFailed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1
    print("bundle smoke test: all steps passed")
    return 0


class Smoke:
    """Runs the bundled program with HOME and the XDG folders inside `scratch`."""

    def __init__(self, executable: Path, scratch: Path) -> None:
        self.executable = executable
        self.data_file = scratch / "smoke.sqlite3"
        self.home = home = scratch / "home"
        self.env = {key: value for key, value in os.environ.items()
                    if key not in ("INVENTORY_DB", "QT_QPA_PLATFORM", "DISPLAY")}
        # INVENTORY_AUTO_BACKUP=0: no background daily backup outliving a step.
        self.env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"),
                        INVENTORY_AUTO_BACKUP="0",
                        XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
                        XDG_STATE_HOME=str(home / "state"))
        if not executable.is_file() or not os.access(executable, os.X_OK):
            raise SystemExit(f"FAILED: there is no bundled program at {executable}; "
                             "build it first: scripts/build.sh")

    def run(self, *args: str, expect: int = 0, program: Path | None = None,
            **env: str) -> subprocess.CompletedProcess[str]:
        """Run the bundled program (or `program`); fail the step unless it exits `expect`."""
        command = [str(program or self.executable), *args]
        try:
            done = subprocess.run(command, env={**self.env, **env}, capture_output=True,
                                  text=True, timeout=STEP_TIMEOUT_S)
        except subprocess.TimeoutExpired as error:
            raise StepFailed(f"{' '.join(args)} did not finish in {STEP_TIMEOUT_S} s") from error
        if "Traceback" in done.stderr:
            raise StepFailed(f"{' '.join(args)} printed a traceback:\n{done.stderr}")
        if done.returncode != expect:
            raise StepFailed(f"{' '.join(args)} exited {done.returncode}, expected {expect}:\n"
                             f"{done.stdout}{done.stderr}")
        return done

    def check_size(self, bundle: Path, max_mb: float) -> None:
        size = disk_usage_mb(bundle)
        if size > max_mb:
            raise StepFailed(f"the bundle takes {size:.1f} MB on disk, over its {max_mb} MB "
                             "budget (see build.spec for what it leaves out)")
        print(f"ok: bundle size {size:.1f} MB (budget {max_mb} MB)")

    def check_version(self) -> None:
        wanted = re.search(r'__version__ = "([^"]+)"',
                           (ROOT / "inventory_desktop" / "__init__.py").read_text()).group(1)
        shown = self.run("--version").stdout.strip()
        if shown != f"inventory {wanted}":
            raise StepFailed(f"--version printed {shown!r}, expected 'inventory {wanted}'")
        print(f"ok: --version: {shown}")

    def check_command_line(self) -> None:
        db = ("--db", str(self.data_file))
        self.run(*db, "items", "add", "--name", "Smoke-test flour", "--unit", "kg",
                 "--sku", "SMK-1", "--threshold", "2", "--initial", "5")
        self.run(*db, "receive", "smk-1", "12.5", "--reference", "SMOKE-1")
        items = json.loads(self.run(*db, "--json", "items", "list").stdout)
        found = [(item["sku"], Decimal(item["current_quantity"])) for item in items]
        if found != [("SMK-1", Decimal("17.5"))]:
            raise StepFailed(f"items list --json gave {found}, expected [('SMK-1', 17.5)]")
        refusal = self.run(*db, "deduct", "SMK-1", "100", "--reason", "waste", expect=1)
        if not refusal.stderr.strip():
            raise StepFailed("a deduction beyond the stock was refused without a reason")
        self.run(*db, "verify")
        print("ok: command line: items add, receive, items list --json (17.5 kg), "
              "a refusal as a sentence, verify")
        self.check_backup_and_csv(db)

    def check_backup_and_csv(self, db: tuple[str, str]) -> None:
        # The copy is checked, and a restore checked, by the frozen program
        # starting itself again (--backup-job): the bundle must find its way back.
        backup = self.data_file.with_name("smoke-backup.sqlite3")
        self.run(*db, "backup", "--to", str(backup))
        self.run(*db, "receive", "SMK-1", "1")
        self.run(*db, "restore", str(backup))
        items = json.loads(self.run(*db, "--json", "items", "list").stdout)
        if [Decimal(item["current_quantity"]) for item in items] != [Decimal("17.5")]:
            raise StepFailed(f"after restoring the backup the items are {items}")
        exported = self.data_file.with_name("smoke-items.csv")
        self.run(*db, "export", "items", str(exported))
        again = self.run(*db, "import", "items", str(exported)).stdout
        if "Nothing to change" not in again:
            raise StepFailed(f"importing the items export again said:\n{again}")
        # What the first start of a day runs in the background, run here to the end.
        self.run("--backup-job", "daily", str(self.data_file))
        listed = json.loads(self.run("--json", "backups").stdout)["backups"]
        if not any(row["kind"] == "daily" and row["check"] == "ok" for row in listed):
            raise StepFailed(f"the daily backup job left no checked daily backup: {listed}")
        print("ok: backup (checked), restore (checked), export items, import them back "
              "(nothing to change), the daily backup job")

    def check_self_test(self, platform: str, program: Path | None = None, **env: str) -> None:
        done = self.run("--self-test", program=program, QT_QPA_PLATFORM=platform, **env)
        reported = SELF_TEST_OK.search(done.stdout)
        if reported is None or f"({platform};" not in reported.group(0):
            raise StepFailed(f"--self-test on {platform} did not report a painted window:\n"
                             f"{done.stdout}{done.stderr}")
        print(f"ok: {reported.group(0)}")

    def check_self_test_on_x11(self) -> None:
        if shutil.which("Xvfb") is None:
            raise StepFailed("Xvfb is not installed, so the X11 window cannot be checked "
                             "(apt-get install xvfb xauth, or pass --no-xcb)")
        server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24",
                                   "-nolisten", "tcp"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        try:
            display = server.stdout.readline().strip()  # Xvfb writes it once it is ready
            if not display:
                raise StepFailed("Xvfb did not start")
            self.check_self_test("xcb", DISPLAY=f":{display}")
        finally:
            server.terminate()
            server.wait(timeout=10)

    def check_server_mode(self) -> None:
        """The bundled program on a throwaway PostgreSQL: through the system's libpq on
        Linux (build.spec leaves psycopg's own out), the same commands, then copy-to."""
        import pg_throwaway as throwaway  # beside this script (its folder is on sys.path)

        try:
            throwaway.bindir()
        except throwaway.ThrowawayError as missing:
            if os.environ.get("INVENTORY_REQUIRE_PG") == "1":
                raise StepFailed(f"server mode cannot be checked: {missing}") from missing
            print("skipped: server mode (no PostgreSQL server programs here)")
            return
        server = throwaway.start()
        try:
            self._check_on_server(server.url)
        finally:
            throwaway.stop(server.folder, quiet=True)

    def _check_on_server(self, admin_url: str) -> None:
        import psycopg  # the venv's, only to make the two empty databases

        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE smoke")
            admin.execute("CREATE DATABASE copied")
        server = ("--db", admin_url.replace("/postgres?", "/smoke?"))
        self.run(*server, "items", "add", "--name", "Smoke-test rye", "--unit", "kg",
                 "--sku", "SMK-2", "--initial", "3")
        self.run(*server, "receive", "smk-2", "4.5", "--reference", "SMOKE-2")
        items = json.loads(self.run(*server, "--json", "items", "list").stdout)
        found = [(item["sku"], Decimal(item["current_quantity"])) for item in items]
        if found != [("SMK-2", Decimal("7.5"))]:
            raise StepFailed(f"on the server, items list --json gave {found}, "
                             "expected [('SMK-2', 7.5)]")
        self.run(*server, "verify")
        copied = admin_url.replace("/postgres?", "/copied?")
        self.run("--db", str(self.data_file), "copy-to", copied)
        print("ok: server mode: items add, receive, items list --json (7.5 kg), verify; "
              "copy-to of the smoke file onto an empty database, verified on both sides")

    def check_install(self, bundle: Path) -> None:
        self._install_linux(str(bundle))
        self.check_self_test("offscreen", self.home / ".local" / "bin" / "inventory-desktop")
        self._install_linux("--uninstall")
        # Only the installer's places: the program's own per-user folders (its data,
        # settings and keys) are the user's, and the uninstall must leave them.
        data_home = Path(self.env["XDG_DATA_HOME"])
        places = (self.home / ".local", data_home / "applications", data_home / "icons")
        leftovers = sorted(str(path) for place in places
                           for path in place.rglob("inventory-desktop*"))
        if leftovers:
            raise StepFailed(f"the uninstall left {', '.join(leftovers)}")
        print("ok: installed in a scratch HOME, started through its launcher, uninstalled")

    def _install_linux(self, *args: str) -> None:
        done = subprocess.run(["bash", str(ROOT / "scripts" / "install-linux.sh"), *args],
                              env=self.env, capture_output=True, text=True,
                              timeout=STEP_TIMEOUT_S)
        if done.returncode != 0:
            raise StepFailed(f"install-linux.sh {' '.join(args)} exited {done.returncode}:\n"
                             f"{done.stdout}{done.stderr}")


def disk_usage_mb(folder: Path) -> float:
    """What the folder takes on disk, as `du` counts it (blocks; links once)."""
    total, seen = 0, set()
    for path in folder.rglob("*"):
        info = path.lstat()
        if (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            total += getattr(info, "st_blocks", 0) * 512 or info.st_size
    return total / 2**20


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/bundle_smoke.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "inventory-desktop",
                        help="the built bundle folder (default: dist/inventory-desktop)")
    parser.add_argument("--max-mb", type=float, default=BUDGET_MB,
                        help=f"size budget on disk in MB (default: {BUDGET_MB})")
    parser.add_argument("--no-xcb", action="store_true",
                        help="skip the self-test on a real X11 window under Xvfb")
    return parser


if __name__ == "__main__":
    sys.exit(main())
