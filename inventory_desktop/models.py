"""peewee models for the ledger's tables. Mapping only: the rules live in the SQL.

Quantity columns hold int counts of ten-thousandths (see quantity.py);
timestamps are UTC ISO-8601 text as SQLite writes them.
"""

from __future__ import annotations

import peewee

from .db import database


class _Model(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class Supplier(_Model):
    name = peewee.TextField()
    is_active = peewee.BooleanField(default=True)
    created_at = peewee.TextField()


class Setting(_Model):
    key = peewee.TextField(unique=True)
    value = peewee.TextField()


class StockItem(_Model):
    name = peewee.TextField()
    sku = peewee.TextField(null=True)
    unit = peewee.TextField()
    current_quantity = peewee.IntegerField(default=0)
    low_stock_threshold = peewee.IntegerField(null=True)
    low_stock_alert_sent = peewee.BooleanField(default=False)
    is_active = peewee.BooleanField(default=True)
    created_at = peewee.TextField()
    updated_at = peewee.TextField()
    op_key = peewee.TextField(null=True)
    pack_size = peewee.IntegerField(null=True)
    pack_name = peewee.TextField(null=True)
    current_value = peewee.IntegerField(null=True)
    standard_cost = peewee.IntegerField(null=True)
    par_level = peewee.IntegerField(null=True)
    supplier = peewee.ForeignKeyField(Supplier, column_name="supplier_id", null=True,
                                      lazy_load=False)


class StockMovement(_Model):
    stock_item = peewee.ForeignKeyField(StockItem, column_name="stock_item_id", lazy_load=False)
    quantity_change = peewee.IntegerField()
    movement_type = peewee.TextField()
    reason = peewee.TextField()
    notes = peewee.TextField(default="")
    reference_type = peewee.TextField(null=True)
    reference_id = peewee.TextField(null=True)
    balance_after = peewee.IntegerField()
    created_by = peewee.TextField()
    created_at = peewee.TextField()
    op_key = peewee.TextField(null=True)
    value_change = peewee.IntegerField(null=True)
    value_after = peewee.IntegerField(null=True)
    valued_by = peewee.TextField(null=True)
    unit_cost = peewee.IntegerField(null=True)
    supplier = peewee.ForeignKeyField(Supplier, column_name="supplier_id", null=True,
                                      lazy_load=False)


class StockItemHistory(_Model):
    history_id = peewee.AutoField()
    history_type = peewee.TextField()
    history_at = peewee.TextField()
    history_by = peewee.TextField()
    id = peewee.IntegerField()
    name = peewee.TextField(null=True)
    sku = peewee.TextField(null=True)
    unit = peewee.TextField(null=True)
    current_quantity = peewee.IntegerField(null=True)
    low_stock_threshold = peewee.IntegerField(null=True)
    low_stock_alert_sent = peewee.BooleanField(null=True)
    is_active = peewee.BooleanField(null=True)
    created_at = peewee.TextField(null=True)
    updated_at = peewee.TextField(null=True)
    pack_size = peewee.IntegerField(null=True)
    pack_name = peewee.TextField(null=True)
    current_value = peewee.IntegerField(null=True)
    standard_cost = peewee.IntegerField(null=True)
    par_level = peewee.IntegerField(null=True)
    supplier_id = peewee.IntegerField(null=True)


class AuditLog(_Model):
    table_name = peewee.TextField()
    row_id = peewee.IntegerField()
    action = peewee.TextField()
    changes = peewee.TextField()
    actor = peewee.TextField()
    at = peewee.TextField()


class StorageArea(_Model):
    name = peewee.TextField()
    walk_order = peewee.IntegerField()
    is_active = peewee.BooleanField(default=True)
    created_at = peewee.TextField()


class ItemLocation(_Model):
    item = peewee.ForeignKeyField(StockItem, column_name="item_id", lazy_load=False)
    area = peewee.ForeignKeyField(StorageArea, column_name="area_id", lazy_load=False)
    walk_order = peewee.IntegerField()

    class Meta:
        primary_key = peewee.CompositeKey("item", "area")


class Stocktake(_Model):
    name = peewee.TextField()
    all_items = peewee.BooleanField()
    blind = peewee.BooleanField(default=False)
    state = peewee.TextField(default="open")
    uncounted = peewee.TextField(null=True)
    started_by = peewee.TextField()
    started_at = peewee.TextField()
    closed_by = peewee.TextField(null=True)
    closed_at = peewee.TextField(null=True)
    op_key = peewee.TextField(null=True)


class StocktakeArea(_Model):
    stocktake = peewee.ForeignKeyField(Stocktake, column_name="stocktake_id", lazy_load=False)
    area = peewee.ForeignKeyField(StorageArea, column_name="area_id", lazy_load=False)

    class Meta:
        primary_key = peewee.CompositeKey("stocktake", "area")


class StocktakeCount(_Model):
    stocktake = peewee.ForeignKeyField(Stocktake, column_name="stocktake_id", lazy_load=False)
    item = peewee.ForeignKeyField(StockItem, column_name="item_id", lazy_load=False)
    area = peewee.ForeignKeyField(StorageArea, column_name="area_id", null=True,
                                  lazy_load=False)
    counted = peewee.IntegerField()
    packs = peewee.IntegerField(null=True)
    expected = peewee.IntegerField()
    kind = peewee.TextField(default="count")
    counted_by = peewee.TextField()
    counted_at = peewee.TextField()
    note = peewee.TextField(default="")


class StocktakeExplanation(_Model):
    stocktake = peewee.ForeignKeyField(Stocktake, column_name="stocktake_id", lazy_load=False)
    item = peewee.ForeignKeyField(StockItem, column_name="item_id", lazy_load=False)
    reasons = peewee.TextField()
    explained_by = peewee.TextField()
    explained_at = peewee.TextField()
