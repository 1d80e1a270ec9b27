# Copyright (c) 2026, pg_global_tables authors
#
# A region that was away catches up when it returns: stop the target region,
# write in the other, start it again; then crash it while it applies a large
# transaction.  Nothing is lost, nothing is applied twice with effect, and
# apply progress survives the crash.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $a = gt_new_node('source');
my $b = gt_new_node('target');
gt_create_region($a, 'ca-central-1');
gt_create_region($b, 'sa-east-1');
$a->safe_psql('ca-central-1',
	"SELECT gt.register_region('sa-east-1', \$\$" . $b->connstr('sa-east-1') . "\$\$)");
$b->safe_psql('sa-east-1',
	"SELECT gt.register_region('ca-central-1', \$\$" . $a->connstr('ca-central-1') . "\$\$)");
gt_create_table($a, 'ca-central-1', 'regress_events');
gt_add_replica($a, 'ca-central-1', 'regress_events', 'sa-east-1');

sub count_live
{
	my ($node, $region) = @_;
	return $node->safe_psql($region,
		q{SELECT gt.describe_table('regress_events')->'Table'->'ItemCount'});
}

#### Stop the target region, write in the source, start it again
$b->stop;
for my $i (1 .. 200)
{
	$a->safe_psql('ca-central-1',
		qq{SELECT gt.put_item('regress_events', '{"id": {"S": "away-$i"}, "v": {"S": "$i"}}')});
}
gt_delete($a, 'ca-central-1', 'regress_events', 'away-7');
is($a->safe_psql('ca-central-1', q{SELECT gt.wait_for_replication('1 s')}),
	'f', 'wait_for_replication reports a region that is away');
$b->start;
gt_wait($a, 'ca-central-1');
is(count_live($b, 'sa-east-1'), '199', 'the returning region caught up: 200 puts, 1 delete');
is(gt_items($b, 'sa-east-1', 'regress_events'), gt_items($a, 'ca-central-1', 'regress_events'),
	'identical items and metadata after catch-up');

#### Crash the target while it applies one 20,000-row transaction
$a->safe_psql('ca-central-1', q{
	INSERT INTO regress_events (id, item)
	SELECT 'bulk-' || g, jsonb_build_object('id', jsonb_build_object('S', 'bulk-' || g),
	                                        'v', jsonb_build_object('N', g::text))
	FROM generate_series(1, 20000) g});
$b->poll_query_until('sa-east-1',
	q{SELECT count(*) > 0 FROM pg_stat_activity WHERE backend_type = 'gt link worker' AND state = 'active'})
  or diag('the link worker was not seen applying; crashing anyway');
$b->stop('immediate');
$b->start;
gt_wait($a, 'ca-central-1');
is(count_live($b, 'sa-east-1'), '20199', 'all of the large transaction arrived after the crash');

#### Progress survives a crash, and re-sent changes have no second effect
my $origin_lsn = $b->safe_psql('sa-east-1',
	q{SELECT remote_lsn FROM pg_replication_origin_status WHERE external_id = 'gt_sa_east_1_ca_central_1'});
isnt($origin_lsn, '', 'the link records its apply progress in a replication origin');
my $before = gt_items($b, 'sa-east-1', 'regress_events');
$b->stop('immediate');
$b->start;
gt_put($a, 'ca-central-1', 'regress_events', 'after-second-crash', 'x');
gt_wait($a, 'ca-central-1');
is(gt_get($b, 'sa-east-1', 'regress_events', 'after-second-crash'), 'x',
	'the link resumes after another crash');
$b->safe_psql('sa-east-1', q{DELETE FROM regress_events WHERE id = 'after-second-crash'});
gt_wait($b, 'sa-east-1');
is(gt_items($b, 'sa-east-1', 'regress_events'), gt_items($a, 'ca-central-1', 'regress_events'),
	'both regions identical after crashes, metadata included');

$a->stop;
$b->stop;
done_testing();
