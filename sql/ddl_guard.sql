-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- What DDL a replica table refuses (src/sql/ddl.sql).  A DROP TABLE of one
-- replica stopped every table's replication into its region, and a
-- metadata column altered to another type crashed every walsender that
-- decoded it, in a loop that survived restarts.

SELECT gt.create_table('{"TableName": "regress_ddl",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"},
                  {"AttributeName": "n", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"},
                             {"AttributeName": "n", "AttributeType": "N"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.put_item('regress_ddl', '{"id": {"S": "a"}, "n": {"N": "1"}}');
CREATE ROLE regress_ddl_owner;
ALTER TABLE regress_ddl OWNER TO regress_ddl_owner;
GRANT CREATE ON SCHEMA public TO regress_ddl_owner;

-- Refused, for its owner and for a superuser alike: dropping it, by any
-- route, and changing what replication reads and writes.
SET ROLE regress_ddl_owner;
DROP TABLE regress_ddl;
ALTER TABLE regress_ddl ALTER COLUMN gt_update_time TYPE numeric;
ALTER TABLE regress_ddl ALTER COLUMN gt_update_region DROP DEFAULT,
    ALTER COLUMN gt_update_region TYPE int USING 0;
ALTER TABLE regress_ddl ALTER COLUMN gt_deleting DROP DEFAULT,
    ALTER COLUMN gt_deleting TYPE int USING 0;
ALTER TABLE regress_ddl ALTER COLUMN item TYPE json;
ALTER TABLE regress_ddl ALTER COLUMN id TYPE varchar;
ALTER TABLE regress_ddl ALTER COLUMN id TYPE text COLLATE "POSIX";
ALTER TABLE regress_ddl ALTER COLUMN n TYPE int;
ALTER TABLE regress_ddl RENAME COLUMN gt_deleting TO deleted;
ALTER TABLE regress_ddl RENAME COLUMN id TO ident;
ALTER TABLE regress_ddl DROP COLUMN item;
ALTER TABLE regress_ddl DROP CONSTRAINT regress_ddl_pkey;
RESET ROLE;
DROP TABLE regress_ddl CASCADE;
DROP SCHEMA public CASCADE;
DROP OWNED BY regress_ddl_owner;
ALTER TABLE regress_ddl DROP CONSTRAINT regress_ddl_pkey,
    ADD PRIMARY KEY (n, id);

-- Supported, and replication keeps working: renaming the table, extra
-- columns (with defaults, generated), indexes, comments.
SET ROLE regress_ddl_owner;
ALTER TABLE regress_ddl RENAME TO regress_ddl_renamed;
ALTER TABLE regress_ddl_renamed RENAME TO regress_ddl;
ALTER TABLE regress_ddl ADD COLUMN note text DEFAULT 'none';
ALTER TABLE regress_ddl ADD COLUMN id_length int GENERATED ALWAYS AS (length(id)) STORED;
CREATE INDEX regress_ddl_note ON regress_ddl (note);
COMMENT ON COLUMN regress_ddl.note IS 'a local column';
ALTER TABLE regress_ddl ALTER COLUMN note SET NOT NULL;
RESET ROLE;
SELECT gt.put_item('regress_ddl', '{"id": {"S": "b"}, "n": {"N": "2"}}');
SELECT id, n, note, id_length, gt_deleting FROM regress_ddl ORDER BY id;

-- A replica table dropped behind the guard's back (a superuser can
-- disable it) leaves a dangling global table: describing and deleting it
-- still work, and item writes say what is wrong.
ALTER EVENT TRIGGER gt_drop_guard DISABLE;
DROP TABLE regress_ddl;
ALTER EVENT TRIGGER gt_drop_guard ENABLE ALWAYS;
SELECT gt.describe_table('regress_ddl') -> 'Table' -> 'ItemCount' AS item_count;
SELECT gt.put_item('regress_ddl', '{"id": {"S": "c"}, "n": {"N": "3"}}');
SELECT gt.get_item('regress_ddl', '{"id": {"S": "a"}, "n": {"N": "1"}}');
SELECT gt.delete_table('regress_ddl') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.list_tables();
REVOKE CREATE ON SCHEMA public FROM regress_ddl_owner;
DROP ROLE regress_ddl_owner;
