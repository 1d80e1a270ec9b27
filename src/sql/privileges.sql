-- src/sql/privileges.sql: privileges: what PUBLIC may call.
-- Part of the install script; the Makefile concatenates the topics.

--
-- Privileges: table management is for superusers; anyone may call the item
-- API, which then needs the privileges of the replica table itself.
--

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA gt FROM PUBLIC;
GRANT USAGE ON SCHEMA gt TO PUBLIC;
GRANT SELECT ON gt.region, gt.global_table, gt.replica TO PUBLIC;
GRANT EXECUTE ON FUNCTION
    gt.local_region(), gt.hlc_to_timestamptz(bigint),
    gt.describe_table(jsonb), gt.describe_table(text), gt.list_tables(jsonb),
    gt.put_item(jsonb), gt.put_item(text, jsonb),
    gt.get_item(jsonb), gt.get_item(text, jsonb),
    gt.delete_item(jsonb), gt.delete_item(text, jsonb),
    gt.update_item(jsonb), gt.update_item(text, jsonb, text, jsonb, jsonb),
    gt.query(jsonb), gt.query(text, text, jsonb, text, jsonb, boolean),
    gt.scan(jsonb), gt.scan(text, text, jsonb, jsonb), gt._all_items(text, jsonb),
    gt._check_table_name(text), gt._error_not_found(text),
    gt._check_request(jsonb, text, text[]), gt._request_string(jsonb, text, text),
    gt._validate_item(jsonb, text, text, text, text),
    gt._validate_key(jsonb, text, text, text, text), gt._describe(text, text),
    gt._check_replica_table(regclass)
TO PUBLIC;
-- Nor the DDL guards (event trigger functions), which fire for everyone's
-- DDL without EXECUTE; gt._check_replica_table() is theirs, and only errors.
-- Not gt._lww_trigger() nor gt._truncate_guard(): a trigger fires without
-- its function's EXECUTE privilege, and only create_table attaches them.
-- gt._watermark, which peers trust, is written by the launcher alone: no
-- privilege on it is granted.
