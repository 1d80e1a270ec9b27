-- src/sql/items.sql: the item API: PutItem, GetItem, DeleteItem.
-- Part of the install script; the Makefile concatenates the topics.

--
-- Items
--

-- The statements the item API prepares for a table: an upsert ($1 item,
-- $2 deleting) and reads of the live item under key $1, plain and locked.
CREATE FUNCTION gt._item_sql(t gt.global_table,
                             OUT upsert_sql text, OUT fetch_sql text, OUT fetch_locked_sql text)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    k record := gt._key_sql(t, '$1');
BEGIN
    upsert_sql := pg_catalog.format(
        'INSERT INTO %s AS t (%s, item, gt_deleting) VALUES (%s, $1, $2) '
        'ON CONFLICT (%s) DO UPDATE SET item = excluded.item, gt_deleting = excluded.gt_deleting',
        t.relid, k.columns, k.exprs, k.columns);
    fetch_sql := pg_catalog.format('SELECT item FROM %s WHERE %s AND NOT gt_deleting', t.relid, k.match);
    fetch_locked_sql := fetch_sql OPERATOR(pg_catalog.||) ' FOR UPDATE';
END
$$;
COMMENT ON FUNCTION gt._item_sql(gt.global_table) IS 'statements of the item API for a table';

CREATE FUNCTION gt.put_item(request jsonb) RETURNS jsonb
    LANGUAGE C VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_put_item';
COMMENT ON FUNCTION gt.put_item(jsonb) IS 'DynamoDB PutItem';

CREATE FUNCTION gt.put_item(table_name text, item jsonb) RETURNS jsonb
    LANGUAGE C VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_put_item_short';
COMMENT ON FUNCTION gt.put_item(text, jsonb) IS 'DynamoDB PutItem, short form';

CREATE FUNCTION gt.get_item(request jsonb) RETURNS jsonb
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_get_item';
COMMENT ON FUNCTION gt.get_item(jsonb) IS 'DynamoDB GetItem';

CREATE FUNCTION gt.get_item(table_name text, key jsonb) RETURNS jsonb
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_get_item_short';
COMMENT ON FUNCTION gt.get_item(text, jsonb) IS 'DynamoDB GetItem, short form: the item, or NULL';

CREATE FUNCTION gt.delete_item(request jsonb) RETURNS jsonb
    LANGUAGE C VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_delete_item';
COMMENT ON FUNCTION gt.delete_item(jsonb) IS 'DynamoDB DeleteItem';

CREATE FUNCTION gt.delete_item(table_name text, key jsonb) RETURNS jsonb
    LANGUAGE C VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_delete_item_short';
COMMENT ON FUNCTION gt.delete_item(text, jsonb) IS 'DynamoDB DeleteItem, short form';
