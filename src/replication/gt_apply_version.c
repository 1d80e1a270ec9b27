/*-------------------------------------------------------------------------
 *
 * gt_apply_version.c
 *		Applies one replicated item version to a replica table, through the
 *		executor, deciding last-writer-wins before writing.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/replication/gt_apply_version.c
 *
 * NOTES
 *	  Why the executor
 *		A version is applied the way core's apply worker applies a change:
 *		look the row up through the primary key index, locking it, then
 *		ExecSimpleRelationUpdate() or ExecSimpleRelationInsert().  This skips
 *		parsing, planning and executor start-up of an INSERT ... ON CONFLICT
 *		per row.  The LWW decision is made here on the locked row, so a stale
 *		version costs one index lookup.  The LWW trigger, which would only
 *		repeat that decision, is left out of the triggers the write fires:
 *		a BEFORE UPDATE row trigger makes the executor fetch and lock the row
 *		a second time.  Other row triggers of the table fire as usual (when
 *		enabled for replicas).
 *
 *	  Executor state per transaction
 *		The first version of a table in a local transaction opens the table,
 *		its indexes, an executor state and two slots; they serve every
 *		further version of that table in the transaction and are closed by
 *		gt_apply_version_end() before it commits.  Opening them per version
 *		(a lock, a relcache look-up and an IndexInfo per index, each time)
 *		was a sixth of the worker's time on a large transaction.  What one
 *		version needs is allocated in the caller's per-message context or in
 *		the executor's per-tuple context, which is reset after every version,
 *		so a transaction of any size runs in the same memory.
 *
 *	  New keys
 *		A version that was a new row where it was written is most likely new
 *		here too, and looking the key up first would cost a second descent
 *		of the primary key.  Such a version is inserted speculatively, as
 *		INSERT ... ON CONFLICT does, with the unique check made by the index
 *		insertion itself: if the key turns out to be taken (or being
 *		inserted), the speculative row is killed and the version goes the
 *		usual way, look-up then update.  Only for tables without row
 *		triggers, generated columns, exclusion or deferred unique constraints
 *		(none of which a replica table has unless a user adds one).
 *
 *	  Which versions apply
 *		Only versions of global tables that have a replica here and that list
 *		the sending region as a replica: a disassociated replica stops
 *		receiving in both directions.  This is cached per table and refreshed
 *		at the start of the next transaction after any relcache invalidation
 *		(the catalogs send one when they change); nothing is freed inside the
 *		invalidation callback, which can run in the middle of an apply.
 *
 *	  Concurrency
 *		A local transaction inserting the same key after our lookup makes the
 *		insert fail on the primary key; the worker exits, restarts and applies
 *		the version again against the now committed row.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "gt/apply_version.h"
#include "gt/exec_row.h"
#include "gt/gt.h"
#include "gt/item.h"
#include "gt/jsonb_check.h"
#include "gt/lww.h"

#define TABLE_NAME_SIZE 256

/* What a table's versions are applied with in the open local transaction. */
typedef struct ApplyTarget
{
	Relation	rel;
	Oid			pkoid;
	EState	   *estate;
	ResultRelInfo *relinfo;
	TupleTableSlot *remoteslot;
	TupleTableSlot *localslot;
	EPQState	epqstate;
	bool		speculative;	/* new keys may be inserted speculatively */
} ApplyTarget;

typedef struct ApplyTable
{
	char		name[TABLE_NAME_SIZE];	/* hash key */
	bool		applies;		/* a global table here that takes the peer */
	Oid			relid;
	char	   *hash_name;		/* in ApplyTableContext */
	char		hash_type;
	AttrNumber	hash_att;
	char	   *range_name;
	char		range_type;
	AttrNumber	range_att;
	AttrNumber	item_att;
	AttrNumber	time_att;
	AttrNumber	region_att;
	AttrNumber	deleting_att;
	TriggerDesc *trigdesc;		/* the table's triggers but gt_lww, or NULL */
	ApplyTarget *target;		/* open in this transaction, or NULL */
} ApplyTable;

