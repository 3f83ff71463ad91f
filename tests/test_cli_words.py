"""The command line speaks like the window, says its rules, and tells scripts errors as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import snapshot

from inventory_desktop.cli import main


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run `inventory --db FILE ...` in-process; returns (exit code, stdout, stderr)."""
    path = tmp_path / "cli.sqlite3"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", str(path), "--user", "chef", *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    run.path = path  # type: ignore[attr-defined]
    assert run("items", "add", "--name", "Flour", "--unit", "kg", "--sku", "FL-1",
               "--threshold", "5", "--initial", "12.5")[0] == 0
    return run


def test_limit_out_of_range_says_the_rule(cli):
    code, _, err = cli("movements", "--limit", "-5")
    assert code == 1
    assert "--limit must be a whole number from 1 to 10,000, not '-5'." in err


def test_with_json_a_refusal_is_a_json_object_on_stderr(cli):
    before = snapshot(cli.path)
    code, out, err = cli("movements", "--limit", "-5", "--json")
    assert (code, out) == (1, "")
    assert json.loads(err) == {
        "error": "--limit must be a whole number from 1 to 10,000, not '-5'.", "exit_code": 1}
    code, out, err = cli("deduct", "FL-1", "99", "--reason", "waste", "--json")
    refusal = json.loads(err)
    assert code == 1 and refusal["exit_code"] == 1 and "12.5 kg of Flour" in refusal["error"]
    assert snapshot(cli.path) == before


def test_with_json_a_usage_error_is_a_json_object_on_stderr(cli):
    code, out, err = cli("receive", "FL-1", "--json")
    assert (code, out) == (2, "")
    error = json.loads(err)
    assert error["error"] == "the following arguments are required: QTY"
    assert error["exit_code"] == 2 and error["usage"].startswith("usage: inventory receive")
    code, _, err = cli("--json")
    assert code == 2 and json.loads(err)["error"] == "name a command (see --help)"


def test_with_json_notices_are_json_objects_too(cli):
    code, out, err = cli("deduct", "FL-1", "8", "--reason", "order_usage", "--json")
    assert code == 0 and json.loads(out)["quantity_change"] == "-8"
    assert json.loads(err) == {"notice": "Low stock: Flour is down to 4.5 kg (low at 5 kg)."}


def test_a_usage_error_without_json_stays_plain_text(cli):
    code, _, err = cli("receive", "FL-1")
    assert code == 2 and "error: the following arguments are required: QTY" in err
    assert not err.lstrip().startswith("{")


def test_json_errors_from_a_real_process(cli):
    done = subprocess.run(
        [sys.executable, "-m", "inventory_desktop", "--db", str(cli.path), "items", "show",
         "NOPE", "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert json.loads(done.stderr) == {
        "error": "There is no item with SKU or id 'NOPE'.", "exit_code": 1}


def test_reasons_read_as_the_window_says_them_and_are_accepted_that_way(cli):
    code, out, _ = cli("deduct", "FL-1", "1", "--reason", "Order usage")
    assert code == 0 and "(Order usage)" in out and "order_usage" not in out
    assert cli("deduct", "FL-1", "1", "--reason", "order-usage")[0] == 0
    code, out, _ = cli("movements", "--reason", "order usage")
    assert out.count("Order usage") == 2 and "order_usage" not in out
    code, out, _ = cli("movements", "--json", "--limit", "1")
    assert json.loads(out)[0]["reason"] == "order_usage"  # scripts keep the stored code


def test_the_low_stock_notice_is_the_window_s_sentence(cli):
    _, _, err = cli("deduct", "FL-1", "8", "--reason", "waste")
    # Word for word what the window's status bar says (test_gui_main_window).
    assert err.strip() == "Low stock: Flour is down to 4.5 kg (low at 5 kg)."
