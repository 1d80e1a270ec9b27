/*-------------------------------------------------------------------------
 *
 * gt_write.c
 *		The write primitive: every version of an item that reaches a
 *		replica table through the extension is written here, by a locked
 *		read-modify-write of one item by key, decided by a decider.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/write/gt_write.c
 *
 * NOTES
 *	  One write
 *		gt_write_item() computes the key column values once, looks the key
 *		up through the primary key index with the row locked (as core's
 *		apply worker does), hands the stored version, or NULL for a new
 *		key, to the decider, and writes what it decided: an update of the
 *		stored row (keeping its other columns, and its key values as they
 *		were first spelled), or the insertion of a new row.  A new row is
 *		inserted speculatively, as INSERT ... ON CONFLICT does: if another
 *		transaction inserted the key first, nothing is left visible and the
 *		decider is asked again, now with that version.  The deciders are
 *		last-writer-wins for versions from other regions (conflict/gt_lww.c,
 *		used by the link workers and the initial copy of a new replica) and
 *		the API's operations (api/); a decider that keeps what is stored
 *		writes nothing.
 *
 *	  Two last steps
 *		The look-up, the decision and the retry are the same for every
 *		write; only the last step differs.  The executor path writes the
 *		row itself (ExecSimpleRelationUpdate, or a speculative insertion),
 *		firing the table's row triggers but the LWW trigger, whose decision
 *		the decider has made.  Local writes take the statement path instead
 *		wherever the table or the session could make the statement an
 *		application would write behave differently: a prepared INSERT ...
 *		ON CONFLICT DO UPDATE, stamped by the LWW trigger, whose DO UPDATE
 *		applies only if the decision was made on a stored row (otherwise a
 *		key inserted meanwhile is decided on again).  The executor path is
 *		taken only when the session is READ COMMITTED (ON CONFLICT raises
 *		serialization failures under snapshot isolation), has no
 *		replication origin set up (the trigger treats its writes as
 *		replicated) and no executor permission hook (sepgsql, pgaudit), the
 *		user holds table-level SELECT, INSERT and UPDATE, and the table is a
 *		plain table without row-level security, whose columns are the keys,
 *		the item and the metadata, whose only triggers are ours, with plain
 *		indexes; the statement path everywhere else.  Privileges, policies,
 *		user triggers, defaults, CHECK and unique constraints then behave
 *		exactly as for SQL.  Before it locks a row, the statement path
 *		checks the privileges a SELECT ... FOR UPDATE of the key would
 *		need.  Versions from other regions always take the executor path.
 *
 *	  Columns of the user's
 *		A replica table may have columns beyond the keys, the item and the
 *		metadata, which no version carries.  The executor path writes them
 *		as core's apply worker writes the columns its publisher does not
 *		send: an update keeps them as they are, a new row takes their
 *		defaults (evaluated per row, so now() or nextval() work) or NULL.
 *		The statement path's INSERT applies the defaults by itself.
 *
 *	  Stamps
 *		A local write is stamped by gt_write_stamp_local(): this region, and
 *		a time later than the stored version's, taken under the row lock,
 *		so the transaction that commits last on an item carries the later
 *		time.  A replicated version keeps the stamp it was written with.
 *
 *	  Memory
 *		A target lives in the executor state it creates, in the context
 *		current at gt_write_open(); what one write needs is allocated in
 *		the caller's context or in the per-tuple context, reset after it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "optimizer/optimizer.h"
#include "replication/origin.h"
#include "rewrite/rewriteHandler.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "gt/clock.h"
#include "gt/exec_row.h"
#include "gt/gt.h"
#include "gt/item.h"
#include "gt/lww.h"
#include "gt/region.h"
#include "gt/write.h"

#define DIRECT_PRIVILEGES (ACL_SELECT | ACL_INSERT | ACL_UPDATE)

struct GtWriteTarget
{
	GtTable    *table;
	Relation	rel;
	bool		statement;		/* the statement path (see NOTES) */
	EState	   *estate;
	ResultRelInfo *relinfo;
	TupleTableSlot *newslot;	/* the key to look up, or a new row */
	TupleTableSlot *oldslot;	/* the stored row, locked */
	TupleTableSlot *updslot;	/* the stored row, updated */
	EPQState	epqstate;
	bool		speculative;	/* new rows may be inserted speculatively */
	/* Defaults of the table's other columns, for new rows (see NOTES) */
	int			ndefaults;
	AttrNumber *default_atts;
	ExprState **default_exprs;
};

