# Copyright (c) 2026, pg_global_tables authors
#
# A database becomes a region only when that is safe.  A role with CREATEDB
# created a database named like a future region, with a schema "gt" of its
# own: update_table adopted it, CREATE EXTENSION installed into that schema,
# and its owner replaced gt.region_conninfo(), which link workers call as a
# superuser.  template1 was accepted as a region, and CREATE DATABASE then
# failed cluster-wide.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('adoption');
gt_create_region($node, 'us-east-1');
gt_create_table($node, 'us-east-1', 'orders');
$node->safe_psql('postgres', q{CREATE ROLE mallory LOGIN CREATEDB});

sub add_replica
{
	my ($region) = @_;
	my ($ret, $stdout, $stderr) = $node->psql('us-east-1', qq{
		SELECT gt.update_table('{"TableName": "orders",
			"ReplicaUpdates": [{"Create": {"RegionName": "$region"}}]}')});
	return $stderr;
}

sub replicas
{
	return $node->safe_psql('us-east-1',
		q{SELECT string_agg(region_name, ',' ORDER BY region_name) FROM gt.replica});
}

#### A database a role prepared, with its own schema gt
$node->safe_psql('postgres', q{CREATE DATABASE "eu-west-1"}, extra_params => [ '-U', 'mallory' ]);
$node->safe_psql('eu-west-1', q{
	CREATE SCHEMA gt;
	CREATE FUNCTION gt.region_conninfo(name text) RETURNS text LANGUAGE sql
		AS $$ SELECT 'dbname=stolen' $$;}, extra_params => [ '-U', 'mallory' ]);
like(add_replica('eu-west-1'),
	qr/database "eu-west-1" is owned by role "mallory", which is not a superuser|schema "gt" is owned by, or open to, a role that is not a superuser/,
	'update_table does not adopt a database an ordinary role owns');
is(replicas(), 'us-east-1', 'the table has no new replica');
is($node->safe_psql('eu-west-1', q{SELECT count(*) FROM pg_extension WHERE extname = 'pg_global_tables'}),
	'0', 'the extension was not installed there');

#### Even a superuser's CREATE EXTENSION refuses that schema
my ($ret, $stdout, $stderr) = $node->psql('eu-west-1', q{CREATE EXTENSION pg_global_tables});
like($stderr, qr/schema "gt" is owned by, or open to, a role that is not a superuser/,
	'CREATE EXTENSION refuses a schema gt an ordinary role owns');
$node->safe_psql('eu-west-1', q{
	ALTER SCHEMA gt OWNER TO postgres;
	GRANT CREATE ON SCHEMA gt TO mallory;});
($ret, $stdout, $stderr) = $node->psql('eu-west-1', q{CREATE EXTENSION pg_global_tables});
like($stderr, qr/schema "gt" is owned by, or open to, a role that is not a superuser/,
	'and one an ordinary role may create objects in');

#### Without a schema gt, the owner still decides what the workers meet
$node->safe_psql('postgres', q{CREATE DATABASE "eu-west-2"}, extra_params => [ '-U', 'mallory' ]);
like(add_replica('eu-west-2'),
	qr/database "eu-west-2" is owned by role "mallory", which is not a superuser/,
	'a database an ordinary role owns is not adopted');
# A superuser may adopt it by naming it himself.
$node->safe_psql('eu-west-2',
	q{CREATE EXTENSION pg_global_tables; SELECT gt.init_region('eu-west-2')});
unlike(add_replica('eu-west-2'), qr/ERROR/, 'once a superuser named it, it takes a replica');
is(replicas(), 'eu-west-2,us-east-1', 'the table has the new replica');
gt_put($node, 'us-east-1', 'orders', 'k', 'v');
gt_wait($node, 'us-east-1');
is(gt_get($node, 'eu-west-2', 'orders', 'k'), 'v', 'and it replicates');

#### Maintenance and template databases are not regions
like(add_replica('template1'), qr/region name "template1" is reserved/,
	'template1 cannot take a replica');
like(add_replica('postgres'), qr/region name "postgres" is reserved/,
	'nor postgres');
$node->safe_psql('template1', q{CREATE EXTENSION pg_global_tables});
($ret, $stdout, $stderr) = $node->psql('template1', q{SELECT gt.init_region('templ')});
like($stderr, qr/template database "template1" cannot be a region/,
	'a template database cannot be named a region');
$node->safe_psql('template1', q{DROP EXTENSION pg_global_tables});
$node->safe_psql('postgres', q{CREATE DATABASE after_all});
pass('CREATE DATABASE still works');

#### A registered password is not shown when connecting fails
$node->safe_psql('us-east-1', q{
	SELECT gt.register_region('ap-east-1', 'host=127.0.0.1 port=1 dbname=x password=s3cret-pw')});
my $offset = -s $node->logfile;
my $error = add_replica('ap-east-1');
like($error, qr/could not connect to region "ap-east-1"/, 'an unreachable region is an error');
like($error, qr/password=\*{8}/, 'its detail shows the connection string with the password masked');
unlike($error . substr(slurp_file($node->logfile), $offset), qr/s3cret-pw/,
	'the password is neither in the error nor in the server log');

$node->stop;
done_testing();
