"""The one way the services write: who acts, the transaction, the low-stock hook."""

from __future__ import annotations

import functools
import getpass
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .. import db
from ..quantity import format_decimal
from . import validation
from .rows import ItemRow

LowStockListener = Callable[[ItemRow], None]
_low_stock_listeners: list[LowStockListener] = []
_log = logging.getLogger("inventory_desktop")


@functools.cache
def operator_name() -> str:
    """Who is at the keyboard, by default: the OS login name."""
    # Cached: the lookup (environment, then the password database) cost about
    # a third of a receipt's own Python time, and a process's login never changes.
    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError):  # no login name in some containers and services
        return "unknown"


def actor(user: str | None) -> str:
    """The validated name to record for `user` (None: the OS login name)."""
    return operator_name() if user is None else validation.user(user)


@contextmanager
def writing(user: str | None) -> Iterator[str]:
    """One user action: validates the actor, then runs in one IMMEDIATE transaction."""
    name = actor(user)
    with db.write_transaction(name):
        yield name


def add_low_stock_listener(listener: LowStockListener) -> None:
    """Call `listener(item)` after a commit takes an item to or below its threshold."""
    _low_stock_listeners.append(listener)


def remove_low_stock_listener(listener: LowStockListener) -> None:
    """Stop calling a listener added with add_low_stock_listener (no error if absent)."""
    if listener in _low_stock_listeners:
        _low_stock_listeners.remove(listener)


def low_stock_notice(item: ItemRow) -> str:
    """The sentence the window and the command line both say when an item went low."""
    threshold = item.low_stock_threshold
    low_at = "" if threshold is None else f" (low at {format_decimal(threshold)} {item.unit})"
    return (f"Low stock: {item.name} is down to {format_decimal(item.quantity)} {item.unit}"
            f"{low_at}.")


def announce_low_stock(item: ItemRow) -> None:
    """Tell every listener, after the commit, that `item` crossed its threshold."""
    for listener in list(_low_stock_listeners):
        try:
            listener(item)
        except Exception:
            # The change is committed: raising now would tell the caller it
            # failed and invite a retry that books it twice. Log the bug.
            _log.exception("A low-stock listener failed for item %s", item.id)