static MemoryContext ApplyTableContext = NULL;
static HTAB *ApplyTables = NULL;
static bool apply_tables_stale = false;

/* The tables with an open target, in TopTransactionContext. */
static List *open_tables = NIL;

/* relcache callback: see NOTES */
static void
invalidate_apply_tables(Datum arg, Oid relid)
{
	apply_tables_stale = true;
}

static void
create_table_cache(void)
{
	HASHCTL		ctl;

	ctl.keysize = TABLE_NAME_SIZE;
	ctl.entrysize = sizeof(ApplyTable);
	ctl.hcxt = ApplyTableContext;
	ApplyTables = hash_create("gt apply tables", 16, &ctl,
							  HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
}

/*
 * gt_apply_version_init sets up the table cache; called once per worker.
 */
void
gt_apply_version_init(void)
{
	ApplyTableContext = AllocSetContextCreate(TopMemoryContext,
											  "gt apply table cache",
											  ALLOCSET_SMALL_SIZES);
	create_table_cache();
	CacheRegisterRelcacheCallback(invalidate_apply_tables, (Datum) 0);
}

/*
 * gt_apply_version_begin drops the table cache if the catalogs changed;
 * called after a transaction starts, when no version is being applied.
 */
void
gt_apply_version_begin(void)
{
	if (!apply_tables_stale)
		return;
	apply_tables_stale = false;
	/* The hash table and the names live in this context. */
	MemoryContextReset(ApplyTableContext);
	create_table_cache();
}

static char *
copy_value(HeapTuple tuple, TupleDesc desc, int col)
{
	char	   *v = SPI_getvalue(tuple, desc, col);

	return v ? MemoryContextStrdup(ApplyTableContext, v) : NULL;
}

static AttrNumber
required_attnum(Oid relid, const char *name)
{
	AttrNumber	att = get_attnum(relid, name);

	if (att == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("replica table \"%s\" has no column \"%s\"",
						get_rel_name(relid), name)));
	return att;
}

/*
 * set_trigger_flags recomputes the summary flags of trigdesc from its
 * triggers, as the relcache does when it builds one.
 */
