-- DynamoDB's expression language: parsing, placeholders, reserved words
-- and limits, and the errors each rule raises (ValidationException).
-- From the Developer Guide: "Using expressions in DynamoDB"
-- (Expressions.md), "Specifying item attributes when using expressions"
-- (Expressions.Attributes.md), "Expression attribute names"
-- (Expressions.ExpressionAttributeNames.md), "Expression attribute values"
-- (Expressions.ExpressionAttributeValues.md), "Reserved words in DynamoDB"
-- (ReservedWords.md), "Comparison operator and function reference"
-- (Expressions.OperatorsAndFunctions.md), and the quotas page
-- (ServiceQuotas.md: expression length, operators, IN operands, depth).
SELECT gt.create_table('{"TableName": "ProductCatalog",
    "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "Id", "AttributeType": "N"}]}')
    -> 'TableDescription' ->> 'TableStatus' AS status;
-- The guide's sample item (Expressions.Attributes.md).
SELECT gt.put_item('ProductCatalog', '{
    "Id": {"N": "123"}, "Title": {"S": "Bicycle 123"},
    "Description": {"S": "123 description"}, "BicycleType": {"S": "Hybrid"},
    "Brand": {"S": "Brand-Company C"}, "Price": {"N": "500"},
    "Color": {"SS": ["Red", "Black"]}, "ProductCategory": {"S": "Bicycle"},
    "InStock": {"BOOL": true}, "QuantityOnHand": {"NULL": true},
    "RelatedItems": {"L": [{"N": "341"}, {"N": "472"}, {"N": "649"}]},
    "Pictures": {"M": {"FrontView": {"S": "http://example.com/products/123_front.jpg"},
                       "RearView": {"S": "http://example.com/products/123_rear.jpg"},
                       "SideView": {"S": "http://example.com/products/123_left_side.jpg"}}},
    "ProductReviews": {"M": {"FiveStar": {"L": [{"S": "Excellent! Can''t recommend it highly enough! Buy it!"},
                                                {"S": "Do yourself a favor and buy this."}]},
                             "OneStar": {"L": [{"S": "Terrible product! Do not buy this."}]}}},
    "Comment": {"S": "This product sells out quickly during the summer"},
    "Safety.Warning": {"S": "Always wear a helmet"}}');

-- Whether a condition holds for the item: a conditional put of the item
-- itself; an error is shown as its SQLSTATE and message.
CREATE FUNCTION regress_check(condition text, names jsonb DEFAULT NULL, vals jsonb DEFAULT NULL)
    RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gt.put_item(jsonb_strip_nulls(jsonb_build_object(
        'TableName', 'ProductCatalog',
        'Item', gt.get_item('ProductCatalog', '{"Id": {"N": "123"}}'),
        'ConditionExpression', condition,
        'ExpressionAttributeNames', names, 'ExpressionAttributeValues', vals)));
    RETURN 'holds';
EXCEPTION WHEN SQLSTATE 'YD001' THEN
    RETURN 'fails';
WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END
$$;

SELECT regress_check('Price = :p', vals => '{":p": {"N": "500"}}');
SELECT regress_check('Price = :p', vals => '{":p": {"N": "500.00"}}');  -- numbers by value
SELECT regress_check('Price = :p', vals => '{":p": {"S": "500"}}');     -- another type: false
SELECT regress_check('Price <> :p', vals => '{":p": {"S": "500"}}');    -- and <> true
SELECT regress_check('Price < :p', vals => '{":p": {"S": "600"}}');     -- not comparable: false
SELECT regress_check('Price < :p', vals => '{":p": {"N": "1E3"}}');
SELECT regress_check('Price BETWEEN :lo AND :hi', vals => '{":lo": {"N": "499.5"}, ":hi": {"N": "500"}}');
SELECT regress_check('Price IN (:a, :b, :c)', vals => '{":a": {"N": "1"}, ":b": {"S": "500"}, ":c": {"N": "5E2"}}');
SELECT regress_check('Title > :t', vals => '{":t": {"S": "Bicycle 1"}}');   -- S by bytes
SELECT regress_check('Title < :t', vals => '{":t": {"S": "bicycle"}}');     -- "B" < "b"
SELECT regress_check('RelatedItems[1] = :n', vals => '{":n": {"N": "472"}}');
SELECT regress_check('RelatedItems[7] = :n', vals => '{":n": {"N": "472"}}');  -- absent: false
SELECT regress_check('Pictures.FrontView = :u', vals => '{":u": {"S": "http://example.com/products/123_front.jpg"}}');
SELECT regress_check('ProductReviews.FiveStar[1] = :r', vals => '{":r": {"S": "Do yourself a favor and buy this."}}');
SELECT regress_check('#sw = :w', '{"#sw": "Safety.Warning"}', '{":w": {"S": "Always wear a helmet"}}');
SELECT regress_check('Safety.Warning = :w', vals => '{":w": {"S": "Always wear a helmet"}}');  -- a path, not the name
SELECT regress_check('#pr.#5star[0] <> :r', '{"#pr": "ProductReviews", "#5star": "FiveStar"}', '{":r": {"S": "x"}}');
SELECT regress_check('Color = :c', vals => '{":c": {"SS": ["Black", "Red"]}}');   -- sets unordered
SELECT regress_check('attribute_exists(Pictures.SideView) AND attribute_not_exists(Pictures.TopView)');
SELECT regress_check('attribute_exists(QuantityOnHand)');   -- NULL is a value
SELECT regress_check('attribute_type(Color, :t) AND attribute_type(InStock, :b)', vals => '{":t": {"S": "SS"}, ":b": {"S": "BOOL"}}');
SELECT regress_check('begins_with(Pictures.FrontView, :h)', vals => '{":h": {"S": "http://"}}');
SELECT regress_check('contains(Color, :c) AND contains(Description, :d) AND contains(RelatedItems, :n)',
    vals => '{":c": {"S": "Red"}, ":d": {"S": "desc"}, ":n": {"N": "649"}}');
SELECT regress_check('size(Description) > :n AND size(Color) = :two AND size(ProductReviews) = :two AND size(RelatedItems) = :three',
    vals => '{":n": {"N": "10"}, ":two": {"N": "2"}, ":three": {"N": "3"}}');
SELECT regress_check('size(Nothing) = :n OR NOT (Price > :n)', vals => '{":n": {"N": "0"}}');
-- Precedence: NOT, then AND, then OR.
SELECT regress_check('Price = :a OR Price = :b AND Price = :c', vals => '{":a": {"N": "500"}, ":b": {"N": "1"}, ":c": {"N": "2"}}');
SELECT regress_check('(Price = :a OR Price = :b) AND Price = :c', vals => '{":a": {"N": "500"}, ":b": {"N": "1"}, ":c": {"N": "2"}}');
SELECT regress_check('NOT Price = :b AND Price = :a', vals => '{":a": {"N": "500"}, ":b": {"N": "1"}}');
-- Keywords in any case.
SELECT regress_check('price = :p or Price between :p and :p', vals => '{":p": {"N": "500"}}');

-- Syntax errors point at the token.
SELECT regress_check('Price = = :p', vals => '{":p": {"N": "500"}}');
SELECT regress_check('Price =', vals => '{":p": {"N": "500"}}');
SELECT regress_check('Price ! :p', vals => '{":p": {"N": "500"}}');
SELECT regress_check('(Price = :p', vals => '{":p": {"N": "500"}}');
SELECT regress_check('');
SELECT regress_check('   ');
-- Reserved words only through #names.
SELECT regress_check('Comment = :c', vals => '{":c": {"S": "x"}}');
SELECT regress_check('#c = :c', '{"#c": "Comment"}', '{":c": {"S": "This product sells out quickly during the summer"}}');
SELECT regress_check('Pictures.Size = :c', vals => '{":c": {"S": "x"}}');
-- Placeholders: undefined, unused, malformed, empty.
SELECT regress_check('Price = :p');
SELECT regress_check('#p = :p', vals => '{":p": {"N": "500"}}');
SELECT regress_check('Price = :p', vals => '{":p": {"N": "500"}, ":q": {"N": "1"}, ":r": {"N": "1"}}');
SELECT regress_check('Price = :p', '{"#unused": "x"}', '{":p": {"N": "500"}}');
SELECT regress_check('Price = :p', '{}', '{":p": {"N": "500"}}');
SELECT regress_check('Price = :p', vals => '{}');
SELECT regress_check('Price = :p', vals => '{"p": {"N": "500"}}');
SELECT regress_check('Price = :p', vals => '{":p": {"N": "five"}}');
SELECT gt.put_item('{"TableName": "ProductCatalog", "Item": {"Id": {"N": "1"}},
    "ExpressionAttributeValues": {":p": {"N": "1"}}}');
-- Functions: unknown, misplaced, wrong operands; case-sensitive names.
SELECT regress_check('attribute_exist(Price)');
SELECT regress_check('Attribute_Exists(Price)');
SELECT regress_check('size(Price)');
SELECT regress_check('attribute_exists(Price) = :p', vals => '{":p": {"N": "1"}}');
SELECT regress_check('begins_with(Title)');
SELECT regress_check('begins_with(:t, Title)', vals => '{":t": {"S": "B"}}');
SELECT regress_check('begins_with(Title, :n)', vals => '{":n": {"N": "1"}}');
SELECT regress_check('attribute_type(Price, :t)', vals => '{":t": {"S": "NUMBER"}}');
SELECT regress_check('if_not_exists(Price, :p) = :p', vals => '{":p": {"N": "1"}}');
SELECT regress_check('size(Price) > :p', vals => '{":p": {"N": "1"}}');
-- Limits: 4 KB, 300 operators, 100 IN operands, 32 levels.
SELECT regress_check('Price = :p' || repeat(' ', 4096), vals => '{":p": {"N": "500"}}');
SELECT regress_check('a < :p' || repeat(' OR a < :p', 150), vals => '{":p": {"N": "500"}}');
SELECT regress_check('a < :p' || repeat(' OR a < :p', 149), vals => '{":p": {"N": "500"}}');
SELECT regress_check('Price IN (' || rtrim(repeat(':p, ', 101), ', ') || ')', vals => '{":p": {"N": "500"}}');
SELECT regress_check('Price IN (' || rtrim(repeat(':p, ', 100), ', ') || ')', vals => '{":p": {"N": "500"}}');
SELECT regress_check('attribute_exists(a' || repeat('.b', 32) || ')');
SELECT regress_check('attribute_exists(a' || repeat('.b', 31) || ')');

DROP FUNCTION regress_check(text, jsonb, jsonb);
SELECT gt.delete_table('ProductCatalog') -> 'TableDescription' ->> 'TableStatus' AS status;
