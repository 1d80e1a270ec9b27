/*-------------------------------------------------------------------------
 *
 * gt_lww.c
 *		Last-writer-wins: the order of item versions, the decider that
 *		applies versions from other regions, and the row trigger every
 *		replica table carries.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/conflict/gt_lww.c
 *
 * NOTES
 *	  Versions
 *		Every item version carries (update time, update region), stamped by
 *		the hybrid logical clock (gt_clock.c).  Versions are ordered by
 *		time, then by region name compared bytewise, so every region picks
 *		the same winner whatever its collation.  An equal pair is the same
 *		version arriving twice, and is discarded: applying a change twice
 *		has no effect.
 *
 *	  Versions from other regions
 *		gt_lww_decide() is the write primitive's decider for them (link
 *		workers, the initial copy of a new replica): it writes the incoming
 *		version if it is newer than the stored one, and keeps the stored one
 *		otherwise; when the two were written in different regions, it
 *		reports the conflict (gt_conflict.c), whichever won.
 *
 *	  The trigger
 *		Every replica table has gt_lww, a BEFORE INSERT OR UPDATE OR DELETE
 *		row trigger enabled ALWAYS, for what the write primitive does not
 *		write: plain SQL.  A write in a session with a replication origin
 *		set up is replicated and decided as above; every other write is
 *		local and stamped, under the row lock that a BEFORE UPDATE trigger
 *		runs with, at no less than the stored time plus one tick, so users
 *		cannot forge the metadata.  The write primitive's executor path
 *		makes these decisions itself and leaves the trigger out of what it
 *		fires (a BEFORE UPDATE row trigger makes the executor lock the row
 *		twice); its statement path is stamped by it.
 *
 *	  Deletes
 *		A delete is a tombstone: an update that sets the deleting flag and
 *		keeps only the key.  A plain SQL DELETE of a live item is turned
 *		into one here (the row is updated, the delete skipped), so that it
 *		replicates like gt.delete_item() does instead of vanishing in one
 *		region only.  Deleting a tombstone removes it: that is how
 *		gt.collect_tombstones() works (lifecycle/gt_tombstone.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "replication/origin.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "gt/clock.h"
#include "gt/conflict.h"
#include "gt/gt.h"
#include "gt/item.h"
#include "gt/lww.h"
#include "gt/region.h"
#include "gt/table.h"

/*
 * gt_lww_compare orders two versions: <0 if a is older than b, 0 if they are
 * the same version, >0 if a is newer.  Ties on time go to the region name
 * that sorts last bytewise, identically in every region.
 */
int
gt_lww_compare(int64 time_a, const char *region_a,
			   int64 time_b, const char *region_b)
{
	if (time_a != time_b)
		return time_a < time_b ? -1 : 1;
	return strcmp(region_a, region_b);
}

/*
 * gt_lww_decide decides on a version from another region (arg is a
 * GtLwwArg): write it if it is newer than the stored version, or if the
 * key is new here; keep the stored one otherwise.  Reports a conflict when
 * the two were written in different regions (see NOTES).
 */
GtDecision
gt_lww_decide(const GtVersion *stored, GtVersion *next, void *arg)
{
	GtLwwArg   *lww = arg;
	const GtVersion *incoming = lww->incoming;
	int			cmp;

	if (stored == NULL)
	{
		*next = *incoming;
		return GT_DECISION_WRITE;
	}
	cmp = gt_lww_compare(incoming->update_time, incoming->update_region,
						 stored->update_time, stored->update_region);
	if (strcmp(incoming->update_region, stored->update_region) != 0)
		gt_conflict_report(lww->table,
						   lww->inserted ? GT_CT_INSERT_EXISTS :
						   incoming->deleting ? GT_CT_DELETE_ORIGIN_DIFFERS :
						   GT_CT_UPDATE_ORIGIN_DIFFERS,
						   stored, incoming, cmp > 0);
	if (cmp <= 0)
		return GT_DECISION_KEEP;
	*next = *incoming;
	return GT_DECISION_WRITE;
}

/* Reads the version tuple holds, with the columns of table. */
static void
tuple_version(const GtTable *table, HeapTuple tuple, TupleDesc desc,
			  GtVersion *version)
{
	bool		isnull;
	Datum		d;

	version->item = heap_getattr(tuple, table->item_att, desc, &isnull);
	if (isnull)					/* not an item: one without attributes */
		version->item = DirectFunctionCall1(jsonb_in, CStringGetDatum("{}"));
	d = heap_getattr(tuple, table->time_att, desc, &isnull);
	version->update_time = isnull ? 0 : DatumGetInt64(d);
	d = heap_getattr(tuple, table->region_att, desc, &isnull);
	version->update_region = isnull ? "" : TextDatumGetCString(d);
	d = heap_getattr(tuple, table->deleting_att, desc, &isnull);
	version->deleting = isnull ? false : DatumGetBool(d);
}

