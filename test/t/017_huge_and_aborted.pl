# Copyright (c) 2026, pg_global_tables authors
#
# Issue 3, case 8: one huge transaction replicates with the receiving link
# worker's memory bounded (its peak is reported), and what was rolled back,
# a whole transaction or a subtransaction, is never applied.  The huge
# transaction has 200,000 rows by default and 1,000,000 with
# GT_CONVERGENCE_LONG=1.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);
use GtTest;

my $rows = $ENV{GT_CONVERGENCE_LONG} ? 1_000_000 : 200_000;
my $node = gt_new_node('huge');
gt_create_region($node, 'eu-north-1');
gt_create_table($node, 'eu-north-1', 'regress_huge');
gt_add_replica($node, 'eu-north-1', 'regress_huge', 'eu-south-1');

#### Aborted transactions and subtransactions are never applied
$node->safe_psql('eu-north-1', q{
	BEGIN;
	SELECT gt.put_item('regress_huge', jsonb_build_object('id', jsonb_build_object('S', 'aborted-' || g)))
	FROM generate_series(1, 1000) g;
	ROLLBACK;
	BEGIN;
	SELECT gt.put_item('regress_huge', '{"id": {"S": "kept-1"}}');
	SAVEPOINT s;
	SELECT gt.put_item('regress_huge', '{"id": {"S": "rolled-back"}}');
	SELECT gt.put_item('regress_huge', '{"id": {"S": "kept-1"}, "v": {"S": "overwritten then rolled back"}}');
	ROLLBACK TO s;
	SELECT gt.put_item('regress_huge', '{"id": {"S": "kept-2"}}');
	COMMIT;
});
gt_wait($node, 'eu-north-1');
is($node->safe_psql('eu-south-1', q{SELECT string_agg(id || '=' || item::text, ' ' ORDER BY id) FROM regress_huge}),
	'kept-1={"id": {"S": "kept-1"}} kept-2={"id": {"S": "kept-2"}}',
	'only the committed, not rolled back, writes arrive');

#### One huge transaction, with the receiver's memory sampled throughout
my $pid = $node->safe_psql('eu-south-1',
	q{SELECT worker_pid FROM gt.links WHERE peer = 'eu-north-1'});
ok($pid =~ /^\d+$/, 'the link worker is running');

# Private (anonymous) memory, in kB: shared buffers are not the worker's.
sub rss_anon_kb
{
	open(my $fh, '<', "/proc/$pid/status") or return 0;
	my ($kb) = map { /^RssAnon:\s+(\d+)/ ? $1 : () } <$fh>;
	close($fh);
	return $kb // 0;
}
my $before_kb = rss_anon_kb();

$node->safe_psql('eu-north-1', qq{
	INSERT INTO regress_huge (id, item)
	SELECT 'huge-' || g, jsonb_build_object('id', jsonb_build_object('S', 'huge-' || g),
	                                        'payload', jsonb_build_object('S', repeat('x', 180)))
	FROM generate_series(1, $rows) g});

# A measurement loop, not a wait for correctness: it ends when the rows are
# there (the wait that matters is gt_wait below).
my $peak_kb = $before_kb;
my $deadline = time() + $PostgreSQL::Test::Utils::timeout_default;
while (time() < $deadline)
{
	my $kb = rss_anon_kb();
	$peak_kb = $kb if $kb > $peak_kb;
	last if $node->safe_psql('eu-south-1',
		q{SELECT count(*) FROM regress_huge WHERE id LIKE 'huge-%'}) == $rows;
	usleep(50_000);
}
gt_wait($node, 'eu-north-1');
is($node->safe_psql('eu-south-1', q{SELECT count(*) FROM regress_huge WHERE id LIKE 'huge-%'}),
	$rows, "all $rows rows of the one transaction arrived");
note(sprintf('link worker private memory: %.1f MB before, peak %.1f MB while applying %d rows',
		$before_kb / 1024, $peak_kb / 1024, $rows));
cmp_ok($peak_kb - $before_kb, '<', 64 * 1024,
	'the link worker grew by less than 64 MB: its memory does not follow the transaction size');
is($node->safe_psql('eu-south-1', q{SELECT count(*) FROM regress_huge WHERE id LIKE 'aborted-%' OR id = 'rolled-back'}),
	'0', 'still nothing of what was rolled back');

$node->stop;
done_testing();
