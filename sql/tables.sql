-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- Table management: CreateTable, DescribeTable, ListTables, UpdateTable and
-- DeleteTable, and the replica tables they create.  CreationDateTime varies,
-- so it is removed from the descriptions shown and checked separately.

--
-- CreateTable returns a DynamoDB TableDescription.
--
SELECT jsonb_pretty(gt.create_table('{"TableName": "regress_t_s",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')
    #- '{TableDescription,CreationDateTime}');
SELECT jsonb_pretty(gt.create_table('{"TableName": "regress_t_sn",
    "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"},
                  {"AttributeName": "order_no", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "order_no", "AttributeType": "N"},
                             {"AttributeName": "customer", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST"}')
    #- '{TableDescription,CreationDateTime}');
-- The order of the KeySchema elements does not matter.
SELECT gt.create_table('{"TableName": "regress_t_nb",
    "KeySchema": [{"AttributeName": "r", "KeyType": "RANGE"},
                  {"AttributeName": "h", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "N"},
                             {"AttributeName": "r", "AttributeType": "B"}],
    "BillingMode": "PROVISIONED",
    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}')
    #- '{TableDescription,CreationDateTime}';
SELECT gt.create_table('{"TableName": "regress_t_n",
    "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "n", "AttributeType": "N"}],
    "Tags": [{"Key": "team", "Value": "regress"}], "TableClass": "STANDARD",
    "DeletionProtectionEnabled": false}')
    #- '{TableDescription,CreationDateTime}';
SELECT gt.create_table('{"TableName": "regress_t_b",
    "KeySchema": [{"AttributeName": "b", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "b", "AttributeType": "B"}]}')
    #- '{TableDescription,CreationDateTime}';
SELECT gt.create_table('{"TableName": "regress_t_bs",
    "KeySchema": [{"AttributeName": "b", "KeyType": "HASH"},
                  {"AttributeName": "s", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "b", "AttributeType": "B"},
                             {"AttributeName": "s", "AttributeType": "S"}]}')
    #- '{TableDescription,CreationDateTime}';
-- Table names are case-sensitive and may hold "-" and ".".
SELECT gt.create_table('{"TableName": "Regress.Upper-Case",
    "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "Id", "AttributeType": "S"}]}')
    -> 'TableDescription' ->> 'TableName' AS created;
SELECT gt.create_table('{"TableName": "regress.upper-case",
    "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "Id", "AttributeType": "S"}]}')
    -> 'TableDescription' ->> 'TableName' AS created;

-- CreationDateTime is the creation time in seconds since the Unix epoch.
SELECT (d -> 'Table' -> 'CreationDateTime')::numeric
           BETWEEN extract(epoch FROM now()) - 3600 AND extract(epoch FROM now()) + 1 AS recent,
       jsonb_typeof(d -> 'Table' -> 'CreationDateTime') AS type
    FROM gt.describe_table('regress_t_s') d;

--
-- DescribeTable, as a request, by name, and by name given as a JSON
-- literal (an untyped literal resolves to the text form).
--
SELECT jsonb_pretty(gt.describe_table('{"TableName": "regress_t_sn"}'::jsonb) #- '{Table,CreationDateTime}');
SELECT gt.describe_table('regress_t_sn') = gt.describe_table('{"TableName": "regress_t_sn"}'::jsonb) AS by_name,
       gt.describe_table('{"TableName": "regress_t_sn"}') = gt.describe_table('{"TableName": "regress_t_sn"}'::jsonb) AS by_literal,
       gt.describe_table('  {"TableName": "regress_t_sn"}') = gt.describe_table('{"TableName": "regress_t_sn"}'::jsonb) AS with_spaces;
-- Each table has its own ARN, in this region.
SELECT gt.describe_table('Regress.Upper-Case') -> 'Table' ->> 'TableArn' AS arn,
       gt.describe_table('regress.upper-case') -> 'Table' ->> 'TableArn' AS other_arn;
-- A table with no replica in another region is not a global table: its
-- description has neither Replicas nor GlobalTableVersion.
SELECT d -> 'Table' ? 'Replicas' AS has_replicas,
       d -> 'Table' ? 'GlobalTableVersion' AS has_version
    FROM gt.describe_table('regress_t_s') d;
SELECT table_name, region_name, status FROM gt.replica ORDER BY table_name COLLATE "C", region_name;

--
-- ItemCount is exact, and tombstones are not items.
--
SELECT gt.describe_table('regress_t_s') -> 'Table' -> 'ItemCount' AS items,
       gt.describe_table('regress_t_s') -> 'Table' -> 'TableSizeBytes' AS bytes;
SELECT gt.put_item('regress_t_s', jsonb_build_object('id', jsonb_build_object('S', 'item-' || i)))
    FROM generate_series(1, 5) i;
SELECT gt.describe_table('regress_t_s') -> 'Table' -> 'ItemCount' AS items,
       (gt.describe_table('regress_t_s') -> 'Table' ->> 'TableSizeBytes')::bigint > 0 AS has_bytes;
SELECT gt.delete_item('regress_t_s', '{"id": {"S": "item-2"}}');
SELECT gt.delete_item('regress_t_s', '{"id": {"S": "item-4"}}');
SELECT gt.delete_item('regress_t_s', '{"id": {"S": "never-there"}}');
SELECT count(*) AS rows, count(*) FILTER (WHERE gt_deleting) AS tombstones FROM regress_t_s;
SELECT gt.describe_table('regress_t_s') -> 'Table' -> 'ItemCount' AS items;
-- Overwriting does not count twice.
SELECT gt.put_item('regress_t_s', '{"id": {"S": "item-1"}, "v": {"N": "2"}}');
SELECT gt.put_item('regress_t_s', '{"id": {"S": "item-2"}, "v": {"N": "2"}}');
SELECT gt.describe_table('regress_t_s') -> 'Table' -> 'ItemCount' AS items;

--
-- ListTables: names sorted bytewise, in pages.
--
SELECT gt.list_tables();
SELECT gt.list_tables('{}');
SELECT gt.list_tables('{"Limit": 3}');
SELECT gt.list_tables('{"Limit": 3, "ExclusiveStartTableName": "regress_t_b"}');
-- The last page, and a page that ends with the last table: no
-- LastEvaluatedTableName.
SELECT gt.list_tables('{"Limit": 3, "ExclusiveStartTableName": "regress_t_nb"}');
SELECT gt.list_tables('{"Limit": 2, "ExclusiveStartTableName": "regress_t_nb"}');
-- Past the last table: an empty page.
SELECT gt.list_tables('{"Limit": 3, "ExclusiveStartTableName": "regress_t_sn"}');
SELECT gt.list_tables('{"Limit": 100, "ExclusiveStartTableName": "regress_t_n"}');
-- The start name need not exist.
SELECT gt.list_tables('{"ExclusiveStartTableName": "regress_t_c"}');
SELECT gt.list_tables('{"ExclusiveStartTableName": "zzz"}');
-- Paging through every table, one at a time.
WITH RECURSIVE pages(n, response) AS (
    SELECT 1, gt.list_tables('{"Limit": 1}')
    UNION ALL
    SELECT n + 1, gt.list_tables(jsonb_build_object('Limit', 1,
        'ExclusiveStartTableName', response ->> 'LastEvaluatedTableName'))
    FROM pages WHERE response ? 'LastEvaluatedTableName'
)
SELECT n, response FROM pages ORDER BY n;

--
-- CreateTable errors
--
-- The table exists already, as a global table or as any table in public.
SELECT gt.create_table('{"TableName": "regress_t_s",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_t_s",
    "KeySchema": [{"AttributeName": "other", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "other", "AttributeType": "N"}]}');
CREATE TABLE public.regress_plain (x int);
SELECT gt.create_table('{"TableName": "regress_plain",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
DROP TABLE public.regress_plain;
-- KeySchema: one HASH key and at most one RANGE key.
SELECT gt.create_table('{"TableName": "regress_bad",
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": {"AttributeName": "id", "KeyType": "HASH"},
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad",
    "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "RANGE"},
                  {"AttributeName": "c", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": ["id"],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table(jsonb_build_object('TableName', 'regress_bad',
    'KeySchema', jsonb_build_array(jsonb_build_object('AttributeName', repeat('k', 256), 'KeyType', 'HASH')),
    'AttributeDefinitions', jsonb_build_array(jsonb_build_object('AttributeName', repeat('k', 256), 'AttributeType', 'S'))))
    IS NULL;
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "hash"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "PRIMARY"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad",
    "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}, {"AttributeName": "b", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad",
    "KeySchema": [{"AttributeName": "a", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad",
    "KeySchema": [{"AttributeName": "a", "KeyType": "RANGE"}, {"AttributeName": "b", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}, {"AttributeName": "b", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad",
    "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "a", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}]}');
-- Key attribute names that replica tables use for themselves, and the
-- names reserved for global table replication.
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "item", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "item", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "gt_update_time", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "gt_update_time", "AttributeType": "N"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "gt_update_region", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "gt_update_region", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "gt_deleting", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "gt_deleting", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "aws:rep:updateregion", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "aws:rep:updateregion", "AttributeType": "S"}]}');
-- Key attributes are columns of every replica: names PostgreSQL would
-- truncate (the first replicated write then stopped the link) and the
-- names of system columns (a raw 42701 before) are refused.
SELECT gt.create_table(jsonb_build_object('TableName', 'regress_bad',
    'KeySchema', jsonb_build_array(jsonb_build_object('AttributeName', repeat('k', 64), 'KeyType', 'HASH')),
    'AttributeDefinitions', jsonb_build_array(jsonb_build_object('AttributeName', repeat('k', 64), 'AttributeType', 'S'))));
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "ctid", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ctid", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "xmin", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "xmin", "AttributeType": "N"}]}');
-- 63 bytes is fine.
SELECT gt.create_table(jsonb_build_object('TableName', 'regress_long_key',
    'KeySchema', jsonb_build_array(jsonb_build_object('AttributeName', repeat('k', 63), 'KeyType', 'HASH')),
    'AttributeDefinitions', jsonb_build_array(jsonb_build_object('AttributeName', repeat('k', 63), 'AttributeType', 'S'))))
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.delete_table('regress_long_key') -> 'TableDescription' ->> 'TableStatus' AS status;
-- AttributeDefinitions: exactly the key attributes, each S, N or B.
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": {"AttributeName": "id", "AttributeType": "S"}}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "BOOL"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "SS"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "s"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "id", "AttributeType": "N"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": []}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "other", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad",
    "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "extra", "AttributeType": "S"}]}');
-- BillingMode: PROVISIONED (the default) or PAY_PER_REQUEST.
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "BillingMode": "ON_DEMAND"}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "BillingMode": "pay_per_request"}');
SELECT gt.create_table('{"TableName": "regress_bad", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "BillingMode": 1}');
-- None of these created anything.
SELECT count(*) FROM gt.global_table WHERE table_name = 'regress_bad';
SELECT to_regclass('public.regress_bad') IS NULL AS no_table;

--
-- The replica table: key columns typed by the key attributes (S is text
-- with the "C" collation, so that keys compare bytewise as in DynamoDB, N
-- is numeric, B is bytea), the item, and the replication metadata.
--
SELECT table_name, column_name, data_type, collation_name, is_nullable, column_default
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name IN ('regress_t_sn', 'regress_t_nb', 'regress_t_b')
    ORDER BY table_name, ordinal_position;
SELECT c.conrelid::regclass AS table_name, c.contype,
       array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns
    FROM pg_constraint c
    WHERE c.conrelid IN ('regress_t_sn'::regclass, 'regress_t_nb'::regclass, 'regress_t_b'::regclass)
    ORDER BY c.conrelid::regclass::text, c.conname;
-- Triggers, enabled ALWAYS so that they fire for applied changes too.
SELECT tgrelid::regclass AS table_name, tgname, tgenabled, tgfoid::regprocedure AS function,
       (tgtype & 1) <> 0 AS for_row, (tgtype & 2) <> 0 AS before,
       (tgtype & 4) <> 0 AS on_insert, (tgtype & 8) <> 0 AS on_delete,
       (tgtype & 16) <> 0 AS on_update, (tgtype & 32) <> 0 AS on_truncate
    FROM pg_trigger
    WHERE tgrelid IN ('regress_t_sn'::regclass, 'regress_t_b'::regclass) AND NOT tgisinternal
    ORDER BY tgrelid::regclass::text, tgname;
SELECT obj_description('regress_t_sn'::regclass, 'pg_class') AS comment;
-- The catalog rows behind the descriptions.
SELECT table_name, relid, hash_key, hash_type, range_key, range_type, billing_mode
    FROM gt.global_table ORDER BY table_name COLLATE "C";

--
-- UpdateTable
--
-- BillingMode changes the BillingModeSummary; ProvisionedThroughput is
-- accepted and ignored.
SELECT gt.update_table('{"TableName": "regress_t_s", "BillingMode": "PAY_PER_REQUEST"}')
    -> 'TableDescription' -> 'BillingModeSummary' AS billing;
SELECT gt.update_table('{"TableName": "regress_t_s", "BillingMode": "PROVISIONED",
    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}')
    -> 'TableDescription' -> 'BillingModeSummary' AS billing;
SELECT gt.update_table('{"TableName": "regress_t_s", "BillingMode": "FREE"}');
SELECT gt.update_table('{"TableName": "regress_t_s", "BillingMode": null}');
-- Nothing to change: the description.
SELECT gt.update_table('{"TableName": "regress_t_s"}') #- '{TableDescription,CreationDateTime}';
-- Invalid ReplicaUpdates are rejected before anything is done.
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": {"Create": {"RegionName": "regress-peer"}}}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": "regress-peer"}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": ["regress-peer"]}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{}]}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{"Update": {"RegionName": "regress-peer"}}]}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates":
    [{"Create": {"RegionName": "regress-peer"}, "Delete": {"RegionName": "regress-home"}}]}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{"Create": {}}]}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{"Create": "regress-peer"}]}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{"Create": {"RegionName": "Regress_Peer"}}]}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{"Create": {"RegionName": "us-east-1; DROP"}}]}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{"Delete": {"RegionName": "a-region-name-of-30-characters"}}]}');
