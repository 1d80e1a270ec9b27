-- src/sql/steps.sql: multi-region steps, which commit in every region or in none.
-- Part of the install script; the Makefile concatenates the topics.

--
-- Table management changes the catalogs of several regions at once (a
-- replica appears in, or leaves, every region of a table).  Each region's
-- part runs in a session of its own there, so a region failing half-way
-- used to leave the others changed: a split mesh.  A step is now a
-- two-phase commit, the protocol of PostgreSQL's PREPARE TRANSACTION (and
-- of postgres_fdw's and Citus's distributed commits):
--
--   1. The coordinator (the region where the SQL function was called)
--      records the step, "pending", in gt._step, committed on its own.
--   2. Each participant runs its part and PREPAREs it under the name
--      gt_step:<id>:<coordinator>:<participant> (names are cluster-wide,
--      and several regions may share a cluster).  Any failure: every part
--      is rolled back, and nothing was committed anywhere.
--   3. The coordinator decides "commit" by updating its gt._step row from
--      "pending"; then it commits each part.
--
-- A part left prepared (the coordinator or the network failed) is resolved
-- by its region's launcher once it is older than "gt.step_timeout": it asks
-- the coordinator, which answers "commit" if it decided so, or else decides
-- "abort" itself (the same one-row update, so the coordinator and a
-- resolver cannot both win).  A coordinator that is lost for good is
-- resolved by gt.detach_region(): the step committed if any surviving
-- participant committed its part (each part records gt._step_done), and is
-- rolled back everywhere otherwise.
--
-- Replication slots are not transactional: their creation and removal
-- stay outside steps, before (creation) or after (removal) them.
--

-- The steps this region coordinates, until every participant resolved its
-- part.
CREATE TABLE gt._step (
    id uuid PRIMARY KEY,
    unresolved text[] NOT NULL,
    outcome text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'commit', 'abort')),
    started_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE gt._step IS 'multi-region steps this region coordinates, and their outcome';

