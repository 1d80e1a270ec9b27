# Copyright (c) 2026, pg_global_tables authors
#
# Convergence under random faults (Jepsen's method).  Three regions on three
# clusters, reaching each other through TCP proxies; four clients in each
# region put and delete random keys of a small key space (conflicts are
# frequent), every value unique, every operation recorded with its outcome
# and, when it may have committed, the update time and region the write
# carries.  Meanwhile faults are injected one after another: kill -9 of a
# postmaster, a clean stop and start, an immediate stop, partitions between
# two regions (connections dropped, or held), link workers terminated, and a
# region's clock set 5 s ahead or behind; half of the partitions and clock
# offsets get a kill, crash or worker restart in a random region on top.
# Tombstones are collected every 300 ms throughout.  Then everything heals,
# replication quiesces, every tombstone is collected, and GtFault's checker
# compares every replica with the history (a key with no row must have a
# delete as its newest acknowledged write).
#
# Default: 5,000 operations on 200 keys.  GT_CONVERGENCE_LONG=1 (or
# test/convergence/run --long): 100,000 operations on 1,000 keys, and at
# least 10 minutes of faults.  GT_CONVERGENCE_SEED=n replays a seed.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);
use GtFault;

my $long = $ENV{GT_CONVERGENCE_LONG} ? 1 : 0;
my $seed = $ENV{GT_CONVERGENCE_SEED} || (time() ^ $$) % 1000000;
my $ops_total   = $long ? 100_000 : 5_000;
my $nkeys       = $long ? 1_000   : 200;
my $min_seconds = $long ? 600     : 0;
my $per_region  = 4;
diag("convergence: seed=$seed long=$long (replay with GT_CONVERGENCE_SEED=$seed)");
srand($seed);

