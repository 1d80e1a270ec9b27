# Copyright (c) 2026, pg_global_tables authors
#
# A region lost for good can be removed from the survivors (issue 13, case
# 6).  Before gt.detach_region(), a replica Delete needed to reach the dead
# region, so it could not help: the survivors' slots for it held WAL, its
# origins leaked, every link to it logged an error every few seconds,
# gt.wait_for_replication() returned false and tombstones piled up
# everywhere.  Here us-east-1 and eu-west-1 share a server and ap-south-1
# lives on another, which is then stopped for good, leaving parts of the
# multi-region steps it coordinated prepared in the survivors.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;
use GtFault;

my $a = gt_new_node('survivors');
my $b = gt_new_node('lost');
foreach my $node ($a, $b)
{
	$node->append_conf('postgresql.conf', "gt.tombstone_collect_interval = 200\n");
	$node->reload;
}
gt_create_region($a, 'us-east-1');
gt_create_region($a, 'eu-west-1');
gt_create_region($b, 'ap-south-1');
foreach my $r ('us-east-1', 'eu-west-1')
{
	$a->safe_psql($r,
		"SELECT gt.register_region('ap-south-1', \$\$" . $b->connstr('ap-south-1') . "\$\$)");
	$b->safe_psql('ap-south-1',
		"SELECT gt.register_region('$r', \$\$" . $a->connstr($r) . "\$\$)");
}
gt_create_table($a, 'us-east-1', 'orders');
gt_add_replica($a, 'us-east-1', 'orders', 'eu-west-1');
gt_add_replica($a, 'us-east-1', 'orders', 'ap-south-1');
gt_put($a, 'us-east-1', 'orders', 'k1', 'one');
gt_wait($a, 'us-east-1');
is(gt_get($b, 'ap-south-1', 'orders', 'k1'), 'one', 'three regions replicate');

# Clients write to a second table in the two survivors through the loss and
# the detach; the convergence checker then compares them with the history.
gt_create_table($a, 'us-east-1', 'events');
gt_add_replica($a, 'us-east-1', 'events', $_) foreach ('eu-west-1', 'ap-south-1');
my @survivors = ({ node => $a, name => 'us-east-1' }, { node => $a, name => 'eu-west-1' });
my $stop_file = "$PostgreSQL::Test::Utils::tmp_check/detach.stop";
unlink $stop_file;
my $clients = gtf_start_clients(\@survivors, 2,
	table => 'events', keys => 50, ops => 50, seed => 28,
	pause => 0.02, stop_file => $stop_file);

#### ap-south-1 coordinated two steps when it was lost
# Staged with the protocol's functions (src/sql/steps.sql).  Step one: it
# decided to commit and told us-east-1 only.  Step two: it never decided.
# Each part creates a table, so that what happened to it shows.
my %step;
foreach my $n (1, 2)
{
	$step{$n} = $b->safe_psql('ap-south-1', q{SELECT gt._step_begin(ARRAY['us-east-1', 'eu-west-1'])});
	foreach my $r ('us-east-1', 'eu-west-1')
	{
		$a->safe_psql($r, qq{
			BEGIN;
			CREATE TABLE public.orphan_step_$n ();
			INSERT INTO gt._step_done (id) VALUES ('$step{$n}');
			PREPARE TRANSACTION 'gt_step:$step{$n}:ap-south-1:$r'});
	}
}
$b->safe_psql('ap-south-1', qq{SELECT gt._step_decide('$step{1}', 'commit')});
$a->safe_psql('us-east-1', qq{COMMIT PREPARED 'gt_step:$step{1}:ap-south-1:us-east-1'});

#### ap-south-1 is lost
$b->stop('immediate');
gt_put($a, 'us-east-1', 'orders', 'k2', 'two');
gt_delete($a, 'eu-west-1', 'orders', 'k1');
is($a->safe_psql('us-east-1', q{SELECT gt.wait_for_replication('1 s')}), 'f',
	'with a lost region, writes cannot reach every replica');
my $slots = q{SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE '%ap\_south\_1%'};
my $origins = q{SELECT count(*) FROM pg_replication_origin WHERE roname LIKE '%ap\_south\_1%'};
is($a->safe_psql('postgres', $slots), '2', 'the survivors keep a slot for it');

