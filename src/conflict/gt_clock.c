/*-------------------------------------------------------------------------
 *
 * gt_clock.c
 *		The hybrid logical clock that stamps every item version, and the
 *		stamp floors that bound what an open transaction can still commit.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/conflict/gt_clock.c
 *
 * NOTES
 *	  The clock
 *		An update time is microseconds since the Unix epoch, never less than
 *		the last value handed out or observed in this cluster plus one: one
 *		atomic counter in shared memory, advanced by compare and swap to
 *		max(wall clock, last + 1, floor).  A local write takes floor = the
 *		stored version's time plus one, under the row lock, so the
 *		transaction that commits last on an item carries the later time;
 *		applying a remote version advances the clock to its time, so a
 *		region that has seen a later write stamps later still.
 *
 *	  The lead bound
 *		Nothing moves the clock further ahead of the wall clock than
 *		"gt.max_clock_lead": not a remote version's time (the clock observes
 *		at most the bound), not a stored version a local write must outdo
 *		(that write is refused with an error rather than stamped older than
 *		what it replaces, which would lose it).  Times are signed and never
 *		negative, so no value can wrap the clock around.  A clock already
 *		beyond the bound (the wall clock was set back, or the bound lowered)
 *		keeps advancing by one tick per stamp, and never goes back.
 *
 *	  Stamp floors
 *		An open transaction may commit long after it stamped, so the clock
 *		alone does not say what can still be committed.  Before its first
 *		stamp a transaction publishes a floor in its backend's slot (the
 *		clock's value then: its stamps are all later), and clears it when
 *		it ends.  The horizon is the least of a fresh clock value and the
 *		floors of this database's backends: a time below every stamp that a
 *		transaction committing from now on can carry, which is what a
 *		region's watermark promises (lifecycle/gt_tombstone.c).  Ordering: a
 *		backend writes its floor and issues a barrier before it stamps;
 *		gt_clock_horizon() takes its clock value (a compare and swap, a full
 *		barrier) before it reads the floors.  So a stamp older than that
 *		clock value was taken after a floor write that the reader sees,
 *		unless its transaction had already ended, and then its commit record
 *		precedes anything the reader writes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/backendid.h"
#include "utils/timestamp.h"

#include "gt/clock.h"
#include "gt/gt.h"
#include "gt/shmem.h"

/* Microseconds between the Unix epoch and the PostgreSQL epoch. */
#define GT_UNIX_EPOCH_OFFSET_US \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

static bool floor_published = false;
static bool xact_callback_registered = false;

/*
 * physical_now returns the wall clock in microseconds since the Unix epoch,
 * shifted by the test-only "gt.clock_offset".
 */
static int64
physical_now(void)
{
	return (int64) GetCurrentTimestamp() + GT_UNIX_EPOCH_OFFSET_US +
		(int64) gt_clock_offset * 1000;
}

/*
 * lead_limit returns the latest time the clock may be moved to now: the
 * wall clock plus "gt.max_clock_lead" (see NOTES).
 */
static int64
lead_limit(int64 now)
{
	return now + (int64) gt_max_clock_lead * 1000;
}

/*
 * gt_clock_plausible says whether time is one the clock of some region may
 * have handed out: after the epoch, and within the lead bound of this
 * server's wall clock.
 */
bool
gt_clock_plausible(int64 time)
{
	return time > 0 && time <= lead_limit(physical_now());
}

/*
 * gt_clock_next returns a fresh update time: greater than every time handed
 * out or observed before in this cluster, at least floor, and at least the
 * wall clock.  A floor beyond the lead bound is an error (see NOTES).  Needs
 * the shared state, so only works with the library preloaded.
 */
int64
gt_clock_next(int64 floor)
{
	uint64		cur;
	int64		now;
	int64		next;

	if (gt_shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("pg_global_tables must be loaded via \"shared_preload_libraries\""),
				 errhint("Add \"pg_global_tables\" to \"shared_preload_libraries\" and restart the server.")));

	now = physical_now();
	if (floor > lead_limit(now))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("the stored version of this item is stamped too far in the future"),
				 errdetail("Its update time is %lld microseconds ahead of this server's clock; \"gt.max_clock_lead\" allows %d milliseconds.",
						   (long long) (floor - 1 - now), gt_max_clock_lead),
				 errhint("Check the clocks of the regions that wrote it, or raise \"gt.max_clock_lead\".")));

	cur = pg_atomic_read_u64(&gt_shared->hlc);
	for (;;)
	{
		next = Max(now, (int64) cur + 1);
		next = Max(next, floor);
		if (pg_atomic_compare_exchange_u64(&gt_shared->hlc, &cur, (uint64) next))
			return next;
	}
}

/*
 * gt_clock_observe advances the clock to a time seen in a replicated
 * version, so that a region that has seen a later remote write stamps later;
 * never beyond the lead bound (see NOTES).
 */
void
gt_clock_observe(int64 remote_time)
{
	uint64		cur;
	int64		target;

	if (gt_shared == NULL || remote_time <= 0)
		return;
	target = Min(remote_time, lead_limit(physical_now()));
	cur = pg_atomic_read_u64(&gt_shared->hlc);
	while ((int64) cur < target)
	{
		if (pg_atomic_compare_exchange_u64(&gt_shared->hlc, &cur,
										   (uint64) target))
			break;
	}
}

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
 * publish_floor publishes this transaction's stamp floor before its first
 * local update time is taken (see NOTES).
 */
static void
publish_floor(void)
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
 * gt_clock_stamp returns the update time of a local write replacing a
 * version stamped floor - 1 (floor 0 for a new item): the stamp of the LWW
 * trigger and of the write primitive's local writes.
 */
int64
gt_clock_stamp(int64 floor)
{
	publish_floor();
	return gt_clock_next(floor);
}

/*
 * gt_clock_horizon returns a time below every update time that a
 * transaction of this database committing from now on can carry (see
 * NOTES).
 */
int64
gt_clock_horizon(void)
{
	uint64		horizon = (uint64) gt_clock_next(0);

	for (int i = 0; i < gt_shared->max_stamp_slots; i++)
	{
		GtStampSlot *slot = &gt_shared->stamp_slots[i];
		uint64		floor = pg_atomic_read_u64(&slot->floor);

		pg_read_barrier();
		if (floor != 0 && floor < horizon && slot->dboid == MyDatabaseId)
			horizon = floor;
	}
	return (int64) horizon;
}

/* gt._stamp_horizon() RETURNS bigint */
PG_FUNCTION_INFO_V1(gt_stamp_horizon);
Datum
gt_stamp_horizon(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(gt_clock_horizon());
}
