# Copyright (c) 2026, pg_global_tables authors
#
# A failed multi-region step leaves no remote change committed (issue 13).
# Table management changes the catalogs of every region of a table; each
# region's part used to commit on its own, so a region that failed after
# others had committed split the mesh: some regions still sent a replica
# its changes, others had forgotten it.  Each step is now a two-phase
# commit (src/sql/steps.sql).  Here a region refuses its part of a replica
# Delete and of a replica Create, a coordinator dies between preparing and
# deciding, and one dies after deciding: every region ends the same way,
# and the clients writing meanwhile lose nothing.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;
use GtFault;

my $node = gt_new_node('steps');
$node->append_conf('postgresql.conf', "gt.step_timeout = '2s'\n");
$node->reload;
my @names = ('ap-south-1', 'eu-west-1', 'us-east-1');
gt_create_region($node, $_) foreach @names;
gt_create_table($node, 'us-east-1', $_) foreach ('orders', 'events');
foreach my $t ('orders', 'events')
{
	gt_add_replica($node, 'us-east-1', $t, $_) foreach ('ap-south-1', 'eu-west-1');
}

my @regions = map { { node => $node, name => $_ } } @names;
my $stop_file = "$PostgreSQL::Test::Utils::tmp_check/steps.stop";
unlink $stop_file;
my $clients = gtf_start_clients(\@regions, 1,
	table => 'events', keys => 40, ops => 60, seed => 30,
	pause => 0.02, stop_file => $stop_file);

# What every region records of table orders, and whether anything of a
# step is left over.
my $replicas = q{SELECT string_agg(region_name || ':' || status, ',' ORDER BY region_name)
	FROM gt.replica WHERE table_name = 'orders'};
sub same_everywhere
{
	my ($expected, $label) = @_;
	is($node->safe_psql($_, $replicas), $expected, "$label: $_ records $expected")
	  foreach @names;
}
sub nothing_prepared
{
	my ($label) = @_;
	ok($node->poll_query_until('postgres',
			q{SELECT count(*) = 0 FROM pg_prepared_xacts WHERE gid LIKE 'gt\_step:%'}),
		"$label: no part of a step is left prepared");
	ok($node->poll_query_until($_, q{SELECT count(*) = 0 FROM gt._step}),
		"$label: $_ coordinates no step any more")
	  foreach @names;
}
my $all = 'ap-south-1:ACTIVE,eu-west-1:ACTIVE,us-east-1:ACTIVE';

# A region refuses its part: a trigger a superuser put on its catalog.
sub refuse
{
	my ($region, $event) = @_;
	$node->safe_psql($region, qq{
		CREATE FUNCTION public.refuse() RETURNS trigger LANGUAGE plpgsql AS
			\$\$BEGIN RAISE EXCEPTION 'region refuses the change'; END\$\$;
		CREATE TRIGGER refuse BEFORE $event ON gt.replica
			FOR EACH ROW EXECUTE FUNCTION public.refuse()});
}
sub allow
{
	my ($region) = @_;
	$node->safe_psql($region,
		'DROP TRIGGER refuse ON gt.replica; DROP FUNCTION public.refuse()');
}

