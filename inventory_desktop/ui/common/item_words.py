"""Naming an item in words: a SKU, #id, a name, or a label chosen from a list.

A list of choices names each item 'Flour (FL-01)', or 'Flour (#12)' when it
has no SKU, so that two items with the same name can still be told apart.
"""

from __future__ import annotations

import re

from ... import services
from ...errors import NotFoundError, ValidationError
from ...services import ItemRow

# "Flour (FL-01)" or "Flour (#12)": how a list of choices names an item.
_LABEL = re.compile(r"(?P<name>.*\S)\s*\((?P<ref>[^()]+)\)")


class SeveralItemsMatch(ValidationError):
    """The words name more than one item; `matches` are the candidates."""

    def __init__(self, message: str, matches: list[ItemRow]) -> None:
        super().__init__(message, "item")
        self.matches = matches


def item_label(item: ItemRow) -> str:
    """How a list of choices names an item: 'Flour (FL-01)', or 'Flour (#12)' without a SKU."""
    return f"{item.name} ({item.sku})" if item.sku else f"{item.name} (#{item.id})"


def find_item_by_words(text: str) -> ItemRow:
    """The item a person means: SKU or id first, a chosen label, else the one whose name matches.

    Several items sharing the name raise SeveralItemsMatch, with them, to choose from.
    """
    try:
        return services.find_item(text)
    except NotFoundError:
        pass
    labelled = _by_label(text)
    if labelled is not None:
        return labelled
    matches = services.list_items(include_archived=True, search=text)
    exact = [item for item in matches if item.name.casefold() == text.casefold()]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    if not matches:
        raise NotFoundError(f"No item matches {text!r}.")
    several = exact or matches
    if exact:
        message = f"{len(exact)} items are called {text!r}: choose one from the list."
    else:
        message = f"{len(matches):,} items match {text!r}: choose one, or type more of the name."
    raise SeveralItemsMatch(message, several[:50])


def _by_label(text: str) -> ItemRow | None:
    found = _LABEL.fullmatch(text.strip())
    if found is None:
        return None
    try:
        item = services.find_item(found["ref"])
    except (NotFoundError, ValidationError):
        return None
    return item if item.name.casefold() == found["name"].casefold() else None
