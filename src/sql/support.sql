-- src/sql/support.sql: C support functions shared by the topics below.
-- Part of the install script; the Makefile concatenates the topics.

--
-- C support functions
--

CREATE FUNCTION gt._check_prerequisites() RETURNS void
    LANGUAGE C VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_check_prerequisites_sql';
COMMENT ON FUNCTION gt._check_prerequisites() IS 'errors unless the server is configured for global tables';

CREATE FUNCTION gt._wake_supervisor() RETURNS void
    LANGUAGE C VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_wake_supervisor';
COMMENT ON FUNCTION gt._wake_supervisor() IS 'makes the supervisor look for new regions now';

CREATE FUNCTION gt._remote_exec(region text, conninfo text, sql text) RETURNS text
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_remote_exec';
COMMENT ON FUNCTION gt._remote_exec(text, text, text) IS 'runs SQL in another region and returns the first value';

CREATE FUNCTION gt._lww_trigger() RETURNS trigger
    LANGUAGE C AS 'MODULE_PATHNAME', 'gt_lww_trigger';
COMMENT ON FUNCTION gt._lww_trigger() IS 'last-writer-wins trigger of replica tables';

CREATE FUNCTION gt._validate_item(item jsonb, hash_name text, hash_type text,
                                  range_name text, range_type text) RETURNS void
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_validate_item';
COMMENT ON FUNCTION gt._validate_item(jsonb, text, text, text, text) IS 'errors unless item is a valid DynamoDB item for the key schema';

CREATE FUNCTION gt._validate_key(key jsonb, hash_name text, hash_type text,
                                 range_name text, range_type text) RETURNS void
    LANGUAGE C IMMUTABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_validate_key';
COMMENT ON FUNCTION gt._validate_key(jsonb, text, text, text, text) IS 'errors unless key is a valid DynamoDB key for the key schema';

CREATE FUNCTION gt._key_column_type(type text) RETURNS text
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_key_column_type';
COMMENT ON FUNCTION gt._key_column_type(text) IS 'the SQL type of the key column of an S, N or B key attribute';

CREATE FUNCTION gt._apply_version(table_name text, item jsonb, update_time bigint,
                                  update_region text, deleting boolean, source text) RETURNS void
    LANGUAGE C VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_apply_version_sql';
COMMENT ON FUNCTION gt._apply_version(text, jsonb, bigint, text, boolean, text) IS 'applies a version from another region as a link worker does';

CREATE FUNCTION gt.hlc_to_timestamptz(update_time bigint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN pg_catalog.to_timestamp(update_time::float8 / 1000000);
COMMENT ON FUNCTION gt.hlc_to_timestamptz(bigint) IS 'converts an item update time to a timestamp';

-- Raises an error of the DynamoDB API in the convention of src/include/gt/error.h.
CREATE FUNCTION gt._raise(exception text, message text, detail text DEFAULT NULL, hint text DEFAULT NULL) RETURNS void
    LANGUAGE C VOLATILE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_raise_sql';
COMMENT ON FUNCTION gt._raise(text, text, text, text) IS 'raises an error of a DynamoDB exception';
