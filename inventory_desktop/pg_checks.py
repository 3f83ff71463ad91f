"""verify's structure checks on a PostgreSQL server: the catalog, where a file has its pages.

A file can be edited with its triggers off, so the file's checks look at
its pages, its schema and its seals. On a server the program's logins cannot
switch a trigger off, alter a table or write history themselves; what is
left to check is that the schema still holds every rule this version
installed: each of our triggers present and enabled, nobody else's trigger,
rule or row policy on our tables, and every object owned by inventory_owner.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from . import pg_migrations

Execute = Callable[[str, Sequence[Any]], Any]
_TRIGGER = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?TRIGGER\s+(\w+)\s", re.IGNORECASE)
_DROPPED = re.compile(r"DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)\s", re.IGNORECASE)

_TRIGGERS = """
SELECT t.tgname, c.relname, t.tgenabled FROM pg_trigger AS t
  JOIN pg_class AS c ON c.oid = t.tgrelid
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE n.nspname = %s AND NOT t.tgisinternal
"""
_RULES = """
SELECT r.rulename, c.relname FROM pg_rewrite AS r
  JOIN pg_class AS c ON c.oid = r.ev_class JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE n.nspname = %s AND r.rulename <> '_RETURN'
"""
_POLICIES = "SELECT policyname, tablename FROM pg_policies WHERE schemaname = %s"
_OWNERS = """
SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class AS c
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'S', 'i')
   AND pg_get_userbyid(c.relowner) <> %s
"""


def expected_triggers() -> set[str]:
    """The triggers this version's schema files leave in place."""
    names: set[str] = set()
    for migration in pg_migrations.migrations():
        text = migration.path.read_text(encoding="utf-8")
        for match in re.finditer(f"{_TRIGGER.pattern}|{_DROPPED.pattern}", text,
                                 re.IGNORECASE):
            created, dropped = match.group(1), match.group(2)
            if created:
                names.add(created)
            else:
                names.discard(dropped)
    return names


def catalog_problems(execute: Execute) -> list[str]:
    """Everything in the server's catalog that is not as this program installed it."""
    schema, owner = pg_migrations.SCHEMA, pg_migrations.OWNER_ROLE
    found = {name: (table, enabled) for name, table, enabled in execute(_TRIGGERS, (schema,))}
    expected = expected_triggers()
    problems = [f"the rule (trigger) {name} is missing: the database no longer enforces it"
                for name in sorted(expected - set(found))]
    problems += [f"the rule (trigger) {name} on {found[name][0]} is switched off"
                 for name in sorted(expected & set(found)) if found[name][1] != "O"]
    problems += [f"another program added the trigger {name} on {found[name][0]}"
                 for name in sorted(set(found) - expected)]
    problems += [f"another program added the rule {name} on {table}"
                 for name, table in execute(_RULES, (schema,))]
    problems += [f"another program added the row policy {name} on {table}"
                 for name, table in execute(_POLICIES, (schema,))]
    problems += [f"{name} belongs to {login}, not {owner}: a login that owns it can change "
                 "its rules" for name, login in execute(_OWNERS, (schema, owner))]
    return problems
