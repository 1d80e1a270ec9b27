-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- What a role with one privilege on a replica table can do to other
-- regions and to tombstone collection: no more than the item API allows.
-- Each case below rewrote, deleted or resurrected items elsewhere, stopped
-- links, or ran code as a superuser before it was fixed.

-- A table with no other replica, so that this region alone decides when
-- its tombstones may go.
SELECT gt.create_table('{"TableName": "regress_priv",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.put_item('regress_priv', '{"id": {"S": "victim"}, "owner": {"S": "alice"}}');
SELECT gt.put_item('regress_priv', '{"id": {"S": "victim2"}, "owner": {"S": "alice"}}');
CREATE ROLE regress_writer;
GRANT SELECT, INSERT, UPDATE ON regress_priv TO regress_writer;

-- INSERT only.  The receiver takes the key from the item, so a row whose
-- key columns say one key and whose item says another overwrote someone
-- else's item in every other region; the deleting flag deleted one there.
SET ROLE regress_writer;
INSERT INTO regress_priv (id, item) VALUES ('w1', '{"id": {"S": "victim"}, "owner": {"S": "mallory"}}');
INSERT INTO regress_priv (id, item, gt_deleting) VALUES ('victim2', '{"id": {"S": "victim2"}}', false)
    ON CONFLICT (id) DO UPDATE SET item = excluded.item, gt_deleting = true;
INSERT INTO regress_priv (id, item, gt_deleting) VALUES ('w2', '{"id": {"S": "w2"}}', true);
-- Items the item API refuses are refused here too: each stopped every
-- link leaving the region until a transaction was skipped by hand.
INSERT INTO regress_priv (id, item) VALUES ('b', '{"id": "b", "n": 5}');
INSERT INTO regress_priv (id, item) VALUES ('b', '{}');
INSERT INTO regress_priv (id, item) VALUES ('b', '[]');
INSERT INTO regress_priv (id, item) VALUES ('b', '"str"');
INSERT INTO regress_priv (id, item) VALUES ('b', '5');
INSERT INTO regress_priv (id, item) VALUES ('b', NULL);
INSERT INTO regress_priv (id, item)
    VALUES ('b', ('{"id": {"S": "b"}, "deep": ' || repeat('{"L": [', 150) || repeat(']}', 150) || '}')::jsonb);
INSERT INTO regress_priv (id, item)
    VALUES ('b', jsonb_build_object('id', jsonb_build_object('S', repeat('k', 6400))));
-- COPY is checked the same way.
COPY regress_priv (id, item) FROM stdin;
c	{"id": {"S": "not-c"}}
\.
-- An UPDATE cannot move an item to another key, nor set the flag.
UPDATE regress_priv SET id = 'moved', item = '{"id": {"S": "moved"}}' WHERE id = 'w2';
UPDATE regress_priv SET gt_deleting = true WHERE id = 'w2';
RESET ROLE;
SELECT id, item, gt_deleting FROM regress_priv ORDER BY id;

-- DELETE.  A DELETE of a tombstone removed it at once, so that an older
-- version still on its way could bring the item back in this region only.
-- Only collection removes tombstones; anyone else's DELETE of one is
-- skipped, as of an item that is gone.  A DELETE of a live item deletes the
-- row, reports it (it said DELETE 0, which ORMs read as a failure), and
-- leaves a tombstone in its place, stamped later; deleting takes the DELETE
-- privilege alone, by SQL or by gt.delete_item() (it took UPDATE, and
-- INSERT and UPDATE).
CREATE ROLE regress_deleter;
GRANT SELECT, DELETE ON regress_priv TO regress_deleter;
SELECT gt.put_item('regress_priv', '{"id": {"S": "d1"}}');
SELECT gt.put_item('regress_priv', '{"id": {"S": "d2"}}');
SELECT gt.put_item('regress_priv', '{"id": {"S": "d3"}, "n": {"N": "3"}}');
SELECT gt_update_time AS w2_time FROM regress_priv WHERE id = 'w2' \gset
SET ROLE regress_deleter;
DELETE FROM regress_priv WHERE id = 'w2';
\echo deleted :ROW_COUNT
DELETE FROM regress_priv WHERE id = 'w2';
\echo deleted :ROW_COUNT
DELETE FROM regress_priv WHERE id IN ('d1', 'd2') RETURNING id, item;
SELECT gt.delete_item('{"TableName": "regress_priv", "Key": {"id": {"S": "d3"}}, "ReturnValues": "ALL_OLD"}');
SELECT gt.delete_item('regress_priv', '{"id": {"S": "never-written"}}');
RESET ROLE;
SELECT id, gt_deleting FROM regress_priv WHERE id IN ('d1', 'd2', 'd3', 'never-written') ORDER BY id;
SELECT id, item, gt_deleting, gt_update_time > :w2_time AS stamped_later,
       gt_update_region = gt.local_region() AS here
    FROM regress_priv WHERE id = 'w2';
-- Without DELETE, no delete: a role with INSERT and UPDATE could delete
-- through gt.delete_item().
SET ROLE regress_writer;
SELECT gt.delete_item('regress_priv', '{"id": {"S": "victim"}}');
DELETE FROM regress_priv WHERE id = 'victim';
RESET ROLE;
-- A plain INSERT of a deleted item's key writes the item again, stamped
-- later than its tombstone (it failed on the primary key); an upsert
-- revives it too (it stayed a tombstone).
SELECT gt_update_time AS w2_time FROM regress_priv WHERE id = 'w2' \gset
SET ROLE regress_writer;
INSERT INTO regress_priv (id, item) VALUES ('w2', '{"id": {"S": "w2"}, "back": {"N": "1"}}');
-- Once, like any key.
INSERT INTO regress_priv (id, item) VALUES ('w2', '{"id": {"S": "w2"}, "back": {"N": "2"}}');
RESET ROLE;
SELECT id, item, gt_deleting, gt_update_time > :w2_time AS stamped_later
    FROM regress_priv WHERE id = 'w2';
SELECT gt.put_item('regress_priv', '{"id": {"S": "w3"}}');
SELECT gt.delete_item('regress_priv', '{"id": {"S": "w3"}}');
SET ROLE regress_writer;
INSERT INTO regress_priv (id, item) VALUES ('w3', '{"id": {"S": "w3"}, "back": {"BOOL": true}}')
    ON CONFLICT (id) DO UPDATE SET item = excluded.item;
RESET ROLE;
SELECT id, item, gt_deleting FROM regress_priv WHERE id = 'w3';
-- So does ON CONFLICT DO NOTHING, and DO UPDATE with a WHERE clause the
-- tombstone would not meet: a deleted key is a key that is not there.
SELECT gt.delete_item('regress_priv', '{"id": {"S": "w4"}}');
SELECT gt.put_item('regress_priv', '{"id": {"S": "w5"}}');
SELECT gt.delete_item('regress_priv', '{"id": {"S": "w5"}}');
SET ROLE regress_writer;
INSERT INTO regress_priv (id, item) VALUES ('w4', '{"id": {"S": "w4"}, "n": {"N": "4"}}')
    ON CONFLICT DO NOTHING;
INSERT INTO regress_priv AS t (id, item) VALUES ('w5', '{"id": {"S": "w5"}, "n": {"N": "5"}}')
    ON CONFLICT (id) DO UPDATE SET item = excluded.item WHERE t.item ? 'n';
RESET ROLE;
SELECT id, item, gt_deleting FROM regress_priv WHERE id IN ('w4', 'w5') ORDER BY id;
-- The tombstone is bookkeeping: no trigger fires on its writing, and a
-- user's DELETE triggers fire for the delete.  Where a user trigger could
-- run on it, gt.delete_item() writes the tombstone as the caller, who then
-- needs INSERT and UPDATE too.
CREATE FUNCTION regress_tell() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE '% % of % as %', TG_WHEN, TG_OP, COALESCE(NEW.id, OLD.id), current_user;
    RETURN NULL;
END
$$;
CREATE TRIGGER regress_tell AFTER INSERT OR UPDATE OR DELETE ON regress_priv
    FOR EACH ROW EXECUTE FUNCTION regress_tell();
SET ROLE regress_deleter;
DELETE FROM regress_priv WHERE id = 'w2';
\echo deleted :ROW_COUNT
SELECT gt.delete_item('regress_priv', '{"id": {"S": "w3"}}');
RESET ROLE;
SELECT gt.delete_item('regress_priv', '{"id": {"S": "w3"}}');
DROP TRIGGER regress_tell ON regress_priv;
DROP FUNCTION regress_tell();
SELECT id, gt_deleting FROM regress_priv WHERE id IN ('w2', 'w3') ORDER BY id;

-- TRIGGER only.  Collection ran as the bootstrap superuser and fired the
-- role's DELETE triggers: one made the role a superuser.  Collection now
-- runs as the table's owner, and fires no trigger a user attached (unless
-- a foreign key needs the triggers: below).
CREATE ROLE regress_trigger_user;
GRANT TRIGGER ON regress_priv TO regress_trigger_user;
GRANT CREATE ON SCHEMA public TO regress_trigger_user;
SET ROLE regress_trigger_user;
CREATE FUNCTION regress_escalate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'regress_escalate fired as %', current_user;
    ALTER ROLE regress_trigger_user SUPERUSER;
    RETURN OLD;
