/*-------------------------------------------------------------------------
 *
 * conflict.h
 *		Reporting a version that lost to another.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/conflict.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_CONFLICT_H
#define GT_CONFLICT_H

#include "gt/table.h"
#include "gt/write.h"

/* Conflict types, named as core's (src/include/replication/conflict.h). */
typedef enum GtConflictType
{
	/* A new item from another region met a stored one written elsewhere. */
	GT_CT_INSERT_EXISTS,
	/* An update from another region met a version written elsewhere. */
	GT_CT_UPDATE_ORIGIN_DIFFERS,
	/* A delete from another region met a version written elsewhere. */
	GT_CT_DELETE_ORIGIN_DIFFERS
} GtConflictType;

#define GT_CONFLICT_NTYPES	(GT_CT_DELETE_ORIGIN_DIFFERS + 1)

/* "gt.conflict_log_level" (pg_global_tables.c) */
extern int	gt_conflict_log_level;

/*
 * Reports that one of two versions of an item of table lost to the other
 * under last-writer-wins: local is the stored version, remote the one that
 * arrived; remote_won says which one won.
 */
extern void gt_conflict_report(const GtTable *table, GtConflictType type,
							   const GtVersion *local, const GtVersion *remote,
							   bool remote_won);

#endif							/* GT_CONFLICT_H */
