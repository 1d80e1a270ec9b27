# Copyright (c) 2026, pg_global_tables authors
#
# A link worker applies a backlog of the peer's transactions in batches, one
# local transaction for many remote ones (src/replication/gt_link.c, NOTES "Batches").
# This test makes a backlog by holding the replica table locked in the
# receiving region while the source commits single-row transactions, then:
#
#  - with the default gt.apply_batch_size, the backlog arrives whole, in far
#    fewer local transactions than remote ones (rows applied together share
#    their xmin), and later versions of a key written in the same batch win;
#  - with gt.apply_batch_size = 1, one local transaction per remote one (so
#    the first check can fail);
#  - an error while committing a batch, which no single remote transaction
#    can be blamed for (a deferred constraint trigger that rejects one item):
#    the next worker applies that stretch one transaction at a time, the
#    error then names the transaction, gt.skip_transaction() skips exactly
#    it, and the transactions around it in the batch are applied.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('batches');

# Sets a parameter in the configuration file and makes sure the link worker
# of bt-dst (if there is one yet) runs with it: it is restarted, and reads
# the file when it starts.
sub set_for_link_worker
{
	my ($name, $value) = @_;
	$node->append_conf('postgresql.conf', "$name = $value\n");
	$node->reload;
	$node->poll_query_until('postgres', qq{SELECT current_setting('$name') = '$value'})
	  or die "the server did not take $name = $value";
	return if $node->safe_psql('postgres', q{SELECT count(*) FROM pg_database WHERE datname = 'bt-dst'}) eq '0';
	my $old = $node->safe_psql('bt-dst', q{
		SELECT pid FROM pg_stat_activity
		WHERE backend_type = 'gt link worker' AND datname = current_database()});
	$node->safe_psql('bt-dst', qq{SELECT pg_terminate_backend($old)});
	$node->poll_query_until('bt-dst', qq{
		SELECT count(*) = 1 FROM pg_stat_activity
		WHERE backend_type = 'gt link worker' AND datname = current_database()
		  AND pid <> $old})
	  or die 'the link worker did not come back';
	return;
}
# Batches here are bounded by count only, so that how many local transactions
# a backlog takes does not depend on the machine's speed.
set_for_link_worker('gt.apply_batch_max_time', '0');
gt_create_region($node, 'bt-src');
gt_create_table($node, 'bt-src', 'orders');
gt_add_replica($node, 'bt-src', 'orders', 'bt-dst');

