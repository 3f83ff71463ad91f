-- Schema 3: storage areas, pack sizes and the stocktake.
--
-- A stocktake's variances are posted with the reasons that explain them
-- (spoilage, staff meal, miscount, ...), so stock_movement is rebuilt without
-- its fixed list of reasons and kinds: triggers check those now, and a later
-- schema can change a trigger where it could not change a CHECK in place.
-- legacy_alter_table keeps SQLite from re-reading every trigger and view that
-- names stock_movement while it is briefly gone during the rebuild.

PRAGMA legacy_alter_table = ON;

CREATE TABLE stock_movement_rebuilt (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    stock_item_id   INTEGER NOT NULL
                    REFERENCES stock_item (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
    quantity_change INTEGER NOT NULL
                    CHECK (typeof(quantity_change) = 'integer'
                           AND quantity_change BETWEEN -9999999999 AND 9999999999),
    movement_type   TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
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

INSERT INTO stock_movement_rebuilt SELECT * FROM stock_movement;
UPDATE sqlite_sequence
   SET seq = max(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'stock_movement'), 0))
 WHERE name = 'stock_movement_rebuilt';
DROP TABLE stock_movement;
ALTER TABLE stock_movement_rebuilt RENAME TO stock_movement;

PRAGMA legacy_alter_table = OFF;

CREATE INDEX stock_movement_item_newest ON stock_movement (stock_item_id, id);
CREATE INDEX stock_movement_created ON stock_movement (created_at, id);
-- A movement can be reversed once: the second reversal collides here.
CREATE UNIQUE INDEX stock_movement_reversed_once ON stock_movement (reference_id)
    WHERE reference_type = 'reversal';
-- A stocktake's (or a delivery's) movements, found by what they refer to.
CREATE INDEX stock_movement_reference ON stock_movement (reference_type, reference_id)
    WHERE reference_type IS NOT NULL;

-- The newest movement's time, when well-formed: now a pattern rather than a
-- date round trip (the value was checked on its way in; this only has to pass
-- over another format a foreign tool left behind), for it runs twice a movement.
DROP VIEW last_movement_at;
CREATE VIEW last_movement_at AS
    SELECT created_at FROM stock_movement
     WHERE id = (SELECT max(id) FROM stock_movement)
       AND created_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z';

-- The rules the rebuilt table kept in CHECKs before -----------------------------

CREATE TRIGGER stock_movement_kind_matches BEFORE INSERT ON stock_movement
WHEN NOT ((NEW.movement_type = 'in' AND NEW.quantity_change > 0)
       OR (NEW.movement_type = 'out' AND NEW.quantity_change < 0)
       OR (NEW.movement_type = 'adjustment' AND NEW.quantity_change <> 0))
BEGIN
    SELECT RAISE(ABORT, 'movement_type must be in (more stock), out (less) or adjustment, with a non-zero change');
END;

CREATE TRIGGER stock_movement_reason_known BEFORE INSERT ON stock_movement
WHEN NEW.reason NOT IN ('purchase', 'order_usage', 'waste', 'theft', 'correction', 'transfer',
                        'initial', 'spoilage', 'staff_meal', 'miscount', 'receiving_error',
                        'stocktake')
BEGIN
    SELECT RAISE(ABORT, 'unknown movement reason');
END;

-- The rules on stock_movement from schema 2, created again with the table ---------

CREATE TRIGGER stock_movement_append_only_update BEFORE UPDATE ON stock_movement
BEGIN
    SELECT RAISE(ABORT, 'stock_movement is append-only: record a reversal instead');
END;

CREATE TRIGGER stock_movement_append_only_delete BEFORE DELETE ON stock_movement
BEGIN
    SELECT RAISE(ABORT, 'stock_movement is append-only: record a reversal instead');
END;

CREATE TRIGGER stock_movement_id_in_range AFTER INSERT ON stock_movement
WHEN NEW.id NOT BETWEEN 1 AND 4503599627370496
BEGIN
    SELECT RAISE(ABORT, 'ids must be between 1 and 4503599627370496');
END;

CREATE TRIGGER stock_movement_time_in_order BEFORE INSERT ON stock_movement
BEGIN
    SELECT RAISE(ABORT, 'created_at must be a UTC time written YYYY-MM-DDTHH:MM:SS.SSSZ')
    WHERE strftime('%Y-%m-%dT%H:%M:%fZ', julianday(NEW.created_at)) IS NOT NEW.created_at;

    SELECT RAISE(ABORT, 'a movement cannot be dated before the movement recorded ahead of it')
    WHERE NEW.created_at < (SELECT created_at FROM last_movement_at);
END;

