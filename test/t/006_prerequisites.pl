# Copyright (c) 2026, pg_global_tables authors
#
# A server without the settings global tables need refuses to set up a
# region, with an error whose hint names the setting to change: the library
# not preloaded, wal_level below logical, and (Debian's PostgreSQL 15.19 and
# later) the output plugin missing from output_plugin_libraries, and no
# prepared transactions for multi-region steps.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('prereq');

# Tries to name a region after appending $conf; returns psql's stderr.
sub try_with
{
	my ($conf) = @_;
	$node->append_conf('postgresql.conf', $conf);
	$node->restart;
	$node->safe_psql('postgres', 'DROP DATABASE IF EXISTS regress_prereq');
	$node->safe_psql('postgres', 'CREATE DATABASE regress_prereq');
	$node->safe_psql('regress_prereq', 'CREATE EXTENSION pg_global_tables');
	my ($ret, $stdout, $stderr) = $node->psql('regress_prereq',
		q{SELECT gt.init_region('regress-prereq')});
	return $stderr;
}

#### Not in shared_preload_libraries
like(try_with("shared_preload_libraries = ''"),
	qr/pg_global_tables must be loaded via "shared_preload_libraries".*\n.*HINT:  Add "pg_global_tables" to "shared_preload_libraries" and restart the server\./,
	'not preloaded: the hint names shared_preload_libraries');

#### wal_level below logical
like(try_with("shared_preload_libraries = 'pg_global_tables'\nwal_level = replica"),
	qr/global tables require "wal_level" to be "logical".*\n.*HINT:  Set "wal_level" to "logical" and restart the server\./,
	'wal_level replica: the hint names wal_level');

#### Output plugin not allowed (Debian 15.19 and later)
SKIP:
{
	my $has_setting = $node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_settings WHERE name = 'output_plugin_libraries'});
	skip 'this server has no output_plugin_libraries setting', 1
	  unless $has_setting eq '1';
	like(try_with("wal_level = logical\noutput_plugin_libraries = 'pgoutput, test_decoding'"),
		qr/output plugin "pg_global_tables" is not allowed by "output_plugin_libraries".*\n.*HINT:  Add "pg_global_tables" to "output_plugin_libraries" and restart the server\./,
		'plugin not allowed: the hint names output_plugin_libraries');
}

#### No prepared transactions: multi-region steps could not commit
like(try_with("wal_level = logical\noutput_plugin_libraries = 'pgoutput, test_decoding, pg_global_tables'\nmax_prepared_transactions = 0"),
	qr/global tables require "max_prepared_transactions" to be at least 1.*\n.*HINT:  Set "max_prepared_transactions" to 10 or more and restart the server\./,
	'max_prepared_transactions 0: the hint names max_prepared_transactions');

#### With every setting right, the region is named
is(try_with("max_prepared_transactions = 10"),
	'', 'configured as the README says, init_region succeeds');

$node->stop;
done_testing();
