"""Fuzzing the CSV reader: random bytes, random tables in random encodings and separators.

Every import either works or is refused with a sentence (an InventoryError,
or problems in its report); a refused one leaves every table as it was, and
what was written verifies. FUZZ_EXAMPLES raises the count, as in
test_fuzz.py; Hypothesis prints the failing file (and a @reproduce_failure
blob), and `pytest --hypothesis-seed=N` replays a whole run.
"""

from __future__ import annotations

import csv
import io
import os

from conftest import snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory_desktop import services
from inventory_desktop.errors import InventoryError

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

HEADERS = ["name", "Name", "SKU", "sku", "Unit", "UOM", "threshold", "Reorder level",
           "Quantity", "qty", "on hand", "active", "id", "created_at", "Supplier", "", "naMe",
           "unit\n", "=cmd", "\ufeffName"]
CELLS = ["Flour", "FL-1", "fl-1", "kg", "KG", "litre", "pcs", "each", "stone", "2,5", "2.5",
         "1.000", "1.000,5", "1e3", "-1", "0", "", " ", "NaN", "Infinity", "12345",
         "ＦＬ－５５", "Crème fraîche", "鸡蛋", "'=1+1", "=1+1", "\x00", "\x1b[31m", '"', "'",
         "a,b", "a;b", "a\tb", "a\nb", "\r", "\ud800", "yes", "no", "archived", "9" * 300,
         "x" * 201]

cells = st.one_of(st.sampled_from(CELLS), st.text(max_size=12))
headers = st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=8)), min_size=1,
                   max_size=7)
bodies = st.lists(st.lists(cells, max_size=8), max_size=8)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                             "cp1252", "latin-1"])
separators = st.sampled_from([",", ";", "\t", "|", " "])
overrides = st.one_of(st.none(), st.sampled_from(["comma", "semicolon", "tab", ";", "|", "",
                                                  "pipe"]))
encoding_overrides = st.one_of(st.none(), st.sampled_from(["utf-8", "utf-16", "cp1252",
                                                           "latin-1", "rot13", "no-such",
                                                           ""]))


def _import_and_check(path, data: bytes, **options) -> None:
    before = snapshot(path)
    try:
        report = services.import_items(data, **options)
    except InventoryError as refusal:
        assert str(refusal).strip(), "a refusal must say why"
        assert snapshot(path) == before
        return
    if not report.written:
        assert snapshot(path) == before
        for problem in report.problems:
            assert problem.reason and problem.line >= 1
        return
    assert report.ok
    assert services.verify().ok


@FUZZ
@given(data=st.binary(max_size=400), dry_run=st.booleans())
def test_random_bytes_are_read_or_refused_and_refusals_write_nothing(data_file, data,
                                                                     dry_run):
    _import_and_check(data_file, data, dry_run=dry_run)


@FUZZ
@given(header=headers, body=bodies, encoding=encodings, separator=separators,
       newline=st.sampled_from(["\n", "\r\n", "\r"]), separator_override=overrides,
       encoding_override=encoding_overrides, dry_run=st.booleans())
def test_random_tables_in_any_encoding_and_separator(data_file, header, body, encoding,
                                                     separator, newline, separator_override,
                                                     encoding_override, dry_run):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator=newline)
    writer.writerows([header, *body])
    data = buffer.getvalue().encode(encoding, errors="replace") if encoding != "utf-8" else \
        buffer.getvalue().encode("utf-8", errors="surrogatepass")
    _import_and_check(data_file, data, separator=separator_override,
                      encoding=encoding_override, dry_run=dry_run)


@FUZZ
@given(rows=st.lists(st.tuples(st.sampled_from(["Flour", "Eggs", "Salt", "Basil"]),
                               st.sampled_from(["", "FL-1", "EGG", "fl-1", "S-1"]),
                               st.sampled_from(["kg", "g", "pcs", "L"]),
                               st.sampled_from(["", "1", "2,5", "10"])), max_size=6),
       separator=st.sampled_from([";", "\t"]))
def test_plausible_files_imported_again_and_again_stay_consistent(data_file, rows, separator):
    lines = [separator.join(("Name", "SKU", "Unit", "Quantity"))]
    lines += [separator.join(row) for row in rows]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    _import_and_check(data_file, data)
    again = snapshot(data_file)
    second = services.import_items(data)
    if second.ok:
        assert second.count("create") == 0 and second.count("update") == 0
        assert snapshot(data_file) == again  # idempotent
