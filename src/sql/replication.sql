-- src/sql/replication.sql: replication status, watermarks, tombstone collection, skipping a transaction.
-- Part of the install script; the Makefile concatenates the topics.

--
-- Replication status
--

CREATE FUNCTION gt.wait_for_replication(timeout interval DEFAULT '30 s') RETURNS boolean
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    target pg_lsn := pg_catalog.pg_current_wal_lsn();
    deadline timestamptz := pg_catalog.clock_timestamp() OPERATOR(pg_catalog.+) timeout;
    local text := gt.local_region();
    behind integer;
BEGIN
    -- A copy of the region replicates nothing: it cannot say yes.
    PERFORM gt._check_not_copy();
    LOOP
        -- A peer is caught up when the slot kept for it has been confirmed,
        -- by its link worker, past everything committed before the call.
        SELECT pg_catalog.count(*) INTO behind
            FROM gt._peers() p (region_name)
            LEFT JOIN pg_catalog.pg_replication_slots s
                ON s.slot_name OPERATOR(pg_catalog.=) gt._link_name(local, p.region_name)
               AND s.database OPERATOR(pg_catalog.=) pg_catalog.current_database()
            WHERE s.confirmed_flush_lsn IS NULL
               OR s.confirmed_flush_lsn OPERATOR(pg_catalog.<) target;
        IF behind OPERATOR(pg_catalog.=) 0 THEN
            RETURN true;
        END IF;
        IF pg_catalog.clock_timestamp() OPERATOR(pg_catalog.>) deadline THEN
            RETURN false;
        END IF;
        PERFORM pg_catalog.pg_sleep(0.005);
    END LOOP;
END
$$;
COMMENT ON FUNCTION gt.wait_for_replication(interval) IS 'waits until every other replica has applied this region''s committed changes';

-- Transactions of a peer that this region's link worker must skip, by the
-- LSN at which they finished in the peer.  The worker deletes a request in
-- the transaction that skips.
CREATE TABLE gt.link_skip (
    peer text PRIMARY KEY,
    finish_lsn pg_lsn NOT NULL
);
COMMENT ON TABLE gt.link_skip IS 'requests to skip one remote transaction per link';

CREATE FUNCTION gt._link_state(OUT peer text, OUT error_time timestamptz,
                               OUT finish_lsn pg_lsn, OUT message text,
                               OUT watermark bigint)
    RETURNS SETOF record
    LANGUAGE C VOLATILE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_link_state';
COMMENT ON FUNCTION gt._link_state() IS 'the last error of each link worker of this region, and the last watermark its peer sent';

CREATE FUNCTION gt._forget_link(peer text) RETURNS void
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_forget_link';
COMMENT ON FUNCTION gt._forget_link(text) IS 'forgets the shared state of a dropped link';

CREATE FUNCTION gt._stamp_horizon() RETURNS bigint
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_stamp_horizon';
COMMENT ON FUNCTION gt._stamp_horizon() IS 'a time below every update time a transaction of this region committing from now on can carry';

-- Sends this region's watermark to every peer, in its place in the
-- replication stream: every change committed after it is newer.  Nothing is
-- sent while a prepared transaction, which may commit any time later with
-- older times, exists in this database.  Returns the watermark sent, or NULL.
CREATE FUNCTION gt._publish_watermark() RETURNS bigint
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    watermark bigint := gt._stamp_horizon();
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_prepared_xacts p
               WHERE p.database OPERATOR(pg_catalog.=) pg_catalog.current_database()) THEN
        RETURN NULL;
    END IF;
    INSERT INTO gt._watermark AS w (singleton, watermark) VALUES (true, watermark)
        ON CONFLICT (singleton) DO UPDATE SET watermark = EXCLUDED.watermark;
    RETURN watermark;
END
$$;
COMMENT ON FUNCTION gt._publish_watermark() IS 'sends this region''s watermark to its peers';

-- Removes the tombstones of this region's replicas that no change still on
-- its way can contradict: those older than the last watermark of every other
-- region of their table (see src/gt_tombstone.c).  Each region collects on
-- its own; the removal is not replicated.  Rows locked by a writer, and
-- tables locked against writes, are left for the next round, as is anything
-- beyond 10000 tombstones per table.  Returns how many were removed.
CREATE FUNCTION gt.collect_tombstones() RETURNS bigint
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    t record;
    horizon bigint;
    missing bigint;
    removed bigint;
    total bigint := 0;
BEGIN
    FOR t IN SELECT g.table_name, g.relid FROM gt.global_table g
             ORDER BY g.table_name LOOP
        SELECT pg_catalog.min(w.watermark),
               pg_catalog.count(*) FILTER (WHERE w.watermark IS NULL)
            INTO horizon, missing
            FROM gt.replica r
            LEFT JOIN gt._link_state() w ON w.peer OPERATOR(pg_catalog.=) r.region_name
            WHERE r.table_name OPERATOR(pg_catalog.=) t.table_name
              AND r.region_name OPERATOR(pg_catalog.<>) gt.local_region();
        CONTINUE WHEN missing OPERATOR(pg_catalog.>) 0;
        horizon := LEAST(horizon, gt._stamp_horizon());
        BEGIN
            EXECUTE pg_catalog.format('LOCK TABLE %s IN ROW EXCLUSIVE MODE NOWAIT', t.relid);
            removed := gt._collect_table(t.relid, horizon);
            total := total OPERATOR(pg_catalog.+) removed;
        EXCEPTION
            WHEN lock_not_available THEN
                NULL;
            WHEN OTHERS THEN
                -- This table's tombstones wait for the next round; the
                -- other tables are collected (a foreign key, say).
                RAISE WARNING 'could not collect the tombstones of table "%": %',
                    t.table_name, SQLERRM;
        END;
    END LOOP;
    RETURN total;
