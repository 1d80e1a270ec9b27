# Copyright (c) 2026, pg_global_tables authors
#
# A role that can only connect cannot stop, fork or take over replication,
# through real link workers (the single-region side is sql/hostile_connect.sql):
# - it held the launcher's one-per-database guard, an advisory lock, before
#   the launcher started, and the region never replicated in;
# - its forged watermarks (logical messages) stopped every link leaving the
#   region for good, or, with a far-future time, made peers collect
#   tombstones too early.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('hostile');
$node->append_conf('postgresql.conf', "gt.tombstone_collect_interval = 200\n");
$node->reload;
gt_create_region($node, 'us-east-1');
gt_create_table($node, 'us-east-1', 'orders');
$node->safe_psql('postgres', q{CREATE ROLE mallory LOGIN});

#### The launcher's guard is out of reach
# mallory takes the advisory lock that used to be the guard, in the database
# that is about to become a region, and keeps it.
$node->safe_psql('postgres', q{CREATE DATABASE "eu-west-1"});
my $mallory = $node->background_psql('eu-west-1', extra_params => [ '-U', 'mallory' ]);
is($mallory->query_safe(q{SELECT pg_try_advisory_lock(hashtext('pg_global_tables launcher'))}),
	't', 'mallory holds the advisory lock of the old launcher guard');
$node->safe_psql('eu-west-1',
	q{CREATE EXTENSION pg_global_tables; SELECT gt.init_region('eu-west-1')});
gt_add_replica($node, 'us-east-1', 'orders', 'eu-west-1');
gt_put($node, 'eu-west-1', 'orders', 'from-eu', 'one');
gt_wait($node, 'eu-west-1');
is(gt_get($node, 'us-east-1', 'orders', 'from-eu'), 'one',
	'the new region replicates out while mallory holds the lock');
gt_put($node, 'us-east-1', 'orders', 'from-us', 'one');
gt_wait($node, 'us-east-1');
is(gt_get($node, 'eu-west-1', 'orders', 'from-us'), 'one',
	'and replicates in: its launcher started its link worker');
$mallory->quit;

#### Forged watermarks change nothing
my $offset = -s $node->logfile;
foreach my $forged ('garbage', '9' x 40, '9223372036854775807', '-5')
{
	$node->safe_psql('us-east-1',
		qq{SELECT pg_logical_emit_message(false, 'gt.watermark', '$forged')},
		extra_params => [ '-U', 'mallory' ]);
}
gt_put($node, 'us-east-1', 'orders', 'after', 'two');
gt_wait($node, 'us-east-1');
is(gt_get($node, 'eu-west-1', 'orders', 'after'), 'two',
	'writes made after the forged watermarks replicate');
is($node->safe_psql('eu-west-1', q{SELECT last_error IS NULL FROM gt.links}), 't',
	'the link has no error');
# A real watermark written after the forged ones has arrived, and it is a
# time of now, not the forged one.
my $emitted = $node->safe_psql('us-east-1', q{SELECT pg_current_wal_lsn()});
$node->poll_query_until('us-east-1', qq{
	SELECT confirmed_flush_lsn >= '$emitted' FROM pg_replication_slots
	WHERE slot_name = 'gt_us_east_1_eu_west_1'})
  or die 'the slot never passed the forged messages';
ok($node->poll_query_until('eu-west-1', q{
	SELECT peer_watermark > now() - interval '10 s'
	       AND peer_watermark < now() + interval '1 min'
	FROM gt.links WHERE peer = 'us-east-1'}),
	"eu-west-1 holds us-east-1's real watermark, not a forged one");
unlike(substr(PostgreSQL::Test::Utils::slurp_file($node->logfile), $offset),
	qr/(?:WARNING|ERROR):.*watermark/, 'no error or warning about a watermark');

$node->stop;
done_testing();
