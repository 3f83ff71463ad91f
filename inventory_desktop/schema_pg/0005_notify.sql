-- PostgreSQL schema 5: telling open windows that something changed (LISTEN/NOTIFY).
--
-- A window on a server listens on the channel inventory_changed instead of
-- polling. Every table a window shows announces each statement that changed
-- it; PostgreSQL delivers a NOTIFY only when its transaction commits (a
-- rolled-back write announces nothing) and folds identical ones within a
-- transaction, so a delivery of 200 lines is one notification. The payload is
-- empty: a window reloads what it shows, whatever changed.
--
-- Statement-level triggers, so that a bulk write costs one call, not one per
-- row. History and audit rows are written by other tables' triggers, in the
-- same transaction; audit_log is listed as well, since the audit window
-- shows it. Nothing here changes any data or rule.

CREATE FUNCTION announce_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = inventory, pg_temp AS $$
BEGIN
    PERFORM pg_notify('inventory_changed', '');
    RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION announce_change() FROM PUBLIC;

CREATE TRIGGER stock_item_announce AFTER INSERT OR UPDATE OR DELETE ON stock_item
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
CREATE TRIGGER stock_movement_announce AFTER INSERT OR UPDATE OR DELETE ON stock_movement
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
CREATE TRIGGER audit_log_announce AFTER INSERT ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
CREATE TRIGGER storage_area_announce AFTER INSERT OR UPDATE OR DELETE ON storage_area
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
CREATE TRIGGER item_location_announce AFTER INSERT OR UPDATE OR DELETE ON item_location
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
CREATE TRIGGER stocktake_announce AFTER INSERT OR UPDATE OR DELETE ON stocktake
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
CREATE TRIGGER stocktake_area_announce AFTER INSERT OR UPDATE OR DELETE ON stocktake_area
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
CREATE TRIGGER stocktake_count_announce AFTER INSERT OR UPDATE OR DELETE ON stocktake_count
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
CREATE TRIGGER stocktake_explanation_announce
    AFTER INSERT OR UPDATE OR DELETE ON stocktake_explanation
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
CREATE TRIGGER supplier_announce AFTER INSERT OR UPDATE OR DELETE ON supplier
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
CREATE TRIGGER setting_announce AFTER INSERT OR UPDATE OR DELETE ON setting
    FOR EACH STATEMENT EXECUTE FUNCTION announce_change();
