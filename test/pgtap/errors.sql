-- SQLSTATEs of the API's errors, which clients map to DynamoDB's
-- exceptions (src/include/gt/error.h): ValidationException YD000,
-- ResourceNotFoundException YD002, ResourceInUseException YD003, each
-- message beginning with the exception's name.  The region functions, which
-- are not DynamoDB's, keep PostgreSQL's codes.
BEGIN;
SELECT plan(26);

SELECT lives_ok($$SELECT gt.create_table('{"TableName": "regress_errors",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')$$,
    'create a table');

-- ValidationException
SELECT throws_ok($$SELECT gt.put_item('ab', '{"id": {"S": "a"}}')$$,
    'YD000', 'ValidationException: invalid table name "ab"', 'a table name too short');
SELECT throws_ok($$SELECT gt.get_item('regress errors', '{"id": {"S": "a"}}')$$,
    'YD000', 'ValidationException: invalid table name "regress errors"', 'a table name with a space');
SELECT throws_ok($$SELECT gt.describe_table('regress;errors')$$,
    'YD000', 'ValidationException: invalid table name "regress;errors"', 'DescribeTable checks the table name');
SELECT throws_ok($$SELECT gt.create_table('{"TableName": "x"}')$$,
    'YD000', 'ValidationException: invalid table name "x"', 'CreateTable checks the table name');
SELECT throws_ok($$SELECT gt.put_item('{"TableName": "regress_errors", "Item": {}, "Expected": {}}')$$,
    'YD000', 'ValidationException: unrecognized parameter "Expected" in PutItem request', 'an unrecognized parameter');
SELECT throws_ok($$SELECT gt.put_item('{"Item": {"id": {"S": "a"}}}')$$,
    'YD000', 'ValidationException: PutItem request is missing required parameter "TableName"', 'a missing TableName');
SELECT throws_ok($$SELECT gt.put_item('regress_errors', '{"id": {"S": "a"}, "x": {"Z": "1"}}')$$,
    'YD000', 'ValidationException: invalid AttributeValue for attribute "x": unknown data type descriptor "Z"',
    'an unknown data type descriptor');
SELECT throws_ok($$SELECT gt.put_item('regress_errors', '{"id": {"N": "1"}}')$$,
    'YD000', 'ValidationException: key attribute "id" must be of type S, not N', 'a key attribute of the wrong type');
SELECT throws_ok($$SELECT gt.put_item('regress_errors', '{"id": {"S": "a"}, "n": {"N": "1e126"}}')$$,
    'YD000', 'ValidationException: invalid number for attribute "n": "1e126"', 'a number out of range');
SELECT throws_ok($$SELECT gt.put_item('{"TableName": "regress_errors", "Item": {"id": {"S": "a"}}, "ReturnValues": "ALL_NEW"}')$$,
    'YD000', 'ValidationException: ReturnValues "ALL_NEW" is not valid for PutItem', 'an invalid ReturnValues');
SELECT throws_ok($$SELECT gt.create_table('{"TableName": "regress_errors_2",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "BOOL"}]}')$$,
    'YD000', NULL, 'an invalid attribute definition');
SELECT throws_ok($$SELECT gt.update_table('{"TableName": "regress_errors", "ReplicaUpdates": [{"Create": {"RegionName": "Bad_Region"}}]}')$$,
    'YD000', 'ValidationException: invalid region name "Bad_Region"', 'an invalid region name in ReplicaUpdates');
SELECT throws_ok($$SELECT gt.list_tables('{"Limit": 0}')$$,
    'YD000', 'ValidationException: Limit must be an integer between 1 and 100', 'an invalid Limit');

-- ResourceNotFoundException
SELECT throws_ok($$SELECT gt.put_item('regress_nosuch', '{"id": {"S": "a"}}')$$,
    'YD002', 'ResourceNotFoundException: Requested resource not found: Table: regress_nosuch not found', 'PutItem of an unknown table');
SELECT throws_ok($$SELECT gt.describe_table('regress_nosuch')$$,
    'YD002', 'ResourceNotFoundException: Requested resource not found: Table: regress_nosuch not found', 'DescribeTable of an unknown table');
SELECT throws_ok($$SELECT gt.delete_table('regress_nosuch')$$,
    'YD002', 'ResourceNotFoundException: Requested resource not found: Table: regress_nosuch not found', 'DeleteTable of an unknown table');
SELECT throws_ok($$SELECT gt.update_table('{"TableName": "regress_nosuch"}')$$,
    'YD002', 'ResourceNotFoundException: Requested resource not found: Table: regress_nosuch not found', 'UpdateTable of an unknown table');

-- ResourceInUseException
SELECT throws_ok($$SELECT gt.create_table('{"TableName": "regress_errors",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')$$,
    'YD003', 'ResourceInUseException: Table already exists: regress_errors', 'a duplicate table');

-- Item too large: 400 KB + 1 byte (2 + 1 for "id", 1 for "d", and "d"'s value).
SELECT throws_ok($$SELECT gt.put_item('regress_errors',
    jsonb_build_object('id', '{"S": "a"}'::jsonb, 'd', jsonb_build_object('S', repeat('x', 409600 - 4 + 1))))$$,
    'YD000', 'ValidationException: Item size has exceeded the maximum allowed size', 'an item over 400 KB');
SELECT lives_ok($$SELECT gt.put_item('regress_errors',
    jsonb_build_object('id', '{"S": "a"}'::jsonb, 'd', jsonb_build_object('S', repeat('x', 409600 - 4))))$$,
    'an item of 400 KB');

-- Regions
SELECT throws_ok($$SELECT gt.init_region('regress-other')$$,
    '55000', 'database "regress_pgtap" is already region "regress-pgtap"', 'a region keeps its name');
SELECT lives_ok($$SELECT gt.init_region('regress-pgtap')$$, 'naming the region again with its name');
SELECT throws_ok($$SELECT gt.register_region('regress-pgtap', 'dbname=x')$$,
    '22023', 'cannot register region "regress-pgtap": it is this database''s region', 'registering this region');

-- Replica tables
SELECT throws_ok($$TRUNCATE public.regress_errors$$,
    '0A000', 'cannot truncate replica table regress_errors', 'TRUNCATE of a replica table');
-- This transaction has written, so replica updates are refused.
SELECT throws_ok($$SELECT gt.update_table('{"TableName": "regress_errors", "ReplicaUpdates": [{"Create": {"RegionName": "regress-peer"}}]}')$$,
    '25001', 'UpdateTable with ReplicaUpdates cannot run in a transaction that has already written data',
    'ReplicaUpdates in a transaction that has written');

SELECT * FROM finish();
ROLLBACK;
