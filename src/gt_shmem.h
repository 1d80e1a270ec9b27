/*-------------------------------------------------------------------------
 *
 * gt_shmem.h
 *		Shared memory state of pg_global_tables.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/gt_shmem.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_SHMEM_H
#define GT_SHMEM_H

#include "port/atomics.h"
#include "storage/latch.h"

typedef struct GtSharedState
{
	/* Hybrid logical clock, microseconds since the Unix epoch. */
	pg_atomic_uint64 hlc;
	/* Supervisor's latch, so init_region can wake it; NULL if not running. */
	Latch	   *supervisor_latch;
} GtSharedState;

extern GtSharedState *gt_shared;

extern void gt_shmem_init(void);

#endif							/* GT_SHMEM_H */
