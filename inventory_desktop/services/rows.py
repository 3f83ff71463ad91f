"""Plain, frozen rows the services hand out: no live ORM objects leave the layer.

A Qt model that touched a lazy ORM attribute inside data() would run queries
while painting; these rows are complete when they are made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..money import average_cost, to_money
from ..quantity import decimal_to_units, to_decimal


@dataclass(frozen=True)
class ItemRow:
    id: int
    name: str
    sku: str | None
    unit: str
    quantity: Decimal
    low_stock_threshold: Decimal | None
    low_stock_alert_sent: bool
    is_active: bool
    created_at: str
    updated_at: str
    # What one pack holds, in the item's unit (a count is entered as packs + loose).
    pack_size: Decimal | None = None
    pack_name: str | None = None
    # Money: exact Decimals (4 places). value is None while the stock's value is
    # not known (stock from before costs were kept); an empty item is worth 0.
    value: Decimal | None = None
    standard_cost: Decimal | None = None
    # The quantity to hold after a delivery (the order list tops up to it).
    par_level: Decimal | None = None
    supplier_id: int | None = None

    @property
    def average_cost(self) -> Decimal | None:
        """What one unit of the stock cost on average (None: empty, or not known)."""
        if self.value is None or not self.quantity:
            return None
        return to_money(average_cost(decimal_to_units(self.value), decimal_to_units(self.quantity)))

    @property
    def is_low(self) -> bool:
        """At or below its threshold (an item without a threshold is never low)."""
        return self.low_stock_threshold is not None and self.quantity <= self.low_stock_threshold


@dataclass(frozen=True)
class MovementRow:
    id: int
    item_id: int
    item_name: str
    item_sku: str | None
    unit: str
    quantity_change: Decimal
    movement_type: str
    reason: str
    notes: str
    reference_type: str | None
    reference_id: str | None
    balance_after: Decimal
    created_by: str
    created_at: str
    op_key: str | None
    # The value the movement moved and the item's stock value after it (None:
    # not known), how it was set (vocabulary in services/valuation.py), the
    # unit cost of a costed receipt, and who supplied it.
    value_change: Decimal | None = None
    value_after: Decimal | None = None
    valued_by: str | None = None
    unit_cost: Decimal | None = None
    supplier_id: int | None = None
    # True when a retry with the same op_key returned this earlier booking; not
    # part of equality: it is the same movement either way.
    replayed: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class ItemHistoryRow:
    history_id: int
    history_type: str
    history_at: str
    history_by: str
    item_id: int
    name: str | None
    sku: str | None
    unit: str | None
    quantity: Decimal | None
    low_stock_threshold: Decimal | None
    is_active: bool | None


@dataclass(frozen=True)
class AuditRow:
    id: int
    table_name: str
    row_id: int
    action: str
    changes: dict[str, list[Any]]
    actor: str
    at: str
    # False for an entry no seal covers: written by another program, whose
    # actor name is whatever that program put there.
    sealed: bool = True
    # The item the entry is about (a movement's item for a movement), when known.
    item_id: int | None = None
    item_name: str | None = None
    item_sku: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Finding:
    """One thing `verify` found wrong, in a sentence; item fields when it is about one item.

    `check` says which check found it: integrity, foreign_keys, schema,
    write_context, seal, foreign_rows, ledger, value, history, times, numbering or sku.
    """

    check: str
    detail: str
    item_id: int | None = None
    sku: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class VerifyReport:
    findings: list[Finding] = field(default_factory=list)
    # Worth knowing but not wrong (e.g. no anchor on this computer).
    notes: list[str] = field(default_factory=list)
    # Rows no seal covers, by table: what `accept_foreign_rows` would seal.
    foreign_rows: dict[str, list[int]] = field(default_factory=dict)
    seals: int = 0
    # A file's writes are sealed; a server's rows are kept by its privileges instead.
    sealed: bool = True

    @property
    def ok(self) -> bool:
        return not self.findings

    def of(self, check: str) -> list[Finding]:
        """The findings of one check."""
        return [finding for finding in self.findings if finding.check == check]


def item_row(values: tuple) -> ItemRow:
    """An ItemRow from a tuple of queries.ITEM_FIELDS."""
    (id_, name, sku, unit, quantity, threshold, alert, active, created, updated,
     pack_size, pack_name, value, standard_cost, par_level, supplier_id) = values
    return ItemRow(
        id=id_, name=name, sku=sku, unit=unit, quantity=to_decimal(quantity),
        low_stock_threshold=_decimal_or_none(threshold),
        low_stock_alert_sent=bool(alert), is_active=bool(active),
        created_at=created, updated_at=updated,
        pack_size=_decimal_or_none(pack_size), pack_name=pack_name,
        value=_money_or_none(0 if value is None and not quantity else value),
        standard_cost=_money_or_none(standard_cost),
        par_level=_decimal_or_none(par_level), supplier_id=supplier_id,
    )


def movement_row(values: tuple) -> MovementRow:
    """A MovementRow from a tuple of queries.MOVEMENT_FIELDS."""
    (id_, item_id, name, sku, unit, change, kind, reason, notes, ref_type, ref_id,
     balance, by, created, op_key, value_change, value_after, valued_by, unit_cost,
     supplier_id) = values
    return MovementRow(
        id=id_, item_id=item_id, item_name=name, item_sku=sku, unit=unit,
        quantity_change=to_decimal(change), movement_type=kind, reason=reason,
        notes=notes, reference_type=ref_type, reference_id=ref_id,
        balance_after=to_decimal(balance), created_by=by, created_at=created, op_key=op_key,
        value_change=_money_or_none(value_change), value_after=_money_or_none(value_after),
        valued_by=valued_by, unit_cost=_money_or_none(unit_cost), supplier_id=supplier_id,
    )


def _decimal_or_none(units: int | None) -> Decimal | None:
    return None if units is None else to_decimal(units)


def _money_or_none(amount: int | None) -> Decimal | None:
    return None if amount is None else to_money(amount)


def history_row(values: tuple) -> ItemHistoryRow:
    (hid, kind, at, by, item_id, name, sku, unit, quantity, threshold, active) = values
    return ItemHistoryRow(
        history_id=hid, history_type=kind, history_at=at, history_by=by, item_id=item_id,
        name=name, sku=sku, unit=unit,
        quantity=None if quantity is None else to_decimal(quantity),
        low_stock_threshold=None if threshold is None else to_decimal(threshold),
        is_active=None if active is None else bool(active),
    )


def audit_row(values: tuple, sealed: bool = True) -> AuditRow:
    (id_, table, row_id, action, changes, actor, at) = values
    return AuditRow(id=id_, table_name=table, row_id=row_id, action=action,
                    changes=_changes(changes), actor=str(actor), at=str(at), sealed=sealed)


def _changes(stored: object) -> dict[str, list[Any]]:
    # Another program may have stored anything here; show it rather than fail.
    try:
        changes = json.loads(stored)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return {"(unreadable)": [None, str(stored)]}
    return changes if isinstance(changes, dict) else {"(unreadable)": [None, str(stored)]}
