# Copyright (c) 2026, pg_global_tables authors
#
# Ties: two regions on two servers stamp concurrent writes of one item with
# the same update time, and every region keeps the version of the region
# whose name sorts last bytewise.  The regions are "a-z" and "ab": bytewise
# "ab" > "a-z", while a linguistic collation that ignores the hyphen would
# put "a-z" last, so the test also shows that no collation is involved.
#
# Equal times are forced through the hybrid logical clock: a write stamped
# an hour ahead (session gt.clock_offset) moves both clusters' clocks to T
# (the writer's, and the receiver's when it applies it); the next local
# write of that item in either region is then stamped the same in both:
# max(wall clock, clock + 1, stored + 1), where clock and stored are T.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;
use GtFault;

my $n1 = gtf_node('ties_1');
my $n2 = gtf_node('ties_2');
my @regions = ({ name => 'ab', node => $n1 }, { name => 'a-z', node => $n2 });
my %node = map { $_->{name} => $_->{node} } @regions;
gtf_create_region($_->{node}, $_->{name}) foreach @regions;
gtf_connect_regions(\@regions, 0);
gtf_create_table($n1, 'ab', 'ties');
$n1->safe_psql('ab', q{
	SELECT gt.update_table('{"TableName": "ties",
		"ReplicaUpdates": [{"Create": {"RegionName": "a-z"}}]}')});

sub write_sql
{
	my ($op, $key, $value) = @_;
	return $op eq 'put'
	  ? qq{SELECT 1 FROM gt.put_item('ties', '{"id": {"S": "$key"}, "v": {"S": "$value"}}')}
	  : qq{SELECT 1 FROM gt.delete_item('ties', '{"id": {"S": "$key"}}')};
}

my $hours = 0;
# Writes $key concurrently in both regions ($ops{region} = put or del) at
# the same update time, commits in the order given, and checks that both
# regions keep "ab"'s version.
sub tie_case
{
	my ($key, $ops, $commit_order, $what) = @_;

	#### Both clocks to T: a write stamped ahead, applied in the other region
	$hours++;
	$n1->safe_psql('ab', "SET gt.clock_offset = " . ($hours * 3_600_000) . "; "
		  . write_sql('put', $key, 'ahead'));
	gt_wait($n1, 'ab');
	my $t = $n1->safe_psql('ab', qq{SELECT gt_update_time FROM ties WHERE id = '$key'});
	is($n2->safe_psql('a-z', qq{SELECT gt_update_time FROM ties WHERE id = '$key'}), $t,
		"$what: both regions hold the version stamped ahead");

	#### Concurrent writes, both stamped alike
	my %s = map { $_ => $node{$_}->background_psql($_) } keys %node;
	my %stamp;
	foreach my $r ('ab', 'a-z')
	{
		$s{$r}->query_safe('BEGIN');
		$s{$r}->query_safe(write_sql($ops->{$r}, $key, "from-$r"));
		$stamp{$r} = $s{$r}->query_safe(qq{SELECT gt_update_time FROM ties WHERE id = '$key'});
	}
	is($stamp{'a-z'}, $stamp{ab}, "$what: both writes stamped with the same time");
	cmp_ok($stamp{ab}, '>', $t, "$what: that time is later than T");
	foreach my $r (@$commit_order)
	{
		$s{$r}->query_safe('COMMIT');
		$s{$r}->quit;
	}
	gt_wait($_->{node}, $_->{name}) foreach @regions;

	#### "ab" wins everywhere
	my $expected = $ops->{ab} eq 'put' ? 'from-ab' : '';
	foreach my $r (@regions)
	{
		is($r->{node}->safe_psql($r->{name}, qq{
				SELECT coalesce(item->'v'->>'S', '') || '|' || gt_update_time || '|' ||
				       gt_update_region || '|' || gt_deleting FROM ties WHERE id = '$key'}),
			"$expected|$stamp{ab}|ab|" . ($ops->{ab} eq 'del' ? 'true' : 'false'),
			"$what: $r->{name} keeps the version of \"ab\"");
	}
	is(gt_items($n2, 'a-z', 'ties'), gt_items($n1, 'ab', 'ties'),
		"$what: both regions identical, metadata included");
	return;
}

tie_case('k1', { ab => 'put', 'a-z' => 'put' }, [ 'a-z', 'ab' ], 'puts, loser commits first');
tie_case('k2', { ab => 'put', 'a-z' => 'put' }, [ 'ab', 'a-z' ], 'puts, winner commits first');
tie_case('k3', { ab => 'del', 'a-z' => 'put' }, [ 'ab', 'a-z' ], 'delete in "ab" against a put');
tie_case('k4', { ab => 'put', 'a-z' => 'del' }, [ 'a-z', 'ab' ], 'put in "ab" against a delete');

$_->{node}->stop foreach @regions;
done_testing();
