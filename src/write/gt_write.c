/*-------------------------------------------------------------------------
 *
 * gt_write.c
 *		Writes the version of a PutItem or DeleteItem call to its replica
 *		table through the executor, when the table and the session allow it.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/write/gt_write.c
 *
 * NOTES
 *	  Why
 *		The item API otherwise runs INSERT ... ON CONFLICT DO UPDATE through
 *		SPI, which starts an executor for one row inside the executor that
 *		runs the caller's statement, and ON CONFLICT then fetches and locks
 *		an existing row twice (once to find the conflict, once more for the
 *		LWW trigger).  Here the row is written as the apply path writes a
 *		replicated version (gt_apply_version.c): look the key up through the
 *		primary key, locking the row, then update it, or insert it
 *		speculatively if it is not there.  One client upserting stored
 *		items without waiting for commits: 67-83 us of backend CPU per
 *		gt.put_item call through the statement, 51 us this way, the same as
 *		a plain SQL upsert of the same row.
 *
 *	  Same result as the statement
 *		The write must be indistinguishable from the upsert's: the same
 *		stamp (done here instead of by the LWW trigger, as it would: update
 *		time at least the stored one plus one, this region's name), the same
 *		columns kept (an update keeps the stored key values, so a number key
 *		keeps the spelling it was first written with), the same locks, the
 *		same constraint checks.  So this path is taken only when nothing
 *		else could happen differently, and returns false otherwise, leaving
 *		the statement to do it:
 *		- READ COMMITTED (ON CONFLICT raises serialization failures under
 *		  the snapshot isolation levels), read-write, no replication origin
 *		  set up in the session (the trigger treats such writes as
 *		  replicated), no executor permission hook (sepgsql, pgaudit);
 *		- table-level SELECT, INSERT and UPDATE privileges, no row-level
 *		  security;
 *		- a plain table whose columns are the keys, the item and the
 *		  metadata (another column could have a default to evaluate), whose
 *		  only triggers are ours with the LWW trigger firing always, without
 *		  generated columns, exclusion or deferrable constraints.
 *		CHECK and NOT NULL constraints and other unique indexes are checked
 *		as the statement would; the primary key is the only arbiter.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "replication/origin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "gt/exec_row.h"
#include "gt/gt.h"
#include "gt/item.h"
#include "gt/lww.h"
#include "gt/write.h"

#define REQUIRED_PRIVILEGES (ACL_SELECT | ACL_INSERT | ACL_UPDATE)

/* Column numbers of a replica table, as this path needs them. */
typedef struct ReplicaColumns
{
	AttrNumber	hash;
	AttrNumber	range;			/* InvalidAttrNumber without a range key */
	AttrNumber	item;
	AttrNumber	time;
	AttrNumber	region;
	AttrNumber	deleting;
} ReplicaColumns;

/*
 * session_allows reports whether the session's state lets this path write
 * to relid (see NOTES).
 */
static bool
session_allows(Oid relid)
{
	return !IsolationUsesXactSnapshot() &&
		!XactReadOnly &&
		replorigin_session_origin == InvalidRepOriginId &&
		ExecutorCheckPerms_hook == NULL &&
		pg_class_aclmask(relid, GetUserId(), REQUIRED_PRIVILEGES,
						 ACLMASK_ALL) == REQUIRED_PRIVILEGES;
}

/*
 * only_our_triggers reports whether rel's triggers are the LWW trigger,
 * firing always, and the TRUNCATE guard.
 */
static bool
only_our_triggers(Relation rel)
{
	TriggerDesc *trigdesc = rel->trigdesc;
	bool		lww = false;

	if (trigdesc == NULL)
		return false;
	for (int i = 0; i < trigdesc->numtriggers; i++)
	{
		Trigger    *t = &trigdesc->triggers[i];

		if (strcmp(t->tgname, GT_LWW_TRIGGER_NAME) == 0 &&
			t->tgenabled == TRIGGER_FIRES_ALWAYS)
			lww = true;
		else if (strcmp(t->tgname, GT_TRUNCATE_TRIGGER_NAME) != 0)
			return false;
	}
	return lww;
}

/*
 * plain_replica reports whether rel is a replica table this path can write
 * (see NOTES), and if so fills cols.
 */
static bool
plain_replica(Relation rel, const GtKeySchema *keys, ReplicaColumns *cols)
{
	TupleDesc	desc = RelationGetDescr(rel);

	if (rel->rd_rel->relkind != RELKIND_RELATION ||
		rel->rd_rel->relispartition ||
		rel->rd_rel->relrowsecurity ||
		(desc->constr != NULL && desc->constr->has_generated_stored) ||
		!only_our_triggers(rel))
		return false;

	memset(cols, 0, sizeof(*cols));
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);

		if (att->attisdropped)
			continue;
		if (strcmp(name, keys->hash_name) == 0)
			cols->hash = att->attnum;
		else if (keys->range_name && strcmp(name, keys->range_name) == 0)
			cols->range = att->attnum;
		else if (strcmp(name, GT_COL_ITEM) == 0)
			cols->item = att->attnum;
		else if (strcmp(name, GT_COL_UPDATE_TIME) == 0)
			cols->time = att->attnum;
		else if (strcmp(name, GT_COL_UPDATE_REGION) == 0)
			cols->region = att->attnum;
		else if (strcmp(name, GT_COL_DELETING) == 0)
			cols->deleting = att->attnum;
		else
			return false;
	}
	return cols->hash && cols->item && cols->time && cols->region &&
		cols->deleting && (keys->range_name == NULL || cols->range);
}

