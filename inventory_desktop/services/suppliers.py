"""Suppliers: who delivers what, for costed receipts and the order list.

A supplier is never deleted (receipts name it); one no longer used is archived.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import db
from ..db import database
from ..errors import ConflictError, NotFoundError
from ..models import Supplier
from . import validation
from ._write import writing


@dataclass(frozen=True)
class SupplierRow:
    id: int
    name: str
    is_active: bool
    items: int  # items it supplies (their usual supplier)


_SUPPLIERS = ("SELECT s.id, s.name, s.is_active, "
              "(SELECT count(*) FROM stock_item WHERE supplier_id = s.id AND is_active) "
              "FROM supplier AS s {} ORDER BY s.name COLLATE NOCASE, s.id")


def list_suppliers(*, include_archived: bool = False) -> list[SupplierRow]:
    """Suppliers by name."""
    where = "" if include_archived else "WHERE s.is_active"
    return [SupplierRow(id_, name, bool(active), items) for id_, name, active, items
            in database.execute_sql(_SUPPLIERS.format(where))]


def get_supplier(supplier_id: int) -> SupplierRow:
    """The supplier with this id, archived or not."""
    for supplier in list_suppliers(include_archived=True):
        if supplier.id == supplier_id:
            return supplier
    raise NotFoundError(f"There is no supplier with id {supplier_id}.")


def find_supplier(reference: str) -> SupplierRow:
    """The supplier a person means: its name (any case), or #id."""
    text = str(reference).strip()
    if text.startswith("#") and text[1:].isascii() and text[1:].isdigit():
        return get_supplier(int(text[1:]))
    suppliers = list_suppliers(include_archived=True)
    for supplier in suppliers:
        if supplier.name.casefold() == text.casefold():
            return supplier
    known = ", ".join(s.name for s in suppliers if s.is_active) or "none yet"
    raise NotFoundError(f"There is no supplier called {text!r} (suppliers: {known}).")


def require_active_supplier(supplier_id: int) -> SupplierRow:
    """The supplier, refused if it is archived (inside a write)."""
    supplier = get_supplier(supplier_id)
    if not supplier.is_active:
        raise ConflictError(f"{supplier.name} is archived; restore it before naming it on "
                            "a receipt.")
    return supplier


def create_supplier(name: str, *, user: str | None = None) -> SupplierRow:
    """A new supplier."""
    text = validation.supplier_name(name)
    with writing(user):
        _refuse_duplicate_name(text)
        return get_supplier(Supplier.insert(name=text).execute())


def rename_supplier(supplier_id: int, name: str, *, user: str | None = None) -> SupplierRow:
    """Give a supplier another name (its receipts follow: they refer to it by id)."""
    text = validation.supplier_name(name)
    with writing(user):
        get_supplier(supplier_id)
        _refuse_duplicate_name(text, except_id=supplier_id)
        Supplier.update(name=text).where(Supplier.id == supplier_id).execute()
        return get_supplier(supplier_id)


def set_supplier_active(supplier_id: int, active: bool, *,
                        user: str | None = None) -> SupplierRow:
    """Archive a supplier no longer used (items keep naming it), or restore one."""
    with writing(user):
        supplier = get_supplier(supplier_id)
        if supplier.is_active != active:
            Supplier.update(is_active=active).where(Supplier.id == supplier_id).execute()
        return get_supplier(supplier_id)


def _refuse_duplicate_name(name: str, except_id: int | None = None) -> None:
    db.take_turns("supplier.name")  # two terminals adding the same supplier: one is told
    for supplier in list_suppliers(include_archived=True):
        if supplier.name.casefold() == name.casefold() and supplier.id != except_id:
            raise ConflictError(f"There is already a supplier called {supplier.name}.")
