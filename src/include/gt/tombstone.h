/*-------------------------------------------------------------------------
 *
 * tombstone.h
 *		Watermarks and the collection of tombstones.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/tombstone.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_TOMBSTONE_H
#define GT_TOMBSTONE_H

/* Launcher: publish the watermark and collect, if the interval has passed. */
extern void gt_tombstone_tick(void);

#endif							/* GT_TOMBSTONE_H */
