# Copyright (c) 2026, pg_global_tables authors
#
# UpdateItem and conditional writes made in one region arrive in the other
# two (issue 14): what replicates is the whole item an update leaves, as a
# put's is; and Query and Scan then give the same answers in every region.  A condition is evaluated against the local replica, as in
# DynamoDB's global tables: two regions can both pass a condition on the
# same item at once, and last-writer-wins then keeps one of the writes in
# every region.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('updates');
my @regions = ('us-east-1', 'eu-west-1', 'ap-south-1');
gt_create_region($node, $_) foreach @regions;
gt_create_table($node, 'us-east-1', 'counters');
gt_add_replica($node, 'us-east-1', 'counters', $_) foreach ('eu-west-1', 'ap-south-1');

my $items = q{SELECT string_agg(format('%s=%s', id, item), ' ' ORDER BY id) FROM counters WHERE NOT gt_deleting};
sub converged
{
	my ($label) = @_;
	gt_wait($node, $_) foreach @regions;
	my $first = $node->safe_psql('us-east-1', $items);
	is($node->safe_psql($_, $items), $first, "$label: $_ holds what us-east-1 holds") foreach @regions[1 .. 2];
	return $first;
}

# An update creates the item; updates in each region build on it in turn.
$node->safe_psql('us-east-1', q{
	SELECT gt.update_item('counters', '{"id": {"S": "c1"}}', 'SET n = :zero, tags = :t',
		'{":zero": {"N": "0"}, ":t": {"SS": ["a"]}}')});
gt_wait($node, 'us-east-1');
foreach my $r (@regions)
{
	$node->safe_psql($r, q{
		SELECT gt.update_item('counters', '{"id": {"S": "c1"}}', 'SET n = n + :one ADD tags :t',
			jsonb_build_object(':one', '{"N": "1"}'::jsonb, ':t', jsonb_build_object('SS', jsonb_build_array(gt.local_region()))))});
	gt_wait($node, $r);
}
my $all = converged('updates in turn');
like($all, qr/"n": \{"N": "3"\}/, 'each region\'s increment counted once');
# A set keeps its elements in the order they were added (sets are unordered).
like($all, qr/"tags": \{"SS": \["a", "us-east-1", "eu-west-1", "ap-south-1"\]\}/, 'and each added its tag');

# REMOVE and DELETE replicate as the item they leave.
$node->safe_psql('eu-west-1', q{
	SELECT gt.update_item('counters', '{"id": {"S": "c1"}}', 'REMOVE n DELETE tags :t',
		'{":t": {"SS": ["a", "us-east-1"]}}')});
$all = converged('remove and delete');
like($all, qr/^c1=\{"id": \{"S": "c1"\}, "tags": \{"SS": \["eu-west-1", "ap-south-1"\]\}\}$/, 'the item lost n and two tags everywhere');

