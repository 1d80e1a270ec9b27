# Copyright (c) 2026, pg_global_tables authors
#
# Regions on two servers, reached by libpq connection strings registered in
# both directions: replication both ways, a region whose clock runs ahead,
# and errors that name the region and the registration to fix.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $east = gt_new_node('east');
my $west = gt_new_node('west');
gt_create_region($east, 'us-east-1');
gt_create_region($west, 'eu-west-1');
$east->safe_psql('us-east-1',
	"SELECT gt.register_region('eu-west-1', \$\$" . $west->connstr('eu-west-1') . "\$\$)");
$west->safe_psql('eu-west-1',
	"SELECT gt.register_region('us-east-1', \$\$" . $east->connstr('us-east-1') . "\$\$)");

#### A table created on one server, with a replica on the other
gt_create_table($east, 'us-east-1', 'regress_orders');
gt_put($east, 'us-east-1', 'regress_orders', 'before-replica', 'copied');
is($east->safe_psql('us-east-1', q{
	SELECT gt.update_table('{"TableName": "regress_orders",
		"ReplicaUpdates": [{"Create": {"RegionName": "eu-west-1"}}]}')
		->'TableDescription'->'Replicas'}),
	'[{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}]',
	'replica created in a region on another server');
is(gt_get($west, 'eu-west-1', 'regress_orders', 'before-replica'), 'copied',
	'items written before the replica existed are copied');

#### Writes flow both ways
gt_put($east, 'us-east-1', 'regress_orders', 'from-east', 'e');
gt_put($west, 'eu-west-1', 'regress_orders', 'from-west', 'w');
gt_wait($east, 'us-east-1');
gt_wait($west, 'eu-west-1');
is(gt_get($west, 'eu-west-1', 'regress_orders', 'from-east'), 'e', 'east to west');
is(gt_get($east, 'us-east-1', 'regress_orders', 'from-west'), 'w', 'west to east');
is(gt_items($west, 'eu-west-1', 'regress_orders'),
	gt_items($east, 'us-east-1', 'regress_orders'),
	'both servers hold identical items and metadata');
is($west->safe_psql('eu-west-1',
		q{SELECT gt.describe_table('regress_orders')->'Table'->'Replicas'}),
	'[{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]',
	'describe-table on the second server lists the first');

#### A region whose clock runs 10 s ahead wins a concurrent write...
$west->safe_psql('eu-west-1', q{ALTER DATABASE "eu-west-1" SET gt.clock_offset = '10s'});
my $sw = $west->background_psql('eu-west-1');
my $se = $east->background_psql('us-east-1');
$sw->query_safe('BEGIN');
$sw->query_safe(q{SELECT gt.put_item('regress_orders', '{"id": {"S": "clock"}, "v": {"S": "west-ahead"}}')});
$se->query_safe('BEGIN');
$se->query_safe(q{SELECT gt.put_item('regress_orders', '{"id": {"S": "clock"}, "v": {"S": "east-later"}}')});
$se->query_safe('COMMIT');
$sw->query_safe('COMMIT');
$sw->quit;
$se->quit;
gt_wait($east, 'us-east-1');
gt_wait($west, 'eu-west-1');
is(gt_get($east, 'us-east-1', 'regress_orders', 'clock'), 'west-ahead',
	'the write stamped later by the clock ahead wins in us-east-1');
is(gt_get($west, 'eu-west-1', 'regress_orders', 'clock'), 'west-ahead',
	'and in eu-west-1');

#### ...but a region that has seen it stamps its next write later still
gt_put($east, 'us-east-1', 'regress_orders', 'clock', 'east-after-seeing');
gt_wait($east, 'us-east-1');
is(gt_get($west, 'eu-west-1', 'regress_orders', 'clock'), 'east-after-seeing',
	'hybrid logical clock: a later write wins even against a clock ahead');
$west->safe_psql('eu-west-1', q{ALTER DATABASE "eu-west-1" RESET gt.clock_offset});

#### A registration that does not connect is named in the error
# A socket directory that does not exist: unreachable, whatever else runs on
# this machine (a free TCP port can be taken by the time it is used).
my $nowhere = "$PostgreSQL::Test::Utils::tmp_check/no-such-socket-dir";
$east->safe_psql('us-east-1',
	"SELECT gt.register_region('ap-east-1', 'host=$nowhere dbname=nowhere')");
my ($ret, $stdout, $stderr) = $east->psql('us-east-1', q{
	SELECT gt.update_table('{"TableName": "regress_orders",
		"ReplicaUpdates": [{"Create": {"RegionName": "ap-east-1"}}]}')});
isnt($ret, 0, 'creating a replica in an unreachable region fails');
like($stderr, qr/could not connect to region "ap-east-1"/, 'the error names the region');
like($stderr, qr/gt\.register_region\('ap-east-1'/, 'the hint names the registration to fix');
is($east->safe_psql('us-east-1',
		q{SELECT gt.describe_table('regress_orders')->'Table'->'Replicas'}),
	'[{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}]',
	'the failed replica update changed nothing');

#### A wrong registration is named in the log; fixing it takes effect at once
my $log_offset = -s $east->logfile;
$east->safe_psql('us-east-1',
	"SELECT gt.register_region('eu-west-1', 'host=$nowhere dbname=eu-west-1')");
$east->wait_for_log(qr/could not connect to region "eu-west-1"(?s:.*?)HINT:  Fix the registration with gt\.register_region\('eu-west-1'/,
	$log_offset);
pass('the link worker names the region and the registration to fix');
$east->safe_psql('us-east-1',
	"SELECT gt.register_region('eu-west-1', \$\$" . $west->connstr('eu-west-1') . "\$\$)");
gt_put($west, 'eu-west-1', 'regress_orders', 'after-fix', 'f');
gt_wait($west, 'eu-west-1');
is(gt_get($east, 'us-east-1', 'regress_orders', 'after-fix'), 'f',
	'the link works again as soon as the registration is fixed');

#### A link that cannot connect says which region it is trying to reach
$log_offset = -s $east->logfile;
$west->stop;
$east->wait_for_log(qr/could not connect to region "eu-west-1"|could not receive data from region "eu-west-1"|replication stream from region "eu-west-1" ended/,
	$log_offset);
pass('the link worker logs the region it cannot reach');
$west->start;
gt_put($west, 'eu-west-1', 'regress_orders', 'after-restart', 'r');
gt_wait($west, 'eu-west-1');
is(gt_get($east, 'us-east-1', 'regress_orders', 'after-restart'), 'r',
	'the link resumes when the region is back');

$east->stop;
$west->stop;
done_testing();
