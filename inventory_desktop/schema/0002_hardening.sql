-- Schema 2: ids never reused, rules that lived only in Python moved into the
-- file, time that agrees with ledger order, and the tables that seal every
-- write against tampering.
--
-- stock_item is rebuilt with AUTOINCREMENT (SQLite cannot add it in place), and
-- a rebuild drops the table's triggers; so this file drops every trigger and
-- view and creates the complete rule set again. Read it as the rules of
-- schema 2; 0001_ledger.sql shows where they started.
--
-- The migration runner turns foreign keys off around this file (a table
-- rebuild needs that) and checks them again before it commits.

DROP VIEW current_actor;
DROP TRIGGER stock_movement_append_only_update;
DROP TRIGGER stock_movement_append_only_delete;
DROP TRIGGER stock_item_history_append_only_update;
DROP TRIGGER stock_item_history_append_only_delete;
DROP TRIGGER audit_log_append_only_update;
DROP TRIGGER audit_log_append_only_delete;
DROP TRIGGER stock_movement_continues_balance;
DROP TRIGGER stock_movement_reversal_matches;
DROP TRIGGER stock_item_starts_empty;
DROP TRIGGER stock_item_quantity_follows_ledger;
DROP TRIGGER stock_item_id_fixed;
DROP TRIGGER stock_item_keeps_movements;
DROP TRIGGER stock_item_history_insert;
DROP TRIGGER stock_item_history_update;
DROP TRIGGER stock_item_history_delete;
DROP TRIGGER stock_item_audit_insert;
DROP TRIGGER stock_item_audit_update;
DROP TRIGGER stock_item_audit_delete;
DROP TRIGGER stock_movement_audit_insert;
DROP TRIGGER stock_movement_no_replace;
DROP TRIGGER stock_item_history_no_replace;
DROP TRIGGER audit_log_no_replace;
DROP TRIGGER stock_item_no_replace;
DROP TRIGGER stock_item_no_replace_on_update;

-- Items: the same columns, now AUTOINCREMENT so that a deleted item's id is
-- never given to another one (its history and audit rows keep that id).
CREATE TABLE stock_item_rebuilt (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
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

INSERT INTO stock_item_rebuilt SELECT * FROM stock_item;
DROP TABLE stock_item;
ALTER TABLE stock_item_rebuilt RENAME TO stock_item;

-- Numbering continues above every id an item ever had, deleted ones included.
INSERT INTO sqlite_sequence (name, seq)
SELECT 'stock_item', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'stock_item');
UPDATE sqlite_sequence
   SET seq = max(seq,
                 COALESCE((SELECT max(id) FROM stock_item), 0),
                 COALESCE((SELECT max(id) FROM stock_item_history), 0),
                 COALESCE((SELECT max(row_id) FROM audit_log WHERE table_name = 'stock_item'), 0))
 WHERE name = 'stock_item';

-- SKUs are compared ignoring case; their character set (below) is ASCII, so
-- this index on the case-folded SKU is the unique normalised key.
CREATE UNIQUE INDEX stock_item_sku_unique ON stock_item (sku COLLATE NOCASE)
    WHERE sku IS NOT NULL;
CREATE INDEX stock_item_name ON stock_item (name COLLATE NOCASE);

