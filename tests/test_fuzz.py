"""Fuzzing: random sequences of service calls and CLI commands with hostile input.

Every call must either work or raise an InventoryError (the CLI: exit 0, 1 or
2, never 3 and never a traceback), and every refused call must leave every
table exactly as it was. Bounded so the default suite stays fast; raise
FUZZ_EXAMPLES (e.g. FUZZ_EXAMPLES=2000) for a long run. Hypothesis prints the
failing sequence (and a @reproduce_failure blob); `pytest --hypothesis-seed=N`
replays a whole run.
"""

from __future__ import annotations

import io
import itertools
import os
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_desktop import db, services
from inventory_desktop.cli import main as cli_main
from inventory_desktop.errors import InventoryError
from inventory_desktop.vocabulary import MOVEMENT_TYPES, REASONS, UNITS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

NUMBER_TEXTS = [
    "1", "2.5", "0", "-0", "0.0000", "+3", "1e3", "1E-4", "1e-5", "1e999999", "-1e999999",
    "0x10", "1_000", "1,5", "١٢", "٣.٥", "５", "½", " 5 ", "\t7\n", "5.00001", "5.0001",
    "999999.9999", "1000000", "-999999.9999", "NaN", "nan", "-NaN", "sNaN", "Infinity",
    "-inf", "", " ", ".", "-", "1.", ".5", "00000000001", "9" * 5000, "1" + "0" * 70,
    "5\x00", "\x00", "\u00a05", "\ud800", "\udcff5", "5kg", "10%",
]
WEIRD_TEXTS = [
    "", " ", "\x00", "\x1b[31mred", "a\nb", "tab\there", "\ud800", "\udcff", "x" * 201,
    "y" * 5000, "Flour", "FL-1", "fl-1", "é", "\u202eevil", "'; DROP TABLE stock_item; --",
    "%s", "{0}", "None", "null", "1", "reversal",
]

numbers = st.one_of(
    st.sampled_from(NUMBER_TEXTS), st.text(max_size=12), st.integers(),
    st.decimals(), st.floats(), st.binary(max_size=6), st.none(), st.booleans(),
    st.just(Decimal("1E+999999")), st.just(Decimal("-0.00001")),
)
texts = st.one_of(st.sampled_from(WEIRD_TEXTS), st.text(max_size=40))
# Fields the services validate also meet what a wrong caller might pass.
values = st.one_of(texts, st.binary(max_size=6), st.none(), st.integers(), st.floats())
maybe_texts = st.one_of(st.none(), texts)
item_ids = st.one_of(st.integers(-2, 5),
                     st.sampled_from([2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30]))
reasons = st.one_of(st.sampled_from((*REASONS, "", "PURCHASE", "reversal")), values)
units = st.one_of(st.sampled_from((*UNITS, "KG", " kg ", "kilo", "")), values)


def _call(function: str, /, *args: st.SearchStrategy, **kwargs: st.SearchStrategy):
    return st.tuples(st.just(function), st.tuples(*args), st.fixed_dictionaries(kwargs))


service_calls = st.one_of(
    _call("create_item", values, units, values, numbers, numbers, op_key=values),
    _call("update_item", item_ids, name=values, sku=values, unit=units,
          low_stock_threshold=numbers),
    _call("add_stock", item_ids, numbers, reasons, notes=values, reference=values,
          op_key=values, user=maybe_texts),
    _call("deduct_stock", item_ids, numbers, reasons, notes=values, op_key=values),
    _call("adjust_stock", item_ids, numbers, reasons, notes=values, op_key=values),
    _call("reverse_movement", item_ids, reasons, op_key=values),
    _call("archive_item", item_ids, user=maybe_texts),
    _call("restore_item", item_ids),
    _call("delete_item", item_ids),
    _call("find_item", texts),
    _call("get_item", item_ids),
    _call("list_items", search=maybe_texts),
    _call("list_movements", item_id=st.one_of(st.none(), item_ids),
          movement_type=maybe_texts, reason=maybe_texts,
          limit=st.one_of(st.integers(), st.none()),
          before_id=st.one_of(st.none(), item_ids)),
)

_files = itertools.count()


def _fresh_file(tmp_path: Path) -> Path:
    """A new file per example (so a failure replays the same), with stock to work on."""
    path = tmp_path / f"fuzz-{next(_files)}.sqlite3"
    db.open_database(path)
    services.create_item(name="Flour", unit="kg", sku="FL-1", low_stock_threshold="5",
                         initial_quantity="12.5")
    services.create_item(name="Milk", unit="L", sku="MI-2", initial_quantity="3")
    services.create_item(name="Napkins", unit="piece")  # no movements: can be deleted
    return path


