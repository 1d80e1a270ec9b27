# Copyright (c) 2026, pg_global_tables authors
#
# The seed walk-through (LocalStack's global tables example) across three
# region databases of one cluster, then writes in every region, deletes, and
# removing replicas and tables.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('regions');
gt_create_region($node, 'ap-south-1');
my @regions = ('ap-south-1', 'eu-central-1', 'us-west-1');

#### Create a table in ap-south-1
my $created = $node->safe_psql('ap-south-1', q{
	SELECT gt.create_table('{"TableName": "global01",
		"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
		"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
		"BillingMode": "PAY_PER_REQUEST"}')->'TableDescription'->>'TableStatus'});
is($created, 'ACTIVE', 'create-table in ap-south-1');

#### Create replicas in eu-central-1 and us-west-1 (databases created on demand)
my $updated = $node->safe_psql('ap-south-1', q{
	SELECT gt.update_table('{"TableName": "global01", "ReplicaUpdates":
		[{"Create": {"RegionName": "eu-central-1"}}, {"Create": {"RegionName": "us-west-1"}}]}')
		->'TableDescription'->'Replicas'});
is($updated,
	'[{"RegionName": "eu-central-1", "ReplicaStatus": "ACTIVE"}, {"RegionName": "us-west-1", "ReplicaStatus": "ACTIVE"}]',
	'update-table creates two replicas');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_database WHERE datname IN ('eu-central-1', 'us-west-1')}),
	'2', 'the new regions\' databases were created');
is($node->safe_psql('us-west-1', 'SELECT gt.local_region()'),
	'us-west-1', 'a created region knows its name');

#### The table can be operated on in all replicated regions
is($node->safe_psql('eu-central-1', 'SELECT gt.list_tables()'),
	'{"TableNames": ["global01"]}', 'list-tables in eu-central-1');
$node->safe_psql('eu-central-1',
	q{SELECT gt.put_item('{"TableName": "global01", "Item": {"id": {"S": "foo"}}}')});
gt_wait($node, 'eu-central-1');
is($node->safe_psql('ap-south-1',
		q{SELECT gt.describe_table('global01')->'Table'->'ItemCount'}),
	'1', 'ItemCount in ap-south-1 is 1 after put-item in eu-central-1');

#### Replicas seen from us-west-1: the others, not itself (unlike LocalStack bug 7426)
is($node->safe_psql('us-west-1',
		q{SELECT gt.describe_table('global01')->'Table'->'Replicas'}),
	'[{"RegionName": "ap-south-1", "ReplicaStatus": "ACTIVE"}, {"RegionName": "eu-central-1", "ReplicaStatus": "ACTIVE"}]',
	'describe-table in us-west-1 lists exactly ap-south-1 and eu-central-1');
is($node->safe_psql('us-west-1',
		q{SELECT gt.describe_table('global01')->'Table'->>'GlobalTableVersion'}),
	'2019.11.21', 'GlobalTableVersion');

#### A write in each region is visible in every other one
foreach my $r (@regions)
{
	gt_put($node, $r, 'global01', "from-$r", "written in $r");
	gt_wait($node, $r);
}
foreach my $r (@regions)
{
	foreach my $w (@regions)
	{
		is(gt_get($node, $r, 'global01', "from-$w"), "written in $w",
			"write in $w visible in $r");
	}
}
my $reference = gt_items($node, 'ap-south-1', 'global01');
foreach my $r (@regions)
{
	is(gt_items($node, $r, 'global01'), $reference,
		"$r holds the same items and metadata");
}

#### Deletes replicate, through the API and through plain SQL
gt_delete($node, 'us-west-1', 'global01', 'foo');
# A plain DELETE reports the row it deleted, as SQL users expect.
is($node->safe_psql('ap-south-1',
		q{DELETE FROM global01 WHERE id = 'from-eu-central-1' RETURNING id}),
	'from-eu-central-1', 'a plain DELETE returns the item it deleted');
gt_wait($node, 'us-west-1');
gt_wait($node, 'ap-south-1');
foreach my $r (@regions)
{
	is($node->safe_psql($r, q{SELECT gt.describe_table('global01')->'Table'->'ItemCount'}),
		'2', "deletes reached $r");
	is(gt_get($node, $r, 'global01', 'foo'), '', "deleted item is gone in $r");
}
$reference = gt_items($node, 'ap-south-1', 'global01');
foreach my $r (@regions)
{
	is(gt_items($node, $r, 'global01'), $reference,
		"$r holds the same items and tombstones");
}

#### A plain INSERT of a deleted key writes the item again, everywhere
$node->safe_psql('eu-central-1', q{INSERT INTO global01 (id, item)
	VALUES ('from-eu-central-1', '{"id": {"S": "from-eu-central-1"}, "v": {"S": "again"}}')});
gt_wait($node, 'eu-central-1');
foreach my $r (@regions)
{
	is(gt_get($node, $r, 'global01', 'from-eu-central-1'), 'again',
		"the item inserted again reached $r");
}
$reference = gt_items($node, 'ap-south-1', 'global01');
foreach my $r (@regions)
{
	is(gt_items($node, $r, 'global01'), $reference,
		"$r holds the same items after the insertion");
}
$node->safe_psql('eu-central-1', q{DELETE FROM global01 WHERE id = 'from-eu-central-1'});
gt_wait($node, 'eu-central-1');