#### A replica Delete that the last region refuses changes no region
# Steps run in the order: the removed region, then the others by name; the
# removed region's part and ap-south-1's used to commit before us-east-1's
# failed.
refuse('us-east-1', 'DELETE');
my ($rc, $out, $err) = $node->psql('eu-west-1', q{
	SELECT gt.update_table('{"TableName": "orders",
		"ReplicaUpdates": [{"Delete": {"RegionName": "eu-west-1"}}]}')});
like($err, qr/region refuses the change.*\n.*in region "us-east-1"/s,
	'the refusal is reported, naming the region');
same_everywhere($all, 'refused Delete');
nothing_prepared('refused Delete');
allow('us-east-1');
gt_put($node, 'eu-west-1', 'orders', 'd1', 'after the refused delete');
gt_wait($node, 'eu-west-1');
is(gt_get($node, 'us-east-1', 'orders', 'd1'), 'after the refused delete',
	'the table still replicates from the region whose removal failed');

#### A replica Create that one region refuses changes no region
refuse('us-east-1', 'INSERT');
($rc, $out, $err) = $node->psql('eu-west-1', q{
	SELECT gt.update_table('{"TableName": "orders",
		"ReplicaUpdates": [{"Create": {"RegionName": "sa-east-1"}}]}')});
like($err, qr/region refuses the change/, 'the refused Create fails');
same_everywhere($all, 'refused Create');
nothing_prepared('refused Create');
is($node->safe_psql('sa-east-1', q{SELECT to_regclass('public.orders') IS NULL}), 't',
	'the new region has no replica table');
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE '%sa\_east\_1%'}),
	'0', 'and no slot is left for it');
allow('us-east-1');

#### The coordinator dies after some parts were prepared
# us-east-1's part waits, so the first two are prepared when the
# coordinator's session is terminated; the launchers then ask the
# coordinator, which decides "abort" once gt.step_timeout has passed.
$node->safe_psql('us-east-1', q{
	CREATE FUNCTION public.stall() RETURNS trigger LANGUAGE plpgsql AS
		$$BEGIN PERFORM pg_sleep(3); RETURN OLD; END$$;
	CREATE TRIGGER stall BEFORE DELETE ON gt.replica
		FOR EACH ROW EXECUTE FUNCTION public.stall()});
# A psql of its own, fed no input: the session is terminated under it.
my ($bg_out, $bg_err) = ('', '');
my $bg = IPC::Run::start(
	[ 'psql', '-X', '-d', $node->connstr('eu-west-1'), '-c', q{
		SELECT gt.update_table('{"TableName": "orders",
			"ReplicaUpdates": [{"Delete": {"RegionName": "eu-west-1"}}]}')} ],
	'<', \undef, '>', \$bg_out, '2>', \$bg_err);
ok($node->poll_query_until('postgres',
		q{SELECT count(*) = 2 FROM pg_prepared_xacts WHERE gid LIKE 'gt\_step:%'}),
	'two parts are prepared while the third waits');
is($node->safe_psql('eu-west-1', q{SELECT string_agg(outcome, ',') FROM gt._step}), 'pending',
	'the coordinator has not decided');
$node->safe_psql('eu-west-1', q{
	SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	WHERE datname = 'eu-west-1' AND query LIKE '%update_table%' AND pid <> pg_backend_pid()});
$bg->finish;
like($bg_err, qr/terminat/, 'the coordinator\'s session was terminated');
nothing_prepared('coordinator died before deciding');
same_everywhere($all, 'coordinator died before deciding');
ok($node->log_contains(qr/region "(ap-south-1|eu-west-1)" resolved its part of step .* of region "eu-west-1": abort/),
	'the launchers resolved their parts');
$node->safe_psql('us-east-1', 'DROP TRIGGER stall ON gt.replica; DROP FUNCTION public.stall()');

#### The coordinator decided "commit" and died before telling a region
# Staged with the protocol's own functions: eu-west-1 records a step,
# ap-south-1 prepares its part, eu-west-1 decides, and nobody commits it.
my $step = $node->safe_psql('eu-west-1', q{SELECT gt._step_begin(ARRAY['ap-south-1'])});
$node->safe_psql('ap-south-1', qq{
	BEGIN;
	SELECT gt._set_replica('orders', 'us-east-1', 'CREATING');
	INSERT INTO gt._step_done (id) VALUES ('$step');
	PREPARE TRANSACTION 'gt_step:$step:eu-west-1:ap-south-1'});
is($node->safe_psql('eu-west-1', qq{SELECT gt._step_decide('$step', 'commit')}), 'commit',
	'the coordinator decided commit');
nothing_prepared('coordinator died after deciding');
is($node->safe_psql('ap-south-1', $replicas),
	'ap-south-1:ACTIVE,eu-west-1:ACTIVE,us-east-1:CREATING',
	'the prepared part was committed by its launcher');
$node->safe_psql('ap-south-1', q{SELECT gt._set_replica('orders', 'us-east-1', 'ACTIVE')});

#### A step that succeeds commits everywhere
gt_put($node, 'us-east-1', 'orders', 'k1', 'one');
$node->safe_psql('eu-west-1', q{
	SELECT gt.update_table('{"TableName": "orders",
		"ReplicaUpdates": [{"Delete": {"RegionName": "eu-west-1"}}]}')});
is($node->safe_psql($_, $replicas), 'ap-south-1:ACTIVE,us-east-1:ACTIVE', "$_ forgot eu-west-1's replica")
  foreach ('ap-south-1', 'us-east-1');
is($node->safe_psql('eu-west-1', $replicas), '', 'eu-west-1 left the table');
nothing_prepared('successful Delete');
gt_add_replica($node, 'us-east-1', 'orders', 'sa-east-1');
is($node->safe_psql('sa-east-1', $replicas), 'ap-south-1:ACTIVE,sa-east-1:ACTIVE,us-east-1:ACTIVE',
	'a successful Create commits everywhere');
is(gt_get($node, 'sa-east-1', 'orders', 'k1'), 'one', 'and the new replica has the items');
nothing_prepared('successful Create');

my $history = gtf_stop_clients($clients, $stop_file, \@regions);
gtf_check_clean(\@regions, 'events', $history, 'steps');

$node->stop;
done_testing();
