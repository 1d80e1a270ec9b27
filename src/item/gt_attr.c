/*-------------------------------------------------------------------------
 *
 * gt_attr.c
 *		DynamoDB's AttributeValue model: what each data type is, how its
 *		values are written, how big they are and how they order.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/item/gt_attr.c
 *
 * NOTES
 *		An AttributeValue is a JSON object with one pair whose key is the data
 *		type descriptor (S, N, B, SS, NS, BS, M, L, BOOL, NULL) and whose value
 *		is the value in DynamoDB's wire format, as jsonb holds it: numbers and
 *		binaries are strings (decimal, base64), sets arrays of such strings,
 *		M and L objects and arrays of AttributeValues.  This file knows the
 *		model and nothing of where values come from: validation of whole
 *		items and keys (gt_item.c) and, later, the evaluation of expressions
 *		on items are built on it.  Nothing here raises an error for a
 *		malformed value, reads the database or keeps memory after return.
 *
 *	  Canonical forms
 *		Base64 must be canonical as well as well-formed: the bits that padding
 *		leaves unused must be zero.  Otherwise "QQ==" and "QR==" would both
 *		decode to "A", and two binary keys that DynamoDB considers equal would
 *		be stored as different jsonb strings.  Numbers are not rewritten;
 *		gt_attr_parse_number() gives a canonical form under which equal
 *		values are equal strings.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/jsonb.h"

#include "gt/attr.h"

/* Indexed by GtAttrType. */
static const char *const descriptor_names[GT_ATTR_NTYPES] = {
	"S", "N", "B", "SS", "NS", "BS", "M", "L", "BOOL", "NULL"
};

/* Is c an ASCII digit?  Unlike isdigit(), independent of the locale. */
static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* gt_attr_type_name returns the descriptor of type ("S", ..., "NULL"). */
const char *
gt_attr_type_name(GtAttrType type)
{
	Assert(type >= 0 && type < GT_ATTR_NTYPES);
	return descriptor_names[type];
}

/*
 * gt_attr_utf8_length
 *		Return the length in bytes of s (len bytes in the server encoding)
 *		once encoded in UTF-8.
 *
 * DynamoDB counts UTF-8 bytes.  In a UTF-8 database, the common case, this
 * is just len; SQL_ASCII cannot be converted, so its bytes count as they are.
 */
Size
gt_attr_utf8_length(const char *s, int len)
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
bool
gt_attr_name_equals(const char *s, int len, const char *name)
{
	return strlen(name) == (size_t) len && memcmp(s, name, len) == 0;
}

/*
 * gt_attr_container
 *		Return the jsonb container holding value, or NULL if value is a
 *		scalar.
 *
 * An in-memory object or array is flattened first, in the current context.
 */
JsonbContainer *
gt_attr_container(JsonbValue *value)
{
	if (value->type == jbvBinary)
		return value->val.binary.data;
	if (value->type == jbvObject || value->type == jbvArray)
		return &JsonbValueToJsonb(value)->root;
	return NULL;
}

/*
 * gt_attr_read
 *		Return the data type of the AttributeValue in container, which must
 *		be an object with exactly one pair.
 *
 * Sets *key to the descriptor and *inner to its value.  Returns
 * GT_ATTR_INVALID if the descriptor is not one of DynamoDB's.
 */
GtAttrType
gt_attr_read(JsonbContainer *container, JsonbValue *key, JsonbValue *inner)
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
		if (gt_attr_name_equals(key->val.string.val, key->val.string.len,
						descriptor_names[i]))
			return (GtAttrType) i;
	}
	return GT_ATTR_INVALID;
}

/*
 * gt_attr_type_of
 *		Return the data type of AttributeValue value and set *inner to the
 *		value under its descriptor.
 *
 * GT_ATTR_INVALID unless value is a JSON object with exactly one key that is
 * a known data type descriptor; the type of *inner is not checked.
 */
GtAttrType
gt_attr_type_of(JsonbValue *value, JsonbValue *inner)
{
	JsonbContainer *container = gt_attr_container(value);
	JsonbValue	key;

	if (container == NULL || !JsonContainerIsObject(container) ||
		JsonContainerSize(container) != 1)
		return GT_ATTR_INVALID;
	return gt_attr_read(container, &key, inner);
}

