# Copyright (c) 2026, pg_global_tables authors

=pod

=head1 NAME

GtFault - fault injection, recorded client histories and a last-writer-wins
checker for pg_global_tables' convergence tests (Jepsen's method)

=head1 DESCRIPTION

=over

=item Nodes

C<gtf_node> starts a cluster like GtTest's C<gt_new_node>, also listening on
127.0.0.1 so that regions on other clusters can be reached through a proxy.

=item Proxies and partitions

C<gtf_proxy_start> forks a small TCP proxy in front of a cluster.  Each
region reaches each peer through a proxy of its own (one per ordered pair),
so a partition between two regions is made by setting their two proxies to
C<drop> (close every connection, refuse new ones) or C<hold> (keep the
connections but forward nothing, accept nothing) and healed by setting them
back to C<open>.  The proxy is told by signals (USR1 drop, USR2 hold, HUP
open) and writes its mode to a state file once it has acted, which
C<gtf_proxy_mode> waits for.

=item Crashes

C<gtf_kill9> sends SIGKILL to the postmaster, waits until every one of its
children has exited (they notice the postmaster's death), and starts the node
again.

=item Clients and history

C<gtf_start_clients> forks client processes; each runs one psql per
operation:

  BEGIN; SELECT gt.put_item(...) or gt.delete_item(...);
  SELECT the row's gt_update_time, gt_update_region; COMMIT; \echo done

The LWW trigger stamps the row in the same transaction, so the read sees the
stamp the write will carry if it commits.  An operation is C<ok> when "done"
is printed, C<unknown> when the stamp was read but COMMIT did not report
success (the connection was lost at COMMIT), and C<failed> otherwise (psql
stops at the first error, so COMMIT was never sent).  Every written value is
unique: region-client-sequence.  Each client appends one line per operation
to its history file.

=item Checker

C<gtf_check> reads every replica of a table after replication has quiesced
and compares it with the history: replicas identical (items and metadata);
every final row is a write that was acknowledged or unknown, with the stamp
that write read back (no value that nobody wrote, no failed write visible);
no acknowledged write carries a later (update time, region) than the final
row of its key (no lost write; a lost delete is also counted as a
resurrection).  It prints one summary line.

=back

=cut

package GtFault;

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use IO::Select;
use IPC::Open2 ();
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(time sleep);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest ();

our @EXPORT = qw(gtf_node gtf_create_region gtf_create_table gtf_connect_regions
  gtf_proxy_start gtf_proxy_set gtf_proxy_stop gtf_partition gtf_heal
  gtf_kill9 gtf_restart_workers gtf_wait_quiet
  gtf_start_clients gtf_wait_clients gtf_read_history gtf_check
  gtf_stop_clients gtf_check_clean
  gtf_install_apply_log gtf_poll_until gtf_wait_sql gtf_touch);

my $timeout = $PostgreSQL::Test::Utils::timeout_default;

# Proxies and clients this process forked: stopped if the test dies.
my %forked;
my $parent_pid = $$;
END
{
	if ($$ == $parent_pid)
	{
		kill('TERM', $_) foreach grep { kill(0, $_) } keys %forked;
	}
}

# A started cluster configured for global tables, listening on 127.0.0.1 as
# well as on its Unix socket.  %conf: extra postgresql.conf settings.
sub gtf_node
{
	my ($name, %conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(allows_streaming => 'logical');
	$node->append_conf('postgresql.conf',
		PostgreSQL::Test::Utils::slurp_file('test/pg_global_tables.conf'));
	$node->append_conf('postgresql.conf',
		"gt.launcher_naptime = 100\ngt.link_retry_interval = 200\n"
		  . "listen_addresses = '127.0.0.1'\nmax_connections = 40\n"
		  . "shared_buffers = 16MB\nlog_min_messages = info\n");
	$node->append_conf('postgresql.conf', "$_ = $conf{$_}") foreach sort keys %conf;
	$node->start;
	return $node;
}

# Regions and tables are made as in every other test.
*gtf_create_region = \&GtTest::gt_create_region;
*gtf_create_table = \&GtTest::gt_create_table;

# Registers every region with every other one.  $regions: list of
# {name, node}.  With $proxied, region A reaches region B through a proxy of
# its own, kept in $proxies->{"A>B"}; otherwise directly over TCP.
sub gtf_connect_regions
{
	my ($regions, $proxied) = @_;
	my %proxies;
	foreach my $a (@$regions)
	{
		foreach my $b (@$regions)
		{
			next if $a->{name} eq $b->{name};
			my $port = $b->{node}->port;
			if ($proxied)
			{
				my $p = gtf_proxy_start($b->{node}->port, "$a->{name}>$b->{name}");
				$proxies{"$a->{name}>$b->{name}"} = $p;
				$port = $p->{port};
			}
			$a->{node}->safe_psql($a->{name},
				"SELECT gt.register_region('$b->{name}', "
				  . "'host=127.0.0.1 port=$port dbname=$b->{name} connect_timeout=10')");
		}
	}
	return \%proxies;
}

# Creates an empty file (the clients' stop signal).
sub gtf_touch
{
	my ($file) = @_;
	open(my $fh, '>', $file) or die "$file: $!";
	close($fh);
	return;
}

#### TCP proxy

sub _proxy_loop
{
	my ($listen, $target_port, $state_file) = @_;
	my $mode = 'open';
	my $want = 'open';
	local $SIG{USR1} = sub { $want = 'drop' };
	local $SIG{USR2} = sub { $want = 'hold' };
	local $SIG{HUP}  = sub { $want = 'open' };
	local $SIG{TERM} = sub { POSIX::_exit(0) };
	local $SIG{PIPE} = 'IGNORE';
	my %partner;    # socket (stringified) => partner socket
	my %sock;       # stringified => socket

	my $close_pair = sub {
		my ($s) = @_;
		my $p = $partner{$s};
		foreach my $x ($s, $p)
		{
			next unless defined $x;
			delete $partner{$x};
			delete $sock{$x};
			close($x);
		}
	};
	my $write_state = sub {
		open(my $fh, '>', "$state_file.tmp") or return;
		print $fh $mode;
		close($fh);
		rename("$state_file.tmp", $state_file);
	};
	$write_state->();

	for (;;)
	{
		if ($want ne $mode)
		{
			$mode = $want;
			if ($mode eq 'drop')
			{
				$close_pair->($_) foreach grep { defined $sock{$_} } keys %sock;
			}
			$write_state->();
		}
		my $sel = IO::Select->new();
		$sel->add($listen) unless $mode eq 'hold';
		if ($mode eq 'open')
		{
			$sel->add($_) foreach values %sock;
		}
		my @ready = $sel->can_read(0.05);
		foreach my $s (@ready)
		{
			if ($s == $listen)
			{
				my $c = $listen->accept or next;
				if ($mode eq 'drop')
				{
					close($c);
					next;
				}
				my $t = IO::Socket::INET->new(
					PeerAddr => '127.0.0.1',
					PeerPort => $target_port,
					Proto    => 'tcp');
				if (!$t)
				{
					close($c);
					next;
				}
				$partner{$c} = $t;
				$partner{$t} = $c;
				$sock{$c}    = $c;
				$sock{$t}    = $t;
				next;
			}
			next unless defined $sock{$s};    # closed by its partner
			my $buf;
			my $n = sysread($s, $buf, 65536);
			if (!$n)
			{
				$close_pair->($s);
				next;
			}
			my $p   = $partner{$s};
			my $off = 0;
			while ($off < $n)
			{
				my $w = syswrite($p, $buf, $n - $off, $off);
				if (!defined $w)
				{
					next if $!{EINTR};
					last;
				}
				$off += $w;
			}
			$close_pair->($s) if $off < $n;
		}
	}
}

# Starts a proxy forwarding 127.0.0.1:<new port> to 127.0.0.1:$target_port.
sub gtf_proxy_start
{
	my ($target_port, $name) = @_;
	my $listen = IO::Socket::INET->new(
		LocalAddr => '127.0.0.1',
		LocalPort => 0,
		Listen    => 64,
		ReuseAddr => 1,
		Proto     => 'tcp') or die "proxy: cannot listen: $!";
	(my $file = $name) =~ s/[^A-Za-z0-9_-]/_/g;
	my $state_file = "$PostgreSQL::Test::Utils::tmp_check/proxy_$file.state";
	unlink $state_file;
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if ($pid == 0)
	{
		_proxy_loop($listen, $target_port, $state_file);
		POSIX::_exit(0);
	}
	$forked{$pid} = 1;
	my $p = { pid => $pid, port => $listen->sockport, name => $name,
		state_file => $state_file };
	close($listen);
	return _proxy_wait($p, 'open');
}

sub _proxy_wait
{
	my ($p, $mode) = @_;
	my $deadline = time + $timeout;
	while (time < $deadline)
	{
		if (open(my $fh, '<', $p->{state_file}))
		{
			my $m = <$fh> // '';
			close($fh);
			return $p if $m eq $mode;
		}
		sleep(0.01);
	}
	die "proxy $p->{name} did not switch to $mode";
}

# Sets a proxy's mode (open, drop or hold) and waits until it has acted.
sub gtf_proxy_set
{
	my ($p, $mode) = @_;
	my %sig = (drop => 'USR1', hold => 'USR2', open => 'HUP');
	kill($sig{$mode}, $p->{pid}) or die "proxy $p->{name} is gone";
	_proxy_wait($p, $mode);
	return;
}

sub gtf_proxy_stop
{
	my ($p) = @_;
	kill('TERM', $p->{pid});
	waitpid($p->{pid}, 0);
	delete $forked{ $p->{pid} };
	return;
}

# Partitions regions $a and $b (both directions) in mode drop or hold.
sub gtf_partition
{
	my ($proxies, $a, $b, $mode) = @_;
	gtf_proxy_set($proxies->{"$a>$b"}, $mode);
	gtf_proxy_set($proxies->{"$b>$a"}, $mode);
	return;
}

sub gtf_heal
{
	my ($proxies) = @_;
	gtf_proxy_set($_, 'open') foreach values %$proxies;
	return;
}

#### Crashes and workers

sub _children_of
{
	my ($ppid) = @_;
	my @kids;
	foreach my $stat (glob('/proc/[0-9]*/stat'))
	{
		open(my $fh, '<', $stat) or next;
		my $line = <$fh> // '';
		close($fh);
		push @kids, $1 if $line =~ /^(\d+) \(.*\) \S (\d+) / && $2 == $ppid;
	}
	return @kids;
}

# kill -9 of the postmaster; waits for its children to exit (they notice the
# postmaster's death), then starts the node again unless $no_restart.
sub gtf_kill9
{
	my ($node, $no_restart) = @_;
	my $pid = $node->{_pid};
	my @kids = _children_of($pid);
	$node->kill9;
	my $deadline = time + $timeout;
	while (grep { kill(0, $_) } ($pid, @kids))
	{
		die "children of killed postmaster $pid still running" if time > $deadline;
		sleep(0.02);
	}
	$node->start unless $no_restart;
	return;
}

# Terminates the launcher and link workers of a region, and the walsenders
# serving its peers; the supervisor and launcher start them again.
sub gtf_restart_workers
{
	my ($node, $region) = @_;
	return $node->safe_psql($region, qq{
		SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE (datname = '$region' AND backend_type IN ('gt link worker', 'gt launcher'))
		   OR (backend_type = 'walsender' AND datname = '$region')});
}

# Polls $sql in $region until it returns 't'; a server restarting meanwhile
# is retried.
sub gtf_poll_until
{
	my ($node, $region, $sql, $limit) = @_;
	my $deadline = time + ($limit // $timeout);
	while (time < $deadline)
	{
		my ($rc, $out) = $node->psql($region, $sql);
		return 1 if $rc == 0 && $out eq 't';
		sleep(0.1);
	}
	return 0;
}

# Waits inside the server, polling every 10 ms, until the SQL condition
# $cond is true; returns 't', or 'f' on timeout.  One session, no log spam.
sub gtf_wait_sql
{
	my ($node, $db, $cond, $limit) = @_;
	my $n = int(($limit // $timeout) * 100);
	return $node->safe_psql($db, qq{
		CREATE FUNCTION pg_temp.wait_cond() RETURNS boolean LANGUAGE plpgsql AS \$wait\$
		BEGIN
			FOR i IN 1 .. $n LOOP
				IF ($cond) THEN RETURN true; END IF;
				PERFORM pg_sleep(0.01);
			END LOOP;
			RETURN false;
		END \$wait\$;
		SELECT pg_temp.wait_cond();});
}

# Waits until every region's changes are applied in every other region:
# gt.wait_for_replication() true in all regions in one pass.
sub gtf_wait_quiet
{
	my ($regions, $limit) = @_;
	my $deadline = time + ($limit // $timeout);
	while (time < $deadline)
	{
		my $all = 1;
		foreach my $r (@$regions)
		{
			my ($rc, $out) = $r->{node}->psql($r->{name},
				"SELECT gt.wait_for_replication('10 s')");
			$all = 0 unless $rc == 0 && $out eq 't';
		}
		return 1 if $all;
	}
	return 0;
}

# Adds to a replica table in one region a log of every version actually
# written there, local or applied: an AFTER ROW trigger, which fires for
# whatever path writes the row (SQL or executor-level apply) and not for a
# version the LWW decision discards.  The log is transactional with the
# writes it records.
sub gtf_install_apply_log
{
	my ($node, $region, $table) = @_;
	$node->safe_psql($region, qq{
		CREATE TABLE public.written_log (n bigserial, id text, t bigint, r text,
			deleting bool, applied bool);
		CREATE FUNCTION public.log_written() RETURNS trigger LANGUAGE plpgsql
			SET search_path = public, pg_catalog AS \$\$
		BEGIN
			INSERT INTO public.written_log (id, t, r, deleting, applied)
				VALUES (NEW.id, NEW.gt_update_time, NEW.gt_update_region, NEW.gt_deleting,
				        pg_replication_origin_session_is_setup());
			RETURN NULL;
		END \$\$;
		CREATE TRIGGER log_written AFTER INSERT OR UPDATE ON public."$table"
			FOR EACH ROW EXECUTE FUNCTION public.log_written();
		ALTER TABLE public."$table" ENABLE ALWAYS TRIGGER log_written;});
	return;
}

#### Clients

# A client's psql session: psql reading commands from a pipe, with
# ON_ERROR_STOP so that it exits at the first error (or lost connection).
sub _psql_open
{
	my ($connstr, $errlog) = @_;
	my ($out, $in);
	my $pid = IPC::Open2::open2($out, $in, 'sh', '-c',
		'exec psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$0" 2>>"$1"', $connstr, $errlog);
	$in->autoflush(1);
	return { pid => $pid, out => $out, in => $in };
}

sub _psql_close
{
	my ($s) = @_;
	return unless $s;
	close($s->{in});
	close($s->{out});
	waitpid($s->{pid}, 0);
	return;
}

# Sends one transaction; returns the lines psql printed and whether the
# end marker (printed only after COMMIT succeeded) was seen.  On a missing
# marker the session is closed (psql exited).
sub _psql_txn
{
	my ($s, $marker, @cmds) = @_;
	local $SIG{PIPE} = 'IGNORE';
	my $in = $s->{in};
	print $in join('', map { "$_;\n" } @cmds), "\\echo $marker\n";
	my @lines;
	while (defined(my $line = readline($s->{out})))
	{
		chomp $line;
		return (\@lines, 1) if $line eq $marker;
		push @lines, $line;
	}
	return (\@lines, 0);
}

sub _client_main
{
	my (%o) = @_;
	srand($o{seed});
	open(my $h, '>', $o{history}) or die "$o{history}: $!";
	$h->autoflush(1);
	local $ENV{PGCONNECT_TIMEOUT} = '10';
	local $ENV{PGOPTIONS} = '-c statement_timeout=60s';
	my $seq = 0;
	my $session;
	while ($seq < $o{ops} || time < $o{until}
		|| ($o{stop_file} && !-e $o{stop_file}))
	{
		$seq++;
		my $key   = sprintf('k%04d', int(rand($o{keys})));
		my $del   = rand() < $o{delete_ratio};
		my $value = "$o{region}-c$o{client}-$seq";
		my $write = $del
		  ? qq{SELECT 1 FROM gt.delete_item('$o{table}', '{"id": {"S": "$key"}}')}
		  : qq{SELECT 1 FROM gt.put_item('$o{table}', '{"id": {"S": "$key"}, "v": {"S": "$value"}}')};
		my $read = qq{SELECT 'stamp:' || gt_update_time || ':' || gt_update_region }
		  . qq{FROM public."$o{table}" WHERE id = '$key'};
		my $t0 = time;
		$session //= _psql_open($o{connstr}, $o{errlog});
		my ($lines, $done) = _psql_txn($session, "done-$seq", 'BEGIN', $write, $read, 'COMMIT');
		my $t1 = time;
		my ($st, $sr);
		foreach (@$lines)
		{
			($st, $sr) = ($1, $2) if /^stamp:(\d+):(.*)$/;
		}
		my $outcome = !defined $st ? 'failed' : $done ? 'ok' : 'unknown';
		print $h join("\t", $o{region}, $o{client}, $seq, $del ? 'del' : 'put',
			$key, $value, $outcome, $st // '', $sr // '',
			sprintf('%.6f', $t0), sprintf('%.6f', $t1)), "\n";
		if (!$done)
		{
			_psql_close($session);
			$session = undef;
			# Throttle while the region is down; not needed for correctness.
			sleep(0.1 + rand(0.1));
		}
		sleep($o{pause}) if $o{pause};
	}
	_psql_close($session);
	close($h);
	return;
}

# Forks $per_region clients in every region.  %o: table, keys, ops (per
# client), seed, until (epoch seconds the clients keep going at least),
# delete_ratio.  Returns the client handles.
sub gtf_start_clients
{
	my ($regions, $per_region, %o) = @_;
	my @clients;
	my $n = 0;
	foreach my $r (@$regions)
	{
		foreach my $c (1 .. $per_region)
		{
			$n++;
			my $history = "$PostgreSQL::Test::Utils::tmp_check/history_$r->{name}_c$c.tsv";
			my %args    = (
				%o,
				region  => $r->{name},
				client  => $c,
				seed    => $o{seed} * 1000 + $n,
				connstr => $r->{node}->connstr($r->{name}),
				history => $history,
				errlog  => "$PostgreSQL::Test::Utils::tmp_check/history_$r->{name}_c$c.err",
				until   => $o{until} // 0,
				delete_ratio => $o{delete_ratio} // 0.25);
			my $pid = fork();
			die "fork: $!" unless defined $pid;
			if ($pid == 0)
			{
				_client_main(%args);
				POSIX::_exit(0);
			}
			$forked{$pid} = 1;
			push @clients, { pid => $pid, history => $history };
		}
	}
	return \@clients;
}

# Tells clients started with a stop_file to stop once they have made their
# operations, reaps them, waits until replication between $regions is quiet
# (a test), and returns their history.
sub gtf_stop_clients
{
	my ($clients, $stop_file, $regions) = @_;
	gtf_touch($stop_file);
	gtf_wait_clients($clients, 1);
	ok(gtf_wait_quiet($regions), 'replication quiesced');
	return gtf_read_history($clients);
}

# Runs gtf_check and asserts that it found nothing wrong: some writes were
# acknowledged, the replicas are identical, no acknowledged write was lost,
# every key holds a write that was acknowledged or unknown, and no deleted
# item came back.  $label names the run in the summary line and the tests.
sub gtf_check_clean
{
	my ($regions, $table, $history, $label) = @_;
	my $res = gtf_check($regions, $table, $history, {}, $label);
	cmp_ok($res->{ok}, '>', 0, "$label: the clients' writes were acknowledged");
	is($res->{divergent_keys}, 0, "$label: the replicas are identical, items and metadata");
	is($res->{lost_acknowledged_writes}, 0, "$label: no acknowledged write was lost");
	is($res->{unexplained_values}, 0, "$label: every key holds a write that was acknowledged or unknown");
	is($res->{resurrected}, 0, "$label: no deleted item came back");
	return $res;
}

# Reaps finished clients; returns how many are still running.
sub gtf_wait_clients
{
	my ($clients, $block) = @_;
	foreach my $c (@$clients)
	{
		next if $c->{done};
		my $r = waitpid($c->{pid}, $block ? 0 : POSIX::WNOHANG());
		if ($r == $c->{pid})
		{
			$c->{done} = 1;
			delete $forked{ $c->{pid} };
			die "client $c->{pid} failed: $?" if $? != 0;
		}
	}
	return scalar grep { !$_->{done} } @$clients;
}

sub gtf_read_history
{
	my ($clients) = @_;
	my @ops;
	foreach my $c (@$clients)
	{
		open(my $fh, '<', $c->{history}) or die "$c->{history}: $!";
		while (my $line = <$fh>)
		{
			chomp $line;
			my %op;
			@op{qw(region client seq op key value outcome time sregion t0 t1)} =
			  split(/\t/, $line, -1);
			push @ops, \%op;
		}
		close($fh);
	}
	return \@ops;
}

#### Checker

sub _rows
{
	my ($node, $region, $table) = @_;
	my $out = $node->safe_psql($region, qq{
		SELECT id, coalesce(item->'v'->>'S', ''), gt_update_time, gt_update_region,
		       gt_deleting, item::text
		FROM public."$table" ORDER BY id});
	my %rows;
	foreach my $line (split /\n/, $out)
	{
		my ($id, $v, $t, $r, $d, $item) = split /\|/, $line, 6;
		$rows{$id} = { v => $v, time => $t, region => $r, deleting => $d eq 't', item => $item, line => $line };
	}
	return \%rows;
}

# Compares LWW stamps: <0, 0, >0 (bytewise region names, as the trigger does).
sub _cmp_stamp
{
	my ($t1, $r1, $t2, $r2) = @_;
	return ($t1 <=> $t2) || ($r1 cmp $r2);
}

# Checks every replica of $table against the history; returns a hash of
# counts and prints the summary line.  $faults: hash of fault name => count.
sub gtf_check
{
	my ($regions, $table, $history, $faults, $label) = @_;
	use bytes;    # region names compare bytewise, as strcmp does
	my %res = (operations => scalar(@$history), ok => 0, failed => 0, unknown => 0,
		conflicts => 0, divergent_keys => 0, lost_acknowledged_writes => 0,
		unexplained_values => 0, resurrected => 0, failed_visible => 0);
	my @problems;

	my @rows = map { _rows($_->{node}, $_->{name}, $table) } @$regions;
	my %keys;
	$keys{$_} = 1 foreach map { keys %$_ } @rows;
	foreach my $k (sort keys %keys)
	{
		my @lines = map { defined $_->{$k} ? $_->{$k}{line} : '(none)' } @rows;
		if (grep { $_ ne $lines[0] } @lines)
		{
			$res{divergent_keys}++;
			push @problems, "divergent key $k: " . join(' / ', @lines);
		}
	}

	my %by_key;
	foreach my $op (@$history)
	{
		$res{ $op->{outcome} }++;
		push @{ $by_key{ $op->{key} } }, $op;
	}
	my $final = $rows[0];
	foreach my $k (sort keys %{ { %by_key, %$final } })
	{
		my @ops = @{ $by_key{$k} // [] };
		my $f   = $final->{$k};
		my @seen = grep { $_->{outcome} ne 'failed' } @ops;

		# conflicts, without apply logs: writes of this key overlapping in
		# time with a write of another region
		my @sorted = sort { $a->{t0} <=> $b->{t0} } @seen;
		for my $i (0 .. $#sorted)
		{
			for (my $j = $i + 1; $j <= $#sorted && $sorted[$j]{t0} < $sorted[$i]{t1}; $j++)
			{
				$res{conflicts}++ if $sorted[$j]{region} ne $sorted[$i]{region};
			}
		}

		my $winner;
		if ($f)
		{
			($winner) = grep { $_->{time} eq $f->{time} && $_->{sregion} eq $f->{region} } @seen;
			my $expected_item = $winner
			  ? ($winner->{op} eq 'del'
				? qq({"id": {"S": "$k"}})
				: qq({"v": {"S": "$winner->{value}"}, "id": {"S": "$k"}}))
			  : '';
			if (!$winner
				|| ($winner->{op} eq 'del') != $f->{deleting}
				|| $f->{item} ne $expected_item)
			{
				$res{unexplained_values}++;
				push @problems, "key $k holds a version nobody wrote with that stamp: $f->{line}";
			}
			if (my ($fw) = grep { $_->{outcome} eq 'failed' && $_->{value} eq $f->{v} } @ops)
			{
				$res{failed_visible}++;
				push @problems, "key $k holds the value of a failed write: $f->{line}";
			}
		}
		# A key with no row at all had its tombstone collected: the newest
		# acknowledged write must then be a delete, or be beaten by a delete
		# whose outcome is unknown.
		if (!$f && @seen)
		{
			my @newest = sort { _cmp_stamp($b->{time}, $b->{sregion}, $a->{time}, $a->{sregion}) } @seen;
			my ($last_ok) = grep { $_->{outcome} eq 'ok' } @newest;
			my ($last_del) = grep { $_->{op} eq 'del' } @newest;
			next unless $last_ok;
			next if $last_del && _cmp_stamp($last_del->{time}, $last_del->{sregion},
				$last_ok->{time}, $last_ok->{sregion}) >= 0;
			$res{lost_acknowledged_writes}++;
			push @problems, "key $k lost acknowledged $last_ok->{op} $last_ok->{value} at "
			  . "$last_ok->{time}/$last_ok->{sregion}; holds nothing";
			next;
		}
		foreach my $op (grep { $_->{outcome} eq 'ok' } @ops)
		{
			next if $f && _cmp_stamp($op->{time}, $op->{sregion}, $f->{time}, $f->{region}) <= 0;
			$res{lost_acknowledged_writes}++;
			$res{resurrected}++ if $op->{op} eq 'del' && $f && !$f->{deleting};
			push @problems, "key $k lost acknowledged $op->{op} $op->{value} at $op->{time}/$op->{sregion}; holds "
			  . ($f ? $f->{line} : 'nothing');
		}
	}

	# With apply logs (gtf_install_apply_log): an acknowledged version that
	# another region never wrote was discarded there by last-writer-wins, as
	# older than what it held (a conflict resolved); a version written twice
	# in a region would be a second effect of a re-sent change.
	if ($res{logged} = $regions->[0]{node}->safe_psql($regions->[0]{name},
			q{SELECT to_regclass('public.written_log') IS NOT NULL}) eq 't')
	{
		$res{conflicts} = 0;
		$res{written_twice} = 0;
		foreach my $r (@$regions)
		{
			my %written;
			foreach my $line (split /\n/, $r->{node}->safe_psql($r->{name},
					q{SELECT id, t, r, count(*) FROM written_log GROUP BY 1, 2, 3}))
			{
				my ($id, $t, $reg, $n) = split /\|/, $line;
				$written{"$id/$t/$reg"} = $n;
				next if $n == 1;
				$res{written_twice}++;
				push @problems, "$r->{name}: version $id/$t/$reg written $n times";
			}
			foreach my $op (@$history)
			{
				next unless $op->{outcome} eq 'ok' && $op->{region} ne $r->{name};
				$res{conflicts}++ unless $written{"$op->{key}/$op->{time}/$op->{sregion}"};
			}
		}
	}

	diag($_) foreach @problems[ 0 .. ($#problems < 20 ? $#problems : 19) ];
	my $nfaults = 0;
	$nfaults += $_ foreach values %$faults;
	my $summary = sprintf(
		"%s: operations=%d (ok=%d failed=%d unknown=%d) conflicts=%d faults=%d (%s) "
		  . "divergent_keys=%d lost_acknowledged_writes=%d unexplained_values=%d resurrected=%d"
		  . ($res{logged} ? " written_twice=%d" : ''),
		$label, $res{operations}, $res{ok}, $res{failed}, $res{unknown}, $res{conflicts},
		$nfaults, join(' ', map { "$_=$faults->{$_}" } sort keys %$faults),
		$res{divergent_keys}, $res{lost_acknowledged_writes},
		$res{unexplained_values}, $res{resurrected}, $res{logged} ? $res{written_twice} : ());
	diag($summary);
	$res{summary} = $summary;
	return \%res;
}

1;
