# Copyright (c) 2026, pg_global_tables authors

=pod

=head1 NAME

GtTest - helpers for pg_global_tables' multi-region TAP tests

=head1 DESCRIPTION

Starts clusters configured the way pg_global_tables needs (from
test/pg_global_tables.conf), creates region databases, and wraps the few SQL
calls every test makes.  Waiting is always done with gt.wait_for_replication()
or poll_query_until, never with sleeps.

=cut

package GtTest;

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(gt_new_node gt_create_region gt_create_table gt_add_replica
  gt_put gt_get gt_delete gt_wait gt_items);

# A started cluster configured for global tables.  Short naptimes so tests
# do not wait long for links to start or restart.
sub gt_new_node
{
	my ($name) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(allows_streaming => 'logical');
	$node->append_conf('postgresql.conf',
		PostgreSQL::Test::Utils::slurp_file('test/pg_global_tables.conf'));
	$node->append_conf('postgresql.conf',
		"gt.launcher_naptime = 100\ngt.link_retry_interval = 200\n");
	$node->start;
	return $node;
}

# Creates a database for a region, with the extension and its region name.
sub gt_create_region
{
	my ($node, $region) = @_;
	$node->safe_psql('postgres', qq{CREATE DATABASE "$region"});
	$node->safe_psql($region,
		"CREATE EXTENSION pg_global_tables; SELECT gt.init_region('$region')");
	return;
}

# Creates a table with a string HASH key "id".
sub gt_create_table
{
	my ($node, $region, $table) = @_;
	return $node->safe_psql($region, qq{
		SELECT gt.create_table('{"TableName": "$table",
			"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
			"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
			"BillingMode": "PAY_PER_REQUEST"}')});
}

sub gt_add_replica
{
	my ($node, $region, $table, $new_region) = @_;
	return $node->safe_psql($region, qq{
		SELECT gt.update_table('{"TableName": "$table",
			"ReplicaUpdates": [{"Create": {"RegionName": "$new_region"}}]}')});
}

# Puts {"id": {"S": $id}, "v": {"S": $value}}.
sub gt_put
{
	my ($node, $region, $table, $id, $value) = @_;
	return $node->safe_psql($region, qq{
		SELECT gt.put_item('$table', '{"id": {"S": "$id"}, "v": {"S": "$value"}}')});
}

# The "v" attribute of an item, or '' if there is no such item.
sub gt_get
{
	my ($node, $region, $table, $id) = @_;
	return $node->safe_psql($region, qq{
		SELECT gt.get_item('$table', '{"id": {"S": "$id"}}')->'v'->>'S'});
}

sub gt_delete
{
	my ($node, $region, $table, $id) = @_;
	return $node->safe_psql($region, qq{
		SELECT gt.delete_item('$table', '{"id": {"S": "$id"}}')});
}

# Waits until every other replica has applied this region's commits.
sub gt_wait
{
	my ($node, $region) = @_;
	my $ok = $node->safe_psql($region,
		"SELECT gt.wait_for_replication('$PostgreSQL::Test::Utils::timeout_default s')");
	die "replication from region \"$region\" did not catch up" unless $ok eq 't';
	return;
}

# Every row of a replica table, metadata included, one line per key.
sub gt_items
{
	my ($node, $region, $table) = @_;
	return $node->safe_psql($region, qq{
		SELECT string_agg(format('%s|%s|%s|%s|%s', id, item, gt_update_time,
			gt_update_region, gt_deleting), E'\\n' ORDER BY id)
		FROM public."$table"});
}

1;