/*
 * session_allows_direct reports whether the session lets a local write of
 * relid take the executor path (see NOTES).
 */
static bool
session_allows_direct(Oid relid)
{
	return !IsolationUsesXactSnapshot() &&
		replorigin_session_origin == InvalidRepOriginId &&
		ExecutorCheckPerms_hook == NULL &&
		pg_class_aclmask(relid, GetUserId(), DIRECT_PRIVILEGES,
						 ACLMASK_ALL) == DIRECT_PRIVILEGES;
}

/*
 * can_insert_speculatively reports whether a new row of relinfo's table can
 * be inserted speculatively: not when row triggers on insertion would fire
 * for a row that may be killed, nor for partitions, generated columns,
 * exclusion constraints or deferred unique constraints.
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
 * check_lock_privileges ERRORs, as the statement would, unless the user
 * could lock the row with SELECT ... FOR UPDATE of its key: the statement
 * path locks it before the statement checks anything.
 */
static void
check_lock_privileges(GtTable *table)
{
	Oid			user = GetUserId();
	Oid			relid = table->relid;
	bool		ok;

	/* Table-level privileges first: column-level ones only add to them. */
	ok = (pg_class_aclcheck(relid, user, ACL_SELECT) == ACLCHECK_OK ||
		  (pg_attribute_aclcheck(relid, table->hash_att, user,
								 ACL_SELECT) == ACLCHECK_OK &&
		   (table->range_att == InvalidAttrNumber ||
			pg_attribute_aclcheck(relid, table->range_att, user,
								  ACL_SELECT) == ACLCHECK_OK))) &&
		(pg_class_aclcheck(relid, user, ACL_UPDATE) == ACLCHECK_OK ||
		 pg_attribute_aclcheck_all(relid, user, ACL_UPDATE,
								   ACLMASK_ANY) == ACLCHECK_OK);
	if (!ok)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE,
					   get_rel_name(table->relid));
}

/*
 * init_defaults prepares, in the target's executor state, the default
 * expressions of the columns a version does not write (those beyond the
 * keys, the item and the metadata), as core's apply worker fills the
 * columns its publisher does not send.  Generated columns are computed by
 * the insertion itself.
 */
static void
init_defaults(GtWriteTarget *target)
{
	GtTable    *table = target->table;
	TupleDesc	desc = RelationGetDescr(target->rel);
	MemoryContext old = MemoryContextSwitchTo(target->estate->es_query_cxt);

	target->default_atts = palloc(sizeof(AttrNumber) * desc->natts);
	target->default_exprs = palloc(sizeof(ExprState *) * desc->natts);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		AttrNumber	attnum = att->attnum;
		Expr	   *expr;

		if (att->attisdropped || att->attgenerated ||
			attnum == table->hash_att || attnum == table->range_att ||
			attnum == table->item_att || attnum == table->time_att ||
			attnum == table->region_att || attnum == table->deleting_att)
			continue;
		expr = (Expr *) build_column_default(target->rel, attnum);
		if (expr == NULL)
			continue;
		target->default_atts[target->ndefaults] = attnum;
		target->default_exprs[target->ndefaults++] =
			ExecInitExpr(expression_planner(expr), NULL);
	}
	MemoryContextSwitchTo(old);
}

/* Sets the columns with defaults of the new row in slot to their defaults. */
static void
fill_defaults(GtWriteTarget *target, TupleTableSlot *slot)
{
	ExprContext *econtext = GetPerTupleExprContext(target->estate);

	for (int i = 0; i < target->ndefaults; i++)
	{
		AttrNumber	att = target->default_atts[i];

		slot->tts_values[att - 1] = ExecEvalExpr(target->default_exprs[i],
												 econtext,
												 &slot->tts_isnull[att - 1]);
	}
}

/*
 * gt_write_open opens the replica table of table for writing versions of
 * kind in the current transaction, with RowExclusiveLock, and chooses the
 * path its writes take (see NOTES).  Returns NULL if, once the table is
 * locked, it is no longer a global table here.  ERRORs if it cannot be
 * written.  Close it with gt_write_close() before the transaction ends.
 */
