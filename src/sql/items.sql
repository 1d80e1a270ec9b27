-- src/sql/items.sql: the item API: PutItem, GetItem, DeleteItem, UpdateItem.
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
