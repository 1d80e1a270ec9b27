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
 *
 * An item is a JSON object mapping attribute names to AttributeValues in
 * DynamoDB's wire format, e.g. {"id": {"S": "a"}, "n": {"N": "1.5"}}.  This
 * file checks items and keys against DynamoDB's own rules (one data type
 * descriptor per value, number syntax, precision and range, strict base64,
 * non-empty duplicate-free sets, nesting depth, key attribute types and
 * sizes, item size) and computes item sizes as DynamoDB counts them.
 *
 * SQL-callable functions (the integrator declares them in the install
 * script; both are CALLED ON NULL INPUT because the range key is optional):
 *
 *	  gt._validate_item(jsonb, text, text, text, text) RETURNS void
 *		  (item, hash_name, hash_type, range_name, range_type)
 *	  gt._validate_key(jsonb, text, text, text, text) RETURNS void
 *		  (key, hash_name, hash_type, range_name, range_type)
 *
 * WHY VALIDATE FIRST
 *
 * The item API (put, get, delete) calls these functions on its whole input
 * before it writes anything, so bad input changes nothing: no row is
 * written and nothing is sent to other regions.  Everything DynamoDB would
 * reject is rejected here, and every failure is an ERROR with SQLSTATE
 * 22023 (invalid_parameter_value), except an oversized item, which is 54000
 * (program_limit_exceeded).  Callers and tests rely on these SQLSTATEs.
 * Nothing here reads or writes the database, so the functions are
 * immutable and safe in parallel workers.
 *
 * CANONICAL FORMS
 *
 * Base64 must be canonical as well as well-formed: the bits that padding
 * leaves unused must be zero.  Otherwise "QQ==" and "QR==" would both decode
 * to "A", and two binary keys that DynamoDB considers equal would be stored
 * as different jsonb strings.  Numbers are not rewritten here; "1" and
 * "1.0" are only recognised as equal for number-set duplicate detection.
 *
 * MEMORY
 *
 * Everything is allocated in the caller's memory context; nothing is kept
 * after return.  Error messages clip long names and values so that a 64 kB
 * attribute name does not end up in the server log in full.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/base64.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "gt/item.h"

/* Names starting with this prefix belong to DynamoDB global tables. */
#define GT_ITEM_RESERVED_PREFIX		"aws:rep:"

/* Longest name or value, in bytes, quoted in full in an error message. */
#define GT_ITEM_MESSAGE_CLIP		100

/* Adjusted exponent range: 1E-130 <= |n| <= 9.99...9E+125 (38 nines). */
#define GT_ITEM_MIN_EXPONENT		(-130)
#define GT_ITEM_MAX_EXPONENT		125

/* AttributeValue data type descriptors, in DynamoDB's documentation order. */
typedef enum GtAttrType
{
	GT_ATTR_INVALID = -1,
	GT_ATTR_S,
	GT_ATTR_N,
	GT_ATTR_B,
	GT_ATTR_SS,
	GT_ATTR_NS,
	GT_ATTR_BS,
	GT_ATTR_M,
	GT_ATTR_L,
	GT_ATTR_BOOL,
	GT_ATTR_NULL
} GtAttrType;

/* Indexed by GtAttrType. */
static const char *const descriptor_names[] = {
	"S", "N", "B", "SS", "NS", "BS", "M", "L", "BOOL", "NULL"
};

#define GT_ATTR_NTYPES	lengthof(descriptor_names)

/* Result of checking a number string. */
typedef enum GtNumberCheck
{
	GT_NUMBER_OK,
	GT_NUMBER_SYNTAX,			/* not a number at all */
	GT_NUMBER_DIGITS,			/* more than 38 significant digits */
	GT_NUMBER_OVERFLOW,			/* magnitude above 9.9...9E+125 */
	GT_NUMBER_UNDERFLOW			/* nonzero magnitude below 1E-130 */
} GtNumberCheck;

/* One member of a set, as compared for duplicates. */
typedef struct GtSetElement
{
	const char *data;
	int			len;
} GtSetElement;

