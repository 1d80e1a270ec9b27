-- src/sql/items.sql: the item API: PutItem, GetItem, DeleteItem, UpdateItem, Query, Scan.
-- Part of the install script; the Makefile concatenates the topics.

--
-- Items
--

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

CREATE FUNCTION gt.update_item(request jsonb) RETURNS jsonb
    LANGUAGE C VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_update_item';
COMMENT ON FUNCTION gt.update_item(jsonb) IS 'DynamoDB UpdateItem';

CREATE FUNCTION gt.update_item(table_name text, key jsonb, update_expression text,
                               expression_attribute_values jsonb DEFAULT NULL,
                               expression_attribute_names jsonb DEFAULT NULL) RETURNS jsonb
    LANGUAGE C VOLATILE PARALLEL UNSAFE
    AS 'MODULE_PATHNAME', 'gt_update_item_short';
COMMENT ON FUNCTION gt.update_item(text, jsonb, text, jsonb, jsonb) IS 'DynamoDB UpdateItem, short form: the item as updated';

CREATE FUNCTION gt.query(request jsonb) RETURNS jsonb
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_query';
COMMENT ON FUNCTION gt.query(jsonb) IS 'DynamoDB Query';

CREATE FUNCTION gt.scan(request jsonb) RETURNS jsonb
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_scan';
COMMENT ON FUNCTION gt.scan(jsonb) IS 'DynamoDB Scan';

-- The short forms for psql: every item, page after page, as rows.
CREATE FUNCTION gt._all_items(operation text, request jsonb) RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    page jsonb;
    start jsonb;
BEGIN
    LOOP
        page := CASE operation
                WHEN 'Query' THEN gt.query(request OPERATOR(pg_catalog.||) pg_catalog.jsonb_strip_nulls(
                                       pg_catalog.jsonb_build_object('ExclusiveStartKey', start)))
                ELSE gt.scan(request OPERATOR(pg_catalog.||) pg_catalog.jsonb_strip_nulls(
                                 pg_catalog.jsonb_build_object('ExclusiveStartKey', start))) END;
        RETURN QUERY SELECT pg_catalog.jsonb_array_elements(page OPERATOR(pg_catalog.->) 'Items');
        start := page OPERATOR(pg_catalog.->) 'LastEvaluatedKey';
        EXIT WHEN start IS NULL;
    END LOOP;
END
$$;
COMMENT ON FUNCTION gt._all_items(text, jsonb) IS 'every item a Query or Scan request reads, all pages';

CREATE FUNCTION gt.query(table_name text, key_condition text, expression_attribute_values jsonb,
                         filter text DEFAULT NULL, expression_attribute_names jsonb DEFAULT NULL,
                         scan_index_forward boolean DEFAULT true)
    RETURNS SETOF jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT gt._all_items('Query', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
            'TableName', table_name, 'KeyConditionExpression', key_condition,
            'FilterExpression', filter, 'ScanIndexForward', scan_index_forward,
            'ExpressionAttributeValues', expression_attribute_values,
            'ExpressionAttributeNames', expression_attribute_names)))
    $$;
COMMENT ON FUNCTION gt.query(text, text, jsonb, text, jsonb, boolean) IS 'DynamoDB Query, short form: the items as rows';

CREATE FUNCTION gt.scan(table_name text, filter text DEFAULT NULL, expression_attribute_values jsonb DEFAULT NULL,
                        expression_attribute_names jsonb DEFAULT NULL)
    RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    -- A string literal calls this form: a request meant for gt.scan(jsonb)
    -- has to say so.
    IF pg_catalog.left(pg_catalog.ltrim(table_name), 1) OPERATOR(pg_catalog.=) '{' THEN
        PERFORM gt._raise('ValidationException', 'gt.scan(text) takes a table name, not a request',
            NULL, 'Cast the request to jsonb, as in gt.scan(''{"TableName": "t"}''::jsonb), for the response of Scan.');
    END IF;
    RETURN QUERY SELECT gt._all_items('Scan', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
        'TableName', table_name, 'FilterExpression', filter,
        'ExpressionAttributeValues', expression_attribute_values,
        'ExpressionAttributeNames', expression_attribute_names)));
END
$$;
COMMENT ON FUNCTION gt.scan(text, text, jsonb, jsonb) IS 'DynamoDB Scan, short form: the items as rows';