-- The file's own identity: copies and backups of it share this id, so the
-- seal anchor kept outside the file can find its file again.
CREATE TABLE data_file (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    file_id    TEXT NOT NULL CHECK (length(file_id) = 32),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO data_file (id, file_id) VALUES (1, lower(hex(randomblob(16))));

-- Seals: at the end of each of its write transactions the program appends one
-- seal, an HMAC (with a key kept outside this file) over the rows that
-- transaction wrote and over the previous seal. Rows no seal covers were
-- written by another tool; a changed or removed sealed row breaks its seal.
-- See seal.py and docs/design.md for what this detects and what it cannot.
CREATE TABLE seal (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    kind      TEXT NOT NULL CHECK (kind IN ('baseline', 'write', 'accepted')),
    key_id    TEXT NOT NULL,
    sealed_by TEXT NOT NULL,
    sealed_at TEXT NOT NULL,
    digest    TEXT NOT NULL
);

-- Which rows a seal covers: one contiguous id range of one table each, with a
-- digest of those rows (one per row for writes, one for a baseline's range).
CREATE TABLE seal_range (
    seq         INTEGER NOT NULL REFERENCES seal (seq),
    table_name  TEXT    NOT NULL,
    first_id    INTEGER NOT NULL,
    last_id     INTEGER NOT NULL CHECK (first_id <= last_id),
    rows_digest TEXT    NOT NULL,
    PRIMARY KEY (seq, table_name, first_id)
) WITHOUT ROWID;

-- "Is this row sealed?" (the audit window asks it for every page it shows).
CREATE UNIQUE INDEX seal_range_rows ON seal_range (table_name, last_id);

CREATE VIEW current_actor AS
    SELECT COALESCE((SELECT actor FROM write_context WHERE id = 1), 'unknown') AS actor;

-- The newest movement's time, when it is a well-formed one (a foreign tool may
-- have left another format behind; verify names such rows).
CREATE VIEW last_movement_at AS
    SELECT created_at FROM stock_movement
     WHERE id = (SELECT max(id) FROM stock_movement)
       AND strftime('%Y-%m-%dT%H:%M:%fZ', julianday(created_at)) IS created_at;

-- Append-only tables -------------------------------------------------------

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

CREATE TRIGGER seal_append_only_update BEFORE UPDATE ON seal
BEGIN
    SELECT RAISE(ABORT, 'seal is append-only');
END;

CREATE TRIGGER seal_append_only_delete BEFORE DELETE ON seal
BEGIN
    SELECT RAISE(ABORT, 'seal is append-only');
END;

CREATE TRIGGER seal_range_append_only_update BEFORE UPDATE ON seal_range
BEGIN
    SELECT RAISE(ABORT, 'seal_range is append-only');
END;

CREATE TRIGGER seal_range_append_only_delete BEFORE DELETE ON seal_range
BEGIN
    SELECT RAISE(ABORT, 'seal_range is append-only');
END;

CREATE TRIGGER data_file_fixed_update BEFORE UPDATE ON data_file
BEGIN
    SELECT RAISE(ABORT, 'the data file''s identity cannot change');
END;

CREATE TRIGGER data_file_fixed_delete BEFORE DELETE ON data_file
BEGIN
    SELECT RAISE(ABORT, 'the data file''s identity cannot change');
END;

CREATE TRIGGER data_file_single BEFORE INSERT ON data_file
WHEN EXISTS (SELECT 1 FROM data_file)
BEGIN
    SELECT RAISE(ABORT, 'the data file''s identity cannot change');
END;

-- Ids stay far from SQLite's limit: one row given a huge id by hand would make
-- every later insert fail as if the disk were full.
CREATE TRIGGER stock_item_id_in_range AFTER INSERT ON stock_item
WHEN NEW.id NOT BETWEEN 1 AND 4503599627370496
BEGIN
    SELECT RAISE(ABORT, 'ids must be between 1 and 4503599627370496');
END;

CREATE TRIGGER stock_movement_id_in_range AFTER INSERT ON stock_movement
WHEN NEW.id NOT BETWEEN 1 AND 4503599627370496
BEGIN
    SELECT RAISE(ABORT, 'ids must be between 1 and 4503599627370496');
END;

CREATE TRIGGER stock_item_history_id_in_range AFTER INSERT ON stock_item_history
WHEN NEW.history_id NOT BETWEEN 1 AND 4503599627370496
BEGIN
    SELECT RAISE(ABORT, 'ids must be between 1 and 4503599627370496');
END;

CREATE TRIGGER audit_log_id_in_range AFTER INSERT ON audit_log
WHEN NEW.id NOT BETWEEN 1 AND 4503599627370496
BEGIN
    SELECT RAISE(ABORT, 'ids must be between 1 and 4503599627370496');
END;

-- Ledger guards ------------------------------------------------------------

-- Time agrees with ledger order: "quantity at a moment" (the newest movement
-- at or before it) and "movements until a moment" then read the same prefix.
-- The program dates a movement max(now, the newest movement's time).
CREATE TRIGGER stock_movement_time_in_order BEFORE INSERT ON stock_movement
BEGIN
    SELECT RAISE(ABORT, 'created_at must be a UTC time written YYYY-MM-DDTHH:MM:SS.SSSZ')
    WHERE strftime('%Y-%m-%dT%H:%M:%fZ', julianday(NEW.created_at)) IS NOT NEW.created_at;

    SELECT RAISE(ABORT, 'a movement cannot be dated before the movement recorded ahead of it')
    WHERE NEW.created_at < (SELECT created_at FROM last_movement_at);
END;

-- Stock moves only on items in use: restore an archived item first.
CREATE TRIGGER stock_movement_item_active BEFORE INSERT ON stock_movement
WHEN (SELECT is_active FROM stock_item WHERE id = NEW.stock_item_id) = 0
BEGIN
    SELECT RAISE(ABORT, 'the item is archived; restore it before recording stock');
END;

-- One namespace for operation keys: a key names one operation, whatever it created.
CREATE TRIGGER stock_movement_op_key_unused BEFORE INSERT ON stock_movement
WHEN NEW.op_key IS NOT NULL AND EXISTS (SELECT 1 FROM stock_item WHERE op_key = NEW.op_key)
BEGIN
    SELECT RAISE(ABORT, 'this operation key was already used to create an item');
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

-- Items -----------------------------------------------------------------------

-- An item is born empty: stock arrives only as movements.
CREATE TRIGGER stock_item_starts_empty BEFORE INSERT ON stock_item
WHEN NEW.current_quantity IS NOT 0
BEGIN
    SELECT RAISE(ABORT, 'a new item starts at quantity 0; record stock as a movement');
END;

-- SKUs use a small ASCII set, so that case-folding is the whole of comparing
-- them: no accented, full-width, look-alike or invisible characters, and
-- never only digits (bare digits name an item by its id).
CREATE TRIGGER stock_item_sku_characters BEFORE INSERT ON stock_item
WHEN NEW.sku GLOB '*[^-A-Za-z0-9 ._/]*' OR NEW.sku NOT GLOB '*[^0-9]*'
BEGIN
    SELECT RAISE(ABORT, 'a SKU may use only A-Z, a-z, 0-9, space and . _ / - and not only digits');
END;

CREATE TRIGGER stock_item_sku_characters_on_update BEFORE UPDATE OF sku ON stock_item
WHEN NEW.sku IS NOT OLD.sku
 AND (NEW.sku GLOB '*[^-A-Za-z0-9 ._/]*' OR NEW.sku NOT GLOB '*[^0-9]*')
BEGIN
    SELECT RAISE(ABORT, 'a SKU may use only A-Z, a-z, 0-9, space and . _ / - and not only digits');
END;

CREATE TRIGGER stock_item_times_well_formed BEFORE INSERT ON stock_item
WHEN strftime('%Y-%m-%dT%H:%M:%fZ', julianday(NEW.created_at)) IS NOT NEW.created_at
  OR strftime('%Y-%m-%dT%H:%M:%fZ', julianday(NEW.updated_at)) IS NOT NEW.updated_at
BEGIN
    SELECT RAISE(ABORT, 'times must be UTC, written YYYY-MM-DDTHH:MM:SS.SSSZ');
END;

CREATE TRIGGER stock_item_times_well_formed_on_update BEFORE UPDATE OF updated_at ON stock_item
WHEN strftime('%Y-%m-%dT%H:%M:%fZ', julianday(NEW.updated_at)) IS NOT NEW.updated_at
BEGIN
    SELECT RAISE(ABORT, 'times must be UTC, written YYYY-MM-DDTHH:MM:SS.SSSZ');
END;

CREATE TRIGGER stock_item_created_at_fixed BEFORE UPDATE OF created_at ON stock_item
WHEN NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'an item''s creation time cannot change');
END;

CREATE TRIGGER stock_item_op_key_unused BEFORE INSERT ON stock_item
WHEN NEW.op_key IS NOT NULL AND EXISTS (SELECT 1 FROM stock_movement WHERE op_key = NEW.op_key)
BEGIN
    SELECT RAISE(ABORT, 'this operation key was already used for a movement');
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

-- Quantities already recorded are in the item's unit: changing it would
-- silently turn 5 kg into 5 g.
CREATE TRIGGER stock_item_unit_fixed_once_used BEFORE UPDATE OF unit ON stock_item
WHEN NEW.unit IS NOT OLD.unit
 AND EXISTS (SELECT 1 FROM stock_movement WHERE stock_item_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'the item has movements in its unit; its unit cannot change');
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
-- (unless the connection turned recursive_triggers on). Each guard refuses the
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

CREATE TRIGGER seal_no_replace BEFORE INSERT ON seal
WHEN EXISTS (SELECT 1 FROM seal WHERE seq = NEW.seq)
BEGIN
    SELECT RAISE(ABORT, 'seal is append-only');
END;

CREATE TRIGGER seal_range_no_replace BEFORE INSERT ON seal_range
WHEN EXISTS (SELECT 1 FROM seal_range
             WHERE seq = NEW.seq AND table_name = NEW.table_name AND first_id = NEW.first_id)
  OR EXISTS (SELECT 1 FROM seal_range
             WHERE table_name = NEW.table_name AND last_id = NEW.last_id)
BEGIN
    SELECT RAISE(ABORT, 'seal_range is append-only');
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