/*
 * stamp_local returns newtuple with a fresh update time (at least floor) and
 * this region's name, and with the item detoasted, so that the version
 * written to WAL always carries the whole item for the output plugin.
 */
static HeapTuple
stamp_local(const GtTable *table, Relation rel, HeapTuple newtuple,
			int64 floor)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			colnos[3];
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	int			n = 2;
	bool		isnull;
	Datum		item;

	colnos[0] = table->time_att;
	values[0] = Int64GetDatum(gt_clock_stamp(floor));
	colnos[1] = table->region_att;
	values[1] = CStringGetTextDatum(gt_region_local());

	item = heap_getattr(newtuple, table->item_att, desc, &isnull);
	if (!isnull && VARATT_IS_EXTERNAL(DatumGetPointer(item)))
	{
		colnos[2] = table->item_att;
		values[2] = PointerGetDatum(PG_DETOAST_DATUM_COPY(item));
		n = 3;
	}
	return heap_modify_tuple_by_cols(newtuple, desc, n, colnos, values, nulls);
}

/*
 * write_tombstone turns the row at tid, holding item, into a tombstone with
 * an UPDATE that this same trigger stamps.
 */
static void
write_tombstone(const GtTable *table, Relation rel, ItemPointer tid,
				Datum item)
{
	Oid			argtypes[2] = {JSONBOID, TIDOID};
	Datum		args[2];
	char	   *sql;

	args[0] = JsonbPGetDatum(gt_item_key_only(DatumGetJsonbP(item),
											  &table->keys));
	args[1] = PointerGetDatum(tid);
	sql = psprintf("UPDATE %s SET %s = $1, %s = true WHERE ctid OPERATOR(pg_catalog.=) $2",
				   table->qualified_name, GT_COL_ITEM, GT_COL_DELETING);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(sql, 2, argtypes, args, NULL, false, 1) != SPI_OK_UPDATE)
		elog(ERROR, "could not write a tombstone in \"%s\"",
			 RelationGetRelationName(rel));
	SPI_finish();
}

/*
 * gt_lww_trigger is the BEFORE INSERT OR UPDATE OR DELETE row trigger on every
 * replica table.  It stamps local writes, decides on replicated ones and
 * turns local deletes into tombstones (see NOTES).
 */
PG_FUNCTION_INFO_V1(gt_lww_trigger);
Datum
gt_lww_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	desc;
	GtTable    *table;
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
	table = gt_table_by_relid(RelationGetRelid(rel));
	if (table == NULL || !table->complete)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("table \"%s\" is not a global table replica",
						RelationGetRelationName(rel)),
				 errdetail("A replica table is listed in gt.global_table and has the columns \"%s\", \"%s\", \"%s\" and \"%s\".",
						   GT_COL_ITEM, GT_COL_UPDATE_TIME,
						   GT_COL_UPDATE_REGION, GT_COL_DELETING)));
	replicated = (replorigin_session_origin != InvalidRepOriginId);

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		HeapTuple	newtuple = trigdata->tg_trigtuple;

		if (replicated)
		{
			bool		isnull;
			Datum		t = heap_getattr(newtuple, table->time_att, desc, &isnull);

			gt_clock_observe(isnull ? 0 : DatumGetInt64(t));
			return PointerGetDatum(newtuple);
		}
		return PointerGetDatum(stamp_local(table, rel, newtuple, 0));
	}
	else if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		GtVersion	stored;

		tuple_version(table, trigdata->tg_trigtuple, desc, &stored);
		if (replicated)
		{
			GtVersion	incoming;
			GtVersion	next;
			GtLwwArg	arg = {table, &incoming, false};

			tuple_version(table, trigdata->tg_newtuple, desc, &incoming);
			gt_clock_observe(incoming.update_time);
			if (gt_lww_decide(&stored, &next, &arg) == GT_DECISION_KEEP)
				return PointerGetDatum(NULL);	/* stored version wins */
			return PointerGetDatum(trigdata->tg_newtuple);
		}
		return PointerGetDatum(stamp_local(table, rel, trigdata->tg_newtuple,
										   stored.update_time + 1));
	}
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		GtVersion	stored;

		tuple_version(table, oldtuple, desc, &stored);
		if (replicated || stored.deleting)
			return PointerGetDatum(oldtuple);
		write_tombstone(table, rel, &oldtuple->t_self, stored.item);
		return PointerGetDatum(NULL);
	}

	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("function \"%s\" must be fired for INSERT, UPDATE or DELETE",
					"gt_lww_trigger")));
	PG_RETURN_NULL();			/* keep compiler quiet */
}