END
$$;
CREATE FUNCTION gt._collect_table(relid regclass, horizon bigint) RETURNS bigint
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_collect_table';
COMMENT ON FUNCTION gt._collect_table(regclass, bigint) IS 'removes old tombstones of one replica table, as its owner';

COMMENT ON FUNCTION gt.collect_tombstones() IS 'removes the tombstones no peer can still need';

CREATE FUNCTION gt.skip_transaction(peer text, finish_lsn pg_lsn) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NOT gt._shares_tables(peer) THEN
        RAISE EXCEPTION 'region "%" is not a peer of region "%"', peer, gt.local_region()
            USING ERRCODE = 'undefined_object';
    END IF;
    IF finish_lsn IS NULL OR finish_lsn OPERATOR(pg_catalog.=) '0/0' THEN
        RAISE EXCEPTION 'invalid finish LSN "%"', finish_lsn
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use the position after "finished at" in the error, or gt.links.last_error_finish_lsn.';
    END IF;
    INSERT INTO gt.link_skip AS k (peer, finish_lsn) VALUES (skip_transaction.peer, skip_transaction.finish_lsn)
        ON CONFLICT ON CONSTRAINT link_skip_pkey DO UPDATE SET finish_lsn = excluded.finish_lsn;
    -- The worker reads requests when it starts: restart it.
    PERFORM pg_catalog.pg_terminate_backend(a.pid)
        FROM pg_catalog.pg_stat_activity a
        WHERE a.backend_type OPERATOR(pg_catalog.=) 'gt link worker'
          AND a.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()
          AND a.application_name OPERATOR(pg_catalog.=) gt._link_name(gt.local_region(), skip_transaction.peer);
END
$$;
COMMENT ON FUNCTION gt.skip_transaction(text, pg_lsn) IS 'makes the link from a peer skip one remote transaction';

CREATE VIEW gt.links AS
    SELECT p.region_name AS peer,
           s.slot_name,
           s.active AS peer_connected,
           s.confirmed_flush_lsn AS peer_confirmed_lsn,
           o.external_id AS origin_name,
           o.remote_lsn AS applied_remote_lsn,
           w.pid AS worker_pid,
           e.error_time AS last_error_time,
           e.message AS last_error,
           e.finish_lsn AS last_error_finish_lsn,
           gt.hlc_to_timestamptz(e.watermark) AS peer_watermark
    FROM gt._peers() p (region_name)
    CROSS JOIN gt.region l
    LEFT JOIN pg_catalog.pg_replication_slots s
        ON s.slot_name OPERATOR(pg_catalog.=) gt._link_name(l.name, p.region_name)
       AND s.database OPERATOR(pg_catalog.=) pg_catalog.current_database()
    LEFT JOIN pg_catalog.pg_replication_origin_status o
        ON o.external_id OPERATOR(pg_catalog.=) gt._link_name(l.name, p.region_name)
    LEFT JOIN pg_catalog.pg_stat_activity w
        ON w.application_name OPERATOR(pg_catalog.=) gt._link_name(l.name, p.region_name)
       AND w.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()
       AND w.backend_type OPERATOR(pg_catalog.=) 'gt link worker'
    LEFT JOIN gt._link_state() e ON e.peer OPERATOR(pg_catalog.=) p.region_name;
COMMENT ON VIEW gt.links IS 'replication links of this region with each peer';

-- The peers whose link worker has not started here within timeout, with the
-- reason gt.links gives (no background worker slot, a connection error), or
-- NULL if every link has its worker: update_table asks each region after
-- creating links (a region whose links cannot get a worker must say so).
CREATE FUNCTION gt._links_without_worker(timeout interval) RETURNS text
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    deadline timestamptz := pg_catalog.clock_timestamp() OPERATOR(pg_catalog.+) timeout;
    missing text;
BEGIN
    LOOP
        -- pg_stat_activity, which gt.links reads, is otherwise read once per
        -- transaction.
        PERFORM pg_catalog.pg_stat_clear_snapshot();
        SELECT pg_catalog.string_agg(pg_catalog.format('"%s" (%s)', l.peer,
                   COALESCE(l.last_error, 'not started yet')), ', ' ORDER BY l.peer)
            INTO missing
            FROM gt.links l WHERE l.worker_pid IS NULL;
        IF missing IS NULL OR pg_catalog.clock_timestamp() OPERATOR(pg_catalog.>) deadline THEN
            RETURN missing;
        END IF;
        PERFORM pg_catalog.pg_sleep(0.05);
    END LOOP;
END
$$;
COMMENT ON FUNCTION gt._links_without_worker(interval) IS 'the links of this region whose worker has not started';
