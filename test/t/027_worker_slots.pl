# Copyright (c) 2026, pg_global_tables authors
#
# Running out of background worker slots is not silent (issue 13, case 10).
# With too few max_worker_processes, a link simply never started: gt.links
# showed no error, and the log repeated an unnamed "out of background worker
# slots" every second.  Now the log names the worker that could not start,
# gt.links says the link has no worker slot, retries are spaced by
# gt.link_retry_interval, and once slots are there the link starts, the
# error clears and nothing written meanwhile is lost.  update_table warns
# when links it creates get no worker.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use GtTest;
use GtFault;

my $node = gt_new_node('slots');
# No tombstone collection: each region would collect on its own schedule,
# and the convergence checker compares tombstones too.
$node->append_conf('postgresql.conf', "gt.tombstone_collect_interval = 0\n");
$node->reload;
gt_create_region($node, 'us-east-1');
gt_create_region($node, 'eu-west-1');
gt_create_table($node, 'us-east-1', 'orders');
gt_add_replica($node, 'us-east-1', 'orders', 'eu-west-1');
gt_create_table($node, 'us-east-1', 'events');
gt_add_replica($node, 'us-east-1', 'events', 'eu-west-1');
gt_put($node, 'us-east-1', 'orders', 'k1', 'one');
gt_wait($node, 'us-east-1');

# The supervisor, two launchers, two link workers and core's logical
# replication launcher need 6 slots: leave 5.
$node->append_conf('postgresql.conf', "max_worker_processes = 5\ngt.link_retry_interval = 1000\n");
$node->restart;
my $offset = -s $node->logfile;
$node->wait_for_log(qr/WARNING:  could not start gt link worker for region "(?:us-east-1|eu-west-1)": out of background worker slots/,
	$offset);
pass('the log names the link worker that could not start');
# Polls $cond until it holds, for the usual test timeout.
sub wait_until
{
	my ($cond) = @_;
	foreach (1 .. 10 * $PostgreSQL::Test::Utils::timeout_default)
	{
		return 1 if $cond->();
		usleep(100_000);
	}
	return 0;
}
my $stuck = sub {
	my $n = 0;
	foreach my $r ('us-east-1', 'eu-west-1')
	{
		$n += $node->safe_psql($r, q{
			SELECT count(*) FROM gt.links WHERE last_error LIKE 'no background worker slot for the link worker ("max_worker_processes" is 5)'});
	}
	return $n;
};
ok(wait_until(sub { $stuck->() == 1 }), 'gt.links says which link has no worker slot');

# Writes in both regions meanwhile; one direction cannot flow.
gt_put($node, 'us-east-1', 'orders', 'k2', 'from us');
gt_put($node, 'eu-west-1', 'orders', 'k3', 'from eu');
# Clients write to a second table in both regions until the slots are back;
# the convergence checker then compares the replicas with the history.
my @regions = ({ node => $node, name => 'us-east-1' }, { node => $node, name => 'eu-west-1' });
my $stop_file = "$PostgreSQL::Test::Utils::tmp_check/slots.stop";
unlink $stop_file;
my $clients = gtf_start_clients(\@regions, 1,
	table => 'events', keys => 30, ops => 40, seed => 27,
	pause => 0.02, stop_file => $stop_file);
# Retries are spaced, not one warning per launcher wake-up (100 ms here).
my $before = () = (slurp_file($node->logfile) =~ /out of background worker slots/g);
sleep(2);
my $after = () = (slurp_file($node->logfile) =~ /out of background worker slots/g);
cmp_ok($after - $before, '<=', 4, 'failed starts are retried every gt.link_retry_interval, not continuously');

# A replica created while the links cannot get workers: update_table says so.
my ($rc, $out, $err) = $node->psql('us-east-1', q{
	SELECT gt.update_table('{"TableName": "orders",
		"ReplicaUpdates": [{"Create": {"RegionName": "ap-south-1"}}]}') IS NOT NULL});
is($out, 't', 'the replica is created');
like($err, qr/WARNING:  links of region "eu-west-1" without a worker: "ap-south-1" \(no background worker slot for the link worker/,
	'update_table warns that a link it created has no worker slot');
unlike($err, qr/links of region "us-east-1"/, 'and says nothing of its own region\'s links, which start at its commit');

$node->append_conf('postgresql.conf', "max_worker_processes = 16\n");
$node->restart;
gt_wait($node, $_) foreach ('us-east-1', 'eu-west-1', 'ap-south-1');
is(gt_items($node, 'eu-west-1', 'orders'), gt_items($node, 'us-east-1', 'orders'),
	'with enough slots the links run and the regions converge');
is(gt_items($node, 'ap-south-1', 'orders'), gt_items($node, 'us-east-1', 'orders'),
	'the new replica too');
ok(wait_until(sub { $stuck->() == 0 }), 'and the error is gone');
gtf_check_clean(\@regions, 'events', gtf_stop_clients($clients, $stop_file, \@regions), 'slots');

$node->stop;
done_testing();
