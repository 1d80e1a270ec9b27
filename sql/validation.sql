-- predictability
SET synchronous_commit = on;
\set SHOW_CONTEXT never

-- Every request the API rejects, and why.  Validation happens before
-- anything is written: the end of this file shows that nothing was.

SELECT gt.create_table('{"TableName": "regress_valid",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                  {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                             {"AttributeName": "sk", "AttributeType": "S"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.create_table('{"TableName": "regress_vnum",
    "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "n", "AttributeType": "N"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.create_table('{"TableName": "regress_vbin",
    "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"},
                  {"AttributeName": "r", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "B"},
                             {"AttributeName": "r", "AttributeType": "B"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;

--
-- Requests of the item API
--
-- Not a JSON object.
SELECT gt.put_item(NULL::jsonb);
SELECT gt.put_item('[]');
SELECT gt.get_item('"regress_valid"');
SELECT gt.delete_item('42');
-- Unknown parameters (the hint lists the known ones), also ones that
-- DynamoDB has but this API does not support.
SELECT gt.put_item('{"TableName": "regress_valid", "Item": {}, "Bogus": 1}');
SELECT gt.put_item('{"TableName": "regress_valid", "Item": {}, "Expected": {"pk": {"Exists": false}}}');
SELECT gt.get_item('{"TableName": "regress_valid", "Key": {}, "AttributesToGet": ["pk"]}');
SELECT gt.delete_item('{"TableName": "regress_valid", "Key": {}, "tablename": "x"}');
-- TableName missing or not a string.
SELECT gt.put_item('{"Item": {"pk": {"S": "k"}, "sk": {"S": "s"}}}');
SELECT gt.get_item('{"Key": {"pk": {"S": "k"}, "sk": {"S": "s"}}}');
SELECT gt.delete_item('{"Key": {"pk": {"S": "k"}, "sk": {"S": "s"}}}');
SELECT gt.put_item('{"TableName": 5, "Item": {}}');
SELECT gt.get_item('{"TableName": null, "Key": {}}');
SELECT gt.delete_item('{"TableName": ["regress_valid"], "Key": {}}');
SELECT gt.put_item(NULL, '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
-- Item or Key missing, or not objects.
SELECT gt.put_item('{"TableName": "regress_valid"}');
SELECT gt.get_item('{"TableName": "regress_valid"}');
SELECT gt.delete_item('{"TableName": "regress_valid"}');
SELECT gt.put_item('{"TableName": "regress_valid", "Item": null}');
SELECT gt.put_item('{"TableName": "regress_valid", "Item": [{"pk": {"S": "k"}}]}');
SELECT gt.put_item('regress_valid', NULL);
SELECT gt.get_item('{"TableName": "regress_valid", "Key": "k"}');
SELECT gt.get_item('regress_valid', NULL);
SELECT gt.delete_item('{"TableName": "regress_valid", "Key": []}');
SELECT gt.delete_item('regress_valid', NULL);
-- ConsistentRead must be a boolean.
SELECT gt.get_item('{"TableName": "regress_valid", "Key": {"pk": {"S": "k"}, "sk": {"S": "s"}},
    "ConsistentRead": "true"}');
-- ReturnValues: NONE or ALL_OLD.
SELECT gt.put_item('{"TableName": "regress_valid", "Item": {"pk": {"S": "k"}, "sk": {"S": "s"}},
    "ReturnValues": "ALL_NEW"}');
SELECT gt.put_item('{"TableName": "regress_valid", "Item": {"pk": {"S": "k"}, "sk": {"S": "s"}},
    "ReturnValues": "all_old"}');
SELECT gt.delete_item('{"TableName": "regress_valid", "Key": {"pk": {"S": "k"}, "sk": {"S": "s"}},
    "ReturnValues": "UPDATED_OLD"}');
SELECT gt.delete_item('{"TableName": "regress_valid", "Key": {"pk": {"S": "k"}, "sk": {"S": "s"}},
    "ReturnValues": 1}');
SELECT gt.get_item('{"TableName": "regress_valid", "Key": {"pk": {"S": "k"}, "sk": {"S": "s"}},
    "ReturnValues": "ALL_OLD"}');

--
-- Table names: 3 to 255 of letters, digits, "_", "-" and "."
--
SELECT gt.put_item('', '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.put_item('ab', '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.get_item(repeat('t', 256), '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.get_item('regress valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.delete_item('regress_valid;', '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.put_item('regress_valid"; DROP TABLE regress_valid; --', '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.put_item('regress''valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.put_item('public.regress/valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.put_item('régress', '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
-- Well-formed names of tables that do not exist (255 characters is valid).
SELECT gt.put_item('regress_nosuch', '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.get_item('{"TableName": "Regress_Valid", "Key": {"pk": {"S": "k"}, "sk": {"S": "s"}}}');
SELECT gt.delete_item('regress-valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.get_item(repeat('t', 255), '{"pk": {"S": "k"}, "sk": {"S": "s"}}') IS NULL;

--
-- AttributeValues: each value is a JSON object with exactly one data type
-- descriptor.  Errors name the top-level attribute.
--
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": "text"}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": null}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": ["S", "x"]}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"S": "x", "N": "1"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"X": "x"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"s": "x"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"": "x"}}');
-- S
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"S": 1}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"S": null}}');
-- N: a JSON string with DynamoDB's number syntax.
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": 1}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": ""}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "abc"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": " 1"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "1 "}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "+1"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "--1"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "-"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "."}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "1.2.3"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "1,5"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "1e"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "1e+"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "e5"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "0x1F"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "NaN"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "Infinity"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "-Infinity"}}');
-- N: at most 38 significant digits (leading and trailing zeros do not count).
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "123456789012345678901234567890123456789"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "1.23456789012345678901234567890123456789"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "-0.000123456789012345678901234567890123456789"}}');
-- N: magnitude from 1E-130 to 9.99...9E+125.
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "1E+126"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "-10E125"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "1e999999999999"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "1E-131"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"N": "-0.1E-130"}}');
-- A long invalid value is cut short in the message.
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', '{"S": "k"}'::jsonb, 'sk', '{"S": "s"}'::jsonb,
    'a', jsonb_build_object('N', repeat('9', 200))));