static bool is_digit(char c);
static char *clip_for_message(const char *s, int len);
static Size utf8_length(const char *s, int len);
static bool name_equals(const char *s, int len, const char *name);
static void check_attribute_name(const char *name, int len, bool top_level);
static JsonbContainer *value_container(JsonbValue *value);
static GtAttrType read_descriptor(JsonbContainer *container, JsonbValue *key,
								  JsonbValue *inner);
static GtAttrType get_descriptor(const char *attname, JsonbValue *value,
								 JsonbValue *inner);
static GtNumberCheck parse_number(const char *s, int len, char **canonical);
static void check_number(const char *attname, const char *s, int len,
						 char **canonical);
static int	base64_value(char c);
static bool base64_valid(const char *s, int len);
static int	base64_decoded_len(const char *s, int len);
static void check_set(const char *attname, GtAttrType type, JsonbValue *inner);
static int	compare_set_elements(const void *a, const void *b);
static void check_map(const char *attname, JsonbValue *inner, int depth);
static void check_list(const char *attname, JsonbValue *inner, int depth);
static void check_key_attribute(JsonbContainer *root, const char *name,
								char want, bool is_hash);
static Size value_size(JsonbValue *value);
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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("item must be a JSON object")));

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
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("item size has exceeded the maximum allowed size"),
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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key must be a JSON object")));

	it = JsonbIteratorInit(&key->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			attname = clip_for_message(v.val.string.val, v.val.string.len);
			if (!name_equals(v.val.string.val, v.val.string.len,
							 ks->hash_name) &&
				(ks->range_name == NULL ||
				 !name_equals(v.val.string.val, v.val.string.len,
							  ks->range_name)))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("key has attribute \"%s\" that is not part of the key schema",
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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("attribute nesting for \"%s\" exceeds the maximum depth of %d",
						attname, GT_ITEM_MAX_DEPTH)));

	/* The depth limit bounds recursion, but be safe with small stacks. */
	check_stack_depth();

	type = get_descriptor(attname, value, &inner);

	switch (type)
	{
		case GT_ATTR_S:
			if (inner.type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid AttributeValue for attribute \"%s\": value of \"S\" must be a JSON string",
								attname)));
			break;

		case GT_ATTR_N:
			if (inner.type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid AttributeValue for attribute \"%s\": value of \"N\" must be a JSON string",
								attname)));
			check_number(attname, inner.val.string.val, inner.val.string.len,
						 NULL);
			break;

		case GT_ATTR_B:
			if (inner.type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid AttributeValue for attribute \"%s\": value of \"B\" must be a JSON string",
								attname)));
			if (!base64_valid(inner.val.string.val, inner.val.string.len))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid base64 value for attribute \"%s\"",
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
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid AttributeValue for attribute \"%s\": value of \"BOOL\" must be a JSON boolean",
								attname)));
			break;

		case GT_ATTR_NULL:
			/* DynamoDB accepts only {"NULL": true}. */
			if (inner.type != jbvBool || !inner.val.boolean)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid AttributeValue for attribute \"%s\": value of \"NULL\" must be true",
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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("item must be a JSON object")));

	it = JsonbIteratorInit(&item->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			size += utf8_length(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
			size += value_size(&v);
	}

	return size;
}


/* Is c an ASCII digit?  Unlike isdigit(), independent of the locale. */
static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
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
 * utf8_length
 *		Return the length in bytes of s (len bytes in the server encoding)
 *		once encoded in UTF-8.
 *
 * DynamoDB counts UTF-8 bytes.  In a UTF-8 database, the common case, this
 * is just len; SQL_ASCII cannot be converted, so its bytes count as they are.
 */
static Size
utf8_length(const char *s, int len)
{
	char	   *converted;
	Size		result;

	if (GetDatabaseEncoding() == PG_UTF8 ||
		GetDatabaseEncoding() == PG_SQL_ASCII)
		return len;

	converted = pg_server_to_any(s, len, PG_UTF8);
	if (converted == s)
		return len;
	result = strlen(converted);
	pfree(converted);
	return result;
}

