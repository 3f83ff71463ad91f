-- PostgreSQL schema 1: the database's identity, the stock ledger, item history and audit.
--
-- A PostgreSQL database starts from the rules SQLite files reached by their
-- schema 3 (less the stocktake tables, in 0002, and costing, in 0003): the
-- same tables and columns, the same refusals with the same sentences. What
-- differs, and why, is in docs/postgresql.md. In short:
--
-- * Quantities are bigint ten-thousandths; flags are boolean; times stay text
--   in the one UTC form SQLite files use (YYYY-MM-DDTHH:MM:SS.SSSZ), checked
--   by CHECK constraints, so that services, verify and copy-to read the same
--   values from either backend. Every text column is COLLATE "C": PostgreSQL
--   then compares and sorts text as SQLite's default BINARY collation does,
--   whatever locale the server was set up with.
-- * Many terminals write at once. A movement locks its item's row before it
--   is numbered and checked, so one item's movements are numbered, chained
--   and dated in the order they commit; other items do not wait. Time order
--   is therefore kept per item (SQLite keeps it over the whole file, which
--   needs one writer at a time).
-- * Who acted comes from the transaction-local setting inventory.actor
--   (set_config('inventory.actor', name, true)); 'unknown' without it. The
--   database login that made each change is recorded beside it (db_user).
-- * Privileges do what seals do for a file: the application role cannot
--   UPDATE, DELETE or TRUNCATE the append-only tables, cannot write history
--   or audit rows itself (only the triggers can, as the schema's owner), and
--   cannot switch a trigger off or change the schema.
--
-- The migration runner (pg_migrations.py) runs this as the role
-- inventory_owner, with search_path = inventory, in one transaction.
-- Trigger functions run as that owner (SECURITY DEFINER) with a fixed
-- search_path, so that no session's temporary tables can stand in for ours.
-- Triggers of one table fire in the order of their names, hence the numbers.

-- Helpers --------------------------------------------------------------------

-- SQLite's NOCASE, for the program's queries that order or compare names
-- without regard to case ("COLLATE NOCASE" reads the same on both backends).
CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

-- Times as SQLite files write them: UTC, milliseconds, 'Z'.
CREATE FUNCTION utc_text(moment timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN to_char(moment AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');

-- The statement's time: SQLite's 'now' is fixed for one statement too.
CREATE FUNCTION utc_now() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN utc_text(statement_timestamp());

-- Whether `t` is a real UTC time in the stored form (30 February is not).
-- Pure arithmetic, so that it can never raise an error inside a CHECK.
CREATE FUNCTION is_utc_time(t text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE
        WHEN t !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' THEN false
        ELSE substr(t, 6, 2)::int BETWEEN 1 AND 12
         AND substr(t, 9, 2)::int BETWEEN 1 AND
             CASE WHEN substr(t, 6, 2)::int IN (4, 6, 9, 11) THEN 30
                  WHEN substr(t, 6, 2)::int <> 2 THEN 31
                  WHEN substr(t, 1, 4)::int % 4 = 0
                   AND (substr(t, 1, 4)::int % 100 <> 0 OR substr(t, 1, 4)::int % 400 = 0)
                  THEN 29
                  ELSE 28 END
         AND substr(t, 12, 2)::int <= 23
         AND substr(t, 15, 2)::int <= 59
         AND substr(t, 18, 2)::int <= 59
    END;

-- Who acts: the program sets inventory.actor for its transaction only. Once a
-- session has set it, PostgreSQL answers '' rather than NULL outside such a
-- transaction: both mean that nobody said.
CREATE FUNCTION current_actor() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN COALESCE(NULLIF(current_setting('inventory.actor', true), ''), 'unknown');

-- Refusals are check violations (SQLSTATE 23514), like the CHECK constraints:
-- the caller's transaction fails with the rule's own sentence.
CREATE FUNCTION refuse(message text) RETURNS void
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = message, ERRCODE = 'check_violation';
END
$$;

-- A movement's reference to another movement, as SQLite reads it: a canonical
-- decimal id ('07' or '7.0' name nothing).
CREATE FUNCTION referenced_id(reference text) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN reference ~ '^[1-9][0-9]{0,15}$' THEN reference::bigint END;

-- For append-only tables and fixed rows: every UPDATE, DELETE and TRUNCATE
-- refused with the sentence given as the trigger's argument (TRUNCATE fires
-- no row trigger, hence a statement trigger too).
CREATE FUNCTION refuse_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = inventory, pg_temp AS $$
BEGIN
    PERFORM refuse(TG_ARGV[0]);
    RETURN NULL;
END
$$;

-- Ids are never reused: an id given by hand moves the numbering past it, as
-- SQLite's AUTOINCREMENT does, instead of colliding with a later insert.
-- Arguments: the id column, the sequence.
CREATE FUNCTION keep_numbering() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = inventory, pg_temp AS $$
DECLARE
    given bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    following bigint;
BEGIN
    EXECUTE format('SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM %s',
                   TG_ARGV[1]) INTO following;
    IF given >= following AND given <= 4503599627370496 THEN
        PERFORM setval(TG_ARGV[1]::regclass, given);
    END IF;
    RETURN NEW;
END
$$;

-- Identity and version ----------------------------------------------------------

-- Which application this database belongs to, and its own id (a data file's
-- file_id). One row, never changed.
CREATE TABLE database_identity (
    id          smallint PRIMARY KEY CHECK (id = 1),
    application text COLLATE "C" NOT NULL CHECK (application = 'inventory_desktop'),
    database_id text COLLATE "C" NOT NULL CHECK (database_id ~ '^[0-9a-f]{32}$'),
    created_at  text COLLATE "C" NOT NULL DEFAULT utc_now() CHECK (is_utc_time(created_at))
);

INSERT INTO database_identity (id, application, database_id)
VALUES (1, 'inventory_desktop', replace(gen_random_uuid()::text, '-', ''));

-- Every migration applied, with the SHA-256 of its file: the version is the
-- highest one, and a file that differs from the one applied is noticed.
CREATE TABLE schema_migration (
    version    integer PRIMARY KEY CHECK (version >= 1),
    name       text COLLATE "C" NOT NULL,
    sha256     text COLLATE "C" NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    applied_at text COLLATE "C" NOT NULL DEFAULT utc_now() CHECK (is_utc_time(applied_at)),
    applied_by text COLLATE "C" NOT NULL DEFAULT session_user
);

CREATE TRIGGER database_identity_fixed BEFORE UPDATE OR DELETE ON database_identity
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the database''s identity cannot change');
CREATE TRIGGER database_identity_fixed_truncate BEFORE TRUNCATE ON database_identity
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the database''s identity cannot change');
CREATE TRIGGER schema_migration_append_only BEFORE UPDATE OR DELETE ON schema_migration
    FOR EACH ROW EXECUTE FUNCTION refuse_change('schema_migration is append-only');
CREATE TRIGGER schema_migration_append_only_truncate BEFORE TRUNCATE ON schema_migration
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('schema_migration is append-only');

-- Items ---------------------------------------------------------------------------

CREATE TABLE stock_item (
    id                   bigint GENERATED BY DEFAULT AS IDENTITY (MAXVALUE 4503599627370496)
                         PRIMARY KEY CHECK (id BETWEEN 1 AND 4503599627370496),
    name                 text COLLATE "C" NOT NULL
                         CHECK (length(btrim(name)) > 0 AND length(name) <= 200),
    -- The character rule is a trigger, as in SQLite: SKUs from before it
    -- (schema 1 files) keep their letters when copied here.
    sku                  text COLLATE "C"
                         CHECK (sku IS NULL OR (sku <> '' AND sku = btrim(sku) AND length(sku) <= 50)),
    unit                 text COLLATE "C" NOT NULL
                         CHECK (unit IN ('kg', 'g', 'L', 'mL', 'piece', 'portion', 'other')),
    current_quantity     bigint  NOT NULL DEFAULT 0
                         CHECK (current_quantity BETWEEN 0 AND 9999999999),
    low_stock_threshold  bigint  CHECK (low_stock_threshold BETWEEN 0 AND 9999999999),
    low_stock_alert_sent boolean NOT NULL DEFAULT false,
    is_active            boolean NOT NULL DEFAULT true,
    created_at           text COLLATE "C" NOT NULL DEFAULT utc_now() CHECK (is_utc_time(created_at)),
    updated_at           text COLLATE "C" NOT NULL DEFAULT utc_now() CHECK (is_utc_time(updated_at)),
    op_key               text COLLATE "C" UNIQUE,
    -- A pack's content in the item's unit (a case of 6 x 0.75 L), and its name.
    pack_size            bigint  CHECK (pack_size BETWEEN 1 AND 9999999999),
    pack_name            text COLLATE "C"
                         CHECK (pack_name IS NULL
                                OR (length(btrim(pack_name)) > 0 AND length(pack_name) <= 40))
);

-- lower() of a "C" text folds ASCII letters only, exactly as SQLite's NOCASE.
CREATE UNIQUE INDEX stock_item_sku_unique ON stock_item (lower(sku)) WHERE sku IS NOT NULL;
CREATE INDEX stock_item_name ON stock_item (lower(name));

-- Movements -------------------------------------------------------------------------

-- Numbered by the balance trigger, after it has locked the item: a default
-- would take the number before the lock, out of the item's commit order.
CREATE SEQUENCE stock_movement_id_seq AS bigint MAXVALUE 4503599627370496;

CREATE TABLE stock_movement (
    id              bigint PRIMARY KEY CHECK (id BETWEEN 1 AND 4503599627370496),
    stock_item_id   bigint NOT NULL
                    REFERENCES stock_item (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
    quantity_change bigint NOT NULL CHECK (quantity_change BETWEEN -9999999999 AND 9999999999),
    movement_type   text COLLATE "C" NOT NULL,
    reason          text COLLATE "C" NOT NULL,
    notes           text COLLATE "C" NOT NULL DEFAULT '',
    reference_type  text COLLATE "C",
    reference_id    text COLLATE "C",
    balance_after   bigint NOT NULL CHECK (balance_after BETWEEN 0 AND 9999999999),
    created_by      text COLLATE "C" NOT NULL DEFAULT current_actor(),
    created_at      text COLLATE "C" NOT NULL DEFAULT utc_now() CHECK (is_utc_time(created_at)),
    op_key          text COLLATE "C" UNIQUE,
    CONSTRAINT stock_movement_reference_pair CHECK ((reference_type IS NULL) = (reference_id IS NULL)),
    -- 0003_costing.sql replaces these two with the revaluation kind and reasons.
    CONSTRAINT stock_movement_kind_matches CHECK (
        (movement_type = 'in' AND quantity_change > 0)
        OR (movement_type = 'out' AND quantity_change < 0)
        OR (movement_type = 'adjustment' AND quantity_change <> 0)),
    CONSTRAINT stock_movement_reason_known CHECK (
        reason IN ('purchase', 'order_usage', 'waste', 'theft', 'correction', 'transfer',
                   'initial', 'spoilage', 'staff_meal', 'miscount', 'receiving_error',
                   'stocktake'))
);

ALTER SEQUENCE stock_movement_id_seq OWNED BY stock_movement.id;

CREATE INDEX stock_movement_item_newest ON stock_movement (stock_item_id, id);
CREATE INDEX stock_movement_created ON stock_movement (created_at, id);
-- An item's state at a moment: its newest movement at or before it, one seek
-- (time is ordered per item here, not over the whole ledger).
CREATE INDEX stock_movement_item_time ON stock_movement (stock_item_id, created_at, id);
-- A movement can be reversed once: the second reversal collides here.
CREATE UNIQUE INDEX stock_movement_reversed_once ON stock_movement (reference_id)
    WHERE reference_type = 'reversal';
-- A stocktake's (or a delivery's) movements, found by what they refer to.
CREATE INDEX stock_movement_reference ON stock_movement (reference_type, reference_id)
    WHERE reference_type IS NOT NULL;

-- History and audit -------------------------------------------------------------------

CREATE TABLE stock_item_history (
    history_id           bigint GENERATED BY DEFAULT AS IDENTITY (MAXVALUE 4503599627370496)
                         PRIMARY KEY CHECK (history_id BETWEEN 1 AND 4503599627370496),
    history_type         text COLLATE "C" NOT NULL
                         CHECK (history_type IN ('insert', 'update', 'delete')),
    history_at           text COLLATE "C" NOT NULL DEFAULT utc_now(),
    history_by           text COLLATE "C" NOT NULL,
    id                   bigint NOT NULL,
    name                 text COLLATE "C",
    sku                  text COLLATE "C",
    unit                 text COLLATE "C",
    current_quantity     bigint,
    low_stock_threshold  bigint,
    low_stock_alert_sent boolean,
    is_active            boolean,
    created_at           text COLLATE "C",
    updated_at           text COLLATE "C",
    pack_size            bigint,
    pack_name            text COLLATE "C",
    -- The database login that made the change (NULL: copied from a data file).
    db_user              text COLLATE "C" DEFAULT session_user
);

CREATE INDEX stock_item_history_item ON stock_item_history (id, history_id);

CREATE TABLE audit_log (
    id         bigint GENERATED BY DEFAULT AS IDENTITY (MAXVALUE 4503599627370496)
               PRIMARY KEY CHECK (id BETWEEN 1 AND 4503599627370496),
    table_name text COLLATE "C" NOT NULL,
    row_id     bigint NOT NULL,
    action     text COLLATE "C" NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    changes    text COLLATE "C" NOT NULL,  -- JSON object: column -> [old, new]
    actor      text COLLATE "C" NOT NULL,
    at         text COLLATE "C" NOT NULL DEFAULT utc_now(),
    db_user    text COLLATE "C" DEFAULT session_user
);

CREATE INDEX audit_log_row ON audit_log (table_name, row_id, id);

CREATE TRIGGER stock_movement_append_only BEFORE UPDATE OR DELETE ON stock_movement
    FOR EACH ROW EXECUTE FUNCTION
    refuse_change('stock_movement is append-only: record a reversal instead');
CREATE TRIGGER stock_movement_append_only_truncate BEFORE TRUNCATE ON stock_movement
    FOR EACH STATEMENT EXECUTE FUNCTION
    refuse_change('stock_movement is append-only: record a reversal instead');
CREATE TRIGGER stock_item_history_append_only BEFORE UPDATE OR DELETE ON stock_item_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change('stock_item_history is append-only');
CREATE TRIGGER stock_item_history_append_only_truncate BEFORE TRUNCATE ON stock_item_history
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('stock_item_history is append-only');
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change('audit_log is append-only');
CREATE TRIGGER audit_log_append_only_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('audit_log is append-only');
-- Items are deleted one by one (an item without movements), never truncated:
-- TRUNCATE would write no history.
CREATE TRIGGER stock_item_no_truncate BEFORE TRUNCATE ON stock_item
    FOR EACH STATEMENT EXECUTE FUNCTION
    refuse_change('items are deleted one by one, never truncated: each deletion is in the history');

CREATE TRIGGER stock_item_numbering BEFORE INSERT ON stock_item
    FOR EACH ROW EXECUTE FUNCTION keep_numbering('id', 'inventory.stock_item_id_seq');
CREATE TRIGGER stock_item_history_numbering BEFORE INSERT ON stock_item_history
    FOR EACH ROW EXECUTE FUNCTION keep_numbering('history_id', 'inventory.stock_item_history_history_id_seq');
CREATE TRIGGER audit_log_numbering BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION keep_numbering('id', 'inventory.audit_log_id_seq');

-- The ledger ----------------------------------------------------------------------------

-- A movement must continue its item's running balance and come after the
-- item's movements in number and time. The item's row lock makes concurrent
-- movements of one item take their turn (a second one waits here, then reads
-- the first once it has committed); movements of other items do not wait.
CREATE FUNCTION movement_continues_balance() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = inventory, pg_temp AS $$
DECLARE
    item_active boolean;
    previous record;
    following bigint;
BEGIN
    SELECT is_active INTO item_active FROM stock_item
     WHERE id = NEW.stock_item_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        PERFORM refuse('stock movement refers to an item that does not exist');
    END IF;
    IF NEW.id IS NULL THEN
        NEW.id := nextval('stock_movement_id_seq');
    ELSE
        SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END
          INTO following FROM stock_movement_id_seq;
        -- Out of range, it is left to the CHECK to refuse.
        IF NEW.id >= following AND NEW.id <= 4503599627370496 THEN
            PERFORM setval('stock_movement_id_seq', NEW.id);
        END IF;
    END IF;
    IF NOT item_active THEN
        PERFORM refuse('the item is archived; restore it before recording stock');
    END IF;
    IF EXISTS (SELECT 1 FROM stock_movement
                WHERE stock_item_id = NEW.stock_item_id AND id > NEW.id) THEN
        PERFORM refuse('stock movements must be appended after the item''s latest movement');
    END IF;
    SELECT balance_after, created_at INTO previous FROM stock_movement
     WHERE stock_item_id = NEW.stock_item_id AND id < NEW.id
     ORDER BY id DESC LIMIT 1;
    IF NEW.balance_after IS DISTINCT FROM COALESCE(previous.balance_after, 0) + NEW.quantity_change THEN
        PERFORM refuse('balance_after must equal the previous balance plus quantity_change');
    END IF;
    IF NEW.created_at IS NULL THEN
        -- The program leaves the time to the server, taken under the item's
        -- lock: every terminal's movements are dated by one clock, never
        -- before the item's previous movement.
        NEW.created_at := greatest(utc_text(clock_timestamp()), previous.created_at);
    END IF;
    IF NOT is_utc_time(NEW.created_at) THEN
        PERFORM refuse('created_at must be a UTC time written YYYY-MM-DDTHH:MM:SS.SSSZ');
    END IF;
    IF NEW.created_at < previous.created_at THEN
        PERFORM refuse('a movement cannot be dated before the movement recorded ahead of it');
    END IF;
    IF NEW.op_key IS NOT NULL THEN
        -- One namespace for operation keys: the same key sent from two
        -- terminals at once waits here for the first to finish.
        PERFORM pg_advisory_xact_lock(hashtextextended('inventory.op_key:' || NEW.op_key, 0));
        IF EXISTS (SELECT 1 FROM stock_item WHERE op_key = NEW.op_key) THEN
            PERFORM refuse('this operation key was already used to create an item');
        END IF;
    END IF;
    IF NEW.reference_type = 'reversal' AND NOT EXISTS (
            SELECT 1 FROM stock_movement AS original
             WHERE original.id = referenced_id(NEW.reference_id)
               AND original.id < NEW.id
               AND original.stock_item_id = NEW.stock_item_id
               AND original.quantity_change = -NEW.quantity_change) THEN
        PERFORM refuse('a reversal must undo exactly one earlier movement of the same item');
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER movement_10_continues_balance BEFORE INSERT ON stock_movement
    FOR EACH ROW EXECUTE FUNCTION movement_continues_balance();

-- The item then takes its newest movement's balance (the newest rather than
-- this one: one INSERT of several movements of an item fires this once per
-- row, after all of them; the later rows then find nothing left to change),
-- and every movement is audited.
CREATE FUNCTION movement_moves_item() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = inventory, pg_temp AS $$
BEGIN
    UPDATE stock_item AS i
       SET current_quantity = newest.balance_after,
           low_stock_alert_sent = newest.alert,
           updated_at = newest.created_at
      FROM (SELECT m.balance_after, m.created_at,
                   (t.low_stock_threshold IS NOT NULL
                    AND m.balance_after <= t.low_stock_threshold) AS alert
              FROM stock_movement AS m, stock_item AS t
             WHERE m.stock_item_id = NEW.stock_item_id AND t.id = NEW.stock_item_id
             ORDER BY m.id DESC LIMIT 1) AS newest
     WHERE i.id = NEW.stock_item_id
       AND (i.current_quantity, i.low_stock_alert_sent, i.updated_at)
           IS DISTINCT FROM (newest.balance_after, newest.alert, newest.created_at);
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    VALUES ('stock_movement', NEW.id, 'insert', json_build_object(
        'stock_item_id', json_build_array(NULL, NEW.stock_item_id),
        'quantity_change', json_build_array(NULL, NEW.quantity_change),
        'movement_type', json_build_array(NULL, NEW.movement_type),
        'reason', json_build_array(NULL, NEW.reason),
        'balance_after', json_build_array(NULL, NEW.balance_after),
        'created_by', json_build_array(NULL, NEW.created_by))::text, current_actor());
    RETURN NULL;
END
$$;

CREATE TRIGGER movement_90_moves_item AFTER INSERT ON stock_movement
    FOR EACH ROW EXECUTE FUNCTION movement_moves_item();

-- Item rules ------------------------------------------------------------------------------

-- SKUs use a small ASCII set, so that case-folding is the whole of comparing
-- them, and never only digits (bare digits name an item by its id). Checked
-- when a SKU is written, as in SQLite.
CREATE FUNCTION sku_written_well(sku text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN sku IS NULL OR (sku ~ '^[-A-Za-z0-9 ._/]+$' AND sku ~ '[^0-9]');

CREATE FUNCTION item_rules_on_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = inventory, pg_temp AS $$
BEGIN
    IF NEW.current_quantity IS DISTINCT FROM 0 THEN
        PERFORM refuse('a new item starts at quantity 0; record stock as a movement');
    END IF;
    IF NOT sku_written_well(NEW.sku) THEN
        PERFORM refuse('a SKU may use only A-Z, a-z, 0-9, space and . _ / - and not only digits');
    END IF;
    IF NEW.op_key IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('inventory.op_key:' || NEW.op_key, 0));
        IF EXISTS (SELECT 1 FROM stock_movement WHERE op_key = NEW.op_key) THEN
            PERFORM refuse('this operation key was already used for a movement');
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER item_10_rules_on_insert BEFORE INSERT ON stock_item
    FOR EACH ROW EXECUTE FUNCTION item_rules_on_insert();

-- The quantity is checked against the ledger on every update, not only when
-- it changes: a row that disagreed with its ledger could not be written back.
CREATE FUNCTION item_rules_on_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = inventory, pg_temp AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id THEN
        PERFORM refuse('an item''s id cannot change');
    END IF;
    IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        PERFORM refuse('an item''s creation time cannot change');
    END IF;
    IF NEW.sku IS DISTINCT FROM OLD.sku AND NOT sku_written_well(NEW.sku) THEN
        PERFORM refuse('a SKU may use only A-Z, a-z, 0-9, space and . _ / - and not only digits');
    END IF;
    -- Quantities already recorded are in the item's unit: changing it would
    -- silently turn 5 kg into 5 g.
    IF NEW.unit IS DISTINCT FROM OLD.unit
       AND EXISTS (SELECT 1 FROM stock_movement WHERE stock_item_id = OLD.id) THEN
        PERFORM refuse('the item has movements in its unit; its unit cannot change');
    END IF;
    IF NEW.current_quantity IS DISTINCT FROM
       COALESCE((SELECT balance_after FROM stock_movement
                  WHERE stock_item_id = OLD.id ORDER BY id DESC LIMIT 1), 0) THEN
        PERFORM refuse('current_quantity must equal the balance after the item''s latest movement');
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER item_10_rules_on_update BEFORE UPDATE ON stock_item
    FOR EACH ROW EXECUTE FUNCTION item_rules_on_update();

CREATE FUNCTION item_keeps_movements() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = inventory, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM stock_movement WHERE stock_item_id = OLD.id) THEN
        PERFORM refuse('an item with movements cannot be deleted; archive it instead');
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER item_10_keeps_movements BEFORE DELETE ON stock_item
    FOR EACH ROW EXECUTE FUNCTION item_keeps_movements();

-- History and audit of items: a full snapshot and an old -> new diff per
-- change. Flags are written 0/1 in the audit's JSON, as SQLite files have
-- them. 0003_costing.sql replaces this function with the costing columns.
CREATE FUNCTION item_history_and_audit() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = inventory, pg_temp AS $$
DECLARE
    r stock_item%ROWTYPE := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    changes json;
BEGIN
    INSERT INTO stock_item_history (history_type, history_by, id, name, sku, unit,
        current_quantity, low_stock_threshold, low_stock_alert_sent, is_active,
        created_at, updated_at, pack_size, pack_name)
    VALUES (lower(TG_OP), current_actor(), r.id, r.name, r.sku, r.unit, r.current_quantity,
        r.low_stock_threshold, r.low_stock_alert_sent, r.is_active, r.created_at,
        r.updated_at, r.pack_size, r.pack_name);
    IF TG_OP = 'INSERT' THEN
        changes := json_build_object(
            'name', json_build_array(NULL, r.name),
            'sku', json_build_array(NULL, r.sku),
            'unit', json_build_array(NULL, r.unit),
            'current_quantity', json_build_array(NULL, r.current_quantity),
            'low_stock_threshold', json_build_array(NULL, r.low_stock_threshold),
            'low_stock_alert_sent', json_build_array(NULL, r.low_stock_alert_sent::int),
            'is_active', json_build_array(NULL, r.is_active::int),
            'pack_size', json_build_array(NULL, r.pack_size),
            'pack_name', json_build_array(NULL, r.pack_name));
    ELSIF TG_OP = 'DELETE' THEN
        changes := json_build_object(
            'name', json_build_array(r.name, NULL),
            'sku', json_build_array(r.sku, NULL),
            'unit', json_build_array(r.unit, NULL),
            'current_quantity', json_build_array(r.current_quantity, NULL),
            'low_stock_threshold', json_build_array(r.low_stock_threshold, NULL),
            'is_active', json_build_array(r.is_active::int, NULL),
            'pack_size', json_build_array(r.pack_size, NULL),
            'pack_name', json_build_array(r.pack_name, NULL));
    ELSE
        SELECT COALESCE(json_object_agg(col, json_build_array(before, after) ORDER BY place), '{}')
          INTO changes
          FROM (VALUES
            (1, 'name', to_jsonb(OLD.name), to_jsonb(NEW.name)),
            (2, 'sku', to_jsonb(OLD.sku), to_jsonb(NEW.sku)),
            (3, 'unit', to_jsonb(OLD.unit), to_jsonb(NEW.unit)),
            (4, 'current_quantity', to_jsonb(OLD.current_quantity), to_jsonb(NEW.current_quantity)),
            (5, 'low_stock_threshold', to_jsonb(OLD.low_stock_threshold),
                to_jsonb(NEW.low_stock_threshold)),
            (6, 'low_stock_alert_sent', to_jsonb(OLD.low_stock_alert_sent::int),
                to_jsonb(NEW.low_stock_alert_sent::int)),
            (7, 'is_active', to_jsonb(OLD.is_active::int), to_jsonb(NEW.is_active::int)),
            (8, 'created_at', to_jsonb(OLD.created_at), to_jsonb(NEW.created_at)),
            (9, 'updated_at', to_jsonb(OLD.updated_at), to_jsonb(NEW.updated_at)),
            (10, 'op_key', to_jsonb(OLD.op_key), to_jsonb(NEW.op_key)),
            (11, 'pack_size', to_jsonb(OLD.pack_size), to_jsonb(NEW.pack_size)),
            (12, 'pack_name', to_jsonb(OLD.pack_name), to_jsonb(NEW.pack_name))
          ) AS c(place, col, before, after)
         WHERE before IS DISTINCT FROM after;
    END IF;
    INSERT INTO audit_log (table_name, row_id, action, changes, actor)
    VALUES ('stock_item', r.id, lower(TG_OP), changes::text, current_actor());
    RETURN NULL;
END
$$;

CREATE TRIGGER item_90_history_and_audit AFTER INSERT OR UPDATE OR DELETE ON stock_item
    FOR EACH ROW EXECUTE FUNCTION item_history_and_audit();

-- Who may do what --------------------------------------------------------------------------
--
-- inventory_app: the program's logins (members of it). Reads everything;
-- adds items and movements; changes only the item columns a person edits
-- (quantity and value follow the ledger, through the triggers); deletes an
-- item only when it has no movements (the trigger says). No UPDATE, DELETE
-- or TRUNCATE on the append-only tables, no INSERT into history or audit.
-- inventory_report: reads everything, writes nothing.

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA inventory FROM PUBLIC;
GRANT EXECUTE ON FUNCTION utc_text(timestamptz), utc_now(), is_utc_time(text), current_actor(),
    referenced_id(text), sku_written_well(text)
    TO inventory_app, inventory_report;
GRANT SELECT ON database_identity, schema_migration, stock_item, stock_movement,
    stock_item_history, audit_log TO inventory_app, inventory_report;
GRANT INSERT, DELETE ON stock_item TO inventory_app;
GRANT UPDATE (name, sku, unit, low_stock_threshold, low_stock_alert_sent, is_active, updated_at,
              pack_size, pack_name) ON stock_item TO inventory_app;
GRANT INSERT ON stock_movement TO inventory_app;
