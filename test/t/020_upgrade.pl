# Copyright (c) 2026, pg_global_tables authors

# Upgrade scripts: ALTER EXTENSION pg_global_tables UPDATE from every
# released version (its install script frozen in src/sql/released/) must
# give exactly the objects of a fresh install of the current version, as
# pg_stat_statements' oldextversions test and citus' print_extension_changes
# check theirs.  The objects are compared as a listing of every member of
# the extension with its definition, privileges and comment; the first
# section checks that the listing sees each kind of difference an upgrade
# script can get wrong.
#
# Releasing version X: copy the generated pg_global_tables--X.sql to
# src/sql/released/, raise EXTVERSION in the Makefile, and write
# src/sql/pg_global_tables--X--NEW.sql with every change the topic files
# of src/sql/ then make.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

use GtTest;

# Every member object of the extension, each starting a line with "== ",
# with what defines it.
# Nothing that differs between two equal installs is printed: no OIDs, no
# names of implicit objects, columns in their order.
my $objects_sql = q{
WITH ext AS (SELECT e.oid, e.extconfig, e.extcondition FROM pg_extension e
             WHERE e.extname = 'pg_global_tables'),
members AS (
    SELECT d.classid, d.objid, d.objsubid FROM pg_depend d, ext
    WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid
      AND d.deptype = 'e')
SELECT string_agg(line, E'\n' ORDER BY line) FROM (
    SELECT '== ' || pg_describe_object(m.classid, m.objid, m.objsubid)
        || coalesce(' | ' || CASE m.classid
            WHEN 'pg_proc'::regclass THEN
                (SELECT pg_get_functiondef(p.oid) || ' acl=' || coalesce(p.proacl::text, '-')
                 FROM pg_proc p WHERE p.oid = m.objid)
            WHEN 'pg_class'::regclass THEN
                (SELECT c.relkind::text || ' acl=' || coalesce(c.relacl::text, '-')
                     || ' options=' || coalesce(c.reloptions::text, '-')
                     || ' columns=' || coalesce((SELECT string_agg(a.attname || ' '
                            || format_type(a.atttypid, a.atttypmod)
                            || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                            || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
                            || coalesce(' acl=' || a.attacl::text, '')
                            || coalesce(' comment=' || col_description(c.oid, a.attnum), ''),
                            ', ' ORDER BY a.attnum)
                        FROM pg_attribute a
                        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '-')
                     || ' constraints=' || coalesce((SELECT string_agg(co.conname || ' '
                            || pg_get_constraintdef(co.oid), '; ' ORDER BY co.conname)
                        FROM pg_constraint co WHERE co.conrelid = c.oid), '-')
                     || ' indexes=' || coalesce((SELECT string_agg(pg_get_indexdef(i.indexrelid), '; '
                            ORDER BY pg_get_indexdef(i.indexrelid))
                        FROM pg_index i WHERE i.indrelid = c.oid), '-')
                     || ' triggers=' || coalesce((SELECT string_agg(pg_get_triggerdef(t.oid)
                            || ' enabled=' || t.tgenabled::text, '; ' ORDER BY t.tgname)
                        FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), '-')
                     || CASE WHEN c.relkind = 'v' THEN ' view=' || pg_get_viewdef(c.oid) ELSE '' END
                 FROM pg_class c WHERE c.oid = m.objid)
            WHEN 'pg_namespace'::regclass THEN
                (SELECT 'acl=' || coalesce(n.nspacl::text, '-') FROM pg_namespace n
                 WHERE n.oid = m.objid)
            WHEN 'pg_event_trigger'::regclass THEN
                (SELECT e.evtevent || ' ' || e.evtfoid::regproc::text || ' enabled=' || e.evtenabled::text
                     || ' tags=' || coalesce(e.evttags::text, '-')
                 FROM pg_event_trigger e WHERE e.oid = m.objid)
            END, '')
        || ' | comment=' || coalesce(obj_description(m.objid, m.classid::regclass::name), '-')
        AS line
    FROM members m
    UNION ALL
    SELECT '== configuration tables ' || coalesce(extconfig::regclass[]::text, '-')
        || ' conditions ' || coalesce(extcondition::text, '-') FROM ext
) s
};

my $node = gt_new_node('upgrade');

# The listing of a database in which the extension was just installed, at
# $version or by default at the current one.
my $databases = 0;
sub install
{
	my ($version) = @_;
	my $db = 'regress_upgrade_' . ++$databases;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, 'CREATE EXTENSION pg_global_tables'
		  . (defined $version ? " VERSION '$version'" : ''));
	return $db;
}

