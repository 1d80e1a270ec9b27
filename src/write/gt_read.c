/*-------------------------------------------------------------------------
 *
 * gt_read.c
 *		Reading items of a replica table, as the calling user would with
 *		SQL: GetItem's read by key.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/write/gt_read.c
 *
 * NOTES
 *		A read is a statement, prepared once per table and kept in its
 *		descriptor, so that the user's privileges and the table's row-level
 *		security policies apply as they would to a SELECT of their own; the
 *		key columns are parameters, computed from the key in C
 *		(item/gt_item.c), and the statement is written with qualified names
 *		only, so no object on the caller's search_path can stand in for
 *		ours.  Tombstones are not items: a deleted key reads as absent.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "gt/gt.h"
#include "gt/item.h"
#include "gt/read.h"

/*
 * get_plan returns the prepared read of table by key, making it on first
 * use: $1 (and $2) the key column values.  Must be called inside SPI.
 */
static SPIPlanPtr
get_plan(GtTable *table)
{
	StringInfoData sql;
	Oid			types[2];
	int			nkeys = 1;

	if (table->plans[GT_PLAN_GET] != NULL)
		return table->plans[GT_PLAN_GET];
	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT %s FROM %s WHERE %s OPERATOR(pg_catalog.=) $1",
					 GT_COL_ITEM, table->qualified_name,
					 quote_identifier(table->keys.hash_name));
	types[0] = gt_item_key_type(table->keys.hash_type);
	if (table->keys.range_name)
	{
		appendStringInfo(&sql, " AND %s OPERATOR(pg_catalog.=) $2",
						 quote_identifier(table->keys.range_name));
		types[nkeys++] = gt_item_key_type(table->keys.range_type);
	}
	appendStringInfo(&sql, " AND NOT %s", GT_COL_DELETING);
	return gt_table_keep_plan(table, GT_PLAN_GET, sql.data, nkeys, types);
}

/*
 * gt_read_item returns the live item of table under key, which must have
 * been validated, as a copy in the caller's context, or NULL.
 *
 * The stored value is detoasted in SPI memory (a short header, a compressed
 * or an out-of-line value all make DatumGetJsonbP allocate), then copied
 * whole with SPI_palloc into the caller's context, so it outlives
 * SPI_finish.
 */
Jsonb *
gt_read_item(GtTable *table, Jsonb *key)
{
	Datum		values[2];
	bool		isnull;
	Datum		d;
	Jsonb	   *item;
	Jsonb	   *copy = NULL;

	values[0] = gt_item_key_datum(key, table->keys.hash_name,
								  table->keys.hash_type);
	if (table->keys.range_name)
		values[1] = gt_item_key_datum(key, table->keys.range_name,
									  table->keys.range_type);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_plan(get_plan(table), values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read an item of table \"%s\"", table->name);
	if (SPI_processed > 0)
	{
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
						  &isnull);
		if (!isnull)
		{
			item = DatumGetJsonbP(d);
			copy = SPI_palloc(VARSIZE(item));
			memcpy(copy, item, VARSIZE(item));
		}
	}
	SPI_finish();
	return copy;
}
