/*-------------------------------------------------------------------------
 *
 * gt_shmem.c
 *		Shared memory of pg_global_tables: the hybrid logical clock and the
 *		supervisor's latch.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/gt_shmem.c
 *
 * NOTES
 *	  Locking
 *		The clock is a single atomic 64-bit counter advanced by compare and
 *		swap, so no lock is needed.  The supervisor latch pointer is written
 *		only by the supervisor and read by backends that want to wake it; a
 *		stale read at worst wakes nobody, and the supervisor rescans anyway.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"

#include "gt.h"
#include "gt_shmem.h"

GtSharedState *gt_shared = NULL;

static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;

/*
 * shmem_startup hook: allocate or attach to the shared state.
 */
static void
gt_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	gt_shared = ShmemInitStruct("pg_global_tables", sizeof(GtSharedState),
								&found);
	if (!found)
	{
		pg_atomic_init_u64(&gt_shared->hlc, 0);
		gt_shared->supervisor_latch = NULL;
	}
	LWLockRelease(AddinShmemInitLock);
}

/*
 * shmem_request hook: reserve our shared memory.
 */
static void
gt_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(MAXALIGN(sizeof(GtSharedState)));
}

/*
 * gt_shmem_init installs the request and startup hooks, chaining previous
 * ones; called from _PG_init while shared_preload_libraries is processed.
 */
void
gt_shmem_init(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = gt_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = gt_shmem_startup;
}
