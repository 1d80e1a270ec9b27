# Copyright (c) 2026, pg_global_tables authors
#
# Exactly-once apply of a large transaction.  The source region writes
# 50,000 items in one transaction, three times (one insert, two updates of
# every item); each time the receiving region is crashed at another point:
# while its link worker is 30% and 90% through applying the transaction
# (kill -9 of the postmaster), and right after the transaction became visible
# there (immediate stop, before the asynchronous commit is surely flushed).
# After each crash a single snapshot shows all of the transaction or none of
# it; after recovery the receiver holds exactly the source's versions, and
# each version was written once (re-sent changes had no second effect).
#
# Apply progress inside the open transaction is watched through a sequence
# advanced by a row trigger of the test (sequences are not transactional),
# and every version written is logged by another (GtFault's written_log).
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);
use GtTest;
use GtFault;

my $rows = 50_000;
my $src  = gtf_node('eo_source');
my $dst  = gtf_node('eo_target');
my @regions = ({ name => 'eo-src', node => $src }, { name => 'eo-dst', node => $dst });
gtf_create_region($_->{node}, $_->{name}) foreach @regions;
gtf_connect_regions(\@regions, 0);
gtf_create_table($src, 'eo-src', 'big');
$src->safe_psql('eo-src', q{
	SELECT gt.update_table('{"TableName": "big",
		"ReplicaUpdates": [{"Create": {"RegionName": "eo-dst"}}]}')});
gtf_install_apply_log($dst, 'eo-dst', 'big');
$dst->safe_psql('eo-dst', q{
	CREATE SEQUENCE public.apply_progress;
	CREATE FUNCTION public.count_attempt() RETURNS trigger LANGUAGE plpgsql
		SET search_path = public, pg_catalog AS $$
	BEGIN
		IF pg_replication_origin_session_is_setup() THEN
			PERFORM nextval('public.apply_progress');
		END IF;
		RETURN NEW;
	END $$;
	CREATE TRIGGER a_count_attempt BEFORE INSERT OR UPDATE ON public.big
		FOR EACH ROW EXECUTE FUNCTION public.count_attempt();
	ALTER TABLE public.big ENABLE ALWAYS TRIGGER a_count_attempt;});

# Items with "v" = $round; round 1 inserts them, later rounds update them.
sub write_round
{
	my ($round) = @_;
	my $sql = $round == 1
	  ? qq{INSERT INTO big (id, item) SELECT 'k' || g,
			jsonb_build_object('id', jsonb_build_object('S', 'k' || g), 'v', jsonb_build_object('S', 'round-1'))
			FROM generate_series(1, $rows) g}
	  : qq{UPDATE big SET item = jsonb_set(item, '{v}', '{"S": "round-$round"}')};
	$src->safe_psql('eo-src', $sql);
	return;
}

# In one snapshot: items of this round and of the previous one.
sub round_counts
{
	my ($round) = @_;
	my $prev = $round - 1;
	return $dst->safe_psql('eo-dst', qq{
		SELECT count(*) FILTER (WHERE item->'v'->>'S' = 'round-$round') || '/' ||
		       count(*) FILTER (WHERE item->'v'->>'S' = 'round-$prev')
		FROM big});
}

# A digest of every row, metadata included.
sub digest
{
	my ($node, $region) = @_;
	return $node->safe_psql($region, q{
		SELECT count(*) || ' rows, md5 ' || md5(string_agg(format('%s|%s|%s|%s|%s', id, item,
			gt_update_time, gt_update_region, gt_deleting), E'\n' ORDER BY id)) FROM big});
}

my $applied_before = 0;    # apply attempts counted before this round
my @points = ([ 0.3, 'kill9' ], [ 0.9, 'kill9' ], [ 'visible', 'immediate' ]);
for my $round (1 .. @points)
{
	my ($point, $how) = @{ $points[ $round - 1 ] };
	my $what = $point eq 'visible' ? 'right after it became visible' : sprintf('%d%% through', $point * 100);

	#### Crash the receiver inside (or right after) applying one transaction
	$applied_before = $dst->safe_psql('eo-dst',
		q{SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM public.apply_progress});
	write_round($round);
	my $cond = $point eq 'visible'
	  ? qq{SELECT count(*) = $rows FROM public.big WHERE item->'v'->>'S' = 'round-$round'}
	  : sprintf(q{SELECT last_value >= %d FROM public.apply_progress}, $applied_before + $point * $rows);
	is(gtf_wait_sql($dst, 'eo-dst', $cond), 't', "round $round: the receiver was caught $what applying $rows rows");
	my $progress = $dst->safe_psql('eo-dst', q{SELECT last_value FROM public.apply_progress});
	if ($how eq 'kill9')
	{
		gtf_kill9($dst, 1);
		$dst->start;
	}
	else
	{
		$dst->stop('immediate');
		$dst->start;
	}
	note("round $round: crashed at apply attempt " . ($progress - $applied_before));

	my $counts = round_counts($round);
	my $none   = $round == 1 ? "0/0" : "0/$rows";
	ok($counts eq "$rows/0" || $counts eq $none,
		"round $round, crashed $what: all of the transaction or none ($counts)");

	#### Recovery: every version applied, none with a second effect
	ok(gtf_wait_quiet(\@regions), "round $round: replication caught up after the crash");
	is(round_counts($round), "$rows/0", "round $round: the whole transaction arrived");
	is(digest($dst, 'eo-dst'), digest($src, 'eo-src'),
		"round $round: receiver identical to the source, metadata included");
	is($dst->safe_psql('eo-dst', q{
			SELECT count(*) FROM (SELECT 1 FROM written_log GROUP BY id, t, r HAVING count(*) > 1) d}),
		'0', "round $round: no version was written twice");
	is($dst->safe_psql('eo-dst', qq{
			SELECT count(*) FROM written_log w JOIN big b USING (id)
			WHERE (w.t, w.r) = (b.gt_update_time, b.gt_update_region)}),
		$rows, "round $round: each current version was written exactly once");
}

$_->{node}->stop foreach @regions;
done_testing();
