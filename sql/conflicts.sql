-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- Last-writer-wins, driven through the apply path in one database: a
-- session with a replication origin applies versions "from another region"
-- through the write primitive, as a link worker does (gt._apply_sql), and
-- last-writer-wins decides.
-- Versions are ordered by update time, then by update region bytewise.

SELECT gt.create_table('{"TableName": "regress_lww",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.create_table('{"TableName": "regress_lww_alone",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
-- regress_lww has a replica in regress-peer; regress_lww_alone has none.
INSERT INTO gt.replica VALUES ('regress_lww', 'regress-peer', 'ACTIVE');
SELECT d -> 'GlobalTableVersion' AS version, d -> 'Replicas' AS replicas
    FROM (SELECT gt.describe_table('regress_lww') -> 'Table' AS d) s;
SELECT gt.describe_table('regress_lww_alone') -> 'Table' ? 'Replicas' AS alone_has_replicas;

-- The apply statement: $1 item (json text), $2 update time, $3 update
-- region, $4 deleting, $5 the region the version came from.
SELECT gt._apply_sql('regress_lww') IS NOT NULL AS lww, gt._apply_sql('regress_nosuch') IS NULL AS nosuch;
CREATE FUNCTION regress_apply(tab text, item jsonb, update_time bigint, update_region text,
                              deleting boolean, source text DEFAULT 'regress-peer')
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE gt._apply_sql(tab) USING item::text, update_time, update_region, deleting, source;
END
$$;
CREATE VIEW regress_versions AS
    SELECT id, item, gt_update_time, gt_update_region, gt_deleting FROM regress_lww;

SELECT pg_replication_origin_create('regress_origin') IS NOT NULL AS created;
SELECT pg_replication_origin_session_setup('regress_origin');

--
-- A newer version replaces the stored one; an older one is discarded.
--
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"N": "1"}}', 100, 'regress-peer', false);
SELECT * FROM regress_versions WHERE id = 'a';
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"N": "2"}}', 200, 'regress-peer', false);
SELECT * FROM regress_versions WHERE id = 'a';
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"N": "1.5"}}', 150, 'regress-peer', false);
SELECT * FROM regress_versions WHERE id = 'a';
-- Older even by one microsecond, and from a region that sorts later.
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"N": "1.9"}}', 199, 'regress-zzz', false);
SELECT * FROM regress_versions WHERE id = 'a';

--
-- The same (time, region) is the same version arriving again: discarded,
-- so applying a change twice has no effect.
--
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"N": "2"}}', 200, 'regress-peer', false);
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"N": "2"}}', 200, 'regress-peer', false);
SELECT * FROM regress_versions WHERE id = 'a';
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"S": "not the same"}}', 200, 'regress-peer', false);
SELECT * FROM regress_versions WHERE id = 'a';
SELECT count(*) FROM regress_lww;

--
-- Equal times: the region name that sorts last bytewise wins, whichever
-- version arrives first.  "regress-peer" > "regress-home"; bytewise,
-- "regress1" > "regress-b" ("1" is 0x31, "-" is 0x2d), although a
-- linguistic collation that ignores hyphens would sort them the other way.
--
SELECT regress_apply('regress_lww', '{"id": {"S": "tie-1"}, "from": {"S": "home"}}', 300, 'regress-home', false);
SELECT regress_apply('regress_lww', '{"id": {"S": "tie-1"}, "from": {"S": "peer"}}', 300, 'regress-peer', false);
SELECT regress_apply('regress_lww', '{"id": {"S": "tie-2"}, "from": {"S": "peer"}}', 300, 'regress-peer', false);
SELECT regress_apply('regress_lww', '{"id": {"S": "tie-2"}, "from": {"S": "home"}}', 300, 'regress-home', false);
SELECT regress_apply('regress_lww', '{"id": {"S": "tie-3"}, "from": {"S": "b"}}', 300, 'regress-b', false);
SELECT regress_apply('regress_lww', '{"id": {"S": "tie-3"}, "from": {"S": "1"}}', 300, 'regress1', false);
SELECT regress_apply('regress_lww', '{"id": {"S": "tie-4"}, "from": {"S": "1"}}', 300, 'regress1', false);
SELECT regress_apply('regress_lww', '{"id": {"S": "tie-4"}, "from": {"S": "b"}}', 300, 'regress-b', false);
SELECT * FROM regress_versions WHERE id LIKE 'tie-%' ORDER BY id;

