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
 *	  The triggers
 *		Every replica table has gt_lww, a BEFORE INSERT OR UPDATE OR DELETE
 *		row trigger, and gt_lww_tombstone, an AFTER DELETE row trigger,
 *		both enabled ALWAYS, for what the write primitive does not write:
 *		plain SQL.  A write in a session with a replication origin set up
 *		is replicated and decided as above; every other write is local and
 *		stamped, under the row lock that a BEFORE UPDATE trigger runs with,
 *		at no less than the stored time plus one tick, so users cannot
 *		forge the metadata.  The write primitive's executor path makes
 *		these decisions itself and leaves the triggers out of what it fires
 *		(a BEFORE UPDATE row trigger makes the executor lock the row
 *		twice); its statement path is stamped by them.
 *
 *	  What plain SQL may write
 *		Other regions apply what is written here, so a local INSERT, UPDATE
 *		or COPY row must be an item the item API would accept: the item is
 *		validated exactly as PutItem validates it, the key columns must
 *		equal its key attributes (the receiver takes the key from the item),
 *		an UPDATE cannot change the key, and the deleting flag is not the
 *		user's to set: a local write is a live item, and deletes go through
 *		DELETE.  A row that breaks these is refused with an error, so no
 *		write a user can make here stops a link elsewhere.
 *
 *	  Deletes
 *		A delete is a tombstone: a version with the deleting flag set that
 *		keeps only the key.  A plain SQL DELETE of a live item deletes the
 *		row, so that the statement reports it as SQL users expect and takes
 *		the DELETE privilege alone, and gt_lww_tombstone then inserts the
 *		tombstone in its place, stamped later, with no trigger of the table
 *		firing: the user's DELETE triggers fired for the delete, and the
 *		tombstone is bookkeeping.  It replicates like gt.delete_item()'s,
 *		instead of the item vanishing in one region only.  An INSERT of a
 *		key whose item was deleted removes the tombstone and inserts the
 *		new item stamped later than it, in the same transaction, so it
 *		succeeds as SQL users expect and nothing older can come back.
 *		Otherwise only tombstone collection removes a tombstone
 *		(lifecycle/gt_tombstone.c), after every peer's watermark allows it;
 *		anyone else's DELETE of one is skipped, as of an item that is gone,
 *		since removing it early could let an older version come back.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "replication/origin.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "gt/clock.h"
#include "gt/conflict.h"
#include "gt/exec_row.h"
#include "gt/gt.h"
#include "gt/item.h"
#include "gt/lww.h"
#include "gt/region.h"
#include "gt/table.h"
#include "gt/upsert.h"

/*
 * Set while this backend writes a tombstone (the write primitive's statement
 * path writing DeleteItem's version), or collects tombstones.
 */
static bool writing_tombstone = false;
static bool collecting_tombstones = false;

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

static void
reset_flags(XactEvent event, void *arg)
{
	writing_tombstone = false;
	collecting_tombstones = false;
}

/* Makes sure the flags above do not outlive the current transaction. */
static void
reset_at_xact_end(void)
{
	static bool registered = false;

	if (!registered)
	{
		RegisterXactCallback(reset_flags, NULL);
		registered = true;
	}
}

/* Whether two values of a key column of type type ('S', 'N', 'B') are equal. */
static bool
key_values_equal(char type, Datum a, Datum b)
{
	switch (type)
	{
		case 'S':
			return DatumGetBool(DirectFunctionCall2Coll(texteq, C_COLLATION_OID, a, b));
		case 'N':
			return DatumGetBool(DirectFunctionCall2(numeric_eq, a, b));
		default:
			return DatumGetBool(DirectFunctionCall2(byteaeq, a, b));
	}
}

/*
 * check_key_column errors unless key column attnum of newtuple holds the
 * item's key attribute attname, and, for an UPDATE (oldtuple not NULL),
 * the value it held before.
 */
static void
check_key_column(Relation rel, HeapTuple newtuple, HeapTuple oldtuple,
				 Jsonb *item, AttrNumber attnum, const char *attname, char type)
{
	TupleDesc	desc = RelationGetDescr(rel);
	const char *column = NameStr(TupleDescAttr(desc, attnum - 1)->attname);
	bool		isnull;
	Datum		value = heap_getattr(newtuple, attnum, desc, &isnull);

	if (isnull || !key_values_equal(type, value, gt_item_key_datum(item, attname, type)))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("key column \"%s\" of \"%s\" does not match the item's key attribute \"%s\"",
						column, RelationGetRelationName(rel), attname),
				 errdetail("The key columns of a replica table hold the key attributes of its item.")));
	if (oldtuple != NULL)
	{
		Datum		old = heap_getattr(oldtuple, attnum, desc, &isnull);

		if (isnull || !key_values_equal(type, value, old))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot change the key of an item in \"%s\"",
							RelationGetRelationName(rel)),
					 errhint("Delete the item and write one with the new key.")));
	}
}