/*
 * gt_attr_parse_number
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
GtNumberCheck
gt_attr_parse_number(const char *s, int len, char **canonical)
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

	if (last - first + 1 > GT_ATTR_MAX_DIGITS)
		return GT_NUMBER_DIGITS;

	/*
	 * The adjusted exponent is the power of ten of the first significant
	 * digit: the value is d.ddd x 10^adjusted.
	 */
	adjusted = exponent + nint - 1 - first;
	if (adjusted > GT_ATTR_MAX_EXPONENT)
		return GT_NUMBER_OVERFLOW;
	if (adjusted < GT_ATTR_MIN_EXPONENT)
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
 * gt_attr_base64_valid
 *		Is s (len bytes) strict, canonical base64?
 *
 * pg_b64_decode is too lenient to decide this alone: it accepts digits after
 * padding and ignores the unused bits.  Here the length must be a multiple
 * of 4, only the standard alphabet may appear, '=' only as one or two final
 * characters, and the bits the padding leaves unused must be zero (see
 * Canonical forms in the file header).  The empty string is valid.
 */
bool
gt_attr_base64_valid(const char *s, int len)
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
 * gt_attr_base64_decoded_len
 *		Number of bytes that valid base64 s (len bytes) decodes to.
 *
 * Never negative, even for invalid input.
 */
int
gt_attr_base64_decoded_len(const char *s, int len)
{
	int			result = (len / 4) * 3;

	if (len > 0 && s[len - 1] == '=')
		result--;
	if (len > 1 && s[len - 2] == '=')
		result--;
	return Max(result, 0);
}

/*
 * gt_attr_compare_bytes orders a (alen bytes) and b (blen bytes) bytewise,
 * the shorter first if one is a prefix of the other: DynamoDB's order of S
 * values (their UTF-8 bytes) and of B values (their decoded bytes).
 */
int
gt_attr_compare_bytes(const char *a, int alen, const char *b, int blen)
{
	int			cmp = memcmp(a, b, Min(alen, blen));

	if (cmp != 0)
		return cmp;
	return (alen > blen) - (alen < blen);
}

/*
 * gt_attr_value_size
 *		Size of AttributeValue value in bytes as DynamoDB counts it.
 *
 * S is its UTF-8 length, N the length of its string (DynamoDB's own figure
 * is smaller, about half the significant digits plus one, so this errs
 * towards rejecting), B its decoded length, BOOL and NULL 1, a set the sum
 * of its members, and M and L 3 plus the sizes of their elements (and of
 * the names, for M).  Malformed values count as 0.
 */
Size
gt_attr_value_size(JsonbValue *value)
{
	JsonbContainer *container = gt_attr_container(value);
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

	type = gt_attr_read(container, &key, &inner);
	switch (type)
	{
		case GT_ATTR_S:
		case GT_ATTR_N:
		case GT_ATTR_B:
			if (inner.type != jbvString)
				return 0;
			if (type == GT_ATTR_S)
				return gt_attr_utf8_length(inner.val.string.val, inner.val.string.len);
			if (type == GT_ATTR_B)
				return gt_attr_base64_decoded_len(inner.val.string.val,
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
			inner_container = gt_attr_container(&inner);
			if (inner_container == NULL)
				return 0;
			if (type == GT_ATTR_M || type == GT_ATTR_L)
				size = 3;
			it = JsonbIteratorInit(inner_container);
			while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
			{
				if (tok == WJB_KEY)
					size += gt_attr_utf8_length(v.val.string.val, v.val.string.len);
				else if ((tok == WJB_VALUE || tok == WJB_ELEM) &&
						 (type == GT_ATTR_M || type == GT_ATTR_L))
					size += gt_attr_value_size(&v);
				else if (tok == WJB_ELEM && v.type == jbvString)
				{
					if (type == GT_ATTR_SS)
						size += gt_attr_utf8_length(v.val.string.val,
											v.val.string.len);
					else if (type == GT_ATTR_BS)
						size += gt_attr_base64_decoded_len(v.val.string.val,
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
