-- The catalog contract of pg_global_tables: its schema, catalog tables and
-- API functions with their signatures, comments and settings.
BEGIN;
SELECT plan(66);

--
-- Schema and catalog tables
--
SELECT has_schema('gt', 'schema gt exists');

SELECT has_table('gt', 'region', 'table gt.region exists');
SELECT columns_are('gt', 'region', ARRAY['name', 'singleton', 'created_at', 'identity'],
    'gt.region has its columns');
SELECT col_is_pk('gt', 'region', 'name', 'gt.region is keyed by name');

SELECT has_table('gt', 'region_registration', 'table gt.region_registration exists');
SELECT columns_are('gt', 'region_registration', ARRAY['name', 'conninfo'],
    'gt.region_registration has its columns');
SELECT col_is_pk('gt', 'region_registration', 'name', 'gt.region_registration is keyed by name');

SELECT has_table('gt', 'global_table', 'table gt.global_table exists');
SELECT columns_are('gt', 'global_table',
    ARRAY['table_name', 'relid', 'hash_key', 'hash_type', 'range_key', 'range_type',
          'billing_mode', 'created_at'],
    'gt.global_table has its columns');
SELECT col_is_pk('gt', 'global_table', 'table_name', 'gt.global_table is keyed by table_name');
SELECT col_type_is('gt', 'global_table', 'relid', 'regclass', 'gt.global_table.relid is a regclass');

SELECT has_table('gt', 'replica', 'table gt.replica exists');
SELECT columns_are('gt', 'replica', ARRAY['table_name', 'region_name', 'status'],
    'gt.replica has its columns');
SELECT col_is_pk('gt', 'replica', ARRAY['table_name', 'region_name'],
    'gt.replica is keyed by table_name and region_name');
SELECT fk_ok('gt', 'replica', 'table_name', 'gt', 'global_table', 'table_name',
    'gt.replica references gt.global_table');

-- The output plugin reads these two as of each decoded change.
SELECT ok((SELECT 'user_catalog_table=true' = ANY (c.reloptions) FROM pg_class c
           WHERE c.oid = 'gt.global_table'::regclass),
    'gt.global_table is a user catalog table');
SELECT ok((SELECT 'user_catalog_table=true' = ANY (c.reloptions) FROM pg_class c
           WHERE c.oid = 'gt.replica'::regclass),
    'gt.replica is a user catalog table');

-- pg_dump keeps the contents of the catalogs.
SELECT set_eq(
    $$SELECT unnest(e.extconfig)::regclass::text FROM pg_extension e WHERE e.extname = 'pg_global_tables'$$,
    ARRAY['gt.region', 'gt.region_registration', 'gt.global_table', 'gt.replica'],
    'the catalogs are extension configuration tables');

SELECT has_view('gt', 'links', 'view gt.links exists');

