# Copyright (c) 2026, pg_global_tables authors
#
# A poison change: one replica has a local constraint (a CHECK constraint
# added to that replica table only) that an incoming version violates.  The
# link that carries it stops, with an error in the server log naming the
# peer region, the table and the remote transaction; every other link keeps
# flowing, and gt.links shows the error.  The two ways out of
# doc/operations.md: fix it (drop or relax the constraint: the link resumes by
# itself and applies the version), or skip the transaction with
# gt.skip_transaction().
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('poison');
my @regions = ('p-a', 'p-b', 'p-c');
gt_create_region($node, 'p-a');
gt_create_table($node, 'p-a', 'orders');
gt_add_replica($node, 'p-a', 'orders', $_) foreach @regions[ 1, 2 ];
$node->safe_psql('p-b', q{ALTER TABLE orders ADD CONSTRAINT no_poison
	CHECK (item->'v'->>'S' IS DISTINCT FROM 'poison')});

sub flows
{
	my ($from, $to, $key) = @_;
	gt_put($node, $from, 'orders', $key, $key);
	return $node->poll_query_until($to,
		qq{SELECT count(*) = 1 FROM orders WHERE id = '$key'});
}

#### The poison stops the link p-a -> p-b, and only that link
my $log_offset = -s $node->logfile;
gt_put($node, 'p-a', 'orders', 'k-poison', 'poison');
gt_put($node, 'p-a', 'orders', 'k-after', 'after');
$node->wait_for_log(qr/ERROR:  new row for relation "orders" violates check constraint "no_poison"/,
	$log_offset);
my $log = slurp_file($node->logfile, $log_offset);
like($log, qr/violates check constraint "no_poison"\n(?:.*\n)*?.*CONTEXT:  processing remote data for region "p-a" during "\w+" for table "orders" in transaction \d+, finished at [0-9A-F]+\/[0-9A-F]+/,
	'the server log names the constraint, the peer region, the table and the remote transaction');
ok(flows('p-a', 'p-c', 'a-to-c'), 'p-a -> p-c keeps flowing');
ok(flows('p-c', 'p-b', 'c-to-b'), 'p-c -> p-b keeps flowing');
ok(flows('p-b', 'p-a', 'b-to-a'), 'p-b -> p-a keeps flowing');
ok(flows('p-c', 'p-a', 'c-to-a'), 'p-c -> p-a keeps flowing');
ok(flows('p-b', 'p-c', 'b-to-c'), 'p-b -> p-c keeps flowing');
is($node->safe_psql('p-b', q{SELECT count(*) FROM orders WHERE id IN ('k-poison', 'k-after')}),
	'0', 'p-b has neither the poison nor what p-a wrote after it');
is($node->safe_psql('p-a', q{SELECT gt.wait_for_replication('1 s')}), 'f',
	'wait_for_replication in p-a reports the stuck link');

#### gt.links tells the operator which link is stuck, and why
ok($node->poll_query_until('p-b',
		q{SELECT last_error ~ 'violates check constraint "no_poison"' FROM gt.links WHERE peer = 'p-a'}),
	'gt.links shows the error of the stuck link');
is($node->safe_psql('p-b', q{SELECT count(*) FROM gt.links WHERE last_error IS NOT NULL}),
	'1', 'and no error on the other link');
my ($finished) = $log =~ /processing remote data for region "p-a" .* finished at ([0-9A-F]+\/[0-9A-F]+)/;
is($node->safe_psql('p-b', q{SELECT last_error_finish_lsn FROM gt.links WHERE peer = 'p-a'}),
	$finished, 'gt.links gives the LSN the poison transaction finished at, as the log does');

#### Fix: relax the constraint, and the link resumes by itself
$node->safe_psql('p-b', q{ALTER TABLE orders DROP CONSTRAINT no_poison});
gt_wait($node, $_) foreach @regions;
is(gt_get($node, 'p-b', 'orders', 'k-poison'), 'poison', 'after the fix, the version is applied');
is(gt_get($node, 'p-b', 'orders', 'k-after'), 'after', 'and what followed it');
is(gt_items($node, $_, 'orders'), gt_items($node, 'p-a', 'orders'), "$_ identical to p-a")
  foreach @regions[ 1, 2 ];
is($node->safe_psql('p-b', q{SELECT count(*) FROM gt.links WHERE last_error IS NOT NULL}),
	'0', 'the error is gone from gt.links once the link applies again');

#### Skip: gt.skip_transaction() with the LSN gt.links gives
$node->safe_psql('p-b', q{ALTER TABLE orders ADD CONSTRAINT no_poison2
	CHECK (item->'v'->>'S' IS DISTINCT FROM 'poison2')});
gt_put($node, 'p-a', 'orders', 'k-poison2', 'poison2');
ok($node->poll_query_until('p-b',
		q{SELECT last_error ~ 'no_poison2' FROM gt.links WHERE peer = 'p-a'}),
	'the second poison stops the link');
$log_offset = -s $node->logfile;
$node->safe_psql('p-b', q{
	SELECT gt.skip_transaction('p-a', last_error_finish_lsn) FROM gt.links WHERE peer = 'p-a'});
$node->wait_for_log(qr/skipping transaction \d+ of region "p-a", finished at/, $log_offset);
gt_put($node, 'p-a', 'orders', 'k-after2', 'after2');
gt_wait($node, 'p-a');
is(gt_get($node, 'p-b', 'orders', 'k-poison2'), '', 'the skipped transaction is not applied in p-b');
is(gt_get($node, 'p-b', 'orders', 'k-after2'), 'after2', 'the link resumed after it');
is(gt_get($node, 'p-c', 'orders', 'k-poison2'), 'poison2', 'the other replicas have it');
is($node->safe_psql('p-b', q{SELECT count(*) FROM gt.link_skip}), '0',
	'the skip request is consumed');
$node->restart;
gt_put($node, 'p-a', 'orders', 'k-after-restart', 'r');
gt_wait($node, 'p-a');
is(gt_get($node, 'p-b', 'orders', 'k-poison2'), '',
	'the skip is durable: a restart does not apply the skipped transaction');
my ($rc, $out, $err) = $node->psql('p-b', q{SELECT gt.skip_transaction('p-zz', '0/1')});
like($err, qr/region "p-zz" is not a peer of region "p-b"/, 'skipping for a region that is not a peer is refused');

$node->stop;
done_testing();
