/*-------------------------------------------------------------------------
 *
 * gt_item.c
 *		Validation and sizing of DynamoDB items stored as jsonb.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/item/gt_item.c
 *
 * NOTES
 *	  What is checked
 *		An item is a JSON object mapping attribute names to AttributeValues
 *		(item/gt_attr.c), e.g. {"id": {"S": "a"}, "n": {"N": "1.5"}}.  This
 *		file checks items and keys against DynamoDB's own rules (one data
 *		type descriptor per value, number syntax, precision and range, strict
 *		base64, non-empty duplicate-free sets, nesting depth, key attribute
 *		types and sizes, item size), and turns a key attribute into the value
 *		of its key column.
 *
 *	  Why validate first
 *		The item API calls these functions on its whole input before it
 *		writes anything, so bad input changes nothing: no row is written and
 *		nothing is sent to other regions.  Everything DynamoDB would reject
 *		is rejected here, and every failure is DynamoDB's ValidationException
 *		(SQLSTATE YD000, gt/error.h), an oversized item included.  Callers,
 *		tests and the fuzzers rely on it.  Nothing here reads or writes the database, so the SQL
 *		wrappers gt._validate_item() and gt._validate_key() are immutable
 *		and safe in parallel workers (CALLED ON NULL INPUT, because the range
 *		key is optional).
 *
 *	  Memory
 *		Everything is allocated in the caller's memory context; nothing is
 *		kept after return.  Error messages clip long names and values so
 *		that a 64 kB attribute name does not end up in the server log in
 *		full.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "gt/attr.h"
#include "gt/error.h"
#include "gt/item.h"

/* Names starting with this prefix belong to DynamoDB global tables. */
#define GT_ITEM_RESERVED_PREFIX		"aws:rep:"

/* Longest name or value, in bytes, quoted in full in an error message. */
#define GT_ITEM_MESSAGE_CLIP		100

/* One member of a set, as compared for duplicates. */
typedef struct GtSetElement
{
	const char *data;
	int			len;
} GtSetElement;


static char *clip_for_message(const char *s, int len);
static void check_attribute_name(const char *name, int len, bool top_level);
static GtAttrType get_descriptor(const char *attname, JsonbValue *value,
								 JsonbValue *inner);
static void check_number(const char *attname, const char *s, int len,
						 char **canonical);
static void check_set(const char *attname, GtAttrType type, JsonbValue *inner);
static int	compare_set_elements(const void *a, const void *b);
static void check_map(const char *attname, JsonbValue *inner, int depth);
static void check_list(const char *attname, JsonbValue *inner, int depth);
static void check_key_attribute(JsonbContainer *root, const char *name,
								char want, bool is_hash);
static void key_schema_from_args(FunctionCallInfo fcinfo, GtKeySchema *ks);
static char parse_key_type(text *arg, const char *param);


/*
 * gt_item_validate_item
 *		Check that item is a valid DynamoDB item for key schema ks.
 *
 * item must be a JSON object whose keys are attribute names and whose values
 * are AttributeValues.  Every attribute is checked, then the key attributes
 * of ks (present, of the declared scalar type, non-empty, within the key
 * size limits), then the item size.
 *
 * Returns normally if the item is valid and ERRORs otherwise; it never
 * modifies the item.  The item API calls this before writing anything.
 */
void
gt_item_validate_item(Jsonb *item, const GtKeySchema *ks)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *attname = NULL;
	Size		size;

	if (!JB_ROOT_IS_OBJECT(item))
		ereport(ERROR,
				(errdynamo(ValidationException, "item must be a JSON object")));

	it = JsonbIteratorInit(&item->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			check_attribute_name(v.val.string.val, v.val.string.len, true);
			attname = clip_for_message(v.val.string.val, v.val.string.len);
		}
		else if (tok == WJB_VALUE)
		{
			gt_item_validate_value(attname, &v, 1);
			pfree(attname);
			attname = NULL;
		}
	}

	check_key_attribute(&item->root, ks->hash_name, ks->hash_type, true);
	if (ks->range_name != NULL)
		check_key_attribute(&item->root, ks->range_name, ks->range_type,
							false);

	size = gt_item_size(item);
	if (size > GT_ITEM_MAX_SIZE)
		ereport(ERROR,
				(errdynamo(ValidationException, "Item size has exceeded the maximum allowed size"),
				 errdetail("Item size is %zu bytes; the limit is %d bytes.",
						   size, GT_ITEM_MAX_SIZE)));
}

