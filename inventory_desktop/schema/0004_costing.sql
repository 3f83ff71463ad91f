-- Schema 4: what the stock is worth.
--
-- Every movement may carry its value: value_change (money, in ten-thousandths
-- of the currency, like quantities) and the item's stock value after it. The
-- value chain is enforced as the quantity chain is, and each value follows the
-- moving weighted-average rule by how it was set (valued_by):
--   invoice      a receipt at its invoice total (any amount, not negative)
--   unit_cost    a receipt at a cost per unit: round(quantity x unit_cost)
--   assumed      stock coming into an empty item without a cost, at an assumed
--                unit cost (the item's standard cost, else the latest cost paid):
--                round(quantity x unit_cost)
--   average      at the item's average cost: round(quantity x value / balance),
--                and the last unit out takes exactly what value is left
--   revaluation  the value alone changes (quantity 0), with a reason
--   reversal     exactly the opposite of the value of the movement undone
--   NULL         the value is not known (stock from before costs were kept)
-- Rounding is half away from zero to the ten-thousandth: (2n + d) / (2d) in
-- integer arithmetic, the same as money.divide_rounded (docs/costing.md).

CREATE TABLE supplier (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL
               CHECK (length(trim(name)) > 0 AND name = trim(name) AND length(name) <= 100),
    is_active  INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE UNIQUE INDEX supplier_name ON supplier (name COLLATE NOCASE);

-- The data file's own settings (the currency's symbol): they travel with the
-- file, to a backup restored on another computer.
CREATE TABLE setting (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    key   TEXT NOT NULL UNIQUE CHECK (key IN ('currency_symbol')),
    value TEXT NOT NULL CHECK (length(value) <= 20)
);

ALTER TABLE stock_movement ADD COLUMN value_change INTEGER
    CHECK (value_change IS NULL OR (typeof(value_change) = 'integer'
                                    AND value_change BETWEEN -99999999999999 AND 99999999999999));
ALTER TABLE stock_movement ADD COLUMN value_after INTEGER
    CHECK (value_after IS NULL OR (typeof(value_after) = 'integer'
                                   AND value_after BETWEEN 0 AND 99999999999999));
ALTER TABLE stock_movement ADD COLUMN valued_by TEXT
    CHECK (valued_by IS NULL OR valued_by IN ('invoice', 'unit_cost', 'assumed', 'average',
                                              'revaluation', 'reversal'));
ALTER TABLE stock_movement ADD COLUMN unit_cost INTEGER
    CHECK (unit_cost IS NULL OR (typeof(unit_cost) = 'integer'
                                 AND unit_cost BETWEEN 0 AND 99999999999999));
ALTER TABLE stock_movement ADD COLUMN supplier_id INTEGER REFERENCES supplier (id);

ALTER TABLE stock_item ADD COLUMN current_value INTEGER
    CHECK (current_value IS NULL OR (typeof(current_value) = 'integer'
                                     AND current_value BETWEEN 0 AND 99999999999999));
ALTER TABLE stock_item ADD COLUMN standard_cost INTEGER
    CHECK (standard_cost IS NULL OR (typeof(standard_cost) = 'integer'
                                     AND standard_cost BETWEEN 0 AND 99999999999999));
ALTER TABLE stock_item ADD COLUMN par_level INTEGER
    CHECK (par_level IS NULL OR (typeof(par_level) = 'integer'
                                 AND par_level BETWEEN 0 AND 9999999999));
ALTER TABLE stock_item ADD COLUMN supplier_id INTEGER REFERENCES supplier (id);

ALTER TABLE stock_item_history ADD COLUMN current_value INTEGER;
ALTER TABLE stock_item_history ADD COLUMN standard_cost INTEGER;
ALTER TABLE stock_item_history ADD COLUMN par_level INTEGER;
ALTER TABLE stock_item_history ADD COLUMN supplier_id INTEGER;

-- The latest cost paid for an item (the order list's price estimate, and the
-- assumed cost of uncosted stock coming into the empty item).
CREATE INDEX stock_movement_item_costed ON stock_movement (stock_item_id, id)
    WHERE valued_by IN ('invoice', 'unit_cost');

-- Kinds and reasons, now with revaluations -------------------------------------------

DROP TRIGGER stock_movement_kind_matches;
CREATE TRIGGER stock_movement_kind_matches BEFORE INSERT ON stock_movement
WHEN NOT ((NEW.movement_type = 'in' AND NEW.quantity_change > 0)
       OR (NEW.movement_type = 'out' AND NEW.quantity_change < 0)
       OR (NEW.movement_type = 'adjustment' AND NEW.quantity_change <> 0)
       OR (NEW.movement_type = 'revaluation' AND NEW.quantity_change = 0
           AND NEW.value_change IS NOT NULL AND NEW.valued_by = 'revaluation'))
BEGIN
    SELECT RAISE(ABORT, 'movement_type must be in (more stock), out (less), adjustment, or revaluation (value only)');
END;

DROP TRIGGER stock_movement_reason_known;
CREATE TRIGGER stock_movement_reason_known BEFORE INSERT ON stock_movement
WHEN NEW.reason NOT IN ('purchase', 'order_usage', 'waste', 'theft', 'correction', 'transfer',
                        'initial', 'spoilage', 'staff_meal', 'miscount', 'receiving_error',
                        'stocktake', 'price_correction', 'standard_cost', 'opening_value')
  OR ((NEW.movement_type = 'revaluation')
      <> (NEW.reason IN ('price_correction', 'standard_cost', 'opening_value')))
BEGIN
    SELECT RAISE(ABORT, 'unknown movement reason (a revaluation has its own reasons)');
END;

-- The value chain ----------------------------------------------------------------------

-- The previous movement of the same item (its value and balance), read once
-- for all the checks of one insert.
CREATE TRIGGER stock_movement_continues_value AFTER INSERT ON stock_movement
BEGIN
    SELECT CASE
        WHEN NEW.value_change IS NOT NULL
         AND NEW.value_after IS NOT COALESCE(previous.value_after, 0) + NEW.value_change
        THEN RAISE(ABORT, 'value_after must equal the previous value plus value_change')
        WHEN NEW.value_change IS NULL AND NEW.value_after IS NOT NULL
         AND NOT (NEW.balance_after = 0 AND NEW.value_after = 0)
        THEN RAISE(ABORT, 'a movement of unknown value leaves the stock value unknown')
        WHEN NEW.value_change IS NULL
         AND (previous.value_after IS NOT NULL OR COALESCE(previous.balance_after, 0) = 0)
         AND NOT (COALESCE(previous.balance_after, 0) = 0 AND NEW.quantity_change > 0)
        THEN RAISE(ABORT, 'stock of known value stays valued: value this movement')
        WHEN (NEW.value_change IS NULL) <> (NEW.valued_by IS NULL)
        THEN RAISE(ABORT, 'a value needs how it was set (valued_by), and only a value has one')
        WHEN NEW.value_change IS NOT NULL AND NEW.valued_by <> 'revaluation'
         AND previous.value_after IS NULL AND COALESCE(previous.balance_after, 0) > 0
        THEN RAISE(ABORT, 'stock of unknown value must be valued by a revaluation first')
        WHEN NEW.balance_after = 0 AND NEW.value_after <> 0
        THEN RAISE(ABORT, 'no stock left is worth nothing: the last unit out takes what is left')
        WHEN NEW.valued_by = 'invoice'
         AND NOT (NEW.quantity_change > 0 AND NEW.value_change >= 0
                  AND NEW.unit_cost IS (2 * NEW.value_change * 10000 + NEW.quantity_change)
                                       / (2 * NEW.quantity_change))
        THEN RAISE(ABORT, 'an invoice values stock coming in, at zero or more, and its unit_cost is the total over the quantity, rounded')
        WHEN NEW.valued_by = 'assumed' AND COALESCE(previous.balance_after, 0) <> 0
        THEN RAISE(ABORT, 'only stock coming into an empty item is valued at an assumed cost')
        WHEN NEW.unit_cost IS NOT NULL AND NEW.valued_by NOT IN ('invoice', 'unit_cost', 'assumed')
        THEN RAISE(ABORT, 'only a movement valued at a cost records a unit_cost')
        WHEN NEW.valued_by IN ('unit_cost', 'assumed')
         AND NOT (NEW.quantity_change > 0 AND NEW.unit_cost IS NOT NULL
                  AND NEW.unit_cost <= 4611686018427387903 / NEW.quantity_change
                  AND NEW.value_change = (2 * NEW.quantity_change * NEW.unit_cost + 10000) / 20000)
        THEN RAISE(ABORT, 'value_change must be quantity times unit_cost, rounded')
        WHEN NEW.valued_by = 'average' AND NEW.balance_after > 0
         AND COALESCE(previous.balance_after, 0) > 0 AND previous.value_after IS NOT NULL
         AND previous.value_after <= 4611686018427387903 / abs(NEW.quantity_change)
         AND NEW.value_change IS NOT
             (CASE WHEN NEW.quantity_change < 0 THEN -1 ELSE 1 END)
             * ((2 * abs(NEW.quantity_change) * previous.value_after + previous.balance_after)
                / (2 * previous.balance_after))
        THEN RAISE(ABORT, 'value_change must be the quantity at the average cost, rounded')
        WHEN NEW.valued_by = 'average' AND COALESCE(previous.balance_after, 0) = 0
        THEN RAISE(ABORT, 'an empty item has no average cost')
        WHEN NEW.valued_by = 'revaluation' AND NEW.quantity_change <> 0
        THEN RAISE(ABORT, 'a revaluation changes the value only')
        WHEN NEW.valued_by = 'reversal' AND NEW.reference_type IS NOT 'reversal'
        THEN RAISE(ABORT, 'only a reversal is valued as one')
    END
    FROM (SELECT 1) LEFT JOIN (
        SELECT value_after, balance_after FROM stock_movement
         WHERE stock_item_id = NEW.stock_item_id AND id < NEW.id
         ORDER BY id DESC LIMIT 1) AS previous;
END;

-- A reversal undoes the value of the movement it reverses, exactly; one that
-- empties the item takes what value is left, as any last unit out does.
CREATE TRIGGER stock_movement_reversal_value AFTER INSERT ON stock_movement
WHEN NEW.reference_type = 'reversal' AND NEW.balance_after <> 0
BEGIN
    SELECT RAISE(ABORT, 'a reversal undoes exactly the value of the movement it reverses')
    WHERE EXISTS (SELECT 1 FROM stock_movement AS original
                  WHERE original.id = CAST(NEW.reference_id AS INTEGER)
                    AND original.value_change IS NOT NULL
                    AND (NEW.valued_by IS NOT 'reversal'
                         OR NEW.value_change IS NOT -original.value_change));
END;

DROP TRIGGER stock_movement_continues_balance;
CREATE TRIGGER stock_movement_continues_balance AFTER INSERT ON stock_movement
BEGIN
    SELECT RAISE(ABORT, 'stock movement refers to an item that does not exist')
    WHERE NOT EXISTS (SELECT 1 FROM stock_item WHERE id = NEW.stock_item_id);

    SELECT RAISE(ABORT, 'stock movements must be appended after the item''s latest movement')
    WHERE EXISTS (SELECT 1 FROM stock_movement
                  WHERE stock_item_id = NEW.stock_item_id AND id > NEW.id);

    SELECT RAISE(ABORT, 'balance_after must equal the previous balance plus quantity_change')
    WHERE NEW.balance_after IS NOT
          COALESCE((SELECT balance_after FROM stock_movement
                    WHERE stock_item_id = NEW.stock_item_id AND id < NEW.id
                    ORDER BY id DESC LIMIT 1), 0) + NEW.quantity_change;

    UPDATE stock_item
       SET current_quantity = NEW.balance_after,
           current_value = NEW.value_after,
           low_stock_alert_sent = (low_stock_threshold IS NOT NULL
                                   AND NEW.balance_after <= low_stock_threshold),
           updated_at = NEW.created_at
     WHERE id = NEW.stock_item_id;
END;

-- The item's value can only be its latest movement's value after.
CREATE TRIGGER stock_item_value_follows_ledger BEFORE UPDATE OF current_value ON stock_item
WHEN NEW.current_value IS NOT
     (SELECT value_after FROM stock_movement
       WHERE stock_item_id = OLD.id ORDER BY id DESC LIMIT 1)
BEGIN
    SELECT RAISE(ABORT, 'current_value must equal the value after the item''s latest movement');
END;

CREATE TRIGGER stock_item_starts_without_value BEFORE INSERT ON stock_item
WHEN NEW.current_value IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a new item has no value until stock arrives');
END;

DROP TRIGGER stock_movement_audit_insert;
CREATE TRIGGER stock_movement_audit_insert AFTER INSERT ON stock_movement
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'stock_movement', NEW.id, 'insert',
        json_object('stock_item_id', json_array(NULL, NEW.stock_item_id),
                    'quantity_change', json_array(NULL, NEW.quantity_change),
                    'movement_type', json_array(NULL, NEW.movement_type),
                    'reason', json_array(NULL, NEW.reason),
                    'balance_after', json_array(NULL, NEW.balance_after),
                    'value_change', json_array(NULL, NEW.value_change),
                    'value_after', json_array(NULL, NEW.value_after),
                    'unit_cost', json_array(NULL, NEW.unit_cost),
                    'created_by', json_array(NULL, NEW.created_by)),
        actor
    FROM current_actor;
END;

-- Item history and audit, with the new columns --------------------------------------------

DROP TRIGGER stock_item_history_insert;
DROP TRIGGER stock_item_history_update;
DROP TRIGGER stock_item_history_delete;
DROP TRIGGER stock_item_audit_insert;
DROP TRIGGER stock_item_audit_update;
DROP TRIGGER stock_item_audit_delete;

CREATE TRIGGER stock_item_history_insert AFTER INSERT ON stock_item
BEGIN
    INSERT INTO stock_item_history (history_type, history_by, id, name, sku, unit,
        current_quantity, low_stock_threshold, low_stock_alert_sent, is_active,
        created_at, updated_at, pack_size, pack_name, current_value, standard_cost,
        par_level, supplier_id)
    SELECT 'insert', actor, NEW.id, NEW.name, NEW.sku, NEW.unit, NEW.current_quantity,
        NEW.low_stock_threshold, NEW.low_stock_alert_sent, NEW.is_active,
        NEW.created_at, NEW.updated_at, NEW.pack_size, NEW.pack_name, NEW.current_value,
        NEW.standard_cost, NEW.par_level, NEW.supplier_id
    FROM current_actor;
END;

CREATE TRIGGER stock_item_history_update AFTER UPDATE ON stock_item
BEGIN
    INSERT INTO stock_item_history (history_type, history_by, id, name, sku, unit,
        current_quantity, low_stock_threshold, low_stock_alert_sent, is_active,
        created_at, updated_at, pack_size, pack_name, current_value, standard_cost,
        par_level, supplier_id)
    SELECT 'update', actor, NEW.id, NEW.name, NEW.sku, NEW.unit, NEW.current_quantity,
        NEW.low_stock_threshold, NEW.low_stock_alert_sent, NEW.is_active,
        NEW.created_at, NEW.updated_at, NEW.pack_size, NEW.pack_name, NEW.current_value,
        NEW.standard_cost, NEW.par_level, NEW.supplier_id
    FROM current_actor;
END;

CREATE TRIGGER stock_item_history_delete AFTER DELETE ON stock_item
BEGIN
    INSERT INTO stock_item_history (history_type, history_by, id, name, sku, unit,
        current_quantity, low_stock_threshold, low_stock_alert_sent, is_active,
        created_at, updated_at, pack_size, pack_name, current_value, standard_cost,
        par_level, supplier_id)
    SELECT 'delete', actor, OLD.id, OLD.name, OLD.sku, OLD.unit, OLD.current_quantity,
        OLD.low_stock_threshold, OLD.low_stock_alert_sent, OLD.is_active,
        OLD.created_at, OLD.updated_at, OLD.pack_size, OLD.pack_name, OLD.current_value,
        OLD.standard_cost, OLD.par_level, OLD.supplier_id
    FROM current_actor;
END;

CREATE TRIGGER stock_item_audit_insert AFTER INSERT ON stock_item
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'stock_item', NEW.id, 'insert',
        json_object('name', json_array(NULL, NEW.name),
                    'sku', json_array(NULL, NEW.sku),
                    'unit', json_array(NULL, NEW.unit),
                    'current_quantity', json_array(NULL, NEW.current_quantity),
                    'low_stock_threshold', json_array(NULL, NEW.low_stock_threshold),
                    'low_stock_alert_sent', json_array(NULL, NEW.low_stock_alert_sent),
                    'is_active', json_array(NULL, NEW.is_active),
                    'pack_size', json_array(NULL, NEW.pack_size),
                    'pack_name', json_array(NULL, NEW.pack_name),
                    'standard_cost', json_array(NULL, NEW.standard_cost),
                    'par_level', json_array(NULL, NEW.par_level),
                    'supplier_id', json_array(NULL, NEW.supplier_id)),
        actor
    FROM current_actor;
END;

CREATE TRIGGER stock_item_audit_update AFTER UPDATE ON stock_item
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'stock_item', NEW.id, 'update',
        (SELECT json_group_object(col, json_array(old, new)) FROM (
            SELECT 'name' AS col, OLD.name AS old, NEW.name AS new
             WHERE OLD.name IS NOT NEW.name
            UNION ALL SELECT 'sku', OLD.sku, NEW.sku
             WHERE OLD.sku IS NOT NEW.sku
            UNION ALL SELECT 'unit', OLD.unit, NEW.unit
             WHERE OLD.unit IS NOT NEW.unit
            UNION ALL SELECT 'current_quantity', OLD.current_quantity, NEW.current_quantity
             WHERE OLD.current_quantity IS NOT NEW.current_quantity
            UNION ALL SELECT 'low_stock_threshold', OLD.low_stock_threshold, NEW.low_stock_threshold
             WHERE OLD.low_stock_threshold IS NOT NEW.low_stock_threshold
            UNION ALL SELECT 'low_stock_alert_sent', OLD.low_stock_alert_sent, NEW.low_stock_alert_sent
             WHERE OLD.low_stock_alert_sent IS NOT NEW.low_stock_alert_sent
            UNION ALL SELECT 'is_active', OLD.is_active, NEW.is_active
             WHERE OLD.is_active IS NOT NEW.is_active
            UNION ALL SELECT 'created_at', OLD.created_at, NEW.created_at
             WHERE OLD.created_at IS NOT NEW.created_at
            UNION ALL SELECT 'updated_at', OLD.updated_at, NEW.updated_at
             WHERE OLD.updated_at IS NOT NEW.updated_at
            UNION ALL SELECT 'op_key', OLD.op_key, NEW.op_key
             WHERE OLD.op_key IS NOT NEW.op_key
            UNION ALL SELECT 'pack_size', OLD.pack_size, NEW.pack_size
             WHERE OLD.pack_size IS NOT NEW.pack_size
            UNION ALL SELECT 'pack_name', OLD.pack_name, NEW.pack_name
             WHERE OLD.pack_name IS NOT NEW.pack_name
            UNION ALL SELECT 'current_value', OLD.current_value, NEW.current_value
             WHERE OLD.current_value IS NOT NEW.current_value
            UNION ALL SELECT 'standard_cost', OLD.standard_cost, NEW.standard_cost
             WHERE OLD.standard_cost IS NOT NEW.standard_cost
            UNION ALL SELECT 'par_level', OLD.par_level, NEW.par_level
             WHERE OLD.par_level IS NOT NEW.par_level
            UNION ALL SELECT 'supplier_id', OLD.supplier_id, NEW.supplier_id
             WHERE OLD.supplier_id IS NOT NEW.supplier_id)),
        actor
    FROM current_actor;
END;

CREATE TRIGGER stock_item_audit_delete AFTER DELETE ON stock_item
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'stock_item', OLD.id, 'delete',
        json_object('name', json_array(OLD.name, NULL),
                    'sku', json_array(OLD.sku, NULL),
                    'unit', json_array(OLD.unit, NULL),
                    'current_quantity', json_array(OLD.current_quantity, NULL),
                    'low_stock_threshold', json_array(OLD.low_stock_threshold, NULL),
                    'is_active', json_array(OLD.is_active, NULL),
                    'pack_size', json_array(OLD.pack_size, NULL),
                    'pack_name', json_array(OLD.pack_name, NULL),
                    'standard_cost', json_array(OLD.standard_cost, NULL),
                    'par_level', json_array(OLD.par_level, NULL),
                    'supplier_id', json_array(OLD.supplier_id, NULL)),
        actor
    FROM current_actor;
END;

-- Suppliers and settings: changes audited, suppliers never deleted -------------------------

CREATE TRIGGER supplier_id_in_range AFTER INSERT ON supplier
WHEN NEW.id NOT BETWEEN 1 AND 4503599627370496
BEGIN
    SELECT RAISE(ABORT, 'ids must be between 1 and 4503599627370496');
END;

CREATE TRIGGER supplier_kept BEFORE DELETE ON supplier
BEGIN
    SELECT RAISE(ABORT, 'a supplier is never deleted (receipts name it); archive it instead');
END;

CREATE TRIGGER supplier_audit_insert AFTER INSERT ON supplier
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'supplier', NEW.id, 'insert', json_object('name', json_array(NULL, NEW.name)), actor
    FROM current_actor;
END;

CREATE TRIGGER supplier_audit_update AFTER UPDATE ON supplier
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'supplier', NEW.id, 'update',
        json_object('name', json_array(OLD.name, NEW.name),
                    'is_active', json_array(OLD.is_active, NEW.is_active)), actor
    FROM current_actor;
END;

CREATE TRIGGER setting_audit_insert AFTER INSERT ON setting
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'setting', NEW.id, 'insert', json_object(NEW.key, json_array(NULL, NEW.value)), actor
    FROM current_actor;
END;

CREATE TRIGGER setting_audit_update AFTER UPDATE ON setting
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'setting', NEW.id, 'update', json_object(NEW.key, json_array(OLD.value, NEW.value)),
        actor
    FROM current_actor;
END;

CREATE TRIGGER setting_kept BEFORE DELETE ON setting
BEGIN
    SELECT RAISE(ABORT, 'a setting is changed, not deleted');
END;