/*
 * check_local_row errors unless newtuple, written by plain SQL in this
 * region, is a version other regions can apply (see NOTES).  oldtuple is
 * the row an UPDATE replaces, or NULL.
 */
static void
check_local_row(const GtTable *table, Relation rel, HeapTuple newtuple,
				HeapTuple oldtuple)
{
	TupleDesc	desc = RelationGetDescr(rel);
	bool		isnull;
	Datum		d = heap_getattr(newtuple, table->item_att, desc, &isnull);
	Jsonb	   *item;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("item of \"%s\" must not be null", RelationGetRelationName(rel))));
	item = DatumGetJsonbP(d);
	gt_item_validate_item(item, &table->keys);
	check_key_column(rel, newtuple, oldtuple, item, table->hash_att,
					 table->keys.hash_name, table->keys.hash_type);
	if (table->keys.range_name != NULL)
		check_key_column(rel, newtuple, oldtuple, item, table->range_att,
						 table->keys.range_name, table->keys.range_type);
}

/*
 * stamp_local returns newtuple with a fresh update time (at least floor) and
 * this region's name, with the deleting flag the write sets (true only for the
 * write primitive's tombstones), and with the item detoasted, so that the version
 * written to WAL always carries the whole item for the output plugin.
 */
static HeapTuple
stamp_local(const GtTable *table, Relation rel, HeapTuple newtuple,
			int64 floor)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			colnos[4];
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	int			n = 3;
	bool		isnull;
	Datum		item;

	colnos[0] = table->time_att;
	values[0] = Int64GetDatum(gt_clock_stamp(floor));
	colnos[1] = table->region_att;
	values[1] = CStringGetTextDatum(gt_region_local());
	colnos[2] = table->deleting_att;
	values[2] = BoolGetDatum(writing_tombstone);

	item = heap_getattr(newtuple, table->item_att, desc, &isnull);
	if (!isnull && VARATT_IS_EXTERNAL(DatumGetPointer(item)))
	{
		colnos[3] = table->item_att;
		values[3] = PointerGetDatum(PG_DETOAST_DATUM_COPY(item));
		n = 4;
	}
	return heap_modify_tuple_by_cols(newtuple, desc, n, colnos, values, nulls);
}

/*
 * insert_tombstone inserts the tombstone of stored, the live item that a
 * local DELETE just removed (oldtuple, a row of rel): its key, with the row's
 * other columns as they were, stamped later than the item, with no trigger
 * of the table firing (see NOTES).  If the statement wrote the key again
 * meanwhile (a DELETE and an INSERT of it in one statement), that newer
 * version stands and no tombstone is needed.
 */
static void
insert_tombstone(const GtTable *table, Relation rel, HeapTuple oldtuple,
				 const GtVersion *stored)
{
	TupleDesc	desc = RelationGetDescr(rel);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);
	Jsonb	   *key = gt_item_key_only(gt_version_item(stored), &table->keys);

	ExecClearTuple(slot);
	heap_deform_tuple(oldtuple, desc, slot->tts_values, slot->tts_isnull);
	gt_exec_row_set(slot, table->item_att, JsonbPGetDatum(key));
	gt_exec_row_set(slot, table->time_att,
					Int64GetDatum(gt_clock_stamp(stored->update_time + 1)));
	gt_exec_row_set(slot, table->region_att,
					CStringGetTextDatum(gt_region_local()));
	gt_exec_row_set(slot, table->deleting_att, BoolGetDatum(true));
	ExecStoreVirtualTuple(slot);
	(void) gt_exec_row_insert_quietly(rel, table->pk_index, slot);
	ExecDropSingleTupleTableSlot(slot);
}

/*
 * replace_tombstone removes the tombstone stored under the key of newtuple,
 * a row a local INSERT is about to write to rel, and returns the update time
 * the new version must exceed, or 0 if no tombstone is stored (see NOTES).
 * A live item under the key is left for the INSERT to meet, as a duplicate
 * key or a conflict of its ON CONFLICT clause.
 */