# A replica Delete cannot help, and changes nothing: it split the mesh when
# the lost region came after another in its steps.
my ($rc, $out, $err) = $a->psql('us-east-1', q{
	SELECT gt.update_table('{"TableName": "orders",
		"ReplicaUpdates": [{"Delete": {"RegionName": "eu-west-1"}}]}')});
like($err, qr/could not connect to region "ap-south-1"/, 'a replica Delete needs every region');
is($a->safe_psql('eu-west-1', q{SELECT count(*) FROM gt.replica WHERE table_name = 'orders'}), '3',
	'and failed before any region changed');

($rc, $out, $err) = $a->psql('us-east-1', q{SELECT gt.detach_region('us-east-1')});
like($err, qr/cannot detach region "us-east-1" from itself/, 'a region cannot detach itself');
($rc, $out, $err) = $a->psql('us-east-1', q{SELECT gt.detach_region('sa-east-1')});
like($err, qr/region "sa-east-1" shares no global table with region "us-east-1"/,
	'nor one it does not know');

#### Detached from one survivor, forgotten by all
is($a->safe_psql('us-east-1', q{SELECT gt.detach_region('ap-south-1')}),
	'{"Regions": ["us-east-1", "eu-west-1"], "DetachedRegion": "ap-south-1"}',
	'gt.detach_region names the regions that forgot the lost one');
is($a->safe_psql('postgres', $slots), '0', 'no slot is kept for it');
is($a->safe_psql('postgres', q{SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE '%:ap-south-1:%'}),
	'0', 'no part of its steps is left prepared');
foreach my $r ('us-east-1', 'eu-west-1')
{
	is($a->safe_psql($r, q{SELECT to_regclass('public.orphan_step_1') IS NOT NULL}), 't',
		"$r: its step that committed in a survivor committed here too");
	is($a->safe_psql($r, q{SELECT to_regclass('public.orphan_step_2') IS NULL}), 't',
		"$r: its undecided step was rolled back");
}
is($a->safe_psql('postgres', $origins), '0', 'no origin of it is left');
foreach my $r ('us-east-1', 'eu-west-1')
{
	is($a->safe_psql($r, q{SELECT gt.describe_table('orders')->'Table'->'Replicas'}),
		$r eq 'us-east-1'
		  ? '[{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}]'
		  : '[{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]',
		"$r lists only the other survivor as a replica");
	is($a->safe_psql($r, q{SELECT count(*) FROM gt.links WHERE peer = 'ap-south-1'}),
		'0', "$r has no link with the lost region");
	is($a->safe_psql($r, q{SELECT count(*) FROM gt.region_registration WHERE name = 'ap-south-1'}),
		'0', "$r forgot its connection string");
}
is($a->safe_psql('us-east-1', q{SELECT gt.wait_for_replication('30 s')}), 't',
	'writes reach every replica again');
gt_put($a, 'eu-west-1', 'orders', 'k3', 'three');
gt_wait($a, 'eu-west-1');
# Live items only: each region collects its tombstones on its own schedule.
my $live = q{SELECT string_agg(format('%s|%s|%s|%s', id, item, gt_update_time, gt_update_region), E'\n' ORDER BY id)
	FROM orders WHERE NOT gt_deleting};
is($a->safe_psql('eu-west-1', $live), $a->safe_psql('us-east-1', $live), 'the survivors converge');
ok($a->poll_query_until('us-east-1', q{SELECT count(*) = 0 FROM orders WHERE gt_deleting}),
	'tombstones are collected again');
my $history = gtf_stop_clients($clients, $stop_file, \@survivors);
# Each survivor collects tombstones on its own schedule: compare them once
# both have collected every one (no client deletes any more).
foreach my $r (@survivors)
{
	ok($a->poll_query_until($r->{name}, q{SELECT count(*) = 0 FROM events WHERE gt_deleting}),
		"$r->{name} collected the clients' tombstones");
}
gtf_check_clean(\@survivors, 'events', $history, 'detach');

my $offset = -s $a->logfile;
sleep(1);
ok(!$a->log_contains(qr/ap-south-1/, $offset), 'and nothing is logged about the lost region any more');

$a->stop;
done_testing();
