/*-------------------------------------------------------------------------
 *
 * gt_lww.c
 *		Last-writer-wins conflict resolution: the hybrid logical clock, the
 *		version comparison, and the row trigger every replica table carries.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/conflict/gt_lww.c
 *
 * NOTES
 *	  Versions
 *		Every item version carries (update time, update region).  The update
 *		time comes from a hybrid logical clock: microseconds since the Unix
 *		epoch, never less than the last value handed out or observed in this
 *		cluster plus one.  Versions are ordered by time, then by region name
 *		compared bytewise, so every region picks the same winner whatever its
 *		collation.  An equal pair is the same version arriving twice, and is
 *		discarded: applying a change twice has no effect.
 *
 *	  Local and replicated writes
 *		A write is replicated when the session has a replication origin set
 *		up (the apply worker, or the initial copy of a new replica); every
 *		other write is local.  Local writes are stamped here, under the row
 *		lock that a BEFORE UPDATE trigger runs with, at no less than the
 *		stored time plus one tick: the transaction that commits last on a row
 *		always carries the later time.  (The item API's direct write path,
 *		gt_item_write.c, stamps the same way under the same lock, without
 *		the trigger.)  Users therefore cannot forge the metadata, through
 *		the API or through plain SQL.  Replicated writes keep their metadata
 *		and are applied only if they are newer than the stored version;
 *		older ones are skipped by returning NULL.
 *
 *	  Deletes
 *		A delete is a tombstone: an update that sets the deleting flag and
 *		keeps only the key.  A plain SQL DELETE of a live item in a replica
 *		table is turned into one here (the row is updated, the delete
 *		skipped), so that it replicates like gt.delete_item() does instead of
 *		vanishing in one region only.  Deleting a tombstone removes it: that
 *		is how gt.collect_tombstones() works (see gt_tombstone.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/dbcommands.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "replication/origin.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "gt/gt.h"
#include "gt/lww.h"
#include "gt/shmem.h"
#include "gt/tombstone.h"

/* Microseconds between the Unix epoch and the PostgreSQL epoch. */
#define GT_UNIX_EPOCH_OFFSET_US \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

static char *local_region_name = NULL;

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
 * gt_hlc_next returns a fresh update time: greater than every time handed out
 * or observed before in this cluster, at least floor, and at least the wall
 * clock.  Needs the shared state, so only works with the library preloaded.
 */
int64
gt_hlc_next(int64 floor)
{
	uint64		cur;
	uint64		next;

	if (gt_shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("pg_global_tables must be loaded via \"shared_preload_libraries\""),
				 errhint("Add \"pg_global_tables\" to \"shared_preload_libraries\" and restart the server.")));

	cur = pg_atomic_read_u64(&gt_shared->hlc);
	for (;;)
	{
		next = Max((uint64) physical_now(), cur + 1);
		next = Max(next, (uint64) floor);
		if (pg_atomic_compare_exchange_u64(&gt_shared->hlc, &cur, next))
			return (int64) next;
	}
}

/*
 * gt_hlc_observe advances the clock to a time seen in a replicated version,
 * so that a region that has seen a later remote write stamps later.
 */
void
gt_hlc_observe(int64 remote_time)
{
	uint64		cur;

	if (gt_shared == NULL)
		return;
	cur = pg_atomic_read_u64(&gt_shared->hlc);
	while (cur < (uint64) remote_time)
	{
		if (pg_atomic_compare_exchange_u64(&gt_shared->hlc, &cur,
										   (uint64) remote_time))
			break;
	}
}

/*
 * gt_local_write_time returns the update time of a local write replacing a
 * version stamped floor - 1 (floor 0 for a new row): the stamp of the LWW
 * trigger and of the item API's direct write path.
 */
int64
gt_local_write_time(int64 floor)
{
	gt_tombstone_note_stamp();
	return gt_hlc_next(floor);
}

/*
 * gt_conflict_compare orders two versions: <0 if a is older than b, 0 if they
 * are the same version, >0 if a is newer.  Ties on time go to the region
 * name that sorts last bytewise, identically in every region.
 */
int
gt_conflict_compare(int64 time_a, const char *region_a,
					int64 time_b, const char *region_b)
{
	if (time_a != time_b)
		return time_a < time_b ? -1 : 1;
	return strcmp(region_a, region_b);
}

/*
 * gt_local_region returns this database's region name, read once from
 * gt.region and cached for the life of the backend (a region is never
 * renamed).  ERRORs if the region is not initialised.  Uses SPI.
 */
const char *
gt_local_region(void)
{
	bool		isnull;
	Datum		d;

	if (local_region_name != NULL)
		return local_region_name;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT name FROM gt.region", true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read gt.region");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("database \"%s\" has no region name",
						get_database_name(MyDatabaseId)),
				 errhint("Name it with gt.init_region('region-name').")));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	local_region_name = MemoryContextStrdup(TopMemoryContext,
											TextDatumGetCString(d));
	SPI_finish();
	return local_region_name;
}

/* Column numbers of the metadata columns of a replica table. */
typedef struct MetaColumns
{
	int			item;
	int			time;
	int			region;
	int			deleting;
} MetaColumns;

