-- Query, Scan and ProjectionExpression.  From the Developer Guide's
-- "Querying tables" (Query.md, Query.KeyConditionExpressions.md,
-- Query.FilterExpression.md, Query.Limit.md, Query.Pagination.md,
-- Query.Count.md), "Scanning tables" (Scan.md: Limit, pagination, parallel
-- scan with Segment and TotalSegments), "Projection expressions"
-- (Expressions.ProjectionExpressions.md), with its sample tables Reply and
-- ProductCatalog; the API Reference's Query and Scan for Select.
SELECT gt.create_table('{"TableName": "Reply",
    "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}, {"AttributeName": "ReplyDateTime", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "Id", "AttributeType": "S"}, {"AttributeName": "ReplyDateTime", "AttributeType": "S"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.put_item('Reply', jsonb_build_object(
    'Id', jsonb_build_object('S', 'Amazon DynamoDB#DynamoDB Thread ' || t),
    'ReplyDateTime', jsonb_build_object('S', d),
    'Message', jsonb_build_object('S', 'DynamoDB Thread ' || t || ' Reply ' || n || ' text'),
    'PostedBy', jsonb_build_object('S', 'User ' || chr(64 + n)),
    'Votes', jsonb_build_object('N', (n * 3)::text)))
FROM (VALUES (1, 1, '2015-09-15T19:58:22.947Z'), (1, 2, '2015-09-22T19:58:22.947Z'),
             (1, 3, '2015-09-29T19:58:22.947Z'), (1, 4, '2015-10-06T19:58:22.947Z'),
             (2, 1, '2015-09-29T19:58:22.947Z'), (2, 2, '2015-10-06T19:58:22.947Z')) AS r(t, n, d);
-- A deleted reply is no item to any read.
SELECT gt.put_item('Reply', '{"Id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}, "ReplyDateTime": {"S": "2015-09-01T00:00:00.000Z"}}');
SELECT gt.delete_item('Reply', '{"Id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}, "ReplyDateTime": {"S": "2015-09-01T00:00:00.000Z"}}');

