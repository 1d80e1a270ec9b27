-- The seed walk-through (LocalStack's DynamoDB global tables example), as SQL
-- against three region databases of one cluster.  Each step names the AWS CLI
-- command it stands for.
\set ON_ERROR_STOP 1
\pset pager off
\pset footer off
SET client_min_messages = warning;

CREATE DATABASE "ap-south-1";
\c ap-south-1
CREATE EXTENSION pg_global_tables;
SELECT gt.init_region('ap-south-1') \gset

\echo
\echo '# Create a table'
\echo '$ awslocal dynamodb create-table --table-name global01 --key-schema AttributeName=id,KeyType=HASH --attribute-definitions AttributeName=id,AttributeType=S --billing-mode PAY_PER_REQUEST --region ap-south-1'
SELECT jsonb_pretty(gt.create_table('{
    "TableName": "global01",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST"}') #- '{TableDescription,CreationDateTime}') AS "create-table";

\echo '# Create replicas (their databases are created on demand)'
\echo '$ awslocal dynamodb update-table --table-name global01 --replica-updates ''[{"Create": {"RegionName": "eu-central-1"}}, {"Create": {"RegionName": "us-west-1"}}]'' --region ap-south-1'
SELECT jsonb_pretty(gt.update_table('{
    "TableName": "global01",
    "ReplicaUpdates": [{"Create": {"RegionName": "eu-central-1"}},
                       {"Create": {"RegionName": "us-west-1"}}]}')
    -> 'TableDescription' -> 'Replicas') AS "update-table: Replicas";

\c eu-central-1
\echo '# Table can be operated on in all replicated regions'
\echo '$ awslocal dynamodb list-tables --region eu-central-1'
SELECT jsonb_pretty(gt.list_tables()) AS "list-tables";

\echo '$ awslocal dynamodb put-item --table-name global01 --item ''{"id":{"S":"foo"}}'' --region eu-central-1'
SELECT gt.put_item('{"TableName": "global01", "Item": {"id": {"S": "foo"}}}') AS "put-item";
-- Read-your-writes across regions: wait until the other replicas applied it.
SELECT gt.wait_for_replication() AS "replicated to every other region";

\c ap-south-1
\echo '$ awslocal dynamodb describe-table --table-name global01 --query Table.ItemCount --region ap-south-1'
SELECT gt.describe_table('global01') -> 'Table' -> 'ItemCount' AS "Table.ItemCount";

\c us-west-1
\echo '# The region described is not listed among its replicas (LocalStack bug 7426 lists it)'
\echo '$ awslocal dynamodb describe-table --table-name global01 --query Table.Replicas --region us-west-1'
SELECT jsonb_pretty(gt.describe_table('global01') -> 'Table' -> 'Replicas') AS "Table.Replicas";

\echo '# Every item carries its replication metadata'
SELECT id, item, gt.hlc_to_timestamptz(gt_update_time) IS NOT NULL AS stamped,
       gt_update_region, gt_deleting
FROM global01 ORDER BY id;

\echo '# The original region can leave the global table; its table stays, standalone'
SELECT jsonb_pretty(gt.update_table('{
    "TableName": "global01",
    "ReplicaUpdates": [{"Delete": {"RegionName": "ap-south-1"}}]}')
    -> 'TableDescription' -> 'Replicas') AS "update-table: Replicas";