--
-- Deletes are tombstones, and order like any other version.
--
-- A remote tombstone newer than the stored item deletes it.
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}}', 400, 'regress-peer', true);
SELECT * FROM regress_versions WHERE id = 'a';
SELECT gt.get_item('regress_lww', '{"id": {"S": "a"}}') IS NULL AS deleted;
-- An older update arriving after the tombstone does not resurrect the item.
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"N": "3"}}', 350, 'regress-peer', false);
SELECT * FROM regress_versions WHERE id = 'a';
-- Nor does one at the same time from a region that sorts first.
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"N": "3"}}', 400, 'regress-home', false);
SELECT * FROM regress_versions WHERE id = 'a';
-- A newer one does.
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"N": "5"}}', 500, 'regress-peer', false);
SELECT * FROM regress_versions WHERE id = 'a';
SELECT gt.get_item('regress_lww', '{"id": {"S": "a"}}');
-- An older tombstone does not delete a newer item.
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}}', 450, 'regress-peer', true);
SELECT * FROM regress_versions WHERE id = 'a';
-- A tombstone for a key never seen here is kept, so that the item it
-- deleted is not created by an older version arriving later.
SELECT regress_apply('regress_lww', '{"id": {"S": "b"}}', 600, 'regress-peer', true);
SELECT regress_apply('regress_lww', '{"id": {"S": "b"}, "v": {"N": "1"}}', 550, 'regress-peer', false);
SELECT * FROM regress_versions WHERE id = 'b';

--
-- Versions are accepted only from regions that have a replica of the
-- table, as this region's catalog says.
--
SELECT regress_apply('regress_lww', '{"id": {"S": "a"}, "v": {"S": "stranger"}}', 900, 'regress-stranger', false, 'regress-stranger');
SELECT regress_apply('regress_lww', '{"id": {"S": "c"}, "v": {"S": "stranger"}}', 900, 'regress-stranger', false, 'regress-stranger');
-- The update region does not matter, only where the version came from.
SELECT regress_apply('regress_lww', '{"id": {"S": "c"}, "v": {"S": "relayed"}}', 900, 'regress-peer', false, 'regress-stranger');
SELECT * FROM regress_versions WHERE id IN ('a', 'c') ORDER BY id;
-- regress-peer has a replica of regress_lww, not of regress_lww_alone.
SELECT regress_apply('regress_lww_alone', '{"id": {"S": "a"}}', 900, 'regress-peer', false);
SELECT count(*) FROM regress_lww_alone;

--
-- The hybrid logical clock: after seeing a version stamped an hour ahead
-- of this region's clock, local writes stamp later than it, on any key.
--
SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint + 3600000000 AS future \gset
SELECT regress_apply('regress_lww', '{"id": {"S": "future"}}', :future, 'regress-peer', false);
SELECT id, gt_update_time = :future AS kept_time, gt_update_region FROM regress_lww WHERE id = 'future';
SELECT pg_replication_origin_session_reset();
SELECT gt.put_item('regress_lww', '{"id": {"S": "after"}}');
SELECT id, gt_update_time > :future AS later, gt_update_region FROM regress_lww WHERE id = 'after';
-- A local write of a key replaces the remote version and stamps later.
SELECT gt.put_item('regress_lww', '{"id": {"S": "future"}, "v": {"S": "local"}}');
SELECT id, item, gt_update_time > :future AS later, gt_update_region FROM regress_lww WHERE id = 'future';
-- Local writes always replace what is stored; the versions applied above
-- at small times are now older than anything stamped here.
SELECT gt.put_item('regress_lww', '{"id": {"S": "tie-1"}, "from": {"S": "local"}}');
SELECT gt.delete_item('regress_lww', '{"id": {"S": "tie-2"}}');
SELECT id, item, gt_update_time > :future AS later, gt_update_region, gt_deleting
    FROM regress_lww WHERE id IN ('tie-1', 'tie-2') ORDER BY id;
-- A remote version older than a local write is discarded; a newer one wins.
SELECT pg_replication_origin_session_setup('regress_origin');
SELECT regress_apply('regress_lww', '{"id": {"S": "tie-1"}, "from": {"S": "peer"}}', :future, 'regress-peer', false);
SELECT regress_apply('regress_lww', '{"id": {"S": "tie-2"}, "from": {"S": "peer"}}', :future + 7200000000, 'regress-peer', false);
SELECT id, item, gt_update_region, gt_deleting FROM regress_lww WHERE id IN ('tie-1', 'tie-2') ORDER BY id;
SELECT pg_replication_origin_session_reset();

-- Every row, at the end.
SELECT id, item, gt_update_region, gt_deleting FROM regress_lww ORDER BY id;

-- Clean up.
SELECT pg_replication_origin_drop('regress_origin');
DROP VIEW regress_versions;
DROP FUNCTION regress_apply(text, jsonb, bigint, text, boolean, text);
DELETE FROM gt.replica WHERE table_name = 'regress_lww' AND region_name = 'regress-peer';
SELECT gt.delete_table('regress_lww') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.delete_table('regress_lww_alone') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.list_tables();