CREATE TRIGGER stock_movement_item_active BEFORE INSERT ON stock_movement
WHEN (SELECT is_active FROM stock_item WHERE id = NEW.stock_item_id) = 0
BEGIN
    SELECT RAISE(ABORT, 'the item is archived; restore it before recording stock');
END;

CREATE TRIGGER stock_movement_op_key_unused BEFORE INSERT ON stock_movement
WHEN NEW.op_key IS NOT NULL AND EXISTS (SELECT 1 FROM stock_item WHERE op_key = NEW.op_key)
BEGIN
    SELECT RAISE(ABORT, 'this operation key was already used to create an item');
END;

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

CREATE TRIGGER stock_movement_no_replace BEFORE INSERT ON stock_movement
BEGIN
    SELECT RAISE(ABORT, 'stock_movement is append-only: a movement cannot be replaced')
    WHERE EXISTS (SELECT 1 FROM stock_movement WHERE id = NEW.id)
       OR EXISTS (SELECT 1 FROM stock_movement WHERE op_key = NEW.op_key)
       OR EXISTS (SELECT 1 FROM stock_movement
                  WHERE reference_type = 'reversal' AND reference_id = NEW.reference_id
                    AND NEW.reference_type = 'reversal');
END;

-- Pack sizes ----------------------------------------------------------------------

-- An item may come in packs (a case of 6 x 0.75 L, a 25 kg sack): the pack's
-- content in the item's unit, and what a pack is called. A count is then
-- entered as packs plus loose units.
ALTER TABLE stock_item ADD COLUMN pack_size INTEGER
    CHECK (pack_size IS NULL OR (typeof(pack_size) = 'integer'
                                 AND pack_size BETWEEN 1 AND 9999999999));
ALTER TABLE stock_item ADD COLUMN pack_name TEXT
    CHECK (pack_name IS NULL OR (length(trim(pack_name)) > 0 AND length(pack_name) <= 40));
ALTER TABLE stock_item_history ADD COLUMN pack_size INTEGER;
ALTER TABLE stock_item_history ADD COLUMN pack_name TEXT;

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
        created_at, updated_at, pack_size, pack_name)
    SELECT 'insert', actor, NEW.id, NEW.name, NEW.sku, NEW.unit, NEW.current_quantity,
        NEW.low_stock_threshold, NEW.low_stock_alert_sent, NEW.is_active,
        NEW.created_at, NEW.updated_at, NEW.pack_size, NEW.pack_name
    FROM current_actor;
END;

CREATE TRIGGER stock_item_history_update AFTER UPDATE ON stock_item
BEGIN
    INSERT INTO stock_item_history (history_type, history_by, id, name, sku, unit,
        current_quantity, low_stock_threshold, low_stock_alert_sent, is_active,
        created_at, updated_at, pack_size, pack_name)
    SELECT 'update', actor, NEW.id, NEW.name, NEW.sku, NEW.unit, NEW.current_quantity,
        NEW.low_stock_threshold, NEW.low_stock_alert_sent, NEW.is_active,
        NEW.created_at, NEW.updated_at, NEW.pack_size, NEW.pack_name
    FROM current_actor;
END;

CREATE TRIGGER stock_item_history_delete AFTER DELETE ON stock_item
BEGIN
    INSERT INTO stock_item_history (history_type, history_by, id, name, sku, unit,
        current_quantity, low_stock_threshold, low_stock_alert_sent, is_active,
        created_at, updated_at, pack_size, pack_name)
    SELECT 'delete', actor, OLD.id, OLD.name, OLD.sku, OLD.unit, OLD.current_quantity,
        OLD.low_stock_threshold, OLD.low_stock_alert_sent, OLD.is_active,
        OLD.created_at, OLD.updated_at, OLD.pack_size, OLD.pack_name
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
                    'pack_name', json_array(NULL, NEW.pack_name)),
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
             WHERE OLD.pack_name IS NOT NEW.pack_name)),
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
                    'pack_name', json_array(OLD.pack_name, NULL)),
        actor
    FROM current_actor;
END;

-- Storage areas and where items are kept -------------------------------------------

