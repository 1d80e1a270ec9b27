# Copyright (c) 2026, pg_global_tables authors
#
# Source crash and slot rewind.  Clients write in the source region while its
# postmaster is killed (kill -9) again and again, with no checkpoint in
# between (checkpoint_timeout = 1h): a logical slot's progress reaches disk
# only at checkpoints, so after each crash the slot kept for the receiving
# region restarts from an older position than the receiver has applied, and
# re-sends transactions it already sent.  Nothing may be applied twice with
# effect and nothing may be skipped: the receiver writes exactly the
# versions the source wrote, each once, and ends identical to the source.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);
use GtTest;
use GtFault;

my $seed = $ENV{GT_CONVERGENCE_SEED} || (time() ^ $$) % 1000000;
diag("source crash: seed=$seed");
srand($seed);

my $src = gtf_node('sc_source', checkpoint_timeout => "'1h'", max_wal_size => "'1GB'");
my $dst = gtf_node('sc_target');
my @regions = ({ name => 'sc-src', node => $src }, { name => 'sc-dst', node => $dst });
gtf_create_region($_->{node}, $_->{name}) foreach @regions;
gtf_connect_regions(\@regions, 0);
gtf_create_table($src, 'sc-src', 'events');
$src->safe_psql('sc-src', q{
	SELECT gt.update_table('{"TableName": "events",
		"ReplicaUpdates": [{"Create": {"RegionName": "sc-dst"}}]}')});
gtf_install_apply_log($_->{node}, $_->{name}, 'events') foreach @regions;
$src->safe_psql('sc-src', 'CHECKPOINT');

#### Write in the source while it is killed repeatedly
my $stop_file = "$PostgreSQL::Test::Utils::tmp_check/source_crash.stop";
unlink $stop_file;
my $clients = gtf_start_clients([ $regions[0] ], 3,
	table => 'events', keys => 300, ops => 100, seed => $seed,
	pause => 0.01, stop_file => $stop_file);
my $kills    = 0;
my $rewinds  = 0;
while ($kills < 5)
{
	# Let the receiver apply (and the slot confirm) some of the writes made
	# since the last crash, so there is something to rewind over.
	my $before = $src->safe_psql('sc-src', 'SELECT pg_current_wal_lsn()');
	gtf_wait_sql($dst, 'sc-dst', qq{SELECT coalesce((SELECT remote_lsn >= '$before'
		FROM pg_replication_origin_status WHERE external_id = 'gt_sc_dst_sc_src'), false)});
	my $applied = $dst->safe_psql('sc-dst', q{SELECT remote_lsn FROM pg_replication_origin_status
		WHERE external_id = 'gt_sc_dst_sc_src'});
	gtf_kill9($src, 1);
	$kills++;
	# Start without the receiver's link: look at the slot as recovered.
	$src->append_conf('postgresql.conf', "max_wal_senders = 0\n");
	$src->start;
	my $slot = $src->safe_psql('sc-src', q{SELECT confirmed_flush_lsn FROM pg_replication_slots
		WHERE slot_name = 'gt_sc_src_sc_dst'});
	my $rewound = $src->safe_psql('sc-src', qq{SELECT '$slot'::pg_lsn < '$applied'::pg_lsn});
	$rewinds++ if $rewound eq 't';
	note("kill $kills: receiver had applied up to $applied, slot recovered at $slot");
	$src->append_conf('postgresql.conf', "max_wal_senders = 32\n");
	$src->restart;
}
gtf_touch($stop_file);
gtf_wait_clients($clients, 1);
my $history = gtf_read_history($clients);
cmp_ok($rewinds, '>=', 1, "the slot restarted behind the receiver after $rewinds of $kills crashes");

#### Nothing applied twice, nothing skipped
ok(gtf_wait_quiet(\@regions), 'replication caught up after the crashes');
is(gt_items($dst, 'sc-dst', 'events'), gt_items($src, 'sc-src', 'events'),
	'receiver identical to the source, metadata included');
my $versions = q{SELECT string_agg(format('%s/%s/%s', id, t, r), E'\n' ORDER BY id, t)
	FROM (SELECT DISTINCT id, t, r FROM written_log) v};
my $src_versions = $src->safe_psql('sc-src', $versions);
isnt($src_versions, '', 'the source wrote versions');
is($dst->safe_psql('sc-dst', $versions), $src_versions,
	'the receiver wrote every version the source wrote, and no other');
is($dst->safe_psql('sc-dst', q{
		SELECT count(*) FROM (SELECT 1 FROM written_log GROUP BY id, t, r HAVING count(*) > 1) d}),
	'0', 'no version was written twice in the receiver');
my $res = gtf_check(\@regions, 'events', $history, { kill9 => $kills }, "source crash seed=$seed");
is($res->{lost_acknowledged_writes} + $res->{unexplained_values} + $res->{divergent_keys}, 0,
	'the history checks out: nothing lost, nothing unexplained, no divergence');

$_->{node}->stop foreach @regions;
done_testing();