END
$$;
CREATE TRIGGER regress_escalate BEFORE DELETE ON regress_priv
    FOR EACH ROW EXECUTE FUNCTION regress_escalate();
RESET ROLE;
SELECT gt.collect_tombstones() > 0 AS collected;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_trigger_user';
SELECT id FROM regress_priv WHERE gt_deleting ORDER BY id;
DROP TRIGGER regress_escalate ON regress_priv;
DROP FUNCTION regress_escalate();
REVOKE CREATE ON SCHEMA public FROM regress_trigger_user;

-- REFERENCES.  A foreign key from a role's table to a tombstone's key made
-- every round fail, for every table of the region.  Now that tombstone
-- stays, with a warning each round, until the reference goes; the other
-- tables are collected as usual.
SELECT gt.create_table('{"TableName": "regress_priv_other",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
CREATE ROLE regress_referencer;
GRANT REFERENCES ON regress_priv TO regress_referencer;
GRANT CREATE ON SCHEMA public TO regress_referencer;
SELECT gt.put_item('regress_priv', '{"id": {"S": "pinned"}}');
SET ROLE regress_referencer;
CREATE TABLE regress_pins (id text REFERENCES regress_priv);
INSERT INTO regress_pins VALUES ('pinned');
RESET ROLE;
-- A plain DELETE of the item it references fails, as in SQL: the row goes
-- before its tombstone comes.
DELETE FROM regress_priv WHERE id = 'pinned';
SELECT gt.delete_item('regress_priv', '{"id": {"S": "pinned"}}');
SELECT gt.put_item('regress_priv_other', '{"id": {"S": "gone"}}');
SELECT gt.delete_item('regress_priv_other', '{"id": {"S": "gone"}}');
SELECT gt.collect_tombstones() AS collected;
SELECT 'regress_priv' AS t, id FROM regress_priv WHERE gt_deleting
UNION ALL
SELECT 'regress_priv_other', id FROM regress_priv_other WHERE gt_deleting ORDER BY 1, 2;

-- The parts of multi-region steps are prepared transactions that the
-- launcher resolves as a superuser: nobody else may prepare one under such
-- a name.
SET ROLE regress_writer;
BEGIN;
PREPARE TRANSACTION 'gt_step:00000000-0000-0000-0000-000000000000:us-east-1:regress-hostile';
ROLLBACK;
BEGIN;
PREPARE TRANSACTION 'regress_own_name';
ROLLBACK PREPARED 'regress_own_name';
RESET ROLE;
SELECT count(*) AS prepared FROM pg_prepared_xacts;

DROP TABLE regress_pins;
REVOKE CREATE ON SCHEMA public FROM regress_referencer;
SELECT gt.delete_table('regress_priv_other') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.delete_table('regress_priv') -> 'TableDescription' ->> 'TableStatus' AS status;
DROP ROLE regress_writer, regress_deleter, regress_trigger_user, regress_referencer;