/*
 * gt_item_validate_key
 *		Check that key holds exactly the key attributes of ks.
 *
 * key must be a JSON object with the hash key attribute, the range key
 * attribute if ks has one, and nothing else; each must be of its declared
 * scalar type, non-empty and within the key size limits.  Used by get and
 * delete, which address an item by its key alone.  ERRORs if key is invalid.
 */
void
gt_item_validate_key(Jsonb *key, const GtKeySchema *ks)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *attname = NULL;

	if (!JB_ROOT_IS_OBJECT(key))
		ereport(ERROR,
				(errdynamo(ValidationException, "key must be a JSON object")));

	it = JsonbIteratorInit(&key->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			attname = clip_for_message(v.val.string.val, v.val.string.len);
			if (!gt_attr_name_equals(v.val.string.val, v.val.string.len,
							 ks->hash_name) &&
				(ks->range_name == NULL ||
				 !gt_attr_name_equals(v.val.string.val, v.val.string.len,
							  ks->range_name)))
				ereport(ERROR,
						(errdynamo(ValidationException, "key has attribute \"%s\" that is not part of the key schema",
								attname)));
		}
		else if (tok == WJB_VALUE)
		{
			gt_item_validate_value(attname, &v, 1);
			pfree(attname);
			attname = NULL;
		}
	}

	check_key_attribute(&key->root, ks->hash_name, ks->hash_type, true);
	if (ks->range_name != NULL)
		check_key_attribute(&key->root, ks->range_name, ks->range_type, false);
}

/*
 * gt_item_validate_value
 *		Check that value is one valid AttributeValue.
 *
 * attname names the top-level attribute the value belongs to; it is used
 * only in error messages, including for values nested inside it.  depth is
 * the nesting level of value: 1 for a top-level attribute value, one more
 * for each M or L around it.  DynamoDB accepts values at up to 32 levels
 * (31 maps around a scalar) and rejects anything deeper.
 *
 * value may be a jbvBinary (as JsonbIteratorNext and the container lookup
 * functions return for nested objects) or an in-memory jbvObject.  Empty S
 * and B values are accepted here; key attributes are checked for emptiness
 * by the callers that know the key schema.  ERRORs if value is invalid.
 */
void
gt_item_validate_value(const char *attname, JsonbValue *value, int depth)
{
	JsonbValue	inner;
	GtAttrType	type;

	if (depth > GT_ITEM_MAX_DEPTH)
		ereport(ERROR,
				(errdynamo(ValidationException, "attribute nesting for \"%s\" exceeds the maximum depth of %d",
						attname, GT_ITEM_MAX_DEPTH)));

	/* The depth limit bounds recursion, but be safe with small stacks. */
	check_stack_depth();

	type = get_descriptor(attname, value, &inner);

	switch (type)
	{
		case GT_ATTR_S:
			if (inner.type != jbvString)
				ereport(ERROR,
						(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": value of \"S\" must be a JSON string",
								attname)));
			break;

		case GT_ATTR_N:
			if (inner.type != jbvString)
				ereport(ERROR,
						(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": value of \"N\" must be a JSON string",
								attname)));
			check_number(attname, inner.val.string.val, inner.val.string.len,
						 NULL);
			break;

		case GT_ATTR_B:
			if (inner.type != jbvString)
				ereport(ERROR,
						(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": value of \"B\" must be a JSON string",
								attname)));
			if (!gt_attr_base64_valid(inner.val.string.val, inner.val.string.len))
				ereport(ERROR,
						(errdynamo(ValidationException, "invalid base64 value for attribute \"%s\"",
								attname)));
			break;

		case GT_ATTR_SS:
		case GT_ATTR_NS:
		case GT_ATTR_BS:
			check_set(attname, type, &inner);
			break;

		case GT_ATTR_M:
			check_map(attname, &inner, depth);
			break;

		case GT_ATTR_L:
			check_list(attname, &inner, depth);
			break;

		case GT_ATTR_BOOL:
			if (inner.type != jbvBool)
				ereport(ERROR,
						(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": value of \"BOOL\" must be a JSON boolean",
								attname)));
			break;

		case GT_ATTR_NULL:
			/* DynamoDB accepts only {"NULL": true}. */
			if (inner.type != jbvBool || !inner.val.boolean)
				ereport(ERROR,
						(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": value of \"NULL\" must be true",
								attname)));
			break;

		case GT_ATTR_INVALID:
			/* get_descriptor has already reported it */
			elog(ERROR, "unexpected invalid data type descriptor");
			break;
	}
}

