-- PostgreSQL schema 4: which data file a database's ledger was copied from.
--
-- `inventory copy-to` fills an empty database from a site's SQLite data file,
-- in one transaction, and records here the file's own id (data_file.file_id:
-- copies and backups of one file share it), when the file was made, where it
-- lay and at which schema it was, and when and by which login the copy was
-- made. The file's backups can then be recognised as this database's past.
-- At most one row, since copy-to fills only an empty database; never changed.

CREATE TABLE copied_from (
    id                  smallint PRIMARY KEY CHECK (id = 1),
    -- As the file has them: its rules ask for 32 characters and nothing more.
    file_id             text COLLATE "C" NOT NULL CHECK (length(file_id) = 32),
    file_created_at     text COLLATE "C" NOT NULL,
    file_path           text COLLATE "C" NOT NULL,
    file_schema_version integer NOT NULL CHECK (file_schema_version >= 1),
    copied_at           text COLLATE "C" NOT NULL DEFAULT utc_now() CHECK (is_utc_time(copied_at)),
    copied_by           text COLLATE "C" NOT NULL DEFAULT session_user
);

CREATE TRIGGER copied_from_fixed BEFORE UPDATE OR DELETE ON copied_from
    FOR EACH ROW EXECUTE FUNCTION
    refuse_change('where the database was copied from cannot change');
CREATE TRIGGER copied_from_fixed_truncate BEFORE TRUNCATE ON copied_from
    FOR EACH STATEMENT EXECUTE FUNCTION
    refuse_change('where the database was copied from cannot change');

-- Only copy-to writes it, as the owner; the program and report tools read it.
GRANT SELECT ON copied_from TO inventory_app, inventory_report;