@FUZZ
@given(calls=st.lists(service_calls, min_size=1, max_size=12))
def test_service_api_refuses_cleanly_and_writes_nothing_when_it_refuses(tmp_path, calls):
    path = _fresh_file(tmp_path)
    for name, args, kwargs in calls:
        before = snapshot(path)
        try:
            getattr(services, name)(*args, **kwargs)
        except InventoryError:
            assert snapshot(path) == before, f"refused {name}{args} {kwargs} wrote to the file"
    assert services.verify().ok


def _argv(*parts: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(*parts).map(lambda values: [v for v in values if v is not None])


def _flag(name: str, value: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), value.map(lambda v: f"{name}={v}"))


cli_texts = st.one_of(st.sampled_from(WEIRD_TEXTS), st.text(max_size=30))
cli_numbers = st.one_of(st.sampled_from(NUMBER_TEXTS), st.text(max_size=10))
cli_items = st.one_of(st.sampled_from(["FL-1", "fl-1", "MI-2", "1", "2", "3", "4", "0", "-1",
                                       "99999999999999999999", "١", "", " 1 "]), cli_texts)
cli_reasons = st.one_of(st.sampled_from(REASONS), cli_texts)
cli_commands = st.one_of(
    _argv(st.just("receive"), cli_items, cli_numbers, _flag("--reason", cli_reasons),
          _flag("--notes", cli_texts), _flag("--reference", cli_texts),
          _flag("--op-key", cli_texts)),
    _argv(st.just("deduct"), cli_items, cli_numbers, _flag("--reason", cli_reasons),
          _flag("--op-key", cli_texts)),
    _argv(st.just("adjust"), cli_items, cli_numbers, _flag("--reason", cli_reasons)),
    _argv(st.just("reverse"), cli_items, _flag("--reason", cli_reasons)),
    _argv(st.just("items"), st.just("add"), _flag("--name", cli_texts),
          _flag("--unit", st.one_of(st.sampled_from(UNITS), cli_texts)),
          _flag("--sku", cli_texts), _flag("--threshold", cli_numbers),
          _flag("--initial", cli_numbers)),
    _argv(st.just("items"), st.just("edit"), cli_items, _flag("--name", cli_texts),
          _flag("--sku", cli_texts), _flag("--unit", cli_texts),
          _flag("--threshold", cli_numbers)),
    _argv(st.just("items"), st.sampled_from(["archive", "delete", "show"]), cli_items),
    _argv(st.just("items"), st.just("show"), cli_items, _flag("--at", cli_texts)),
    _argv(st.just("items"), st.just("list"), _flag("--search", cli_texts)),
    _argv(st.just("movements"), _flag("--item", cli_items),
          _flag("--type", st.one_of(st.sampled_from(MOVEMENT_TYPES), cli_texts)),
          _flag("--reason", cli_reasons), _flag("--since", cli_texts),
          _flag("--until", cli_texts), _flag("--limit", cli_numbers)),
    _argv(st.just("verify")),
    st.lists(cli_texts, max_size=4),
)
cli_runs = st.tuples(st.booleans(), st.one_of(st.none(), cli_texts), cli_commands)


def _run_cli(argv: list[str]) -> tuple[int, str]:
    # Like a real terminal: stdout strict UTF-8, stderr with backslashreplace.
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(argv)
    out.flush()
    err.flush()
    text = out.buffer.getvalue().decode("utf-8") + err.buffer.getvalue().decode("utf-8")
    return code, text


@FUZZ
@given(runs=st.lists(cli_runs, min_size=1, max_size=8))
def test_cli_never_shows_a_traceback_and_refusals_write_nothing(tmp_path, runs):
    path = _fresh_file(tmp_path)
    db.close_database()
    for json_flag, user, command in runs:
        argv = ["--db", str(path), *(["--user", user] if user is not None else []),
                *command, *(["--json"] if json_flag and command else [])]
        before = snapshot(path)
        code, text = _run_cli(argv)
        assert code in (0, 1, 2), f"exit {code} for {argv!r}: {text}"
        assert "Traceback" not in text
        if code != 0:
            assert snapshot(path) == before, f"refused {argv!r} wrote to the file"
    db.open_database(path)
    assert services.verify().ok


@pytest.mark.parametrize("argv", [
    ["receive", "99999999999999999999", "1"],
    ["items", "show", "99999999999999999999"],
    ["reverse", "99999999999999999999", "--reason", "correction"],
    ["receive", "FL-1", "1e999999"],
    ["receive", "FL-1", "\udcff"],
    ["items", "add", "--name", "\udcffbad bytes", "--unit", "kg"],
    ["movements", "--limit", "1e3"],
])
def test_hostile_cli_inputs_found_by_fuzzing(tmp_path, argv):
    path = _fresh_file(tmp_path)
    db.close_database()
    before = snapshot(path)
    code, text = _run_cli(["--db", str(path), *argv])
    assert code in (1, 2), text
    assert "Traceback" not in text
    assert snapshot(path) == before
