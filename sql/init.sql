-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- The extension is loaded by pg_regress (--load-extension), but the
-- database has no region name yet: nothing that needs one works.
SELECT count(*) FROM gt.region;
SELECT gt.local_region();
SELECT gt.create_table('{"TableName": "regress_early",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');

-- Region names: lower-case letters, digits and hyphens, starting with a
-- letter, at most 29 characters.
SELECT gt.init_region(NULL);
SELECT gt.init_region('');
SELECT gt.init_region('Bad_Name');
SELECT gt.init_region('1region');
SELECT gt.init_region('regress home');
SELECT gt.init_region('regress-a-name-of-30-characters');
SELECT count(*) FROM gt.region;

-- A region registered as another region cannot be this database's name.
SELECT gt.register_region('regress-far', 'host=regress-far.invalid dbname=regress_far');
SELECT gt.init_region('regress-far');
SELECT count(*) FROM gt.region;

-- Name the region.
SELECT gt.init_region('regress-home');
SELECT gt.local_region();
SELECT name FROM gt.region ORDER BY name;

-- A database keeps its region name for life: naming it again with the same
-- name is a no-op, another name is an error.
SELECT gt.init_region('regress-home');
SELECT gt.init_region('regress-other');
SELECT gt.init_region('Bad_Name');
SELECT name FROM gt.region ORDER BY name;

-- Registrations: how this region reaches others.
SELECT gt.register_region('regress-home', 'dbname=x');
SELECT gt.register_region('regress-far', '');
SELECT gt.register_region('regress-far', NULL);
SELECT gt.register_region('Regress-Far', 'dbname=x');
SELECT gt.region_conninfo('regress-far');
-- Registering again replaces the connection string.
SELECT gt.register_region('regress-far', 'host=regress-far.invalid dbname=regress_far port=5433');
SELECT name, conninfo FROM gt.region_registration ORDER BY name;
SELECT gt.region_conninfo('regress-far');
-- An unregistered region is the database of that name in this cluster
-- (host and port vary, so only the shape is shown).
SELECT gt.region_conninfo('regress-near') LIKE 'dbname=''regress-near'' host=''%'' port=%' AS same_cluster;
-- Quotes and backslashes in the database name are quoted for libpq.
SELECT gt._conninfo_quote('it''s\here');
DELETE FROM gt.region_registration WHERE name = 'regress-far';
SELECT name, conninfo FROM gt.region_registration ORDER BY name;
