/*-------------------------------------------------------------------------
 *
 * utility_guard.h
 *		Utility commands that must not reach a region: DROP EXTENSION while
 *		the region has peers, and forged parts of multi-region steps.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/utility_guard.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_UTILITY_GUARD_H
#define GT_UTILITY_GUARD_H

/* Installs the ProcessUtility hook that refuses them. */
extern void gt_utility_guard_install(void);

#endif							/* GT_UTILITY_GUARD_H */
