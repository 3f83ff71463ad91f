"""Live refresh on a server (issue 11): every write announces itself; a lost connection is told
and replaced.

A terminal listens (db.change_listener) while another writes through the
program; the listener must hear each kind of change a window shows,
nothing for a refused write, and must report a lost server as such.
"""

from __future__ import annotations

import select
import shutil
import subprocess
import sys

import psycopg
import pytest
from pg_server import admin_url, login_url

from inventory_desktop import db, pg_checks, pg_migrations, services
from inventory_desktop.errors import InventoryError
from inventory_desktop.pg_errors import ServerUnreachableError


@pytest.fixture
def terminal_url(pg_db) -> str:
    return login_url(pg_db.server, pg_db.name)


def _heard(listener, wait: float = 2.0) -> bool:
    """Whether the listener received anything within `wait` seconds (as the window's notifier)."""
    ready, _, _ = select.select([listener.fileno()], [], [], wait)
    return bool(ready) and listener.drain()


def test_a_file_has_no_listener(tmp_path) -> None:
    db.open_database(tmp_path / "inventory.sqlite3")
    assert db.change_listener() is None


def test_every_kind_of_change_a_window_shows_is_heard_once_committed(terminal_url) -> None:
    db.open_database(terminal_url)
    listener = db.change_listener()
    try:
        assert not listener.drain()  # nothing yet
        flour = services.create_item("Flour", "kg", "FL-1", "5")
        assert _heard(listener)
        writes = [
            lambda: services.add_stock(flour.id, "3"),
            lambda: services.create_area("Cellar"),
            lambda: services.place_item(flour.id, [services.find_area("Cellar").id]),
            lambda: services.start_stocktake("Monthly"),
            lambda: services.create_supplier("Miller & Sons"),
            lambda: services.set_currency_symbol("£"),
        ]
        for write in writes:
            write()
            assert _heard(listener), write
        assert not _heard(listener, 0.3)  # each heard once: nothing left over
    finally:
        listener.close()


def test_a_count_by_a_second_counter_is_heard(terminal_url) -> None:
    db.open_database(terminal_url)
    flour = services.create_item("Flour", "kg", "FL-1", "5")
    area = services.create_area("Store").id
    services.place_item(flour.id, [area])
    stocktake = services.start_stocktake("Monthly").id
    listener = db.change_listener()
    try:
        # Another counter's terminal: its own process, through the command line.
        done = subprocess.run(
            [sys.executable, "-m", "inventory_desktop", "--db", terminal_url, "--user", "Sam",
             "stocktake", "count", str(stocktake), "FL-1", "4"],
            capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert _heard(listener)
        counts = db.run("SELECT counted, counted_by FROM stocktake_count").fetchall()
        assert counts == [(40000, "Sam")]
    finally:
        listener.close()


def test_a_refused_write_announces_nothing(terminal_url) -> None:
    db.open_database(terminal_url)
    flour = services.create_item("Flour", "kg", "FL-1", "5")
    listener = db.change_listener()
    try:
        with pytest.raises(InventoryError):
            services.deduct_stock(flour.id, "50", "waste")  # more than there is
        assert not _heard(listener, 0.5)
    finally:
        listener.close()


def _cut_connections(pg_db) -> None:
    with psycopg.connect(pg_db.conninfo(), dbname="postgres", autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", (pg_db.name,))


def test_a_lost_server_is_told_and_the_next_query_connects_anew(terminal_url, pg_db) -> None:
    lost: list[str] = []

    def notice() -> None:
        lost.append("lost")

    db.add_lost_notice(notice)
    try:
        db.open_database(terminal_url)
        flour = services.create_item("Flour", "kg", "FL-1", "5")
        listener = db.change_listener()
        _cut_connections(pg_db)
        with pytest.raises(ServerUnreachableError):
            for _ in range(20):  # the loss may come in more than one read
                _heard(listener, 0.1)
        listener.close()
        with pytest.raises(ServerUnreachableError, match="cannot be reached"):
            services.add_stock(flour.id, "3")
        assert lost
        db.check_server()
        services.add_stock(flour.id, "3")  # not the dead connection: a new one
        assert services.get_item(flour.id).quantity == 3  # the refused write left nothing
    finally:
        db.remove_lost_notice(notice)


def test_an_older_database_gets_the_announcements_when_opened(pg_server, tmp_path,
                                                              monkeypatch) -> None:
    import pg_server as pg_server_module

    name = pg_server_module.new_database(pg_server, "template0")
    try:
        older = tmp_path / "schema_pg"
        older.mkdir()
        for migration in pg_migrations.migrations()[:4]:
            shutil.copy(migration.path, older)
        with monkeypatch.context() as patch:
            patch.setattr(pg_migrations, "SCHEMA_DIR", older)
            with psycopg.connect(admin_url(pg_server, name), autocommit=True) as connection:
                assert pg_migrations.upgrade(connection).version == 4
        info = db.open_database(admin_url(pg_server, name))
        assert info.schema_version == 5
        assert db.structure_problems() == []
        assert "stocktake_count_announce" in pg_checks.expected_triggers()
        listener = db.change_listener()
        services.create_item("Flour", "kg", "FL-1", "5")
        assert _heard(listener)
        listener.close()
    finally:
        db.close_database()
        pg_server_module.drop_database(pg_server, name)


def test_connections_give_up_on_a_silent_network_unless_the_address_says_otherwise(
        terminal_url) -> None:
    from inventory_desktop import pg_database

    db.open_database(terminal_url, password="typed for this one only")
    db.open_database(terminal_url + "&connect_timeout=3")
    assert "password" not in pg_database.server_db.connect_params  # not carried over
    listener = db.change_listener()
    try:
        for connection in (pg_database.server_db.connection(), listener._connection):
            given = connection.info.get_parameters()
            assert given["keepalives_idle"] == "20" and given["connect_timeout"] == "3"
    finally:
        listener.close()
