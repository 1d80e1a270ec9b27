# Copyright (c) 2026, pg_global_tables authors
#
# Last-writer-wins between regions: the same key written concurrently in two
# regions converges everywhere to the write with the later update time; a
# delete beats an older concurrent update; a newer update after a delete
# brings the item back.  The writes are made concurrent by holding each
# region's transaction open until both have written, so neither has seen the
# other's version when it stamps its own.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('conflicts');
gt_create_region($node, 'us-east-1');
gt_create_table($node, 'us-east-1', 'regress_conflicts');
gt_add_replica($node, 'us-east-1', 'regress_conflicts', 'eu-west-1');
my @regions = ('us-east-1', 'eu-west-1');

# Writes $first's SQL in region $r1 and $second's in $r2, each in a
# transaction left open until both have written, then commits $r2's first
# and $r1's second: commit order is the opposite of stamping order, so
# last-writer-wins must follow the update time, not the arrival order.
sub concurrent_writes
{
	my ($r1, $sql1, $r2, $sql2) = @_;
	my $s1 = $node->background_psql($r1);
	my $s2 = $node->background_psql($r2);
	$s1->query_safe('BEGIN');
	$s1->query_safe($sql1);
	$s2->query_safe('BEGIN');
	$s2->query_safe($sql2);
	$s2->query_safe('COMMIT');
	$s1->query_safe('COMMIT');
	$s1->quit;
	$s2->quit;
	gt_wait($node, $_) foreach @regions;
	return;
}

sub put_sql
{
	my ($id, $v) = @_;
	return qq{SELECT gt.put_item('regress_conflicts', '{"id": {"S": "$id"}, "v": {"S": "$v"}}')};
}

sub del_sql
{
	my ($id) = @_;
	return qq{SELECT gt.delete_item('regress_conflicts', '{"id": {"S": "$id"}}')};
}

sub check_converged
{
	my ($id, $expected, $what) = @_;
	my $reference = gt_items($node, 'us-east-1', 'regress_conflicts');
	foreach my $r (@regions)
	{
		is(gt_get($node, $r, 'regress_conflicts', $id), $expected, "$what: $r holds the winner");
		is(gt_items($node, $r, 'regress_conflicts'), $reference, "$what: $r identical, metadata included");
	}
	return;
}

#### Concurrent puts: the later-stamped write wins though it commits first
concurrent_writes('us-east-1', put_sql('k1', 'east-first'), 'eu-west-1', put_sql('k1', 'west-second'));
check_converged('k1', 'west-second', 'concurrent puts, west stamped last');

concurrent_writes('eu-west-1', put_sql('k2', 'west-first'), 'us-east-1', put_sql('k2', 'east-second'));
check_converged('k2', 'east-second', 'concurrent puts, east stamped last');

#### Delete in one region, older concurrent update in the other: deleted
gt_put($node, 'us-east-1', 'regress_conflicts', 'k3', 'original');
gt_wait($node, 'us-east-1');
concurrent_writes('us-east-1', put_sql('k3', 'older-update'), 'eu-west-1', del_sql('k3'));
check_converged('k3', '', 'delete beats an older update');
foreach my $r (@regions)
{
	is($node->safe_psql($r, q{SELECT gt_deleting FROM regress_conflicts WHERE id = 'k3'}),
		't', "$r keeps the tombstone");
}

#### A newer update after the delete brings the item back everywhere
gt_put($node, 'us-east-1', 'regress_conflicts', 'k3', 'reborn');
gt_wait($node, 'us-east-1');
check_converged('k3', 'reborn', 'newer update after delete');

#### Delete stamped after a concurrent update wins in the other direction too
concurrent_writes('eu-west-1', put_sql('k4', 'older-update'), 'us-east-1', del_sql('k4'));
check_converged('k4', '', 'delete beats an older update, other direction');

#### Applied versions fire the receiving replica's own row triggers
# The link worker decides last-writer-wins itself and leaves the LWW trigger
# out of the triggers it fires; a user's trigger enabled for replicas still
# fires, BEFORE and AFTER, for inserts and updates (with search_path set to
# pg_catalog, as in core's apply workers, hence the qualified name).
$node->safe_psql('eu-west-1', q{
	CREATE TABLE seen (op text, id text, v text);
	CREATE FUNCTION see() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		INSERT INTO public.seen VALUES (TG_WHEN || ' ' || TG_OP, NEW.id, NEW.item->'v'->>'S');
		RETURN NEW;
	END $$;
	CREATE TRIGGER see_before BEFORE INSERT OR UPDATE ON regress_conflicts
		FOR EACH ROW EXECUTE FUNCTION see();
	CREATE TRIGGER see_after AFTER INSERT OR UPDATE ON regress_conflicts
		FOR EACH ROW EXECUTE FUNCTION see();
	ALTER TABLE regress_conflicts ENABLE REPLICA TRIGGER see_before;
	ALTER TABLE regress_conflicts ENABLE REPLICA TRIGGER see_after;});
gt_put($node, 'us-east-1', 'regress_conflicts', 'trig', 'one');
gt_put($node, 'us-east-1', 'regress_conflicts', 'trig', 'two');
gt_wait($node, 'us-east-1');
is($node->safe_psql('eu-west-1', q{SELECT string_agg(op || ' ' || v, ', ' ORDER BY ctid) FROM seen}),
	'BEFORE INSERT one, AFTER INSERT one, BEFORE UPDATE two, AFTER UPDATE two',
	'user triggers enabled for replicas fire on applied inserts and updates');
is(gt_get($node, 'eu-west-1', 'regress_conflicts', 'trig'), 'two', 'the newest version applied');

$node->stop;
done_testing();
