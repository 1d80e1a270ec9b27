/*-------------------------------------------------------------------------
 *
 * gt_shmem.c
 *		Shared memory of pg_global_tables: the hybrid logical clock, the
 *		supervisor's latch, each backend's stamp floor, and the state each
 *		link worker reports (last error, peer's watermark).
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
 *		by its own backend (gt_tombstone.c says how they are read).  The link
 *		table is protected by our one LWLock; it has a slot per possible
 *		background worker and is written when a link worker fails, recovers
 *		or receives a watermark, and freed when the link is dropped.  The
 *		supervisor latch pointer is written only by the supervisor and read
 *		by backends that want to wake it; a stale read at worst wakes nobody,
 *		and the supervisor rescans anyway.
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
shared_size(void)
{
	return add_size(MAXALIGN(links_size()),
					mul_size(MaxBackends, sizeof(GtStampSlot)));
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
 * find_link returns the slot of a link, or a free one (claimed for the link)
 * if create, or NULL.  Caller holds the lock (exclusively if create).
 */
static GtLinkState *
find_link(Oid dboid, const char *peer, bool create)
{
	GtLinkState *free_slot = NULL;

	for (int i = 0; i < gt_shared->max_links; i++)
	{
		GtLinkState *e = &gt_shared->links[i];

		if (e->dboid == dboid && strcmp(e->peer, peer) == 0)
			return e;
		if (e->dboid == InvalidOid && free_slot == NULL)
			free_slot = e;
	}
	if (!create || free_slot == NULL)
		return NULL;
	memset(free_slot, 0, sizeof(GtLinkState));
	free_slot->dboid = dboid;
	strlcpy(free_slot->peer, peer, NAMEDATALEN);
	return free_slot;
}

/*
 * gt_shmem_set_link_error records the error that stopped a link worker, and
 * unbatched_until if valid.  Does nothing if the table is full (it has a
 * slot per background worker).
 */
void
gt_shmem_set_link_error(Oid dboid, const char *peer, XLogRecPtr finish_lsn,
						const char *message, XLogRecPtr unbatched_until)
{
	GtLinkState *e;

	if (gt_shared == NULL)
		return;
	LWLockAcquire(gt_shared->lock, LW_EXCLUSIVE);
	e = find_link(dboid, peer, true);
	if (e != NULL)
	{
		e->error_time = GetCurrentTimestamp();
		e->finish_lsn = finish_lsn;
		strlcpy(e->message, message, sizeof(e->message));
		if (!XLogRecPtrIsInvalid(unbatched_until))
			e->unbatched_until = unbatched_until;
	}
	LWLockRelease(gt_shared->lock);
}

/*
 * gt_shmem_get_link_unbatched_until returns up to where a link's worker must
 * apply remote transactions one by one, or InvalidXLogRecPtr.
 */
XLogRecPtr
gt_shmem_get_link_unbatched_until(Oid dboid, const char *peer)
{
	GtLinkState *e;
	XLogRecPtr	result = InvalidXLogRecPtr;

	if (gt_shared == NULL)
		return result;
	LWLockAcquire(gt_shared->lock, LW_SHARED);
	e = find_link(dboid, peer, false);
	if (e != NULL)
		result = e->unbatched_until;
	LWLockRelease(gt_shared->lock);
	return result;
}

/*
 * gt_shmem_clear_link_error forgets a link's error once the link works
 * again; with only_without_lsn, only an error that no remote transaction
 * caused (a connection error, say).
 */
void
gt_shmem_clear_link_error(Oid dboid, const char *peer, bool only_without_lsn)
{
	GtLinkState *e;

	if (gt_shared == NULL)
		return;
	LWLockAcquire(gt_shared->lock, LW_EXCLUSIVE);
	e = find_link(dboid, peer, false);
	if (e != NULL && (!only_without_lsn || XLogRecPtrIsInvalid(e->finish_lsn)))
	{
		e->error_time = 0;
		e->finish_lsn = InvalidXLogRecPtr;
		e->message[0] = '\0';
	}
	LWLockRelease(gt_shared->lock);
}

/*
 * gt_shmem_set_link_watermark records the last watermark received from a
 * peer.  Does nothing if the table is full: tombstones then wait.
 */
void
gt_shmem_set_link_watermark(Oid dboid, const char *peer, int64 watermark)
{
	GtLinkState *e;

	if (gt_shared == NULL)
		return;
	LWLockAcquire(gt_shared->lock, LW_EXCLUSIVE);
	e = find_link(dboid, peer, true);
	if (e != NULL)
		e->watermark = watermark;
	LWLockRelease(gt_shared->lock);
}

/*
 * gt._forget_link(peer): frees the slot of this database's link with peer,
 * when the link is dropped, so a watermark never outlives its link.
 */
PG_FUNCTION_INFO_V1(gt_forget_link);
Datum
gt_forget_link(PG_FUNCTION_ARGS)
{
	char	   *peer = text_to_cstring(PG_GETARG_TEXT_PP(0));
	GtLinkState *e;

	if (gt_shared == NULL)
		PG_RETURN_VOID();
	LWLockAcquire(gt_shared->lock, LW_EXCLUSIVE);
	e = find_link(MyDatabaseId, peer, false);
	if (e != NULL)
		memset(e, 0, sizeof(GtLinkState));
	LWLockRelease(gt_shared->lock);
	PG_RETURN_VOID();
}

/*
 * gt._link_state(): what each link worker of this database reported, as
 * (peer, error_time, finish_lsn, message, watermark); NULL where there is no
 * error, or no watermark yet.
 */
PG_FUNCTION_INFO_V1(gt_link_state);
Datum
gt_link_state(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	if (gt_shared == NULL)
		return (Datum) 0;
	LWLockAcquire(gt_shared->lock, LW_SHARED);
	for (int i = 0; i < gt_shared->max_links; i++)
	{
		GtLinkState *e = &gt_shared->links[i];
		bool		has_error = (e->error_time != 0);
		Datum		values[5];
		bool		nulls[5];

		if (e->dboid != MyDatabaseId)
			continue;
		values[0] = CStringGetTextDatum(e->peer);
		nulls[0] = false;
		values[1] = TimestampTzGetDatum(e->error_time);
		nulls[1] = !has_error;
		values[2] = LSNGetDatum(e->finish_lsn);
		nulls[2] = !has_error || XLogRecPtrIsInvalid(e->finish_lsn);
		values[3] = has_error ? CStringGetTextDatum(e->message) : (Datum) 0;
		nulls[3] = !has_error;
		values[4] = Int64GetDatum(e->watermark);
		nulls[4] = (e->watermark == 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	LWLockRelease(gt_shared->lock);
	return (Datum) 0;
}
