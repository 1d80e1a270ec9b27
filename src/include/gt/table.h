/*-------------------------------------------------------------------------
 *
 * table.h
 *		The descriptor of a global table's replica in this region.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/table.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_TABLE_H
#define GT_TABLE_H

#include "access/attnum.h"
#include "executor/spi.h"
#include "utils/reltrigger.h"

#include "gt/item.h"

/*
 * Prepared statements other modules make for a table and keep in its
 * descriptor, which frees them with it (see gt_table.c).
 */
typedef enum GtTablePlan
{
	GT_PLAN_UPSERT,				/* write/gt_write.c: the statement path */
	GT_PLAN_GET,				/* write/gt_read.c: GetItem */
	GT_TABLE_NPLANS
} GtTablePlan;

/*
 * Everything the extension's C code knows about the replica of one global
 * table in this region: read from gt.global_table and gt.replica and from
 * the replica table's relcache entry, by gt_table.c only.
 */
typedef struct GtTable
{
	Oid			relid;			/* the replica table */
	char	   *name;			/* the DynamoDB table name */
	char	   *qualified_name; /* the replica table, quoted for SQL */
	GtKeySchema keys;			/* key attribute names and types */

	/* The regions with a replica, this one included, sorted bytewise. */
	int			nreplicas;
	char	  **replicas;

	/*
	 * The replica table, as its relcache entry was when this descriptor was
	 * built.  complete is false if a column the extension needs is gone or
	 * has another type than the extension reads it as, named by missing
	 * (mistyped says which), or if the table itself is gone (missing NULL);
	 * nothing may then read or write its rows.
	 */
	bool		complete;
	const char *missing;
	bool		mistyped;
	Oid			owner;			/* versions from other regions are written as it */
	Oid			pk_index;
	AttrNumber	hash_att;
	AttrNumber	range_att;		/* InvalidAttrNumber without a range key */
	AttrNumber	item_att;
	AttrNumber	time_att;
	AttrNumber	region_att;
	AttrNumber	deleting_att;
	bool		other_columns;	/* columns beyond keys, item and metadata */
	bool		lww_always;		/* the LWW trigger fires ALWAYS */
	bool		only_our_triggers;	/* no triggers but the LWW and TRUNCATE guards */
	bool		plain_relation; /* a table, not partition, no RLS or generated columns */
	bool		deferred_user_triggers; /* a user's trigger enabled for
										 * replicas is deferred to the commit */
	TriggerDesc *triggers;		/* its triggers but the LWW trigger, or NULL */

	SPIPlanPtr	plans[GT_TABLE_NPLANS];
	List	   *read_plans;		/* Query and Scan statements (gt_table_read_plan) */
	MemoryContext context;		/* holds all of this */
} GtTable;

/*
 * The descriptor of table name or relation relid, or NULL if there is no
 * such global table here.  Valid until the end of the current transaction.
 */
extern GtTable *gt_table_by_name(const char *name);
extern GtTable *gt_table_by_relid(Oid relid);

/* Does the table have a replica in region? */
extern bool gt_table_has_replica(const GtTable *table, const char *region);

/*
 * Prepares sql as the table's statement which, keeps it in the descriptor
 * and returns it.  Must be called inside SPI.
 */
extern SPIPlanPtr gt_table_keep_plan(GtTable *table, GtTablePlan which,
									 const char *sql, int nargs, Oid *argtypes);

/*
 * The prepared statement of sql, one of the shapes of Query and Scan
 * statements, prepared on first use and kept in the descriptor.  Must be
 * called inside SPI.
 */
extern SPIPlanPtr gt_table_read_plan(GtTable *table, const char *sql,
									 int nargs, Oid *argtypes);

/* ERRORs unless the descriptor is complete (see above). */
extern void gt_table_check_complete(const GtTable *table);

/*
 * ERRORs unless the replica table has what replication needs: every column
 * complete asks for, and a primary key on the key columns.
 */
extern void gt_table_check_replica(const GtTable *table);

#endif							/* GT_TABLE_H */
