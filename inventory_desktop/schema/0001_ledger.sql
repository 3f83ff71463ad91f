-- The stock ledger: items, their movements, and the history and audit trails.
--
-- Quantities are stored as INTEGER counts of ten-thousandths (1.5 kg is 15000),
-- so every sum in a trigger or in `verify` is exact integer arithmetic.
-- Timestamps are UTC ISO-8601 text with milliseconds, which sorts as time does.
--
-- The triggers below are the guarantee, for every connection and every tool:
-- a movement must continue its item's running balance, the item's quantity is
-- only ever the latest balance, and the ledger, history and audit are
-- append-only. Guards use RAISE(ABORT) so the caller's transaction survives
-- and reports the real error.

CREATE TABLE stock_item (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL
                         CHECK (length(trim(name)) > 0 AND length(name) <= 200),
    sku                  TEXT
                         CHECK (sku IS NULL OR (sku <> '' AND sku = trim(sku) AND length(sku) <= 50)),
    unit                 TEXT    NOT NULL
                         CHECK (unit IN ('kg', 'g', 'L', 'mL', 'piece', 'portion', 'other')),
    current_quantity     INTEGER NOT NULL DEFAULT 0
                         CHECK (typeof(current_quantity) = 'integer'
                                AND current_quantity BETWEEN 0 AND 9999999999),
    low_stock_threshold  INTEGER
                         CHECK (low_stock_threshold IS NULL
                                OR (typeof(low_stock_threshold) = 'integer'
                                    AND low_stock_threshold BETWEEN 0 AND 9999999999)),
    low_stock_alert_sent INTEGER NOT NULL DEFAULT 0 CHECK (low_stock_alert_sent IN (0, 1)),
    is_active            INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at           TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at           TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    op_key               TEXT    UNIQUE
);

-- NOCASE folds ASCII letters only, which is what SKUs are made of.
CREATE UNIQUE INDEX stock_item_sku_unique ON stock_item (sku COLLATE NOCASE)
    WHERE sku IS NOT NULL;
CREATE INDEX stock_item_name ON stock_item (name COLLATE NOCASE);