/*
 * gt_item_size
 *		Return the size of item in bytes as DynamoDB counts it.
 *
 * The size is the sum, over the top-level attributes, of the UTF-8 length
 * of the attribute name and the size of the value: S is its UTF-8 length,
 * N the length of its string (DynamoDB's own figure is smaller, about half
 * the significant digits plus one, so this errs towards rejecting), B its
 * decoded length, BOOL and NULL 1, a set the sum of its members, and M and
 * L 3 plus the sizes of their elements (and of the names, for M).
 *
 * The item should already have passed gt_item_validate_item; malformed
 * values count as 0 rather than raising an error.  ERRORs only if item is
 * not a JSON object.
 */
Size
gt_item_size(Jsonb *item)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	Size		size = 0;

	if (!JB_ROOT_IS_OBJECT(item))
		ereport(ERROR,
				(errdynamo(ValidationException, "item must be a JSON object")));

	it = JsonbIteratorInit(&item->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			size += gt_attr_utf8_length(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
			size += gt_attr_value_size(&v);
	}

	return size;
}


/*
 * clip_for_message
 *		Return a palloc'd, NUL-terminated copy of s for an error message,
 *		cut at a character boundary after GT_ITEM_MESSAGE_CLIP bytes.
 *
 * jsonb strings are not NUL-terminated, and names and values can be long.
 */
static char *
clip_for_message(const char *s, int len)
{
	int			cliplen;

	if (len <= GT_ITEM_MESSAGE_CLIP)
		return pnstrdup(s, len);

	cliplen = pg_mbcliplen(s, len, GT_ITEM_MESSAGE_CLIP);
	return psprintf("%.*s...", cliplen, s);
}

/*
 * check_attribute_name
 *		ERROR unless name (len bytes) is an acceptable attribute name.
 *
 * Every name, including the keys of M values, is limited to 65535 bytes.
 * Top-level names must also be non-empty and must not use the prefix
 * DynamoDB reserves for global table replication.  Keys of M values may be
 * empty, as in DynamoDB.
 */
static void
check_attribute_name(const char *name, int len, bool top_level)
{
	if (top_level && len == 0)
		ereport(ERROR,
				(errdynamo(ValidationException, "attribute name must not be empty")));

	if (gt_attr_utf8_length(name, len) > GT_ITEM_MAX_NAME_LEN)
		ereport(ERROR,
				(errdynamo(ValidationException, "attribute name \"%s\" exceeds %d bytes",
						clip_for_message(name, len), GT_ITEM_MAX_NAME_LEN)));

	if (top_level &&
		len >= (int) strlen(GT_ITEM_RESERVED_PREFIX) &&
		memcmp(name, GT_ITEM_RESERVED_PREFIX,
			   strlen(GT_ITEM_RESERVED_PREFIX)) == 0)
		ereport(ERROR,
				(errdynamo(ValidationException, "attribute name \"%s\" is reserved",
						clip_for_message(name, len)),
				 errdetail("Attribute names beginning with \"%s\" are reserved for replication.",
						   GT_ITEM_RESERVED_PREFIX)));
}

/*
 * get_descriptor
 *		Return the data type of AttributeValue value and set *inner to the
 *		value under its descriptor.
 *
 * ERRORs unless value is a JSON object with exactly one key that is a known
 * data type descriptor.  The type of *inner is not checked here.
 */
