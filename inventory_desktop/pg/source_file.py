"""The data file copy-to reads: opened read-only, one snapshot, at the newest schema.

Every read happens in one read transaction, so the copy and the row-by-row
comparison see the file as it was at one moment, whatever another program
writes meanwhile (WAL keeps that snapshot for us).
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .. import file_identity, migrations
from ..errors import DataFileError, RefusedFileError
from ..sqlite_errors import translate_sqlite_errors
from ..wal_reader import committed_page_one

# Tables only a data file needs: who acts (a transaction-local setting on a
# server), the seals (privileges there) and the file's identity (recorded in
# copied_from). SQLite's own tables start with sqlite_.
SQLITE_ONLY = frozenset({"write_context", "seal", "seal_range", "data_file"})
BATCH = 5_000


@dataclass(frozen=True)
class SourceTable:
    """One table of the file as copy-to reads it: its columns and its key, in file order."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]


class SourceFile:
    """A data file opened read-only, inside one read transaction until close()."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Refused from the header alone: SQLite, even read-only, leaves -wal and -shm behind.
        _refuse_old_schema(path, _header_version(path))
        with translate_sqlite_errors():
            self._connection = sqlite3.connect(
                f"file:{quote(str(path))}?mode=ro", uri=True, isolation_level=None)
            try:
                self._connection.execute("BEGIN")
                # The snapshot starts with the first read of a table, not with BEGIN.
                self._connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
                self._data_version = self._one("PRAGMA data_version")
                self.schema_version = self._one("PRAGMA user_version")
                # The file may have been upgraded since its header was read; never downgraded.
                _refuse_old_schema(path, self.schema_version)
            except BaseException:
                self._connection.close()
                raise

    def close(self) -> None:
        """End the read transaction and close the file."""
        self._connection.close()

    def __enter__(self) -> SourceFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def finish(self) -> bool:
        """End the snapshot; whether another connection committed to the file since it began."""
        with translate_sqlite_errors():
            # data_version stands still inside a read transaction: end it first.
            self._connection.execute("COMMIT")
            return self._one("PRAGMA data_version") != self._data_version

    def file_id(self) -> tuple[str, str]:
        """The file's own id and when it was made (data_file's one row)."""
        with translate_sqlite_errors():
            row = self._connection.execute(
                "SELECT file_id, created_at FROM data_file WHERE id = 1").fetchone()
        if row is None:
            raise DataFileError(
                f"{self.path} has lost its identity row (data_file), which only another "
                "program could remove; run 'inventory verify' on it. Nothing was copied.")
        return row

    def tables(self) -> dict[str, SourceTable]:
        """Every table of the file that holds the restaurant's data, by name."""
        with translate_sqlite_errors():
            names = [name for (name,) in self._connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")]
            return {name: self._table(name) for name in names if name not in SQLITE_ONLY}

    def _table(self, name: str) -> SourceTable:
        info = self._connection.execute(f'PRAGMA table_info("{name}")').fetchall()
        columns = tuple(row[1] for row in info)
        key = tuple(row[1] for row in sorted(info, key=lambda row: row[5]) if row[5])
        return SourceTable(name, columns, key)

    def rows(self, table: SourceTable) -> Iterator[tuple]:
        """The table's rows, ordered by its key, its columns in file order."""
        for batch in self.batches(table):
            yield from batch

    def batches(self, table: SourceTable, size: int = BATCH) -> Iterator[list[tuple]]:
        """The table's rows in key order, `size` at a time (the last batch may be shorter)."""
        listed = ", ".join(f'"{column}"' for column in table.columns)
        ordered = ", ".join(f'"{column}"' for column in table.key)
        with translate_sqlite_errors():
            try:
                cursor = self._connection.execute(
                    f'SELECT {listed} FROM "{table.name}" ORDER BY {ordered}')
                while batch := cursor.fetchmany(size):
                    yield batch
            except sqlite3.OperationalError as exc:
                if "decode" not in str(exc).lower():
                    raise
                # Another program stored bytes that are not UTF-8 as text.
                raise DataFileError(
                    f"The data file's table {table.name} holds text that is not valid "
                    f"UTF-8 ({exc}); run 'inventory verify' on it. Nothing was copied.") from exc

    def key_at(self, table: SourceTable, place: int) -> str | None:
        """The key of the table's row at `place` (from 1) in key order: "id 12"."""
        listed = ", ".join(f'"{column}"' for column in table.key)
        with translate_sqlite_errors():
            row = self._connection.execute(
                f'SELECT {listed} FROM "{table.name}" ORDER BY {listed} LIMIT 1 OFFSET ?',
                (place - 1,)).fetchone()
        return None if row is None else describe_key(table.key, row)

    def highest_ids(self) -> dict[str, int]:
        """Per table, the highest id the file ever handed out (sqlite_sequence), or its rows'."""
        with translate_sqlite_errors():
            numbered = dict(self._connection.execute("SELECT name, seq FROM sqlite_sequence"))
            # A deleted item's id lives on in its history: never hand it out again.
            (history_item,) = self._connection.execute(
                "SELECT max(id) FROM stock_item_history").fetchone()
        if history_item is not None:
            numbered["stock_item"] = max(numbered.get("stock_item", 0), history_item)
        return numbered

    def _one(self, sql: str) -> int:
        return self._connection.execute(sql).fetchone()[0]


def _refuse_old_schema(path: Path, version: int) -> None:
    newest = migrations.newest_version()
    if version == 0:
        raise RefusedFileError(f"{path} is empty: there is nothing to copy.")
    if version < newest:
        raise RefusedFileError(
            f"{path} was last opened by an older version of the program (schema {version}; "
            f"this one works with schema {newest}). Open it once with this program (the "
            "window, or a command such as 'inventory verify --db FILE'), which upgrades it "
            "after making a backup; then copy it.")


def describe_key(columns: tuple[str, ...], values: tuple) -> str:
    """A row's key as a sentence names it: "id 12", "item_id 3, area_id 2"."""
    return ", ".join(f"{column} {value!r}" if isinstance(value, str) else f"{column} {value}"
                     for column, value in zip(columns, values, strict=True))


def _header_version(path: Path) -> int:
    """The file's schema version from its header, once the header says the file is ours."""
    if not file_identity.check_header(path, migrations.newest_version()):
        raise DataFileError(f"There is no data file at {path}; nothing was copied.")
    # The main file's header can lag behind pages committed to the -wal file.
    header = committed_page_one(path)
    if header is None:
        try:
            with path.open("rb") as handle:
                header = handle.read(100)
        except OSError as exc:
            raise file_identity.path_problem(path, exc) from exc
    return struct.unpack(">I", header[60:64])[0] if len(header) >= 64 else 0
