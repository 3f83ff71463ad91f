"""Read-only models for the audit log (paged) and an item's change history.

The audit log stores each change as JSON `{column: [old, new]}` with raw
values: quantities in ten-thousandths, flags as 0/1, UTC timestamps. These
models turn that into sentences a manager reads: "on hand: 2 → 1.5".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from ... import services
from ...money import format_amount
from ...quantity import format_units
from ...services import AuditRow, ItemHistoryRow
from ...vocabulary import REASON_LABELS
from ..common.formatting import quantity_text, time_text
from ..common.paged_model import AnyIndex, PagedTableModel
from ..history.movement_model import TYPE_LABELS

_LABELS = {
    "name": "name", "sku": "SKU", "unit": "unit", "current_quantity": "on hand",
    "low_stock_threshold": "threshold", "low_stock_alert_sent": "low-stock alert",
    "is_active": "status", "created_at": "created", "updated_at": "updated",
    "op_key": "operation key", "stock_item_id": "item", "quantity_change": "change",
    "movement_type": "type", "reason": "reason", "balance_after": "balance after",
    "created_by": "by", "value_change": "value", "value_after": "worth after",
    "unit_cost": "unit cost", "current_value": "worth", "standard_cost": "standard cost",
    "par_level": "par level", "supplier_id": "supplier", "pack_size": "pack size",
    "pack_name": "pack called",
}
_QUANTITIES = {"current_quantity", "low_stock_threshold", "quantity_change", "balance_after",
               "par_level", "pack_size"}
_MONEY = {"value_change", "value_after", "unit_cost", "current_value", "standard_cost"}
_TIMES = {"created_at", "updated_at"}
_TABLES = {"stock_item": "Item", "stock_movement": "Movement"}
_ACTIONS = {"insert": "Created", "update": "Changed", "delete": "Deleted"}
CHANGES_COLUMN = 4


def value_text(column: str, value: object, unit: str | None = None,
               item: str | None = None) -> str:
    """One stored value as a manager reads it (a quantity with its unit, an item by name)."""
    if value is None:
        return "—"
    if column in _QUANTITIES and isinstance(value, int):
        text = format_units(value)
        if column == "quantity_change" and value > 0:
            text = f"+{text}"
        return f"{text} {unit}" if unit else text
    if column in _MONEY and isinstance(value, int):
        text = format_amount(value, places=4 if column in ("unit_cost", "standard_cost") else 2)
        return f"+{text}" if column == "value_change" and value > 0 else text
    if column == "is_active":
        return "active" if value else "archived"
    if column == "low_stock_alert_sent":
        return "raised" if value else "clear"
    if column == "reason":
        return REASON_LABELS.get(str(value), str(value))
    if column == "movement_type":
        return TYPE_LABELS.get(str(value), str(value))
    if column == "stock_item_id":
        return item or f"#{value}"
    if column in _TIMES and isinstance(value, str):
        try:
            return time_text(value)
        except ValueError:
            return value
    return str(value)


def changes_text(
    action: str, changes: dict[str, list[Any]], separator: str = "; ", *, full: bool = False,
    unit: str | None = None, item: str | None = None,
) -> str:
    """'name: Flour → Bread flour; threshold: 2 kg → 2.5 kg' (new values only for a creation).

    The time of the change is its own column, so `updated_at` is left out
    unless `full` is asked for (the tooltip). Quantities read in `unit`;
    the item a movement belongs to reads as `item`.
    """
    parts = []
    # A change of unit itself (allowed before any movement): each side in its own unit.
    old_unit, new_unit = _units(changes.get("unit"), unit)
    for column, pair in changes.items():
        if column == "updated_at" and not full:
            continue
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        label = _LABELS.get(column, column)
        shown_old = value_text(column, old, old_unit, item)
        shown_new = value_text(column, new, new_unit, item)
        if action in ("insert", "delete"):
            # What it was created with, or what it was when deleted; not "→ —" each time.
            value, shown = (new, shown_new) if action == "insert" else (old, shown_old)
            if value is not None:
                parts.append(f"{label}: {shown}")
        else:
            parts.append(f"{label}: {shown_old} → {shown_new}")
    return separator.join(parts)


def _units(pair: object, unit: str | None) -> tuple[str | None, str | None]:
    if isinstance(pair, list) and len(pair) == 2 and all(
            isinstance(side, str | None) for side in pair):
        return pair[0] or pair[1] or unit, pair[1] or unit
    return unit, unit


def record_text(row: AuditRow) -> str:
    """'Item Flour (FL-1)', 'Movement 10 · Flour (FL-1)'; the bare number when unknown."""
    kind = _TABLES.get(row.table_name, row.table_name)
    if row.item_name is None:
        return f"{kind} #{row.row_id}"
    item = item_text(row)
    return f"Item {item}" if row.table_name == "stock_item" else f"{kind} {row.row_id} · {item}"


def item_text(row: AuditRow) -> str:
    """The entry's item as a manager names it: 'Flour (FL-1)', or 'Flour (#12)'."""
    return f"{row.item_name} ({row.item_sku or f'#{row.item_id}'})"


class AuditTableModel(PagedTableModel[AuditRow]):
    """Audit log entries, newest first, optionally for one table or one row."""

    COLUMNS = ("Time", "Who", "Action", "Record", "Changes")

    def __init__(self, parent: Any = None, page_size: int = 200) -> None:
        super().__init__(parent, page_size)
        self._table: str | None = None
        self._row_id: int | None = None

    def set_scope(self, table_name: str | None, row_id: int | None = None) -> None:
        """Show entries for `table_name` (None: all) and, with it, one `row_id`."""
        self._table, self._row_id = table_name, row_id
        self.reload()

    def read_page(self, before_id: int | None, limit: int) -> list[AuditRow]:
        return services.audit_entries(table_name=self._table, row_id=self._row_id,
                                      limit=limit, before_id=before_id)

    def texts(self, row: AuditRow) -> tuple[str, ...]:
        who = row.actor if row.sealed else f"{row.actor} (another program, not sealed)"
        return (time_text(row.at), who, _ACTIONS.get(row.action, row.action), record_text(row),
                _changes(row))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (index.isValid() and role == Qt.ItemDataRole.ToolTipRole
                and index.column() == CHANGES_COLUMN):
            row = self.row_at(index.row())
            return _changes(row, "\n", full=True)
        return super().data(index, role)


def _changes(row: AuditRow, separator: str = "; ", *, full: bool = False) -> str:
    item = item_text(row) if row.item_name is not None else None
    changes = row.changes
    if item is not None and not full:
        # The Record column already names a movement's item.
        changes = {column: pair for column, pair in changes.items() if column != "stock_item_id"}
    return changes_text(row.action, changes, separator, full=full, unit=row.unit, item=item)


class ItemChangesModel(PagedTableModel[ItemHistoryRow]):
    """Recorded states of one item, newest first and paged, with what changed each time."""

    COLUMNS = ("Time", "Who", "Event", "Name", "SKU", "Unit", "On hand", "Threshold",
               "Status", "What changed")

    def __init__(self, parent: Any = None, page_size: int = 200) -> None:
        super().__init__(parent, page_size)
        self._item_id: int | None = None

    def set_item(self, item_id: int) -> None:
        """Show `item_id`'s states, starting again from the newest."""
        self._item_id = item_id
        self.reload()

    def read_page(self, before_id: int | None, limit: int) -> list[ItemHistoryRow]:
        if self._item_id is None:
            return []
        return services.item_history(self._item_id, newest_first=True, limit=limit,
                                     before_id=before_id)

    def row_key(self, row: ItemHistoryRow) -> int:
        return row.history_id

    def row_texts(self, row: int) -> tuple[str, ...]:
        texts = self._texts[row]
        if texts is not None:
            return texts
        if row + 1 < len(self._rows):
            older = self._rows[row + 1]
        elif self.complete:
            older = None
        else:
            # "What changed" compares with the next older state, which is on
            # the page not read yet: show the row without it, keep nothing.
            return _history_texts(self._rows[row], None)
        texts = self._texts[row] = _history_texts(self._rows[row], older)
        return texts

    def texts(self, row: ItemHistoryRow) -> tuple[str, ...]:
        return _history_texts(row, None)

    def fetchMore(self, parent: AnyIndex) -> None:
        last = len(self._rows) - 1
        super().fetchMore(parent)
        if 0 <= last < len(self._rows) - 1:
            self.dataChanged.emit(self.index(last, 0), self.index(last, len(self.COLUMNS) - 1))


_COMPARED = (("name", "name"), ("sku", "SKU"), ("unit", "unit"), ("quantity", "on hand"),
             ("low_stock_threshold", "threshold"), ("is_active", "status"))


def _history_texts(row: ItemHistoryRow, previous: ItemHistoryRow | None) -> tuple[str, ...]:
    status = "" if row.is_active is None else ("active" if row.is_active else "archived")
    if previous is None or row.history_type == "insert":
        changed = ""
    else:
        changed = ", ".join(label for attribute, label in _COMPARED
                            if getattr(row, attribute) != getattr(previous, attribute))
    return (
        time_text(row.history_at), row.history_by,
        _ACTIONS.get(row.history_type, row.history_type), row.name or "", row.sku or "",
        row.unit or "", quantity_text(row.quantity, row.unit),
        quantity_text(row.low_stock_threshold, row.unit), status, changed,
    )
