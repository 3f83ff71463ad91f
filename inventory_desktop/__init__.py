"""inventory_desktop: an offline-first stock ledger for a restaurant back office."""

import sys

__version__ = "0.1.0"


def _import_peewee_without_server_drivers() -> None:
    """Import peewee before anything else does, with the PostgreSQL drivers hidden.

    peewee imports every driver it finds when it is imported; psycopg costs
    120-190 ms of every start, window or command, though only server mode
    needs it. pg_database imports psycopg itself and gives peewee its own
    adapter, so nothing depends on what peewee found here.
    """
    if "peewee" in sys.modules:
        return
    hidden = [name for name in ("psycopg", "psycopg2") if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))  # None: "import psycopg" raises ImportError
    try:
        import peewee  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


_import_peewee_without_server_drivers()
