-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- The item API: PutItem, GetItem and DeleteItem, in request and short
-- forms, on the replica tables of this region.

SELECT gt.create_table('{"TableName": "regress_items",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST"}') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.create_table('{"TableName": "regress_orders",
    "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"},
                  {"AttributeName": "order_no", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "customer", "AttributeType": "S"},
                             {"AttributeName": "order_no", "AttributeType": "N"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;

--
-- Hash-only table, request form
--
SELECT gt.put_item('{"TableName": "regress_items",
    "Item": {"id": {"S": "a"}, "colour": {"S": "red"}}}');
SELECT gt.get_item('{"TableName": "regress_items", "Key": {"id": {"S": "a"}}}');
-- ConsistentRead and ReturnConsumedCapacity are accepted (every read here
-- is consistent; no capacity is reported).
SELECT gt.get_item('{"TableName": "regress_items", "Key": {"id": {"S": "a"}},
    "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}');
-- A missing item: an empty response.
SELECT gt.get_item('{"TableName": "regress_items", "Key": {"id": {"S": "nothing"}}}');

--
-- Short forms: the table name and the item or key.  The short GetItem
-- returns the item itself, or NULL.
--
SELECT gt.put_item('regress_items', '{"id": {"S": "b"}, "colour": {"S": "blue"}}');
SELECT gt.get_item('regress_items', '{"id": {"S": "b"}}');
SELECT gt.get_item('regress_items', '{"id": {"S": "nothing"}}') IS NULL AS missing;

--
-- All ten AttributeValue types round-trip unchanged, numbers keep their
-- spelling and sets their order.
--
SELECT gt.put_item('regress_items', '{
    "id":    {"S": "all-types"},
    "s":     {"S": "hello, \"world\"\n"},
    "empty": {"S": ""},
    "n":     {"N": "-12.50E+3"},
    "b":     {"B": "3q2+7w=="},
    "ss":    {"SS": ["z", "a", ""]},
    "ns":    {"NS": ["3", "1.5", "-2"]},
    "bs":    {"BS": ["AA==", "AQI=", ""]},
    "m":     {"M": {"inner": {"M": {"deep": {"L": [{"N": "1"}, {"NULL": true}]}}},
                    "": {"S": "empty name"}}},
    "l":     {"L": [{"S": "x"}, {"BOOL": false}, {"L": []}, {"M": {}}]},
    "yes":   {"BOOL": true},
    "no":    {"BOOL": false},
    "nul":   {"NULL": true}
}');
SELECT jsonb_pretty(gt.get_item('regress_items', '{"id": {"S": "all-types"}}'));
SELECT gt.get_item('regress_items', '{"id": {"S": "all-types"}}') = '{
    "id":    {"S": "all-types"},
    "s":     {"S": "hello, \"world\"\n"},
    "empty": {"S": ""},
    "n":     {"N": "-12.50E+3"},
    "b":     {"B": "3q2+7w=="},
    "ss":    {"SS": ["z", "a", ""]},
    "ns":    {"NS": ["3", "1.5", "-2"]},
    "bs":    {"BS": ["AA==", "AQI=", ""]},
    "m":     {"M": {"inner": {"M": {"deep": {"L": [{"N": "1"}, {"NULL": true}]}}},
                    "": {"S": "empty name"}}},
    "l":     {"L": [{"S": "x"}, {"BOOL": false}, {"L": []}, {"M": {}}]},
    "yes":   {"BOOL": true},
    "no":    {"BOOL": false},
    "nul":   {"NULL": true}
}'::jsonb AS round_trip;

-- Non-ASCII strings too (compared, not shown: their display width
-- depends on the database encoding).
SELECT gt.put_item('regress_items', '{"id": {"S": "ünïcödé"}, "s": {"S": "héllo wörld €"}}');
SELECT gt.get_item('regress_items', '{"id": {"S": "ünïcödé"}}')
    = '{"id": {"S": "ünïcödé"}, "s": {"S": "héllo wörld €"}}'::jsonb AS round_trip;
SELECT gt.delete_item('regress_items', '{"id": {"S": "ünïcödé"}}');
DELETE FROM regress_items WHERE id = 'ünïcödé';

--
-- Overwrite: PutItem replaces the whole item.  ReturnValues ALL_OLD returns
-- the replaced item; NONE (the default) returns nothing.
--
SELECT gt.put_item('{"TableName": "regress_items",
    "Item": {"id": {"S": "a"}, "size": {"N": "3"}},
    "ReturnValues": "ALL_OLD"}');
SELECT gt.get_item('regress_items', '{"id": {"S": "a"}}');
SELECT gt.put_item('{"TableName": "regress_items",
    "Item": {"id": {"S": "a"}, "size": {"N": "4"}},
    "ReturnValues": "NONE", "ReturnConsumedCapacity": "NONE",
    "ReturnItemCollectionMetrics": "NONE"}');
SELECT gt.get_item('regress_items', '{"id": {"S": "a"}}');
-- ALL_OLD when there was no item: nothing to return.
SELECT gt.put_item('{"TableName": "regress_items",
    "Item": {"id": {"S": "c"}, "colour": {"S": "green"}},
    "ReturnValues": "ALL_OLD"}');

--
-- DeleteItem
--
SELECT gt.delete_item('{"TableName": "regress_items", "Key": {"id": {"S": "c"}},
    "ReturnValues": "ALL_OLD"}');
SELECT gt.get_item('{"TableName": "regress_items", "Key": {"id": {"S": "c"}}}');
SELECT gt.get_item('regress_items', '{"id": {"S": "c"}}') IS NULL AS deleted;
-- Deleting it again, or deleting a key that never existed, succeeds.
SELECT gt.delete_item('{"TableName": "regress_items", "Key": {"id": {"S": "c"}},
    "ReturnValues": "ALL_OLD"}');
SELECT gt.delete_item('regress_items', '{"id": {"S": "never"}}');
-- Short form, of a live item: no ReturnValues, so an empty response.
SELECT gt.delete_item('regress_items', '{"id": {"S": "b"}}');
SELECT gt.get_item('regress_items', '{"id": {"S": "b"}}') IS NULL AS deleted;

-- A delete leaves a tombstone holding only the key, so that it replicates
-- and wins over older versions; a delete of a missing key too, as the item
-- may be on its way from another region.
SELECT id, item, gt_deleting FROM regress_items WHERE id <> 'all-types' ORDER BY id;

-- A deleted item can be put again.
SELECT gt.put_item('{"TableName": "regress_items",
    "Item": {"id": {"S": "c"}, "colour": {"S": "cyan"}},
    "ReturnValues": "ALL_OLD"}');
SELECT gt.get_item('regress_items', '{"id": {"S": "c"}}');

--
-- Metadata: every local write is stamped with this region and a fresh
-- update time, later than the one it replaces.
--
SELECT id, gt_update_region, gt_update_time > 0 AS stamped
    FROM regress_items ORDER BY id;
SELECT gt_update_time AS t1 FROM regress_items WHERE id = 'a' \gset
SELECT gt.put_item('regress_items', '{"id": {"S": "a"}, "size": {"N": "5"}}');
SELECT gt_update_time AS t2 FROM regress_items WHERE id = 'a' \gset
SELECT gt.delete_item('regress_items', '{"id": {"S": "a"}}');
SELECT gt_update_time AS t3 FROM regress_items WHERE id = 'a' \gset
SELECT gt.put_item('regress_items', '{"id": {"S": "a"}, "size": {"N": "6"}}');
SELECT gt_update_time AS t4 FROM regress_items WHERE id = 'a' \gset
SELECT :t1 < :t2 AS put_later, :t2 < :t3 AS delete_later, :t3 < :t4 AS put_again_later;
-- Several writes of one key in one transaction still stamp increasing times.
BEGIN;
SELECT gt.put_item('regress_items', '{"id": {"S": "a"}, "size": {"N": "7"}}');
SELECT gt_update_time AS t5 FROM regress_items WHERE id = 'a' \gset
SELECT gt.put_item('regress_items', '{"id": {"S": "a"}, "size": {"N": "8"}}');
SELECT gt_update_time AS t6 FROM regress_items WHERE id = 'a' \gset
COMMIT;
SELECT :t4 < :t5 AS first_later, :t5 < :t6 AS second_later;
-- Update times are microseconds since the Unix epoch.
SELECT gt.hlc_to_timestamptz(gt_update_time) BETWEEN now() - interval '1 hour' AND now() + interval '1 hour' AS recent
    FROM regress_items WHERE id = 'a';

--
-- Users cannot forge the metadata: plain SQL writes are stamped by the
-- trigger whatever they set.
--
INSERT INTO regress_items (id, item, gt_update_time, gt_update_region, gt_deleting)
    VALUES ('forged', '{"id": {"S": "forged"}}', 1, 'regress-evil', false);
SELECT id, gt_update_region, gt_update_time > :t6 AS stamped_now
    FROM regress_items WHERE id = 'forged';
SELECT gt_update_time AS t7 FROM regress_items WHERE id = 'forged' \gset
UPDATE regress_items SET gt_update_time = 9000000000000000000, gt_update_region = 'regress-zzz',
    item = '{"id": {"S": "forged"}, "v": {"N": "1"}}'
    WHERE id = 'forged';
SELECT id, item, gt_update_region, gt_update_time > :t7 AS later,
       gt_update_time < 9000000000000000000 AS not_forged
    FROM regress_items WHERE id = 'forged';
SELECT gt_update_time AS t8 FROM regress_items WHERE id = 'forged' \gset
UPDATE regress_items SET gt_update_time = 0 WHERE id = 'forged';
SELECT gt_update_time > :t8 AS later FROM regress_items WHERE id = 'forged';
SELECT gt.get_item('regress_items', '{"id": {"S": "forged"}}');
-- Also with session_replication_role = replica: the trigger fires ALWAYS,
-- and a session without a replication origin writes locally.
SET session_replication_role = replica;
SELECT gt_update_time AS t8 FROM regress_items WHERE id = 'forged' \gset
UPDATE regress_items SET gt_update_time = 9000000000000000000, gt_update_region = 'regress-zzz'
    WHERE id = 'forged';
INSERT INTO regress_items (id, item, gt_update_time, gt_update_region)
    VALUES ('forged-2', '{"id": {"S": "forged-2"}}', 9000000000000000000, 'regress-zzz');
RESET session_replication_role;
SELECT id, gt_update_region, gt_update_time > :t8 AS later,
       gt_update_time < 9000000000000000000 AS not_forged
    FROM regress_items WHERE id LIKE 'forged%' ORDER BY id;
DELETE FROM regress_items WHERE id = 'forged-2';
DELETE FROM regress_items WHERE id = 'forged-2';

-- A plain SQL DELETE of a live item becomes a tombstone, as DeleteItem
-- would write.
SELECT gt_update_time AS t9 FROM regress_items WHERE id = 'forged' \gset
DELETE FROM regress_items WHERE id = 'forged';
SELECT id, item, gt_deleting, gt_update_region, gt_update_time > :t9 AS later
    FROM regress_items WHERE id = 'forged';
SELECT gt.get_item('regress_items', '{"id": {"S": "forged"}}') IS NULL AS deleted;
-- Deleting a tombstone with plain SQL does nothing: only tombstone
-- collection removes tombstones (sql/hostile_privileges.sql).
DELETE FROM regress_items WHERE id = 'forged';
SELECT count(*) FROM regress_items WHERE id = 'forged';
-- A DELETE of several rows turns each live one into a tombstone.
SELECT gt.put_item('regress_items', '{"id": {"S": "d1"}}');
SELECT gt.put_item('regress_items', '{"id": {"S": "d2"}, "x": {"S": "y"}}');
DELETE FROM regress_items WHERE id IN ('d1', 'd2');
SELECT id, item, gt_deleting FROM regress_items WHERE id LIKE 'd%' ORDER BY id;

-- TRUNCATE is not replicated, so it is refused.
TRUNCATE regress_items;
SELECT count(*) FROM regress_items;

--
-- Hash and range table: the two attributes together are the key.
--
SELECT gt.put_item('regress_orders', '{"customer": {"S": "alice"}, "order_no": {"N": "1"}, "total": {"N": "10"}}');
SELECT gt.put_item('regress_orders', '{"customer": {"S": "alice"}, "order_no": {"N": "2"}, "total": {"N": "20"}}');
SELECT gt.put_item('regress_orders', '{"customer": {"S": "bob"}, "order_no": {"N": "1"}, "total": {"N": "30"}}');
SELECT gt.get_item('{"TableName": "regress_orders",
    "Key": {"customer": {"S": "alice"}, "order_no": {"N": "2"}}}');
SELECT gt.get_item('regress_orders', '{"order_no": {"N": "1"}, "customer": {"S": "bob"}}');
SELECT gt.get_item('regress_orders', '{"customer": {"S": "bob"}, "order_no": {"N": "2"}}') IS NULL AS missing;
SELECT gt.put_item('{"TableName": "regress_orders",
    "Item": {"customer": {"S": "alice"}, "order_no": {"N": "1"}, "total": {"N": "11"}},
    "ReturnValues": "ALL_OLD"}');
SELECT gt.delete_item('{"TableName": "regress_orders",
    "Key": {"customer": {"S": "alice"}, "order_no": {"N": "2"}},
    "ReturnValues": "ALL_OLD"}');
-- A tombstone of a hash and range table keeps both key attributes.
SELECT customer, order_no, item, gt_deleting FROM regress_orders ORDER BY customer, order_no;
DELETE FROM regress_orders WHERE customer = 'bob';
SELECT customer, order_no, item, gt_deleting FROM regress_orders ORDER BY customer, order_no;

--
-- Number keys are numeric: "1", "1.0" and "10E-1" are the same item, as in
-- DynamoDB.  The item keeps the spelling of the last write.
--
SELECT gt.create_table('{"TableName": "regress_numbers",
    "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "n", "AttributeType": "N"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.put_item('regress_numbers', '{"n": {"N": "1"}, "v": {"S": "one"}}');
SELECT gt.put_item('{"TableName": "regress_numbers",
    "Item": {"n": {"N": "1.0"}, "v": {"S": "one point oh"}},
    "ReturnValues": "ALL_OLD"}');
SELECT gt.get_item('regress_numbers', '{"n": {"N": "10E-1"}}');
SELECT gt.get_item('regress_numbers', '{"n": {"N": "1.000"}}') IS NOT NULL AS found;
SELECT gt.put_item('regress_numbers', '{"n": {"N": "-0.5"}}');
SELECT gt.put_item('regress_numbers', '{"n": {"N": "12345678901234567890123456789012345678"}}');
SELECT gt.put_item('regress_numbers', '{"n": {"N": "1E+125"}}');
SELECT gt.get_item('regress_numbers', '{"n": {"N": "-5e-1"}}');
SELECT n < 1e50 AS small, CASE WHEN n < 1e50 THEN n END AS n, item, gt_deleting
    FROM regress_numbers ORDER BY regress_numbers.n;
SELECT gt.delete_item('{"TableName": "regress_numbers", "Key": {"n": {"N": "1.00"}},
    "ReturnValues": "ALL_OLD"}');
SELECT n < 1e50 AS small, CASE WHEN n < 1e50 THEN n END AS n, item, gt_deleting
    FROM regress_numbers ORDER BY regress_numbers.n;

--
-- Binary keys, hash and range: base64 in the item, bytea in the table.
--
SELECT gt.create_table('{"TableName": "regress_blobs",
    "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"},
                  {"AttributeName": "r", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "B"},
                             {"AttributeName": "r", "AttributeType": "B"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.put_item('regress_blobs', '{"h": {"B": "AAEC"}, "r": {"B": "/w=="}, "v": {"S": "first"}}');
SELECT gt.put_item('regress_blobs', '{"h": {"B": "AAEC"}, "r": {"B": "AA=="}, "v": {"S": "second"}}');
SELECT gt.put_item('regress_blobs', '{"h": {"B": "AAED"}, "r": {"B": "/w=="}, "v": {"S": "third"}}');
SELECT gt.get_item('regress_blobs', '{"h": {"B": "AAEC"}, "r": {"B": "/w=="}}');
SELECT gt.put_item('{"TableName": "regress_blobs",
    "Item": {"h": {"B": "AAEC"}, "r": {"B": "AA=="}, "v": {"S": "second, again"}},
    "ReturnValues": "ALL_OLD"}');
SELECT gt.delete_item('regress_blobs', '{"h": {"B": "AAED"}, "r": {"B": "/w=="}}');
SELECT h, r, item, gt_deleting FROM regress_blobs ORDER BY h, r;

-- An item larger than a memory block (8 kB) comes back intact from GetItem
-- and from ReturnValues ALL_OLD: both read it after SPI_finish had freed it
-- (found by scripts/memcheck.sh; on a plain server the key came back as
-- {"": "2"}).
SELECT gt.put_item('regress_items', jsonb_build_object('id', '{"S": "large"}'::jsonb,
    'v', jsonb_build_object('S', (SELECT string_agg(md5(g::text), '')
                                  FROM generate_series(1, 400) g))));
SELECT gt.get_item('regress_items', '{"id": {"S": "large"}}') = item AS intact
FROM regress_items WHERE id = 'large';
SELECT gt.delete_item('{"TableName": "regress_items", "Key": {"id": {"S": "large"}},
    "ReturnValues": "ALL_OLD"}') -> 'Attributes' = item AS intact
FROM regress_items WHERE id = 'large';

-- Each write above is in this region and live items count as expected.
SELECT gt.describe_table('regress_items') -> 'Table' -> 'ItemCount' AS items,
       gt.describe_table('regress_orders') -> 'Table' -> 'ItemCount' AS orders,
       gt.describe_table('regress_numbers') -> 'Table' -> 'ItemCount' AS numbers,
       gt.describe_table('regress_blobs') -> 'Table' -> 'ItemCount' AS blobs;

SELECT gt.delete_table('regress_items') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.delete_table('regress_orders') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.delete_table('regress_numbers') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.delete_table('regress_blobs') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.list_tables();