static GtAttrType
get_descriptor(const char *attname, JsonbValue *value, JsonbValue *inner)
{
	JsonbContainer *container = gt_attr_container(value);
	JsonbValue	key;
	GtAttrType	type;

	if (container == NULL || !JsonContainerIsObject(container))
		ereport(ERROR,
				(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": expected a JSON object",
						attname)));

	if (JsonContainerSize(container) != 1)
		ereport(ERROR,
				(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": expected exactly one data type descriptor",
						attname)));

	type = gt_attr_read(container, &key, inner);
	if (type == GT_ATTR_INVALID)
		ereport(ERROR,
				(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": unknown data type descriptor \"%s\"",
						attname,
						clip_for_message(key.val.string.val,
										 key.val.string.len)),
				 errhint("Data type descriptors are S, N, B, SS, NS, BS, M, L, BOOL and NULL.")));

	return type;
}

/*
 * check_number
 *		ERROR unless s (len bytes) is a valid DynamoDB number.
 *
 * canonical is passed to gt_attr_parse_number.
 */
static void
check_number(const char *attname, const char *s, int len, char **canonical)
{
	switch (gt_attr_parse_number(s, len, canonical))
	{
		case GT_NUMBER_OK:
			break;
		case GT_NUMBER_SYNTAX:
			ereport(ERROR,
					(errdynamo(ValidationException, "invalid number for attribute \"%s\": \"%s\"",
							attname, clip_for_message(s, len))));
			break;
		case GT_NUMBER_DIGITS:
			ereport(ERROR,
					(errdynamo(ValidationException, "invalid number for attribute \"%s\": \"%s\"",
							attname, clip_for_message(s, len)),
					 errdetail("Numbers must have at most %d significant digits.",
							   GT_ATTR_MAX_DIGITS)));
			break;
		case GT_NUMBER_OVERFLOW:
			ereport(ERROR,
					(errdynamo(ValidationException, "invalid number for attribute \"%s\": \"%s\"",
							attname, clip_for_message(s, len)),
					 errdetail("Numbers must not exceed 9.9999999999999999999999999999999999999E+125 in magnitude.")));
			break;
		case GT_NUMBER_UNDERFLOW:
			ereport(ERROR,
					(errdynamo(ValidationException, "invalid number for attribute \"%s\": \"%s\"",
							attname, clip_for_message(s, len)),
					 errdetail("Nonzero numbers must be at least 1E-130 in magnitude.")));
			break;
	}
}

/*
 * check_set
 *		ERROR unless inner is a valid value for set type SS, NS or BS.
 *
 * A set is a non-empty JSON array of strings, each a valid member (any
 * string, a number, base64), with no two members equal.  Numbers compare by
 * value, binaries by their decoded bytes.  Members are sorted to find
 * duplicates in O(n log n).
 */
static void
check_set(const char *attname, GtAttrType type, JsonbValue *inner)
{
	const char *kind;
	JsonbContainer *container = gt_attr_container(inner);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	GtSetElement *elems;
	int			nelems = 0;

	if (container == NULL || !JsonContainerIsArray(container) ||
		JsonContainerIsScalar(container))
		ereport(ERROR,
				(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": value of \"%s\" must be a JSON array",
						attname, gt_attr_type_name(type))));

	kind = (type == GT_ATTR_SS) ? "string" :
		(type == GT_ATTR_NS) ? "number" : "binary";

	if (JsonContainerSize(container) == 0)
		ereport(ERROR,
				(errdynamo(ValidationException, "%s set attribute \"%s\" must not be empty",
						kind, attname)));

	elems = palloc(JsonContainerSize(container) * sizeof(GtSetElement));

	it = JsonbIteratorInit(container);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		GtSetElement *elem;

		if (tok != WJB_ELEM)
			continue;

		if (v.type != jbvString)
			ereport(ERROR,
					(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": elements of \"%s\" must be JSON strings",
							attname, gt_attr_type_name(type))));

		elem = &elems[nelems++];
		switch (type)
		{
			case GT_ATTR_SS:
				elem->data = v.val.string.val;
				elem->len = v.val.string.len;
				break;

			case GT_ATTR_NS:
				{
					char	   *canonical;

					check_number(attname, v.val.string.val,
								 v.val.string.len, &canonical);
					elem->data = canonical;
					elem->len = strlen(canonical);
				}
				break;

			case GT_ATTR_BS:
				{
					char	   *decoded;
					int			decoded_len;

					if (!gt_attr_base64_valid(v.val.string.val, v.val.string.len))
						ereport(ERROR,
								(errdynamo(ValidationException, "invalid base64 value for attribute \"%s\"",
										attname)));
					decoded_len = pg_b64_dec_len(v.val.string.len);
					decoded = palloc(decoded_len + 1);
					decoded_len = pg_b64_decode(v.val.string.val,
												v.val.string.len,
												decoded, decoded_len);
					if (decoded_len < 0)
						elog(ERROR, "could not decode validated base64 value");
					elem->data = decoded;
					elem->len = decoded_len;
				}
				break;

			default:
				elog(ERROR, "unexpected set type %d", (int) type);
		}
	}

	qsort(elems, nelems, sizeof(GtSetElement), compare_set_elements);
	for (int i = 1; i < nelems; i++)
	{
		if (compare_set_elements(&elems[i - 1], &elems[i]) == 0)
			ereport(ERROR,
					(errdynamo(ValidationException, "duplicate value in %s set attribute \"%s\"",
							kind, attname)));
	}

	pfree(elems);
}