CREATE TABLE storage_area (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL
               CHECK (length(trim(name)) > 0 AND name = trim(name) AND length(name) <= 100),
    walk_order INTEGER NOT NULL CHECK (typeof(walk_order) = 'integer'),
    is_active  INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE UNIQUE INDEX storage_area_name ON storage_area (name COLLATE NOCASE);

-- An item may be kept in several areas (wine in the bar and the cellar), each
-- with its place in that area's count order.
CREATE TABLE item_location (
    item_id    INTEGER NOT NULL REFERENCES stock_item (id),
    area_id    INTEGER NOT NULL REFERENCES storage_area (id),
    walk_order INTEGER NOT NULL CHECK (typeof(walk_order) = 'integer'),
    PRIMARY KEY (item_id, area_id)
) WITHOUT ROWID;

CREATE INDEX item_location_walk ON item_location (area_id, walk_order);

-- An item deleted (it never had movements) leaves no place behind.
CREATE TRIGGER stock_item_places_go_with_it AFTER DELETE ON stock_item
BEGIN
    DELETE FROM item_location WHERE item_id = OLD.id;
END;

CREATE TRIGGER storage_area_id_in_range AFTER INSERT ON storage_area
WHEN NEW.id NOT BETWEEN 1 AND 4503599627370496
BEGIN
    SELECT RAISE(ABORT, 'ids must be between 1 and 4503599627370496');
END;

CREATE TRIGGER storage_area_kept BEFORE DELETE ON storage_area
BEGIN
    SELECT RAISE(ABORT, 'a storage area is never deleted; archive it instead');
END;

CREATE TRIGGER storage_area_audit_insert AFTER INSERT ON storage_area
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'storage_area', NEW.id, 'insert',
        json_object('name', json_array(NULL, NEW.name),
                    'walk_order', json_array(NULL, NEW.walk_order)),
        actor
    FROM current_actor;
END;

CREATE TRIGGER storage_area_audit_update AFTER UPDATE ON storage_area
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'storage_area', NEW.id, 'update',
        (SELECT json_group_object(col, json_array(old, new)) FROM (
            SELECT 'name' AS col, OLD.name AS old, NEW.name AS new
             WHERE OLD.name IS NOT NEW.name
            UNION ALL SELECT 'walk_order', OLD.walk_order, NEW.walk_order
             WHERE OLD.walk_order IS NOT NEW.walk_order
            UNION ALL SELECT 'is_active', OLD.is_active, NEW.is_active
             WHERE OLD.is_active IS NOT NEW.is_active)),
        actor
    FROM current_actor;
END;

CREATE TRIGGER item_location_audit_insert AFTER INSERT ON item_location
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'item_location', NEW.item_id, 'insert',
        json_object('area_id', json_array(NULL, NEW.area_id),
                    'walk_order', json_array(NULL, NEW.walk_order)),
        actor
    FROM current_actor;
END;

CREATE TRIGGER item_location_audit_update AFTER UPDATE ON item_location
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'item_location', NEW.item_id, 'update',
        json_object('area_id', json_array(OLD.area_id, NEW.area_id),
                    'walk_order', json_array(OLD.walk_order, NEW.walk_order)),
        actor
    FROM current_actor;
END;

CREATE TRIGGER item_location_audit_delete AFTER DELETE ON item_location
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'item_location', OLD.item_id, 'delete',
        json_object('area_id', json_array(OLD.area_id, NULL),
                    'walk_order', json_array(OLD.walk_order, NULL)),
        actor
    FROM current_actor;
END;

-- Stocktakes ------------------------------------------------------------------------

-- A count of every active item, or of the items kept in chosen areas. It is
-- open while counts are entered, then committed (its variances posted, in one
-- transaction) or abandoned; after that nothing in it changes.
CREATE TABLE stocktake (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL
               CHECK (length(trim(name)) > 0 AND name = trim(name) AND length(name) <= 100),
    all_items  INTEGER NOT NULL CHECK (all_items IN (0, 1)),
    blind      INTEGER NOT NULL DEFAULT 0 CHECK (blind IN (0, 1)),
    state      TEXT    NOT NULL DEFAULT 'open'
               CHECK (state IN ('open', 'committed', 'abandoned')),
    uncounted  TEXT    CHECK (uncounted IS NULL OR uncounted IN ('keep', 'zero')),
    started_by TEXT    NOT NULL,
    started_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    closed_by  TEXT,
    closed_at  TEXT,
    op_key     TEXT    UNIQUE,
    CHECK ((state = 'open') = (closed_at IS NULL)),
    CHECK ((state = 'committed') = (uncounted IS NOT NULL))
);

-- The areas a stocktake counts, when it does not count every item.
CREATE TABLE stocktake_area (
    stocktake_id INTEGER NOT NULL REFERENCES stocktake (id),
    area_id      INTEGER NOT NULL REFERENCES storage_area (id),
    PRIMARY KEY (stocktake_id, area_id)
) WITHOUT ROWID;

-- One entered count: append-only. A counter's later line for the same item
-- and area corrects their earlier one; lines of different counters for the
-- same item and area are a conflict until a resolution line settles it.
-- `expected` is the ledger's quantity when the line was saved: the variance
-- is judged at count time, whatever moves before the commit.
CREATE TABLE stocktake_count (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    stocktake_id INTEGER NOT NULL REFERENCES stocktake (id),
    item_id      INTEGER NOT NULL REFERENCES stock_item (id),
    area_id      INTEGER REFERENCES storage_area (id),
    counted      INTEGER NOT NULL
                 CHECK (typeof(counted) = 'integer' AND counted BETWEEN 0 AND 9999999999),
    packs        INTEGER CHECK (packs IS NULL OR (typeof(packs) = 'integer'
                                                  AND packs BETWEEN 0 AND 9999999999)),
    expected     INTEGER NOT NULL
                 CHECK (typeof(expected) = 'integer' AND expected BETWEEN 0 AND 9999999999),
    kind         TEXT    NOT NULL DEFAULT 'count' CHECK (kind IN ('count', 'resolution')),
    counted_by   TEXT    NOT NULL,
    counted_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    note         TEXT    NOT NULL DEFAULT ''
);

CREATE INDEX stocktake_count_line ON stocktake_count (stocktake_id, item_id, area_id, id);
CREATE INDEX stocktake_count_item ON stocktake_count (item_id, id);

-- How an item's variance splits across reasons (JSON: reason -> units, each
-- part the size of that share): the newest explanation of an item counts.
CREATE TABLE stocktake_explanation (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    stocktake_id INTEGER NOT NULL REFERENCES stocktake (id),
    item_id      INTEGER NOT NULL REFERENCES stock_item (id),
    reasons      TEXT    NOT NULL CHECK (json_valid(reasons) AND json_type(reasons) = 'object'),
    explained_by TEXT    NOT NULL,
    explained_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX stocktake_explanation_item ON stocktake_explanation (stocktake_id, item_id, id);

CREATE TRIGGER stocktake_id_in_range AFTER INSERT ON stocktake
WHEN NEW.id NOT BETWEEN 1 AND 4503599627370496
BEGIN
    SELECT RAISE(ABORT, 'ids must be between 1 and 4503599627370496');
END;

CREATE TRIGGER stocktake_count_id_in_range AFTER INSERT ON stocktake_count
WHEN NEW.id NOT BETWEEN 1 AND 4503599627370496
BEGIN
    SELECT RAISE(ABORT, 'ids must be between 1 and 4503599627370496');
END;

CREATE TRIGGER stocktake_explanation_id_in_range AFTER INSERT ON stocktake_explanation
WHEN NEW.id NOT BETWEEN 1 AND 4503599627370496
BEGIN
    SELECT RAISE(ABORT, 'ids must be between 1 and 4503599627370496');
END;

-- A stocktake starts open and is closed once: committed or abandoned, then frozen.
CREATE TRIGGER stocktake_starts_open BEFORE INSERT ON stocktake
WHEN NEW.state IS NOT 'open'
BEGIN
    SELECT RAISE(ABORT, 'a stocktake starts open');
END;

CREATE TRIGGER stocktake_closes_once BEFORE UPDATE ON stocktake
WHEN OLD.state <> 'open'
  OR NEW.id IS NOT OLD.id OR NEW.all_items IS NOT OLD.all_items OR NEW.blind IS NOT OLD.blind
  OR NEW.started_by IS NOT OLD.started_by OR NEW.started_at IS NOT OLD.started_at
  OR NEW.op_key IS NOT OLD.op_key
BEGIN
    SELECT RAISE(ABORT, 'a committed or abandoned stocktake cannot change, and an open one keeps how it started');
END;

CREATE TRIGGER stocktake_kept BEFORE DELETE ON stocktake
BEGIN
    SELECT RAISE(ABORT, 'a stocktake is never deleted; abandon it instead');
END;

CREATE TRIGGER stocktake_area_while_open BEFORE INSERT ON stocktake_area
WHEN (SELECT state FROM stocktake WHERE id = NEW.stocktake_id) IS NOT 'open'
  OR EXISTS (SELECT 1 FROM stocktake_count WHERE stocktake_id = NEW.stocktake_id)
BEGIN
    SELECT RAISE(ABORT, 'a stocktake''s areas are chosen when it starts');
END;

CREATE TRIGGER stocktake_area_fixed_update BEFORE UPDATE ON stocktake_area
BEGIN
    SELECT RAISE(ABORT, 'a stocktake''s areas are chosen when it starts');
END;

CREATE TRIGGER stocktake_area_fixed_delete BEFORE DELETE ON stocktake_area
BEGIN
    SELECT RAISE(ABORT, 'a stocktake''s areas are chosen when it starts');
END;

-- Counts go into an open stocktake only, in an area it counts; then they stay.
CREATE TRIGGER stocktake_count_while_open BEFORE INSERT ON stocktake_count
BEGIN
    SELECT RAISE(ABORT, 'counts can only be added to an open stocktake')
    WHERE (SELECT state FROM stocktake WHERE id = NEW.stocktake_id) IS NOT 'open';

    -- A stocktake of chosen areas counts the items kept there, in every area
    -- they are kept (wine in the bar is counted in the cellar too): otherwise
    -- its total would miss what lies elsewhere.
    SELECT RAISE(ABORT, 'this item is not counted in this stocktake')
    WHERE NOT (SELECT all_items FROM stocktake WHERE id = NEW.stocktake_id)
      AND NOT EXISTS (SELECT 1 FROM stocktake_area AS counted
                        JOIN item_location AS kept ON kept.area_id = counted.area_id
                       WHERE counted.stocktake_id = NEW.stocktake_id
                         AND kept.item_id = NEW.item_id);

    SELECT RAISE(ABORT, 'counted_at must be a UTC time written YYYY-MM-DDTHH:MM:SS.SSSZ')
    WHERE strftime('%Y-%m-%dT%H:%M:%fZ', julianday(NEW.counted_at)) IS NOT NEW.counted_at;
END;

CREATE TRIGGER stocktake_count_append_only_update BEFORE UPDATE ON stocktake_count
BEGIN
    SELECT RAISE(ABORT, 'stocktake_count is append-only: enter a new count instead');
END;

CREATE TRIGGER stocktake_count_append_only_delete BEFORE DELETE ON stocktake_count
BEGIN
    SELECT RAISE(ABORT, 'stocktake_count is append-only: enter a new count instead');
END;

CREATE TRIGGER stocktake_count_no_replace BEFORE INSERT ON stocktake_count
WHEN EXISTS (SELECT 1 FROM stocktake_count WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'stocktake_count is append-only');
END;

CREATE TRIGGER stocktake_explanation_while_open BEFORE INSERT ON stocktake_explanation
WHEN (SELECT state FROM stocktake WHERE id = NEW.stocktake_id) IS NOT 'open'
BEGIN
    SELECT RAISE(ABORT, 'variances can only be explained while the stocktake is open');
END;

CREATE TRIGGER stocktake_explanation_append_only_update BEFORE UPDATE ON stocktake_explanation
BEGIN
    SELECT RAISE(ABORT, 'stocktake_explanation is append-only: explain again instead');
END;

CREATE TRIGGER stocktake_explanation_append_only_delete BEFORE DELETE ON stocktake_explanation
BEGIN
    SELECT RAISE(ABORT, 'stocktake_explanation is append-only: explain again instead');
END;

CREATE TRIGGER stocktake_explanation_no_replace BEFORE INSERT ON stocktake_explanation
WHEN EXISTS (SELECT 1 FROM stocktake_explanation WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'stocktake_explanation is append-only');
END;

-- A stocktake's variance is posted only while it is being committed (still
-- open in the committing transaction), and never after.
CREATE TRIGGER stock_movement_stocktake_open BEFORE INSERT ON stock_movement
WHEN NEW.reference_type = 'stocktake'
 AND (SELECT state FROM stocktake
       WHERE id = CAST(NEW.reference_id AS INTEGER)
         AND CAST(id AS TEXT) = NEW.reference_id) IS NOT 'open'
BEGIN
    SELECT RAISE(ABORT, 'stock is posted to a stocktake only while it is committed, once');
END;

CREATE TRIGGER stocktake_audit_insert AFTER INSERT ON stocktake
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'stocktake', NEW.id, 'insert',
        json_object('name', json_array(NULL, NEW.name),
                    'all_items', json_array(NULL, NEW.all_items),
                    'blind', json_array(NULL, NEW.blind),
                    'state', json_array(NULL, NEW.state)),
        actor
    FROM current_actor;
END;

CREATE TRIGGER stocktake_audit_update AFTER UPDATE ON stocktake
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    SELECT 'stocktake', NEW.id, 'update',
        (SELECT json_group_object(col, json_array(old, new)) FROM (
            SELECT 'name' AS col, OLD.name AS old, NEW.name AS new
             WHERE OLD.name IS NOT NEW.name
            UNION ALL SELECT 'state', OLD.state, NEW.state
             WHERE OLD.state IS NOT NEW.state
            UNION ALL SELECT 'uncounted', OLD.uncounted, NEW.uncounted
             WHERE OLD.uncounted IS NOT NEW.uncounted)),
        actor
    FROM current_actor;
END;