# A conditional put in one region: the condition reads that region's
# replica, and what it writes replicates.
$node->safe_psql('ap-south-1', q{
	SELECT gt.put_item('{"TableName": "counters", "Item": {"id": {"S": "c2"}, "owner": {"S": "ap"}},
		"ConditionExpression": "attribute_not_exists(id)"}')});
gt_wait($node, 'ap-south-1');
my ($rc, $out, $err) = $node->psql('us-east-1', q{
	SELECT gt.put_item('{"TableName": "counters", "Item": {"id": {"S": "c2"}, "owner": {"S": "us"}},
		"ConditionExpression": "attribute_not_exists(id)"}')});
like($err, qr/ConditionalCheckFailedException: The conditional request failed/,
	'once replicated, the item fails the condition in another region');
$node->safe_psql('us-east-1', q{
	SELECT gt.delete_item('{"TableName": "counters", "Key": {"id": {"S": "c2"}},
		"ConditionExpression": "#o = :ap", "ExpressionAttributeNames": {"#o": "owner"},
		"ExpressionAttributeValues": {":ap": {"S": "ap"}}}')});
$all = converged('conditional delete');
unlike($all, qr/c2=/, 'the conditional delete removed it everywhere');

# The same condition passes in two regions at once (each sees no item):
# both writes are accepted, and last-writer-wins keeps one everywhere.
my $create = q{
	SELECT gt.put_item(jsonb_build_object('TableName', 'counters',
		'Item', jsonb_build_object('id', '{"S": "c3"}'::jsonb, 'owner', jsonb_build_object('S', gt.local_region())),
		'ConditionExpression', 'attribute_not_exists(id)'))};
# Both commit before either's change can have arrived: one transaction
# each, held open until both have written.
my $s1 = $node->background_psql('us-east-1');
my $s2 = $node->background_psql('eu-west-1');
$s1->query_safe('BEGIN');
$s1->query_safe($create);
$s2->query_safe('BEGIN');
$s2->query_safe($create);
$s1->query_safe('COMMIT');
$s2->query_safe('COMMIT');
$s1->quit;
$s2->quit;
$all = converged('concurrent conditional creates');
like($all, qr/c3=\{"id": \{"S": "c3"\}, "owner": \{"S": "(us-east-1|eu-west-1)"\}\}/,
	'both passed the condition, one version won in every region');

# Query and Scan answer the same in every region once replicated: items of
# one partition written in all three, some updated and deleted elsewhere.
$node->safe_psql('us-east-1', q{
	SELECT gt.create_table('{"TableName": "events",
		"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "ts", "KeyType": "RANGE"}],
		"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "ts", "AttributeType": "N"}]}')});
gt_add_replica($node, 'us-east-1', 'events', $_) foreach ('eu-west-1', 'ap-south-1');
foreach my $i (0 .. 29)
{
	my $r = $regions[$i % 3];
	$node->safe_psql($r, qq{
		SELECT gt.put_item('events', jsonb_build_object('pk', '{"S": "p"}'::jsonb,
			'ts', jsonb_build_object('N', '$i'), 'by', jsonb_build_object('S', gt.local_region())))});
}
gt_wait($node, $_) foreach @regions;
$node->safe_psql('eu-west-1', q{
	SELECT gt.update_item('events', jsonb_build_object('pk', '{"S": "p"}'::jsonb, 'ts', jsonb_build_object('N', n::text)),
		'SET seen = :t', '{":t": {"BOOL": true}}') FROM generate_series(0, 29, 4) n});
$node->safe_psql('ap-south-1', q{
	SELECT gt.delete_item('events', jsonb_build_object('pk', '{"S": "p"}'::jsonb, 'ts', jsonb_build_object('N', n::text)))
	FROM generate_series(1, 29, 5) n});
gt_wait($node, $_) foreach @regions;
my $query = q{SELECT string_agg(i::text, ' ') FROM gt.query('events', 'pk = :p AND ts BETWEEN :a AND :b',
	'{":p": {"S": "p"}, ":a": {"N": "3"}, ":b": {"N": "25"}}', 'attribute_exists(seen)', scan_index_forward => false) i};
my $page = q{SELECT gt.query('{"TableName": "events", "KeyConditionExpression": "pk = :p",
	"ExpressionAttributeValues": {":p": {"S": "p"}}, "Limit": 7, "ProjectionExpression": "ts, #b",
	"ExpressionAttributeNames": {"#b": "by"}}'::jsonb)};
my $scan = q{SELECT gt.scan('{"TableName": "events", "Select": "COUNT"}'::jsonb)};
foreach my $sql ($query, $page, $scan)
{
	my $first = $node->safe_psql('us-east-1', $sql);
	isnt($first, '', 'a read has an answer');
	is($node->safe_psql($_, $sql), $first, "$_ answers as us-east-1 does") foreach @regions[1 .. 2];
}
like($node->safe_psql('ap-south-1', $scan), qr/"Count": 24/, 'every region counts 24 live items');

$node->stop;
done_testing();
