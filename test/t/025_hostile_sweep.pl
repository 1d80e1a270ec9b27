# Copyright (c) 2026, pg_global_tables authors
#
# The hostile-role layer: every SQL-callable function of the extension,
# called as a role with LOGIN only and as a role with each single privilege
# on a replica table, with NULL, wrong-typed and extreme arguments; then as
# a superuser with NULLs and extremes (inside a transaction rolled back, for
# the functions that change the catalog).  Afterwards the cluster has not
# crashed, no link has stopped, no role has gained a right, and the regions
# still converge.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('sweep');
gt_create_region($node, 'us-east-1');
gt_create_region($node, 'eu-west-1');
gt_create_table($node, 'us-east-1', 'orders');
gt_add_replica($node, 'us-east-1', 'orders', 'eu-west-1');
gt_put($node, 'us-east-1', 'orders', 'before', 'v');
gt_wait($node, 'us-east-1');
my $started = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

my @privileges = qw(SELECT INSERT UPDATE DELETE TRUNCATE REFERENCES TRIGGER);
my @roles = ('login_only', map { 'priv_' . lc($_) } @privileges);
$node->safe_psql('postgres', join('', map { "CREATE ROLE $_ LOGIN;" } @roles));
foreach my $p (@privileges)
{
	$node->safe_psql($_, "GRANT $p ON orders TO priv_" . lc($p))
	  foreach ('us-east-1', 'eu-west-1');
}

# Arguments to try, by type: NULL always, then values of the type that are
# empty, wrong in shape, or extreme.
my %samples = (
	'text' => [ q{''}, q{'orders'}, q{repeat('x', 100000)}, q{E'\\\\'';--'} ],
	'jsonb' => [
		q{'{}'}, q{'[]'}, q{'null'}, q{'"s"'},
		q{'{"TableName": "orders", "Item": {"id": {"S": "sweep"}}}'},
		q{'{"TableName": "orders", "Key": {"id": {"N": "1e400"}}}'},
		q{('{"TableName": "orders", "Item": {"id": {"S": "deep"}, "d": ' || repeat('{"L": [', 200) || repeat(']}', 200) || '}}')::jsonb},
	],
	'bigint' => [ '0', '-1', '9223372036854775807', '-9223372036854775808' ],
	'boolean' => [ 'true', 'false' ],
	'interval' => [ q{'0'}, q{'-1 s'}, q{'1 ms'} ],
	'pg_lsn' => [ q{'0/0'}, q{'FFFFFFFF/FFFFFFFF'} ],
	'text[]' => [ q{'{}'}, q{'{NULL}'}, q{ARRAY[repeat('x', 10000)]} ],
	'regclass' => [ q{'orders'}, q{'pg_class'} ],
	'anyelement' => [],);

