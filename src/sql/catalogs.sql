-- src/sql/catalogs.sql: the catalog tables: regions, registrations, global tables, replicas.
-- Part of the install script; the Makefile concatenates the topics.

--
-- The schema
--

-- CREATE EXTENSION installs into schema gt, creating it if it is missing; a
-- schema gt that a role prepared beforehand would let that role replace the
-- functions that link workers call as a superuser.  So the schema must be
-- owned by a superuser, and nobody else may create objects in it.
DO $$
DECLARE
    nsp oid := pg_catalog.to_regnamespace('gt');
BEGIN
    IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_namespace n
            JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
            WHERE n.oid OPERATOR(pg_catalog.=) nsp)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n,
                  LATERAL pg_catalog.aclexplode(n.nspacl) a
                  LEFT JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) a.grantee
                  WHERE n.oid OPERATOR(pg_catalog.=) nsp
                    AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
                    AND NOT COALESCE(r.rolsuper, false)) THEN
        RAISE EXCEPTION 'schema "gt" is owned by, or open to, a role that is not a superuser'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'pg_global_tables installs into its own schema "gt": drop the existing one, or make a superuser its only owner and creator.';
    END IF;
END
$$;

--
-- Catalogs
--

-- This server's and database's identity: what tells a region from a copy
-- of its database (src/catalog/gt_region_identity.c).
CREATE FUNCTION gt._local_identity() RETURNS text
    LANGUAGE C STABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'gt_local_identity_sql';
COMMENT ON FUNCTION gt._local_identity() IS 'this server''s and database''s identity';

-- This database's region name: one row, set once by gt.init_region(), with
-- the identity of the database it was named in.
CREATE TABLE gt.region (
    name text PRIMARY KEY,
    singleton boolean NOT NULL DEFAULT true UNIQUE CHECK (singleton),
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    identity text NOT NULL DEFAULT gt._local_identity()
);
COMMENT ON TABLE gt.region IS 'the region name of this database';

-- How this region reaches other regions.  Unregistered regions are the
-- database of the same name in this cluster.
CREATE TABLE gt.region_registration (
    name text PRIMARY KEY,
    conninfo text NOT NULL
);
COMMENT ON TABLE gt.region_registration IS 'libpq connection strings of other regions';

-- Global tables with a replica in this region.  A user catalog table, so
-- that the output plugin reads it as of each decoded change.
CREATE TABLE gt.global_table (
    table_name text PRIMARY KEY,
    relid regclass NOT NULL,
    hash_key text NOT NULL,
    hash_type text NOT NULL CHECK (hash_type IN ('S', 'N', 'B')),
    range_key text,
    range_type text CHECK (range_type IN ('S', 'N', 'B')),
    billing_mode text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now()
) WITH (user_catalog_table = true);
COMMENT ON TABLE gt.global_table IS 'global tables with a replica in this region';

-- Every replica of each global table, this region's included.
CREATE TABLE gt.replica (
    table_name text NOT NULL REFERENCES gt.global_table ON DELETE CASCADE,
    region_name text NOT NULL,
    status text NOT NULL DEFAULT 'ACTIVE'
        CHECK (status IN ('CREATING', 'ACTIVE')),
    PRIMARY KEY (table_name, region_name)
) WITH (user_catalog_table = true);
COMMENT ON TABLE gt.replica IS 'replicas of each global table, in every region';

-- The watermark this region last sent its peers (lifecycle/gt_tombstone.c):
-- one row, written by the launcher only; the output plugin sends each write
-- of it to every peer.  A table, not a logical message: any role that can
-- connect may emit a logical message, and only superusers may write here.
CREATE TABLE gt._watermark (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    watermark bigint NOT NULL CHECK (watermark > 0)
);
COMMENT ON TABLE gt._watermark IS 'the watermark this region last sent its peers';

SELECT pg_catalog.pg_extension_config_dump('gt.region', '');
SELECT pg_catalog.pg_extension_config_dump('gt.region_registration', '');
SELECT pg_catalog.pg_extension_config_dump('gt.global_table', '');
SELECT pg_catalog.pg_extension_config_dump('gt.replica', '');

CREATE FUNCTION gt._catalog_changed() RETURNS trigger
    LANGUAGE C AS 'MODULE_PATHNAME', 'gt_catalog_changed';
COMMENT ON FUNCTION gt._catalog_changed() IS 'invalidates cached replication decisions';

CREATE TRIGGER gt_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON gt.global_table FOR EACH STATEMENT EXECUTE FUNCTION gt._catalog_changed();
CREATE TRIGGER gt_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON gt.replica FOR EACH STATEMENT EXECUTE FUNCTION gt._catalog_changed();
