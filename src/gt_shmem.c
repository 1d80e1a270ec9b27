/*-------------------------------------------------------------------------
 *
 * gt_shmem.c
 *		The shared memory of pg_global_tables, and its locking: the hybrid
 *		logical clock, the supervisor's latch, each backend's stamp floor,
 *		and the state each link worker reports.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/gt_shmem.c
 *
 * NOTES
 *	  Locking
 *		The clock is a single atomic 64-bit counter advanced by compare and
 *		swap, so no lock is needed; so are the stamp slots, each written only
 *		by its own backend (conflict/gt_clock.c says how they are read).  The link
 *		table is protected by our one LWLock; it has a slot per possible
 *		background worker and is written when a link worker fails, recovers
 *		or receives a watermark, and freed when the link is dropped
 *		(replication/gt_link_state.c); the same lock guards the launcher
 *		slots, one per possible background worker, taken and freed by each
 *		launcher (replication/gt_launcher.c).  The
 *		supervisor latch pointer is written only by the supervisor and read
 *		by backends that want to wake it; a stale read at worst wakes nobody,
 *		and the supervisor rescans anyway.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"

#include "gt/gt.h"
#include "gt/shmem.h"

GtSharedState *gt_shared = NULL;

static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;

static Size
links_size(void)
{
	return add_size(offsetof(GtSharedState, links),
					mul_size(max_worker_processes, sizeof(GtLinkState)));
}

static Size
stamp_slots_size(void)
{
	return mul_size(MaxBackends, sizeof(GtStampSlot));
}

static Size
shared_size(void)
{
	return add_size(add_size(MAXALIGN(links_size()), MAXALIGN(stamp_slots_size())),
					mul_size(max_worker_processes, sizeof(Oid)));
}

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
	gt_shared = ShmemInitStruct("pg_global_tables", shared_size(), &found);
	if (!found)
	{
		pg_atomic_init_u64(&gt_shared->hlc, 0);
		gt_shared->supervisor_latch = NULL;
		pg_atomic_init_u32(&gt_shared->rescan_requested, 0);
		gt_shared->lock = &(GetNamedLWLockTranche("pg_global_tables"))->lock;
		gt_shared->max_links = max_worker_processes;
		memset(gt_shared->links, 0,
			   mul_size(max_worker_processes, sizeof(GtLinkState)));
		gt_shared->stamp_slots = (GtStampSlot *)
			((char *) gt_shared + MAXALIGN(links_size()));
		gt_shared->max_stamp_slots = MaxBackends;
		for (int i = 0; i < MaxBackends; i++)
		{
			pg_atomic_init_u64(&gt_shared->stamp_slots[i].floor, 0);
			gt_shared->stamp_slots[i].dboid = InvalidOid;
		}
		gt_shared->launchers = (Oid *)
			((char *) gt_shared->stamp_slots + MAXALIGN(stamp_slots_size()));
		gt_shared->max_launchers = max_worker_processes;
		for (int i = 0; i < max_worker_processes; i++)
			gt_shared->launchers[i] = InvalidOid;
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
	RequestAddinShmemSpace(MAXALIGN(shared_size()));
	RequestNamedLWLockTranche("pg_global_tables", 1);
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