-- Every update is checked before any is acted on: a valid Create before an
-- invalid update does not run.
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates":
    [{"Create": {"RegionName": "regress-peer"}}, {"Delete": {"RegionName": ""}}]}');
-- A replica that exists cannot be created again; one that does not exist
-- cannot be deleted.
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{"Create": {"RegionName": "regress-home"}}]}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{"Delete": {"RegionName": "regress-nowhere"}}]}');
-- BillingMode and ReplicaUpdates are separate requests.
SELECT gt.update_table('{"TableName": "regress_t_s", "BillingMode": "PAY_PER_REQUEST",
    "ReplicaUpdates": [{"Delete": {"RegionName": "regress-nowhere"}}]}');
-- Replica updates create replication slots, which wait for every
-- transaction that has written: not in a transaction that has written.
BEGIN;
SELECT gt.put_item('regress_t_s', '{"id": {"S": "in-transaction"}}');
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{"Create": {"RegionName": "regress-peer"}}]}');
ROLLBACK;
-- Any write counts, even to a temporary table.
BEGIN;
CREATE TEMP TABLE regress_temp (x int);
SELECT gt.update_table('{"TableName": "regress_t_s", "ReplicaUpdates": [{"Delete": {"RegionName": "regress-nowhere"}}]}');
ROLLBACK;
-- Nothing changed.
SELECT table_name, region_name, status FROM gt.replica
    WHERE table_name = 'regress_t_s' ORDER BY region_name;
