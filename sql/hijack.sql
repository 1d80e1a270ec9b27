-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- An unprivileged role plants functions and operators shadowing built-ins
-- in a schema it can write; a superuser whose search_path puts that schema
-- before pg_catalog then drives the API.  Every planted object announces
-- itself with a NOTICE: none may appear below.
CREATE ROLE regress_hijacker;
CREATE SCHEMA regress_trap AUTHORIZATION regress_hijacker;
SET ROLE regress_hijacker;
CREATE FUNCTION regress_trap.hijack_jsonb_text(jsonb, text) RETURNS jsonb
    LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'HIJACKED ->'; RETURN NULL; END $$;
CREATE OPERATOR regress_trap.-> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = regress_trap.hijack_jsonb_text);
CREATE FUNCTION regress_trap.hijack_jsonb_text_text(jsonb, text) RETURNS text
    LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'HIJACKED ->>'; RETURN NULL; END $$;
CREATE OPERATOR regress_trap.->> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = regress_trap.hijack_jsonb_text_text);
CREATE FUNCTION regress_trap.hijack_text_eq(text, text) RETURNS boolean
    LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'HIJACKED ='; RETURN false; END $$;
CREATE OPERATOR regress_trap.= (LEFTARG = text, RIGHTARG = text, FUNCTION = regress_trap.hijack_text_eq);
CREATE FUNCTION regress_trap.decode(text, text) RETURNS bytea
    LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'HIJACKED decode'; RETURN NULL; END $$;
CREATE FUNCTION regress_trap.format(text, VARIADIC text[]) RETURNS text
    LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'HIJACKED format'; RETURN NULL; END $$;
CREATE FUNCTION regress_trap.jsonb_build_object(VARIADIC text[]) RETURNS jsonb
    LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'HIJACKED jsonb_build_object'; RETURN NULL; END $$;
CREATE FUNCTION regress_trap.jsonb_typeof(jsonb) RETURNS text
    LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'HIJACKED jsonb_typeof'; RETURN NULL; END $$;
CREATE FUNCTION regress_trap.count(text) RETURNS bigint
    LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'HIJACKED count'; RETURN 0; END $$;
RESET ROLE;

SET search_path = regress_trap, pg_catalog, public;
-- (This file's own expressions name pg_catalog's operators explicitly.)

SELECT gt.create_table('{"TableName": "regress_hijack",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "B"}]}')
    OPERATOR(pg_catalog.->) 'TableDescription' OPERATOR(pg_catalog.->>) 'TableStatus' AS status;
SELECT gt.put_item('regress_hijack', '{"pk": {"S": "a"}, "sk": {"B": "AQI="}, "n": {"N": "1"}}');
SELECT gt.put_item('{"TableName": "regress_hijack", "Item": {"pk": {"S": "a"}, "sk": {"B": "AQI="}, "n": {"N": "2"}}, "ReturnValues": "ALL_OLD"}');
SELECT gt.get_item('regress_hijack', '{"pk": {"S": "a"}, "sk": {"B": "AQI="}}');
SELECT gt.update_item('{"TableName": "regress_hijack", "Key": {"pk": {"S": "a"}, "sk": {"B": "AQI="}},
    "UpdateExpression": "SET n = n + :one, m = if_not_exists(m, :one)", "ConditionExpression": "n BETWEEN :one AND :ten",
    "ExpressionAttributeValues": {":one": {"N": "1"}, ":ten": {"N": "10"}}, "ReturnValues": "UPDATED_NEW"}');
SELECT gt.query('{"TableName": "regress_hijack", "KeyConditionExpression": "pk = :a AND sk > :b",
    "FilterExpression": "n > :one", "ProjectionExpression": "n",
    "ExpressionAttributeValues": {":a": {"S": "a"}, ":b": {"B": "AQ=="}, ":one": {"N": "1"}}, "Limit": 1}');
SELECT gt.scan('{"TableName": "regress_hijack", "Segment": 0, "TotalSegments": 1, "Limit": 1,
    "ExclusiveStartKey": {"pk": {"S": "0"}, "sk": {"B": "AQ=="}}}'::jsonb);
SELECT gt.describe_table('regress_hijack') OPERATOR(pg_catalog.->) 'Table' OPERATOR(pg_catalog.->) 'ItemCount' AS item_count;
SELECT gt.list_tables('{"Limit": 1}') ? 'TableNames' AS listed;
SELECT gt.delete_item('{"TableName": "regress_hijack", "Key": {"pk": {"S": "a"}, "sk": {"B": "AQI="}}, "ReturnValues": "ALL_OLD"}');
-- Plain SQL writes go through the LWW trigger and the tombstone path.
INSERT INTO public.regress_hijack (pk, sk, item)
    VALUES ('b', '\x01', '{"pk": {"S": "b"}, "sk": {"B": "AQ=="}}');
DELETE FROM public.regress_hijack WHERE pk OPERATOR(pg_catalog.=) 'b';
SELECT gt.delete_table('regress_hijack') OPERATOR(pg_catalog.->) 'TableDescription' OPERATOR(pg_catalog.->>) 'TableStatus' AS status;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA regress_trap CASCADE;
RESET client_min_messages;
DROP ROLE regress_hijacker;
