# Copyright (c) 2026, pg_global_tables authors
#
# Regression test: a link worker that waits for a lock on the replica table
# while the lock holder commits catalog changes must survive.  Acquiring the
# lock accepts relcache invalidations in the middle of executing the cached
# apply statement; the worker's invalidation callback used to free that very
# statement, and the worker crashed with a segmentation fault (taking the
# whole server through crash recovery).  The crash needs the freed memory to
# be reused, which a build without CLOBBER_FREED_MEMORY does only sometimes
# (it did after a backlog of 50,000 transactions); this test replays the
# sequence that leads to it, and fails on an assert-enabled build.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('lockwait');
gt_create_region($node, 'af-south-1');
gt_create_table($node, 'af-south-1', 'regress_lockwait');
gt_add_replica($node, 'af-south-1', 'regress_lockwait', 'me-south-1');

# The apply statement is prepared and cached by a first version.
gt_put($node, 'af-south-1', 'regress_lockwait', 'first', '1');
gt_wait($node, 'af-south-1');

#### Hold the replica table while a version arrives, then change its catalog
my $holder = $node->background_psql('me-south-1');
$holder->query_safe('BEGIN');
$holder->query_safe('LOCK TABLE regress_lockwait IN ACCESS EXCLUSIVE MODE');
gt_put($node, 'af-south-1', 'regress_lockwait', 'second', '2');
$node->poll_query_until('me-south-1', q{
	SELECT count(*) > 0 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
	WHERE a.backend_type = 'gt link worker' AND NOT l.granted})
  or die 'the link worker never waited for the lock';
$holder->query_safe(q{COMMENT ON TABLE regress_lockwait IS 'changed while a link worker waits'});
# Enough catalog changes elsewhere that the waiting worker falls behind the
# invalidation queue and must reset its caches, reusing the freed memory.
# One transaction each, so that no transaction holds thousands of locks.
$node->safe_psql('af-south-1',
	join('', map { "CREATE TABLE regress_churn_$_ (a int); DROP TABLE regress_churn_$_;\n" } 1 .. 1500));
$holder->query_safe('CREATE TABLE regress_other (a int)');
$holder->query_safe('COMMIT');
$holder->quit;

gt_wait($node, 'af-south-1');
is(gt_get($node, 'me-south-1', 'regress_lockwait', 'second'), '2',
	'the version that waited for the lock is applied');
ok(!$node->log_contains(qr/terminated by signal/),
	'no process crashed');
gt_put($node, 'af-south-1', 'regress_lockwait', 'third', '3');
gt_wait($node, 'af-south-1');
is(gt_get($node, 'me-south-1', 'regress_lockwait', 'third'), '3',
	'the link keeps applying afterwards');

$node->stop;
done_testing();
