"""copy-to's refusals: each a sentence, each leaving the database (and the file) exactly as it was.

A refused copy into a database with nothing of ours in it leaves not even
the schema behind: setting the database up is part of the copy's one
transaction. The catalog (schemas, relations, triggers, roles, sequences)
and every row are compared before and after.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from inventory_desktop.copy_to import copy_to
from inventory_desktop.errors import DataFileError, RefusedFileError, ValidationError
from inventory_desktop.pg.copy_tables import CopyRefusedError
from inventory_desktop.pg_errors import (
    LoginRefusedError,
    PermissionRefusedError,
    ServerUnreachableError,
)

from .conftest import PgDatabase, _database
from .copy_fixtures import catalog, make_kitchen, restoring_password, server_url
from .pg_helpers import add_item, snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def kitchen_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_kitchen(tmp_path_factory.mktemp("small-kitchen"), 300)


@pytest.fixture
def kitchen(kitchen_original: Path, tmp_path: Path) -> Path:
    """A copy of the small kitchen for this test alone (some tests change it)."""
    path = tmp_path / "kitchen.sqlite3"
    shutil.copy(kitchen_original, path)
    return path


@pytest.fixture(scope="module")
def untouched(pg_server: str) -> Iterator[PgDatabase]:
    """One empty database for the refusals that must leave it so (each checks it did)."""
    yield from _database(pg_server, "template0")


@pytest.fixture(autouse=True)
def _no_password_left(monkeypatch: pytest.MonkeyPatch) -> None:
    restoring_password(monkeypatch)


def _unchanged(database, refusal: type[Exception], match: str, url: str, path: Path) -> None:
    """The copy is refused with `refusal` and the database is left exactly as it was."""
    with database.connect() as connection:
        before = catalog(connection), snapshot(connection)
    with pytest.raises(refusal, match=match):
        copy_to(url, path)
    with database.connect() as connection:
        assert (catalog(connection), snapshot(connection)) == before


def test_a_database_holding_data_is_refused(pg_db, kitchen):
    with pg_db.connect("app") as connection:
        add_item(connection)
    _unchanged(pg_db, CopyRefusedError,
               r"already holds data \(rows in stock_item, stock_item_history, audit_log\)",
               server_url(pg_db), kitchen)


def test_a_file_at_an_older_schema_is_refused_and_left_byte_for_byte(untouched, tmp_path):
    old = tmp_path / "schema3.sqlite3"
    shutil.copy(FIXTURES / "schema3.sqlite3", old)
    content = old.read_bytes()
    _unchanged(untouched, RefusedFileError, "older version .* Open it once with this program",
               server_url(untouched), old)
    assert old.read_bytes() == content
    assert sorted(path.name for path in tmp_path.iterdir()) == ["schema3.sqlite3"]


@pytest.mark.parametrize("address", [
    "postgresql://postgres@/inventory?host=/nonexistent-folder",
    "postgresql://postgres@127.0.0.1:1/inventory",
])
def test_an_unreachable_server_is_a_sentence(kitchen, address):
    with pytest.raises(ServerUnreachableError, match="Cannot reach the database inventory on"):
        copy_to(address, kitchen)


@pytest.mark.parametrize(("login", "match"), [
    ("nobody_at_all", "the server has no login 'nobody_at_all'"),
    ("inventory_owner", "that role is a group, not a login"),
])
def test_a_login_the_server_refuses_changes_nothing(untouched, kitchen, login, match):
    _unchanged(untouched, LoginRefusedError, match, server_url(untouched, user=login), kitchen)


def test_a_login_without_the_owners_role_changes_nothing(pg_db, kitchen):
    _unchanged(pg_db, PermissionRefusedError, "needs a login that is a member of inventory_owner",
               server_url(pg_db, "app"), kitchen)


def test_a_login_that_cannot_set_the_database_up_changes_nothing(untouched, kitchen):
    _unchanged(untouched, DataFileError, "needs a login that may create roles",
               server_url(untouched, "app"), kitchen)


@pytest.mark.parametrize(("value", "refusal"), [
    ("yesterday", "is_utc_time|supplier_created_at_check"),  # a time in another format
    ("2026-11-30T12:00:00.000Z\x00", "NUL"),  # text PostgreSQL cannot hold
])
def test_a_row_the_server_refuses_stops_the_copy_and_leaves_no_schema(untouched, kitchen, value,
                                                                       refusal):
    with closing(sqlite3.connect(kitchen, isolation_level=None)) as file:
        supplier = file.execute("INSERT INTO supplier (name, created_at) VALUES ('Odd Ltd', ?)",
                                (value,)).lastrowid
    _unchanged(untouched, CopyRefusedError,
               rf"^Row id {supplier} of the data file's supplier cannot be copied: .*({refusal})",
               server_url(untouched), kitchen)
    with untouched.connect() as connection:
        assert connection.execute("SELECT to_regnamespace('inventory')").fetchone() == (None,)


def test_a_row_referring_to_nothing_is_refused_with_the_value(untouched, kitchen):
    # Written with the file's foreign keys off, as only another program could.
    with closing(sqlite3.connect(kitchen, isolation_level=None)) as file:
        file.execute("UPDATE stock_item SET supplier_id = 999 WHERE sku = 'FL-55'")
    _unchanged(untouched, CopyRefusedError,
               r"^A row of the data file's stock_item cannot be copied: .*foreign key .*"
               r"Key \(supplier_id\)=\(999\) is not present", server_url(untouched), kitchen)


def test_a_row_that_would_not_come_back_the_same_rolls_everything_back(untouched, kitchen):
    # Bytes where text belongs: the server stores their hex form, which the
    # row-by-row comparison catches.
    with closing(sqlite3.connect(kitchen, isolation_level=None)) as file:
        audit = file.execute("INSERT INTO audit_log (table_name, row_id, action, changes, actor) "
                             "VALUES ('supplier', 1, 'update', X'7B7D', 'tool')").lastrowid
    _unchanged(untouched, CopyRefusedError,
               rf"audit_log \(id {audit}\) differs from the data file in changes "
               r"\(file: b'\{\}', database: '\\\\x7b7d'\)", server_url(untouched), kitchen)


def test_a_ledger_that_does_not_add_up_rolls_everything_back(untouched, kitchen):
    # Another program switched a rule of the file off and changed a quantity.
    with closing(sqlite3.connect(kitchen, isolation_level=None)) as file:
        triggers = [name for (name,) in file.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'stock_item'")]
        for name in triggers:
            file.execute(f"DROP TRIGGER {name}")
        item = file.execute("SELECT id FROM stock_item WHERE sku = 'FL-55'").fetchone()[0]
        file.execute("UPDATE stock_item SET current_quantity = current_quantity + 1 "
                     "WHERE id = ?", (item,))
    _unchanged(untouched, CopyRefusedError,
               rf"does not add up: item {item} has the quantity \d+, but its movements sum",
               server_url(untouched), kitchen)


def test_a_password_in_the_address_is_refused_before_connecting(kitchen):
    with pytest.raises(ValidationError, match=r"Leave the password out .* ~/\.pgpass"):
        copy_to("postgresql://bar:secret@localhost:1/inventory", kitchen)
    with pytest.raises(ValidationError, match="Leave the password out"):
        copy_to("postgresql://bar@localhost:1/inventory?password=secret", kitchen)


def test_a_path_is_not_a_server_address(kitchen):
    with pytest.raises(ValidationError, match="not a server address"):
        copy_to(str(kitchen), kitchen)


def test_a_missing_file_or_another_applications_file_is_refused(untouched, tmp_path):
    with pytest.raises(DataFileError, match="There is no data file at"):
        copy_to(server_url(untouched), tmp_path / "missing.sqlite3")
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    with pytest.raises(RefusedFileError, match="another application"):
        copy_to(server_url(untouched), other)


def test_writes_to_the_file_during_the_copy_are_not_copied_and_are_told(pg_empty, kitchen):
    def write_meanwhile(text: str) -> None:
        if text.startswith("Copying"):
            with closing(sqlite3.connect(kitchen, isolation_level=None)) as file:
                file.execute("INSERT INTO supplier (name) VALUES ('Late Ltd')")

    report = copy_to(server_url(pg_empty), kitchen, progress=write_meanwhile)
    assert report.file_changed
    with pg_empty.connect() as connection:
        names = {name for (name,) in connection.execute("SELECT name FROM inventory.supplier")}
    assert "Late Ltd" not in names and "Metro" in names


def test_a_connection_lost_at_the_commit_is_told_and_nothing_is_left(untouched, kitchen):
    def cut_at_commit(text: str) -> None:
        if text.startswith("Committing"):
            with untouched.connect() as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE application_name = 'inventory copy-to' AND datname = %s",
                              (untouched.name,))

    with pytest.raises(ServerUnreachableError, match=r"connection to the database .* was lost"):
        copy_to(server_url(untouched), kitchen, progress=cut_at_commit)
    with untouched.connect() as connection:
        assert connection.execute("SELECT to_regnamespace('inventory')").fetchone() == (None,)