-- B: canonical base64 in a JSON string.
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": 1}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": "abc"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": "ab!="}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": "ab-_"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": "Q==="}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": "AA=A"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": "AA==AAAA"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": "QQ== "}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": "QUJD\nREVG"}}');
-- Non-canonical: the bits the padding leaves unused must be zero ("QR=="
-- would decode to the same byte as "QQ==").
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": "QR=="}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"B": "QUJ="}}');
-- Sets: non-empty JSON arrays of strings, without duplicates.
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"SS": "x"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"SS": []}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"SS": ["x", 1]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"SS": ["x", "y", "x"]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NS": {"1": "1"}}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NS": []}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NS": [1, 2]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NS": ["1", "one"]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NS": ["1", "1E+999"]}}');
-- NS members are duplicates when their values are equal, however spelt.
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NS": ["1", "2", "1.0"]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NS": ["100", "1E2"]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NS": ["0.5", "50e-2"]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NS": ["0", "-0.00"]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"BS": "AA=="}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"BS": []}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"BS": [true]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"BS": ["AA==", "A"]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"BS": ["AA==", "AQ==", "AA=="]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"BS": ["", ""]}}');
-- M and L, and the values inside them.
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"M": []}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"M": "x"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"M": {"x": "y"}}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"M": {"x": {"M": {"y": {"N": "x"}}}}}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"L": {}}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"L": "x"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"L": [{"S": "ok"}, {"SS": []}]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"L": [1]}}');
-- BOOL: a JSON boolean.  NULL: true, and only true.
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"BOOL": "true"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"BOOL": 1}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"BOOL": null}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NULL": false}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NULL": "true"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"NULL": null}}');
-- Nesting: a top-level value is at depth 1; 32 is the deepest allowed.
SELECT gt.put_item('regress_valid', ('{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": '
    || repeat('{"M": {"x": ', 32) || '{"S": "deep"}' || repeat('}}', 32) || '}')::jsonb);
SELECT gt.put_item('regress_valid', ('{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": '
    || repeat('{"L": [', 32) || '{"NULL": true}' || repeat(']}', 32) || '}')::jsonb);
SELECT gt.put_item('regress_valid', ('{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": '
    || repeat('{"L": [', 16) || repeat('{"M": {"x": ', 16) || '{"L": []}'
    || repeat('}}', 16) || repeat(']}', 16) || '}')::jsonb);
