# Copyright (c) 2026, pg_global_tables authors
#
# UpdateItem and conditional writes made in one region arrive in the other
# two (issue 14): what replicates is the whole item an update leaves, as a
# put's is.  A condition is evaluated against the local replica, as in
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

$node->stop;
done_testing();