CREATE TABLE stock_movement (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    stock_item_id   INTEGER NOT NULL
                    REFERENCES stock_item (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
    quantity_change INTEGER NOT NULL
                    CHECK (typeof(quantity_change) = 'integer'
                           AND quantity_change <> 0
                           AND quantity_change BETWEEN -9999999999 AND 9999999999),
    movement_type   TEXT    NOT NULL
                    CHECK ((movement_type = 'in' AND quantity_change > 0)
                           OR (movement_type = 'out' AND quantity_change < 0)
                           OR movement_type = 'adjustment'),
    reason          TEXT    NOT NULL
                    CHECK (reason IN ('purchase', 'order_usage', 'waste', 'theft',
                                      'correction', 'transfer', 'initial')),
    notes           TEXT    NOT NULL DEFAULT '',
    reference_type  TEXT,
    reference_id    TEXT,
    balance_after   INTEGER NOT NULL
                    CHECK (typeof(balance_after) = 'integer'
                           AND balance_after BETWEEN 0 AND 9999999999),
    created_by      TEXT    NOT NULL DEFAULT 'unknown',
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    op_key          TEXT    UNIQUE,
    CHECK ((reference_type IS NULL) = (reference_id IS NULL))
);

CREATE INDEX stock_movement_item_newest ON stock_movement (stock_item_id, id);
CREATE INDEX stock_movement_created ON stock_movement (created_at, id);
-- A movement can be reversed once: the second reversal collides here.
CREATE UNIQUE INDEX stock_movement_reversed_once ON stock_movement (reference_id)
    WHERE reference_type = 'reversal';

CREATE TABLE stock_item_history (
    history_id           INTEGER PRIMARY KEY AUTOINCREMENT,
    history_type         TEXT NOT NULL CHECK (history_type IN ('insert', 'update', 'delete')),
    history_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    history_by           TEXT NOT NULL,
    id                   INTEGER NOT NULL,
    name                 TEXT,
    sku                  TEXT,
    unit                 TEXT,
    current_quantity     INTEGER,
    low_stock_threshold  INTEGER,
    low_stock_alert_sent INTEGER,
    is_active            INTEGER,
    created_at           TEXT,
    updated_at           TEXT
);

CREATE INDEX stock_item_history_item ON stock_item_history (id, history_id);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    table_name TEXT NOT NULL,
    row_id     INTEGER NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    changes    TEXT NOT NULL,  -- JSON object: column -> [old, new]
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX audit_log_row ON audit_log (table_name, row_id, id);

-- Who is acting. This program writes the single row at the start of each of
-- its write transactions and deletes it before committing; since writes are
-- serialised, a row is only ever visible to the transaction that wrote it.
-- Another tool's edit finds no row and is recorded with the actor 'unknown'
-- (a SQL function defined only on our connections would make it fail instead).
CREATE TABLE write_context (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    actor TEXT NOT NULL
);

CREATE VIEW current_actor AS
    SELECT COALESCE((SELECT actor FROM write_context WHERE id = 1), 'unknown') AS actor;

-- Ledger guards ------------------------------------------------------------

CREATE TRIGGER stock_movement_append_only_update BEFORE UPDATE ON stock_movement
BEGIN
    SELECT RAISE(ABORT, 'stock_movement is append-only: record a reversal instead');
END;

CREATE TRIGGER stock_movement_append_only_delete BEFORE DELETE ON stock_movement
BEGIN
    SELECT RAISE(ABORT, 'stock_movement is append-only: record a reversal instead');
END;

CREATE TRIGGER stock_item_history_append_only_update BEFORE UPDATE ON stock_item_history
BEGIN
    SELECT RAISE(ABORT, 'stock_item_history is append-only');
END;

CREATE TRIGGER stock_item_history_append_only_delete BEFORE DELETE ON stock_item_history
BEGIN
    SELECT RAISE(ABORT, 'stock_item_history is append-only');
END;

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- A movement must continue its item's running balance, in id order, and then
-- becomes the item's quantity. Checking after the insert lets the checks see
-- the id SQLite assigned.
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
           low_stock_alert_sent = (low_stock_threshold IS NOT NULL
                                   AND NEW.balance_after <= low_stock_threshold),
           updated_at = NEW.created_at
     WHERE id = NEW.stock_item_id;
END;

-- A reversal must undo exactly the movement it names, on the same item.
CREATE TRIGGER stock_movement_reversal_matches AFTER INSERT ON stock_movement
WHEN NEW.reference_type = 'reversal'
BEGIN
    SELECT RAISE(ABORT, 'a reversal must undo exactly one earlier movement of the same item')
    WHERE NOT EXISTS (SELECT 1 FROM stock_movement AS original
                      WHERE original.id = CAST(NEW.reference_id AS INTEGER)
                        AND CAST(original.id AS TEXT) = NEW.reference_id
                        AND original.id < NEW.id
                        AND original.stock_item_id = NEW.stock_item_id
                        AND original.quantity_change = -NEW.quantity_change);
END;

-- An item is born empty: stock arrives only as movements.
CREATE TRIGGER stock_item_starts_empty BEFORE INSERT ON stock_item
WHEN NEW.current_quantity IS NOT 0
BEGIN
    SELECT RAISE(ABORT, 'a new item starts at quantity 0; record stock as a movement');
END;

CREATE TRIGGER stock_item_quantity_follows_ledger BEFORE UPDATE OF current_quantity ON stock_item
WHEN NEW.current_quantity IS NOT
     COALESCE((SELECT balance_after FROM stock_movement
               WHERE stock_item_id = OLD.id ORDER BY id DESC LIMIT 1), 0)
BEGIN
    SELECT RAISE(ABORT, 'current_quantity must equal the balance after the item''s latest movement');
END;

CREATE TRIGGER stock_item_id_fixed BEFORE UPDATE OF id ON stock_item
WHEN NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'an item''s id cannot change');
END;

CREATE TRIGGER stock_item_keeps_movements BEFORE DELETE ON stock_item
WHEN EXISTS (SELECT 1 FROM stock_movement WHERE stock_item_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'an item with movements cannot be deleted; archive it instead');
END;

-- History: one full snapshot per change of stock_item -----------------------

CREATE TRIGGER stock_item_history_insert AFTER INSERT ON stock_item
BEGIN
    INSERT INTO stock_item_history (history_type, history_by, id, name, sku, unit,
        current_quantity, low_stock_threshold, low_stock_alert_sent, is_active,
        created_at, updated_at)
    SELECT 'insert', actor, NEW.id, NEW.name, NEW.sku, NEW.unit, NEW.current_quantity,
        NEW.low_stock_threshold, NEW.low_stock_alert_sent, NEW.is_active,
        NEW.created_at, NEW.updated_at
    FROM current_actor;
END;

