"""copy-to at scale: a data file with 1,000,000 movements and 5,000 items onto an empty database.

    python -m benchmarks.bench_copy_to                    # the full file (built once, cached)
    python -m benchmarks.bench_copy_to --items 500 --movements 50000   # a quick run
    python -m benchmarks.bench_copy_to --server postgresql://…         # a server of your own

The file is bench_costing's cached big file (raw sqlite3, every trigger
firing: one history row and two audit rows per movement, so about four
million rows in all). The server is $INVENTORY_TEST_PG_URL, --server, or a
throwaway one (scripts/pg_throwaway.py: fsync off, Unix socket) started and
removed here. Each run copies onto a new empty database — setting it up,
copying, comparing every row and checking the ledger in one transaction —
and reports, as JSON, the wall time, each step's time and the rows per table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from psycopg.conninfo import conninfo_to_dict

from inventory_desktop.copy_to import copy_to

from ._common import RESULTS_DIR, machine, publish
from .bench_costing import ITEMS, MOVEMENTS, big_file

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def server(url: str | None) -> Iterator[str]:
    """An admin URL: the one given, $INVENTORY_TEST_PG_URL, or a throwaway server's."""
    url = url or os.environ.get("INVENTORY_TEST_PG_URL")
    if url:
        yield url
        return
    spec = importlib.util.spec_from_file_location("pg_throwaway",
                                                  ROOT / "scripts" / "pg_throwaway.py")
    assert spec is not None and spec.loader is not None
    throwaway = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = throwaway
    spec.loader.exec_module(throwaway)
    started = throwaway.start()
    try:
        yield started.url
    finally:
        throwaway.stop(started.folder, quiet=True)


@contextmanager
def empty_database(admin_url: str) -> Iterator[str]:
    """A new empty database on the server, dropped afterwards; its URL for copy-to."""
    name = f"inventory_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
    try:
        yield _with_database(admin_url, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _with_database(url: str, name: str) -> str:
    """The address of database `name` on the admin's server, its password left to libpq."""
    parts = conninfo_to_dict(url)
    password = parts.pop("password", None)
    if password is not None:
        os.environ["PGPASSWORD"] = str(password)  # copy-to refuses an address holding one
    user, host = str(parts.pop("user", "")), str(parts.pop("host", ""))
    parts.pop("dbname", None)
    if host.startswith("/"):
        parts["host"], host = host, ""
    query = urlencode({key: str(value) for key, value in parts.items()})
    return f"postgresql://{quote(user)}@{host}/{name}" + (f"?{query}" if query else "")


def measure(path: Path, admin_url: str, repeat: int) -> dict[str, object]:
    runs = []
    for _ in range(repeat):
        with empty_database(admin_url) as url:
            report = copy_to(url, path, progress=lambda text: print(text, file=sys.stderr))
        runs.append(report)
        print(f"copy-to: {report.seconds:.1f} s", file=sys.stderr)
    best = min(runs, key=lambda report: report.seconds)
    movements = dict(best.tables)["stock_movement"]
    return {
        "copy_to_seconds": [round(report.seconds, 2) for report in runs],
        "copy_to_median_seconds": round(statistics.median(r.seconds for r in runs), 2),
        "movements": movements,
        "rows": best.rows,
        "rows_per_second": round(best.rows / best.seconds),
        "tables": dict(best.tables),
        "steps_seconds": {name: round(seconds, 2) for name, seconds in best.steps},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--movements", type=int, default=MOVEMENTS)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--server", metavar="URL", help="an admin postgresql:// address")
    args = parser.parse_args(argv)
    path = big_file(args.items, args.movements)
    with server(args.server) as admin_url:
        with psycopg.connect(admin_url) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
            fsync = connection.execute("SHOW fsync").fetchone()[0]
        summary: dict[str, object] = {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine(RESULTS_DIR), "file_bytes": path.stat().st_size,
            "server": {"version": version, "fsync": fsync},
            **measure(path, admin_url, args.repeat),
        }
    publish("bench_copy_to", summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