-- The steps whose part committed here: what tells the survivors of a lost
-- coordinator whether its step committed.
CREATE TABLE gt._step_done (
    id uuid PRIMARY KEY,
    done_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE gt._step_done IS 'multi-region steps whose part committed in this region';

CREATE FUNCTION gt._step_gid(id uuid, coordinator text, participant text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN pg_catalog.format('gt_step:%s:%s:%s', id, coordinator, participant);
COMMENT ON FUNCTION gt._step_gid(uuid, text, text) IS 'the prepared-transaction name of a participant''s part of a step';

-- The coordinator's record of a new step; called in a session of its own,
-- so that it is committed before any part is prepared.
CREATE FUNCTION gt._step_begin(participants text[]) RETURNS uuid
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        INSERT INTO gt._step (id, unresolved) VALUES (pg_catalog.gen_random_uuid(), participants) RETURNING id
    $$;
COMMENT ON FUNCTION gt._step_begin(text[]) IS 'records a new multi-region step this region coordinates';

-- Decides a step, if nobody did yet, and returns its outcome: the
-- coordinator's decision, either way.  A step without a row was rolled back
-- (rows go when every part is resolved).
CREATE FUNCTION gt._step_decide(step uuid, wanted text) RETURNS text
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    decided text;
BEGIN
    UPDATE gt._step s SET outcome = wanted
        WHERE s.id OPERATOR(pg_catalog.=) step AND s.outcome OPERATOR(pg_catalog.=) 'pending';
    SELECT s.outcome INTO decided FROM gt._step s WHERE s.id OPERATOR(pg_catalog.=) step;
    RETURN COALESCE(decided, 'abort');
END
$$;
COMMENT ON FUNCTION gt._step_decide(uuid, text) IS 'decides a multi-region step unless it was decided, and returns its outcome';

-- A resolver's question: the outcome of a step, which is decided "abort"
-- here if it is still pending after "gt.step_timeout".
CREATE FUNCTION gt._step_outcome(step uuid) RETURNS text
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gt._step s WHERE s.id OPERATOR(pg_catalog.=) step
               AND s.outcome OPERATOR(pg_catalog.=) 'pending'
               AND s.started_at OPERATOR(pg_catalog.>=) (pg_catalog.now() OPERATOR(pg_catalog.-)
                   pg_catalog.current_setting('gt.step_timeout')::pg_catalog.interval)) THEN
        RETURN 'pending';
    END IF;
    RETURN gt._step_decide(step, 'abort');
END
$$;
COMMENT ON FUNCTION gt._step_outcome(uuid) IS 'the outcome of a step, aborting it if it is pending for too long';

-- A participant's part of a step is resolved: the coordinator forgets the
-- step once all are.
CREATE FUNCTION gt._step_resolved(step uuid, participant text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    UPDATE gt._step s SET unresolved = pg_catalog.array_remove(s.unresolved, participant)
        WHERE s.id OPERATOR(pg_catalog.=) step;
    DELETE FROM gt._step s WHERE s.id OPERATOR(pg_catalog.=) step
        AND s.outcome OPERATOR(pg_catalog.<>) 'pending'
        AND s.unresolved OPERATOR(pg_catalog.=) '{}';
END
$$;
COMMENT ON FUNCTION gt._step_resolved(uuid, text) IS 'records that a participant resolved its part of a step';

-- Commits (outcome "commit") or rolls back a prepared part of a step in
-- its region.
CREATE FUNCTION gt._end_part(region text, gid text, outcome text) RETURNS void
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT gt._region_exec(region, pg_catalog.format('%s PREPARED %L',
            CASE outcome WHEN 'commit' THEN 'COMMIT' ELSE 'ROLLBACK' END, gid))
    $$;
COMMENT ON FUNCTION gt._end_part(text, text, text) IS 'commits or rolls back a prepared part of a step';

-- Ends the parts of a step that were prepared, by its outcome; a region
-- that cannot be reached now resolves its part later (see above).
CREATE FUNCTION gt._step_finish(step uuid, participants text[], outcome text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    local text := gt.local_region();
    r text;
BEGIN
    FOREACH r IN ARRAY participants LOOP
        BEGIN
            PERFORM gt._end_part(r, gt._step_gid(step, local, r), outcome);
            PERFORM gt._region_exec(local, pg_catalog.format('SELECT gt._step_resolved(%L, %L)', step, r));
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'region "%" will % its part of the change when it can: %', r,
                CASE outcome WHEN 'commit' THEN 'commit' ELSE 'roll back' END, SQLERRM
                USING DETAIL = pg_catalog.format('Its part is the prepared transaction "%s".', gt._step_gid(step, local, r)),
                      HINT = 'The launcher of that region resolves it once the region is reachable (see "gt.step_timeout").';
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION gt._step_finish(uuid, text[], text) IS 'commits or rolls back the prepared parts of a step';

-- Runs statements[i] in regions[i], for every i, committing all of them or
-- none.  Each region appears once.
CREATE FUNCTION gt._run_step(regions text[], statements text[]) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    local text := gt.local_region();
    step uuid;
    prepared text[] := '{}';
    outcome text;
BEGIN
    IF pg_catalog.cardinality(regions) OPERATOR(pg_catalog.<>) pg_catalog.cardinality(statements)
       OR (SELECT pg_catalog.count(DISTINCT r) FROM pg_catalog.unnest(regions) r)
          OPERATOR(pg_catalog.<>) pg_catalog.cardinality(regions) THEN
        RAISE EXCEPTION 'a multi-region step needs one statement for each of distinct regions';
    END IF;
    step := gt._region_exec(local, pg_catalog.format('SELECT gt._step_begin(%L)', regions))::uuid;
    BEGIN
        FOR i IN 1 .. pg_catalog.cardinality(regions) LOOP
            PERFORM gt._region_exec(regions[i], pg_catalog.format(
                'BEGIN; %s; INSERT INTO gt._step_done (id) VALUES (%L); PREPARE TRANSACTION %L',
                statements[i], step, gt._step_gid(step, local, regions[i])));
            prepared := prepared OPERATOR(pg_catalog.||) regions[i];
        END LOOP;
        outcome := gt._region_exec(local, pg_catalog.format('SELECT gt._step_decide(%L, ''commit'')', step));
        IF outcome OPERATOR(pg_catalog.<>) 'commit' THEN
            RAISE EXCEPTION 'a multi-region step was rolled back after "gt.step_timeout"'
                USING ERRCODE = 'lock_not_available',
                      DETAIL = 'A region resolved its part before every region had prepared its own.',
                      HINT = 'Retry; raise "gt.step_timeout" if regions are slow to answer.';
        END IF;
    EXCEPTION WHEN OTHERS THEN
        -- Nothing was committed anywhere: roll the prepared parts back and
        -- report the original error.  (A part whose preparation succeeded
        -- without our hearing of it is rolled back by its launcher.)  If
        -- only the answer to the decision was lost, the step committed.
        BEGIN
            outcome := gt._region_exec(local, pg_catalog.format('SELECT gt._step_decide(%L, ''abort'')', step));
        EXCEPTION WHEN OTHERS THEN
            outcome := 'pending';   -- no decision: resolvers abort it
        END;
        IF outcome OPERATOR(pg_catalog.=) 'commit' THEN
            PERFORM gt._step_finish(step, prepared, 'commit');
            RETURN;
        END IF;
        PERFORM gt._step_finish(step, prepared, 'abort');
        -- A step without a row is rolled back: a part prepared without our
        -- hearing of it is rolled back by its launcher all the same.
        BEGIN
            PERFORM gt._region_exec(local, pg_catalog.format('DELETE FROM gt._step WHERE id = %L', step));
        EXCEPTION WHEN OTHERS THEN
            NULL;
        END;
        RAISE;
    END;
    PERFORM gt._step_finish(step, prepared, 'commit');
END
$$;
COMMENT ON FUNCTION gt._run_step(text[], text[]) IS 'runs a statement in each of several regions, committing all or none';

-- Resolves this region's parts of steps that stayed prepared longer than
-- "gt.step_timeout": run by the launcher.  Returns how many it resolved.
CREATE FUNCTION gt._resolve_steps() RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    local text := gt.local_region();
    x record;
    outcome text;
    resolved integer := 0;
BEGIN
    FOR x IN SELECT p.gid, pg_catalog.split_part(p.gid, ':', 2)::uuid AS step,
                    pg_catalog.split_part(p.gid, ':', 3) AS coordinator
             FROM pg_catalog.pg_prepared_xacts p
             WHERE pg_catalog.split_part(p.gid, ':', 1) OPERATOR(pg_catalog.=) 'gt_step'
               AND pg_catalog.split_part(p.gid, ':', 4) OPERATOR(pg_catalog.=) local
               AND p.database OPERATOR(pg_catalog.=) pg_catalog.current_database()
               AND p.prepared OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-)
                   pg_catalog.current_setting('gt.step_timeout')::pg_catalog.interval)
    LOOP
        BEGIN
            outcome := gt._region_exec(x.coordinator,
                pg_catalog.format('SELECT gt._step_outcome(%L)', x.step));
            CONTINUE WHEN outcome OPERATOR(pg_catalog.=) 'pending';
            PERFORM gt._end_part(local, x.gid, outcome);
            PERFORM gt._region_exec(x.coordinator,
                pg_catalog.format('SELECT gt._step_resolved(%L, %L)', x.step, local));
            RAISE LOG 'region "%" resolved its part of step % of region "%": %', local, x.step, x.coordinator, outcome;
            resolved := resolved OPERATOR(pg_catalog.+) 1;
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'region "%" could not resolve its prepared transaction "%": %', local, x.gid, SQLERRM
                USING HINT = pg_catalog.format('It is resolved once region "%s" can be reached; if that region is lost for good, run gt.detach_region(''%s'').',
                                               x.coordinator, x.coordinator);
        END;
    END LOOP;
    DELETE FROM gt._step_done d
        WHERE d.done_at OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) '7 days'::pg_catalog.interval);
    RETURN resolved;