my $table   = 'jepsen';
my @names   = ('r1', 'r2', 'r3');
my @regions = map { { name => $_, node => gtf_node("conv_$_", 'gt.tombstone_collect_interval' => 300) } } @names;
gtf_create_region($_->{node}, $_->{name}) foreach @regions;
my $proxies = gtf_connect_regions(\@regions, 1);
gtf_create_table($regions[0]{node}, 'r1', $table);
foreach my $r (@regions[ 1 .. $#regions ])
{
	$regions[0]{node}->safe_psql('r1', qq{
		SELECT gt.update_table('{"TableName": "$table",
			"ReplicaUpdates": [{"Create": {"RegionName": "$r->{name}"}}]}')});
}

gtf_install_apply_log($_->{node}, $_->{name}, $table) foreach @regions;

# Every tombstone collection, with its time, to show collection happened
# while the faults were being injected and not only at the end.
foreach my $r (@regions)
{
	$r->{node}->safe_psql($r->{name}, qq{
		CREATE TABLE public.collected_log (id text, t bigint, at timestamptz DEFAULT clock_timestamp());
		CREATE FUNCTION public.log_collected() RETURNS trigger LANGUAGE plpgsql
			SET search_path = public, pg_catalog AS \$\$
		BEGIN
			INSERT INTO public.collected_log (id, t) VALUES (OLD.id, OLD.gt_update_time);
			RETURN NULL;
		END \$\$;
		CREATE TRIGGER log_collected AFTER DELETE ON public."$table"
			FOR EACH ROW EXECUTE FUNCTION public.log_collected();
		ALTER TABLE public."$table" ENABLE ALWAYS TRIGGER log_collected;});
}

#### Clients write while faults are injected; they stop once they have made
#### their operations and every kind of fault has been injected under load
my $stop_file = "$PostgreSQL::Test::Utils::tmp_check/convergence.stop";
unlink $stop_file;
my $start   = time;
my $clients = gtf_start_clients(\@regions, $per_region,
	table => $table,
	keys  => $nkeys,
	ops   => int(($ops_total + @regions * $per_region - 1) / (@regions * $per_region)),
	seed  => $seed,
	until => $start + $min_seconds,
	# Spreads the operations over the fault schedule; 12 clients then make
	# about 5,000 operations in 20 s, or 100,000 in 10 minutes.
	pause => $long ? 0.05 : 0.03,
	stop_file => $stop_file);

my @types = qw(kill9 stop_start crash partition_drop partition_hold workers clock);
my (%faults, @cycle);
sub pick { return $_[ int(rand(@_)) ] }
sub shuffle
{
	my @a = @_;
	for (my $i = $#a; $i > 0; $i--)
	{
		my $j = int(rand($i + 1));
		@a[ $i, $j ] = @a[ $j, $i ];
	}
	return @a;
}
# Faults that take effect at once; the others last a while, and half the
# time one of these strikes a random region while they do.
sub instant_fault
{
	my ($type, $r) = @_;
	if ($type eq 'kill9')
	{
		gtf_kill9($r->{node});
	}
	elsif ($type eq 'stop_start' || $type eq 'crash')
	{
		$r->{node}->stop($type eq 'crash' ? 'immediate' : 'fast');
		sleep(0.2 + rand(1.3));
		$r->{node}->start;
	}
	elsif ($type eq 'workers')
	{
		gtf_restart_workers($r->{node}, $r->{name});
	}
	$faults{$type}++;
	return;
}

my $overlapping = 0;
sub hold_with_overlap
{
	my ($hold) = @_;
	if (rand() < 0.5)
	{
		my $type = pick(qw(kill9 crash workers));
		my $r    = pick(@regions);
		sleep($hold / 2);
		diag(sprintf('%6.1fs   overlapping fault %s in %s', time - $start, $type, $r->{name}));
		instant_fault($type, $r);
		$overlapping++;
		sleep($hold / 2);
	}
	else
	{
		sleep($hold);
	}
	return;
}

while (gtf_wait_clients($clients) > 0 || keys(%faults) < @types)
{
	sleep($long ? 1 + rand(3) : 0.2 + rand(0.8));
	@cycle = shuffle(@types) unless @cycle;
	my $type = shift @cycle;
	my $r    = pick(@regions);
	diag(sprintf('%6.1fs fault %s in %s', time - $start, $type, $r->{name}));
	if ($type =~ /^partition_(\w+)$/)
	{
		my $mode = $1;
		my $other = pick(grep { $_ != $r } @regions);
		gtf_partition($proxies, $r->{name}, $other->{name}, $mode);
		hold_with_overlap(0.5 + rand($long ? 4 : 1.5));
		gtf_partition($proxies, $r->{name}, $other->{name}, 'open');
		$faults{$type}++;
	}
	elsif ($type eq 'clock')
	{
		my $offset = pick(5000, -5000);
		$r->{node}->safe_psql('postgres',
			qq{ALTER DATABASE "$r->{name}" SET gt.clock_offset = $offset});
		hold_with_overlap(0.5 + rand($long ? 4 : 1.5));
		$r->{node}->safe_psql('postgres', qq{ALTER DATABASE "$r->{name}" RESET gt.clock_offset});
		$faults{$type}++;
	}
	else
	{
		instant_fault($type, $r);
	}
	gtf_touch($stop_file) if keys(%faults) == @types;
}
gtf_wait_clients($clients, 1);
my $history = gtf_read_history($clients);
diag(sprintf('clients done after %.1fs', time - $start));
my $collected_during = 0;
$collected_during += $_->{node}->safe_psql($_->{name}, 'SELECT count(*) FROM public.collected_log')
  foreach @regions;
cmp_ok($collected_during, '>', 0, 'tombstones were collected while faults were injected');

#### Heal, quiesce, check
gtf_heal($proxies);
ok(gtf_wait_quiet(\@regions), 'replication quiesced after the faults healed');
# Tombstones were being collected all along (every 300 ms); once every
# region has every peer's watermark past them, none is left anywhere.
foreach my $r (@regions)
{
	ok($r->{node}->poll_query_until($r->{name},
			qq{SELECT NOT EXISTS (SELECT 1 FROM public."$table" WHERE gt_deleting)}),
		"$r->{name}: every tombstone collected");
}
my $res = gtf_check(\@regions, $table, $history, \%faults,
	"convergence seed=$seed overlapping_faults=$overlapping collected_during_faults=$collected_during");
cmp_ok($res->{ok}, '>', 0, 'some operations were acknowledged');
is($res->{divergent_keys}, 0, 'every replica identical, items and metadata');
is($res->{lost_acknowledged_writes}, 0, 'no acknowledged write lost');
is($res->{unexplained_values}, 0, 'every key holds a write that was acknowledged or unknown, with its stamp');
is($res->{resurrected}, 0, 'no deleted item came back');
is($res->{failed_visible}, 0, 'no failed write is visible');
is($res->{written_twice}, 0, 'no version was written twice in any region (exactly-once apply)');

#### Every link is back
foreach my $r (@regions)
{
	ok($r->{node}->poll_query_until($r->{name},
			q{SELECT count(*) = 2 FROM gt.links WHERE peer_connected AND worker_pid IS NOT NULL}),
		"$r->{name}: both links streaming again");
}

gtf_proxy_stop($_) foreach values %$proxies;
$_->{node}->stop foreach @regions;
done_testing();
