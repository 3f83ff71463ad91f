"""`inventory copy-to`: exit codes, sentences (never a traceback), JSON; psycopg errors told."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest

from inventory_desktop import db, errors, pg_errors
from inventory_desktop.cli import main

from .copy_fixtures import install_key, make_kitchen, restoring_password, server_url
from .pg_helpers import act, add_item, move


@pytest.fixture(scope="module")
def kitchen_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_kitchen(tmp_path_factory.mktemp("cli-kitchen"), 100)


@pytest.fixture
def kitchen(kitchen_original: Path, tmp_path: Path) -> Path:
    path = tmp_path / "kitchen.sqlite3"
    shutil.copy(kitchen_original, path)
    shutil.copy(kitchen_original.with_name("kitchen.seal.key"), tmp_path / "kitchen.seal.key")
    install_key(path)
    return path


@pytest.fixture(autouse=True)
def _no_password_left(monkeypatch: pytest.MonkeyPatch) -> None:
    restoring_password(monkeypatch)


def test_copy_to_prints_what_it_copied(pg_empty, kitchen, capsys):
    assert main(["copy-to", server_url(pg_empty), "--db", str(kitchen)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"Copied {kitchen} to the database {pg_empty.name} on ")
    assert "every one checked against the file" in out
    assert "stock_movement" in out and "100" in out
    assert "Checking" not in out and "checking them row by row" in err  # progress on stderr
    # verify, afterwards, on each side: the same checks on the file and the server.
    assert out.rstrip().endswith("verify: nothing wrong in the data file, nor in the database.")


def test_the_data_file_may_be_named_before_the_command(pg_empty, kitchen, capsys):
    assert main(["--db", str(kitchen), "--json", "copy-to", server_url(pg_empty)]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["data_file"] == str(kitchen)
    assert report["tables"]["stock_movement"] == 100
    assert report["rows"] == sum(report["tables"].values())
    assert not report["file_changed_during_copy"]
    assert all("notice" in json.loads(line) for line in err.splitlines())


def test_a_second_copy_is_refused_with_exit_1_and_a_sentence(pg_empty, kitchen, capsys):
    assert main(["copy-to", server_url(pg_empty), "--db", str(kitchen)]) == 0
    capsys.readouterr()
    assert main(["copy-to", server_url(pg_empty), "--db", str(kitchen)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1].startswith(f"inventory: The database {pg_empty.name} on ")
    assert "already holds data" in err and "Traceback" not in err


@pytest.mark.parametrize(("address", "sentence"), [
    ("postgresql://postgres@127.0.0.1:1/kitchen", "inventory: Cannot reach the database kitchen"),
    ("postgresql://chef:secret@127.0.0.1:1/kitchen", "inventory: Leave the password out"),
    ("kitchen.sqlite3", "inventory: 'kitchen.sqlite3' is not a server address"),
])
def test_refusals_before_any_copy_are_sentences(kitchen, capsys, address, sentence):
    assert main(["copy-to", address, "--db", str(kitchen)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(sentence) and "Traceback" not in err


_WITHOUT_PSYCOPG = """
import sys

class NoPsycopg:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("psycopg", "psycopg_binary", "psycopg_c"):
            raise ImportError("psycopg is not installed")

sys.meta_path.insert(0, NoPsycopg())
from inventory_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_without_psycopg_the_program_runs_and_copy_to_says_what_to_install(kitchen):
    run = [sys.executable, "-c", _WITHOUT_PSYCOPG]
    assert subprocess.run([*run, "--help"], capture_output=True).returncode == 0
    copy = subprocess.run([*run, "copy-to", "postgresql://chef@127.0.0.1:1/kitchen", "--db",
                           str(kitchen)], capture_output=True, text=True)
    assert copy.returncode == 1
    assert copy.stderr == f"inventory: {db.SERVER_DRIVER_MISSING}\n"


def test_a_missing_privilege_is_a_permission_sentence(pg_db):
    with pg_db.connect("app") as connection:
        exc = _raised(connection, "TRUNCATE stock_movement")
    error = pg_errors.server_error(exc, "the database kitchen")
    assert isinstance(error, pg_errors.PermissionRefusedError)
    assert str(error).startswith("Your login may not do this on the database kitchen "
                                 "(permission denied for table stock_movement)")


def test_a_rule_and_a_waiting_lock_are_sentences(pg_db):
    with pg_db.connect("app") as connection:
        act(connection, "ana")
        item = add_item(connection)
        connection.execute("COMMIT")
        rule = _raised(connection, f"INSERT INTO stock_movement (stock_item_id, quantity_change, "
                                   f"movement_type, reason, balance_after) "
                                   f"VALUES ({item}, 5, 'in', 'purchase', 7)")
        assert isinstance(pg_errors.server_error(rule, "x"), errors.RuleRefusedError)
        holder = pg_db.connect("app")
        act(holder, "ben")
        move(holder, item, 10_000)  # holds the item's row until it commits
        connection.execute("SET lock_timeout = '50ms'")
        waiting = _raised(connection, f"SELECT 1 FROM stock_item WHERE id = {item} FOR UPDATE")
        holder.close()
    error = pg_errors.server_error(waiting, "the database kitchen")
    assert isinstance(error, errors.DatabaseBusyError)
    assert str(error).startswith("Another terminal was changing the same stock")


def test_a_lost_connection_is_a_sentence(pg_db):
    with pg_db.connect() as connection, pg_db.connect() as killer:
        pid = connection.info.backend_pid
        threading.Thread(target=killer.execute, args=(
            f"SELECT pg_terminate_backend({pid})",)).start()
        with pytest.raises(psycopg.OperationalError) as caught:
            connection.execute("SELECT pg_sleep(5)")
    error = pg_errors.server_error(caught.value, "the database kitchen")
    assert isinstance(error, pg_errors.ServerUnreachableError)
    assert "nothing was saved" in str(error).lower()


def test_our_own_bugs_are_not_explained_away(pg_db):
    with pg_db.connect() as connection:
        exc = _raised(connection, "SELEC 1")
    assert pg_errors.server_error(exc, "x") is None
    assert pg_errors.server_error(ValueError("not psycopg's"), "x") is None


def _raised(connection, statement: str) -> psycopg.Error:
    try:
        connection.execute(statement)
    except psycopg.Error as exc:
        if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            connection.execute("ROLLBACK")
        return exc
    raise AssertionError(f"{statement!r} was not refused")