END
$$;
COMMENT ON FUNCTION gt._resolve_steps() IS 'resolves this region''s parts of steps left prepared';

-- Resolves, in every surviving region, the parts of steps that a lost
-- region coordinated: committed where any survivor committed its part, and
-- rolled back otherwise (the lost region alone may have decided; whatever
-- it did, only the survivors remain).  Every survivor must be reachable.
CREATE FUNCTION gt._resolve_orphan_steps(lost text, survivors text[]) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    s text;
    r text;
    gid text;
    step uuid;
    committed boolean;
BEGIN
    FOREACH s IN ARRAY survivors LOOP
        FOR gid IN SELECT pg_catalog.unnest(pg_catalog.string_to_array(gt._region_exec(s, pg_catalog.format(
                       'SELECT pg_catalog.string_agg(p.gid, '' '') FROM pg_catalog.pg_prepared_xacts p'
                       ' WHERE pg_catalog.split_part(p.gid, '':'', 1) = ''gt_step'''
                       ' AND pg_catalog.split_part(p.gid, '':'', 3) = %L'
                       ' AND pg_catalog.split_part(p.gid, '':'', 4) = %L', lost, s)), ' ')) LOOP
            step := pg_catalog.split_part(gid, ':', 2)::uuid;
            committed := false;
            FOREACH r IN ARRAY survivors LOOP
                committed := committed OR gt._region_exec(r, pg_catalog.format(
                    'SELECT EXISTS (SELECT 1 FROM gt._step_done WHERE id = %L)', step))::boolean;
            END LOOP;
            PERFORM gt._end_part(s, gid, CASE WHEN committed THEN 'commit' ELSE 'abort' END);
            RAISE NOTICE 'step % of lost region "%" was % in region "%"', step, lost,
                CASE WHEN committed THEN 'committed' ELSE 'rolled back' END, s;
        END LOOP;
    END LOOP;
END
$$;
COMMENT ON FUNCTION gt._resolve_orphan_steps(text, text[]) IS 'resolves the prepared parts of steps of a lost region';