/*
 * store_row fills slot with a new row: the key column values (computed once
 * per call by the caller: the lookup and the insertion use the same), the
 * payload as item, and the stamp.
 */
static void
store_row(TupleTableSlot *slot, const ReplicaColumns *cols, Datum hash,
		  Datum range, Jsonb *payload, bool deleting, int64 update_time)
{
	gt_exec_row_clear(slot);
	gt_exec_row_set(slot, cols->hash, hash);
	if (cols->range)
		gt_exec_row_set(slot, cols->range, range);
	gt_exec_row_set(slot, cols->item, JsonbPGetDatum(payload));
	gt_exec_row_set(slot, cols->time, Int64GetDatum(update_time));
	gt_exec_row_set(slot, cols->region, CStringGetTextDatum(gt_local_region()));
	gt_exec_row_set(slot, cols->deleting, BoolGetDatum(deleting));
	ExecStoreVirtualTuple(slot);
}

/*
 * store_update fills slot with the stored row in oldslot, its item, deleting
 * flag and stamp replaced, as the upsert's DO UPDATE and the LWW trigger
 * would.
 */
static void
store_update(TupleTableSlot *slot, TupleTableSlot *oldslot,
			 const ReplicaColumns *cols, Jsonb *payload, bool deleting)
{
	int			natts = slot->tts_tupleDescriptor->natts;
	bool		isnull;
	Datum		old_time = slot_getattr(oldslot, cols->time, &isnull);

	slot_getallattrs(oldslot);
	ExecClearTuple(slot);
	memcpy(slot->tts_values, oldslot->tts_values, natts * sizeof(Datum));
	memcpy(slot->tts_isnull, oldslot->tts_isnull, natts * sizeof(bool));
	gt_exec_row_set(slot, cols->item, JsonbPGetDatum(payload));
	gt_exec_row_set(slot, cols->deleting, BoolGetDatum(deleting));
	gt_exec_row_set(slot, cols->time,
					Int64GetDatum(gt_local_write_time(isnull ? 1 :
													  DatumGetInt64(old_time) + 1)));
	gt_exec_row_set(slot, cols->region, CStringGetTextDatum(gt_local_region()));
	ExecStoreVirtualTuple(slot);
}

/*
 * gt_item_write writes payload (an item, or with deleting a key) to the
 * replica table relid, whose key schema is keys, stamped as a local write.
 * Returns false, having done nothing, if this path cannot be taken (see
 * NOTES).  The payload must have been validated.
 */
bool
gt_item_write(Oid relid, const GtKeySchema *keys, Jsonb *payload,
			  bool deleting)
{
	Relation	rel;
	ReplicaColumns cols;
	Oid			pkoid;
	EState	   *estate;
	ResultRelInfo *relinfo;
	TupleTableSlot *newslot;
	TupleTableSlot *oldslot;
	EPQState	epqstate;
	Datum		hash;
	Datum		range = (Datum) 0;

	if (!session_allows(relid))
		return false;
	rel = table_open(relid, RowExclusiveLock);
	pkoid = RelationGetPrimaryKeyIndex(rel);
	if (!OidIsValid(pkoid) || !plain_replica(rel, keys, &cols))
	{
		table_close(rel, NoLock);
		return false;
	}

	/* No triggers: the LWW trigger's work is done here. */
	estate = gt_exec_row_state(rel, RowExclusiveLock, NULL, &relinfo);
	if (!gt_exec_row_plain_indexes(relinfo))
	{
		ExecCloseIndices(relinfo);
		FreeExecutorState(estate);
		table_close(rel, NoLock);
		return false;
	}
	newslot = ExecInitExtraTupleSlot(estate, RelationGetDescr(rel),
									 &TTSOpsVirtual);
	oldslot = table_slot_create(rel, &estate->es_tupleTable);
	EvalPlanQualInit(&epqstate, estate, NULL, NIL, -1);

	/* Like a statement of its own (SPI would do the same). */
	CommandCounterIncrement();
	estate->es_output_cid = GetCurrentCommandId(true);

	/*
	 * The key is looked up first: a new key costs one more descent of the
	 * primary key, but a stored one does not cost a speculative insertion
	 * that is then killed.  If the key appears after the look-up, the
	 * insertion finds it, and the next round updates it.
	 */
	hash = gt_item_key_datum(payload, keys->hash_name, keys->hash_type);
	if (cols.range)
		range = gt_item_key_datum(payload, keys->range_name, keys->range_type);
	store_row(newslot, &cols, hash, range, payload, deleting, 0);
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		if (RelationFindReplTupleByIndex(rel, pkoid, LockTupleExclusive,
										 newslot, oldslot))
		{
			TupleTableSlot *updslot = ExecInitExtraTupleSlot(estate,
															 RelationGetDescr(rel),
															 &TTSOpsVirtual);

			store_update(updslot, oldslot, &cols, payload, deleting);
			EvalPlanQualSetSlot(&epqstate, updslot);
			ExecSimpleRelationUpdate(relinfo, estate, &epqstate, oldslot,
									 updslot);
			break;
		}
		store_row(newslot, &cols, hash, range, payload, deleting,
				  gt_local_write_time(0));
		if (gt_exec_row_insert_if_new(relinfo, estate, newslot, pkoid))
			break;
	}

	ExecCloseIndices(relinfo);
	EvalPlanQualEnd(&epqstate);
	ExecResetTupleTable(estate->es_tupleTable, false);
	FreeExecutorState(estate);
	table_close(rel, NoLock);
	return true;
}
