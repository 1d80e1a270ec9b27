-- src/sql/tables.sql: table management: CreateTable, UpdateTable, DescribeTable, ListTables, DeleteTable.
-- Part of the install script; the Makefile concatenates the topics.

--
-- Tables
--

CREATE FUNCTION gt._error_not_found(table_name text) RETURNS void
    LANGUAGE C STABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_error_not_found_sql';
COMMENT ON FUNCTION gt._error_not_found(text) IS 'raises ResourceNotFoundException for a table';

-- Rejects request keys an operation does not know.
CREATE FUNCTION gt._check_request(request jsonb, operation text, allowed text[]) RETURNS void
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_check_request_sql';
COMMENT ON FUNCTION gt._check_request(jsonb, text, text[]) IS 'rejects unknown request parameters';

CREATE FUNCTION gt._request_string(request jsonb, field text, operation text) RETURNS text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_request_string_sql';
COMMENT ON FUNCTION gt._request_string(jsonb, text, text) IS 'a required string parameter of a request';

CREATE FUNCTION gt._check_table_name(name text) RETURNS void
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_check_table_name_sql';
COMMENT ON FUNCTION gt._check_table_name(text) IS 'errors unless name is a valid DynamoDB table name';

-- The statement that applies one version of table_name from another region
-- through the write primitive, as a link worker does (gt._apply_version):
-- $1 item (json text), $2 update time, $3 update region, $4 deleting, $5 the
-- region it came from.  Last-writer-wins decides.  NULL if the table is not
-- global here.
CREATE FUNCTION gt._apply_sql(table_name text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN (SELECT pg_catalog.format(
                'SELECT gt._apply_version(%L, $1::pg_catalog.jsonb, $2, $3, $4, $5)', g.table_name)
            FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) _apply_sql.table_name);
COMMENT ON FUNCTION gt._apply_sql(text) IS 'statement applying a replicated item version';

