# Copyright (c) 2026, pg_global_tables authors
#
# A copy of a region is not that region (issue 13, cases 1 to 3).  A region
# records its identity (system identifier, database OID, port) when it is
# named; a database whose identity differs is a copy, made by a dump, a
# restore or a base backup, and comes up passive: it starts no link, says so,
# and acts on no other region until an operator claims it as the region or
# detaches it.  Before, a pg_dump restored next to us-east-1 took over its
# links (writes from eu-west-1 reached the copy and never us-east-1, while
# gt.wait_for_replication() said they had), a base backup started as a
# cluster of its own took eu-west-1's slot after a restart of production,
# and gt.delete_table() in a copy removed the real us-east-1 from the peers.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;
use GtFault;

my $a = gt_new_node('production');
# No tombstone collection: each region would collect on its own schedule,
# and the convergence checker compares tombstones too.
$a->append_conf('postgresql.conf', "gt.tombstone_collect_interval = 0\n");
$a->reload;
my $b = gt_new_node('peer');
# No tombstone collection: each region would collect on its own schedule,
# and the convergence checker compares tombstones too.
$b->append_conf('postgresql.conf', "gt.tombstone_collect_interval = 0\n");
$b->reload;
gt_create_region($a, 'us-east-1');
gt_create_region($b, 'eu-west-1');
$a->safe_psql('us-east-1',
	"SELECT gt.register_region('eu-west-1', \$\$" . $b->connstr('eu-west-1') . "\$\$)");
$b->safe_psql('eu-west-1',
	"SELECT gt.register_region('us-east-1', \$\$" . $a->connstr('us-east-1') . "\$\$)");
gt_create_table($a, 'us-east-1', 'orders');
gt_add_replica($a, 'us-east-1', 'orders', 'eu-west-1');
gt_put($a, 'us-east-1', 'orders', 'k1', 'one');
gt_wait($a, 'us-east-1');

# Clients write to a second table in both regions through everything below
# until the claim, and the convergence checker then compares both replicas
# with what they were told.
gt_create_table($a, 'us-east-1', 'events');
gt_add_replica($a, 'us-east-1', 'events', 'eu-west-1');
my @regions = ({ node => $a, name => 'us-east-1' }, { node => $b, name => 'eu-west-1' });
my $stop_file = "$PostgreSQL::Test::Utils::tmp_check/copies.stop";
unlink $stop_file;
my $clients = gtf_start_clients(\@regions, 2,
	table => 'events', keys => 50, ops => 50, seed => 29,
	pause => 0.02, stop_file => $stop_file);

# Restarts the link worker of us-east-1 on $node, and waits until it streams
# from eu-west-1 again.
sub restart_link
{
	my ($node) = @_;
	$node->safe_psql('us-east-1', q{
		SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'gt link worker'});
	return;
}
my $copy_links = q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'gt link worker' AND datname = 'restored_use1'};

#### 1. A pg_dump of us-east-1 restored in the same cluster
my $dump = $a->basedir . '/us-east-1.dump';
$a->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $a->connstr('us-east-1') ], 'pg_dump of the region');
$a->safe_psql('postgres', 'CREATE DATABASE restored_use1');
$a->command_ok([ 'pg_restore', '-d', $a->connstr('restored_use1'), $dump ], 'restored next to it');
is($a->safe_psql('restored_use1', 'SELECT gt._is_copy()'), 't', 'the restored database knows it is a copy');
my $offset = 0;
$a->wait_for_log(qr/WARNING:  database "restored_use1" is a copy of region "us-east-1": it does not replicate/, $offset);
pass('its launcher says so, and why');
restart_link($a);
gt_put($b, 'eu-west-1', 'orders', 'k2', 'from eu');
gt_wait($b, 'eu-west-1');
is(gt_get($a, 'us-east-1', 'orders', 'k2'), 'from eu',
	'after a restart of the original\'s link worker, writes still reach the original');