# The calls of one function: all NULL, then each argument in turn NULL or a
# sample while the others keep their first sample.
sub calls_of
{
	my ($name, @types) = @_;
	my @calls = ([ ('NULL') x @types ]);
	my @first = map { $samples{$_} && @{ $samples{$_} } ? $samples{$_}[0] : 'NULL' } @types;
	for my $i (0 .. $#types)
	{
		foreach my $v ('NULL', @{ $samples{ $types[$i] } || [] })
		{
			my @c = @first;
			$c[$i] = $v;
			push @calls, \@c;
		}
	}
	push @calls, [] unless @types;
	return map {
		my @c = @$_;
		"SELECT gt.$name("
		  . join(', ', map { "$c[$_]::$types[$_]" } 0 .. $#types) . ');'
	} @calls;
}

my @functions = split /\n/, $node->safe_psql('us-east-1', q{
	SELECT p.proname || ' ' || coalesce(string_agg(format_type(t, NULL), ' ' ORDER BY n), '')
	FROM pg_proc p LEFT JOIN LATERAL unnest(p.proargtypes) WITH ORDINALITY a(t, n) ON true
	WHERE p.pronamespace = 'gt'::regnamespace AND p.prorettype <> 'trigger'::regtype
	GROUP BY p.oid, p.proname ORDER BY p.proname});
# Functions that change nothing outside the transaction they run in: the
# superuser sweep tries every argument of these, and only NULLs elsewhere
# (update_table, delete_table and the like reach other regions over
# libpq, which no rollback undoes).
my %local_only = map { $_ => 1 } qw(_validate_item _validate_key _check_request
  _request_string _check_table_name _error_not_found _key_column_type
  _conninfo_quote _link_name hlc_to_timestamptz put_item get_item delete_item
  describe_table list_tables local_region _stamp_horizon _apply_sql _describe
  _check_region_name _shares_tables _peers region_conninfo _link_state
  _check_prerequisites collect_tombstones _publish_watermark _apply_version
  _collect_table create_table);
my (@script, @super);
foreach my $f (@functions)
{
	my ($name, @types) = split / /, $f;
	my @calls = calls_of($name, @types);
	push @script, @calls;
	push @super, map { "BEGIN; $_ ROLLBACK;" } ($local_only{$name} ? @calls : $calls[0]);
}
# What each role may try directly, too.
push @script,
  q{SELECT pg_logical_emit_message(false, 'gt.watermark', 'garbage');},
  q{INSERT INTO gt._watermark VALUES (true, 9223372036854775807);},
  q{INSERT INTO orders (id, item) VALUES ('w1', '{"id": {"S": "before"}}');},
  q{INSERT INTO orders (id, item, gt_deleting) VALUES ('w2', '{"id": {"S": "w2"}}', true);},
  q{UPDATE orders SET gt_update_time = 9223372036854775807;},
  q{DELETE FROM orders;},
  q{TRUNCATE orders;},
  q{CREATE TEMP TABLE t (id text PRIMARY KEY, item int, gt_update_time bigint, gt_update_region int, gt_deleting bool);},
  q{CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION gt._lww_trigger();},
  q{SELECT pg_try_advisory_lock(hashtext('pg_global_tables launcher'));};
my $script = join("\n", @script) . "\n";
note 'calls per role: ' . scalar(@script);

foreach my $role (@roles)
{
	foreach my $db ('us-east-1', 'eu-west-1')
	{
		my ($ret, $stdout, $stderr) = $node->psql($db, $script,
			extra_params => [ '-U', $role, '-v', 'ON_ERROR_STOP=0' ]);
		unlike($stderr, qr/server closed the connection|terminated abnormally/,
			"$role in $db: the server did not crash");
	}
}

# A superuser with NULLs and extremes, each call in a transaction that is
# rolled back.
my ($ret, $stdout, $stderr) = $node->psql('us-east-1', join("\n", @super) . "\n",
	extra_params => [ '-v', 'ON_ERROR_STOP=0' ]);
unlike($stderr, qr/server closed the connection|terminated abnormally/,
	'the superuser sweep did not crash the server');

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $started,
	'the server never restarted');
unlike(slurp_file($node->logfile), qr/was terminated by signal|PANIC/,
	'no process died');
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM pg_roles WHERE rolname IN ('} . join("', '", @roles) . q{')
	AND (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls)}),
	'0', 'no role gained an attribute');
foreach my $db ('us-east-1', 'eu-west-1')
{
	is($node->safe_psql($db, q{
		SELECT count(*) FROM information_schema.role_table_grants
		WHERE grantee IN ('} . join("', '", @roles) . q{') AND table_name <> 'orders'}),
		'0', "no role gained a privilege in $db");
}

#### Replication still works, both ways, and the regions agree
gt_put($node, 'us-east-1', 'orders', 'after-us', 'v');
gt_put($node, 'eu-west-1', 'orders', 'after-eu', 'v');
gt_wait($node, 'us-east-1');
gt_wait($node, 'eu-west-1');
foreach my $db ('us-east-1', 'eu-west-1')
{
	is($node->safe_psql($db, q{SELECT count(*) FROM gt.links WHERE last_error IS NOT NULL}),
		'0', "no link of $db has an error");
}
is(gt_items($node, 'eu-west-1', 'orders'), gt_items($node, 'us-east-1', 'orders'),
	'both regions hold the same items, metadata included');

$node->stop;
done_testing();
