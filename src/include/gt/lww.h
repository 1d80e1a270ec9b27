/*-------------------------------------------------------------------------
 *
 * lww.h
 *		Last-writer-wins: the order of versions, and the decider of
 *		versions from other regions.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/lww.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_LWW_H
#define GT_LWW_H

#include "gt/table.h"
#include "gt/write.h"

/* <0 if version a is older than b, 0 if they are the same, >0 if newer. */
extern int	gt_lww_compare(int64 time_a, const char *region_a,
						   int64 time_b, const char *region_b);

/* What gt_lww_decide() decides on. */
typedef struct GtLwwArg
{
	const GtTable *table;
	const GtVersion *incoming;	/* the version from another region */
	bool		inserted;		/* a new item where it was written */
} GtLwwArg;

/* The write primitive's decider for a version from another region. */
extern GtDecision gt_lww_decide(const GtVersion *stored, GtVersion *next,
								void *arg);

/* The trigger's next local writes in this backend are tombstones, or not. */
extern void gt_lww_writing_tombstone(bool tombstone);

/* This backend's DELETEs may remove tombstones (collection only), or not. */
extern void gt_lww_collecting_tombstones(bool collecting);

#endif							/* GT_LWW_H */
