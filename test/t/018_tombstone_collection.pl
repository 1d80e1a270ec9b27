# Copyright (c) 2026, pg_global_tables authors
#
# Tombstone collection (issue 3, case 6): tombstones are removed in every
# region once no peer can still send an older version of the item, and never
# earlier.  The hard case is a transaction that stamped an update before the
# delete but commits after it: while it is open its region's watermark stays
# below the tombstone, so no region collects, and when its update finally
# arrives it loses to the tombstone everywhere instead of bringing the item
# back in the regions that had already forgotten the delete.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('tombstones');
$node->append_conf('postgresql.conf', "gt.tombstone_collect_interval = 200\n");
$node->reload;
my @regions = ('us-east-1', 'eu-west-1', 'ap-south-1');
gt_create_region($node, $regions[0]);
gt_create_table($node, $regions[0], 'tomb');
gt_add_replica($node, $regions[0], 'tomb', $_) foreach @regions[1 .. 2];

sub row_count
{
	my ($region, $key) = @_;
	return $node->safe_psql($region, "SELECT count(*) FROM tomb WHERE id = '$key'");
}

sub wait_collected
{
	my ($key, $what) = @_;
	foreach my $r (@regions)
	{
		ok($node->poll_query_until($r, "SELECT count(*) = 0 FROM tomb WHERE id = '$key'"),
			"$what: tombstone collected in $r");
	}
	return;
}

#### A tombstone goes everywhere once every peer is past it
gt_put($node, $regions[0], 'tomb', 'k1', 'v1');
gt_delete($node, $regions[0], 'tomb', 'k1');
gt_wait($node, $regions[0]);
wait_collected('k1', 'plain delete');
is($node->safe_psql($regions[1], q{SELECT peer_watermark IS NOT NULL FROM gt.links
	WHERE peer = 'us-east-1'}), 't', 'gt.links shows the watermark of each peer');

# An item put again after collection is an ordinary new item.
gt_put($node, $regions[1], 'tomb', 'k1', 'again');
gt_wait($node, $regions[1]);
is(gt_get($node, $_, 'tomb', 'k1'), 'again', "item written after collection in $_")
  foreach @regions;

#### An update stamped before the delete, committed after it
gt_put($node, $regions[0], 'tomb', 'k2', 'original');
gt_wait($node, $regions[0]);

my $late = $node->background_psql($regions[1]);
$late->query_safe('BEGIN');
$late->query_safe(q{SELECT gt.put_item('tomb', '{"id": {"S": "k2"}, "v": {"S": "late"}}')});
my $late_time = $late->query_safe(q{SELECT gt_update_time FROM tomb WHERE id = 'k2'});
chomp $late_time;

gt_delete($node, $regions[0], 'tomb', 'k2');
my $tombstone_time = $node->safe_psql($regions[0],
	q{SELECT gt_update_time FROM tomb WHERE id = 'k2' AND gt_deleting});
ok($tombstone_time > $late_time, 'the delete is stamped after the open update');
ok( $node->poll_query_until($regions[2],
		q{SELECT gt_deleting FROM tomb WHERE id = 'k2'}),
	'the tombstone reached the third region');

# Wait until the third region has heard from both peers since the delete:
# us-east-1's watermark is past the tombstone, eu-west-1's is held back.
ok( $node->poll_query_until($regions[2], qq{
		SELECT count(*) = 2 FROM gt._link_state()
		WHERE (peer = 'us-east-1' AND watermark > $tombstone_time)
		   OR (peer = 'eu-west-1' AND watermark <= $late_time)}),
	'watermarks: the deleting region is past the tombstone, the open transaction holds its region back');
is($node->safe_psql($regions[2], 'SELECT gt.collect_tombstones()'), '0',
	'nothing collected while an older update is still open');
is(row_count($regions[2], 'k2'), '1', 'the tombstone is kept in ap-south-1');
is(row_count($regions[0], 'k2'), '1', 'the tombstone is kept in us-east-1');

$late->query_safe('COMMIT');
$late->quit;
gt_wait($node, $_) foreach @regions[0 .. 1];
foreach my $r (@regions)
{
	is(gt_get($node, $r, 'tomb', 'k2'), '', "the late update does not bring the item back in $r");
}
wait_collected('k2', 'delete that beat an open update');
is(gt_get($node, $_, 'tomb', 'k2'), '', "still no item after collection in $_") foreach @regions;

#### Collection is local: it neither replicates nor touches live items
my $live = $node->safe_psql($regions[0], 'SELECT count(*) FROM tomb WHERE NOT gt_deleting');
is($node->safe_psql($_, 'SELECT count(*) FROM tomb WHERE NOT gt_deleting'), $live,
	"live items untouched in $_") foreach @regions;

$node->stop;
done_testing();