static void
set_trigger_flags(TriggerDesc *trigdesc)
{
	memset(&trigdesc->trig_insert_before_row, 0,
		   offsetof(TriggerDesc, trig_delete_old_table) + sizeof(bool) -
		   offsetof(TriggerDesc, trig_insert_before_row));
	for (int i = 0; i < trigdesc->numtriggers; i++)
	{
		Trigger    *t = &trigdesc->triggers[i];
		int16		type = t->tgtype;

#define MATCHES(level, timing, event) \
		TRIGGER_TYPE_MATCHES(type, TRIGGER_TYPE_##level, TRIGGER_TYPE_##timing, \
							 TRIGGER_TYPE_##event)
		trigdesc->trig_insert_before_row |= MATCHES(ROW, BEFORE, INSERT);
		trigdesc->trig_insert_after_row |= MATCHES(ROW, AFTER, INSERT);
		trigdesc->trig_insert_instead_row |= MATCHES(ROW, INSTEAD, INSERT);
		trigdesc->trig_insert_before_statement |= MATCHES(STATEMENT, BEFORE, INSERT);
		trigdesc->trig_insert_after_statement |= MATCHES(STATEMENT, AFTER, INSERT);
		trigdesc->trig_update_before_row |= MATCHES(ROW, BEFORE, UPDATE);
		trigdesc->trig_update_after_row |= MATCHES(ROW, AFTER, UPDATE);
		trigdesc->trig_update_instead_row |= MATCHES(ROW, INSTEAD, UPDATE);
		trigdesc->trig_update_before_statement |= MATCHES(STATEMENT, BEFORE, UPDATE);
		trigdesc->trig_update_after_statement |= MATCHES(STATEMENT, AFTER, UPDATE);
		trigdesc->trig_delete_before_row |= MATCHES(ROW, BEFORE, DELETE);
		trigdesc->trig_delete_after_row |= MATCHES(ROW, AFTER, DELETE);
		trigdesc->trig_delete_instead_row |= MATCHES(ROW, INSTEAD, DELETE);
		trigdesc->trig_delete_before_statement |= MATCHES(STATEMENT, BEFORE, DELETE);
		trigdesc->trig_delete_after_statement |= MATCHES(STATEMENT, AFTER, DELETE);
		trigdesc->trig_truncate_before_statement |= MATCHES(STATEMENT, BEFORE, TRUNCATE);
		trigdesc->trig_truncate_after_statement |= MATCHES(STATEMENT, AFTER, TRUNCATE);
#undef MATCHES
		trigdesc->trig_insert_new_table |=
			TRIGGER_FOR_INSERT(type) && t->tgnewtable != NULL;
		trigdesc->trig_update_old_table |=
			TRIGGER_FOR_UPDATE(type) && t->tgoldtable != NULL;
		trigdesc->trig_update_new_table |=
			TRIGGER_FOR_UPDATE(type) && t->tgnewtable != NULL;
		trigdesc->trig_delete_old_table |=
			TRIGGER_FOR_DELETE(type) && t->tgoldtable != NULL;
	}
}

/*
 * triggers_but_lww returns a copy, in the cache's context, of the triggers of
 * relid without the LWW trigger (see NOTES), or NULL if none is left.
 */
static TriggerDesc *
triggers_but_lww(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	MemoryContext old = MemoryContextSwitchTo(ApplyTableContext);
	TriggerDesc *trigdesc = CopyTriggerDesc(rel->trigdesc);
	int			kept = 0;

	MemoryContextSwitchTo(old);
	table_close(rel, AccessShareLock);
	if (trigdesc == NULL)
		return NULL;
	for (int i = 0; i < trigdesc->numtriggers; i++)
	{
		if (strcmp(trigdesc->triggers[i].tgname, GT_LWW_TRIGGER_NAME) != 0)
			trigdesc->triggers[kept++] = trigdesc->triggers[i];
	}
	trigdesc->numtriggers = kept;
	if (kept == 0)
		return NULL;
	set_trigger_flags(trigdesc);
	return trigdesc;
}

/*
 * lookup_table returns the cache entry of table_name, reading the catalogs on
 * first use.  entry->applies is false when versions from source are not for
 * this region.
 */
static ApplyTable *
lookup_table(const char *table_name, const char *source)
{
	ApplyTable *entry;
	bool		found;
	char		key[TABLE_NAME_SIZE];
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	bool		isnull;
	HeapTuple	tup;
	TupleDesc	desc;
	char	   *type;

	memset(key, 0, sizeof(key));
	strlcpy(key, table_name, sizeof(key));
	entry = hash_search(ApplyTables, key, HASH_ENTER, &found);
	if (found)
		return entry;

	entry->applies = false;
	entry->target = NULL;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	args[0] = CStringGetTextDatum(table_name);
	args[1] = CStringGetTextDatum(source);
	if (SPI_execute_with_args("SELECT g.relid::pg_catalog.oid, g.hash_key, g.hash_type, "
							  "g.range_key, g.range_type "
							  "FROM gt.global_table g, gt.replica r "
							  "WHERE g.table_name OPERATOR(pg_catalog.=) $1 "
							  "AND r.table_name OPERATOR(pg_catalog.=) g.table_name "
							  "AND r.region_name OPERATOR(pg_catalog.=) $2",
							  2, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the catalog of global table \"%s\"",
			 table_name);
	if (SPI_processed == 1)
	{
		tup = SPI_tuptable->vals[0];
		desc = SPI_tuptable->tupdesc;
		entry->relid = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		entry->hash_name = copy_value(tup, desc, 2);
		type = SPI_getvalue(tup, desc, 3);
		entry->hash_type = type[0];
		entry->range_name = copy_value(tup, desc, 4);
		type = SPI_getvalue(tup, desc, 5);
		entry->range_type = type ? type[0] : 0;

		entry->hash_att = required_attnum(entry->relid, entry->hash_name);
		entry->range_att = entry->range_name ?
			required_attnum(entry->relid, entry->range_name) : InvalidAttrNumber;
		entry->item_att = required_attnum(entry->relid, GT_COL_ITEM);
		entry->time_att = required_attnum(entry->relid, GT_COL_UPDATE_TIME);
		entry->region_att = required_attnum(entry->relid, GT_COL_UPDATE_REGION);
		entry->deleting_att = required_attnum(entry->relid, GT_COL_DELETING);
		entry->trigdesc = triggers_but_lww(entry->relid);
		entry->applies = true;
	}
	SPI_finish();
	return entry;
}

/*
 * store_version fills slot with the row of a version: key columns computed
 * from the item, the item and the metadata; other columns NULL.
 */
static void
store_version(TupleTableSlot *slot, ApplyTable *table, const GtVersionMsg *msg,
			  Jsonb *item)
{
	gt_exec_row_clear(slot);
	gt_exec_row_set(slot, table->hash_att,
					gt_item_key_datum(item, table->hash_name, table->hash_type));
	if (table->range_att != InvalidAttrNumber)
		gt_exec_row_set(slot, table->range_att,
						gt_item_key_datum(item, table->range_name,
										  table->range_type));
	gt_exec_row_set(slot, table->item_att, JsonbPGetDatum(item));
	gt_exec_row_set(slot, table->time_att, Int64GetDatum(msg->update_time));
	gt_exec_row_set(slot, table->region_att,
					CStringGetTextDatum(msg->update_region));
	gt_exec_row_set(slot, table->deleting_att, BoolGetDatum(msg->deleting));
	ExecStoreVirtualTuple(slot);
}

/*
 * is_newer reports whether the version in slot is newer than the stored row
 * in localslot.
 */
static bool
is_newer(ApplyTable *table, const GtVersionMsg *msg, TupleTableSlot *localslot)
{
	bool		isnull;
	Datum		t = slot_getattr(localslot, table->time_att, &isnull);
	int64		local_time = isnull ? 0 : DatumGetInt64(t);
	Datum		r = slot_getattr(localslot, table->region_att, &isnull);
	char	   *local_region = isnull ? "" : TextDatumGetCString(r);

	return gt_conflict_compare(msg->update_time, msg->update_region,
							   local_time, local_region) > 0;
}

/*
 * can_insert_speculatively reports whether relinfo's table allows the
 * speculative insertion of new keys (see NOTES); its indexes are open.
 */
static bool
can_insert_speculatively(ResultRelInfo *relinfo)
{
	Relation	rel = relinfo->ri_RelationDesc;
	TupleConstr *constr = RelationGetDescr(rel)->constr;
	TriggerDesc *trigdesc = relinfo->ri_TrigDesc;

	if ((trigdesc != NULL &&
		 (trigdesc->trig_insert_before_row || trigdesc->trig_insert_after_row ||
		  trigdesc->trig_insert_instead_row || trigdesc->trig_insert_new_table)) ||
		rel->rd_rel->relispartition ||
		(constr != NULL && constr->has_generated_stored))
		return false;
	return gt_exec_row_plain_indexes(relinfo);
}

/*
 * open_target opens what the versions of table are applied with for the rest
 * of the local transaction (see NOTES).
 */
static ApplyTarget *
open_target(ApplyTable *table)
{
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	ApplyTarget *target = palloc0(sizeof(ApplyTarget));
	Relation	rel;
	EState	   *estate;

	rel = table_open(table->relid, RowExclusiveLock);
	target->rel = rel;
	target->pkoid = RelationGetPrimaryKeyIndex(rel);
	if (!OidIsValid(target->pkoid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("replica table \"%s\" has no primary key",
						RelationGetRelationName(rel))));

	estate = gt_exec_row_state(rel, AccessShareLock, table->trigdesc,
							   &target->relinfo);
	target->estate = estate;

	/*
	 * The executor looks trigger functions up on first use, in the memory
	 * context current at the time, and the function may cache things there
	 * (a SECURITY DEFINER function its settings, PL/pgSQL its compiled
	 * form).  Versions are applied in a per-message context, so look them up
	 * now, in the executor state's context, which lives as long as this.
	 */
	if (table->trigdesc != NULL)
	{
		for (int i = 0; i < table->trigdesc->numtriggers; i++)
			fmgr_info_cxt(table->trigdesc->triggers[i].tgfoid,
						  &target->relinfo->ri_TrigFunctions[i],
						  estate->es_query_cxt);
	}

	target->remoteslot = ExecInitExtraTupleSlot(estate, RelationGetDescr(rel),
												&TTSOpsVirtual);
	target->localslot = table_slot_create(rel, &estate->es_tupleTable);
	EvalPlanQualInit(&target->epqstate, estate, NULL, NIL, -1);
	target->speculative = can_insert_speculatively(target->relinfo);

	table->target = target;
	open_tables = lappend(open_tables, table);
	MemoryContextSwitchTo(old);
	return target;
}

/*
 * gt_apply_version_end closes what the transaction's versions were applied
 * with; called before the local transaction commits.
 */
void
gt_apply_version_end(void)
{
	ListCell   *lc;

	foreach(lc, open_tables)
	{
		ApplyTable *table = lfirst(lc);
		ApplyTarget *target = table->target;

		ExecCloseIndices(target->relinfo);
		EvalPlanQualEnd(&target->epqstate);
		ExecResetTupleTable(target->estate->es_tupleTable, false);
		FreeExecutorState(target->estate);
		table_close(target->rel, NoLock);
		pfree(target);
		table->target = NULL;
	}
	list_free(open_tables);
	open_tables = NIL;
}

/*
 * gt_apply_version applies one version received from source, if this region
 * has a replica of its table that takes source's changes and the version is
 * newer than the stored one.  Runs in the caller's transaction, with an
 * active snapshot; may ERROR.
 */
void
gt_apply_version(const GtVersionMsg *msg, const char *source)
{
	ApplyTable *table;
	ApplyTarget *target;
	EState	   *estate;
	Jsonb	   *item;

	if (strlen(msg->table_name) >= TABLE_NAME_SIZE)
		return;
	table = lookup_table(msg->table_name, source);
	if (!table->applies)
		return;

	item = gt_jsonb_check(msg->item, msg->item_len);
	gt_hlc_observe(msg->update_time);
	target = table->target ? table->target : open_target(table);
	estate = target->estate;
	estate->es_output_cid = GetCurrentCommandId(true);
	AfterTriggerBeginQuery();
	store_version(target->remoteslot, table, msg, item);

	if (msg->inserted && target->speculative &&
		gt_exec_row_insert_if_new(target->relinfo, estate, target->remoteslot,
								  target->pkoid))
		;						/* a new key: done */
	else if (RelationFindReplTupleByIndex(target->rel, target->pkoid,
										  LockTupleExclusive,
										  target->remoteslot,
										  target->localslot))
	{
		if (is_newer(table, msg, target->localslot))
		{
			EvalPlanQualSetSlot(&target->epqstate, target->remoteslot);
			ExecSimpleRelationUpdate(target->relinfo, estate,
									 &target->epqstate, target->localslot,
									 target->remoteslot);
		}
	}
	else
		ExecSimpleRelationInsert(target->relinfo, estate, target->remoteslot);

	AfterTriggerEndQuery(estate);
	/* Nothing of this version is kept: the next one starts clean. */
	ExecClearTuple(target->localslot);
	ExecClearTuple(target->remoteslot);
	ResetPerTupleExprContext(estate);
}