static int64
replace_tombstone(const GtTable *table, Relation rel, HeapTuple newtuple)
{
	TupleDesc	desc = RelationGetDescr(rel);
	TupleTableSlot *found = table_slot_create(rel, NULL);
	Datum		keys[2];
	bool		isnull;
	int64		floor = 0;
	GtVersion	stored;

	keys[0] = heap_getattr(newtuple, table->hash_att, desc, &isnull);
	if (table->range_att != InvalidAttrNumber)
		keys[1] = heap_getattr(newtuple, table->range_att, desc, &isnull);

	/* Look without a lock first: most keys inserted are new, or live. */
	if (gt_exec_row_probe(rel, table->pk_index, keys, GetActiveSnapshot(),
						  found))
	{
		Datum		deleting = slot_getattr(found, table->deleting_att, &isnull);

		if (!isnull && DatumGetBool(deleting))
		{
			TupleTableSlot *search = MakeSingleTupleTableSlot(desc,
															  &TTSOpsVirtual);

			/* Lock its latest version, and look again. */
			gt_exec_row_clear(search);
			gt_exec_row_set(search, table->hash_att, keys[0]);
			if (table->range_att != InvalidAttrNumber)
				gt_exec_row_set(search, table->range_att, keys[1]);
			ExecStoreVirtualTuple(search);
			if (RelationFindReplTupleByIndex(rel, table->pk_index,
											 LockTupleExclusive, search,
											 found))
			{
				tuple_version(table, ExecFetchSlotHeapTuple(found, false, NULL),
							  desc, &stored);
				if (stored.deleting)
				{
					floor = stored.update_time + 1;
					simple_table_tuple_delete(rel, &found->tts_tid,
											  GetActiveSnapshot());
				}
			}
			ExecDropSingleTupleTableSlot(search);
		}
	}
	ExecDropSingleTupleTableSlot(found);
	return floor;
}

/*
 * gt_lww_writing_tombstone tells the trigger that this backend's next local
 * writes are tombstones (true) or items (false).  An error in between
 * leaves it set; the trigger resets it at the end of the transaction.
 */
void
gt_lww_writing_tombstone(bool tombstone)
{
	writing_tombstone = tombstone;
	if (tombstone)
		reset_at_xact_end();
}

/*
 * gt_lww_collecting_tombstones lets this backend's DELETEs remove
 * tombstones (true) or not (false): tombstone collection alone sets it,
 * around its deletes.
 */
void
gt_lww_collecting_tombstones(bool collecting)
{
	collecting_tombstones = collecting;
	if (collecting)
		reset_at_xact_end();
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
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		(!TRIGGER_FIRED_BEFORE(trigdata->tg_event) &&
		 !(TRIGGER_FIRED_AFTER(trigdata->tg_event) &&
		   TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired BEFORE ROW, or AFTER ROW for DELETE",
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
		check_local_row(table, rel, newtuple, NULL);
		/* A plain upsert revives a tombstone by itself (gt_upsert.c). */
		return PointerGetDatum(stamp_local(table, rel, newtuple,
										   gt_upsert_executing(RelationGetRelid(rel)) ? 0 :
										   replace_tombstone(table, rel, newtuple)));
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
		if (!writing_tombstone)
			check_local_row(table, rel, trigdata->tg_newtuple,
							trigdata->tg_trigtuple);
		return PointerGetDatum(stamp_local(table, rel, trigdata->tg_newtuple,
										   stored.update_time + 1));
	}
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		GtVersion	stored;

		tuple_version(table, oldtuple, desc, &stored);
		if (TRIGGER_FIRED_AFTER(trigdata->tg_event))
		{
			/* gt_lww_tombstone: the row of a live item went (see NOTES). */
			if (!replicated && !stored.deleting)
				insert_tombstone(table, rel, oldtuple, &stored);
			return PointerGetDatum(NULL);
		}
		if (replicated)
			return PointerGetDatum(oldtuple);
		if (stored.deleting)	/* only collection removes a tombstone */
			return PointerGetDatum(collecting_tombstones ? oldtuple : NULL);
		return PointerGetDatum(oldtuple);	/* gt_lww_tombstone follows */
	}

	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("function \"%s\" must be fired for INSERT, UPDATE or DELETE",
					"gt_lww_trigger")));
	PG_RETURN_NULL();			/* keep compiler quiet */
}
