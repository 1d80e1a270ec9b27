-- Privileges: table management and region setup are for superusers; anyone
-- may call the item API and read the table catalog, and the item API then
-- needs the privileges of the replica table itself.
BEGIN;
SELECT plan(47);

CREATE ROLE regress_user;

--
-- Functions PUBLIC cannot execute
--
SELECT function_privs_are('gt', 'create_table', ARRAY['jsonb'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', 'update_table', ARRAY['jsonb'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', 'delete_table', ARRAY['jsonb'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', 'delete_table', ARRAY['text'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', 'init_region', ARRAY['text'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', 'register_region', ARRAY['text', 'text'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', '_remote_exec', ARRAY['text', 'text', 'text'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', '_region_exec', ARRAY['text', 'text'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', 'region_conninfo', ARRAY['text'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', '_apply_sql', ARRAY['text'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', '_export_items', ARRAY['text'], 'regress_user', ARRAY[]::name[]);

--
-- Functions PUBLIC can execute
--
SELECT function_privs_are('gt', 'put_item', ARRAY['jsonb'], 'regress_user', ARRAY['EXECUTE']);
SELECT function_privs_are('gt', 'put_item', ARRAY['text', 'jsonb'], 'regress_user', ARRAY['EXECUTE']);
SELECT function_privs_are('gt', 'get_item', ARRAY['jsonb'], 'regress_user', ARRAY['EXECUTE']);
SELECT function_privs_are('gt', 'get_item', ARRAY['text', 'jsonb'], 'regress_user', ARRAY['EXECUTE']);
SELECT function_privs_are('gt', 'delete_item', ARRAY['jsonb'], 'regress_user', ARRAY['EXECUTE']);
SELECT function_privs_are('gt', 'delete_item', ARRAY['text', 'jsonb'], 'regress_user', ARRAY['EXECUTE']);
SELECT function_privs_are('gt', 'describe_table', ARRAY['jsonb'], 'regress_user', ARRAY['EXECUTE']);
SELECT function_privs_are('gt', 'describe_table', ARRAY['text'], 'regress_user', ARRAY['EXECUTE']);
SELECT function_privs_are('gt', 'list_tables', ARRAY['jsonb'], 'regress_user', ARRAY['EXECUTE']);
SELECT function_privs_are('gt', 'local_region', ARRAY[]::name[], 'regress_user', ARRAY['EXECUTE']);

-- Of the public API, exactly those: the management functions stay revoked.
SELECT set_eq($$
    SELECT p.oid::regprocedure::text FROM pg_proc p
    WHERE p.pronamespace = 'gt'::regnamespace AND p.proname !~ '^_'
      AND has_function_privilege('regress_user', p.oid, 'EXECUTE')
$$, ARRAY['gt.local_region()', 'gt.hlc_to_timestamptz(bigint)',
          'gt.describe_table(jsonb)', 'gt.describe_table(text)', 'gt.list_tables(jsonb)',
          'gt.put_item(jsonb)', 'gt.put_item(text,jsonb)',
          'gt.get_item(jsonb)', 'gt.get_item(text,jsonb)',
          'gt.delete_item(jsonb)', 'gt.delete_item(text,jsonb)',
          'gt.update_item(jsonb)', 'gt.update_item(text,jsonb,text,jsonb,jsonb)',
          'gt.query(jsonb)', 'gt.query(text,text,jsonb,text,jsonb,boolean)',
          'gt.scan(jsonb)', 'gt.scan(text,text,jsonb,jsonb)'],
    'PUBLIC can execute exactly the item API, DescribeTable, ListTables and the helpers');

--
-- Catalog tables: readable by anyone except the connection strings.
--
SELECT table_privs_are('gt', 'region', 'regress_user', ARRAY['SELECT']);
SELECT table_privs_are('gt', 'global_table', 'regress_user', ARRAY['SELECT']);
SELECT table_privs_are('gt', 'replica', 'regress_user', ARRAY['SELECT']);
SELECT table_privs_are('gt', 'region_registration', 'regress_user', ARRAY[]::name[]);
-- The records of multi-region steps decide how prepared parts end.
SELECT table_privs_are('gt', '_step', 'regress_user', ARRAY[]::name[]);
SELECT table_privs_are('gt', '_step_done', 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', '_step_decide', ARRAY['uuid', 'text'], 'regress_user', ARRAY[]::name[]);
SELECT function_privs_are('gt', '_run_step', ARRAY['text[]', 'text[]'], 'regress_user', ARRAY[]::name[]);
SELECT schema_privs_are('gt', 'regress_user', ARRAY['USAGE']);

--
-- As a user without privileges
--
SELECT lives_ok($$SELECT gt.create_table('{"TableName": "regress_priv",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')$$,
    'a superuser creates a table');

SET LOCAL ROLE regress_user;
SELECT throws_ok($$SELECT gt.create_table('{"TableName": "regress_priv_user",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')$$,
    '42501', 'permission denied for function create_table',
    'a non-superuser cannot create a table');
SELECT throws_ok($$SELECT gt.update_table('{"TableName": "regress_priv", "BillingMode": "PAY_PER_REQUEST"}')$$,
    '42501', 'permission denied for function update_table',
    'a non-superuser cannot update a table');
SELECT throws_ok($$SELECT gt.delete_table('regress_priv')$$,
    '42501', 'permission denied for function delete_table',
    'a non-superuser cannot delete a table');
SELECT throws_ok($$SELECT gt.init_region('regress-other')$$,
    '42501', 'permission denied for function init_region',
    'a non-superuser cannot name the region');
SELECT throws_ok($$SELECT gt.register_region('regress-other', 'dbname=other')$$,
    '42501', 'permission denied for function register_region',
    'a non-superuser cannot register a region');
SELECT throws_ok($$SELECT gt._remote_exec('regress-other', 'dbname=other', 'SELECT 1')$$,
    '42501', 'permission denied for function _remote_exec',
    'a non-superuser cannot run SQL in another region');
SELECT throws_ok($$SELECT * FROM gt.region_registration$$,
    '42501', 'permission denied for table region_registration',
    'a non-superuser cannot read connection strings');
-- The item API needs the privileges of the replica table.
SELECT throws_ok($$SELECT gt.put_item('regress_priv', '{"id": {"S": "a"}}')$$,
    '42501', 'permission denied for table regress_priv',
    'PutItem needs privileges on the replica table');
SELECT throws_ok($$SELECT gt.get_item('regress_priv', '{"id": {"S": "a"}}')$$,
    '42501', 'permission denied for table regress_priv',
    'GetItem needs privileges on the replica table');
SELECT is(gt.list_tables() -> 'TableNames' ? 'regress_priv', true,
    'anyone can list the tables');

RESET ROLE;
GRANT SELECT, INSERT, UPDATE ON public.regress_priv TO regress_user;
SET LOCAL ROLE regress_user;
SELECT is(gt.put_item('regress_priv', '{"id": {"S": "a"}, "v": {"N": "1"}}'), '{}'::jsonb,
    'with privileges on the replica table, PutItem works');
SELECT is(gt.get_item('regress_priv', '{"id": {"S": "a"}}'), '{"id": {"S": "a"}, "v": {"N": "1"}}'::jsonb,
    'with privileges on the replica table, GetItem works');
SELECT throws_ok($$SELECT gt.delete_item('regress_priv', '{"id": {"S": "a"}}')$$,
    '42501', 'permission denied for table regress_priv',
    'DeleteItem needs DELETE on the replica table, as a DELETE does');
RESET ROLE;
GRANT DELETE ON public.regress_priv TO regress_user;
SET LOCAL ROLE regress_user;
SELECT is(gt.delete_item('{"TableName": "regress_priv", "Key": {"id": {"S": "a"}}, "ReturnValues": "ALL_OLD"}'),
    '{"Attributes": {"id": {"S": "a"}, "v": {"N": "1"}}}'::jsonb,
    'with privileges on the replica table, DeleteItem works');
SELECT is((SELECT gt_update_region FROM public.regress_priv WHERE id = 'a'), 'regress-pgtap',
    'writes of a non-superuser are stamped with the region');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
