# Copyright (c) 2026, pg_global_tables authors
#
# Versions from other regions are written as the replica table's owner, as
# a security-restricted operation: a trigger its owner enabled for replicas
# (ENABLE ALWAYS) ran as the link worker's bootstrap superuser, and could
# read or do anything.  Now it runs with the owner's rights.  And a row lock
# an idle transaction holds no longer stops a link without a trace: the
# worker gives up after gt.link_lock_timeout, says why, and retries.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use GtTest;

my $node = gt_new_node('owner');
$node->append_conf('postgresql.conf', "gt.link_lock_timeout = 300\n");
$node->reload;
gt_create_region($node, 'us-east-1');
gt_create_region($node, 'eu-west-1');
gt_create_table($node, 'us-east-1', 'orders');
gt_add_replica($node, 'us-east-1', 'orders', 'eu-west-1');

# A DBA hands eu-west-1's replica to alice, who audits every write to it.
$node->safe_psql('eu-west-1', q{
	CREATE ROLE alice;
	ALTER TABLE orders OWNER TO alice;
	CREATE TABLE audit (who text, superuser boolean);
	ALTER TABLE audit OWNER TO alice;
	CREATE FUNCTION audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		INSERT INTO public.audit
			SELECT current_user, rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user;
		RETURN NULL;
	END
	$$;
	ALTER FUNCTION audit_write() OWNER TO alice;
	CREATE TRIGGER audit_write AFTER INSERT OR UPDATE ON orders
		FOR EACH ROW EXECUTE FUNCTION audit_write();
	ALTER TABLE orders ENABLE ALWAYS TRIGGER audit_write;
});

gt_put($node, 'us-east-1', 'orders', 'k1', 'one');
gt_put($node, 'us-east-1', 'orders', 'k1', 'two');
gt_wait($node, 'us-east-1');
is(gt_get($node, 'eu-west-1', 'orders', 'k1'), 'two', 'the versions were applied');
is($node->safe_psql('eu-west-1', q{SELECT string_agg(who || ':' || superuser, ',') FROM audit}),
	'alice:false,alice:false',
	"the owner's trigger ran as the owner, in the link worker, for each version");

# The restriction holds too: a trigger cannot change the session's role.
$node->safe_psql('eu-west-1', q{
	CREATE OR REPLACE FUNCTION audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		SET ROLE postgres;
		RETURN NULL;
	END
	$$;
});
my $offset = -s $node->logfile;
gt_put($node, 'us-east-1', 'orders', 'k2', 'one');
ok($node->wait_for_log(qr/cannot set parameter "role" within security-(?:restricted operation|definer function)/, $offset),
	'a trigger cannot SET ROLE in the link worker');
$node->safe_psql('eu-west-1', q{ALTER TABLE orders DISABLE TRIGGER audit_write});
gt_wait($node, 'us-east-1');
is(gt_get($node, 'eu-west-1', 'orders', 'k2'), 'one', 'the link resumes once the trigger is gone');

#### A deferred trigger: it fired at the link worker's commit, as the worker's
#### bootstrap superuser; it now fires as the owner, when its version is written
$node->safe_psql('eu-west-1', q{
	TRUNCATE audit;
	CREATE FUNCTION audit_deferred() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		INSERT INTO public.audit
			SELECT 'deferred ' || current_user, rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user;
		RETURN NULL;
	END
	$$;
	ALTER FUNCTION audit_deferred() OWNER TO alice;
	CREATE CONSTRAINT TRIGGER audit_deferred AFTER INSERT OR UPDATE ON orders
		DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_deferred();
	ALTER TABLE orders ENABLE ALWAYS TRIGGER audit_deferred;
});
gt_put($node, 'us-east-1', 'orders', 'k3', 'one');
gt_put($node, 'us-east-1', 'orders', 'k3', 'two');
gt_wait($node, 'us-east-1');
is(gt_get($node, 'eu-west-1', 'orders', 'k3'), 'two', 'the versions were applied');
is($node->safe_psql('eu-west-1', q{SELECT string_agg(who || ':' || superuser, ',') FROM audit}),
	'deferred alice:false,deferred alice:false',
	"the owner's deferred trigger ran as the owner, in the link worker, for each version");
$node->safe_psql('eu-west-1', q{DROP TRIGGER audit_deferred ON orders});

#### A row lock held by an idle transaction
my $holder = $node->background_psql('eu-west-1');
$holder->query_safe('BEGIN');
$holder->query_safe(q{SELECT 1 FROM orders WHERE id = 'k2' FOR UPDATE});
gt_put($node, 'us-east-1', 'orders', 'k2', 'two');
ok($node->poll_query_until('eu-west-1', q{
	SELECT last_error LIKE '%lock timeout%' FROM gt.links WHERE peer = 'us-east-1'}),
	'the link reports that it waited too long for a lock');
$holder->query_safe('COMMIT');
$holder->quit;
gt_wait($node, 'us-east-1');
is(gt_get($node, 'eu-west-1', 'orders', 'k2'), 'two', 'and applies once the lock is gone');

$node->stop;
done_testing();
