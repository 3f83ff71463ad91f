"""copy-to's proof, inside its transaction: every row as the file has it, and a sound ledger.

Every table is read back from the server and compared with the file row by
row, in key order, from the same snapshot the copy was made from; then the
ledger's content is checked on the server in SQL. Any difference raises, and
the caller's transaction rolls everything back.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from .copy_tables import CopiedTable, CopyRefusedError
from .source_file import SourceFile, describe_key

BATCH = 20_000
_SHOWN = 60  # characters of a differing value quoted in the sentence


def compare_table(connection: Any, source: SourceFile, table: CopiedTable) -> None:
    """Refuse unless the server's rows of `table` are exactly the file's, in key order."""
    # Key columns are never NULL (primary keys), so both sides order them alike,
    # and the server walks its primary key index instead of sorting.
    key = sql.SQL(", ").join(map(sql.Identifier, table.source.key))
    # Flags are read back as the file writes them, 0/1, by the server itself.
    columns = [sql.SQL("{}::integer" if index in table.booleans else "{}").format(
        sql.Identifier(column)) for index, column in enumerate(table.source.columns)]
    statement = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
        sql.SQL(", ").join(columns), sql.Identifier(table.name), key)
    with connection.cursor(name=f"copy_check_{table.name}") as cursor:
        cursor.execute(statement)
        for expected in source.batches(table.source, BATCH):
            copied = cursor.fetchmany(BATCH)
            # Whole batches compared at once (in C). Plain equality is exact:
            # both sides give int, str, bytes or None, and Python calls no two
            # of those equal across types.
            if copied != expected:
                raise _differs(table, expected, copied)
        extra = cursor.fetchmany(1)
        if extra:
            raise _differs(table, [], extra)
    _refuse_filled_nulls(connection, table)


def check_ledger(connection: Any) -> None:
    """Refuse unless the copied ledger adds up: quantities, balances, values, rules on."""
    for query, sentence in _LEDGER_CHECKS:
        row = connection.execute(query).fetchone()
        if row is not None:
            raise CopyRefusedError(
                f"The copy does not add up: {sentence.format(*row)}. The file's own ledger "
                "must be broken (run 'inventory verify' on it); everything was rolled back "
                "and the database was left as it was.")


def _differs(table: CopiedTable, expected: list[tuple],
             copied: list[tuple]) -> CopyRefusedError:
    rolled_back = "everything was rolled back and the database was left as it was"
    place = next((index for index, (mine, theirs)
                  in enumerate(zip(expected, copied, strict=False)) if mine != theirs),
                 min(len(expected), len(copied)))
    if place == len(expected) or place == len(copied):
        surplus = place == len(expected)
        row = copied[place] if surplus else expected[place]
        where = ("the database has a row the file has not" if surplus
                 else "the file has a row the database has not")
        return CopyRefusedError(
            f"The copy of {table.name} ({_key(table, row)}) differs: {where}; {rolled_back}.")
    column, file_value, copied_value = next(
        (name, mine, theirs) for name, mine, theirs
        in zip(table.source.columns, expected[place], copied[place], strict=True)
        if mine != theirs)
    return CopyRefusedError(
        f"The copy of {table.name} ({_key(table, expected[place])}) differs from the data file "
        f"in {column} (file: {_shown(file_value)}, database: {_shown(copied_value)}); "
        f"{rolled_back}.")


def _refuse_filled_nulls(connection: Any, table: CopiedTable) -> None:
    # The server-only columns (who made a change: db_user) stay empty for copied rows.
    for column in table.columns[len(table.source.columns):]:
        filled = connection.execute(sql.SQL(
            "SELECT {} FROM {} WHERE {} IS NOT NULL LIMIT 1").format(
            sql.SQL(", ").join(map(sql.Identifier, table.source.key)),
            sql.Identifier(table.name), sql.Identifier(column))).fetchone()
        if filled is not None:
            raise CopyRefusedError(
                f"The copy of {table.name} ({describe_key(table.source.key, filled)}) has "
                f"{column} filled in, which copied rows leave empty; everything was rolled "
                "back and the database was left as it was.")


def _key(table: CopiedTable, row: tuple) -> str:
    positions = [table.source.columns.index(column) for column in table.source.key]
    return describe_key(table.source.key, tuple(row[position] for position in positions))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


# Each query returns the first row that breaks the rule, or nothing.
_QUANTITIES = """
SELECT i.id, i.current_quantity, COALESCE(m.total, 0)
  FROM stock_item AS i
  LEFT JOIN (SELECT stock_item_id, sum(quantity_change) AS total
               FROM stock_movement GROUP BY stock_item_id) AS m ON m.stock_item_id = i.id
 WHERE i.current_quantity <> COALESCE(m.total, 0)
 ORDER BY i.id LIMIT 1
"""

# balance_after is the running sum of the item's changes; value_after follows
# value_change from the value before it (none known counts as 0), and stays
# unknown with the value (or is 0 with nothing left).
_CHAINS = """
SELECT id, stock_item_id, balance_after, running, value_after, value_change, prior_value
  FROM (SELECT id, stock_item_id, balance_after, value_change, value_after,
               sum(quantity_change) OVER item AS running,
               lag(value_after) OVER item AS prior_value
          FROM stock_movement
        WINDOW item AS (PARTITION BY stock_item_id ORDER BY id)) AS chain
 WHERE balance_after <> running
    OR (value_change IS NOT NULL
        AND value_after IS DISTINCT FROM COALESCE(prior_value, 0) + value_change)
    OR (value_change IS NULL AND value_after IS NOT NULL
        AND NOT (balance_after = 0 AND value_after = 0))
 ORDER BY id LIMIT 1
"""

_LATEST = """
SELECT i.id, i.current_quantity, i.current_value, latest.balance_after, latest.value_after
  FROM stock_item AS i
  LEFT JOIN LATERAL (SELECT balance_after, value_after FROM stock_movement
                      WHERE stock_item_id = i.id ORDER BY id DESC LIMIT 1) AS latest ON true
 WHERE i.current_quantity <> COALESCE(latest.balance_after, 0)
    OR i.current_value IS DISTINCT FROM latest.value_after
 ORDER BY i.id LIMIT 1
"""

_RULES_OFF = """
SELECT c.relname, t.tgname
  FROM pg_trigger AS t
  JOIN pg_class AS c ON c.oid = t.tgrelid
  JOIN pg_namespace AS n ON n.oid = c.relnamespace
 WHERE n.nspname = 'inventory' AND NOT t.tgisinternal AND t.tgenabled <> 'O'
 ORDER BY 1, 2 LIMIT 1
"""

_LEDGER_CHECKS = (
    (_QUANTITIES, "item {0} has the quantity {1}, but its movements sum to {2}"),
    (_CHAINS, "movement {0} of item {1} has balance_after {2} (running sum {3}) and "
              "value_after {4} (value_change {5}, value before it {6})"),
    (_LATEST, "item {0} has the quantity {1} and value {2}, but its latest movement "
              "leaves {3} and {4}"),
    (_RULES_OFF, "the rules of {0} are still off ({1})"),
)
