/*-------------------------------------------------------------------------
 *
 * exec_row.h
 *		Executor helpers for writing single rows of replica tables.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/exec_row.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_EXEC_ROW_H
#define GT_EXEC_ROW_H

#include "executor/executor.h"

extern EState *gt_exec_row_state(Relation rel, LOCKMODE rellockmode,
								 TriggerDesc *trigdesc,
								 ResultRelInfo **relinfo);
extern bool gt_exec_row_plain_indexes(ResultRelInfo *relinfo);
extern void gt_exec_row_clear(TupleTableSlot *slot);
extern bool gt_exec_row_insert_if_new(ResultRelInfo *relinfo, EState *estate,
									  TupleTableSlot *slot, Oid arbiter);

extern bool gt_exec_row_probe(Relation rel, Oid index, const Datum *values,
							  Snapshot snapshot, TupleTableSlot *slot);
extern bool gt_exec_row_insert_quietly(Relation rel, Oid arbiter,
									   TupleTableSlot *slot);

/* Sets column att of a slot being filled after gt_exec_row_clear(). */
static inline void
gt_exec_row_set(TupleTableSlot *slot, AttrNumber att, Datum value)
{
	slot->tts_values[att - 1] = value;
	slot->tts_isnull[att - 1] = false;
}

#endif							/* GT_EXEC_ROW_H */
