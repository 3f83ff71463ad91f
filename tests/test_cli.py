"""The command line: output people and scripts read, exit codes, and refusals that write nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import raw, snapshot

from inventory_desktop import db, services
from inventory_desktop.cli import main

# Runs on a SQLite file and on a PostgreSQL server's database.
pytestmark = pytest.mark.both_backends


@pytest.fixture
def cli(new_target: Path, capsys: pytest.CaptureFixture[str]):
    """Run `inventory --db FILE ...` in-process; returns (exit code, stdout, stderr)."""
    path = new_target

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(path), "--user", "chef", *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    run.path = path  # type: ignore[attr-defined]
    return run


def _flour(cli) -> None:
    code, _, _ = cli("items", "add", "--name", "Flour", "--unit", "kg", "--sku", "FL-1",
                     "--threshold", "5", "--initial", "12.5")
    assert code == 0


def test_a_day_of_stock_work_is_recorded_in_the_file(cli):
    _flour(cli)
    assert cli("receive", "fl-1", "2.25", "--reference", "INV-7")[0] == 0
    assert cli("deduct", "FL-1", "4", "--reason", "waste", "--notes", "mice")[0] == 0
    assert cli("adjust", "FL-1", "10", "--reason", "correction")[0] == 0
    connection = raw(cli.path)
    assert connection.execute(
        "SELECT quantity_change, movement_type, reason, balance_after, created_by "
        "FROM stock_movement ORDER BY id").fetchall() == [
        (125000, "in", "initial", 125000, "chef"),
        (22500, "in", "purchase", 147500, "chef"),
        (-40000, "out", "waste", 107500, "chef"),
        (-7500, "adjustment", "correction", 100000, "chef"),
    ]
    assert connection.execute("SELECT current_quantity FROM stock_item").fetchone() == (100000,)


def test_json_uses_column_names_and_decimal_strings(cli):
    _flour(cli)
    code, out, _ = cli("items", "list", "--json")
    assert code == 0
    (item,) = json.loads(out)
    assert item["current_quantity"] == "12.5"
    assert item["low_stock_threshold"] == "5"
    assert {"id", "name", "sku", "unit", "low_stock_alert_sent", "is_active",
            "created_at", "updated_at"} <= set(item)
    code, out, _ = cli("deduct", "FL-1", "0.0001", "--reason", "order_usage", "--json")
    movement = json.loads(out)
    assert movement["quantity_change"] == "-0.0001"
    assert movement["balance_after"] == "12.4999"
    assert movement["stock_item_id"] == item["id"]


def test_human_table_is_aligned(cli):
    _flour(cli)
    cli("items", "add", "--name", "Olive oil", "--unit", "L")
    code, out, _ = cli("items", "list")
    header, rule, *rows = out.splitlines()
    assert header.split() == ["ID", "SKU", "NAME", "ON", "HAND", "UNIT", "THRESHOLD", "STATUS"]
    assert rows[0].split()[:5] == ["1", "FL-1", "Flour", "12.5", "kg"]
    assert header.index("UNIT") == rows[0].index("kg")


@pytest.mark.parametrize("args, message", [
    (("receive", "FL-1", "0"), "more than zero"),
    (("receive", "FL-1", "1.00001"), "at most 4 decimal places"),
    (("receive", "FL-1", "NaN"), "not a number"),
    (("receive", "FL-1", "1e400"), "exponent notation"),
    (("receive", "FL-1", "1e3"), "exponent notation"),
    (("receive", "FL-1", "5", "--reason", "theft"), "not a reason to receive"),
    (("deduct", "FL-1", "100", "--reason", "waste"), "Only 12.5 kg of Flour is in stock"),
    (("deduct", "NOPE", "1", "--reason", "waste"), "no item with SKU or id 'NOPE'"),
    (("adjust", "FL-1", "-1", "--reason", "correction"), "cannot be negative"),
    (("items", "add", "--name", "Other flour", "--unit", "kg", "--sku", "fl-1"),
     "already used by Flour"),
    (("items", "add", "--name", "  ", "--unit", "kg"), "Enter a name"),
    (("items", "add", "--name", "Salt", "--unit", "pound"), "unit must be one of"),
    (("items", "delete", "FL-1"), "archive it instead"),
    (("reverse", "99", "--reason", "correction"), "no movement with id 99"),
    (("movements", "--since", "yesterday"), "is not a date"),
])
def test_refusals_exit_1_with_a_sentence_and_write_nothing(cli, args, message):
    _flour(cli)
    before = snapshot(cli.path)
    code, out, err = cli(*args)
    assert code == 1
    assert message in err
    assert err.startswith("inventory: ")
    assert snapshot(cli.path) == before


def test_usage_errors_exit_2(cli):
    assert cli("bogus")[0] == 2
    assert cli("receive")[0] == 2
    assert cli("deduct", "FL-1", "1")[0] == 2  # --reason is required
    assert main([]) == 2


def test_adjusting_to_the_quantity_on_hand_writes_nothing_and_says_so(cli):
    _flour(cli)
    before = snapshot(cli.path)
    code, out, _ = cli("adjust", "FL-1", "12.50", "--reason", "correction")
    assert code == 0
    assert "already at 12.5 kg; nothing was recorded" in out
    assert snapshot(cli.path) == before


def test_op_key_retry_books_once(cli):
    _flour(cli)
    first = json.loads(cli("receive", "FL-1", "3", "--op-key", "delivery-42", "--json")[1])
    again = json.loads(cli("receive", "FL-1", "3", "--op-key", "delivery-42", "--json")[1])
    assert first == again
    code, out, _ = cli("receive", "FL-1", "3", "--op-key", "delivery-42")
    assert out.startswith(f"Already recorded as movement {first['id']}")
    assert raw(cli.path).execute(
        "SELECT count(*) FROM stock_movement WHERE op_key = 'delivery-42'").fetchone() == (1,)


def test_show_at_a_past_moment_and_movement_filters(cli):
    _flour(cli)
    cli("deduct", "FL-1", "2", "--reason", "order_usage")
    code, out, _ = cli("items", "show", "FL-1", "--at", "2000-01-01", "--json")
    assert json.loads(out)["quantity"] == "0"
    code, out, _ = cli("items", "show", "FL-1", "--at", "2999-01-01 00:00", "--json")
    assert json.loads(out)["quantity"] == "10.5"
    code, out, _ = cli("movements", "--type", "out", "--json")
    assert [m["reason"] for m in json.loads(out)] == ["order_usage"]
    code, out, _ = cli("movements", "--item", "FL-1", "--limit", "1", "--json")
    assert [m["quantity_change"] for m in json.loads(out)] == ["-2"]
    code, out, _ = cli("movements", "--until", "2000-01-01", "--json")
    assert json.loads(out) == []


def test_reverse_undoes_a_movement_once(cli):
    _flour(cli)
    movement = json.loads(cli("deduct", "FL-1", "2", "--reason", "theft", "--json")[1])
    code, out, _ = cli("reverse", str(movement["id"]), "--reason", "correction", "--json")
    assert code == 0
    reversal = json.loads(out)
    assert (reversal["quantity_change"], reversal["reference_id"]) == ("2", str(movement["id"]))
    code, _, err = cli("reverse", str(movement["id"]), "--reason", "correction")
    assert code == 1 and "already reversed" in err


def test_items_edit_archive_restore(cli):
    _flour(cli)
    code, out, _ = cli("items", "edit", "FL-1", "--name", "Flour T55", "--no-threshold", "--json")
    edited = json.loads(out)
    assert (edited["name"], edited["low_stock_threshold"]) == ("Flour T55", None)
    assert cli("items", "archive", "FL-1")[0] == 0
    assert json.loads(cli("items", "list", "--json")[1]) == []
    assert len(json.loads(cli("items", "list", "--all", "--json")[1])) == 1
    code, _, err = cli("receive", "FL-1", "1")
    assert code == 1 and "archived" in err
    assert cli("items", "restore", "FL-1")[0] == 0


def test_low_stock_crossing_is_announced_once(cli):
    _flour(cli)
    _, _, err = cli("deduct", "FL-1", "8", "--reason", "order_usage")
    assert "Low stock: Flour is down to 4.5 kg (low at 5 kg)." in err
    _, _, err = cli("deduct", "FL-1", "1", "--reason", "order_usage")
    assert "Low stock" not in err
    code, out, _ = cli("items", "list", "--low", "--json")
    assert [item["sku"] for item in json.loads(out)] == ["FL-1"]


def test_verify_says_what_it_checked_on_each_backend(cli, backend):
    _flour(cli)
    code, out, _ = cli("verify")
    assert code == 0
    if backend == "sqlite":
        assert out.startswith("OK: the file is intact, every write is sealed")
    else:  # no seals on a server: its privileges keep the rows
        assert out.startswith("OK: the database is intact")
        assert "sealed" not in out


@pytest.mark.postgresql_only
def test_verify_on_a_server_names_another_programs_changes_by_login(cli):
    _flour(cli)
    connection = raw(cli.path)  # another tool, logged in with the program's privileges
    connection.execute("UPDATE stock_item SET name = 'Bread flour' WHERE sku = 'FL-1'")
    connection.close()
    code, out, _ = cli("verify")
    assert code == 0
    assert ("Note: 1 change made with the login inventory_test_tool by another program than "
            "this one (recorded in the audit with the actor 'unknown').") in out
    code, _, err = cli("verify", "--accept-foreign")
    assert code == 1
    assert "A server's database has no seals to accept" in err


@pytest.mark.sqlite_only  # another tool on the file itself
def test_verify_names_a_tampered_item_and_exits_1(cli):
    _flour(cli)
    assert cli("verify")[0] == 0
    connection = raw(cli.path)
    connection.execute("DROP TRIGGER stock_item_quantity_follows_ledger")
    connection.execute("UPDATE stock_item SET current_quantity = 990000 WHERE sku = 'FL-1'")
    connection.close()
    code, out, _ = cli("verify")
    assert code == 1
    assert "FL-1 Flour" in out and "quantity 99 but its movements sum to 12.5" in out
    assert "stock_item_quantity_follows_ledger is missing" in out


def test_a_refused_file_is_left_byte_for_byte(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"buy more basil\n" * 20)
    code = main(["--db", str(notes), "items", "list"])
    assert code == 1
    assert "not an inventory data file" in capsys.readouterr().err
    assert notes.read_bytes() == b"buy more basil\n" * 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_bug_exits_3_without_a_traceback(cli, monkeypatch):
    _flour(cli)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(services, "list_items", broken)
    code, out, err = cli("items", "list")
    assert code == 3
    assert "unexpected error (ZeroDivisionError)" in err and "this is a bug" in err


def test_process_boundary_exit_codes_and_no_qt(tmp_path):
    path = tmp_path / "proc.sqlite3"
    command = [sys.executable, "-m", "inventory_desktop", "--db", str(path)]
    created = subprocess.run([*command, "items", "add", "--name", "Basil", "--unit", "g"],
                             capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    refused = subprocess.run([*command, "deduct", "1", "5", "--reason", "waste"],
                             capture_output=True, text=True)
    assert refused.returncode == 1
    assert "Only 0 g of Basil is in stock" in refused.stderr
    assert "Traceback" not in refused.stderr
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys, inventory_desktop.cli, inventory_desktop.services;"
         "sys.exit('PySide6' in sys.modules)"])
    assert probe.returncode == 0, "the CLI and services must not import Qt"


def test_default_data_file_comes_from_the_environment(tmp_path, monkeypatch, capsys):
    target = tmp_path / "env" / "inventory.sqlite3"
    monkeypatch.setenv("INVENTORY_DB", str(target))
    assert main(["items", "add", "--name", "Basil", "--unit", "g"]) == 0
    assert "Created a new data file" in capsys.readouterr().err
    assert target.exists()
    db.close_database()


@pytest.mark.parametrize("command", [["items", "list"], ["verify"], ["receive", "FL-1", "1"]])
def test_only_adding_an_item_creates_a_data_file(tmp_path, capsys, command):
    typo = tmp_path / "kitchn" / "inventory.sqlite3"
    assert main(["--db", str(typo), *command]) == 1
    assert "There is no data file at" in capsys.readouterr().err
    assert not typo.parent.exists()


@pytest.mark.sqlite_only  # another tool on the file itself
def test_a_damaged_item_table_is_a_sentence_not_a_bug(cli):
    _flour(cli)
    db.close_database()
    connection = raw(cli.path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root_page = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'stock_item'").fetchone()[0]
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with open(cli.path, "r+b") as data:
        data.seek((root_page - 1) * page_size)
        data.write(b"\xff" * page_size)
    for args in (("items", "show", "FL-1"), ("receive", "FL-1", "1"), ("items", "list")):
        code, _, err = cli(*args)
        assert code == 1, args
        assert "damaged" in err, args


def test_inventory_db_names_the_file_or_the_server(new_target, backend, monkeypatch, capsys,
                                                   tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INVENTORY_DB", str(new_target))
    assert main(["items", "add", "--name", "Flour", "--unit", "kg", "--sku", "FL-1",
                 "--initial", "2"]) == 0
    capsys.readouterr()
    assert main(["--json", "items", "list"]) == 0
    assert [item["sku"] for item in json.loads(capsys.readouterr().out)] == ["FL-1"]
    # A server's address is an address: no file or folder named after it appears.
    expected = ["inventory.sqlite3"] if backend == "sqlite" else []
    assert sorted(path.name for path in tmp_path.iterdir()
                  if not path.name.endswith(("-wal", "-shm"))
                  and not path.name.startswith("xdg-")) == expected


@pytest.mark.postgresql_only
def test_a_server_is_not_restored_or_copied_from_by_a_terminal(new_target, monkeypatch, capsys,
                                                                tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INVENTORY_DB", str(new_target))
    assert main(["items", "add", "--name", "Flour", "--unit", "kg", "--initial", "2"]) == 0
    backup = tmp_path / "backup.sqlite3"
    assert main(["--db", str(tmp_path / "other.sqlite3"), "items", "add", "--name", "Rye",
                 "--unit", "kg"]) == 0
    assert main(["--db", str(tmp_path / "other.sqlite3"), "backup", "--to", str(backup)]) == 0
    capsys.readouterr()
    assert main(["restore", str(backup)]) == 1
    assert "restored on the server, with pg_restore" in capsys.readouterr().err
    assert main(["copy-to", str(new_target)]) == 1
    assert "name the file with --db FILE ($INVENTORY_DB names a server here)" in (
        capsys.readouterr().err)
    assert main(["backups"]) == 0
    assert capsys.readouterr().out.startswith(
        "Note: a server's database is backed up on the server, with pg_dump")
    assert main(["--json", "items", "list"]) == 0
    assert [item["name"] for item in json.loads(capsys.readouterr().out)] == ["Flour"]
    assert sorted(path.name for path in tmp_path.iterdir() if "postgres" in path.name) == []


def test_export_of_movements_is_the_same_on_both_backends(cli, tmp_path):
    _flour(cli)
    assert cli("receive", "FL-1", "2.5", "--reference", "INV-9")[0] == 0
    target = tmp_path / "movements.csv"
    code, out, _ = cli("export", "movements", str(target))
    assert code == 0 and "2 movements" in out
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3 and "INV-9" in lines[1] + lines[2]


@pytest.mark.postgresql_only
def test_an_export_from_a_server_reads_through_a_cursor_on_the_server(data_file, tmp_path):
    item = services.create_item("Flour", "kg", sku="FL-1", initial_quantity="1").id
    for _ in range(3):
        services.add_stock(item, "1")
    open_cursors: list[int] = []

    def progress(done: int, total: int) -> bool:
        open_cursors.append(db.run("SELECT count(*) FROM pg_cursors").fetchone()[0])
        return True

    result = services.export_csv("movements", tmp_path / "m.csv", progress=progress)
    assert result.rows == 4
    assert open_cursors and all(count == 1 for count in open_cursors)  # rows come in batches
