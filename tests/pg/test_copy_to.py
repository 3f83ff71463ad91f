"""copy-to of a 100,000-movement kitchen onto a new database: exact, and the rules on afterwards.

One copy for the module (the file takes seconds to make, the copy seconds
more); the tests after the round trip write only inside transactions they
roll back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from inventory_desktop import pg_migrations
from inventory_desktop.copy_to import CopyReport, copy_to

from .conftest import PgDatabase, _database
from .copy_fixtures import (
    file_rows,
    file_tables,
    make_kitchen,
    restoring_password,
    server_rows,
    server_url,
)
from .copy_kitchen import RAW_NOTES, TRICKY_NOTES
from .pg_helpers import act, move, receive

MOVEMENTS = 100_000


@dataclass(frozen=True)
class Copied:
    path: Path
    database: PgDatabase
    report: CopyReport


@pytest.fixture(scope="module")
def copied(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Copied]:
    """The kitchen copied onto an empty database (nothing of ours in it before)."""
    path = make_kitchen(tmp_path_factory.mktemp("kitchen"), MOVEMENTS)
    with pytest.MonkeyPatch.context() as patch:
        restoring_password(patch)
        for database in _database(pg_server, "template0"):
            yield Copied(path, database, copy_to(server_url(database), path))


def test_every_row_of_every_table_is_copied_exactly(copied):
    tables = file_tables(copied.path)
    expected = file_rows(copied.path)
    with copied.database.connect() as connection:
        found = server_rows(connection, tables)
    assert len(expected["stock_movement"]) == MOVEMENTS
    assert len(tables) == 12  # every table the two schemas share
    for name in tables:
        assert found[name] == expected[name], name
    assert dict(copied.report.tables) == {name: len(rows) for name, rows in expected.items()}


def test_history_and_audit_are_the_files_not_written_again(copied):
    with copied.database.connect() as connection:
        assert connection.execute(
            "SELECT count(*) FROM stock_item_history WHERE db_user IS NOT NULL").fetchone() == (0,)
        assert connection.execute(
            "SELECT count(*) FROM audit_log WHERE db_user IS NOT NULL").fetchone() == (0,)
        # The kitchen's deleted item: its history is there, the item is not.
        deleted = connection.execute(
            "SELECT id FROM stock_item_history WHERE history_type = 'delete'").fetchall()
        assert len(deleted) == 1
        assert connection.execute("SELECT count(*) FROM stock_item WHERE id = %s",
                                  deleted[0]).fetchone() == (0,)


def test_text_is_kept_exactly(copied):
    with copied.database.connect() as connection:
        notes = {row[0] for row in connection.execute(
            "SELECT DISTINCT notes FROM stock_movement WHERE notes <> ''")}
        names = {row[0] for row in connection.execute("SELECT name FROM stock_item")}
    assert {TRICKY_NOTES, RAW_NOTES} <= notes
    assert {"=SUM(A1:A9)", "Rioja Reserva 🍷", "Beurre doux"} <= names


def test_the_database_records_which_file_it_came_from(copied):
    with closing(sqlite3.connect(copied.path)) as file:
        file_id, created_at = file.execute("SELECT file_id, created_at FROM data_file").fetchone()
    with copied.database.connect() as connection:
        row = connection.execute(
            "SELECT file_id, file_created_at, file_path, file_schema_version, copied_by "
            "FROM copied_from").fetchall()
    assert row == [(file_id, created_at, str(copied.path), 4, "postgres")]
    assert copied.report.file_id == file_id


def test_the_rules_are_on_again_after_the_copy(copied):
    with copied.database.connect() as connection:
        off = connection.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
            "WHERE NOT tgisinternal AND tgenabled <> 'O'").fetchall()
        triggers = connection.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal").fetchone()[0]
    assert off == []
    assert triggers > 40


def test_a_wrong_movement_is_refused_after_the_copy(copied):
    with copied.database.connect("app") as connection:
        item = connection.execute("SELECT max(stock_item_id) FROM stock_movement").fetchone()[0]
        before = _ledger_state(connection)
        for statement, sqlstate, match in (
                (lambda: move(connection, item, 10_000, balance_after=1), "23514",
                 "balance_after must equal the previous balance plus quantity_change"),
                (lambda: connection.execute("DELETE FROM stock_movement WHERE id = 1"), "42501",
                 "permission denied")):
            act(connection, "ana")
            with pytest.raises(psycopg.Error, match=match) as caught:
                statement()
            assert caught.value.sqlstate == sqlstate
            connection.execute("ROLLBACK")
        assert _ledger_state(connection) == before


def test_even_the_owner_meets_the_append_only_rule_after_the_copy(copied):
    with copied.database.connect() as owner, pytest.raises(psycopg.Error, match="append-only"):
        owner.execute("UPDATE stock_movement SET notes = 'rewritten' WHERE id = 1")


def _ledger_state(connection) -> tuple:
    return connection.execute(
        "SELECT count(*), max(id), sum(quantity_change), (SELECT sum(current_quantity) "
        "FROM stock_item), (SELECT max(id) FROM audit_log) FROM stock_movement").fetchone()


def test_new_rows_are_numbered_after_the_copied_ones(copied):
    with copied.database.connect("app") as connection:
        highest = {table: connection.execute(f"SELECT max({column}) FROM {table}").fetchone()[0]
                   for table, column in (("stock_movement", "id"), ("audit_log", "id"),
                                         ("stock_item_history", "history_id"),
                                         ("stock_item_history", "id"))}
        act(connection, "ana")
        item = connection.execute("INSERT INTO stock_item (name, unit) VALUES ('Saffron', 'g') "
                                  "RETURNING id").fetchone()[0]
        movement = receive(connection, item, 10_000, 90_000)
        written = connection.execute(
            "SELECT max(id), min(db_user) FROM audit_log WHERE id > %s",
            (highest["audit_log"],)).fetchone()
        connection.execute("ROLLBACK")
    # A deleted item's id, kept by its history, is never handed out again.
    # (Numbers drawn by transactions rolled back are skipped, not reused.)
    assert item > highest["stock_item_history"]
    assert movement > highest["stock_movement"]
    assert written[0] > highest["audit_log"] and written[1] == "inventory_test_app"


def test_the_report_says_what_was_copied(copied):
    report = copied.report
    assert report.rows == sum(count for _, count in report.tables)
    assert [name for name, _ in report.tables][:4] == [
        "supplier", "setting", "storage_area", "stock_item"]
    assert report.seconds > 0 and not report.file_changed
    assert {name for name, _ in report.steps} >= {"prepare", "compare", "commit"}
    assert pg_migrations.OWNER_ROLE == "inventory_owner"