-- Attribute names: not empty, at most 65535 bytes, and not in the
-- "aws:rep:" namespace of global table replication.
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "": {"S": "x"}}');
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', '{"S": "k"}'::jsonb, 'sk', '{"S": "s"}'::jsonb,
    repeat('n', 65536), '{"S": "x"}'::jsonb));
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', '{"S": "k"}'::jsonb, 'sk', '{"S": "s"}'::jsonb,
    'a', jsonb_build_object('M', jsonb_build_object(repeat('é', 32768), '{"S": "x"}'::jsonb))));
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "aws:rep:updatetime": {"N": "1"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "aws:rep:": {"S": "x"}}');

--
-- Key attributes: present, of the declared type, not empty, and at most
-- 2048 bytes (hash key) or 1024 bytes (range key).
--
SELECT gt.put_item('regress_valid', '{"sk": {"S": "s"}, "a": {"S": "x"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "a": {"S": "x"}}');
SELECT gt.put_item('regress_valid', '{"PK": {"S": "k"}, "sk": {"S": "s"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"N": "1"}, "sk": {"S": "s"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"SS": ["s"]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"NULL": true}, "sk": {"S": "s"}}');
SELECT gt.put_item('regress_vnum', '{"n": {"S": "1"}}');
SELECT gt.put_item('regress_vnum', '{"n": {"NS": ["1"]}}');
SELECT gt.put_item('regress_vbin', '{"h": {"S": "AA=="}, "r": {"B": "AA=="}}');
SELECT gt.put_item('regress_vbin', '{"h": {"B": "AA=="}, "r": {"BS": ["AA=="]}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": ""}, "sk": {"S": "s"}}');
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": ""}}');
SELECT gt.put_item('regress_vbin', '{"h": {"B": ""}, "r": {"B": "AA=="}}');
SELECT gt.put_item('regress_vbin', '{"h": {"B": "AA=="}, "r": {"B": ""}}');
-- Invalid values in key attributes are reported as such.
SELECT gt.put_item('regress_valid', '{"pk": {"S": 1}, "sk": {"S": "s"}}');
SELECT gt.put_item('regress_vnum', '{"n": {"N": "1.2.3"}}');
SELECT gt.put_item('regress_vnum', '{"n": {"N": "1E+126"}}');
SELECT gt.put_item('regress_vbin', '{"h": {"B": "QR=="}, "r": {"B": "AA=="}}');
-- Sizes: UTF-8 bytes for S, decoded bytes for B.
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', jsonb_build_object('S', repeat('k', 2049)),
    'sk', '{"S": "s"}'::jsonb));
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', jsonb_build_object('S', repeat('€', 683)),
    'sk', '{"S": "s"}'::jsonb));
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', '{"S": "k"}'::jsonb,
    'sk', jsonb_build_object('S', repeat('s', 1025))));
SELECT gt.put_item('regress_vbin', jsonb_build_object(
    'h', jsonb_build_object('B', translate(encode(convert_to(repeat('h', 2049), 'UTF8'), 'base64'), E'\n', '')),
    'r', '{"B": "AA=="}'::jsonb));
SELECT gt.put_item('regress_vbin', jsonb_build_object('h', '{"B": "AA=="}'::jsonb,
    'r', jsonb_build_object('B', translate(encode(convert_to(repeat('r', 1025), 'UTF8'), 'base64'), E'\n', ''))));
-- The limits themselves are accepted.
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', jsonb_build_object('S', repeat('k', 2048)),
    'sk', jsonb_build_object('S', repeat('s', 1024))));
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', jsonb_build_object('S', repeat('€', 682)),
    'sk', jsonb_build_object('S', repeat('é', 512))));
SELECT gt.put_item('regress_vbin', jsonb_build_object(
    'h', jsonb_build_object('B', translate(encode(convert_to(repeat('h', 2048), 'UTF8'), 'base64'), E'\n', '')),
    'r', jsonb_build_object('B', translate(encode(convert_to(repeat('r', 1024), 'UTF8'), 'base64'), E'\n', ''))));

