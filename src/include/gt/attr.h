/*-------------------------------------------------------------------------
 *
 * attr.h
 *		DynamoDB's AttributeValue model: data types, numbers, binaries,
 *		sizes and orderings of values in their jsonb form.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/attr.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_ATTR_H
#define GT_ATTR_H

#include "utils/jsonb.h"

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

#define GT_ATTR_NTYPES	10

/* DynamoDB's number limits */
#define GT_ATTR_MAX_DIGITS			38	/* significant digits */
#define GT_ATTR_MIN_EXPONENT		(-130)	/* 1E-130 <= |n| */
#define GT_ATTR_MAX_EXPONENT		125 /* |n| <= 9.99...9E+125 */

/* Result of checking a number string. */
typedef enum GtNumberCheck
{
	GT_NUMBER_OK,
	GT_NUMBER_SYNTAX,			/* not a number at all */
	GT_NUMBER_DIGITS,			/* more than 38 significant digits */
	GT_NUMBER_OVERFLOW,			/* magnitude above 9.9...9E+125 */
	GT_NUMBER_UNDERFLOW			/* nonzero magnitude below 1E-130 */
} GtNumberCheck;

/* The descriptor of a data type: "S", "N", ..., "NULL". */
extern const char *gt_attr_type_name(GtAttrType type);

/* The jsonb container holding value, or NULL if value is a scalar. */
extern JsonbContainer *gt_attr_container(JsonbValue *value);

/*
 * The data type of the AttributeValue in container, an object with exactly
 * one pair: *key is set to its descriptor and *inner to the value under it.
 * GT_ATTR_INVALID if the descriptor is not one of DynamoDB's.
 */
extern GtAttrType gt_attr_read(JsonbContainer *container, JsonbValue *key,
							   JsonbValue *inner);

/*
 * The data type of value, with *inner set to the value under its
 * descriptor; GT_ATTR_INVALID, without an error, unless value is an object
 * with one known descriptor.
 */
extern GtAttrType gt_attr_type_of(JsonbValue *value, JsonbValue *inner);

/*
 * Checks a number string; with canonical, a palloc'd form equal for equal
 * values ("1", "1.0" and "10E-1" all give "1E0").
 */
extern GtNumberCheck gt_attr_parse_number(const char *s, int len,
										  char **canonical);

/* Strict, canonical base64, and the length it decodes to. */
extern bool gt_attr_base64_valid(const char *s, int len);
extern int	gt_attr_base64_decoded_len(const char *s, int len);

/* Length in UTF-8 of len bytes in the server encoding. */
extern Size gt_attr_utf8_length(const char *s, int len);

/* Does the jsonb string s of len bytes equal the C string name? */
extern bool gt_attr_name_equals(const char *s, int len, const char *name);

/* Bytewise order, shorter first on a common prefix: how S and B compare. */
extern int	gt_attr_compare_bytes(const char *a, int alen,
								  const char *b, int blen);

/* Size of an AttributeValue as DynamoDB counts it; 0 if malformed. */
extern Size gt_attr_value_size(JsonbValue *value);

#endif							/* GT_ATTR_H */
