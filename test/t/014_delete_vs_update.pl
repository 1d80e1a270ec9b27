# Copyright (c) 2026, pg_global_tables authors
#
# Delete against a concurrent update of the same item, in every
# interleaving: which region deletes, which operation is stamped first, which
# commits first; in every concurrent case the replicated version reaches the
# other region while that region's own write still holds the row (the test
# waits until the link worker there is blocked on the row lock), and the
# write stamped last wins everywhere.  Then the sequential cases: an update
# after the delete was seen brings the item back, a delete after the update
# was seen removes it.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('delete_vs_update');
gt_create_region($node, 'us-east-1');
gt_create_table($node, 'us-east-1', 'dvu');
gt_add_replica($node, 'us-east-1', 'dvu', 'eu-west-1');
my @regions = ('us-east-1', 'eu-west-1');

sub write_sql
{
	my ($op, $key, $value) = @_;
	return $op eq 'put'
	  ? qq{SELECT 1 FROM gt.put_item('dvu', '{"id": {"S": "$key"}, "v": {"S": "$value"}}')}
	  : qq{SELECT 1 FROM gt.delete_item('dvu', '{"id": {"S": "$key"}}')};
}

sub state_of
{
	my ($region, $key) = @_;
	return $node->safe_psql($region, qq{
		SELECT coalesce(item->'v'->>'S', '') || '|' || gt_update_region || '|' || gt_deleting
		FROM dvu WHERE id = '$key'});
}

sub check_everywhere
{
	my ($key, $expected, $what) = @_;
	gt_wait($node, $_) foreach @regions;
	is(state_of($_, $key), $expected, "$what: $_ holds the write stamped last") foreach @regions;
	is(gt_items($node, 'eu-west-1', 'dvu'), gt_items($node, 'us-east-1', 'dvu'),
		"$what: both regions identical, metadata included");
	return;
}

my $n = 0;
foreach my $first_region (@regions)
{
	my ($second_region) = grep { $_ ne $first_region } @regions;
	foreach my $first_op ('put', 'del')
	{
		my $second_op = $first_op eq 'put' ? 'del' : 'put';
		foreach my $commit_first ('first', 'second')
		{
			$n++;
			my $key  = "k$n";
			my $what = "$first_op in $first_region stamped before $second_op in $second_region, "
			  . "$commit_first commits first";

			#### The item exists everywhere
			gt_put($node, $first_region, 'dvu', $key, 'original');
			gt_wait($node, $first_region);

			#### Both write, neither having seen the other
			my %s = map { $_ => $node->background_psql($_) } @regions;
			my %op = ($first_region => $first_op, $second_region => $second_op);
			foreach my $r ($first_region, $second_region)
			{
				$s{$r}->query_safe('BEGIN');
				$s{$r}->query_safe(write_sql($op{$r}, $key, "$op{$r}-in-$r"));
			}

			#### One commits; its version waits for the other's row lock
			my ($c1, $c2) = $commit_first eq 'first'
			  ? ($first_region, $second_region)
			  : ($second_region, $first_region);
			$s{$c1}->query_safe('COMMIT');
			ok($node->poll_query_until($c2, qq{
					SELECT count(*) > 0 FROM pg_stat_activity
					WHERE datname = '$c2' AND backend_type = 'gt link worker'
					  AND wait_event_type = 'Lock'}),
				"$what: the version from $c1 waits for the row lock in $c2");
			$s{$c2}->query_safe('COMMIT');
			$_->quit foreach values %s;

			my $expected = $second_op eq 'put'
			  ? "put-in-$second_region|$second_region|false"
			  : "|$second_region|true";
			check_everywhere($key, $expected, $what);
		}
	}
}

#### Sequential: an update after the delete was seen brings the item back
gt_put($node, 'us-east-1', 'dvu', 'seq1', 'original');
gt_wait($node, 'us-east-1');
gt_delete($node, 'eu-west-1', 'dvu', 'seq1');
gt_wait($node, 'eu-west-1');
gt_put($node, 'us-east-1', 'dvu', 'seq1', 'reborn');
check_everywhere('seq1', 'reborn|us-east-1|false', 'update after a delete it has seen');

#### Sequential: a delete after the update was seen removes it
gt_put($node, 'us-east-1', 'dvu', 'seq2', 'original');
gt_wait($node, 'us-east-1');
gt_put($node, 'eu-west-1', 'dvu', 'seq2', 'updated');
gt_wait($node, 'eu-west-1');
gt_delete($node, 'us-east-1', 'dvu', 'seq2');
check_everywhere('seq2', '|us-east-1|true', 'delete after an update it has seen');

$node->stop;
done_testing();