-- Keys of GetItem and DeleteItem: exactly the key attributes.
SELECT gt.get_item('regress_valid', '{"pk": {"S": "k"}}');
SELECT gt.get_item('regress_valid', '{"sk": {"S": "s"}}');
SELECT gt.get_item('regress_valid', '{}');
SELECT gt.get_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "a": {"S": "x"}}');
SELECT gt.delete_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "s"}, "pk2": {"S": "x"}}');
SELECT gt.get_item('regress_valid', '{"pk": {"N": "1"}, "sk": {"S": "s"}}');
SELECT gt.get_item('regress_valid', '{"pk": {"S": ""}, "sk": {"S": "s"}}');
SELECT gt.get_item('regress_valid', '{"pk": {"S": "k"}, "sk": "s"}');
SELECT gt.get_item('regress_vnum', '{"n": {"N": "one"}}');
SELECT gt.delete_item('regress_vnum', '{"n": {"N": "1", "S": "1"}}');
SELECT gt.delete_item('regress_vbin', '{"h": {"B": "AA=="}, "r": {"B": "AA"}}');
SELECT gt.delete_item('regress_valid', jsonb_build_object('pk', jsonb_build_object('S', repeat('k', 2049)),
    'sk', '{"S": "s"}'::jsonb));
SELECT gt.delete_item('regress_valid', jsonb_build_object('pk', '{"S": "k"}'::jsonb,
    'sk', jsonb_build_object('S', repeat('s', 1025))));

--
-- Item size: at most 400 KB (409600 bytes), counting attribute names and
-- values.  This item is 7 bytes plus the length of "d".
--
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', '{"S": "k"}'::jsonb, 'sk', '{"S": "s"}'::jsonb,
    'd', jsonb_build_object('S', repeat('x', 409600 - 7 + 1))));
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', '{"S": "k"}'::jsonb, 'sk', '{"S": "s"}'::jsonb,
    'd', jsonb_build_object('L', jsonb_build_array(jsonb_build_object('S', repeat('x', 204800)),
                                                   jsonb_build_object('S', repeat('x', 204800))))));
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', '{"S": "k"}'::jsonb, 'sk', '{"S": "big"}'::jsonb,
    'd', jsonb_build_object('S', repeat('x', 409600 - 9))));
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', '{"S": "k"}'::jsonb, 'sk', '{"S": "399k"}'::jsonb,
    'd', jsonb_build_object('S', repeat('x', 399 * 1024 - 10))));

-- Items that are valid at the limits of each rule.
SELECT gt.put_item('regress_valid', '{"pk": {"S": "k"}, "sk": {"S": "limits"},
    "n1": {"N": "12345678901234567890123456789012345678"},
    "n2": {"N": "-9.9999999999999999999999999999999999999E+125"},
    "n3": {"N": "1E-130"},
    "n4": {"N": "0E-999"},
    "n5": {"N": "100000000000000000000000000000000000000000000"},
    "n6": {"N": "000000000000000000000000000000000000000000001"},
    "n7": {"N": ".5"},
    "n8": {"N": "5."},
    "n9": {"N": "-0"},
    "b1": {"B": ""},
    "b2": {"B": "QQ=="},
    "ns": {"NS": ["1", "-1", "1.5", "15E-2"]},
    "m":  {"M": {"aws:rep:nested": {"S": "only top-level names are reserved"}, "": {"NULL": true}}}
}');
SELECT gt.put_item('regress_valid', ('{"pk": {"S": "k"}, "sk": {"S": "deep"}, "a": '
    || repeat('{"M": {"x": ', 31) || '{"S": "deep"}' || repeat('}}', 31) || '}')::jsonb);
SELECT gt.put_item('regress_valid', jsonb_build_object('pk', '{"S": "k"}'::jsonb, 'sk', '{"S": "long name"}'::jsonb,
    repeat('n', 65535), '{"S": "x"}'::jsonb));

--
-- Internal validators called directly with a bad key schema.
--
SELECT gt._validate_item('{}', NULL, 'S', NULL, NULL);
SELECT gt._validate_item('{}', 'pk', 'X', NULL, NULL);
SELECT gt._validate_item('{}', 'pk', 'S', 'sk', NULL);
SELECT gt._validate_key('{}', 'pk', 'S', 'pk', 'S');
SELECT gt._validate_key(NULL, 'pk', 'S', NULL, NULL);

