/*-------------------------------------------------------------------------
 *
 * gt_link_state.c
 *		What each link worker reports about its link, in shared memory: its
 *		last error, the peer's last watermark, and where apply must go one
 *		transaction at a time.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/replication/gt_link_state.c
 *
 * NOTES
 *		One slot per link, keyed by database and peer region, in the table
 *		gt_shmem.c allocates (a slot per possible background worker) and
 *		protected by its LWLock.  gt.links shows the errors
 *		(gt._link_state()), tombstone collection reads the watermarks, and a
 *		dropped link frees its slot (gt._forget_link()), so that a watermark
 *		never outlives its link.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lwlock.h"
#include "utils/builtins.h"
#include "utils/pg_lsn.h"
#include "utils/timestamp.h"

#include "gt/link_state.h"
#include "gt/shmem.h"

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
 * gt_link_state_set_error records the error that stopped a link worker, and
 * unbatched_until if valid.  Does nothing if the table is full (it has a
 * slot per background worker).
 */
void
gt_link_state_set_error(Oid dboid, const char *peer, XLogRecPtr finish_lsn,
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
 * gt_link_state_unbatched_until returns up to where a link's worker must
 * apply remote transactions one by one, or InvalidXLogRecPtr.
 */
XLogRecPtr
gt_link_state_unbatched_until(Oid dboid, const char *peer)
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
 * gt_link_state_clear_error forgets a link's error once the link works
 * again; with only_without_lsn, only an error that no remote transaction
 * caused (a connection error, say).
 */
void
gt_link_state_clear_error(Oid dboid, const char *peer, bool only_without_lsn)
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
 * gt_link_state_set_watermark records the last watermark received from a
 * peer.  Does nothing if the table is full: tombstones then wait.
 */
void
gt_link_state_set_watermark(Oid dboid, const char *peer, int64 watermark)
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