/* qsort comparator for GtSetElement: bytewise, shorter first on a tie. */
static int
compare_set_elements(const void *a, const void *b)
{
	const GtSetElement *ea = (const GtSetElement *) a;
	const GtSetElement *eb = (const GtSetElement *) b;

	return gt_attr_compare_bytes(ea->data, ea->len, eb->data, eb->len);
}

/*
 * check_map
 *		ERROR unless inner is a valid value for M at nesting level depth.
 *
 * inner must be a JSON object (possibly empty) whose values are
 * AttributeValues, checked at depth + 1.
 */
static void
check_map(const char *attname, JsonbValue *inner, int depth)
{
	JsonbContainer *container = gt_attr_container(inner);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (container == NULL || !JsonContainerIsObject(container))
		ereport(ERROR,
				(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": value of \"M\" must be a JSON object",
						attname)));

	it = JsonbIteratorInit(container);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			check_attribute_name(v.val.string.val, v.val.string.len, false);
		else if (tok == WJB_VALUE)
			gt_item_validate_value(attname, &v, depth + 1);
	}
}

/*
 * check_list
 *		ERROR unless inner is a valid value for L at nesting level depth.
 *
 * inner must be a JSON array (possibly empty) of AttributeValues, checked
 * at depth + 1.
 */
static void
check_list(const char *attname, JsonbValue *inner, int depth)
{
	JsonbContainer *container = gt_attr_container(inner);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (container == NULL || !JsonContainerIsArray(container) ||
		JsonContainerIsScalar(container))
		ereport(ERROR,
				(errdynamo(ValidationException, "invalid AttributeValue for attribute \"%s\": value of \"L\" must be a JSON array",
						attname)));

	it = JsonbIteratorInit(container);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_ELEM)
			gt_item_validate_value(attname, &v, depth + 1);
	}
}

/*
 * check_key_attribute
 *		ERROR unless root (an item or key object) has a valid key attribute
 *		name of type want ('S', 'N' or 'B').
 *
 * The attribute must be present and of the declared type, and its value
 * non-empty and no longer than 2048 bytes for the hash key or 1024 for the
 * range key (S: UTF-8 bytes, B: decoded bytes, N: length of the string).
 * The value must already have passed gt_item_validate_value.
 */
static void
check_key_attribute(JsonbContainer *root, const char *name, char want,
					bool is_hash)
{
	JsonbValue	buf;
	JsonbValue *value;
	JsonbValue	inner;
	GtAttrType	type;
	Size		size = 0;
	int			limit;

	value = getKeyJsonValueFromContainer(root, name, strlen(name), &buf);
	if (value == NULL)
		ereport(ERROR,
				(errdynamo(ValidationException, "missing key attribute \"%s\"", name)));

	type = get_descriptor(name, value, &inner);
	if (!((want == 'S' && type == GT_ATTR_S) ||
		  (want == 'N' && type == GT_ATTR_N) ||
		  (want == 'B' && type == GT_ATTR_B)))
		ereport(ERROR,
				(errdynamo(ValidationException, "key attribute \"%s\" must be of type %c, not %s",
						name, want, gt_attr_type_name(type))));

	Assert(inner.type == jbvString);
	if (type == GT_ATTR_S)
		size = gt_attr_utf8_length(inner.val.string.val, inner.val.string.len);
	else if (type == GT_ATTR_B)
		size = gt_attr_base64_decoded_len(inner.val.string.val, inner.val.string.len);
	else
		size = inner.val.string.len;

	/* Empty S and B are fine in other attributes, never in a key. */
	if (size == 0)
		ereport(ERROR,
				(errdynamo(ValidationException, "key attribute \"%s\" must not be empty", name)));

	limit = is_hash ? GT_ITEM_MAX_HASH_KEY_LEN : GT_ITEM_MAX_RANGE_KEY_LEN;
	if (size > (Size) limit)
		ereport(ERROR,
				(errdynamo(ValidationException, "%s key attribute \"%s\" exceeds %d bytes",
						is_hash ? "hash" : "range", name, limit),
				 errdetail("The value is %zu bytes.", size)));
}