GtWriteTarget *
gt_write_open(GtTable *table, GtWriteKind kind)
{
	GtWriteTarget *target;
	Relation	rel;
	TriggerDesc *trigdesc;
	bool		local = (kind == GT_WRITE_LOCAL);

	/*
	 * An item write is an INSERT into its replica table (the statement path
	 * runs INSERT ... ON CONFLICT) and is refused as one, before any row is
	 * locked.
	 */
	if (local)
		PreventCommandIfReadOnly("INSERT");

	rel = table_open(table->relid, RowExclusiveLock);
	/* Decide on the table as it is now that it is locked. */
	table = gt_table_by_relid(RelationGetRelid(rel));
	if (table == NULL)
	{
		table_close(rel, RowExclusiveLock);
		return NULL;
	}
	gt_table_check_complete(table);
	if (!OidIsValid(table->pk_index))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("replica table \"%s\" has no primary key",
						RelationGetRelationName(rel))));

	target = palloc0(sizeof(GtWriteTarget));
	target->table = table;
	target->rel = rel;
	target->statement = local &&
		!(table->plain_relation && table->only_our_triggers &&
		  table->lww_always && !table->other_columns &&
		  session_allows_direct(table->relid));

	/* The LWW trigger's decision is the decider's (see NOTES). */
	trigdesc = table->only_our_triggers ? NULL : table->triggers;
	target->estate = gt_exec_row_state(rel, RowExclusiveLock, trigdesc,
									   &target->relinfo);
	if (!target->statement && local &&
		!gt_exec_row_plain_indexes(target->relinfo))
		target->statement = true;
	if (target->statement)
		check_lock_privileges(table);

	/*
	 * The executor looks trigger functions up on first use, in the memory
	 * context current at the time, and the function may cache things there
	 * (a SECURITY DEFINER function its settings, PL/pgSQL its compiled
	 * form).  Versions may be written in a shorter-lived context than the
	 * target's, so look them up now, in the executor state's context.
	 */
	if (trigdesc != NULL)
	{
		for (int i = 0; i < trigdesc->numtriggers; i++)
			fmgr_info_cxt(trigdesc->triggers[i].tgfoid,
						  &target->relinfo->ri_TrigFunctions[i],
						  target->estate->es_query_cxt);
	}

	target->newslot = ExecInitExtraTupleSlot(target->estate,
											 RelationGetDescr(rel),
											 &TTSOpsVirtual);
	target->updslot = ExecInitExtraTupleSlot(target->estate,
											 RelationGetDescr(rel),
											 &TTSOpsVirtual);
	target->oldslot = table_slot_create(rel, &target->estate->es_tupleTable);
	EvalPlanQualInit(&target->epqstate, target->estate, NULL, NIL, -1);
	target->speculative = !target->statement &&
		can_insert_speculatively(target->relinfo);
	if (!target->statement && table->other_columns)
		init_defaults(target);
	return target;
}

/* gt_write_table returns the descriptor the target was opened with. */
GtTable *
gt_write_table(GtWriteTarget *target)
{
	return target->table;
}

/*
 * gt_write_close closes what gt_write_open() opened; the table stays locked
 * until the end of the transaction.
 */
void
gt_write_close(GtWriteTarget *target)
{
	ExecCloseIndices(target->relinfo);
	EvalPlanQualEnd(&target->epqstate);
	ExecResetTupleTable(target->estate->es_tupleTable, false);
	FreeExecutorState(target->estate);
	table_close(target->rel, NoLock);
	pfree(target);
}

/*
 * gt_write_stamp_local stamps next as a local write that replaces stored
 * (NULL for a new item): this region's name, and an update time later than
 * stored's, taken now, under the row lock (see NOTES).
 */
void
gt_write_stamp_local(const GtVersion *stored, GtVersion *next)
{
	next->update_time = gt_clock_stamp(stored ? stored->update_time + 1 : 0);
	next->update_region = gt_region_local();
}

