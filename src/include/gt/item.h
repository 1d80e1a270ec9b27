/*-------------------------------------------------------------------------
 *
 * item.h
 *		Validation and sizing of DynamoDB items stored as jsonb.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/item.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_ITEM_H
#define GT_ITEM_H

#include "utils/jsonb.h"

/* DynamoDB's limits, as enforced by gt_item.c */
#define GT_ITEM_MAX_SIZE			409600	/* bytes, as gt_item_size counts */
#define GT_ITEM_MAX_DEPTH			32	/* top-level attribute value is 1 */
#define GT_ITEM_MAX_NAME_LEN		65535	/* bytes of UTF-8 */
#define GT_ITEM_MAX_HASH_KEY_LEN	2048	/* bytes */
#define GT_ITEM_MAX_RANGE_KEY_LEN	1024	/* bytes */

typedef struct GtKeySchema
{
	const char *hash_name;		/* HASH key attribute name */
	char		hash_type;		/* 'S', 'N' or 'B' */
	const char *range_name;		/* RANGE key attribute name, or NULL */
	char		range_type;		/* 'S', 'N' or 'B'; 0 if no range key */
} GtKeySchema;

/* ERRORs unless item is a valid DynamoDB item for key schema ks. */
extern void gt_item_validate_item(Jsonb *item, const GtKeySchema *ks);

/*
 * The value of key attribute attname (of type 'S', 'N' or 'B') of item as
 * its key column holds it; ERRORs if item lacks it.
 */
extern Datum gt_item_key_datum(Jsonb *item, const char *attname, char type);

/* The type of the key column of a key attribute of type 'S', 'N' or 'B'. */
extern Oid	gt_item_key_type(char type);

/* The key attributes of item alone: what a tombstone holds. */
extern Jsonb *gt_item_key_only(Jsonb *item, const GtKeySchema *ks);

/* ERRORs unless key holds exactly the key attributes of ks, correctly typed. */
extern void gt_item_validate_key(Jsonb *key, const GtKeySchema *ks);

/*
 * ERRORs unless value is one valid AttributeValue (used by the above);
 * depth starts at 1.
 */
extern void gt_item_validate_value(const char *attname, JsonbValue *value,
								   int depth);

/*
 * Size of the item in bytes as DynamoDB counts it (attribute names UTF-8
 * length + value sizes).
 */
extern Size gt_item_size(Jsonb *item);

#endif							/* GT_ITEM_H */