/*
 * key_schema_from_args
 *		Fill *ks from arguments 1 to 4 of gt._validate_item or
 *		gt._validate_key: hash_name, hash_type, range_name, range_type.
 *
 * The hash key arguments are required; the range key arguments must be
 * both NULL (no range key) or both set.  The strings are palloc'd in the
 * current context.
 */
static void
key_schema_from_args(FunctionCallInfo fcinfo, GtKeySchema *ks)
{
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errdynamo(ValidationException, "parameter \"%s\" must not be null", "hash_name")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errdynamo(ValidationException, "parameter \"%s\" must not be null", "hash_type")));
	if (PG_ARGISNULL(3) != PG_ARGISNULL(4))
		ereport(ERROR,
				(errdynamo(ValidationException, "parameters \"%s\" and \"%s\" must be both null or both not null",
						"range_name", "range_type")));

	ks->hash_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	ks->hash_type = parse_key_type(PG_GETARG_TEXT_PP(2), "hash_type");
	if (ks->hash_name[0] == '\0')
		ereport(ERROR,
				(errdynamo(ValidationException, "parameter \"%s\" must not be empty", "hash_name")));

	if (PG_ARGISNULL(3))
	{
		ks->range_name = NULL;
		ks->range_type = 0;
		return;
	}

	ks->range_name = text_to_cstring(PG_GETARG_TEXT_PP(3));
	ks->range_type = parse_key_type(PG_GETARG_TEXT_PP(4), "range_type");
	if (ks->range_name[0] == '\0')
		ereport(ERROR,
				(errdynamo(ValidationException, "parameter \"%s\" must not be empty", "range_name")));
	if (strcmp(ks->range_name, ks->hash_name) == 0)
		ereport(ERROR,
				(errdynamo(ValidationException, "range key attribute \"%s\" must differ from the hash key attribute",
						ks->range_name)));
}

/*
 * parse_key_type
 *		Return the key attribute type in arg ('S', 'N' or 'B'); param names
 *		the argument for the error message.
 */
static char
parse_key_type(text *arg, const char *param)
{
	char	   *s = text_to_cstring(arg);

	if (strcmp(s, "S") != 0 && strcmp(s, "N") != 0 && strcmp(s, "B") != 0)
		ereport(ERROR,
				(errdynamo(ValidationException, "invalid value for parameter \"%s\": \"%s\"",
						param, s),
				 errdetail("Key attribute types must be S, N or B.")));
	return s[0];
}

/*
 * gt._validate_item(item jsonb, hash_name text, hash_type text,
 *					  range_name text, range_type text) RETURNS void
 *
 * SQL wrapper for gt_item_validate_item.  range_name and range_type are NULL
 * for a table without a range key.
 */
PG_FUNCTION_INFO_V1(gt_validate_item);
Datum
gt_validate_item(PG_FUNCTION_ARGS)
{
	GtKeySchema ks;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errdynamo(ValidationException, "parameter \"%s\" must not be null", "item")));
	key_schema_from_args(fcinfo, &ks);

	gt_item_validate_item(PG_GETARG_JSONB_P(0), &ks);

	PG_RETURN_VOID();
}

/*
 * gt._validate_key(key jsonb, hash_name text, hash_type text,
 *					 range_name text, range_type text) RETURNS void
 *
 * SQL wrapper for gt_item_validate_key.  range_name and range_type are NULL
 * for a table without a range key.
 */
