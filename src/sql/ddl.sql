-- src/sql/ddl.sql: the DDL guard: what DDL a replica table refuses.
-- Part of the install script; the Makefile concatenates the topics.

--
-- A replica table is an ordinary table, and most DDL on it works as on any
-- other (renaming it, extra columns, indexes, generated columns, comments,
-- its owner's triggers).  What replication reads and writes cannot change
-- under it: a dropped replica table stopped every table's replication into
-- its region, and a metadata column altered to another type crashed every
-- walsender decoding it, in a loop that survived restarts.  Two event
-- triggers refuse such DDL before it commits; a superuser can still get
-- past them (session_replication_role, or disabling them), and the C code
-- checks the columns' types wherever it reads them (catalog/gt_table.c).
--

CREATE FUNCTION gt._check_replica_table(relid regclass) RETURNS void
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_check_replica_table';
COMMENT ON FUNCTION gt._check_replica_table(regclass) IS 'errors unless a replica table has what replication reads and writes';

-- After ALTER TABLE: the replica table must still have its key and metadata
-- columns, with their types, and its primary key on the key columns.
CREATE FUNCTION gt._ddl_guard() RETURNS event_trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT DISTINCT d.objid FROM pg_catalog.pg_event_trigger_ddl_commands() d
             WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass LOOP
        IF EXISTS (SELECT 1 FROM gt.global_table g WHERE g.relid::pg_catalog.oid OPERATOR(pg_catalog.=) c.objid) THEN
            PERFORM gt._check_replica_table(c.objid::pg_catalog.regclass);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION gt._ddl_guard() IS 'refuses ALTER TABLE that replication could not live with';

-- When objects are dropped: a replica table goes only through
-- gt.delete_table() or update_table's replica Delete, which unregister it
-- first.
CREATE FUNCTION gt._drop_guard() RETURNS event_trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    name text;
BEGIN
    SELECT g.table_name INTO name
        FROM pg_catalog.pg_event_trigger_dropped_objects() d
        JOIN gt.global_table g ON g.relid::pg_catalog.oid OPERATOR(pg_catalog.=) d.objid
        WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
          AND d.objsubid OPERATOR(pg_catalog.=) 0
        LIMIT 1;
    IF name IS NOT NULL THEN
        RAISE EXCEPTION 'cannot drop the replica of global table "%" in region "%"', name, gt.local_region()
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = 'Other regions replicate into it.',
                  HINT = pg_catalog.format('Delete it with gt.delete_table(%L), which disassociates it from the other replicas first.', name);
    END IF;
END
$$;
COMMENT ON FUNCTION gt._drop_guard() IS 'refuses to drop a replica table that is still registered';

CREATE EVENT TRIGGER gt_ddl_guard ON ddl_command_end WHEN TAG IN ('ALTER TABLE')
    EXECUTE FUNCTION gt._ddl_guard();
ALTER EVENT TRIGGER gt_ddl_guard ENABLE ALWAYS;
CREATE EVENT TRIGGER gt_drop_guard ON sql_drop
    EXECUTE FUNCTION gt._drop_guard();
ALTER EVENT TRIGGER gt_drop_guard ENABLE ALWAYS;
