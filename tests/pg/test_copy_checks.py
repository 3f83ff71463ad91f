"""copy-to's proof catches what it must, each change made to one good copy and rolled back.

A changed value or flag, a row too many or too few, a login recorded on a
copied row, a quantity, chain or value that does not add up, rules left off.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from inventory_desktop import db, services
from inventory_desktop.copy_to import copy_to
from inventory_desktop.pg import copy_checks, copy_tables
from inventory_desktop.pg.copy_tables import CopyRefusedError
from inventory_desktop.pg.source_file import SourceFile

from .conftest import _database
from .copy_fixtures import make_kitchen, restoring_password, server_url


@pytest.fixture(scope="module")
def copied(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """A good copy of a small kitchen, and the file's snapshot it was made from."""
    path = make_kitchen(tmp_path_factory.mktemp("checked-kitchen"), 50)
    with pytest.MonkeyPatch.context() as patch:
        restoring_password(patch)
        for database in _database(pg_server, "template0"):
            copy_to(server_url(database), path)
            with SourceFile(path) as source:
                yield database, source


@pytest.fixture
def good_copy(copied) -> Iterator[tuple]:
    """The copy in an owner's transaction, rolled back after the test; the file; the plan."""
    database, source = copied
    with database.connect() as connection:
        connection.execute("BEGIN")
        connection.execute("SET LOCAL ROLE inventory_owner")
        connection.execute("SET LOCAL search_path = inventory")
        tables = {table.name: table for table in copy_tables.plan(connection, source)}
        yield source, connection, tables
        connection.execute("ROLLBACK")


@pytest.mark.parametrize(("table", "change", "sentence"), [
    ("supplier", "UPDATE supplier SET name = 'Metro AG' WHERE name = 'Metro'",
     r"copy of supplier \(id 1\) differs from the data file in name "
     r"\(file: 'Metro', database: 'Metro AG'\)"),
    ("storage_area", "UPDATE storage_area SET is_active = false WHERE id = 2",
     r"copy of storage_area \(id 2\) differs from the data file in is_active "
     r"\(file: 1, database: 0\)"),
    ("supplier", "INSERT INTO supplier (id, name) VALUES (99, 'Extra')",
     r"copy of supplier \(id 99\) differs: the database has a row the file has not"),
    ("item_location", "DELETE FROM item_location WHERE area_id = 3",
     r"copy of item_location \(item_id \d+, area_id 3\) differs: the file has a row the "
     "database has not"),
    ("audit_log", "UPDATE audit_log SET db_user = 'bar' WHERE id = 7",
     r"copy of audit_log \(id 7\) has db_user filled in"),
])
def test_the_comparison_names_the_table_the_row_and_the_column(good_copy, table, change,
                                                               sentence):
    source, connection, tables = good_copy
    connection.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    connection.execute(change)
    with pytest.raises(CopyRefusedError, match=sentence):
        copy_checks.compare_table(connection, source, tables[table])


def test_every_table_of_a_good_copy_compares_equal(good_copy):
    source, connection, tables = good_copy
    for table in tables.values():
        copy_checks.compare_table(connection, source, table)
    copy_checks.check_ledger(connection)


@pytest.mark.parametrize(("table", "change", "sentence"), [
    ("stock_item", "UPDATE stock_item SET current_quantity = current_quantity + 1 "
                   "WHERE sku = 'FL-55'",
     r"item \d+ has the quantity \d+, but its movements sum to \d+"),
    ("stock_movement", "UPDATE stock_movement SET value_after = value_after + 1 WHERE id = "
                       "(SELECT min(id) FROM stock_movement WHERE value_change IS NOT NULL)",
     r"movement \d+ of item \d+ has balance_after"),
    ("stock_item", "UPDATE stock_item SET current_value = NULL WHERE sku = 'BU-1'",
     r"item \d+ has the quantity \d+ and value None, but its latest movement leaves"),
    (None, "ALTER TABLE stocktake DISABLE TRIGGER stocktake_10_rules",
     r"the rules of stocktake are still off \(stocktake_10_rules\)"),
])
def test_the_ledger_checks_name_what_does_not_add_up(good_copy, table, change, sentence):
    _, connection, _ = good_copy
    if table is not None:  # changed as only the owner, with the rules off, could
        connection.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    connection.execute(change)
    if table is not None:
        connection.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    with pytest.raises(CopyRefusedError, match=f"does not add up: {sentence}"):
        copy_checks.check_ledger(connection)


def test_verify_finds_nothing_on_either_side_of_a_copy(pg_empty, tmp_path, monkeypatch):
    # The kitchen's bulk rows were written with raw sqlite3, as another program
    # would: a manager looks at them and accepts them before copying.
    restoring_password(monkeypatch)
    path = make_kitchen(tmp_path, 300)
    db.open_database(path, create=False)
    services.accept_foreign_rows(user="manager")
    before = services.verify()
    db.close_database()
    copy_to(server_url(pg_empty), path)
    db.open_database(server_url(pg_empty, "app"))
    after = services.verify()
    db.close_database()
    assert before.ok and before.findings == []
    assert after.ok and after.findings == []
