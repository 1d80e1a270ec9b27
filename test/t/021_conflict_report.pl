# Copyright (c) 2026, pg_global_tables authors
#
# The conflict report through real link workers: every decision of
# last-writer-wins between versions of an item written in different regions
# is logged, whichever version won, in the shape of PostgreSQL 18's
# conflict log lines (src/conflict/gt_conflict.c).  A session holding a row
# lock, or an uncommitted insertion, in one region makes the other region's
# version arrive while the local one is being written, so that each case
# happens in a known order.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('report');
gt_create_region($node, 'eu-west-1');
gt_create_table($node, 'eu-west-1', 'orders');
gt_add_replica($node, 'eu-west-1', 'orders', 'us-east-1');

# Both regions' link workers wait for the lock held in a region.
sub wait_for_blocked_link_worker
{
	my ($region) = @_;
	$node->poll_query_until($region, q{
		SELECT count(*) > 0 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
		WHERE a.backend_type = 'gt link worker' AND NOT l.granted})
	  or die "the link worker in region $region never waited";
	return;
}

# A conflict line of the server log and its detail, for key $key.
sub conflict_line
{
	my ($type, $key, $what, $first_region, $second_region) = @_;
	return qr/LOG:  conflict detected on relation "public\.orders": conflict=\Q$type\E\n[^\n]*DETAIL:  Key \{"id": \{"S": "\Q$key\E"\}\}: \Q$what\E written in region "\Q$first_region\E" at [^\n]* over the (?:local|remote) version written in region "\Q$second_region\E" at /;
}

#### A version from another region replaces one written here: applied
gt_put($node, 'us-east-1', 'orders', 'k1', 'from-us');
gt_wait($node, 'us-east-1');
my $offset = -s $node->logfile;
gt_put($node, 'eu-west-1', 'orders', 'k1', 'from-eu');
gt_wait($node, 'eu-west-1');
ok($node->wait_for_log(
		conflict_line('update_origin_differs', 'k1', 'applied the remote version',
			'eu-west-1', 'us-east-1'), $offset),
	'us-east-1 reports the version of eu-west-1 it applied over its own');
is(gt_get($node, 'us-east-1', 'orders', 'k1'), 'from-eu', 'the later version is stored');

#### An older version from another region loses to a newer one here: kept
gt_put($node, 'us-east-1', 'orders', 'k2', 'first');
gt_wait($node, 'us-east-1');
$offset = -s $node->logfile;
my $holder = $node->background_psql('us-east-1');
$holder->query_safe('BEGIN');
$holder->query_safe(q{SELECT 1 FROM orders WHERE id = 'k2' FOR UPDATE});
# Stamped now, applied in us-east-1 only after the holder's newer write.
gt_put($node, 'eu-west-1', 'orders', 'k2', 'from-eu');
wait_for_blocked_link_worker('us-east-1');
$holder->query_safe(
	q{SELECT gt.put_item('orders', '{"id": {"S": "k2"}, "v": {"S": "from-us"}}')});
$holder->query_safe('COMMIT');
gt_wait($node, 'eu-west-1');
gt_wait($node, 'us-east-1');
ok($node->wait_for_log(
		conflict_line('update_origin_differs', 'k2', 'kept the local version',
			'us-east-1', 'eu-west-1'), $offset),
	'us-east-1 reports the older version of eu-west-1 it discarded');
ok($node->wait_for_log(
		conflict_line('update_origin_differs', 'k2', 'applied the remote version',
			'us-east-1', 'eu-west-1'), $offset),
	'eu-west-1 reports the newer version of us-east-1 it applied');
is(gt_get($node, 'eu-west-1', 'orders', 'k2') . '|' . gt_get($node, 'us-east-1', 'orders', 'k2'),
	'from-us|from-us', 'both regions keep the newer version');

#### The same new item written in both regions
$offset = -s $node->logfile;
$holder->query_safe('BEGIN');
$holder->query_safe(
	q{SELECT gt.put_item('orders', '{"id": {"S": "k3"}, "v": {"S": "from-us"}}')});
gt_put($node, 'eu-west-1', 'orders', 'k3', 'from-eu');
wait_for_blocked_link_worker('us-east-1');
$holder->query_safe('COMMIT');
$holder->quit;
gt_wait($node, 'eu-west-1');
gt_wait($node, 'us-east-1');
ok($node->wait_for_log(
		conflict_line('insert_exists', 'k3', 'applied the remote version',
			'eu-west-1', 'us-east-1'), $offset),
	'us-east-1 reports the new item of eu-west-1 it applied over its own');
ok($node->wait_for_log(
		conflict_line('insert_exists', 'k3', 'kept the local version',
			'eu-west-1', 'us-east-1'), $offset),
	'eu-west-1 reports the older new item of us-east-1 it discarded');
is(gt_get($node, 'eu-west-1', 'orders', 'k3') . '|' . gt_get($node, 'us-east-1', 'orders', 'k3'),
	'from-eu|from-eu', 'both regions keep the later new item');

#### Each report names the link that decided
like(slurp_file($node->logfile, $offset),
	qr/conflict=insert_exists\n[^\n]*DETAIL:  [^\n]*\n[^\n]*CONTEXT:  processing remote data for region "(?:eu-west-1|us-east-1)" during "VERSION" for table "orders"/,
	'the report carries the link worker\'s context');

$node->stop;
done_testing();
