-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- What a role that can only connect (LOGIN, and PUBLIC's default CONNECT
-- and TEMP) can do to replication: nothing.  Each case below stopped,
-- crashed or diverged replication before it was fixed.

SELECT gt.create_table('{"TableName": "regress_hostile",
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
CREATE ROLE regress_mallory LOGIN;

-- Forged watermarks.  Watermarks were logical messages, which any role may
-- emit: garbage stopped every slot of the region for good, and a far-future
-- time let peers collect tombstones that an open transaction could still
-- beat.  They are now rows of gt._watermark, which only the launcher
-- writes; the output plugin reads no logical message at all.
SELECT 'init' FROM pg_create_logical_replication_slot('regress_hostile_slot', 'pg_global_tables');
SET ROLE regress_mallory;
SELECT pg_logical_emit_message(false, 'gt.watermark', 'garbage') IS NOT NULL AS emitted;
SELECT pg_logical_emit_message(false, 'gt.watermark', repeat('9', 40)) IS NOT NULL AS emitted;
SELECT pg_logical_emit_message(false, 'gt.watermark', '9223372036854775807') IS NOT NULL AS emitted;
SELECT pg_logical_emit_message(true, 'gt.watermark', '9223372036854775807') IS NOT NULL AS emitted;
INSERT INTO gt._watermark VALUES (true, 9223372036854775807);
UPDATE gt._watermark SET watermark = 9223372036854775807;
RESET ROLE;
-- The slot still decodes, and what it sends holds no forged watermark
-- (a W message is the letter W and the time; the launcher's own are real).
SELECT count(*) FILTER (WHERE get_byte(data, 0) = ascii('W')
        AND ('x' || encode(substr(data, 2, 8), 'hex'))::bit(64)::bigint
            > (extract(epoch FROM clock_timestamp()) * 1000000)::bigint + 60000000) AS forged
    FROM pg_logical_slot_get_binary_changes('regress_hostile_slot', NULL, NULL,
        'peer', 'regress-peer', 'proto_version', '2');
SELECT pg_drop_replication_slot('regress_hostile_slot');

-- The trigger function and the internal helpers are not for PUBLIC, and a
-- helper that is must survive NULLs: these crashed the server.
SET ROLE regress_mallory;
CREATE TEMP TABLE regress_c (id text PRIMARY KEY, item int, gt_update_time bigint,
                             gt_update_region int, gt_deleting bool);
CREATE TRIGGER gt_lww BEFORE INSERT OR UPDATE ON regress_c
    FOR EACH ROW EXECUTE FUNCTION gt._lww_trigger();
SELECT gt._check_request('{}', NULL, '{}');
SELECT gt._check_request('{}', 'PutItem', NULL);
-- jsonb's key look-up reads any container as an object, past the end of an
-- array or a scalar (an assertion failure with assertions on; found by
-- fuzz/fuzz_request.c): a request that is not an object is refused first.
SELECT gt._request_string('"TableName"', 'TableName', 'GetItem');
SELECT gt._request_string('["TableName", {"TableName": "x"}]', 'TableName', 'GetItem');
SELECT gt._stamp_horizon();
SELECT gt._publish_watermark();
SELECT gt.collect_tombstones();
DROP TABLE regress_c;
RESET ROLE;
-- Even attached by a superuser, the trigger refuses a table that is not a
-- replica (it checked column names only, then read an int as a jsonb).
CREATE TEMP TABLE regress_c2 (id text PRIMARY KEY, item int, gt_update_time bigint,
                              gt_update_region int, gt_deleting bool);
CREATE TRIGGER gt_lww BEFORE INSERT OR UPDATE ON regress_c2
    FOR EACH ROW EXECUTE FUNCTION gt._lww_trigger();
INSERT INTO regress_c2 VALUES ('x', 16, 0, 0, false);
DROP TABLE regress_c2;

-- The clock never wraps and never runs further ahead of the wall clock
-- than gt.max_clock_lead, whatever a stored or remote version says.  A
-- version stamped near INT64_MAX, applied as replication applies it (a
-- session with a replication origin), used to push the shared clock there:
-- every later write of the cluster was stamped negative and lost.
SELECT pg_replication_origin_create('regress_hostile_origin') IS NOT NULL AS created;
SELECT pg_replication_origin_session_setup('regress_hostile_origin');
INSERT INTO regress_hostile (id, item, gt_update_time, gt_update_region)
    VALUES ('poison', '{"id": {"S": "poison"}}', 9223372036854775806, 'regress-peer');
SELECT pg_replication_origin_session_reset();
SELECT pg_replication_origin_drop('regress_hostile_origin');
SELECT gt._stamp_horizon() > 0 AS positive,
       gt._stamp_horizon() <= (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
                              + 86400000000 AS within_a_day;
-- Other items are stamped as usual, after every earlier stamp.
SELECT gt.put_item('regress_hostile', '{"id": {"S": "fine"}}');
SELECT gt_update_time > 0 AS positive,
       gt_update_time <= (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
                         + 86400000000 AS within_a_day
    FROM regress_hostile WHERE id = 'fine';
-- A local write over the poisoned version would have to be stamped older
-- than it, and be lost: it is refused instead, API or plain SQL.  (The
-- detail says by how much: not shown, it changes with the time.)
\set VERBOSITY terse
SELECT gt.put_item('regress_hostile', '{"id": {"S": "poison"}, "v": {"S": "mine"}}');
UPDATE regress_hostile SET item = '{"id": {"S": "poison"}, "v": {"S": "mine"}}' WHERE id = 'poison';
\set VERBOSITY default
SELECT id, item, gt_update_time = 9223372036854775806 AS poisoned
    FROM regress_hostile ORDER BY id;
-- The bound is a setting.
SET gt.max_clock_lead = '1s';
SHOW gt.max_clock_lead;
SET gt.max_clock_lead = 0;
RESET gt.max_clock_lead;

SELECT gt.delete_table('regress_hostile') -> 'TableDescription' ->> 'TableStatus' AS status;
DROP ROLE regress_mallory;