PG_FUNCTION_INFO_V1(gt_validate_key);
Datum
gt_validate_key(PG_FUNCTION_ARGS)
{
	GtKeySchema ks;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errdynamo(ValidationException, "parameter \"%s\" must not be null", "key")));
	key_schema_from_args(fcinfo, &ks);

	gt_item_validate_key(PG_GETARG_JSONB_P(0), &ks);

	PG_RETURN_VOID();
}

/*
 * gt_item_key_datum returns the column value of key attribute attname of
 * item: text for S, numeric for N, bytea for B, as the key columns of a
 * replica table hold them.  ERRORs if the item lacks it.
 */
Datum
gt_item_key_datum(Jsonb *item, const char *attname, char type)
{
	JsonbValue *attr;
	JsonbValue *val;
	char		typekey[2] = {type, '\0'};
	text	   *str;

	/* jsonb's key look-up reads any container as an object: check first. */
	attr = JB_ROOT_IS_OBJECT(item) ?
		getKeyJsonValueFromContainer(&item->root, attname, strlen(attname),
									 NULL) : NULL;
	val = (attr && attr->type == jbvBinary &&
		   JsonContainerIsObject(attr->val.binary.data)) ?
		getKeyJsonValueFromContainer(attr->val.binary.data, typekey, 1, NULL) :
		NULL;
	if (val == NULL || val->type != jbvString)
		ereport(ERROR,
				(errdynamo(ValidationException, "item has no key attribute \"%s\" of type %s",
						attname, typekey)));
	str = cstring_to_text_with_len(val->val.string.val, val->val.string.len);
	switch (type)
	{
		case 'S':
			return PointerGetDatum(str);
		case 'N':
			return DirectFunctionCall3(numeric_in,
									   CStringGetDatum(text_to_cstring(str)),
									   ObjectIdGetDatum(InvalidOid),
									   Int32GetDatum(-1));
		default:
			return DirectFunctionCall2(binary_decode, PointerGetDatum(str),
									   PointerGetDatum(cstring_to_text("base64")));
	}
}

/*
 * gt_item_key_type returns the type of the key column that holds key
 * attributes of type type: text (in the "C" collation, so that it orders
 * by bytes, as DynamoDB orders S) for S, numeric for N, bytea for B.
 */
Oid
gt_item_key_type(char type)
{
	switch (type)
	{
		case 'S':
			return TEXTOID;
		case 'N':
			return NUMERICOID;
		case 'B':
			return BYTEAOID;
	}
	elog(ERROR, "invalid key attribute type \"%c\"", type);
	return InvalidOid;			/* keep compiler quiet */
}

/* Pushes attribute name of item, if it has it, into an object being built. */
static void
push_attribute(JsonbParseState **state, Jsonb *item, const char *name)
{
	JsonbValue	k;
	JsonbValue *v = getKeyJsonValueFromContainer(&item->root, name,
												 strlen(name), NULL);

	if (v == NULL)
		return;
	k.type = jbvString;
	k.val.string.val = (char *) name;
	k.val.string.len = strlen(name);
	pushJsonbValue(state, WJB_KEY, &k);
	pushJsonbValue(state, WJB_VALUE, v);
}

/*
 * gt_item_key_only returns, palloc'd, the object of the key attributes of
 * item under key schema ks, and nothing else: the item of a tombstone.
 */
Jsonb *
gt_item_key_only(Jsonb *item, const GtKeySchema *ks)
{
	JsonbParseState *state = NULL;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	push_attribute(&state, item, ks->hash_name);
	if (ks->range_name != NULL)
		push_attribute(&state, item, ks->range_name);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * gt._key_column_type(type text) RETURNS text: the SQL type of the key
 * column of a key attribute of type S, N or B, for the install script's
 * CREATE TABLE (see gt_item_key_type).
 */
PG_FUNCTION_INFO_V1(gt_key_column_type);
Datum
gt_key_column_type(PG_FUNCTION_ARGS)
{
	char		type = parse_key_type(PG_GETARG_TEXT_PP(0), "type");
	Oid			typid = gt_item_key_type(type);
	char	   *name = format_type_be_qualified(typid);

	if (typid == TEXTOID)
		name = psprintf("%s COLLATE pg_catalog.\"C\"", name);
	PG_RETURN_TEXT_P(cstring_to_text(name));
}