/* Reads the version the locked row in slot holds into *version. */
static void
read_version(GtTable *table, TupleTableSlot *slot, GtVersion *version)
{
	bool		isnull;
	Datum		d;

	version->item = slot_getattr(slot, table->item_att, &isnull);
	if (isnull)					/* not an item: one without attributes */
		version->item = DirectFunctionCall1(jsonb_in, CStringGetDatum("{}"));
	d = slot_getattr(slot, table->time_att, &isnull);
	version->update_time = isnull ? 0 : DatumGetInt64(d);
	d = slot_getattr(slot, table->region_att, &isnull);
	version->update_region = isnull ? "" : TextDatumGetCString(d);
	d = slot_getattr(slot, table->deleting_att, &isnull);
	version->deleting = isnull ? false : DatumGetBool(d);
}

/* Fills slot with a row holding only the key column values. */
static void
store_key(GtWriteTarget *target, TupleTableSlot *slot, Datum hash,
		  Datum range)
{
	GtTable    *table = target->table;

	gt_exec_row_clear(slot);
	gt_exec_row_set(slot, table->hash_att, hash);
	if (table->range_att != InvalidAttrNumber)
		gt_exec_row_set(slot, table->range_att, range);
}

/* Sets the item and metadata columns of slot to version's. */
static void
set_version(GtTable *table, TupleTableSlot *slot, const GtVersion *version)
{
	gt_exec_row_set(slot, table->item_att, version->item);
	gt_exec_row_set(slot, table->time_att, Int64GetDatum(version->update_time));
	gt_exec_row_set(slot, table->region_att,
					CStringGetTextDatum(version->update_region));
	gt_exec_row_set(slot, table->deleting_att, BoolGetDatum(version->deleting));
}

/*
 * update_stored writes next over the locked row in oldslot, keeping its
 * other columns, through the executor.
 */
static void
update_stored(GtWriteTarget *target, const GtVersion *next)
{
	TupleTableSlot *oldslot = target->oldslot;
	TupleTableSlot *slot = target->updslot;
	int			natts = slot->tts_tupleDescriptor->natts;

	slot_getallattrs(oldslot);
	ExecClearTuple(slot);
	memcpy(slot->tts_values, oldslot->tts_values, natts * sizeof(Datum));
	memcpy(slot->tts_isnull, oldslot->tts_isnull, natts * sizeof(bool));
	set_version(target->table, slot, next);
	ExecStoreVirtualTuple(slot);
	EvalPlanQualSetSlot(&target->epqstate, slot);
	ExecSimpleRelationUpdate(target->relinfo, target->estate,
							 &target->epqstate, oldslot, slot);
}

/*
 * insert_new inserts next as a new row with the key in target->newslot,
 * through the executor.  Returns false, having left nothing visible, if the
 * key was inserted meanwhile.
 */
static bool
insert_new(GtWriteTarget *target, const GtVersion *next)
{
	TupleTableSlot *slot = target->newslot;

	set_version(target->table, slot, next);
	fill_defaults(target, slot);
	ExecStoreVirtualTuple(slot);
	if (target->speculative)
		return gt_exec_row_insert_if_new(target->relinfo, target->estate,
										 slot, target->table->pk_index);
	/* A key inserted meanwhile fails on the primary key. */
	ExecSimpleRelationInsert(target->relinfo, target->estate, slot);
	return true;
}

/*
 * upsert_plan returns the statement path's prepared statement for table,
 * making it on first use: $1 (and $2) the key column values, then the
 * item, the deleting flag, and whether the decision was made on a stored
 * row.  Must be called inside SPI.
 */
static SPIPlanPtr
upsert_plan(GtTable *table)
{
	StringInfoData sql;
	StringInfoData keys;
	Oid			types[5];
	int			nkeys = table->keys.range_name ? 2 : 1;

	if (table->plans[GT_PLAN_UPSERT] != NULL)
		return table->plans[GT_PLAN_UPSERT];
	initStringInfo(&keys);
	appendStringInfoString(&keys, quote_identifier(table->keys.hash_name));
	types[0] = gt_item_key_type(table->keys.hash_type);
	if (nkeys == 2)
	{
		appendStringInfo(&keys, ", %s", quote_identifier(table->keys.range_name));
		types[1] = gt_item_key_type(table->keys.range_type);
	}
	types[nkeys] = JSONBOID;
	types[nkeys + 1] = BOOLOID;
	types[nkeys + 2] = BOOLOID;
	initStringInfo(&sql);
	appendStringInfo(&sql,
					 "INSERT INTO %s AS t (%s, %s, %s) VALUES ($1%s, $%d, $%d) "
					 "ON CONFLICT (%s) DO UPDATE SET %s = excluded.%s, %s = excluded.%s "
					 "WHERE $%d",
					 table->qualified_name, keys.data, GT_COL_ITEM, GT_COL_DELETING,
					 nkeys == 2 ? ", $2" : "", nkeys + 1, nkeys + 2,
					 keys.data, GT_COL_ITEM, GT_COL_ITEM,
					 GT_COL_DELETING, GT_COL_DELETING, nkeys + 3);
	return gt_table_keep_plan(table, GT_PLAN_UPSERT, sql.data, nkeys + 3, types);
}