CREATE FUNCTION regress_query(extra jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT gt.query('{"TableName": "Reply",
        "KeyConditionExpression": "Id = :id",
        "ExpressionAttributeValues": {":id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}}}'::jsonb || extra)
$$;
-- Only the keys and the counts, to keep the output short.
CREATE FUNCTION regress_keys(page jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT format('Count %s ScannedCount %s [%s]%s', page->'Count', page->'ScannedCount',
        (SELECT string_agg(i->'ReplyDateTime'->>'S', ', ') FROM jsonb_array_elements(page->'Items') i),
        COALESCE(' LastEvaluatedKey ' || (page->'LastEvaluatedKey'->'ReplyDateTime'->>'S'), ''))
$$;

-- Key conditions: the hash key, then each range-key form, in key order.
SELECT regress_keys(regress_query('{}'));
SELECT regress_keys(regress_query('{"ScanIndexForward": false}'));
SELECT regress_keys(gt.query('{"TableName": "Reply",
    "KeyConditionExpression": "Id = :id and ReplyDateTime > :d",
    "ExpressionAttributeValues": {":id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}, ":d": {"S": "2015-09-22T19:58:22.947Z"}}}'));
SELECT regress_keys(gt.query('{"TableName": "Reply",
    "KeyConditionExpression": "Id = :id AND ReplyDateTime <= :d",
    "ExpressionAttributeValues": {":id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}, ":d": {"S": "2015-09-22T19:58:22.947Z"}}}'));
SELECT regress_keys(gt.query('{"TableName": "Reply",
    "KeyConditionExpression": "#i = :id AND #dt BETWEEN :a AND :b",
    "ExpressionAttributeNames": {"#i": "Id", "#dt": "ReplyDateTime"},
    "ExpressionAttributeValues": {":id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"},
        ":a": {"S": "2015-09-20"}, ":b": {"S": "2015-10-01"}}}'));
SELECT regress_keys(gt.query('{"TableName": "Reply",
    "KeyConditionExpression": "Id = :id AND begins_with(ReplyDateTime, :m)",
    "ExpressionAttributeValues": {":id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}, ":m": {"S": "2015-09"}}}'));
SELECT regress_keys(gt.query('{"TableName": "Reply", "ScanIndexForward": false,
    "KeyConditionExpression": "Id = :id AND begins_with(ReplyDateTime, :m)",
    "ExpressionAttributeValues": {":id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}, ":m": {"S": "2015-09"}}}'));
SELECT regress_keys(gt.query('{"TableName": "Reply",
    "KeyConditionExpression": ":d < ReplyDateTime AND :id = Id",
    "ExpressionAttributeValues": {":id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}, ":d": {"S": "2015-10"}}}'));
SELECT regress_keys(gt.query('{"TableName": "Reply",
    "KeyConditionExpression": "Id = :id",
    "ExpressionAttributeValues": {":id": {"S": "no such thread"}}}'));

-- A filter is applied after Limit: Count after it, ScannedCount before.
SELECT regress_keys(regress_query('{"FilterExpression": "Votes > :v",
    "ExpressionAttributeValues": {":id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}, ":v": {"N": "5"}}}'));
SELECT regress_keys(regress_query('{"FilterExpression": "Votes > :v", "Limit": 2,
    "ExpressionAttributeValues": {":id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}, ":v": {"N": "5"}}}'));
-- Pagination: each page starts after the previous page's LastEvaluatedKey.
SELECT regress_keys(regress_query('{"Limit": 3}'));
SELECT regress_keys(regress_query('{"Limit": 3, "ExclusiveStartKey": {"Id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"},
    "ReplyDateTime": {"S": "2015-09-29T19:58:22.947Z"}}}'));
SELECT regress_keys(regress_query('{"Limit": 2, "ScanIndexForward": false, "ExclusiveStartKey": {"Id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"},
    "ReplyDateTime": {"S": "2015-09-29T19:58:22.947Z"}}}'));
-- Select and ProjectionExpression.
SELECT regress_query('{"Select": "COUNT"}');
SELECT regress_query('{"ProjectionExpression": "PostedBy, Votes", "Limit": 2}');
SELECT regress_query('{"Select": "SPECIFIC_ATTRIBUTES", "ProjectionExpression": "#m", "Limit": 1,
    "ExpressionAttributeNames": {"#m": "Message"}}');

-- Number range keys sort as numbers, binary ones as bytes.
SELECT gt.create_table('{"TableName": "regress_sorted",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "n", "AttributeType": "N"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.put_item('regress_sorted', jsonb_build_object('pk', '{"S": "a"}'::jsonb, 'n', jsonb_build_object('N', n)))
FROM unnest(ARRAY['10', '9', '-1.5', '1E2', '0.25', '2']) n;
SELECT string_agg(i->'n'->>'N', ' ') FROM gt.query('regress_sorted', 'pk = :a', '{":a": {"S": "a"}}') i;
SELECT string_agg(i->'n'->>'N', ' ') FROM gt.query('regress_sorted', 'pk = :a AND n BETWEEN :lo AND :hi',
    '{":a": {"S": "a"}, ":lo": {"N": "0"}, ":hi": {"N": "10"}}', scan_index_forward => false) i;
SELECT gt.create_table('{"TableName": "regress_bytes",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "b", "AttributeType": "B"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.put_item('regress_bytes', jsonb_build_object('pk', '{"S": "a"}'::jsonb, 'b', jsonb_build_object('B', encode(b, 'base64'))))
FROM unnest(ARRAY['\xff'::bytea, '\x00', '\x7f01', '\x7f', '\x80']) b;
SELECT string_agg(encode(decode(i->'b'->>'B', 'base64'), 'hex'), ' ') FROM gt.query('regress_bytes', 'pk = :a', '{":a": {"S": "a"}}') i;
SELECT string_agg(encode(decode(i->'b'->>'B', 'base64'), 'hex'), ' ') FROM gt.query('regress_bytes', 'pk = :a AND begins_with(b, :p)',
    '{":a": {"S": "a"}, ":p": {"B": "fw=="}}') i;

-- Query errors.
SELECT gt.query('{"TableName": "Reply"}');
SELECT gt.query('{"TableName": "Reply", "KeyConditionExpression": "ReplyDateTime = :d", "ExpressionAttributeValues": {":d": {"S": "x"}}}');
SELECT gt.query('{"TableName": "Reply", "KeyConditionExpression": "Id = :id OR Id = :id", "ExpressionAttributeValues": {":id": {"S": "x"}}}');
SELECT gt.query('{"TableName": "Reply", "KeyConditionExpression": "Id = :id AND Votes > :id", "ExpressionAttributeValues": {":id": {"S": "x"}}}');
SELECT gt.query('{"TableName": "Reply", "KeyConditionExpression": "Id = :id AND Id = :id", "ExpressionAttributeValues": {":id": {"S": "x"}}}');
SELECT gt.query('{"TableName": "Reply", "KeyConditionExpression": "Id > :id", "ExpressionAttributeValues": {":id": {"S": "x"}}}');
SELECT gt.query('{"TableName": "Reply", "KeyConditionExpression": "Id = :id", "ExpressionAttributeValues": {":id": {"N": "1"}}}');
SELECT gt.query('{"TableName": "Reply", "KeyConditionExpression": "Id = :id AND ReplyDateTime <> :id", "ExpressionAttributeValues": {":id": {"S": "x"}}}');
SELECT gt.query('{"TableName": "Reply", "KeyConditionExpression": "Id = :id AND contains(ReplyDateTime, :id)", "ExpressionAttributeValues": {":id": {"S": "x"}}}');
SELECT gt.query('{"TableName": "Reply", "KeyConditionExpression": "Id.x = :id", "ExpressionAttributeValues": {":id": {"S": "x"}}}');
SELECT gt.query('{"TableName": "Reply", "KeyConditionExpression": "Id = ReplyDateTime"}');
SELECT gt.query('{"TableName": "regress_sorted", "KeyConditionExpression": "pk = :a AND begins_with(n, :n)", "ExpressionAttributeValues": {":a": {"S": "a"}, ":n": {"N": "1"}}}');
SELECT regress_query('{"IndexName": "ByVotes"}');
SELECT regress_query('{"Select": "ALL_ATTRIBUTES", "ProjectionExpression": "Votes"}');
SELECT regress_query('{"Select": "SPECIFIC_ATTRIBUTES"}');
SELECT regress_query('{"Select": "ALL_PROJECTED_ATTRIBUTES"}');
SELECT regress_query('{"Select": "SOME"}');
SELECT regress_query('{"Limit": 0}');
SELECT regress_query('{"Limit": "ten"}');
SELECT regress_query('{"ExclusiveStartKey": {"Id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}}}');
SELECT regress_query('{"ProjectionExpression": "Votes, Votes"}');
SELECT regress_query('{"KeyConditions": {}}');

-- Scan: every item once, in key order, page by page; a filter; projections.
SELECT regress_keys(gt.scan('{"TableName": "Reply", "Limit": 4}'::jsonb));
SELECT regress_keys(gt.scan('{"TableName": "Reply", "Limit": 4, "ExclusiveStartKey":
    {"Id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}, "ReplyDateTime": {"S": "2015-10-06T19:58:22.947Z"}}}'::jsonb));
SELECT regress_keys(gt.scan('{"TableName": "Reply", "FilterExpression": "begins_with(PostedBy, :u) AND Votes >= :v",
    "ExpressionAttributeValues": {":u": {"S": "User"}, ":v": {"N": "6"}}}'::jsonb));
SELECT gt.scan('{"TableName": "Reply", "Select": "COUNT"}'::jsonb);
SELECT count(*) FROM gt.scan('Reply');
SELECT i->'PostedBy'->>'S' AS posted_by FROM gt.scan('Reply', 'Votes = :v', '{":v": {"N": "3"}}') i ORDER BY 1;
-- A request given as a string literal calls the short form, which says so.
SELECT gt.scan('{"TableName": "Reply"}');
-- Parallel scan: the segments are disjoint and together hold every item.
SELECT s.segment, jsonb_array_length(p->'Items') AS items
FROM generate_series(0, 2) s(segment),
     LATERAL (SELECT gt.scan(jsonb_build_object('TableName', 'Reply', 'Segment', s.segment, 'TotalSegments', 3)) p) x
ORDER BY 1;
SELECT count(*) AS items, count(DISTINCT i) AS distinct_items
FROM generate_series(0, 2) s(segment),
     LATERAL jsonb_array_elements(gt.scan(jsonb_build_object('TableName', 'Reply', 'Segment', s.segment, 'TotalSegments', 3))->'Items') i;
SELECT gt.scan('{"TableName": "Reply", "Segment": 1}'::jsonb);
SELECT gt.scan('{"TableName": "Reply", "Segment": 3, "TotalSegments": 3}'::jsonb);
SELECT gt.scan('{"TableName": "Reply", "Segment": 0, "TotalSegments": 0}'::jsonb);
SELECT gt.scan('{"TableName": "Reply", "FilterExpression": "Votes > :v"}'::jsonb);

-- A page ends after 1 MB of items: 11 items of 100 KB make the first.
SELECT gt.put_item('regress_sorted', jsonb_build_object('pk', '{"S": "big"}'::jsonb, 'n', jsonb_build_object('N', n::text),
    'blob', jsonb_build_object('S', repeat('x', 100 * 1024))))
FROM generate_series(1, 15) n;
SELECT jsonb_array_length(p->'Items') AS items, p->'LastEvaluatedKey' AS last_evaluated_key
FROM gt.query('{"TableName": "regress_sorted", "KeyConditionExpression": "pk = :b",
    "ExpressionAttributeValues": {":b": {"S": "big"}}, "ProjectionExpression": "n"}') p;
SELECT count(*) FROM gt.query('regress_sorted', 'pk = :b', '{":b": {"S": "big"}}');

-- A page is written in jsonb's binary form directly (src/api/gt_api_page.c):
-- it equals the same JSON parsed, past the 32 items after which jsonb keeps
-- offsets rather than lengths.
SELECT gt.put_item('regress_sorted', jsonb_build_object('pk', '{"S": "many"}'::jsonb, 'n', jsonb_build_object('N', n::text)))
FROM generate_series(1, 70) n \g /dev/null
SELECT p = (p::text)::jsonb AS same, jsonb_array_length(p->'Items') AS items,
       p->'Items'->69->'n' AS last, p->'Items'->32 = (p::text::jsonb)->'Items'->32 AS same_33rd,
       p->'Count' AS count, jsonb_typeof(p->'Count') AS count_type
FROM gt.query('{"TableName": "regress_sorted", "KeyConditionExpression": "pk = :m",
    "ExpressionAttributeValues": {":m": {"S": "many"}}}') p;
SELECT p = (p::text)::jsonb AS same, p FROM gt.query('{"TableName": "regress_sorted", "KeyConditionExpression": "pk = :m",
    "ExpressionAttributeValues": {":m": {"S": "many"}}, "Limit": 1, "Select": "COUNT"}') p;

-- GetItem with a ProjectionExpression: nested paths and list elements.
SELECT gt.create_table('{"TableName": "ProductCatalog",
    "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "Id", "AttributeType": "N"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.put_item('ProductCatalog', '{"Id": {"N": "123"}, "Title": {"S": "Bicycle 123"},
    "Price": {"N": "500"}, "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]},
    "ProductReviews": {"M": {"FiveStar": {"L": [{"S": "Excellent!"}, {"S": "Do yourself a favor"}]},
                             "OneStar": {"L": [{"S": "Terrible product!"}]}}}}');
SELECT gt.get_item('{"TableName": "ProductCatalog", "Key": {"Id": {"N": "123"}},
    "ProjectionExpression": "Title, Price, RelatedItems[2], RelatedItems[0], ProductReviews.FiveStar[1], Nothing"}');
SELECT gt.get_item('{"TableName": "ProductCatalog", "Key": {"Id": {"N": "123"}},
    "ProjectionExpression": "#pr.OneStar", "ExpressionAttributeNames": {"#pr": "ProductReviews"}}');
SELECT gt.get_item('{"TableName": "ProductCatalog", "Key": {"Id": {"N": "123"}}, "ProjectionExpression": "Nothing"}');
SELECT gt.get_item('{"TableName": "ProductCatalog", "Key": {"Id": {"N": "123"}}, "ProjectionExpression": "ProductReviews, ProductReviews.OneStar"}');
SELECT gt.get_item('{"TableName": "ProductCatalog", "Key": {"Id": {"N": "123"}}, "ProjectionExpression": "Name"}');
SELECT gt.get_item('{"TableName": "ProductCatalog", "Key": {"Id": {"N": "123"}}, "ExpressionAttributeNames": {"#x": "x"}}');

DROP FUNCTION regress_query(jsonb);
DROP FUNCTION regress_keys(jsonb);
SELECT gt.delete_table(t) -> 'TableDescription' ->> 'TableStatus' AS status
FROM unnest(ARRAY['Reply', 'regress_sorted', 'regress_bytes', 'ProductCatalog']) t;