#### Remove the original region's replica: it becomes a standalone table
$updated = $node->safe_psql('eu-central-1', q{
	SELECT gt.update_table('{"TableName": "global01", "ReplicaUpdates":
		[{"Delete": {"RegionName": "ap-south-1"}}]}')->'TableDescription'->'Replicas'});
is($updated, '[{"RegionName": "us-west-1", "ReplicaStatus": "ACTIVE"}]',
	'ap-south-1 removed, as seen from eu-central-1');
is($node->safe_psql('ap-south-1', 'SELECT gt.list_tables()'),
	'{"TableNames": []}', 'ap-south-1 no longer lists the global table');
is($node->safe_psql('ap-south-1', q{SELECT count(*) FROM global01 WHERE NOT gt_deleting}),
	'2', 'its table stays, with its data');
is($node->safe_psql('ap-south-1',
		q{SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'gt\_ap\_south\_1\_%' OR slot_name LIKE 'gt\_%\_ap\_south\_1'}),
	'0', 'the links of ap-south-1 are gone');

# Writes no longer flow in either direction.
$node->safe_psql('ap-south-1',
	q{INSERT INTO global01 (id, item) VALUES ('standalone', '{"id": {"S": "standalone"}}')});
gt_put($node, 'eu-central-1', 'global01', 'after-removal', 'x');
gt_wait($node, 'eu-central-1');
is(gt_get($node, 'us-west-1', 'global01', 'after-removal'), 'x',
	'the remaining replicas still replicate');
is($node->safe_psql('ap-south-1', q{SELECT count(*) FROM global01 WHERE id = 'after-removal'}),
	'0', 'the removed replica receives nothing');
is($node->safe_psql('eu-central-1', q{SELECT count(*) FROM global01 WHERE id = 'standalone'}),
	'0', 'the removed replica sends nothing');

#### Delete the table in us-west-1: eu-central-1 keeps its data
my $deleted = $node->safe_psql('us-west-1',
	q{SELECT gt.delete_table('global01')->'TableDescription'->>'TableStatus'});
is($deleted, 'DELETING', 'delete-table response');
is($node->safe_psql('us-west-1', q{SELECT to_regclass('public.global01') IS NULL}),
	't', 'the table is dropped in us-west-1');
is($node->safe_psql('eu-central-1',
		q{SELECT gt.describe_table('global01')->'Table' ?| array['Replicas', 'GlobalTableVersion']}),
	'f', 'eu-central-1 is now a single-region table');
is($node->safe_psql('eu-central-1', q{SELECT gt.describe_table('global01')->'Table'->'ItemCount'}),
	'3', 'eu-central-1 keeps its items');
is($node->safe_psql('eu-central-1', q{SELECT count(*) FROM pg_replication_slots}),
	'0', 'no replication slot is left behind');

#### A replica that cannot be created leaves nothing behind
# The target region already has a table of that name: refused up front.
gt_create_region($node, 'il-central-1');
$node->safe_psql('il-central-1', 'CREATE TABLE global01 (a int)');
my ($ret, $stdout, $stderr) = $node->psql('eu-central-1', q{
	SELECT gt.update_table('{"TableName": "global01",
		"ReplicaUpdates": [{"Create": {"RegionName": "il-central-1"}}]}')});
like($stderr, qr/table "global01" already exists in region "il-central-1"/,
	'a name clash in the target region is refused');
is($node->safe_psql('il-central-1', 'SELECT count(*) FROM global01'), '0',
	'the existing table there is untouched');

# The initial copy fails after the slots exist: everything is undone.  A
# row without its key attribute, which plain SQL can no longer write, is
# planted by a superuser as replication would write it (with a replication
# origin, the trigger does not check).
$node->safe_psql('eu-central-1', q{
	SELECT pg_replication_origin_create('plant');
	SELECT pg_replication_origin_session_setup('plant');
	INSERT INTO global01 (id, item, gt_update_time, gt_update_region)
		VALUES ('no-key-in-item', '{}', 1, 'elsewhere');
	SELECT pg_replication_origin_session_reset();
	SELECT pg_replication_origin_drop('plant');});
($ret, $stdout, $stderr) = $node->psql('eu-central-1', q{
	SELECT gt.update_table('{"TableName": "global01",
		"ReplicaUpdates": [{"Create": {"RegionName": "me-central-1"}}]}')});
isnt($ret, 0, 'a replica whose initial copy fails is not created');
is($node->safe_psql('eu-central-1',
		q{SELECT gt.describe_table('global01')->'Table' ? 'Replicas'}),
	'f', 'the source does not list it');
is($node->safe_psql('me-central-1', q{SELECT to_regclass('public.global01') IS NULL}),
	't', 'the half-made replica table is gone');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_replication_slots}),
	'0', 'no replication slot is left holding WAL');

$node->stop;
done_testing();
