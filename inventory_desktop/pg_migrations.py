"""The PostgreSQL schema's numbered SQL files, and bringing a database up to the newest one.

The counterpart of migrations.py for a server database (issue 11). A database
is ours when its schema `inventory` holds our identity row; an empty database
is set up; anything else — another application's tables, a newer schema, a
migration file that differs from the one applied — is refused before
anything is written. Every pending file is applied in one transaction, under
an advisory lock, so two terminals opening a new database at once set it up
once, and a database is never left half-migrated.

This module only needs a psycopg 3 connection (any object with `execute`
and `transaction`); it imports no driver itself.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DataFileError, RefusedFileError

SCHEMA_DIR = Path(__file__).with_name("schema_pg")
SCHEMA = "inventory"
APPLICATION = "inventory_desktop"
OWNER_ROLE = "inventory_owner"
APP_ROLE = "inventory_app"
REPORT_ROLE = "inventory_report"
_MIGRATION_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")
# Any constant: the lock only has to be the same for every process.
_LOCK_KEY = "inventory_desktop.migrate"
_LISTED = 5


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class DatabaseState:
    """What a database holds, as far as opening it is concerned."""

    version: int  # 0: nothing of ours yet (and nothing of anyone else's)
    database_id: str | None = None
    applied: dict[int, str] = field(default_factory=dict)  # version -> sha256


def migrations() -> list[Migration]:
    """The PostgreSQL schema's migration files, in the order they apply."""
    found = [Migration(int(match.group(1)), path) for path in SCHEMA_DIR.iterdir()
             if (match := _MIGRATION_NAME.fullmatch(path.name))]
    return sorted(found, key=lambda migration: migration.version)


def newest_version() -> int:
    """The newest PostgreSQL schema version this program can work with."""
    return migrations()[-1].version


def inspect(connection: Any) -> DatabaseState:
    """Read what the database is; raises RefusedFileError if it is not ours to use."""
    name = connection.execute("SELECT current_database()").fetchone()[0]
    if connection.execute("SELECT to_regnamespace(%s)", (SCHEMA,)).fetchone()[0] is None:
        others = _other_relations(connection)
        if others:
            raise RefusedFileError(
                f"The database {name} holds another application's tables "
                f"({', '.join(others)}); use an empty database for the inventory.")
        return DatabaseState(0)
    identity = None
    if connection.execute("SELECT to_regclass('inventory.database_identity')").fetchone()[0]:
        identity = connection.execute(
            "SELECT application, database_id FROM inventory.database_identity WHERE id = 1"
        ).fetchone()
    if identity is None or identity[0] != APPLICATION:
        raise RefusedFileError(
            f"The database {name} has a schema '{SCHEMA}' that belongs to another application; "
            "it was left as it is.")
    applied = dict(connection.execute(
        "SELECT version, sha256 FROM inventory.schema_migration ORDER BY version").fetchall())
    state = DatabaseState(max(applied, default=0), identity[1], applied)
    _refuse_unknown_schema(name, state)
    return state


def upgrade(connection: Any) -> DatabaseState:
    """Set up or migrate the database to the newest schema, all or nothing.

    The connection's login must own the database (or may create schemas) and
    may create roles, the first time; later migrations need only membership
    of inventory_owner. Returns the state after the upgrade.
    """
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (_LOCK_KEY,))
        # Read again under the lock: another terminal may have migrated meanwhile.
        state = inspect(connection)
        pending = [m for m in migrations() if m.version > state.version]
        if not pending:
            return state
        _ensure_roles(connection)
        if state.version == 0:
            connection.execute(f"CREATE SCHEMA {SCHEMA} AUTHORIZATION {OWNER_ROLE}")
            connection.execute(f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC")
            connection.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {APP_ROLE}, {REPORT_ROLE}")
        # Everything the files make belongs to the owner role, not to the login
        # that happened to run them; SET LOCAL ends with the transaction.
        connection.execute(f"SET LOCAL ROLE {OWNER_ROLE}")
        connection.execute(f"SET LOCAL search_path = {SCHEMA}")
        for migration in pending:
            connection.execute(migration.path.read_text(encoding="utf-8"))
            connection.execute(
                "INSERT INTO schema_migration (version, name, sha256) VALUES (%s, %s, %s)",
                (migration.version, migration.path.name, migration.sha256))
        connection.execute("RESET ROLE")
        return inspect(connection)


def _refuse_unknown_schema(name: str, state: DatabaseState) -> None:
    known = {m.version: m.sha256 for m in migrations()}
    if state.version > max(known):
        raise RefusedFileError(
            f"The database {name} was set up by a newer version of this program (schema "
            f"{state.version}; this one knows up to {max(known)}); it was left as it is.")
    changed = [version for version, digest in state.applied.items() if known[version] != digest]
    if changed:
        raise RefusedFileError(
            f"The database {name} was set up with other rules than this program's (schema "
            f"{changed[0]} differs); it was left as it is.")


def _other_relations(connection: Any) -> list[str]:
    rows = connection.execute(
        "SELECT n.nspname || '.' || c.relname FROM pg_class AS c "
        "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname !~ '^pg_(toast|temp_)' "
        "ORDER BY 1 LIMIT %s", (_LISTED,)).fetchall()
    return [row[0] for row in rows]


# Roles are the server's, not one database's: made once, used by every
# inventory database on the server.
_ENSURE_ROLES = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER_ROLE}') THEN
        CREATE ROLE {OWNER_ROLE} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        CREATE ROLE {APP_ROLE} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{REPORT_ROLE}') THEN
        CREATE ROLE {REPORT_ROLE} NOLOGIN;
    END IF;
    IF NOT pg_has_role(current_user, '{OWNER_ROLE}', 'MEMBER') THEN
        EXECUTE format('GRANT {OWNER_ROLE} TO %I', current_user);
    END IF;
END
$$
"""


def _ensure_roles(connection: Any) -> None:
    try:
        with connection.transaction():  # a savepoint: the sentence below, not a dead transaction
            connection.execute(_ENSURE_ROLES)
    except Exception as exc:
        if getattr(exc, "sqlstate", None) != "42501":  # insufficient_privilege
            raise
        raise DataFileError(
            "Setting up the database needs a login that may create roles (CREATEROLE) "
            f"or one that is already a member of {OWNER_ROLE}: {exc}") from exc
