"""The data file's own settings: they travel with it (to a backup restored elsewhere)."""

from __future__ import annotations

import functools
import locale

from ..db import database
from ..models import Setting
from . import validation
from ._write import writing

CURRENCY_SYMBOL = "currency_symbol"


def currency_symbol() -> str:
    """The symbol shown before amounts: the data file's setting, else the system locale's."""
    stored = database.execute_sql("SELECT value FROM setting WHERE key = ?",
                                  (CURRENCY_SYMBOL,)).fetchone()
    return system_currency_symbol() if stored is None else stored[0]


def set_currency_symbol(symbol: str, *, user: str | None = None) -> str:
    """Show amounts with `symbol` in front (blank for none), in every program on this file."""
    text = validation.currency_symbol(symbol)
    with writing(user):
        if Setting.get_or_none(Setting.key == CURRENCY_SYMBOL) is None:
            Setting.insert(key=CURRENCY_SYMBOL, value=text).execute()
        else:
            Setting.update(value=text).where(Setting.key == CURRENCY_SYMBOL).execute()
    return text


@functools.cache
def system_currency_symbol() -> str:
    """The currency symbol of the user's locale ("" in the C locale, or when it is broken)."""
    try:
        # Only the monetary category, which nothing else here formats with.
        locale.setlocale(locale.LC_MONETARY, "")
        return locale.localeconv()["currency_symbol"] or ""
    except (locale.Error, ValueError):
        return ""