SELECT billing_mode FROM gt.global_table WHERE table_name = 'regress_t_s';
SELECT datname FROM pg_database WHERE datname LIKE 'regress-%' ORDER BY datname;
SELECT count(*) FROM pg_replication_slots;

--
-- DeleteTable: the response describes the table as it was, with status
-- DELETING; then the table is gone.
--
SELECT jsonb_pretty(gt.delete_table('regress_t_s') #- '{TableDescription,CreationDateTime}');
SELECT gt.delete_table('{"TableName": "regress_t_n"}'::jsonb) -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.delete_table('{"TableName": "regress_t_b"}') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.list_tables();
SELECT to_regclass('public.regress_t_s') IS NULL AS dropped,
       to_regclass('public.regress_t_n') IS NULL AS dropped_n,
       to_regclass('public.regress_t_b') IS NULL AS dropped_b;
SELECT count(*) FROM gt.global_table WHERE table_name IN ('regress_t_s', 'regress_t_n', 'regress_t_b');
SELECT count(*) FROM gt.replica WHERE table_name IN ('regress_t_s', 'regress_t_n', 'regress_t_b');
SELECT gt.describe_table('regress_t_s');
SELECT gt.delete_table('regress_t_s');
SELECT gt.put_item('regress_t_s', '{"id": {"S": "item-1"}}');
-- The name can be used again, even with another key schema.
SELECT gt.create_table('{"TableName": "regress_t_s",
    "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "n", "AttributeType": "N"}]}')
    -> 'TableDescription' -> 'AttributeDefinitions' AS definitions;
SELECT gt.describe_table('regress_t_s') -> 'Table' -> 'ItemCount' AS items;
-- DeleteTable in a transaction that rolls back leaves the table.
BEGIN;
SELECT gt.delete_table('regress_t_s') -> 'TableDescription' ->> 'TableStatus' AS status;
ROLLBACK;
SELECT gt.describe_table('regress_t_s') -> 'Table' ->> 'TableStatus' AS status;

-- Clean up.
SELECT gt.delete_table(t) -> 'TableDescription' ->> 'TableName' AS deleted
    FROM jsonb_array_elements_text(gt.list_tables() -> 'TableNames') t ORDER BY t COLLATE "C";
SELECT gt.list_tables();
SELECT count(*) FROM gt.replica;