--
-- Requests of the table API
--
SELECT gt.create_table(NULL);
SELECT gt.create_table('[]');
SELECT gt.create_table('{"TableName": "regress_x", "KeySchema": [], "AttributeDefinitions": [],
    "StreamSpecification": {}}');
SELECT gt.create_table('{"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": 1, "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "ab", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table(jsonb_build_object('TableName', repeat('t', 256),
    'KeySchema', '[{"AttributeName": "id", "KeyType": "HASH"}]'::jsonb,
    'AttributeDefinitions', '[{"AttributeName": "id", "AttributeType": "S"}]'::jsonb));
SELECT gt.create_table('{"TableName": "regress x", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress;x", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress\"x", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');
SELECT gt.create_table('{"TableName": "regress''x", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}');

SELECT gt.describe_table(NULL::jsonb);
SELECT gt.describe_table('[]'::jsonb);
SELECT gt.describe_table('{}'::jsonb);
SELECT gt.describe_table('{"TableName": "regress_valid", "Extra": true}'::jsonb);
SELECT gt.describe_table('{"TableName": false}'::jsonb);
SELECT gt.describe_table('ab');
SELECT gt.describe_table('regress;valid');
SELECT gt.describe_table('regress_nosuch');
SELECT gt.describe_table('{"TableName": "regress_nosuch"}');
SELECT gt.describe_table('{"TableName": ');

SELECT gt.list_tables(NULL);
SELECT gt.list_tables('"regress_valid"');
SELECT gt.list_tables('{"Bogus": 1}');
SELECT gt.list_tables('{"Limit": 0}');
SELECT gt.list_tables('{"Limit": 101}');
SELECT gt.list_tables('{"Limit": -1}');
SELECT gt.list_tables('{"Limit": 1.5}');
SELECT gt.list_tables('{"Limit": "5"}');
SELECT gt.list_tables('{"Limit": null}');
SELECT gt.list_tables('{"ExclusiveStartTableName": 5}');
SELECT gt.list_tables('{"ExclusiveStartTableName": null}');
SELECT gt.list_tables('{"ExclusiveStartTableName": "ab"}');
SELECT gt.list_tables('{"ExclusiveStartTableName": "regress_valid; --"}');

SELECT gt.delete_table(NULL::jsonb);
SELECT gt.delete_table('[]'::jsonb);
SELECT gt.delete_table('{}'::jsonb);
SELECT gt.delete_table('{"TableName": "regress_valid", "Force": true}'::jsonb);
SELECT gt.delete_table('{"TableName": 7}'::jsonb);
SELECT gt.delete_table('ab');
SELECT gt.delete_table('regress;valid');
SELECT gt.delete_table('regress_nosuch');
SELECT gt.delete_table('{"TableName": "regress_nosuch"}');

SELECT gt.update_table(NULL);
SELECT gt.update_table('[]');
SELECT gt.update_table('{"ReplicaUpdates": []}');
SELECT gt.update_table('{"TableName": "regress_valid", "GlobalSecondaryIndexUpdates": []}');
SELECT gt.update_table('{"TableName": ["regress_valid"]}');
SELECT gt.update_table('{"TableName": "ab"}');
SELECT gt.update_table('{"TableName": "regress;valid"}');
SELECT gt.update_table('{"TableName": "regress_nosuch", "ReplicaUpdates": []}');

--
-- Nothing was written: only the valid items above are there, and only
-- the tables created at the top exist.
--
SELECT octet_length(pk) AS pk_bytes, CASE WHEN octet_length(sk) < 20 THEN sk END AS sk,
       octet_length(sk) AS sk_bytes, gt_deleting
    FROM regress_valid ORDER BY octet_length(pk), pk, sk;
SELECT count(*) FROM regress_vnum;
SELECT length(h) AS h_len, length(r) AS r_len, gt_deleting FROM regress_vbin ORDER BY h, r;
SELECT gt.list_tables();
SELECT table_name FROM gt.global_table ORDER BY table_name;
SELECT relname FROM pg_class WHERE relname LIKE 'regress%' AND relkind = 'r' ORDER BY relname;

SELECT gt.delete_table('regress_valid') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.delete_table('regress_vnum') -> 'TableDescription' ->> 'TableStatus' AS status;
SELECT gt.delete_table('regress_vbin') -> 'TableDescription' ->> 'TableStatus' AS status;