# Commits $n single-row transactions in bt-src while the replica in bt-dst is
# locked, so that they queue up; $make->($i) gives the i-th statement.
sub backlog
{
	my ($n, $make) = @_;
	my $holder = $node->background_psql('bt-dst');
	$holder->query_safe('BEGIN');
	$holder->query_safe('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
	$node->safe_psql('bt-src', join('', map { $make->($_) . ";\n" } 1 .. $n));
	$node->poll_query_until('bt-dst', q{
		SELECT count(*) > 0 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
		WHERE a.backend_type = 'gt link worker' AND NOT l.granted})
	  or die 'the link worker never waited for the lock';
	$holder->query_safe('COMMIT');
	$holder->quit;
	return;
}

sub put_sql
{
	my ($id, $v) = @_;
	return qq{SELECT gt.put_item('orders', '{"id": {"S": "$id"}, "v": {"S": "$v"}}')};
}

# Local transactions that wrote the rows whose id starts with $prefix.
sub local_txns
{
	my ($prefix) = @_;
	return $node->safe_psql('bt-dst',
		qq{SELECT count(DISTINCT xmin::text) FROM orders WHERE id LIKE '$prefix%'});
}

# A trigger of the replica that fires for applied rows, as a SECURITY
# DEFINER function with its own settings: the executor caches such a
# function's settings with the trigger, which now lives as long as the batch
# (it once crashed the worker at the second version).
$node->safe_psql('bt-dst', q{
	CREATE TABLE public.written (id text, v text);
	CREATE FUNCTION public.log_written() RETURNS trigger LANGUAGE plpgsql
		SECURITY DEFINER SET search_path = public, pg_catalog AS $$
	BEGIN
		INSERT INTO written VALUES (NEW.id, NEW.item->'v'->>'S');
		RETURN NULL;
	END $$;
	CREATE TRIGGER log_written AFTER INSERT OR UPDATE ON public.orders
		FOR EACH ROW EXECUTE FUNCTION public.log_written();
	ALTER TABLE public.orders ENABLE ALWAYS TRIGGER log_written;});

#### A backlog of 300 transactions is applied in batches
backlog(300, sub { my $i = shift; put_sql("a-$i", "v$i") . ";\n" . put_sql('a-same', "v$i") });
gt_wait($node, 'bt-src');
is($node->safe_psql('bt-dst', q{SELECT count(*) FROM orders WHERE id LIKE 'a-%'}),
	'301', 'every item of the backlog arrived');
is(gt_items($node, 'bt-dst', 'orders'), gt_items($node, 'bt-src', 'orders'),
	'the replica is identical to the source, metadata included');
is(gt_get($node, 'bt-dst', 'orders', 'a-same'), 'v300',
	'the last of 300 versions of one key, each in its own remote transaction, wins');
my $batched = local_txns('a-');
cmp_ok($batched, '<=', 30, "the 600 remote transactions were applied in few local ones ($batched)");
is($node->safe_psql('bt-dst', q{SELECT count(*) FROM written WHERE id LIKE 'a-%'}),
	'600', 'the replica\'s trigger fired once for each of the 600 versions');
ok(!$node->log_contains(qr/terminated by signal/), 'no process crashed');

#### gt.apply_batch_size = 1: one local transaction per remote one
set_for_link_worker('gt.apply_batch_size', '1');
backlog(50, sub { put_sql("b-$_[0]", "v$_[0]") });
gt_wait($node, 'bt-src');
is(local_txns('b-'), '50', 'with gt.apply_batch_size = 1, each remote transaction is committed alone');
set_for_link_worker('gt.apply_batch_size', '256');

#### An error while committing a batch
$node->safe_psql('bt-dst', q{
	CREATE FUNCTION public.reject_poison() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		IF NEW.item->'v'->>'S' = 'poison' THEN
			RAISE EXCEPTION 'poison item "%" rejected at commit', NEW.id;
		END IF;
		RETURN NULL;
	END $$;
	CREATE CONSTRAINT TRIGGER reject_poison AFTER INSERT OR UPDATE ON public.orders
		DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.reject_poison();
	ALTER TABLE public.orders ENABLE ALWAYS TRIGGER reject_poison;});
my $log_offset = -s $node->logfile;
backlog(5, sub { put_sql("c-$_[0]", $_[0] == 3 ? 'poison' : "v$_[0]") });
$node->wait_for_log(qr/\tprocessing remote data for region "bt-src" during "COMMIT" of \d+ transactions, the last finished at/,
	$log_offset);
pass('a failed batch commit is reported as a batch, without blaming one transaction');
ok($node->poll_query_until('bt-dst', q{
		SELECT last_error ~ 'poison item "c-3" rejected' AND last_error_finish_lsn IS NOT NULL
		FROM gt.links WHERE peer = 'bt-src'}),
	'applied one by one, the error names the remote transaction');
is($node->safe_psql('bt-dst', q{SELECT string_agg(id, ',' ORDER BY id) FROM orders WHERE id LIKE 'c-%'}),
	'c-1,c-2', 'the transactions before it are applied');
$node->safe_psql('bt-dst', q{
	SELECT gt.skip_transaction('bt-src', last_error_finish_lsn) FROM gt.links WHERE peer = 'bt-src'});
gt_wait($node, 'bt-src');
is($node->safe_psql('bt-dst', q{SELECT string_agg(id, ',' ORDER BY id) FROM orders WHERE id LIKE 'c-%'}),
	'c-1,c-2,c-4,c-5', 'after the skip, exactly the poison transaction is missing');
is($node->safe_psql('bt-dst', q{SELECT count(*) FROM gt.links WHERE last_error IS NOT NULL}),
	'0', 'and the link works again');

#### Batching resumes after the stretch it had to apply alone
$node->safe_psql('bt-dst', q{DROP TRIGGER reject_poison ON public.orders});
backlog(100, sub { put_sql("d-$_[0]", "v$_[0]") });
gt_wait($node, 'bt-src');
cmp_ok(local_txns('d-'), '<', 20, 'a later backlog is batched again');

$node->stop;
done_testing();