/* Does the jsonb string s of len bytes equal the C string name? */
static bool
name_equals(const char *s, int len, const char *name)
{
	return strlen(name) == (size_t) len && memcmp(s, name, len) == 0;
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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("attribute name must not be empty")));

	if (utf8_length(name, len) > GT_ITEM_MAX_NAME_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("attribute name \"%s\" exceeds %d bytes",
						clip_for_message(name, len), GT_ITEM_MAX_NAME_LEN)));

	if (top_level &&
		len >= (int) strlen(GT_ITEM_RESERVED_PREFIX) &&
		memcmp(name, GT_ITEM_RESERVED_PREFIX,
			   strlen(GT_ITEM_RESERVED_PREFIX)) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("attribute name \"%s\" is reserved",
						clip_for_message(name, len)),
				 errdetail("Attribute names beginning with \"%s\" are reserved for replication.",
						   GT_ITEM_RESERVED_PREFIX)));
}

/*
 * value_container
 *		Return the jsonb container holding value, or NULL if value is a
 *		scalar.
 *
 * An in-memory object or array is flattened first, in the current context.
 */
static JsonbContainer *
value_container(JsonbValue *value)
{
	if (value->type == jbvBinary)
		return value->val.binary.data;
	if (value->type == jbvObject || value->type == jbvArray)
		return &JsonbValueToJsonb(value)->root;
	return NULL;
}

/*
 * read_descriptor
 *		Return the data type of the AttributeValue in container, which must
 *		be an object with exactly one pair.
 *
 * Sets *key to the descriptor and *inner to its value.  Returns
 * GT_ATTR_INVALID if the descriptor is not one of DynamoDB's.
 */
static GtAttrType
read_descriptor(JsonbContainer *container, JsonbValue *key, JsonbValue *inner)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	Assert(JsonContainerIsObject(container));
	Assert(JsonContainerSize(container) == 1);

	it = JsonbIteratorInit(container);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			*key = v;
		else if (tok == WJB_VALUE)
			*inner = v;
	}

	for (int i = 0; i < (int) GT_ATTR_NTYPES; i++)
	{
		if (name_equals(key->val.string.val, key->val.string.len,
						descriptor_names[i]))
			return (GtAttrType) i;
	}
	return GT_ATTR_INVALID;
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
	JsonbContainer *container = value_container(value);
	JsonbValue	key;
	GtAttrType	type;

	if (container == NULL || !JsonContainerIsObject(container))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid AttributeValue for attribute \"%s\": expected a JSON object",
						attname)));

	if (JsonContainerSize(container) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid AttributeValue for attribute \"%s\": expected exactly one data type descriptor",
						attname)));

	type = read_descriptor(container, &key, inner);
	if (type == GT_ATTR_INVALID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid AttributeValue for attribute \"%s\": unknown data type descriptor \"%s\"",
						attname,
						clip_for_message(key.val.string.val,
										 key.val.string.len)),
				 errhint("Data type descriptors are S, N, B, SS, NS, BS, M, L, BOOL and NULL.")));

	return type;
}

/*
 * parse_number
 *		Check that s (len bytes) is a number DynamoDB can store.
 *
 * The syntax is an optional '-', digits with an optional '.' (at least one
 * digit in all), then an optional exponent: 'e' or 'E', an optional sign
 * and digits.  No whitespace, '+' sign, NaN or Infinity.  Leading zeros and
 * trailing zeros do not count as significant digits; at most 38 may remain.
 * A nonzero value must lie between 1E-130 and 9.9...9E+125 in magnitude.
 *
 * If canonical is not NULL and the number is valid, *canonical is set to a
 * palloc'd string that is equal for equal values ("1", "1.0" and "10E-1"
 * all give "1E0"; every zero gives "0"), for finding duplicates in a set.
 */
