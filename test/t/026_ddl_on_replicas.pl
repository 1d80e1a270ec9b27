# Copyright (c) 2026, pg_global_tables authors
#
# Schema changes on one replica never cost a write nor stop replication
# (issue 13, cases 4, 5, 7 and 8), with two regions and two tables:
#  - a column added with a default (NOT NULL DEFAULT now()) is filled with
#    its default in rows that versions from other regions create (the link
#    into the region stopped on "null value in column"), and a local column
#    set by SQL is kept by later versions of the item;
#  - DROP TABLE of a replica, and DDL that changes what replication reads
#    (a metadata column's type, the primary key), are refused, and the
#    other table keeps replicating (clients write to it throughout, and the
#    convergence checker compares its replicas with what they were told);
#  - a replica table dropped behind the guard's back (a superuser disabling
#    it) no longer stops the link for every other table: its versions are
#    skipped with a warning, and the global table can still be deleted;
#  - DROP EXTENSION is refused while the region shares tables with others.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;
use GtFault;

my $node = gt_new_node('ddl');
# No tombstone collection: each region would collect on its own schedule,
# and the convergence checker compares tombstones too.
$node->append_conf('postgresql.conf', "gt.tombstone_collect_interval = 0\n");
$node->reload;
gt_create_region($node, 'us-east-1');
gt_create_region($node, 'eu-west-1');
foreach my $t ('orders', 'other')
{
	gt_create_table($node, 'us-east-1', $t);
	gt_add_replica($node, 'us-east-1', $t, 'eu-west-1');
}

# Clients write to the other table in both regions through all the DDL
# below, and the convergence checker then compares its replicas with what
# they were told.
my @regions = ({ node => $node, name => 'us-east-1' }, { node => $node, name => 'eu-west-1' });
my $stop_file = "$PostgreSQL::Test::Utils::tmp_check/ddl.stop";
unlink $stop_file;
my $clients = gtf_start_clients(\@regions, 1,
	table => 'other', keys => 30, ops => 50, seed => 26,
	pause => 0.02, stop_file => $stop_file);

#### Columns of one replica's own: defaults on insert, kept on update
$node->safe_psql('eu-west-1', q{
	ALTER TABLE orders ADD COLUMN created timestamptz NOT NULL DEFAULT now();
	ALTER TABLE orders ADD COLUMN serial bigserial;
	ALTER TABLE orders ADD COLUMN note text;
});
gt_put($node, 'us-east-1', 'orders', 'k1', 'one');
gt_put($node, 'us-east-1', 'orders', 'k2', 'one');
gt_wait($node, 'us-east-1');
is(gt_get($node, 'eu-west-1', 'orders', 'k2'), 'one',
	'versions from another region create rows in a table with a NOT NULL default');
is($node->safe_psql('eu-west-1',
		q{SELECT string_agg(format('%s:%s:%s', id, created IS NOT NULL, serial), ',' ORDER BY id) FROM orders}),
	'k1:t:1,k2:t:2', 'new rows take the defaults, evaluated per row');
$node->safe_psql('eu-west-1', q{UPDATE orders SET note = 'local' WHERE id = 'k1'});
gt_put($node, 'us-east-1', 'orders', 'k1', 'two');
gt_wait($node, 'us-east-1');
is($node->safe_psql('eu-west-1', q{SELECT item->'v'->>'S' || ':' || note FROM orders WHERE id = 'k1'}),
	'two:local', 'a later version of the item keeps the local column');

#### DDL replication could not live with is refused
my ($rc, $out, $err) = $node->psql('eu-west-1', q{DROP TABLE orders});
like($err, qr/cannot drop the replica of global table "orders" in region "eu-west-1"/,
	'DROP TABLE of a replica is refused');
($rc, $out, $err) = $node->psql('eu-west-1', q{DROP SCHEMA public CASCADE});
like($err, qr/cannot drop the replica of global table/, 'so is dropping it with its schema');
($rc, $out, $err) = $node->psql('eu-west-1',
	q{ALTER TABLE orders ALTER COLUMN gt_update_region DROP DEFAULT, ALTER COLUMN gt_update_region TYPE int USING 0});
like($err, qr/column "gt_update_region" of replica table "public.orders" does not have the type replication reads it as/,
	'changing the type of a metadata column is refused');
($rc, $out, $err) = $node->psql('eu-west-1', q{ALTER TABLE orders DROP CONSTRAINT orders_pkey});
like($err, qr/must have its primary key on its key columns/, 'dropping the primary key is refused');
gt_put($node, 'us-east-1', 'orders', 'k3', 'one');
gt_wait($node, 'us-east-1');
is(gt_get($node, 'eu-west-1', 'orders', 'k3'), 'one', 'the table keeps replicating');
ok(!$node->log_contains(qr/terminated by signal/), 'no process crashed');

#### A replica table dropped behind the guard's back
$node->safe_psql('eu-west-1', q{
	ALTER EVENT TRIGGER gt_drop_guard DISABLE;
	DROP TABLE orders;
	ALTER EVENT TRIGGER gt_drop_guard ENABLE ALWAYS;
});
my $offset = -s $node->logfile;
gt_put($node, 'us-east-1', 'orders', 'k4', 'one');
gt_wait($node, 'us-east-1');
ok($node->log_contains(
		qr/WARNING:  skipping a version of global table "orders" from region "us-east-1": its replica table in this region was dropped/,
		$offset),
	'a version of the dropped replica is skipped, with a warning');
# (The clients' check below shows that the other table kept replicating.)
is($node->safe_psql('eu-west-1', q{SELECT count(*) FROM gt.links WHERE last_error IS NOT NULL}),
	'0', 'no link reports an error');
is($node->safe_psql('eu-west-1', q{SELECT gt.describe_table('orders')->'Table'->'ItemCount'}),
	'0', 'the dangling global table can be described');
$node->safe_psql('eu-west-1', q{SELECT gt.delete_table('orders')});
is($node->safe_psql('us-east-1', q{SELECT gt.describe_table('orders')->'Table'->'Replicas'}),
	'', 'and deleted: us-east-1 no longer lists eu-west-1 as a replica');

# DROP EXTENSION while the region shares tables (case 5), refused while the
# clients write: it was allowed, and the peers' slots for the region were
# never read again and kept WAL without bound.
($rc, $out, $err) = $node->psql('eu-west-1', q{DROP EXTENSION pg_global_tables CASCADE});
like($err, qr/cannot drop extension pg_global_tables while region "eu-west-1" shares tables with 1 other regions/,
	'DROP EXTENSION is refused while the region has peers');

gtf_check_clean(\@regions, 'other', gtf_stop_clients($clients, $stop_file, \@regions), 'ddl');

#### After DROP EXTENSION was refused (above)
gt_put($node, 'us-east-1', 'other', 'o3', 'one');
gt_wait($node, 'us-east-1');
is(gt_get($node, 'eu-west-1', 'other', 'o3'), 'one', 'and the region keeps replicating');
# Leaving first, as the hint says, makes it possible, and the peer lets go.
$node->safe_psql('eu-west-1', q{SELECT gt.delete_table('other')});
$node->safe_psql('eu-west-1', q{DROP EXTENSION pg_global_tables CASCADE});
ok($node->poll_query_until('us-east-1', q{
		SELECT count(*) = 0 FROM pg_replication_slots WHERE slot_name LIKE '%eu\_west\_1%'}),
	'once the region left its tables, the extension drops, and no slot is kept for it');

$node->stop;
done_testing();
