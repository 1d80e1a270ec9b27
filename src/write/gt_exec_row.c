/*-------------------------------------------------------------------------
 *
 * gt_exec_row.c
 *		Executor helpers for writing single rows of replica tables, for the
 *		write primitive's executor path (gt_write.c).
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/write/gt_exec_row.c
 *
 * NOTES
 *		A row is written the way core's apply worker does it: an executor
 *		state without a plan, one result relation with its indexes open,
 *		and ExecSimpleRelationUpdate() or an insertion.  A row whose key is
 *		most likely new is inserted speculatively, as INSERT ... ON CONFLICT
 *		does: the unique check is made by the index insertion itself, and if
 *		the key turns out to be taken (or being inserted), the speculative
 *		row is killed and the caller updates the stored row instead.
 *
 *		The LWW trigger (conflict/gt_lww.c) uses the same helpers for the
 *		bookkeeping of plain SQL: looking a key up, and writing a tombstone
 *		with no trigger of the table firing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/nbtree.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "nodes/makefuncs.h"
#include "storage/lmgr.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "gt/exec_row.h"

/*
 * gt_exec_row_state returns an executor state for writing rows of rel, which
 * the caller has opened, with *relinfo its result relation, firing the
 * triggers in trigdesc (NULL for none), indexes open.  Free it with
 * ExecCloseIndices() and FreeExecutorState().
 */
EState *
gt_exec_row_state(Relation rel, LOCKMODE rellockmode, TriggerDesc *trigdesc,
				  ResultRelInfo **relinfo)
{
	EState	   *estate = CreateExecutorState();
	MemoryContext old = MemoryContextSwitchTo(estate->es_query_cxt);
	RangeTblEntry *rte = makeNode(RangeTblEntry);
	ResultRelInfo *ri;

	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(rel);
	rte->relkind = rel->rd_rel->relkind;
	rte->rellockmode = rellockmode;
	ExecInitRangeTable(estate, list_make1(rte));
	ri = makeNode(ResultRelInfo);
	InitResultRelInfo(ri, rel, 1, NULL, 0);
	ri->ri_TrigDesc = trigdesc;
	estate->es_opened_result_relations = list_make1(ri);
	ExecOpenIndices(ri, false);
	MemoryContextSwitchTo(old);
	*relinfo = ri;
	return estate;
}

/*
 * gt_exec_row_plain_indexes reports whether relinfo's open indexes are all
 * immediate and without exclusion constraints, as a speculative insertion
 * needs.
 */
bool
gt_exec_row_plain_indexes(ResultRelInfo *relinfo)
{
	for (int i = 0; i < relinfo->ri_NumIndices; i++)
	{
		if (relinfo->ri_IndexRelationInfo[i]->ii_ExclusionOps != NULL ||
			!relinfo->ri_IndexRelationDescs[i]->rd_index->indimmediate)
			return false;
	}
	return true;
}

/*
 * gt_exec_row_clear empties slot and makes every column NULL, to be filled
 * with gt_exec_row_set() and stored with ExecStoreVirtualTuple().
 */
void
gt_exec_row_clear(TupleTableSlot *slot)
{
	int			natts = slot->tts_tupleDescriptor->natts;

	ExecClearTuple(slot);
	for (int i = 0; i < natts; i++)
	{
		slot->tts_values[i] = (Datum) 0;
		slot->tts_isnull[i] = true;
	}
}

/*
 * gt_exec_row_insert_if_new inserts the row in slot unless its key in the
 * unique index arbiter is taken or being inserted (see NOTES); a conflict in
 * another unique index is an error.  Returns false, having left nothing
 * visible, if the key is taken.
 */
bool
gt_exec_row_insert_if_new(ResultRelInfo *relinfo, EState *estate,
						  TupleTableSlot *slot, Oid arbiter)
{
	Relation	rel = relinfo->ri_RelationDesc;
	TransactionId xid = GetCurrentTransactionId();
	List	   *arbiters = list_make1_oid(arbiter);
	uint32		token;
	bool		conflict = false;
	List	   *recheck;

	if (RelationGetDescr(rel)->constr != NULL)
		ExecConstraints(relinfo, slot, estate);
	token = SpeculativeInsertionLockAcquire(xid);
	table_tuple_insert_speculative(rel, slot, estate->es_output_cid, 0, NULL,
								   token);
	recheck = ExecInsertIndexTuples(relinfo, slot, estate, false, true,
									&conflict, arbiters);
	table_tuple_complete_speculative(rel, slot, token, !conflict);
	SpeculativeInsertionLockRelease(xid);
	list_free(recheck);
	list_free(arbiters);
	return !conflict;
}

/*
 * gt_exec_row_probe looks up the row of rel whose columns in unique index
 * index hold values (one per key column of the index), as snapshot sees it,
 * without locking it.  Returns true and fills slot (a slot of rel) if there
 * is one.
 */
bool
gt_exec_row_probe(Relation rel, Oid index, const Datum *values,
				  Snapshot snapshot, TupleTableSlot *slot)
{
	Relation	idxrel = index_open(index, AccessShareLock);
	int			nkeys = IndexRelationGetNumberOfKeyAttributes(idxrel);
	ScanKeyData skey[INDEX_MAX_KEYS];
	IndexScanDesc scan;
	bool		found;

	for (int i = 0; i < nkeys; i++)
	{
		Oid			type = idxrel->rd_opcintype[i];
		Oid			op = get_opfamily_member(idxrel->rd_opfamily[i], type,
											 type, BTEqualStrategyNumber);

		if (!OidIsValid(op))
			elog(ERROR, "missing equality operator for index \"%s\"",
				 RelationGetRelationName(idxrel));
		ScanKeyInit(&skey[i], i + 1, BTEqualStrategyNumber, get_opcode(op),
					values[i]);
		skey[i].sk_collation = idxrel->rd_indcollation[i];
	}
	scan = index_beginscan(rel, idxrel, snapshot, nkeys, 0);
	index_rescan(scan, skey, nkeys, NULL, 0);
	found = index_getnext_slot(scan, ForwardScanDirection, slot);
	index_endscan(scan);
	index_close(idxrel, NoLock);
	return found;
}

/*
 * gt_exec_row_insert_quietly inserts the row in slot (a slot of rel) through
 * the executor, with its constraints and indexes checked but no trigger of
 * the table fired, as the current command.  Where the table allows a
 * speculative insertion, a row whose key in unique index arbiter is taken
 * is not inserted, and false is returned; elsewhere that is an error.
 */
bool
gt_exec_row_insert_quietly(Relation rel, Oid arbiter, TupleTableSlot *slot)
{
	ResultRelInfo *relinfo;
	EState	   *estate = gt_exec_row_state(rel, RowExclusiveLock, NULL, &relinfo);
	bool		inserted = true;

	estate->es_output_cid = GetCurrentCommandId(true);
	if (gt_exec_row_plain_indexes(relinfo) && !rel->rd_rel->relispartition &&
		!(RelationGetDescr(rel)->constr != NULL &&
		  RelationGetDescr(rel)->constr->has_generated_stored))
		inserted = gt_exec_row_insert_if_new(relinfo, estate, slot, arbiter);
	else
		ExecSimpleRelationInsert(relinfo, estate, slot);
	ExecCloseIndices(relinfo);
	ExecResetTupleTable(estate->es_tupleTable, false);
	FreeExecutorState(estate);
	return inserted;
}