/*
 * upsert_statement writes next through the statement path (see NOTES).
 * Returns false if the decision was made on a new key and the key was
 * inserted meanwhile.
 */
static bool
upsert_statement(GtWriteTarget *target, Datum hash, Datum range, bool found,
				 const GtVersion *next)
{
	GtTable    *table = target->table;
	Datum		values[5];
	int			n = 0;
	bool		written;

	values[n++] = hash;
	if (table->keys.range_name)
		values[n++] = range;
	values[n++] = next->item;
	values[n++] = BoolGetDatum(next->deleting);
	values[n++] = BoolGetDatum(found);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* The trigger stamps the row, and must know that it is a tombstone. */
	gt_lww_writing_tombstone(next->deleting);
	if (SPI_execute_plan(upsert_plan(table), values, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not write an item of table \"%s\"", table->name);
	gt_lww_writing_tombstone(false);
	written = SPI_processed > 0;
	SPI_finish();
	return written;
}

/*
 * gt_write_item writes the item whose key attributes key holds, as decide
 * decides (see NOTES): it is called with the stored version, or NULL if the
 * key is new, and its last decision is returned.  With probably_new, a key
 * most likely new here (a new row where it was written), the insertion is
 * tried first, saving a look-up.  Runs as a command of its own in the
 * caller's transaction, which must have an active snapshot.  May ERROR.
 */
GtDecision
gt_write_item(GtWriteTarget *target, Jsonb *key, bool probably_new,
			  GtDecider decide, void *arg)
{
	GtTable    *table = target->table;
	EState	   *estate = target->estate;
	GtVersion	stored;
	GtVersion	next;
	GtDecision	decision;
	Datum		hash;
	Datum		range = (Datum) 0;
	bool		try_insert_first = probably_new && target->speculative;
	bool		fires = !target->statement &&
		target->relinfo->ri_TrigDesc != NULL;

	hash = gt_item_key_datum(key, table->keys.hash_name, table->keys.hash_type);
	if (table->keys.range_name)
		range = gt_item_key_datum(key, table->keys.range_name,
								  table->keys.range_type);

	/* A statement of its own: it sees what came before it. */
	CommandCounterIncrement();
	estate->es_output_cid = GetCurrentCommandId(true);
	if (fires)
		AfterTriggerBeginQuery();

	for (;;)
	{
		bool		found = false;

		CHECK_FOR_INTERRUPTS();
		store_key(target, target->newslot, hash, range);
		if (try_insert_first)
			try_insert_first = false;
		else
		{
			ExecStoreVirtualTuple(target->newslot);
			found = RelationFindReplTupleByIndex(target->rel, table->pk_index,
												 LockTupleExclusive,
												 target->newslot,
												 target->oldslot);
			store_key(target, target->newslot, hash, range);
		}
		if (found)
			read_version(table, target->oldslot, &stored);

		memset(&next, 0, sizeof(next));
		decision = decide(found ? &stored : NULL, &next, arg);
		if (decision == GT_DECISION_KEEP)
			break;
		if (target->statement)
		{
			if (upsert_statement(target, hash, range, found, &next))
				break;
		}
		else if (found)
		{
			update_stored(target, &next);
			break;
		}
		else if (insert_new(target, &next))
			break;
		/* The key was inserted meanwhile: decide again on that version. */
	}

	if (fires)
		AfterTriggerEndQuery(estate);
	ExecClearTuple(target->oldslot);
	ExecClearTuple(target->newslot);
	ExecClearTuple(target->updslot);
	ResetPerTupleExprContext(estate);
	return decision;
}