static GtNumberCheck
parse_number(const char *s, int len, char **canonical)
{
	int			pos = 0;
	bool		negative = false;
	int			int_start;
	int			nint;
	int			frac_start;
	int			nfrac = 0;
	int64		exponent = 0;
	bool		exponent_negative = false;
	int			ndigits;
	int			first = -1;
	int			last = -1;
	int64		adjusted;

	if (pos < len && s[pos] == '-')
	{
		negative = true;
		pos++;
	}

	int_start = pos;
	while (pos < len && is_digit(s[pos]))
		pos++;
	nint = pos - int_start;

	frac_start = pos;
	if (pos < len && s[pos] == '.')
	{
		pos++;
		frac_start = pos;
		while (pos < len && is_digit(s[pos]))
			pos++;
		nfrac = pos - frac_start;
	}

	if (nint + nfrac == 0)
		return GT_NUMBER_SYNTAX;

	if (pos < len && (s[pos] == 'e' || s[pos] == 'E'))
	{
		int			exp_start;

		pos++;
		if (pos < len && (s[pos] == '+' || s[pos] == '-'))
		{
			exponent_negative = (s[pos] == '-');
			pos++;
		}
		exp_start = pos;
		while (pos < len && is_digit(s[pos]))
		{
			/* Stop growing once far out of range; keep consuming digits. */
			if (exponent < INT64CONST(1000000000))
				exponent = exponent * 10 + (s[pos] - '0');
			pos++;
		}
		if (pos == exp_start)
			return GT_NUMBER_SYNTAX;
		if (exponent_negative)
			exponent = -exponent;
	}

	if (pos != len)
		return GT_NUMBER_SYNTAX;

	/*
	 * Find the first and last nonzero digits of the mantissa, counting the
	 * integer and fraction digits as one sequence.
	 */
	ndigits = nint + nfrac;
	for (int i = 0; i < ndigits; i++)
	{
		char		c = (i < nint) ? s[int_start + i] : s[frac_start + i - nint];

		if (c != '0')
		{
			if (first < 0)
				first = i;
			last = i;
		}
	}

	if (first < 0)
	{
		/* Zero, whatever its sign or exponent. */
		if (canonical)
			*canonical = pstrdup("0");
		return GT_NUMBER_OK;
	}

	if (last - first + 1 > GT_ITEM_MAX_DIGITS)
		return GT_NUMBER_DIGITS;

	/*
	 * The adjusted exponent is the power of ten of the first significant
	 * digit: the value is d.ddd x 10^adjusted.
	 */
	adjusted = exponent + nint - 1 - first;
	if (adjusted > GT_ITEM_MAX_EXPONENT)
		return GT_NUMBER_OVERFLOW;
	if (adjusted < GT_ITEM_MIN_EXPONENT)
		return GT_NUMBER_UNDERFLOW;

	if (canonical)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		if (negative)
			appendStringInfoChar(&buf, '-');
		for (int i = first; i <= last; i++)
			appendStringInfoChar(&buf, (i < nint) ? s[int_start + i] :
								 s[frac_start + i - nint]);
		appendStringInfo(&buf, "E" INT64_FORMAT, adjusted);
		*canonical = buf.data;
	}

	return GT_NUMBER_OK;
}

/*
 * check_number
 *		ERROR unless s (len bytes) is a valid DynamoDB number.
 *
 * canonical is passed to parse_number.
 */
static void
check_number(const char *attname, const char *s, int len, char **canonical)
{
	switch (parse_number(s, len, canonical))
	{
		case GT_NUMBER_OK:
			break;
		case GT_NUMBER_SYNTAX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid number for attribute \"%s\": \"%s\"",
							attname, clip_for_message(s, len))));
			break;
		case GT_NUMBER_DIGITS:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid number for attribute \"%s\": \"%s\"",
							attname, clip_for_message(s, len)),
					 errdetail("Numbers must have at most %d significant digits.",
							   GT_ITEM_MAX_DIGITS)));
			break;
		case GT_NUMBER_OVERFLOW:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid number for attribute \"%s\": \"%s\"",
							attname, clip_for_message(s, len)),
					 errdetail("Numbers must not exceed 9.9999999999999999999999999999999999999E+125 in magnitude.")));
			break;
		case GT_NUMBER_UNDERFLOW:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid number for attribute \"%s\": \"%s\"",
							attname, clip_for_message(s, len)),
					 errdetail("Nonzero numbers must be at least 1E-130 in magnitude.")));
			break;
	}
}