CREATE TRIGGER stock_item_history_update AFTER UPDATE ON stock_item
BEGIN
    INSERT INTO stock_item_history (history_type, history_by, id, name, sku, unit,
        current_quantity, low_stock_threshold, low_stock_alert_sent, is_active,
        created_at, updated_at)
    SELECT 'update', actor, NEW.id, NEW.name, NEW.sku, NEW.unit, NEW.current_quantity,
        NEW.low_stock_threshold, NEW.low_stock_alert_sent, NEW.is_active,
        NEW.created_at, NEW.updated_at
    FROM current_actor;
END;

CREATE TRIGGER stock_item_history_delete AFTER DELETE ON stock_item
BEGIN
    INSERT INTO stock_item_history (history_type, history_by, id, name, sku, unit,
        current_quantity, low_stock_threshold, low_stock_alert_sent, is_active,
        created_at, updated_at)
    SELECT 'delete', actor, OLD.id, OLD.name, OLD.sku, OLD.unit, OLD.current_quantity,
        OLD.low_stock_threshold, OLD.low_stock_alert_sent, OLD.is_active,
        OLD.created_at, OLD.updated_at
    FROM current_actor;
END;

-- Audit: what changed, old -> new, and who did it ---------------------------

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
                    'is_active', json_array(NULL, NEW.is_active)),
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
             WHERE OLD.op_key IS NOT NEW.op_key)),
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
                    'is_active', json_array(OLD.is_active, NULL)),
        actor
    FROM current_actor;
END;

CREATE TRIGGER stock_movement_audit_insert AFTER INSERT ON stock_movement
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'stock_movement', NEW.id, 'insert',
        json_object('stock_item_id', json_array(NULL, NEW.stock_item_id),
                    'quantity_change', json_array(NULL, NEW.quantity_change),
                    'movement_type', json_array(NULL, NEW.movement_type),
                    'reason', json_array(NULL, NEW.reason),
                    'balance_after', json_array(NULL, NEW.balance_after),
                    'created_by', json_array(NULL, NEW.created_by)),
        actor
    FROM current_actor;
END;

-- No silent replacement -----------------------------------------------------
--
-- INSERT OR REPLACE and UPDATE OR REPLACE settle a uniqueness conflict by
-- deleting the row in the way, and run no DELETE trigger while doing it
-- (unless the connection turned recursive_triggers on). Without these guards
-- any tool could rewrite a movement, an audit or history row, or remove an
-- item with movements, past every append-only trigger. Each guard refuses the
-- write that would collide before SQLite resolves the conflict; each lookup
-- uses an index, so an ordinary insert stays cheap.

CREATE TRIGGER stock_movement_no_replace BEFORE INSERT ON stock_movement
BEGIN
    SELECT RAISE(ABORT, 'stock_movement is append-only: a movement cannot be replaced')
    WHERE EXISTS (SELECT 1 FROM stock_movement WHERE id = NEW.id)
       OR EXISTS (SELECT 1 FROM stock_movement WHERE op_key = NEW.op_key)
       OR EXISTS (SELECT 1 FROM stock_movement
                  WHERE reference_type = 'reversal' AND reference_id = NEW.reference_id
                    AND NEW.reference_type = 'reversal');
END;

CREATE TRIGGER stock_item_history_no_replace BEFORE INSERT ON stock_item_history
WHEN EXISTS (SELECT 1 FROM stock_item_history WHERE history_id = NEW.history_id)
BEGIN
    SELECT RAISE(ABORT, 'stock_item_history is append-only');
END;

CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER stock_item_no_replace BEFORE INSERT ON stock_item
BEGIN
    SELECT RAISE(ABORT, 'an item with this id, SKU or operation key already exists')
    WHERE EXISTS (SELECT 1 FROM stock_item WHERE id = NEW.id)
       OR EXISTS (SELECT 1 FROM stock_item WHERE sku = NEW.sku COLLATE NOCASE)
       OR EXISTS (SELECT 1 FROM stock_item WHERE op_key = NEW.op_key);
END;

CREATE TRIGGER stock_item_no_replace_on_update BEFORE UPDATE OF sku, op_key ON stock_item
BEGIN
    SELECT RAISE(ABORT, 'another item already has this SKU or operation key')
    WHERE EXISTS (SELECT 1 FROM stock_item
                  WHERE sku = NEW.sku COLLATE NOCASE AND id <> OLD.id)
       OR EXISTS (SELECT 1 FROM stock_item WHERE op_key = NEW.op_key AND id <> OLD.id);
END;