--
-- API functions, with their signatures and return types
--
SELECT has_function('gt', 'create_table', ARRAY['jsonb'], 'gt.create_table(jsonb) exists');
SELECT function_returns('gt', 'create_table', ARRAY['jsonb'], 'jsonb', 'gt.create_table(jsonb) returns jsonb');
SELECT has_function('gt', 'update_table', ARRAY['jsonb'], 'gt.update_table(jsonb) exists');
SELECT function_returns('gt', 'update_table', ARRAY['jsonb'], 'jsonb', 'gt.update_table(jsonb) returns jsonb');
SELECT has_function('gt', 'describe_table', ARRAY['jsonb'], 'gt.describe_table(jsonb) exists');
SELECT function_returns('gt', 'describe_table', ARRAY['jsonb'], 'jsonb', 'gt.describe_table(jsonb) returns jsonb');
SELECT has_function('gt', 'describe_table', ARRAY['text'], 'gt.describe_table(text) exists');
SELECT function_returns('gt', 'describe_table', ARRAY['text'], 'jsonb', 'gt.describe_table(text) returns jsonb');
SELECT has_function('gt', 'list_tables', ARRAY['jsonb'], 'gt.list_tables(jsonb) exists');
SELECT function_returns('gt', 'list_tables', ARRAY['jsonb'], 'jsonb', 'gt.list_tables(jsonb) returns jsonb');
SELECT has_function('gt', 'delete_table', ARRAY['jsonb'], 'gt.delete_table(jsonb) exists');
SELECT function_returns('gt', 'delete_table', ARRAY['jsonb'], 'jsonb', 'gt.delete_table(jsonb) returns jsonb');
SELECT has_function('gt', 'delete_table', ARRAY['text'], 'gt.delete_table(text) exists');
SELECT function_returns('gt', 'delete_table', ARRAY['text'], 'jsonb', 'gt.delete_table(text) returns jsonb');
SELECT has_function('gt', 'put_item', ARRAY['jsonb'], 'gt.put_item(jsonb) exists');
SELECT function_returns('gt', 'put_item', ARRAY['jsonb'], 'jsonb', 'gt.put_item(jsonb) returns jsonb');
SELECT has_function('gt', 'put_item', ARRAY['text', 'jsonb'], 'gt.put_item(text, jsonb) exists');
SELECT function_returns('gt', 'put_item', ARRAY['text', 'jsonb'], 'jsonb', 'gt.put_item(text, jsonb) returns jsonb');
SELECT has_function('gt', 'get_item', ARRAY['jsonb'], 'gt.get_item(jsonb) exists');
SELECT function_returns('gt', 'get_item', ARRAY['jsonb'], 'jsonb', 'gt.get_item(jsonb) returns jsonb');
SELECT has_function('gt', 'get_item', ARRAY['text', 'jsonb'], 'gt.get_item(text, jsonb) exists');
SELECT function_returns('gt', 'get_item', ARRAY['text', 'jsonb'], 'jsonb', 'gt.get_item(text, jsonb) returns jsonb');
SELECT has_function('gt', 'delete_item', ARRAY['jsonb'], 'gt.delete_item(jsonb) exists');
SELECT function_returns('gt', 'delete_item', ARRAY['jsonb'], 'jsonb', 'gt.delete_item(jsonb) returns jsonb');
SELECT has_function('gt', 'delete_item', ARRAY['text', 'jsonb'], 'gt.delete_item(text, jsonb) exists');
SELECT function_returns('gt', 'delete_item', ARRAY['text', 'jsonb'], 'jsonb', 'gt.delete_item(text, jsonb) returns jsonb');
SELECT has_function('gt', 'init_region', ARRAY['text'], 'gt.init_region(text) exists');
SELECT function_returns('gt', 'init_region', ARRAY['text'], 'void', 'gt.init_region(text) returns void');
SELECT has_function('gt', 'register_region', ARRAY['text', 'text'], 'gt.register_region(text, text) exists');
SELECT function_returns('gt', 'register_region', ARRAY['text', 'text'], 'void', 'gt.register_region(text, text) returns void');
SELECT has_function('gt', 'region_conninfo', ARRAY['text'], 'gt.region_conninfo(text) exists');
SELECT function_returns('gt', 'region_conninfo', ARRAY['text'], 'text', 'gt.region_conninfo(text) returns text');
SELECT has_function('gt', 'wait_for_replication', ARRAY['interval'], 'gt.wait_for_replication(interval) exists');
SELECT function_returns('gt', 'wait_for_replication', ARRAY['interval'], 'boolean', 'gt.wait_for_replication(interval) returns boolean');
SELECT has_function('gt', 'local_region', ARRAY[]::name[], 'gt.local_region() exists');
SELECT function_returns('gt', 'local_region', ARRAY[]::name[], 'text', 'gt.local_region() returns text');
SELECT has_function('gt', 'hlc_to_timestamptz', ARRAY['bigint'], 'gt.hlc_to_timestamptz(bigint) exists');
SELECT function_returns('gt', 'hlc_to_timestamptz', ARRAY['bigint'], 'timestamp with time zone',
    'gt.hlc_to_timestamptz(bigint) returns timestamptz');

-- Defaults: ListTables without a request, and a 30 s wait.
SELECT is(gt.list_tables() ? 'TableNames', true, 'gt.list_tables() has a default request');
SELECT is((SELECT pg_get_function_arguments('gt.wait_for_replication(interval)'::regprocedure)),
    'timeout interval DEFAULT ''00:00:30''::interval',
    'gt.wait_for_replication waits 30 seconds by default');

-- The short forms name the table first.
SELECT is((SELECT pg_get_function_identity_arguments('gt.put_item(text, jsonb)'::regprocedure)),
    'table_name text, item jsonb', 'gt.put_item(text, jsonb) takes table_name and item');
SELECT is((SELECT pg_get_function_identity_arguments('gt.get_item(text, jsonb)'::regprocedure)),
    'table_name text, key jsonb', 'gt.get_item(text, jsonb) takes table_name and key');

--
-- Every function in schema gt belongs to the extension, is documented by
-- a comment, and (if written in SQL or PL/pgSQL) pins its search_path.
--
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = 'gt'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
$$, 'every function in gt belongs to the extension');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = 'gt'::regnamespace
      AND coalesce(obj_description(p.oid, 'pg_proc'), '') = ''
$$, 'every function in gt has a comment');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
    WHERE p.pronamespace = 'gt'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
      AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
$$, 'every SQL and PL/pgSQL function in gt sets search_path');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
    WHERE p.pronamespace = 'gt'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
      AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c
                      WHERE c = 'search_path=pg_catalog, pg_temp')
$$, 'the search_path of every SQL and PL/pgSQL function in gt is pg_catalog, pg_temp');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = 'gt'::regnamespace AND p.prosecdef
$$, 'no function in gt is SECURITY DEFINER');

SELECT * FROM finish();
ROLLBACK;
