"""Which item a sheet line names: by its label, #id, SKU, name, or a part only it has.

Resolved in Python over the items the dialog read once: typing never queries.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ...services import ItemRow
from ..common.item_words import item_label


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class ItemFinder:
    """Finds the one item a text names among `items`, or says why it names none."""

    def __init__(self, items: Sequence[ItemRow]) -> None:
        self.items = list(items)
        self._by_label = {_folded(item_label(item)): item for item in self.items}

    def resolve(self, text: str) -> tuple[ItemRow | None, str]:
        """The item `text` names (a label, #id, SKU, name or a unique part), or why none."""
        wanted = _folded(text)
        if not wanted:
            return None, ""
        found = self._by_label.get(wanted) or self._exactly(wanted)
        if found is not None:
            return found, ""
        matches = [item for label, item in self._by_label.items() if wanted in label]
        if len(matches) == 1:
            return matches[0], ""
        shown = text.strip()[:40]
        if not matches:
            return None, f"No item matches {shown!r}."
        return None, f"{len(matches)} items match {shown!r}: pick one from the list."

    def _exactly(self, wanted: str) -> ItemRow | None:
        if wanted.startswith("#") and wanted[1:].isdigit():
            return next((item for item in self.items if item.id == int(wanted[1:])), None)
        by_sku = [item for item in self.items if item.sku and _folded(item.sku) == wanted]
        by_name = [item for item in self.items if _folded(item.name) == wanted]
        for found in (by_sku, by_name):
            if len(found) == 1:
                return found[0]
        return None
