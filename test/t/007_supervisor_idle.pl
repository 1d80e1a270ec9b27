# Copyright (c) 2026, pg_global_tables authors
#
# Regression test: an idle cluster stays idle.  A launcher exits at once in a
# database without a region, and its exit sets the supervisor's latch; the
# supervisor took that for a request to rescan and started the launcher
# again, about 400 times a second, costing the postmaster and the supervisor
# some 15% of a core on every server (and every benchmark).  Likewise a
# region's launcher, whose catalog query was costed above jit_above_cost and
# JIT-compiled every naptime (about 12% of a core).  The CPU time of each is
# read from /proc over a few idle seconds.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use GtTest;

my $node = gt_new_node('idle');
# One region, so launchers and a supervisor are at work; "postgres" has none.
gt_create_region($node, 'ap-east-2');

my $supervisor = $node->safe_psql('postgres',
	q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'gt supervisor'});
ok($supervisor =~ /^\d+$/, 'the supervisor runs');
my $postmaster = $node->{_pid};

sub cpu_ticks
{
	my ($pid) = @_;
	my @f = split ' ', slurp_file("/proc/$pid/stat");
	return $f[13] + $f[14];		# utime + stime
}

# Let the region's launcher start and settle.
$node->poll_query_until('ap-east-2',
	q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'gt launcher' AND datname = 'ap-east-2'});
my $launcher = $node->safe_psql('ap-east-2',
	q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'gt launcher' AND datname = 'ap-east-2'});

my ($p0, $s0, $l0, $t0) = (cpu_ticks($postmaster), cpu_ticks($supervisor), cpu_ticks($launcher), time());
# Measure over five idle seconds (a measurement, not a wait).
usleep(5_000_000);
my ($p1, $s1, $l1, $t1) = (cpu_ticks($postmaster), cpu_ticks($supervisor), cpu_ticks($launcher), time());
my $seconds = $t1 - $t0;
note(sprintf('over %.1f s: postmaster %d ticks, supervisor %d ticks, launcher %d ticks',
		$seconds, $p1 - $p0, $s1 - $s0, $l1 - $l0));
# 100 ticks are one CPU second; 5% of a core over the interval is generous.
cmp_ok($p1 - $p0, '<', 5 * $seconds, 'the postmaster is idle');
cmp_ok($s1 - $s0, '<', 5 * $seconds, 'the supervisor is idle');
cmp_ok($l1 - $l0, '<', 5 * $seconds, 'the region\'s launcher is idle');

$node->stop;
done_testing();