/* Value of base64 digit c (standard alphabet), or -1 if c is not one. */
static int
base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * base64_valid
 *		Is s (len bytes) strict, canonical base64?
 *
 * pg_b64_decode is too lenient to decide this alone: it accepts digits after
 * padding and ignores the unused bits.  Here the length must be a multiple
 * of 4, only the standard alphabet may appear, '=' only as one or two final
 * characters, and the bits the padding leaves unused must be zero (see
 * CANONICAL FORMS in the file header).  The empty string is valid.
 */
static bool
base64_valid(const char *s, int len)
{
	int			npad = 0;

	if (len % 4 != 0)
		return false;

	if (len > 0 && s[len - 1] == '=')
	{
		npad = 1;
		if (s[len - 2] == '=')
			npad = 2;
	}

	for (int i = 0; i < len - npad; i++)
	{
		if (base64_value(s[i]) < 0)
			return false;
	}

	/* One '=': the last digit carries 2 unused bits; two '=': 4 bits. */
	if (npad == 1 && (base64_value(s[len - 2]) & 0x03) != 0)
		return false;
	if (npad == 2 && (base64_value(s[len - 3]) & 0x0F) != 0)
		return false;

	return true;
}

/*
 * base64_decoded_len
 *		Number of bytes that valid base64 s (len bytes) decodes to.
 *
 * Never negative, even for invalid input.
 */
static int
base64_decoded_len(const char *s, int len)
{
	int			result = (len / 4) * 3;

	if (len > 0 && s[len - 1] == '=')
		result--;
	if (len > 1 && s[len - 2] == '=')
		result--;
	return Max(result, 0);
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
	JsonbContainer *container = value_container(inner);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	GtSetElement *elems;
	int			nelems = 0;

	if (container == NULL || !JsonContainerIsArray(container) ||
		JsonContainerIsScalar(container))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid AttributeValue for attribute \"%s\": value of \"%s\" must be a JSON array",
						attname, descriptor_names[type])));

	kind = (type == GT_ATTR_SS) ? "string" :
		(type == GT_ATTR_NS) ? "number" : "binary";

	if (JsonContainerSize(container) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s set attribute \"%s\" must not be empty",
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
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid AttributeValue for attribute \"%s\": elements of \"%s\" must be JSON strings",
							attname, descriptor_names[type])));

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

					if (!base64_valid(v.val.string.val, v.val.string.len))
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("invalid base64 value for attribute \"%s\"",
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
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("duplicate value in %s set attribute \"%s\"",
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
	int			cmp;

	cmp = memcmp(ea->data, eb->data, Min(ea->len, eb->len));
	if (cmp != 0)
		return cmp;
	return (ea->len > eb->len) - (ea->len < eb->len);
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
	JsonbContainer *container = value_container(inner);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (container == NULL || !JsonContainerIsObject(container))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid AttributeValue for attribute \"%s\": value of \"M\" must be a JSON object",
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
	JsonbContainer *container = value_container(inner);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (container == NULL || !JsonContainerIsArray(container) ||
		JsonContainerIsScalar(container))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid AttributeValue for attribute \"%s\": value of \"L\" must be a JSON array",
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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("missing key attribute \"%s\"", name)));

	type = get_descriptor(name, value, &inner);
	if (!((want == 'S' && type == GT_ATTR_S) ||
		  (want == 'N' && type == GT_ATTR_N) ||
		  (want == 'B' && type == GT_ATTR_B)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key attribute \"%s\" must be of type %c, not %s",
						name, want, descriptor_names[type])));

	Assert(inner.type == jbvString);
	if (type == GT_ATTR_S)
		size = utf8_length(inner.val.string.val, inner.val.string.len);
	else if (type == GT_ATTR_B)
		size = base64_decoded_len(inner.val.string.val, inner.val.string.len);
	else
		size = inner.val.string.len;

	/* Empty S and B are fine in other attributes, never in a key. */
	if (size == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key attribute \"%s\" must not be empty", name)));

	limit = is_hash ? GT_ITEM_MAX_HASH_KEY_LEN : GT_ITEM_MAX_RANGE_KEY_LEN;
	if (size > (Size) limit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s key attribute \"%s\" exceeds %d bytes",
						is_hash ? "hash" : "range", name, limit),
				 errdetail("The value is %zu bytes.", size)));
}