static void
find_meta_columns(Relation rel, MetaColumns *cols)
{
	TupleDesc	desc = RelationGetDescr(rel);

	cols->item = SPI_fnumber(desc, GT_COL_ITEM);
	cols->time = SPI_fnumber(desc, GT_COL_UPDATE_TIME);
	cols->region = SPI_fnumber(desc, GT_COL_UPDATE_REGION);
	cols->deleting = SPI_fnumber(desc, GT_COL_DELETING);
	if (cols->item <= 0 || cols->time <= 0 || cols->region <= 0 ||
		cols->deleting <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("table \"%s\" is not a global table replica",
						RelationGetRelationName(rel)),
				 errdetail("A replica table has the columns \"%s\", \"%s\", \"%s\" and \"%s\".",
						   GT_COL_ITEM, GT_COL_UPDATE_TIME,
						   GT_COL_UPDATE_REGION, GT_COL_DELETING)));
}

static int64
get_time(HeapTuple tuple, TupleDesc desc, int attnum)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attnum, desc, &isnull);

	return isnull ? 0 : DatumGetInt64(d);
}

static char *
get_region(HeapTuple tuple, TupleDesc desc, int attnum)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attnum, desc, &isnull);

	return isnull ? pstrdup("") : TextDatumGetCString(d);
}

/*
 * stamp_local returns newtuple with a fresh update time (at least floor) and
 * this region's name, and with the item detoasted, so that the version
 * written to WAL always carries the whole item for the output plugin.
 */
static HeapTuple
stamp_local(Relation rel, HeapTuple newtuple, const MetaColumns *cols,
			int64 floor)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			colnos[3];
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	int			n = 2;
	bool		isnull;
	Datum		item;
	const char *region = gt_local_region();

	colnos[0] = cols->time;
	values[0] = Int64GetDatum(gt_local_write_time(floor));
	colnos[1] = cols->region;
	values[1] = CStringGetTextDatum(region);

	item = heap_getattr(newtuple, cols->item, desc, &isnull);
	if (!isnull && VARATT_IS_EXTERNAL(DatumGetPointer(item)))
	{
		colnos[2] = cols->item;
		values[2] = PointerGetDatum(PG_DETOAST_DATUM_COPY(item));
		n = 3;
	}
	return heap_modify_tuple_by_cols(newtuple, desc, n, colnos, values, nulls);
}

/*
 * write_tombstone turns the row at tid into a tombstone through
 * gt._tombstone(), whose UPDATE is stamped by this same trigger.
 */
static void
write_tombstone(Relation rel, ItemPointer tid)
{
	Oid			argtypes[2] = {REGCLASSOID, TIDOID};
	Datum		args[2];

	args[0] = ObjectIdGetDatum(RelationGetRelid(rel));
	args[1] = PointerGetDatum(tid);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT gt._tombstone($1, $2)", 2, argtypes,
							  args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not write a tombstone in \"%s\"",
			 RelationGetRelationName(rel));
	SPI_finish();
}

/*
 * gt_lww_trigger is the BEFORE INSERT OR UPDATE OR DELETE row trigger on every
 * replica table.  It stamps local writes, arbitrates replicated ones and turns
 * local deletes into tombstones (see NOTES).
 */
PG_FUNCTION_INFO_V1(gt_lww_trigger);
Datum
gt_lww_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	desc;
	MetaColumns cols;
	bool		replicated;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" was not called by trigger manager",
						"gt_lww_trigger")));
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired BEFORE ROW",
						"gt_lww_trigger")));

	rel = trigdata->tg_relation;
	desc = RelationGetDescr(rel);
	find_meta_columns(rel, &cols);
	replicated = (replorigin_session_origin != InvalidRepOriginId);

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		HeapTuple	newtuple = trigdata->tg_trigtuple;

		if (replicated)
		{
			gt_hlc_observe(get_time(newtuple, desc, cols.time));
			return PointerGetDatum(newtuple);
		}
		return PointerGetDatum(stamp_local(rel, newtuple, &cols, 0));
	}
	else if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		HeapTuple	newtuple = trigdata->tg_newtuple;
		int64		old_time = get_time(oldtuple, desc, cols.time);

		if (replicated)
		{
			int64		new_time = get_time(newtuple, desc, cols.time);
			char	   *old_region = get_region(oldtuple, desc, cols.region);
			char	   *new_region = get_region(newtuple, desc, cols.region);

			gt_hlc_observe(new_time);
			if (gt_conflict_compare(new_time, new_region,
									old_time, old_region) <= 0)
				return PointerGetDatum(NULL);	/* stored version wins */
			return PointerGetDatum(newtuple);
		}
		return PointerGetDatum(stamp_local(rel, newtuple, &cols,
										   old_time + 1));
	}

	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		bool		isnull;
		Datum		deleting = heap_getattr(oldtuple, cols.deleting, desc, &isnull);

		if (replicated || (!isnull && DatumGetBool(deleting)))
			return PointerGetDatum(oldtuple);
		write_tombstone(rel, &oldtuple->t_self);
		return PointerGetDatum(NULL);
	}

	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("function \"%s\" must be fired for INSERT, UPDATE or DELETE",
					"gt_lww_trigger")));
	PG_RETURN_NULL();			/* keep compiler quiet */
}
