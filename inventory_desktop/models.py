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


class AuditLog(_Model):
    table_name = peewee.TextField()
    row_id = peewee.IntegerField()
    action = peewee.TextField()
    changes = peewee.TextField()
    actor = peewee.TextField()
    at = peewee.TextField()
