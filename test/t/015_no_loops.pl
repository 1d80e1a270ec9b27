# Copyright (c) 2026, pg_global_tables authors
#
# No loops in a full mesh: in a mesh of 3 regions (three servers) and of 5
# regions (two servers, three regions on one and two on the other), every
# write is applied exactly once in every other region, and a region sends
# its peers only its own writes, never one it applied.
#
# What each region wrote, locally or by applying, is logged by a row trigger
# of the test (GtFault's written_log); what a region sends to a peer is read
# from a spare slot of the output plugin created before the writes, peeked
# with that peer's name.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;
use GtFault;


# The number of VERSION messages in the chunks a slot sent (one hex string
# per line; a chunk holds several messages, see src/replication/gt_output.c and gt_proto.c).
sub count_versions
{
	my ($hex_chunks) = @_;
	my $versions = 0;
	foreach my $hex (split /\n/, $hex_chunks)
	{
		my $bytes = pack('H*', $hex);
		my $pos = 0;
		while ($pos < length($bytes))
		{
			my $type = substr($bytes, $pos++, 1);
			if ($type eq 'B') { $pos += 8 + 8 + 4; }
			elsif ($type eq 'C') { $pos += 8 + 8 + 8; }
			elsif ($type eq 'W') { $pos += 8; }
			elsif ($type eq 'V')
			{
				$versions++;
				# table name, region name: length-prefixed; time, flags; item
				for (1 .. 2) { $pos += 4 + unpack('N', substr($bytes, $pos, 4)); }
				$pos += 8 + 1;
				$pos += 4 + unpack('N', substr($bytes, $pos, 4));
			}
			else { die "unknown message type '$type' in a chunk"; }
		}
		die 'a chunk ends in the middle of a message' if $pos != length($bytes);
	}
	return $versions;
}

sub mesh_case
{
	my ($label, @regions) = @_;
	my $first = $regions[0];
	gtf_create_region($_->{node}, $_->{name}) foreach @regions;
	gtf_connect_regions(\@regions, 0);
	gtf_create_table($first->{node}, $first->{name}, 'mesh');
	foreach my $r (@regions[ 1 .. $#regions ])
	{
		$first->{node}->safe_psql($first->{name}, qq{
			SELECT gt.update_table('{"TableName": "mesh",
				"ReplicaUpdates": [{"Create": {"RegionName": "$r->{name}"}}]}')});
	}
	foreach my $r (@regions)
	{
		gtf_install_apply_log($r->{node}, $r->{name}, 'mesh');
		($r->{probe} = "probe_$r->{name}") =~ s/-/_/g;
		$r->{node}->safe_psql($r->{name},
			qq{SELECT 1 FROM pg_create_logical_replication_slot('$r->{probe}', 'pg_global_tables')});
	}

	#### Every region writes its own items, then each in turn the shared ones
	foreach my $r (@regions)
	{
		my $sql = '';
		$sql .= qq{SELECT gt.put_item('mesh', '{"id": {"S": "$r->{name}-$_"}, "v": {"S": "1"}}');}
		  foreach 1 .. 10;
		$sql .= qq{SELECT gt.put_item('mesh', '{"id": {"S": "$r->{name}-$_"}, "v": {"S": "2"}}');}
		  foreach 1 .. 5;
		$sql .= qq{SELECT gt.delete_item('mesh', '{"id": {"S": "$r->{name}-$_"}}');} foreach 6 .. 7;
		$r->{node}->safe_psql($r->{name}, $sql);
	}
	foreach my $r (@regions)
	{
		$r->{node}->safe_psql($r->{name},
			qq{SELECT gt.put_item('mesh', '{"id": {"S": "shared-$_"}, "v": {"S": "$r->{name}"}}')})
		  foreach 1 .. 3;
		gt_wait($r->{node}, $r->{name});
	}
	ok(gtf_wait_quiet(\@regions), "$label: replication quiesced");

	#### Each write applied exactly once in every other region
	my %local;
	foreach my $r (@regions)
	{
		$local{ $r->{name} } = $r->{node}->safe_psql($r->{name}, q{
			SELECT string_agg(format('%s/%s/%s', id, t, r), E'\n' ORDER BY id, t, r)
			FROM written_log WHERE NOT applied});
	}
	foreach my $r (@regions)
	{
		my $expected = join("\n", sort map { split /\n/, $local{ $_->{name} } }
			  grep { $_ != $r } @regions);
		my $applied = $r->{node}->safe_psql($r->{name}, q{
			SELECT string_agg(format('%s/%s/%s', id, t, r), E'\n' ORDER BY format('%s/%s/%s', id, t, r))
			FROM written_log WHERE applied});
		is($applied, join("\n", sort split /\n/, $expected),
			"$label: $r->{name} applied each write of the other regions exactly once");
		is(gt_items($r->{node}, $r->{name}, 'mesh'), gt_items($first->{node}, $first->{name}, 'mesh'),
			"$label: $r->{name} identical to $first->{name}, metadata included")
		  unless $r == $first;
	}

	#### A region sends its peers its own writes only
	foreach my $r (@regions)
	{
		my $own = scalar(my @own = split /\n/, $local{ $r->{name} });
		foreach my $peer (grep { $_ != $r } @regions)
		{
			my $chunks = $r->{node}->safe_psql($r->{name}, qq{
					SELECT encode(data, 'hex') FROM pg_logical_slot_peek_binary_changes('$r->{probe}', NULL, NULL,
						'proto_version', '2', 'peer', '$peer->{name}')});
			is(count_versions($chunks), $own,
				"$label: $r->{name} sends $peer->{name} its $own own writes, nothing else");
		}
		$r->{node}->safe_psql($r->{name}, qq{SELECT pg_drop_replication_slot('$r->{probe}')});
	}
	return;
}

#### Mesh of 3 regions on 3 servers
my @n3 = map { gtf_node("mesh3_$_") } 1 .. 3;
mesh_case('mesh of 3', map { { name => "m3-r$_", node => $n3[ $_ - 1 ] } } 1 .. 3);
$_->stop foreach @n3;

#### Mesh of 5 regions on 2 servers
my @n5 = map { gtf_node("mesh5_$_") } 1 .. 2;
mesh_case('mesh of 5', map { { name => "m5-r$_", node => $n5[ $_ <= 3 ? 0 : 1 ] } } 1 .. 5);
$_->stop foreach @n5;

done_testing();