sub objects
{
	my ($db) = @_;
	return $node->safe_psql($db, $objects_sql);
}

# What differs between two listings: each object that is in one and not the
# other as it is, with "-" for the first and "+" for the second.
sub difference
{
	my ($a, $b) = @_;
	my @a = split /\n(?=== )/, $a;
	my @b = split /\n(?=== )/, $b;
	my %in_a = map { $_ => 1 } @a;
	my %in_b = map { $_ => 1 } @b;
	return join("\n",
		(map { "- $_" } grep { !$in_b{$_} } @a),
		(map { "+ $_" } grep { !$in_a{$_} } @b));
}

my $fresh = objects(install());
my $default_version = $node->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'pg_global_tables'});
like($fresh, qr/^== function gt\.put_item\(text,jsonb\) \| CREATE OR REPLACE FUNCTION/m,
	'the listing shows functions with their definitions');
like($fresh, qr/^== table gt\.replica \| r acl=.* columns=table_name text not null, region_name text not null/m,
	'the listing shows tables with their columns in order');

#### The listing sees each kind of difference an upgrade can get wrong
my %changes = (
	'a function body' => q{CREATE OR REPLACE FUNCTION gt.hlc_to_timestamptz(update_time bigint)
		RETURNS timestamptz LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
		SET search_path = pg_catalog, pg_temp
		RETURN pg_catalog.to_timestamp(update_time::float8 / 1000)},
	'a privilege' => q{REVOKE EXECUTE ON FUNCTION gt.local_region() FROM PUBLIC},
	'a comment' => q{COMMENT ON TABLE gt.replica IS 'changed'},
	'a column' => q{ALTER TABLE gt.region_registration ADD COLUMN regress_extra int},
	'a column default' => q{ALTER TABLE gt.replica ALTER COLUMN status SET DEFAULT 'CREATING'},
	'a trigger' => q{ALTER TABLE gt.replica DISABLE TRIGGER gt_catalog_changed},
	'a view' => q{DO $$BEGIN EXECUTE format('CREATE OR REPLACE VIEW gt.links AS SELECT * FROM (%s) v WHERE peer <> %L',
		rtrim(pg_get_viewdef('gt.links'::regclass), ';'), ''); END$$},
	'a member dropped' => q{ALTER EXTENSION pg_global_tables DROP FUNCTION gt.hlc_to_timestamptz(bigint)},
	'a new function' => q{CREATE FUNCTION gt.regress_extra() RETURNS int LANGUAGE sql RETURN 1;
		ALTER EXTENSION pg_global_tables ADD FUNCTION gt.regress_extra()},
	'a configuration table' => q{UPDATE pg_extension SET extcondition[1] = 'WHERE true'
		WHERE extname = 'pg_global_tables'});
for my $what (sort keys %changes)
{
	my $db = install();
	$node->safe_psql($db, $changes{$what});
	isnt(difference($fresh, objects($db)), '',
		"the listing differs from a fresh install after a change of $what");
}

#### Every released version, updated, has exactly the objects of a fresh install
my @released = map { m{/pg_global_tables--([0-9.]+)\.sql$} ? $1 : () }
  glob('src/sql/released/pg_global_tables--*.sql');
note(@released
	? "released versions: @released; current: $default_version"
	: "no version released yet (src/sql/released/ is empty); current: $default_version");
for my $version (@released)
{
	isnt($version, $default_version, "released version $version is not the current one");
	my $path = $node->safe_psql('postgres', qq{
		SELECT path FROM pg_extension_update_paths('pg_global_tables')
		WHERE source = '$version' AND target = '$default_version'});
	isnt($path, '', "an upgrade path leads from $version to $default_version");
	my $db = install($version);
	$node->safe_psql($db, 'ALTER EXTENSION pg_global_tables UPDATE');
	is($node->safe_psql($db,
			q{SELECT extversion FROM pg_extension WHERE extname = 'pg_global_tables'}),
		$default_version, "$version updates to $default_version");
	is(difference($fresh, objects($db)), '',
		"$version updated to $default_version has the objects of a fresh install (- fresh, + updated)");
}

# Every upgrade script starts from a released version.
for my $script (glob('src/sql/pg_global_tables--*--*.sql'))
{
	my ($from) = $script =~ m{--([0-9.]+)--[0-9.]+\.sql$};
	ok((grep { $_ eq $from } @released),
		"$script starts from a released version");
}

$node->stop;
done_testing();