is($a->safe_psql('restored_use1', $copy_links), '0', 'the copy runs no link worker');
my ($rc, $out, $err) = $a->psql('restored_use1', q{SELECT gt.wait_for_replication('1 s')});
like($err, qr/database "restored_use1" is a copy of region "us-east-1", which does not replicate/,
	'gt.wait_for_replication() in the copy refuses to answer');
is($a->safe_psql('restored_use1', q{SELECT count(*) FROM gt.links WHERE slot_name IS NOT NULL}), '0',
	'gt.links in the copy does not show the original\'s slots');

#### 3. Cleaning up the copy does not touch production
($rc, $out, $err) = $a->psql('restored_use1', q{SELECT gt.delete_table('orders')});
like($err, qr/is a copy of region "us-east-1"/, 'gt.delete_table() in the copy refuses to act on its peers');
is($b->safe_psql('eu-west-1', q{SELECT gt.describe_table('orders')->'Table'->'Replicas'}),
	'[{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]', 'eu-west-1 still has us-east-1 as a replica');
is($a->safe_psql('restored_use1', q{SELECT gt.detach_copy()}),
	'{"DetachedCopyOf": "us-east-1", "StandaloneTables": ["events", "orders"]}', 'the copy is detached');
is($a->safe_psql('restored_use1', q{SELECT string_agg(id, ',') FROM orders WHERE NOT gt_deleting}), 'k1',
	'and keeps the data of the dump in a standalone table');
$a->safe_psql('postgres', 'DROP DATABASE restored_use1 WITH (FORCE)');
is($b->safe_psql('eu-west-1', q{SELECT gt.describe_table('orders')->'Table'->'Replicas'}),
	'[{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]', 'and the peers never noticed');

#### 2. A base backup of production started as a cluster of its own
$a->backup('base');
my $copy = PostgreSQL::Test::Cluster->new('copy');
$copy->init_from_backup($a, 'base');
$copy->start;
$copy->wait_for_log(qr/WARNING:  database "us-east-1" is a copy of region "us-east-1": it does not replicate/, 0);
pass('the copy on another port comes up passive');
$a->restart;
gt_put($b, 'eu-west-1', 'orders', 'k3', 'while production restarted');
gt_wait($b, 'eu-west-1');
is(gt_get($a, 'us-east-1', 'orders', 'k3'), 'while production restarted',
	'after a restart of production, writes of the peer still reach production');
is($copy->safe_psql('us-east-1', q{SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'gt link worker'}),
	'0', 'the copy holds no link');
is(gt_get($copy, 'us-east-1', 'orders', 'k3'), '', 'and received nothing');
$copy->stop;

# What the clients wrote meanwhile, in both regions of production.
gtf_check_clean(\@regions, 'events', gtf_stop_clients($clients, $stop_file, \@regions), 'copies');

#### Claiming: restoring a region from a backup in place of the original
# us-east-1 is lost; its backup comes back on a new server (port) and is
# claimed as the region.
$a->stop;
$copy->start;
is($copy->safe_psql('us-east-1', q{SELECT gt.claim_region()}), 'us-east-1', 'the restored backup claims the region');
$b->safe_psql('eu-west-1',
	"SELECT gt.register_region('us-east-1', \$\$" . $copy->connstr('us-east-1') . "\$\$)");
gt_put($b, 'eu-west-1', 'orders', 'k4', 'after the restore');
gt_wait($b, 'eu-west-1');
is(gt_get($copy, 'us-east-1', 'orders', 'k4'), 'after the restore', 'and replicates as the region');
gt_put($copy, 'us-east-1', 'orders', 'k5', 'from the restored region');
gt_wait($copy, 'us-east-1');
is(gt_get($b, 'eu-west-1', 'orders', 'k5'), 'from the restored region', 'both ways');

$copy->stop;
$b->stop;
done_testing();
