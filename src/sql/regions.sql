-- src/sql/regions.sql: regions: naming this one, reaching the others, links between them.
-- Part of the install script; the Makefile concatenates the topics.

--
-- Regions
--

CREATE FUNCTION gt._check_region_name(name text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF name IS NULL OR name !~ '^[a-z][a-z0-9-]{0,28}$' THEN
        PERFORM gt._raise('ValidationException',
            pg_catalog.format('invalid region name "%s"', COALESCE(name, '<NULL>')),
            'Region names are 1 to 29 characters of lower-case letters, digits and hyphens, starting with a letter.');
    END IF;
    -- A region without a registration is the database of its name: these
    -- are the maintenance and template databases (as a region, template1
    -- had workers connected, and CREATE DATABASE failed cluster-wide).
    IF name IN ('postgres', 'template0', 'template1') THEN
        PERFORM gt._raise('ValidationException', pg_catalog.format('region name "%s" is reserved', name),
            'The maintenance and template databases cannot be regions.');
    END IF;
END
$$;
COMMENT ON FUNCTION gt._check_region_name(text) IS 'errors unless name is a valid region name';

CREATE FUNCTION gt.local_region() RETURNS text
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_local_region_sql';
COMMENT ON FUNCTION gt.local_region() IS 'the region name of this database';

CREATE FUNCTION gt.init_region(name text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    current text;
BEGIN
    PERFORM gt._check_prerequisites();
    PERFORM gt._check_region_name(name);
    IF (SELECT d.datistemplate FROM pg_catalog.pg_database d
        WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()) THEN
        RAISE EXCEPTION 'template database "%" cannot be a region', pg_catalog.current_database()
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    LOCK TABLE gt.region IN EXCLUSIVE MODE;
    SELECT r.name INTO current FROM gt.region r;
    IF current = name THEN
        RETURN;
    ELSIF current IS NOT NULL THEN
        RAISE EXCEPTION 'database "%" is already region "%"', current_database(), current
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A database keeps its region name for life.';
    END IF;
    IF EXISTS (SELECT 1 FROM gt.region_registration g
               WHERE g.name OPERATOR(pg_catalog.=) init_region.name) THEN
        RAISE EXCEPTION 'region "%" is registered as another region', name
            USING ERRCODE = 'duplicate_object',
                  HINT = 'Remove the registration first, or choose another name.';
    END IF;
    INSERT INTO gt.region (name) VALUES (init_region.name);
    PERFORM gt._wake_supervisor();
END
$$;
COMMENT ON FUNCTION gt.init_region(text) IS 'names this database''s region, once';

CREATE FUNCTION gt.register_region(name text, conninfo text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    PERFORM gt._check_region_name(name);
    IF conninfo IS NULL OR conninfo OPERATOR(pg_catalog.=) '' THEN
        RAISE EXCEPTION 'connection string for region "%" must not be empty', name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM gt.region r WHERE r.name OPERATOR(pg_catalog.=) register_region.name) THEN
        RAISE EXCEPTION 'cannot register region "%": it is this database''s region', name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO gt.region_registration AS g (name, conninfo)
        VALUES (register_region.name, register_region.conninfo)
        ON CONFLICT ON CONSTRAINT region_registration_pkey
        DO UPDATE SET conninfo = excluded.conninfo;
    -- A running link worker read the old string: restart it (the launcher
    -- does) so that a fixed registration takes effect now.
    PERFORM pg_catalog.pg_terminate_backend(a.pid)
        FROM pg_catalog.pg_stat_activity a
        WHERE a.backend_type OPERATOR(pg_catalog.=) 'gt link worker'
          AND a.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()
          AND a.application_name OPERATOR(pg_catalog.=)
              gt._link_name((SELECT r.name FROM gt.region r), register_region.name);
END
$$;
COMMENT ON FUNCTION gt.register_region(text, text) IS 'records how this region reaches another region';

CREATE FUNCTION gt._conninfo_quote(value text) RETURNS text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_conninfo_quote_sql';
COMMENT ON FUNCTION gt._conninfo_quote(text) IS 'quotes a value for a libpq connection string';

-- A registration, or the database of that name in this cluster.
CREATE FUNCTION gt.region_conninfo(name text) RETURNS text
    LANGUAGE C STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_region_conninfo_sql';
COMMENT ON FUNCTION gt.region_conninfo(text) IS 'the libpq connection string that reaches a region';

CREATE FUNCTION gt._region_exec(region text, sql text) RETURNS text
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN gt._remote_exec(region, gt.region_conninfo(region), sql);
COMMENT ON FUNCTION gt._region_exec(text, text) IS 'runs SQL in a region in a session of its own';

CREATE FUNCTION gt._link_name(local text, peer text) RETURNS text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_link_name_sql';
COMMENT ON FUNCTION gt._link_name(text, text) IS 'name of the slot and origin of a link, gt_<local>_<peer>';

-- Makes sure this region is ready to hold a replica: called in a new region's
-- database over libpq.  A database that is not a region yet is adopted
-- only if a superuser owns it: its owner could otherwise prepare it (its
-- objects, settings, event triggers) for the workers that will run in it
-- as a superuser.  A superuser adopts another by naming it himself.
CREATE FUNCTION gt._ensure_region(name text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    owner name;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM gt.region) THEN
        SELECT r.rolname INTO owner FROM pg_catalog.pg_database d
            JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) d.datdba
            WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()
              AND NOT r.rolsuper;
        IF FOUND THEN
            RAISE EXCEPTION 'database "%" is owned by role "%", which is not a superuser', pg_catalog.current_database(), owner
                USING ERRCODE = 'insufficient_privilege',
                      HINT = pg_catalog.format('Make a superuser its owner, or name it with gt.init_region(%L) there first.', name);
        END IF;
    END IF;
    PERFORM gt.init_region(name);
END
$$;
COMMENT ON FUNCTION gt._ensure_region(text) IS 'names this region if it has no name yet';

-- Creates the slot this region keeps for a peer, if missing.  Must run in a
-- transaction that has not written, as slot creation waits for those.
CREATE FUNCTION gt._ensure_slot(peer text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    slot text := gt._link_name(gt.local_region(), peer);
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots s
                   WHERE s.slot_name OPERATOR(pg_catalog.=) slot) THEN
        PERFORM pg_catalog.pg_create_logical_replication_slot(slot, 'pg_global_tables');
    END IF;
END
$$;
COMMENT ON FUNCTION gt._ensure_slot(text) IS 'creates the slot this region keeps for a peer';

-- Removes the link between this region and a peer on this side: stops the
-- worker applying the peer's changes, drops its origin, and drops the slot
-- kept for the peer.  With keep_slot, only the worker and its origin go:
-- the next worker then streams from where the peer's slot stands, which is
-- what a peer restored from a backup needs (gt.claim_region()): the origin's
-- progress is a position in the original's WAL, not in the restored one's.
-- (A process may exit between being found and being signalled, which
-- pg_terminate_backend reports as a WARNING: expected here, so not shown.)
CREATE FUNCTION gt._drop_link(peer text, keep_slot boolean DEFAULT false) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    SET client_min_messages = error
    AS $$
DECLARE
    link text := gt._link_name(gt.local_region(), peer);
BEGIN
    FOR attempt IN 1..100 LOOP
        BEGIN
            PERFORM pg_catalog.pg_terminate_backend(a.pid)
                FROM pg_catalog.pg_stat_activity a
                WHERE (a.application_name OPERATOR(pg_catalog.=) link
                       AND a.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
                   OR a.pid IN (SELECT s.active_pid FROM pg_catalog.pg_replication_slots s
                                WHERE s.slot_name OPERATOR(pg_catalog.=) link);
            IF EXISTS (SELECT 1 FROM pg_catalog.pg_replication_origin o
                       WHERE o.roname OPERATOR(pg_catalog.=) link) THEN
                PERFORM pg_catalog.pg_replication_origin_drop(link);
            END IF;
            IF keep_slot THEN
                RETURN;
            END IF;
            IF EXISTS (SELECT 1 FROM pg_catalog.pg_replication_slots s
                       WHERE s.slot_name OPERATOR(pg_catalog.=) link) THEN
                PERFORM pg_catalog.pg_drop_replication_slot(link);
            END IF;
            PERFORM gt._forget_link(peer);
            RETURN;
        EXCEPTION WHEN object_in_use THEN
            IF attempt OPERATOR(pg_catalog.=) 100 THEN
                RAISE;
            END IF;
            PERFORM pg_catalog.pg_sleep(0.1);
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION gt._drop_link(text, boolean) IS 'removes this side of the link with a peer';

-- The regions that share a global table with this one, and whether peer is one.
CREATE FUNCTION gt._peers() RETURNS SETOF text
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 4
    AS 'MODULE_PATHNAME', 'gt_peers_sql';
COMMENT ON FUNCTION gt._peers() IS 'the regions that share a global table with this one';

CREATE FUNCTION gt._shares_tables(peer text) RETURNS boolean
    LANGUAGE C STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_shares_tables_sql';
COMMENT ON FUNCTION gt._shares_tables(text) IS 'whether this region shares a global table with a peer';


--
-- Removing a region that is lost for good (its server gone): run in any
-- surviving region, it makes every region that shares a table with the lost
-- one forget it, without contacting it, as pgactive_detach_nodes and BDR's
-- part_by_node_names do.  A region that is still reachable leaves with
-- gt.delete_table() or a replica Delete instead (doc/operations.md).
--

-- This region's half: the lost region leaves every global table here, and
-- the link with it goes (its worker, origin and slot), so that no slot keeps
-- WAL for it, no watermark is awaited from it and no error is logged about
-- it any more.
CREATE FUNCTION gt._forget_region(lost text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    DELETE FROM gt.replica r WHERE r.region_name OPERATOR(pg_catalog.=) lost;
    PERFORM gt._drop_link(lost);
    DELETE FROM gt.region_registration g WHERE g.name OPERATOR(pg_catalog.=) lost;
    -- The steps this region coordinates await no answer from it any more.
    UPDATE gt._step s SET unresolved = pg_catalog.array_remove(s.unresolved, lost)
        WHERE lost OPERATOR(pg_catalog.=) ANY (s.unresolved);
    DELETE FROM gt._step s WHERE s.outcome OPERATOR(pg_catalog.<>) 'pending'
        AND s.unresolved OPERATOR(pg_catalog.=) '{}';
END
$$;
COMMENT ON FUNCTION gt._forget_region(text) IS 'forgets a lost region in this region';

CREATE FUNCTION gt.detach_region(region text) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    local text := gt.local_region();
    survivors text[];
    r text;
BEGIN
    PERFORM gt._check_region_name(region);
    PERFORM gt._check_not_copy();
    IF region OPERATOR(pg_catalog.=) local THEN
        RAISE EXCEPTION 'cannot detach region "%" from itself', region
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Run gt.detach_region() in a region that survives the lost one.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM gt.replica x WHERE x.region_name OPERATOR(pg_catalog.=) region) THEN
        RAISE EXCEPTION 'region "%" shares no global table with region "%"', region, local
            USING ERRCODE = 'undefined_object';
    END IF;
    -- Every other region that shares a table with the lost one, as this
    -- region knows them: all must be reachable before any forgets it.
    SELECT pg_catalog.array_agg(DISTINCT x.region_name ORDER BY x.region_name) INTO survivors
        FROM gt.replica x
        WHERE x.table_name IN (SELECT y.table_name FROM gt.replica y WHERE y.region_name OPERATOR(pg_catalog.=) region)
          AND x.region_name NOT IN (region, local);
    FOREACH r IN ARRAY COALESCE(survivors, '{}') LOOP
        PERFORM gt._region_exec(r, 'SELECT 1');
    END LOOP;
    -- What the lost region left prepared in the survivors ends the same
    -- way in all of them.
    PERFORM gt._resolve_orphan_steps(region, local OPERATOR(pg_catalog.||) COALESCE(survivors, '{}'));
    FOREACH r IN ARRAY COALESCE(survivors, '{}') LOOP
        PERFORM gt._region_exec(r, pg_catalog.format('SELECT gt._forget_region(%L)', region));
    END LOOP;
    PERFORM gt._forget_region(region);
    RETURN pg_catalog.jsonb_build_object('DetachedRegion', region,
        'Regions', pg_catalog.to_jsonb(pg_catalog.array_prepend(local, COALESCE(survivors, '{}'))));
END
$$;
COMMENT ON FUNCTION gt.detach_region(text) IS 'makes every surviving region forget a region lost for good';

--
-- Copies of a region (src/catalog/gt_region_identity.c): a database whose
-- gt.region records another server's or database's identity is a copy, made
-- by a dump, a restore or a base backup.  It does not replicate until an
-- operator makes it the region (gt.claim_region()) or a standalone copy
-- (gt.detach_copy()).
--

CREATE FUNCTION gt._is_copy() RETURNS boolean
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_is_copy_sql';
COMMENT ON FUNCTION gt._is_copy() IS 'whether this database is a copy of its region';

-- Errors in a copy: what would act on other regions, or report on them,
-- calls this first.
CREATE FUNCTION gt._check_not_copy() RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    r gt.region;
BEGIN
    IF gt._is_copy() THEN
        SELECT * INTO r FROM gt.region;
        RAISE EXCEPTION 'database "%" is a copy of region "%", which does not replicate', pg_catalog.current_database(), r.name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('Region "%s" was named in the server and database with identity %s (system identifier:database OID:port); this is %s: it was restored from a dump or a backup, copied, upgraded or moved to another port.',
                                             r.name, r.identity, gt._local_identity()),
                  HINT = pg_catalog.format('Run gt.claim_region() to make it region "%s" in place of the original, or gt.detach_copy() to make it a standalone copy.', r.name);
    END IF;
END
$$;
COMMENT ON FUNCTION gt._check_not_copy() IS 'errors if this database is a copy of its region';

CREATE FUNCTION gt.claim_region() RETURNS text
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    name text;
    peer text;
BEGIN
    IF NOT gt._is_copy() THEN
        RAISE EXCEPTION 'database "%" is not a copy of a region', pg_catalog.current_database()
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT r.name INTO name FROM gt.region r;
    -- Each peer's record of how far it applied this region is a position in
    -- the original's WAL, which this copy's does not continue: the peers
    -- forget it, so that they stream from where the new slots start, and
    -- skip nothing this region writes from now on.
    FOR peer IN SELECT p FROM gt._peers() p LOOP
        PERFORM gt._region_exec(peer, pg_catalog.format('SELECT gt._drop_link(%L, true)', name));
    END LOOP;
    -- A dump or a base backup carries no slot: make the ones the peers
    -- stream from, before this transaction writes (slot creation waits for
    -- transactions that have).
    FOR peer IN SELECT p FROM gt._peers() p LOOP
        PERFORM gt._ensure_slot(peer);
    END LOOP;
    UPDATE gt.region SET identity = gt._local_identity() RETURNING gt.region.name INTO name;
    PERFORM gt._wake_supervisor();
    RETURN name;
END
$$;
COMMENT ON FUNCTION gt.claim_region() IS 'makes a copy of a region that region, in place of the original';

CREATE FUNCTION gt.detach_copy() RETURNS jsonb
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    local text := gt.local_region();
    tables text[];
    t text;
BEGIN
    IF NOT gt._is_copy() THEN
        RAISE EXCEPTION 'database "%" is not a copy of a region', pg_catalog.current_database()
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'A region leaves its global tables with gt.delete_table() or a replica Delete.';
    END IF;
    -- Only this database changes: the regions the copy believes it shares
    -- tables with are the original's peers, and stay so.
    SELECT pg_catalog.array_agg(g.table_name ORDER BY g.table_name) INTO tables FROM gt.global_table g;
    FOREACH t IN ARRAY COALESCE(tables, '{}') LOOP
        PERFORM gt._remove_replica(t, local);
    END LOOP;
    DELETE FROM gt.region_registration;
    DELETE FROM gt.region;
    RETURN pg_catalog.jsonb_build_object('DetachedCopyOf', local,
        'StandaloneTables', pg_catalog.to_jsonb(COALESCE(tables, '{}')));
END
$$;
COMMENT ON FUNCTION gt.detach_copy() IS 'makes a copy of a region a database with standalone tables and no region';