-- Creates the replica table itself, with its LWW trigger.
CREATE FUNCTION gt._create_replica_table(table_name text, hash_key text, hash_type text,
                                         range_key text, range_type text) RETURNS regclass
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    rel regclass;
BEGIN
    IF pg_catalog.to_regclass(pg_catalog.format('public.%I', table_name)) IS NOT NULL THEN
        PERFORM gt._raise('ResourceInUseException', pg_catalog.format('Table already exists: %s', table_name),
            pg_catalog.format('Table "%s" already exists in region "%s".', table_name, gt.local_region()));
    END IF;
    EXECUTE pg_catalog.format(
        'CREATE TABLE public.%I (%I %s NOT NULL, %s item pg_catalog.jsonb NOT NULL, '
        'gt_update_time pg_catalog.int8 NOT NULL DEFAULT 0, '
        'gt_update_region pg_catalog.text NOT NULL DEFAULT '''', '
        'gt_deleting pg_catalog.bool NOT NULL DEFAULT false, PRIMARY KEY (%I%s))',
        table_name, hash_key, gt._key_column_type(hash_type),
        CASE WHEN range_key IS NULL THEN '' ELSE
            pg_catalog.format('%I %s NOT NULL, ', range_key, gt._key_column_type(range_type)) END,
        hash_key, CASE WHEN range_key IS NULL THEN '' ELSE pg_catalog.format(', %I', range_key) END);
    rel := pg_catalog.format('public.%I', table_name)::regclass;
    EXECUTE pg_catalog.format(
        'CREATE TRIGGER gt_lww BEFORE INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION gt._lww_trigger()', rel);
    EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER gt_lww', rel);
    EXECUTE pg_catalog.format(
        'CREATE TRIGGER gt_lww_tombstone AFTER DELETE ON %s FOR EACH ROW EXECUTE FUNCTION gt._lww_trigger()', rel);
    EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER gt_lww_tombstone', rel);
    EXECUTE pg_catalog.format(
        'CREATE TRIGGER gt_no_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION gt._truncate_guard()', rel);
    EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER gt_no_truncate', rel);
    EXECUTE pg_catalog.format('COMMENT ON TABLE %s IS %L', rel,
                              pg_catalog.format('replica of global table %s', table_name));
    RETURN rel;
END
$$;
COMMENT ON FUNCTION gt._create_replica_table(text, text, text, text, text) IS 'creates a replica table';

CREATE FUNCTION gt._truncate_guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    RAISE EXCEPTION 'cannot truncate replica table %', TG_TABLE_NAME
        USING ERRCODE = 'feature_not_supported',
              DETAIL = 'TRUNCATE is not replicated, so the replicas would diverge.',
              HINT = 'Delete the items with DELETE or gt.delete_item(), or delete the table with gt.delete_table().';
END
$$;
COMMENT ON FUNCTION gt._truncate_guard() IS 'refuses TRUNCATE of a replica table';

-- The Table object of DescribeTable.
CREATE FUNCTION gt._describe(table_name text, status text DEFAULT 'ACTIVE') RETURNS jsonb
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    t gt.global_table;
    local text := gt.local_region();
    item_count bigint;
    size_bytes bigint;
    result jsonb;
    replicas jsonb;
BEGIN
    SELECT * INTO t FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) _describe.table_name;
    IF NOT FOUND THEN
        PERFORM gt._error_not_found(table_name);
    END IF;
    -- A replica table dropped behind the DDL guard's back holds nothing.
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) t.relid::pg_catalog.oid) THEN
        EXECUTE pg_catalog.format('SELECT pg_catalog.count(*), COALESCE(pg_catalog.sum(pg_catalog.pg_column_size(item)), 0) FROM %s WHERE NOT gt_deleting', t.relid)
            INTO item_count, size_bytes;
    ELSE
        item_count := 0;
        size_bytes := 0;
    END IF;
    result := pg_catalog.jsonb_build_object(
        'TableName', t.table_name,
        'TableStatus', status,
        'KeySchema', pg_catalog.jsonb_build_array(
            pg_catalog.jsonb_build_object('AttributeName', t.hash_key, 'KeyType', 'HASH'))
            OPERATOR(pg_catalog.||) CASE WHEN t.range_key IS NULL THEN '[]'::jsonb ELSE
            pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('AttributeName', t.range_key, 'KeyType', 'RANGE')) END,
        'AttributeDefinitions', pg_catalog.jsonb_build_array(
            pg_catalog.jsonb_build_object('AttributeName', t.hash_key, 'AttributeType', t.hash_type))
            OPERATOR(pg_catalog.||) CASE WHEN t.range_key IS NULL THEN '[]'::jsonb ELSE
            pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('AttributeName', t.range_key, 'AttributeType', t.range_type)) END,
        'ItemCount', item_count,
        'TableSizeBytes', size_bytes,
        'CreationDateTime', pg_catalog.round(EXTRACT(epoch FROM t.created_at), 3),
        'BillingModeSummary', pg_catalog.jsonb_build_object('BillingMode', t.billing_mode),
        'TableArn', pg_catalog.format('arn:aws:dynamodb:%s:000000000000:table/%s', local, t.table_name));
    SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('RegionName', r.region_name,
                                                               'ReplicaStatus', r.status)
                                ORDER BY r.region_name)
        INTO replicas
        FROM gt.replica r
        WHERE r.table_name OPERATOR(pg_catalog.=) t.table_name
          AND r.region_name OPERATOR(pg_catalog.<>) local;
    -- Like DynamoDB: the region described is not listed, and a table with
    -- no other replica is not a global table.
    IF replicas IS NOT NULL THEN
        result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
            'GlobalTableVersion', '2019.11.21', 'Replicas', replicas);
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION gt._describe(text, text) IS 'the DescribeTable Table object';

CREATE FUNCTION gt.create_table(request jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    op constant text := 'CreateTable';
    name text;
    ks jsonb;
    defs jsonb;
    elem jsonb;
    hash_key text;
    range_key text;
    hash_type text;
    range_type text;
    billing text;
    attr text;
    def_types jsonb := '{}';
    rel regclass;
BEGIN
    PERFORM gt._check_prerequisites();
    PERFORM gt.local_region();
    PERFORM gt._check_request(request, op, ARRAY['TableName', 'KeySchema', 'AttributeDefinitions',
        'BillingMode', 'ProvisionedThroughput', 'Tags', 'TableClass', 'DeletionProtectionEnabled']);
    name := gt._request_string(request, 'TableName', op);
    PERFORM gt._check_table_name(name);

    ks := request OPERATOR(pg_catalog.->) 'KeySchema';
    IF ks IS NULL OR pg_catalog.jsonb_typeof(ks) OPERATOR(pg_catalog.<>) 'array'
       OR pg_catalog.jsonb_array_length(ks) NOT BETWEEN 1 AND 2 THEN
        PERFORM gt._raise('ValidationException', 'KeySchema must be an array of one or two key elements');
    END IF;
    FOR elem IN SELECT pg_catalog.jsonb_array_elements(ks) LOOP
        attr := elem OPERATOR(pg_catalog.->>) 'AttributeName';
        IF attr IS NULL OR attr OPERATOR(pg_catalog.=) '' OR pg_catalog.octet_length(attr) > 255 THEN
            PERFORM gt._raise('ValidationException', pg_catalog.format('KeySchema element %s must have an AttributeName of 1 to 255 bytes', elem));
        END IF;
        IF attr IN ('item', 'gt_update_time', 'gt_update_region', 'gt_deleting') OR attr LIKE 'aws:rep:%' THEN
            PERFORM gt._raise('ValidationException', pg_catalog.format('key attribute name "%s" is reserved', attr),
                'Replica tables use the columns item, gt_update_time, gt_update_region and gt_deleting.', NULL);
        END IF;
        -- A key attribute is a column of each replica: PostgreSQL would
        -- truncate a longer name (and the first replicated write would stop
        -- the link), and a system column's name is taken.
        IF pg_catalog.octet_length(attr) > 63 THEN
            PERFORM gt._raise('ValidationException', pg_catalog.format('key attribute name "%s" is longer than 63 bytes', attr),
                'Key attributes are columns of every replica table, and PostgreSQL limits column names to 63 bytes.', NULL);
        END IF;
        IF attr IN ('tableoid', 'ctid', 'xmin', 'xmax', 'cmin', 'cmax') THEN
            PERFORM gt._raise('ValidationException', pg_catalog.format('key attribute name "%s" is reserved', attr),
                'Key attributes are columns of every replica table, and PostgreSQL names its system columns so.', NULL);
        END IF;
        CASE elem OPERATOR(pg_catalog.->>) 'KeyType'
            WHEN 'HASH' THEN
                IF hash_key IS NOT NULL THEN
                    PERFORM gt._raise('ValidationException', 'KeySchema must have exactly one HASH key');
                END IF;
                hash_key := attr;
            WHEN 'RANGE' THEN
                IF range_key IS NOT NULL THEN
                    PERFORM gt._raise('ValidationException', 'KeySchema must have at most one RANGE key');
                END IF;
                range_key := attr;
            ELSE
                PERFORM gt._raise('ValidationException', pg_catalog.format('invalid KeyType %s for key attribute "%s"', COALESCE(elem OPERATOR(pg_catalog.->) 'KeyType', 'null'), attr),
                    NULL, 'KeyType is HASH or RANGE.');
        END CASE;
    END LOOP;
    IF hash_key IS NULL THEN
        PERFORM gt._raise('ValidationException', 'KeySchema must have exactly one HASH key');
    END IF;
    IF hash_key OPERATOR(pg_catalog.=) range_key THEN
        PERFORM gt._raise('ValidationException', pg_catalog.format('HASH and RANGE key must be different attributes, not both "%s"', hash_key));
    END IF;

    defs := request OPERATOR(pg_catalog.->) 'AttributeDefinitions';
    IF defs IS NULL OR pg_catalog.jsonb_typeof(defs) OPERATOR(pg_catalog.<>) 'array' THEN
        PERFORM gt._raise('ValidationException', 'AttributeDefinitions must be an array');
    END IF;
    FOR elem IN SELECT pg_catalog.jsonb_array_elements(defs) LOOP
        attr := elem OPERATOR(pg_catalog.->>) 'AttributeName';
        IF attr IS NULL OR NOT COALESCE(elem OPERATOR(pg_catalog.->>) 'AttributeType', '') IN ('S', 'N', 'B') THEN
            PERFORM gt._raise('ValidationException', pg_catalog.format('invalid attribute definition %s', elem),
                NULL, 'Each definition has an AttributeName and an AttributeType of S, N or B.');
        END IF;
        IF def_types ? attr THEN
            PERFORM gt._raise('ValidationException', pg_catalog.format('attribute "%s" is defined more than once', attr));
        END IF;
        def_types := def_types OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(attr, elem OPERATOR(pg_catalog.->>) 'AttributeType');
    END LOOP;
    hash_type := def_types OPERATOR(pg_catalog.->>) hash_key;
    range_type := def_types OPERATOR(pg_catalog.->>) range_key;
    IF hash_type IS NULL OR (range_key IS NOT NULL AND range_type IS NULL) THEN
        PERFORM gt._raise('ValidationException', pg_catalog.format('key attribute "%s" has no attribute definition',
                CASE WHEN hash_type IS NULL THEN hash_key ELSE range_key END));
    END IF;
    IF (SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_object_keys(def_types))
       OPERATOR(pg_catalog.<>) pg_catalog.jsonb_array_length(ks) THEN
        PERFORM gt._raise('ValidationException', 'number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions');
    END IF;

    billing := COALESCE(request OPERATOR(pg_catalog.->>) 'BillingMode', 'PROVISIONED');
    IF billing NOT IN ('PROVISIONED', 'PAY_PER_REQUEST') THEN
        PERFORM gt._raise('ValidationException', pg_catalog.format('invalid BillingMode "%s"', billing),
            NULL, 'BillingMode is PROVISIONED or PAY_PER_REQUEST.');
    END IF;

    IF EXISTS (SELECT 1 FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) name) THEN
        PERFORM gt._raise('ResourceInUseException', pg_catalog.format('Table already exists: %s', name),
            pg_catalog.format('Table "%s" already exists in region "%s".', name, gt.local_region()));
    END IF;

    rel := gt._create_replica_table(name, hash_key, hash_type, range_key, range_type);
    INSERT INTO gt.global_table (table_name, relid, hash_key, hash_type, range_key, range_type, billing_mode)
        VALUES (name, rel, hash_key, hash_type, range_key, range_type, billing);
    INSERT INTO gt.replica (table_name, region_name) VALUES (name, gt.local_region());
    RETURN pg_catalog.jsonb_build_object('TableDescription', gt._describe(name));
END
$$;
COMMENT ON FUNCTION gt.create_table(jsonb) IS 'DynamoDB CreateTable';

-- Installs a replica of a global table in this region (the new region's
-- side of ReplicaUpdates Create).
CREATE FUNCTION gt._attach_replica(description jsonb, billing_mode text, replicas text[]) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    name text := description OPERATOR(pg_catalog.->>) 'TableName';
    hash_key text;
    hash_type text;
    range_key text;
    range_type text;
    rel regclass;
BEGIN
    PERFORM gt._check_can_attach(name);
    SELECT k OPERATOR(pg_catalog.->>) 'AttributeName' INTO hash_key
        FROM pg_catalog.jsonb_array_elements(description OPERATOR(pg_catalog.->) 'KeySchema') k
        WHERE k OPERATOR(pg_catalog.->>) 'KeyType' OPERATOR(pg_catalog.=) 'HASH';
    SELECT k OPERATOR(pg_catalog.->>) 'AttributeName' INTO range_key
        FROM pg_catalog.jsonb_array_elements(description OPERATOR(pg_catalog.->) 'KeySchema') k
        WHERE k OPERATOR(pg_catalog.->>) 'KeyType' OPERATOR(pg_catalog.=) 'RANGE';
    SELECT d OPERATOR(pg_catalog.->>) 'AttributeType' INTO hash_type
        FROM pg_catalog.jsonb_array_elements(description OPERATOR(pg_catalog.->) 'AttributeDefinitions') d
        WHERE d OPERATOR(pg_catalog.->>) 'AttributeName' OPERATOR(pg_catalog.=) hash_key;
    SELECT d OPERATOR(pg_catalog.->>) 'AttributeType' INTO range_type
        FROM pg_catalog.jsonb_array_elements(description OPERATOR(pg_catalog.->) 'AttributeDefinitions') d
        WHERE d OPERATOR(pg_catalog.->>) 'AttributeName' OPERATOR(pg_catalog.=) range_key;
    rel := gt._create_replica_table(name, hash_key, hash_type, range_key, range_type);
    INSERT INTO gt.global_table (table_name, relid, hash_key, hash_type, range_key, range_type, billing_mode)
        VALUES (name, rel, hash_key, hash_type, range_key, range_type, billing_mode);
    INSERT INTO gt.replica (table_name, region_name, status)
        SELECT name, r, CASE WHEN r OPERATOR(pg_catalog.=) gt.local_region() THEN 'CREATING' ELSE 'ACTIVE' END
        FROM pg_catalog.unnest(replicas) r;
END
$$;
COMMENT ON FUNCTION gt._attach_replica(jsonb, text, text[]) IS 'creates a new replica of a global table here';

CREATE FUNCTION gt._set_replica(table_name text, region text, status text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    -- No ON CONFLICT: PostgreSQL does not support it on user catalog tables.
    UPDATE gt.replica r SET status = _set_replica.status
        WHERE r.table_name OPERATOR(pg_catalog.=) _set_replica.table_name
          AND r.region_name OPERATOR(pg_catalog.=) region;
    IF NOT FOUND THEN
        INSERT INTO gt.replica (table_name, region_name, status)
            VALUES (_set_replica.table_name, region, _set_replica.status);
    END IF;
END
$$;
COMMENT ON FUNCTION gt._set_replica(text, text, text) IS 'adds a replica of a table, or sets its status';

-- Removes a region's replica from a table's replica set as seen here.  In
-- the removed region itself, the table becomes a standalone table.
CREATE FUNCTION gt._remove_replica(table_name text, region text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    rel regclass;
BEGIN
    IF region OPERATOR(pg_catalog.=) gt.local_region() THEN
        SELECT g.relid INTO rel FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) _remove_replica.table_name
            AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) g.relid::pg_catalog.oid);
        IF rel IS NOT NULL THEN
            EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS gt_lww ON %s', rel);
            EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS gt_lww_tombstone ON %s', rel);
            EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS gt_no_truncate ON %s', rel);
            EXECUTE pg_catalog.format('COMMENT ON TABLE %s IS %L', rel,
                pg_catalog.format('former replica of global table %s', table_name));
        END IF;
        DELETE FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) _remove_replica.table_name;
    ELSE
        DELETE FROM gt.replica r WHERE r.table_name OPERATOR(pg_catalog.=) _remove_replica.table_name
            AND r.region_name OPERATOR(pg_catalog.=) region;
    END IF;
END
$$;
COMMENT ON FUNCTION gt._remove_replica(text, text) IS 'removes a replica from a table''s replica set here';

-- All items of a table with their metadata, read after waiting for writers
-- in flight, as a JSON array: the source side of the initial copy.
CREATE FUNCTION gt._export_items(table_name text) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    rel regclass;
    result jsonb;
BEGIN
    SELECT g.relid INTO rel FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) _export_items.table_name;
    IF rel IS NULL THEN
        PERFORM gt._error_not_found(table_name);
    END IF;
    -- SHARE waits for every transaction writing the table; those commit
    -- before this snapshot, the later ones are streamed.
    EXECUTE pg_catalog.format('LOCK TABLE %s IN SHARE MODE', rel);
    EXECUTE pg_catalog.format(
        'SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(item, gt_update_time, gt_update_region, gt_deleting)), ''[]'') FROM %s',
        rel) INTO result;
    RETURN result;
END
$$;
COMMENT ON FUNCTION gt._export_items(text) IS 'all versions of a table, for the initial copy of a new replica';

-- Copies a table's items from another region into this new replica through
-- the LWW rule, under a replication origin so that the copy is not sent on.
CREATE FUNCTION gt._copy_from(table_name text, source text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    origin text := 'gt_copy_' OPERATOR(pg_catalog.||) gt._link_name(gt.local_region(), source);
    items jsonb;
    v jsonb;
    stmt text := gt._apply_sql(table_name);
    n bigint := 0;
BEGIN
    items := gt._region_exec(source, pg_catalog.format('SELECT gt._export_items(%L)', table_name))::jsonb;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_replication_origin o WHERE o.roname OPERATOR(pg_catalog.=) origin) THEN
        PERFORM pg_catalog.pg_replication_origin_create(origin);
    END IF;
    PERFORM pg_catalog.pg_replication_origin_session_setup(origin);
    FOR v IN SELECT pg_catalog.jsonb_array_elements(items) LOOP
        EXECUTE stmt USING (v OPERATOR(pg_catalog.->) 0)::text, (v OPERATOR(pg_catalog.->>) 1)::bigint,
            v OPERATOR(pg_catalog.->>) 2, (v OPERATOR(pg_catalog.->>) 3)::boolean, source;
        n := n OPERATOR(pg_catalog.+) 1;
    END LOOP;
    PERFORM pg_catalog.pg_replication_origin_session_reset();
    PERFORM pg_catalog.pg_replication_origin_drop(origin);
    RETURN n;
END
$$;
COMMENT ON FUNCTION gt._copy_from(text, text) IS 'initial copy of a new replica from another region';

CREATE FUNCTION gt._check_no_writes(operation text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF pg_catalog.txid_current_if_assigned() IS NOT NULL THEN
        RAISE EXCEPTION '% cannot run in a transaction that has already written data', operation
            USING ERRCODE = 'active_sql_transaction',
                  DETAIL = 'Creating replication slots waits for every transaction that has written data.',
                  HINT = 'Run it in a transaction of its own.';
    END IF;
END
$$;
COMMENT ON FUNCTION gt._check_no_writes(text) IS 'errors if the transaction has written';

-- Errors unless this region can take a new replica of table_name.
CREATE FUNCTION gt._check_can_attach(table_name text) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) _check_can_attach.table_name)
       OR pg_catalog.to_regclass(pg_catalog.format('public.%I', table_name)) IS NOT NULL THEN
        RAISE EXCEPTION 'table "%" already exists in region "%"', table_name, gt.local_region()
            USING ERRCODE = 'duplicate_table',
                  HINT = 'Delete that table first, or choose another region for the replica.';
    END IF;
END
$$;
COMMENT ON FUNCTION gt._check_can_attach(text) IS 'errors unless a new replica of a table can be created here';

-- Undoes a replica creation that failed half-way.  The catalogs change in
-- one multi-region step: if a region cannot take part, the replica stays
-- CREATING everywhere (a consistent state, which a replica Delete ends
-- later) and the links stay with it.  Without catalog changes to undo, the
-- links (slots and origins) go region by region, each tried even if
-- another fails, since a region may be unreachable.
CREATE FUNCTION gt._undo_create_replica(table_name text, new_region text, regions text[],
                                        attached boolean) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF attached THEN
        BEGIN
            PERFORM gt._run_step(new_region OPERATOR(pg_catalog.||) regions,
                pg_catalog.format('SELECT gt._remove_replica(%L, %L); DROP TABLE IF EXISTS public.%I',
                                  table_name, new_region, table_name)
                OPERATOR(pg_catalog.||) pg_catalog.array_fill(
                    pg_catalog.format('SELECT gt._remove_replica(%L, %L)', table_name, new_region),
                    ARRAY[pg_catalog.cardinality(regions)]));
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'the new replica of table "%" in region "%" stays CREATING: %', table_name, new_region, SQLERRM
                USING HINT = 'Remove it with gt.update_table() and a replica Delete once every region can be reached.';
            RETURN;
        END;
    END IF;
    PERFORM gt._drop_unused_links(new_region, regions);
END
$$;
COMMENT ON FUNCTION gt._undo_create_replica(text, text, text[], boolean) IS 'undoes a failed replica creation';

-- Removes the links between region and each of peers that no longer share
-- a table with it, on both sides, so that no slot keeps WAL for them.  The
-- catalogs changed before: a failure leaves a slot behind, which is
-- reported with the way to drop it.
CREATE FUNCTION gt._drop_unused_links(region text, peers text[]) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY peers LOOP
        CONTINUE WHEN r OPERATOR(pg_catalog.=) region;
        BEGIN
            IF NOT gt._region_exec(r, pg_catalog.format('SELECT gt._shares_tables(%L)', region))::boolean THEN
                PERFORM gt._region_exec(r, pg_catalog.format('SELECT gt._drop_link(%L)', region));
                PERFORM gt._region_exec(region, pg_catalog.format('SELECT gt._drop_link(%L)', r));
            END IF;
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'could not remove the link between regions "%" and "%": %', r, region, SQLERRM
                USING DETAIL = pg_catalog.format('Replication slot "%s" in region "%s" and slot "%s" in region "%s" may be left, keeping WAL.',
                                                 gt._link_name(r, region), r, gt._link_name(region, r), region),
                      HINT = 'Drop each with pg_drop_replication_slot() in its region once it can be reached.';
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION gt._drop_unused_links(text, text[]) IS 'removes the links of a region with peers it shares no table with';

CREATE FUNCTION gt._create_replica(table_name text, new_region text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    local text := gt.local_region();
    regions text[];
    r text;
    description jsonb;
    t gt.global_table;
    attached boolean := false;
BEGIN
    PERFORM gt._check_region_name(new_region);
    SELECT * INTO t FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) _create_replica.table_name;
    SELECT pg_catalog.array_agg(x.region_name ORDER BY x.region_name) INTO regions
        FROM gt.replica x WHERE x.table_name OPERATOR(pg_catalog.=) _create_replica.table_name;
    IF new_region OPERATOR(pg_catalog.=) ANY (regions) THEN
        RAISE EXCEPTION 'table "%" already has a replica in region "%"', table_name, new_region
            USING ERRCODE = 'duplicate_object';
    END IF;
    description := gt._describe(table_name);

    -- An unregistered region is a database of this cluster: create it.
    IF NOT EXISTS (SELECT 1 FROM gt.region_registration g WHERE g.name OPERATOR(pg_catalog.=) new_region)
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database d WHERE d.datname OPERATOR(pg_catalog.=) new_region) THEN
        PERFORM gt._region_exec(local, pg_catalog.format('CREATE DATABASE %I', new_region));
    END IF;
    PERFORM gt._region_exec(new_region,
        pg_catalog.format('CREATE EXTENSION IF NOT EXISTS pg_global_tables; SELECT gt._ensure_region(%L)', new_region));

    -- Refuse now what would fail later, before anything is created.
    PERFORM gt._region_exec(new_region, pg_catalog.format('SELECT gt._check_can_attach(%L)', table_name));

    BEGIN
        -- Slots first, before any catalog says the new replica exists, so
        -- that no change made after that can be missed.
        FOREACH r IN ARRAY regions LOOP
            PERFORM gt._region_exec(r, pg_catalog.format('SELECT gt._ensure_slot(%L)', new_region));
            PERFORM gt._region_exec(new_region, pg_catalog.format('SELECT gt._ensure_slot(%L)', r));
        END LOOP;

        -- The new replica and every region's record of it appear together.
        PERFORM gt._run_step(new_region OPERATOR(pg_catalog.||) regions,
            pg_catalog.format('SELECT gt._attach_replica(%L, %L, %L)',
                              description, t.billing_mode, regions OPERATOR(pg_catalog.||) new_region)
            OPERATOR(pg_catalog.||) pg_catalog.array_fill(
                pg_catalog.format('SELECT gt._set_replica(%L, %L, ''CREATING'')', table_name, new_region),
                ARRAY[pg_catalog.cardinality(regions)]));
        attached := true;

        -- Every region sends its changes from now on; copy what each had
        -- before.
        FOREACH r IN ARRAY regions LOOP
            PERFORM gt._region_exec(new_region, pg_catalog.format('SELECT gt._copy_from(%L, %L)', table_name, r));
        END LOOP;
        PERFORM gt._run_step(regions OPERATOR(pg_catalog.||) new_region, pg_catalog.array_fill(
            pg_catalog.format('SELECT gt._set_replica(%L, %L, ''ACTIVE'')', table_name, new_region),
            ARRAY[pg_catalog.cardinality(regions) OPERATOR(pg_catalog.+) 1]));
    EXCEPTION WHEN OTHERS THEN
        -- Undo what was done, so that no slot is left holding WAL, then
        -- report the original error.
        PERFORM gt._undo_create_replica(table_name, new_region, regions, attached);
        RAISE;
    END;
END
$$;
COMMENT ON FUNCTION gt._create_replica(text, text) IS 'adds a replica of a global table in another region';

CREATE FUNCTION gt._delete_replica(table_name text, region text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    regions text[];
    r text;
BEGIN
    SELECT pg_catalog.array_agg(x.region_name ORDER BY x.region_name) INTO regions
        FROM gt.replica x WHERE x.table_name OPERATOR(pg_catalog.=) _delete_replica.table_name;
    IF NOT region OPERATOR(pg_catalog.=) ANY (regions) THEN
        RAISE EXCEPTION 'table "%" has no replica in region "%"', table_name, region
            USING ERRCODE = 'undefined_object';
    END IF;
    -- Every region must be reachable, and be the region (not a copy of
    -- it), before any of them changes.
    FOREACH r IN ARRAY regions LOOP
        PERFORM gt._region_exec(r, 'SELECT gt._check_not_copy()');
    END LOOP;
    -- Every region forgets the replica, or none does.  (A region lost for
    -- good is removed with gt.detach_region() instead.)
    PERFORM gt._run_step(region OPERATOR(pg_catalog.||) pg_catalog.array_remove(regions, region),
        pg_catalog.array_fill(pg_catalog.format('SELECT gt._remove_replica(%L, %L)', table_name, region),
                              ARRAY[pg_catalog.cardinality(regions)]));
    -- Links that carry no table any more are removed on both sides, so
    -- their slots hold no WAL.
    PERFORM gt._drop_unused_links(region, regions);
END
$$;
COMMENT ON FUNCTION gt._delete_replica(text, text) IS 'disassociates a region''s replica from a global table';

CREATE FUNCTION gt.update_table(request jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    op constant text := 'UpdateTable';
    name text;
    upd jsonb;
    action text;
    region text;
    removed_here boolean := false;
    created boolean := false;
    missing text;
BEGIN
    PERFORM gt._check_prerequisites();
    PERFORM gt._check_not_copy();
    PERFORM gt._check_request(request, op, ARRAY['TableName', 'ReplicaUpdates', 'BillingMode', 'ProvisionedThroughput']);
    name := gt._request_string(request, 'TableName', op);
    PERFORM gt._check_table_name(name);
    IF NOT EXISTS (SELECT 1 FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) name) THEN
        PERFORM gt._error_not_found(name);
    END IF;
    IF request ? 'BillingMode' THEN
        -- Replica updates must run before this transaction writes anything.
        IF request ? 'ReplicaUpdates' THEN
            PERFORM gt._raise('ValidationException', 'UpdateTable cannot change BillingMode and ReplicaUpdates in one request',
                NULL, 'Send one UpdateTable request for each.');
        END IF;
        IF request OPERATOR(pg_catalog.->>) 'BillingMode' IS NULL
           OR request OPERATOR(pg_catalog.->>) 'BillingMode' NOT IN ('PROVISIONED', 'PAY_PER_REQUEST') THEN
            PERFORM gt._raise('ValidationException', pg_catalog.format('invalid BillingMode "%s"', request OPERATOR(pg_catalog.->>) 'BillingMode'),
                NULL, 'BillingMode is PROVISIONED or PAY_PER_REQUEST.');
        END IF;
        UPDATE gt.global_table g SET billing_mode = request OPERATOR(pg_catalog.->>) 'BillingMode'
            WHERE g.table_name OPERATOR(pg_catalog.=) name;
    END IF;
    IF request ? 'ReplicaUpdates' THEN
        IF pg_catalog.jsonb_typeof(request OPERATOR(pg_catalog.->) 'ReplicaUpdates') OPERATOR(pg_catalog.<>) 'array' THEN
            PERFORM gt._raise('ValidationException', 'ReplicaUpdates must be an array');
        END IF;
        -- Validate every update before acting on any.
        FOR upd IN SELECT pg_catalog.jsonb_array_elements(request OPERATOR(pg_catalog.->) 'ReplicaUpdates') LOOP
            IF pg_catalog.jsonb_typeof(upd) OPERATOR(pg_catalog.<>) 'object'
               OR (SELECT pg_catalog.count(*) FROM pg_catalog.jsonb_object_keys(upd)) OPERATOR(pg_catalog.<>) 1
               OR NOT (upd ? 'Create' OR upd ? 'Delete') THEN
                PERFORM gt._raise('ValidationException', pg_catalog.format('invalid replica update %s', upd),
                    NULL, 'Each replica update is {"Create": {"RegionName": ...}} or {"Delete": {"RegionName": ...}}.');
            END IF;
            action := (SELECT k FROM pg_catalog.jsonb_object_keys(upd) k);
            PERFORM gt._check_region_name((upd OPERATOR(pg_catalog.->) action) OPERATOR(pg_catalog.->>) 'RegionName');
        END LOOP;
        PERFORM gt._check_no_writes('UpdateTable with ReplicaUpdates');
        FOR upd IN SELECT pg_catalog.jsonb_array_elements(request OPERATOR(pg_catalog.->) 'ReplicaUpdates') LOOP
            action := (SELECT k FROM pg_catalog.jsonb_object_keys(upd) k);
            region := (upd OPERATOR(pg_catalog.->) action) OPERATOR(pg_catalog.->>) 'RegionName';
            IF removed_here THEN
                RAISE EXCEPTION 'cannot apply replica update % after this region''s replica was deleted', upd
                    USING ERRCODE = 'object_not_in_prerequisite_state',
                          HINT = 'Run the remaining updates in a region that still has a replica.';
            END IF;
            IF action OPERATOR(pg_catalog.=) 'Create' THEN
                PERFORM gt._create_replica(name, region);
                created := true;
            ELSE
                PERFORM gt._delete_replica(name, region);
                removed_here := region OPERATOR(pg_catalog.=) gt.local_region();
            END IF;
        END LOOP;
    END IF;
    IF removed_here THEN
        RETURN pg_catalog.jsonb_build_object('TableDescription',
            pg_catalog.jsonb_build_object('TableName', name, 'TableStatus', 'ACTIVE'));
    END IF;
    IF created THEN
        -- A link whose worker cannot start (no background worker slot on its
        -- server, say) must not go unnoticed: ask every other region of the
        -- table, whose part of the change has committed.  This region's
        -- links start once this transaction commits; gt.links and the log
        -- report a failure there.
        FOR region IN SELECT r.region_name FROM gt.replica r
                      WHERE r.table_name OPERATOR(pg_catalog.=) name
                        AND r.region_name OPERATOR(pg_catalog.<>) gt.local_region()
                      ORDER BY r.region_name LOOP
            missing := gt._region_exec(region, 'SELECT gt._links_without_worker(''5 s'')');
            IF missing IS NOT NULL THEN
                RAISE WARNING 'links of region "%" without a worker: %', region, missing
                    USING HINT = 'See gt.links in that region and its server log; with "no background worker slot", raise max_worker_processes on its server (see the README''s sizing formula) and restart it. The links start then, and nothing written meanwhile is lost.';
            END IF;
        END LOOP;
    END IF;
    RETURN pg_catalog.jsonb_build_object('TableDescription', gt._describe(name, 'ACTIVE'));
END
$$;
COMMENT ON FUNCTION gt.update_table(jsonb) IS 'DynamoDB UpdateTable, with ReplicaUpdates Create and Delete';

CREATE FUNCTION gt.describe_table(request jsonb) RETURNS jsonb
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    name text;
BEGIN
    PERFORM gt._check_request(request, 'DescribeTable', ARRAY['TableName']);
    name := gt._request_string(request, 'TableName', 'DescribeTable');
    PERFORM gt._check_table_name(name);
    RETURN pg_catalog.jsonb_build_object('Table', gt._describe(name));
END
$$;
COMMENT ON FUNCTION gt.describe_table(jsonb) IS 'DynamoDB DescribeTable';

-- Table names cannot start with "{", so a JSON request passed as an untyped
-- literal (which resolves to this text form) is recognised.
CREATE FUNCTION gt.describe_table(table_name text) RETURNS jsonb
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF pg_catalog.left(pg_catalog.ltrim(table_name), 1) OPERATOR(pg_catalog.=) '{' THEN
        RETURN gt.describe_table(table_name::jsonb);
    END IF;
    RETURN gt.describe_table(pg_catalog.jsonb_build_object('TableName', table_name));
END
$$;
COMMENT ON FUNCTION gt.describe_table(text) IS 'DynamoDB DescribeTable, by table name';

CREATE FUNCTION gt.list_tables(request jsonb DEFAULT '{}') RETURNS jsonb
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    lim integer;
    start text;
    names text[];
    result jsonb;
BEGIN
    PERFORM gt._check_request(request, 'ListTables', ARRAY['Limit', 'ExclusiveStartTableName']);
    IF request ? 'Limit' THEN
        IF pg_catalog.jsonb_typeof(request OPERATOR(pg_catalog.->) 'Limit') OPERATOR(pg_catalog.<>) 'number'
           OR (request OPERATOR(pg_catalog.->>) 'Limit')::numeric NOT BETWEEN 1 AND 100
           OR (request OPERATOR(pg_catalog.->>) 'Limit')::numeric OPERATOR(pg_catalog.%) 1 OPERATOR(pg_catalog.<>) 0 THEN
            PERFORM gt._raise('ValidationException', 'Limit must be an integer between 1 and 100');
        END IF;
        lim := (request OPERATOR(pg_catalog.->>) 'Limit')::integer;
    END IF;
    IF request ? 'ExclusiveStartTableName' THEN
        start := gt._request_string(request, 'ExclusiveStartTableName', 'ListTables');
        PERFORM gt._check_table_name(start);
    END IF;
    SELECT pg_catalog.array_agg(x.table_name ORDER BY x.table_name COLLATE "C") INTO names
        FROM (SELECT g.table_name FROM gt.global_table g
              WHERE start IS NULL OR g.table_name COLLATE "C" OPERATOR(pg_catalog.>) start
              ORDER BY g.table_name COLLATE "C"
              LIMIT COALESCE(lim OPERATOR(pg_catalog.+) 1, NULL)) x;
    names := COALESCE(names, '{}');
    IF lim IS NOT NULL AND pg_catalog.cardinality(names) OPERATOR(pg_catalog.>) lim THEN
        names := names[1:lim];
        result := pg_catalog.jsonb_build_object('TableNames', pg_catalog.to_jsonb(names),
                                                'LastEvaluatedTableName', names[lim]);
    ELSE
        result := pg_catalog.jsonb_build_object('TableNames', pg_catalog.to_jsonb(names));
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION gt.list_tables(jsonb) IS 'DynamoDB ListTables';

CREATE FUNCTION gt.delete_table(request jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    name text;
    t gt.global_table;
    description jsonb;
BEGIN
    PERFORM gt._check_request(request, 'DeleteTable', ARRAY['TableName']);
    name := gt._request_string(request, 'TableName', 'DeleteTable');
    PERFORM gt._check_table_name(name);
    SELECT * INTO t FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) name;
    IF NOT FOUND THEN
        PERFORM gt._error_not_found(name);
    END IF;
    -- Described in a session of its own: a lock on the table held by this
    -- transaction would block the other sessions that disassociate it.
    description := gt._region_exec(gt.local_region(),
        pg_catalog.format('SELECT gt._describe(%L, ''DELETING'')', name))::jsonb;
    -- With other replicas, leave the global table first: they keep their data.
    IF EXISTS (SELECT 1 FROM gt.replica r WHERE r.table_name OPERATOR(pg_catalog.=) name
               AND r.region_name OPERATOR(pg_catalog.<>) gt.local_region()) THEN
        -- A copy of the region must not remove the region from its peers.
        PERFORM gt._check_not_copy();
        PERFORM gt._delete_replica(name, gt.local_region());
    ELSE
        DELETE FROM gt.global_table g WHERE g.table_name OPERATOR(pg_catalog.=) name;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) t.relid::pg_catalog.oid) THEN
        EXECUTE pg_catalog.format('DROP TABLE %s', t.relid);
    END IF;
    RETURN pg_catalog.jsonb_build_object('TableDescription', description);
END
$$;
COMMENT ON FUNCTION gt.delete_table(jsonb) IS 'DynamoDB DeleteTable: deletes this region''s replica';

CREATE FUNCTION gt.delete_table(table_name text) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF pg_catalog.left(pg_catalog.ltrim(table_name), 1) OPERATOR(pg_catalog.=) '{' THEN
        RETURN gt.delete_table(table_name::jsonb);
    END IF;
    RETURN gt.delete_table(pg_catalog.jsonb_build_object('TableName', table_name));
END
$$;
COMMENT ON FUNCTION gt.delete_table(text) IS 'DynamoDB DeleteTable, by table name';