/*
 * value_size
 *		Size of AttributeValue value as gt_item_size counts it.
 *
 * Malformed values count as 0.
 */
static Size
value_size(JsonbValue *value)
{
	JsonbContainer *container = value_container(value);
	JsonbContainer *inner_container;
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	inner;
	JsonbValue	v;
	JsonbIteratorToken tok;
	GtAttrType	type;
	Size		size = 0;

	check_stack_depth();

	if (container == NULL || !JsonContainerIsObject(container) ||
		JsonContainerSize(container) != 1)
		return 0;

	type = read_descriptor(container, &key, &inner);
	switch (type)
	{
		case GT_ATTR_S:
		case GT_ATTR_N:
		case GT_ATTR_B:
			if (inner.type != jbvString)
				return 0;
			if (type == GT_ATTR_S)
				return utf8_length(inner.val.string.val, inner.val.string.len);
			if (type == GT_ATTR_B)
				return base64_decoded_len(inner.val.string.val,
										  inner.val.string.len);
			return inner.val.string.len;

		case GT_ATTR_BOOL:
		case GT_ATTR_NULL:
			return 1;

		case GT_ATTR_SS:
		case GT_ATTR_NS:
		case GT_ATTR_BS:
		case GT_ATTR_M:
		case GT_ATTR_L:
			inner_container = value_container(&inner);
			if (inner_container == NULL)
				return 0;
			if (type == GT_ATTR_M || type == GT_ATTR_L)
				size = 3;
			it = JsonbIteratorInit(inner_container);
			while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			{
				if (tok == WJB_KEY)
					size += utf8_length(v.val.string.val, v.val.string.len);
				else if ((tok == WJB_VALUE || tok == WJB_ELEM) &&
						 (type == GT_ATTR_M || type == GT_ATTR_L))
					size += value_size(&v);
				else if (tok == WJB_ELEM && v.type == jbvString)
				{
					if (type == GT_ATTR_SS)
						size += utf8_length(v.val.string.val,
											v.val.string.len);
					else if (type == GT_ATTR_BS)
						size += base64_decoded_len(v.val.string.val,
												   v.val.string.len);
					else
						size += v.val.string.len;
				}
			}
			return size;

		case GT_ATTR_INVALID:
			return 0;
	}

	return 0;
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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("parameter \"%s\" must not be null", "hash_name")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("parameter \"%s\" must not be null", "hash_type")));
	if (PG_ARGISNULL(3) != PG_ARGISNULL(4))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("parameters \"%s\" and \"%s\" must be both null or both not null",
						"range_name", "range_type")));

	ks->hash_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	ks->hash_type = parse_key_type(PG_GETARG_TEXT_PP(2), "hash_type");
	if (ks->hash_name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("parameter \"%s\" must not be empty", "hash_name")));

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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("parameter \"%s\" must not be empty", "range_name")));
	if (strcmp(ks->range_name, ks->hash_name) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("range key attribute \"%s\" must differ from the hash key attribute",
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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for parameter \"%s\": \"%s\"",
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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("parameter \"%s\" must not be null", "item")));
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
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("parameter \"%s\" must not be null", "key")));
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

	attr = getKeyJsonValueFromContainer(&item->root, attname, strlen(attname),
										NULL);
	val = (attr && attr->type == jbvBinary) ?
		getKeyJsonValueFromContainer(attr->val.binary.data, typekey, 1, NULL) :
		NULL;
	if (val == NULL || val->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("item has no key attribute \"%s\" of type %s",
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
