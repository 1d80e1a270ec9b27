-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- Every version that loses under last-writer-wins to one written in another
-- region is reported, whichever wins, at "gt.conflict_log_level": here
-- NOTICE, so that the reports reach this session.  Versions are applied
-- "from another region" through the write primitive, as a link worker
-- applies them (gt._apply_sql); their times are fixed, so the reports are.

SELECT gt.create_table('{"TableName": "regress_report",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
INSERT INTO gt.replica VALUES ('regress_report', 'regress-peer', 'ACTIVE');
CREATE FUNCTION regress_apply(item jsonb, update_time bigint, update_region text,
                              deleting boolean DEFAULT false)
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE gt._apply_sql('regress_report') USING item::text, update_time, update_region,
        deleting, 'regress-peer';
END
$$;
SELECT pg_replication_origin_create('regress_report_origin') IS NOT NULL AS created;
SELECT pg_replication_origin_session_setup('regress_report_origin');
SET gt.conflict_log_level = notice;

-- A new key, then newer versions from the same region: no conflict.
SELECT regress_apply('{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "one"}}', 100, 'regress-peer');
SELECT regress_apply('{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "two"}}', 200, 'regress-peer');
-- The same version again: no conflict either, and no effect.
SELECT regress_apply('{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "two"}}', 200, 'regress-peer');
-- An older one from the same region is discarded without a report.
SELECT regress_apply('{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "old"}}', 150, 'regress-peer');

-- A newer version from another region replaces it: reported, applied.
SELECT regress_apply('{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "three"}}', 300, 'regress-third');
-- An older one from another region loses: reported, kept the local one.
SELECT regress_apply('{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "late"}}', 250, 'regress-peer');
-- A tie on time goes to the region that sorts last: "regress-peer" loses.
SELECT regress_apply('{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "tie"}}', 300, 'regress-peer');
-- A delete from another region, newer, and then one older.
SELECT regress_apply('{"pk": {"S": "a"}, "sk": {"N": "1"}}', 400, 'regress-peer', true);
SELECT regress_apply('{"pk": {"S": "a"}, "sk": {"N": "1"}}', 350, 'regress-third', true);
SELECT pk, sk, item, gt_update_time, gt_update_region, gt_deleting FROM regress_report;

-- At the default level, LOG, nothing reaches the client.
RESET gt.conflict_log_level;
SELECT regress_apply('{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "five"}}', 500, 'regress-third');
-- Only superusers may change the level.
CREATE ROLE regress_report_user;
SET ROLE regress_report_user;
SET gt.conflict_log_level = notice;
RESET ROLE;
DROP ROLE regress_report_user;

-- Clean up.
SELECT pg_replication_origin_session_reset();
SELECT pg_replication_origin_drop('regress_report_origin');
DROP FUNCTION regress_apply(jsonb, bigint, text, boolean);
DELETE FROM gt.replica WHERE table_name = 'regress_report' AND region_name = 'regress-peer';
SELECT gt.delete_table('regress_report') -> 'TableDescription' ->> 'TableStatus' AS status;
