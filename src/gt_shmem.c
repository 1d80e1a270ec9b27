/*-------------------------------------------------------------------------
 *
 * gt_shmem.c
 *		Shared memory of pg_global_tables: the hybrid logical clock, the
 *		supervisor's latch, and the last error of each link.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/gt_shmem.c
 *
 * NOTES
 *	  Locking
 *		The clock is a single atomic 64-bit counter advanced by compare and
 *		swap, so no lock is needed.  The link error table is protected by
 *		our one LWLock; it has a slot per possible background worker and is
 *		written only when a link worker fails or recovers.  The supervisor latch pointer is written
 *		only by the supervisor and read by backends that want to wake it; a
 *		stale read at worst wakes nobody, and the supervisor rescans anyway.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/pg_lsn.h"
#include "utils/timestamp.h"

#include "gt.h"
#include "gt_shmem.h"

GtSharedState *gt_shared = NULL;

static shmem_startup_hook_type prev_shmem_startup_hook = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;

static Size
shared_size(void)
{
	return add_size(offsetof(GtSharedState, link_errors),
					mul_size(max_worker_processes, sizeof(GtLinkError)));
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
		gt_shared->max_link_errors = max_worker_processes;
		memset(gt_shared->link_errors, 0,
			   mul_size(max_worker_processes, sizeof(GtLinkError)));
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

/*
 * find_link_error returns the slot of a link, or a free one if create, or
 * NULL.  Caller holds the lock exclusively.
 */
static GtLinkError *
find_link_error(Oid dboid, const char *peer, bool create)
{
	GtLinkError *free_slot = NULL;

	for (int i = 0; i < gt_shared->max_link_errors; i++)
	{
		GtLinkError *e = &gt_shared->link_errors[i];

		if (e->dboid == dboid && strcmp(e->peer, peer) == 0)
			return e;
		if (e->dboid == InvalidOid && free_slot == NULL)
			free_slot = e;
	}
	return create ? free_slot : NULL;
}

/*
 * gt_shmem_set_link_error records the error that stopped a link worker.
 * Does nothing if the table is full (it has a slot per background worker).
 */
void
gt_shmem_set_link_error(Oid dboid, const char *peer, XLogRecPtr finish_lsn,
						const char *message)
{
	GtLinkError *e;

	if (gt_shared == NULL)
		return;
	LWLockAcquire(gt_shared->lock, LW_EXCLUSIVE);
	e = find_link_error(dboid, peer, true);
	if (e != NULL)
	{
		e->dboid = dboid;
		strlcpy(e->peer, peer, NAMEDATALEN);
		e->error_time = GetCurrentTimestamp();
		e->finish_lsn = finish_lsn;
		strlcpy(e->message, message, sizeof(e->message));
	}
	LWLockRelease(gt_shared->lock);
}

/*
 * gt_shmem_clear_link_error forgets a link's error once the link works
 * again; with only_without_lsn, only an error that no remote transaction
 * caused (a connection error, say).
 */
void
gt_shmem_clear_link_error(Oid dboid, const char *peer, bool only_without_lsn)
{
	GtLinkError *e;

	if (gt_shared == NULL)
		return;
	LWLockAcquire(gt_shared->lock, LW_EXCLUSIVE);
	e = find_link_error(dboid, peer, false);
	if (e != NULL && (!only_without_lsn || XLogRecPtrIsInvalid(e->finish_lsn)))
		memset(e, 0, sizeof(GtLinkError));
	LWLockRelease(gt_shared->lock);
}

/*
 * gt._link_errors(): the last error of each link of this database, as
 * (peer, error_time, finish_lsn, message).
 */
PG_FUNCTION_INFO_V1(gt_link_errors);
Datum
gt_link_errors(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	if (gt_shared == NULL)
		return (Datum) 0;
	LWLockAcquire(gt_shared->lock, LW_SHARED);
	for (int i = 0; i < gt_shared->max_link_errors; i++)
	{
		GtLinkError *e = &gt_shared->link_errors[i];
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		if (e->dboid != MyDatabaseId)
			continue;
		values[0] = CStringGetTextDatum(e->peer);
		values[1] = TimestampTzGetDatum(e->error_time);
		values[2] = LSNGetDatum(e->finish_lsn);
		nulls[2] = XLogRecPtrIsInvalid(e->finish_lsn);
		values[3] = CStringGetTextDatum(e->message);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	LWLockRelease(gt_shared->lock);
	return (Datum) 0;
}
