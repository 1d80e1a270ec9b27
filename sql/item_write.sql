-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- PutItem and DeleteItem write through the executor directly when nothing
-- about the table or the session could make the upsert statement behave
-- differently, and through the statement otherwise (src/write/gt_write.c).  Both
-- must give the same result: these cases are the ones where they could
-- differ.

SELECT gt.create_table('{"TableName": "regress_w",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.create_table('{"TableName": "regress_wn",
    "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"},
                  {"AttributeName": "b", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "n", "AttributeType": "N"},
                             {"AttributeName": "b", "AttributeType": "B"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;

CREATE TABLE regress_w_stamps (label text, stamp bigint);
CREATE FUNCTION regress_w_note(label text) RETURNS void LANGUAGE sql
    BEGIN ATOMIC
        INSERT INTO regress_w_stamps SELECT label, gt_update_time FROM regress_w WHERE id = 'a';
    END;

--
-- A new item, then an update: stamped with this region and a later time.
--
SELECT gt.put_item('regress_w', '{"id": {"S": "a"}, "v": {"N": "1"}}');
SELECT regress_w_note('first');
SELECT gt.put_item('regress_w', '{"id": {"S": "a"}, "v": {"N": "2"}}');
SELECT regress_w_note('second');
SELECT id, item, gt_update_region, gt_deleting FROM regress_w;
SELECT (SELECT stamp FROM regress_w_stamps WHERE label = 'second') >
       (SELECT stamp FROM regress_w_stamps WHERE label = 'first') AS later;

-- A delete turns the item into a tombstone, stamped later again; putting
-- the item back revives it.
SELECT gt.delete_item('regress_w', '{"id": {"S": "a"}}');
SELECT regress_w_note('deleted');
SELECT id, item, gt_deleting FROM regress_w;
SELECT (SELECT stamp FROM regress_w_stamps WHERE label = 'deleted') >
       (SELECT stamp FROM regress_w_stamps WHERE label = 'second') AS later;
SELECT gt.put_item('regress_w', '{"id": {"S": "a"}, "v": {"N": "3"}}');
SELECT gt.get_item('regress_w', '{"id": {"S": "a"}}');

-- The same key twice in one statement: the second write sees the first.
SELECT gt.put_item('regress_w', jsonb_build_object('id', '{"S": "twice"}'::jsonb,
                                                   'v', jsonb_build_object('N', i::text)))
FROM generate_series(1, 2) i;
SELECT item->'v' AS v FROM regress_w WHERE id = 'twice';

-- Written and read back in one transaction, with ALL_OLD.
BEGIN;
SELECT gt.put_item('regress_w', '{"id": {"S": "t"}, "v": {"N": "1"}}');
SELECT gt.put_item('{"TableName": "regress_w", "Item": {"id": {"S": "t"}, "v": {"N": "2"}},
    "ReturnValues": "ALL_OLD"}');
SELECT gt.get_item('regress_w', '{"id": {"S": "t"}}');
ROLLBACK;
SELECT gt.get_item('regress_w', '{"id": {"S": "t"}}') IS NULL AS rolled_back;

-- Number and binary keys: an update keeps the stored key as it was first
-- spelled (numerically equal), as the upsert's DO UPDATE does.
SELECT gt.put_item('regress_wn', '{"n": {"N": "1.0"}, "b": {"B": "AAE="}, "v": {"S": "x"}}');
SELECT gt.put_item('regress_wn', '{"n": {"N": "1.00"}, "b": {"B": "AAE="}, "v": {"S": "y"}}');
SELECT n, b, item FROM regress_wn;

--
-- What the statement must do instead.
--

-- A read-only transaction refuses the write.
BEGIN READ ONLY;
SELECT gt.put_item('regress_w', '{"id": {"S": "ro"}}');
ROLLBACK;

-- A CHECK constraint and another unique index are enforced.  (Terse: the
-- failing row holds an update time.)
\set VERBOSITY terse
ALTER TABLE regress_w ADD CONSTRAINT regress_w_small CHECK (pg_column_size(item) < 200);
SELECT gt.put_item('regress_w', jsonb_build_object('id', '{"S": "big"}'::jsonb,
                                                   'v', jsonb_build_object('S', repeat('x', 300))));
ALTER TABLE regress_w DROP CONSTRAINT regress_w_small;
CREATE UNIQUE INDEX regress_w_v ON regress_w ((item->'v'));
SELECT gt.put_item('regress_w', '{"id": {"S": "other"}, "v": {"N": "3"}}');
DROP INDEX regress_w_v;
\set VERBOSITY default
SELECT count(*) FROM regress_w WHERE id IN ('big', 'other');

-- A user's row trigger fires.
CREATE FUNCTION regress_w_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.item := NEW.item || '{"touched": {"BOOL": true}}';
    RETURN NEW;
END $$;
CREATE TRIGGER regress_w_touch BEFORE INSERT OR UPDATE ON regress_w
    FOR EACH ROW EXECUTE FUNCTION regress_w_touch();
SELECT gt.put_item('regress_w', '{"id": {"S": "trig"}}');
SELECT gt.get_item('regress_w', '{"id": {"S": "trig"}}');
DROP TRIGGER regress_w_touch ON regress_w;
DROP FUNCTION regress_w_touch();

-- A column of the user's own gets its default.
ALTER TABLE regress_w ADD COLUMN note text DEFAULT 'defaulted';
SELECT gt.put_item('regress_w', '{"id": {"S": "col"}}');
SELECT note FROM regress_w WHERE id = 'col';
ALTER TABLE regress_w DROP COLUMN note;

-- After a column is dropped, the direct path writes again.
SELECT gt.put_item('regress_w', '{"id": {"S": "col"}, "v": {"N": "9"}}');
SELECT gt.get_item('regress_w', '{"id": {"S": "col"}}');

-- Privileges and row-level security: a role with INSERT and UPDATE but not
-- SELECT is refused as the statement refuses it; a policy is enforced.
CREATE ROLE regress_w_writer;
GRANT USAGE ON SCHEMA gt TO regress_w_writer;
GRANT SELECT ON gt.global_table TO regress_w_writer;
GRANT INSERT, UPDATE ON regress_w TO regress_w_writer;
SET ROLE regress_w_writer;
SELECT gt.put_item('regress_w', '{"id": {"S": "a"}, "v": {"N": "4"}}');
RESET ROLE;
GRANT SELECT ON regress_w TO regress_w_writer;
ALTER TABLE regress_w ENABLE ROW LEVEL SECURITY;
CREATE POLICY regress_w_own ON regress_w TO regress_w_writer
    USING (id LIKE 'w%') WITH CHECK (id LIKE 'w%');
SET ROLE regress_w_writer;
SELECT gt.put_item('regress_w', '{"id": {"S": "w1"}}');
SELECT gt.put_item('regress_w', '{"id": {"S": "a"}, "v": {"N": "4"}}');
RESET ROLE;
SELECT id, item FROM regress_w WHERE id IN ('a', 'w1') ORDER BY id;
DROP POLICY regress_w_own ON regress_w;
ALTER TABLE regress_w DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON regress_w FROM regress_w_writer;
REVOKE ALL ON gt.global_table FROM regress_w_writer;
REVOKE ALL ON SCHEMA gt FROM regress_w_writer;
DROP ROLE regress_w_writer;

-- Clean up.
DROP FUNCTION regress_w_note(text);
DROP TABLE regress_w_stamps;
SELECT gt.delete_table('{"TableName": "regress_w"}') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.delete_table('{"TableName": "regress_wn"}') -> 'TableDescription' ->> 'TableStatus' AS status;
