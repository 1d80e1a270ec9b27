/*-------------------------------------------------------------------------
 *
 * gt_tombstone.c
 *		When a tombstone can be forgotten: the stamp floors of open
 *		transactions, the watermark each region sends its peers, and the
 *		launcher's periodic collection.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/lifecycle/gt_tombstone.c
 *
 * NOTES
 *	  Why tombstones are kept
 *		A delete is a tombstone version (see gt_conflict.c) so that an older
 *		update arriving later from another region loses to it.  Removing the
 *		tombstone too early lets such an update resurrect the item in one
 *		region only: the regions diverge.
 *
 *	  When a tombstone can go
 *		A region R may remove a tombstone of time T once no change with an
 *		older time can still reach it.  Its own writes cannot: they take the
 *		row lock and stamp later than the stored version.  For each peer P
 *		sharing the table, R needs P's word that everything P commits from
 *		some point on is newer than T.  P gives it as a watermark W: a time
 *		below every update time any of its transactions committing after the
 *		watermark in its WAL can carry.  R records W when its link worker
 *		reaches the watermark in P's stream, that is after applying every
 *		transaction P committed before it; from then on R may remove
 *		tombstones with T < W as far as P is concerned, and a tombstone goes
 *		when that holds for every peer of its table.  A peer that is away,
 *		partitioned or stuck on a poison change sends no new watermark, so
 *		tombstones wait for it.  Each region collects on its own, and the
 *		physical delete is not replicated (gt_output.c sends no deletes).
 *
 *	  Computing the watermark
 *		An open transaction may commit long after it stamped, so the clock
 *		alone is not a watermark.  Before its first stamp a transaction
 *		publishes a floor in its backend's slot (the clock's value then: its
 *		stamps are all later), and clears it when it ends.  The watermark is
 *		the least of a fresh clock value and the floors of this database's
 *		backends.  Ordering: a backend writes its floor and issues a barrier
 *		before it stamps; gt._stamp_horizon() takes its clock value (a
 *		compare-and-swap, a full barrier) before it reads the floors.  So a
 *		stamp older than that clock value was taken after a floor write that
 *		the reader sees, unless its transaction had already ended, and then
 *		its commit record precedes the watermark message in WAL.  A prepared
 *		transaction has no backend and may commit any time later, so no
 *		watermark is sent while the database has one.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/backendid.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "gt/gt.h"
#include "gt/lww.h"
#include "gt/shmem.h"
#include "gt/tombstone.h"

static bool floor_published = false;
static bool xact_callback_registered = false;

static GtStampSlot *
my_stamp_slot(void)
{
	if (MyBackendId == InvalidBackendId ||
		MyBackendId > gt_shared->max_stamp_slots)
		elog(ERROR, "backend ID %d has no stamp slot", MyBackendId);
	return &gt_shared->stamp_slots[MyBackendId - 1];
}

/* Clears this backend's floor when its transaction ends, however it ends. */
static void
clear_floor_at_xact_end(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			if (floor_published)
			{
				pg_atomic_write_u64(&my_stamp_slot()->floor, 0);
				floor_published = false;
			}
			break;
		default:
			break;
	}
}

/*
 * gt_tombstone_note_stamp publishes this transaction's stamp floor before
 * its first local update time is taken (see NOTES).
 */
void
gt_tombstone_note_stamp(void)
{
	GtStampSlot *slot;
	uint64		floor;

	if (floor_published || gt_shared == NULL)
		return;
	if (!xact_callback_registered)
	{
		RegisterXactCallback(clear_floor_at_xact_end, NULL);
		xact_callback_registered = true;
	}
	slot = my_stamp_slot();
	slot->dboid = MyDatabaseId;
	pg_write_barrier();
	floor = Max(pg_atomic_read_u64(&gt_shared->hlc), 1);
	pg_atomic_write_u64(&slot->floor, floor);
	pg_memory_barrier();
	floor_published = true;
}

/*
 * gt._stamp_horizon(): a time below every update time that a transaction of
 * this database committing from now on can carry (see NOTES).
 */
PG_FUNCTION_INFO_V1(gt_stamp_horizon);
Datum
gt_stamp_horizon(PG_FUNCTION_ARGS)
{
	uint64		horizon = (uint64) gt_hlc_next(0);

	for (int i = 0; i < gt_shared->max_stamp_slots; i++)
	{
		GtStampSlot *slot = &gt_shared->stamp_slots[i];
		uint64		floor = pg_atomic_read_u64(&slot->floor);

		pg_read_barrier();
		if (floor != 0 && floor < horizon && slot->dboid == MyDatabaseId)
			horizon = floor;
	}
	PG_RETURN_INT64((int64) horizon);
}

/*
 * gt_tombstone_tick runs one round for the launcher: send this region's
 * watermark, then collect the tombstones every peer's watermark allows.  An
 * error is reported and the round abandoned; the next one tries again.
 */
void
gt_tombstone_tick(void)
{
	MemoryContext caller = CurrentMemoryContext;

	PG_TRY();
	{
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, "collecting tombstones");
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute("SELECT gt._publish_watermark()", false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not publish the watermark");
		if (SPI_execute("SELECT gt.collect_tombstones()", false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not collect tombstones");
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(caller);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		ereport(WARNING,
				(errmsg("could not collect tombstones: %s", edata->message)));
		FreeErrorData(edata);
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
}
