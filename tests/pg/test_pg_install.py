"""Setting up a PostgreSQL database: the schema installs, once; what is not ours is left alone."""

from __future__ import annotations

import threading

import pytest

from inventory_desktop import pg_migrations
from inventory_desktop.errors import RefusedFileError

from .pg_helpers import snapshot

SCHEMA_OBJECTS = """
SELECT c.relkind, c.relname, pg_get_userbyid(c.relowner) FROM pg_class AS c
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
 ORDER BY 1, 2
"""


def _catalog(connection) -> dict[str, list[tuple]]:
    """What a refusal must leave as it was: every relation, schema, trigger and role."""
    return {
        "relations": connection.execute(SCHEMA_OBJECTS).fetchall(),
        "schemas": connection.execute(
            "SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace ORDER BY 1").fetchall(),
        "triggers": connection.execute(
            "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger "
            "ORDER BY 1, 2").fetchall(),
        "roles": connection.execute("SELECT rolname FROM pg_roles ORDER BY 1").fetchall(),
    }


def test_an_empty_database_gets_the_newest_schema(pg_empty):
    with pg_empty.connect() as connection:
        assert pg_migrations.inspect(connection).version == 0
        state = pg_migrations.upgrade(connection)
        assert state.version == pg_migrations.newest_version() == len(pg_migrations.migrations())
        assert len(state.database_id) == 32
        assert state.applied == {m.version: m.sha256 for m in pg_migrations.migrations()}
        assert pg_migrations.upgrade(connection) == state  # nothing pending: nothing done
        owners = {owner for _, _, owner in connection.execute(SCHEMA_OBJECTS)}
        assert owners == {pg_migrations.OWNER_ROLE}  # not the login that ran the files


def test_every_trigger_is_enabled_and_every_function_runs_as_the_owner(pg_db):
    with pg_db.connect() as connection:
        disabled = connection.execute(
            "SELECT t.tgname FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = 'inventory'::regnamespace AND NOT t.tgisinternal "
            "AND t.tgenabled <> 'O'").fetchall()
        assert disabled == []
        loose = connection.execute(
            "SELECT p.proname FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'inventory' AND p.prorettype = 'trigger'::regtype "
            "AND NOT (p.prosecdef AND p.proconfig @> ARRAY['search_path=inventory, pg_temp'])"
        ).fetchall()
        assert loose == []


def test_two_terminals_setting_up_one_database_at_once_set_it_up_once(pg_empty):
    results, errors = [], []

    def set_up() -> None:
        try:
            with pg_empty.connect() as connection:
                results.append(pg_migrations.upgrade(connection))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=set_up) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({state.database_id for state in results}) == 1
    with pg_empty.connect() as connection:
        assert (connection.execute("SELECT count(*) FROM schema_migration").fetchone()[0]
                == len(pg_migrations.migrations()))


def test_another_applications_database_is_refused_untouched(pg_empty):
    with pg_empty.connect() as connection:
        connection.execute("CREATE TABLE public.orders (id int PRIMARY KEY, total numeric)")
        connection.execute("INSERT INTO public.orders VALUES (1, 9.5)")
        before = _catalog(connection)
        with pytest.raises(RefusedFileError, match="another application's tables"):
            pg_migrations.upgrade(connection)
        assert _catalog(connection) == before
        assert connection.execute("SELECT * FROM public.orders").fetchall() == [(1, 9.5)]


def test_a_schema_called_inventory_of_another_application_is_refused_untouched(pg_empty):
    with pg_empty.connect() as connection:
        connection.execute("CREATE SCHEMA inventory")
        connection.execute("CREATE TABLE inventory.stock_item (id int, label text)")
        before = _catalog(connection)
        with pytest.raises(RefusedFileError, match="belongs to another application"):
            pg_migrations.upgrade(connection)
        assert _catalog(connection) == before


def test_a_database_of_a_newer_version_is_refused_untouched(pg_db):
    with pg_db.connect() as connection:
        connection.execute("INSERT INTO schema_migration (version, name, sha256) "
                           "VALUES (99, '0099_future.sql', repeat('a', 64))")
        before = (_catalog(connection), snapshot(connection))
        with pytest.raises(RefusedFileError, match="newer version"):
            pg_migrations.upgrade(connection)
        with pytest.raises(RefusedFileError, match="newer version"):
            pg_migrations.inspect(connection)
        assert (_catalog(connection), snapshot(connection)) == before


def test_a_database_set_up_with_other_rules_is_refused(pg_db, monkeypatch, tmp_path):
    # This program's 0002 differs from the one the database was set up with.
    for migration in pg_migrations.migrations():
        text = migration.path.read_text()
        if migration.version == 2:
            text += "\n-- changed\n"
        (tmp_path / migration.path.name).write_text(text)
    monkeypatch.setattr(pg_migrations, "SCHEMA_DIR", tmp_path)
    with pg_db.connect() as connection, pytest.raises(RefusedFileError, match="schema 2 differs"):
        pg_migrations.inspect(connection)


def test_a_half_applied_upgrade_leaves_nothing_behind(pg_empty, monkeypatch, tmp_path):
    for migration in pg_migrations.migrations():
        text = migration.path.read_text()
        if migration.version == 3:
            text += "\nSELECT refuse('broken on purpose');\n"
        (tmp_path / migration.path.name).write_text(text)
    monkeypatch.setattr(pg_migrations, "SCHEMA_DIR", tmp_path)
    with pg_empty.connect() as connection:
        before = _catalog(connection)
        with pytest.raises(Exception, match="broken on purpose"):
            pg_migrations.upgrade(connection)
        assert _catalog(connection) == before


def test_the_identity_and_migration_log_cannot_be_rewritten(pg_db):
    with pg_db.connect() as connection:
        for statement in ("UPDATE database_identity SET database_id = repeat('0', 32)",
                          "DELETE FROM database_identity", "TRUNCATE database_identity",
                          "UPDATE schema_migration SET version = 1",
                          "DELETE FROM schema_migration"):
            with pytest.raises(Exception, match=r"cannot change|append-only"):
                connection.execute(statement)
