"""The command line tells the truth: exit codes after a commit, waiting, odd arguments.

A script that retries on a non-zero exit must never book twice, so a change
that committed exits 0 whatever happens to its output; and no argument, however
odd, ends in exit 3 ("a bug").
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inventory_desktop import db, services
from inventory_desktop.cli import main as cli_main

SLOW_START = 30  # seconds a child process may take to start on a loaded machine


@pytest.fixture
def kitchen(tmp_path: Path) -> Path:
    path = tmp_path / "kitchen.sqlite3"
    db.open_database(path)
    services.create_item("Flour", "kg", sku="FL-1", initial_quantity="10")
    services.create_item("鸡蛋", "piece", sku="EGG")
    db.close_database()
    return path


def _inventory(*args: str, env: dict | None = None, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inventory_desktop", *args],
                          env={**os.environ, **(env or {})}, timeout=SLOW_START, **options)


def _movements(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM stock_movement").fetchone()[0]
    finally:
        connection.close()


# 12. Once committed, the command reports success --------------------------------------

def test_a_receipt_with_stdout_closed_exits_0_and_is_booked_once(kitchen):
    before = _movements(kitchen)
    done = _inventory("--db", str(kitchen), "receive", "FL-1", "2", stdout=None,
                      stderr=subprocess.PIPE, text=True, pass_fds=(),
                      preexec_fn=lambda: os.close(1))
    assert done.returncode == 0, done.stderr
    assert "the change was recorded" in done.stderr
    assert _movements(kitchen) == before + 1


def test_a_receipt_printed_to_a_full_device_exits_0_and_is_booked_once(kitchen):
    before = _movements(kitchen)
    with open("/dev/full", "w") as full:
        done = _inventory("--db", str(kitchen), "receive", "FL-1", "2", stdout=full,
                          stderr=subprocess.PIPE, text=True)
    assert done.returncode == 0, done.stderr
    assert "could not be printed (No space left on device); the change was recorded" in (
        done.stderr)
    assert _movements(kitchen) == before + 1


def test_a_console_that_cannot_show_a_name_gets_an_escape_not_a_crash(kitchen):
    before = _movements(kitchen)
    done = _inventory("--db", str(kitchen), "receive", "EGG", "12", capture_output=True,
                      env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    assert b"+12 piece \\u9e21\\u86cb (Purchase)" in done.stdout
    assert _movements(kitchen) == before + 1
    listed = _inventory("--db", str(kitchen), "items", "list", "--json", capture_output=True,
                        env={"PYTHONIOENCODING": "ascii"})
    assert listed.returncode == 0
    assert "鸡蛋" in [item["name"] for item in json.loads(listed.stdout)]  # valid JSON escapes


def test_a_read_whose_output_cannot_be_printed_exits_1(kitchen):
    with open("/dev/full", "w") as full:
        done = _inventory("--db", str(kitchen), "items", "list", stdout=full,
                          stderr=subprocess.PIPE, text=True)
    assert done.returncode == 1
    assert "nothing was changed" in done.stderr


def test_control_characters_in_stored_text_are_escaped(kitchen, capsys):
    with sqlite3.connect(kitchen) as other:
        other.execute("UPDATE stock_item SET name = 'Flour\x1b[2J\rgone' WHERE sku = 'FL-1'")
    other.close()
    assert cli_main(["--db", str(kitchen), "items", "list"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert "Flour\\u001b[2J\\u000dgone" in out
    assert cli_main(["--db", str(kitchen), "items", "list", "--json"]) == 0
    names = [item["name"] for item in json.loads(capsys.readouterr().out)]
    assert "Flour\x1b[2J\rgone" in names  # JSON keeps the exact text, escaped


# 15. Odd arguments get a sentence, never exit 3 ------------------------------------------

@pytest.mark.parametrize("args, sentence", [
    (["items", "show", "FL-1", "--at", "0001-01-01"], "out of range"),
    (["movements", "--since", "0001-01-01"], "out of range"),
    (["movements", "--until", "9999-12-31"], "out of range"),
    (["movements", "--limit", "9" * 5000], "--limit must be a whole number from 1 to 10,000"),
    (["movements", "--limit", "-5"], "--limit must be a whole number from 1 to 10,000"),
    (["movements", "--limit", "0"], "--limit must be a whole number from 1 to 10,000, not 0"),
    (["reverse", "9" * 5000, "--reason", "correction"], "There is no movement with id"),
    (["receive", "9" * 5000, "1"], "There is no item"),
    (["receive", "#" + "9" * 5000, "1"], "There is no item"),
])
def test_odd_arguments_are_refused_with_a_sentence(kitchen, capsys, args, sentence):
    assert cli_main(["--db", str(kitchen), *args]) == 1
    assert sentence in capsys.readouterr().err


def test_dates_at_the_edges_work_in_a_time_zone_behind_utc(kitchen):
    for args in (["movements", "--until", "9998-12-31"], ["movements", "--since", "1900-01-01"],
                 ["items", "show", "FL-1", "--at", "9998-12-31 23:59"]):
        done = _inventory("--db", str(kitchen), *args, capture_output=True, text=True,
                          env={"TZ": "XST+11"})
        assert done.returncode == 0, (args, done.stderr)


# 16. Waiting for another program's write: told, and Ctrl+C cancels ------------------------

_HOLD_THE_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


def test_a_long_wait_is_told_and_ctrl_c_cancels_with_nothing_booked(kitchen):
    before = _movements(kitchen)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_THE_LOCK, str(kitchen)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        waiting = subprocess.Popen(
            [sys.executable, "-m", "inventory_desktop", "--db", str(kitchen),
             "receive", "FL-1", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        told = waiting.stderr.readline()
        assert "Waiting for another program to finish writing" in told
        started = time.monotonic()
        waiting.send_signal(signal.SIGINT)
        out, err = waiting.communicate(timeout=SLOW_START)
        assert time.monotonic() - started < 5  # not the 60 s busy timeout
        assert waiting.returncode == 130
        assert "interrupted; nothing more was recorded" in err
        assert "Traceback" not in err
    finally:
        holder.communicate("done\n", timeout=SLOW_START)
    assert _movements(kitchen) == before


# The Linux bundle leaves libpq to the system (build.spec): a computer without it
# gets told what to install, and the data file named by INVENTORY_DB is untouched.
_WITHOUT_PSYCOPG = ("import sys; sys.modules['psycopg'] = None; "
                    "from inventory_desktop.__main__ import main; sys.exit(main(sys.argv[1:]))")


def test_server_mode_without_libpq_names_the_package_to_install(kitchen):
    # copy-to's side: tests/pg/test_copy_to_cli.py
    before = kitchen.read_bytes()
    done = subprocess.run([sys.executable, "-c", _WITHOUT_PSYCOPG, "--db",
                           "postgresql://bar@localhost/inventory", "items", "list"],
                          env={**os.environ, "INVENTORY_DB": str(kitchen)},
                          capture_output=True, text=True, timeout=SLOW_START)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "apt-get install libpq5" in done.stderr
    assert kitchen.read_bytes() == before


def test_a_command_on_a_file_does_not_load_the_server_driver(kitchen):
    # psycopg costs 120-190 ms of every start; peewee would import it if let.
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from inventory_desktop.__main__ import main; "
         "code = main(sys.argv[1:]); print(sorted(n for n in sys.modules if 'psycopg' in n))",
         "--db", str(kitchen), "items", "list"],
        capture_output=True, text=True, timeout=SLOW_START)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("[]")
