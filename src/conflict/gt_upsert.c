/*-------------------------------------------------------------------------
 *
 * gt_upsert.c
 *		Tells the LWW trigger whether the statement it fires for is an
 *		INSERT ... ON CONFLICT DO UPDATE of the replica table, which needs
 *		no look-up for a tombstone.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/conflict/gt_upsert.c
 *
 * NOTES
 *		A plain SQL INSERT of a key whose item was deleted must replace the
 *		tombstone (conflict/gt_lww.c), so the trigger looks the key up
 *		before each local INSERT: an index scan, which costs an upsert
 *		about a tenth of its time.  An INSERT ... ON CONFLICT (key) DO
 *		UPDATE without a WHERE clause does not need it: on a tombstone its
 *		DO UPDATE writes the item, which the trigger stamps later than the
 *		tombstone and makes live, the same version the replacement would
 *		write.  The trigger cannot see the statement it fires for, so
 *		ExecutorStart and ExecutorEnd hooks keep a stack of the statements
 *		executing in this backend, each with the relation it upserts that
 *		way (or none), and the trigger asks about the innermost one.
 *
 *		Only a skipped look-up can go wrong, and only where the stack says
 *		upsert for a statement that is not one: a statement that ends
 *		without ExecutorEnd (an error) is dropped as soon as an outer one
 *		ends, and the stack is emptied whenever a transaction or
 *		subtransaction aborts; a statement missing from it is looked up,
 *		which is always right.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/executor.h"
#include "nodes/plannodes.h"
#include "parser/parsetree.h"

#include "gt/upsert.h"

#define MAX_DEPTH	64

typedef struct Executing
{
	QueryDesc  *query;
	Oid			upsert_relid;	/* InvalidOid unless a plain upsert */
} Executing;

static Executing stack[MAX_DEPTH];
static int	depth = 0;			/* entries in stack; more are not kept */
static int	overflow = 0;		/* statements started beyond MAX_DEPTH */

static ExecutorStart_hook_type prev_executor_start = NULL;
static ExecutorEnd_hook_type prev_executor_end = NULL;

/*
 * plain_upsert_relid returns the relation stmt inserts into with ON
 * CONFLICT DO UPDATE and no WHERE clause, or InvalidOid.
 */
static Oid
plain_upsert_relid(PlannedStmt *stmt)
{
	ModifyTable *mt;

	if (stmt == NULL || stmt->commandType != CMD_INSERT ||
		stmt->planTree == NULL || !IsA(stmt->planTree, ModifyTable))
		return InvalidOid;
	mt = (ModifyTable *) stmt->planTree;
	if (mt->onConflictAction != ONCONFLICT_UPDATE ||
		mt->onConflictWhere != NULL ||
		list_length(mt->resultRelations) != 1)
		return InvalidOid;
	return rt_fetch(linitial_int(mt->resultRelations), stmt->rtable)->relid;
}

/* ExecutorStart hook: pushes the statement. */
static void
gt_executor_start(QueryDesc *queryDesc, int eflags)
{
	if (depth < MAX_DEPTH)
	{
		stack[depth].query = queryDesc;
		stack[depth].upsert_relid = plain_upsert_relid(queryDesc->plannedstmt);
		depth++;
	}
	else
		overflow++;
	if (prev_executor_start)
		prev_executor_start(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

/* ExecutorEnd hook: pops the statement, and any that ended by an error. */
static void
gt_executor_end(QueryDesc *queryDesc)
{
	if (overflow > 0)
		overflow--;
	else
	{
		int			i = depth;

		while (i > 0 && stack[i - 1].query != queryDesc)
			i--;
		if (i > 0)
			depth = i - 1;
	}
	if (prev_executor_end)
		prev_executor_end(queryDesc);
	else
		standard_ExecutorEnd(queryDesc);
}

static void
forget_on_abort(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		depth = overflow = 0;
}

static void
forget_on_subabort(SubXactEvent event, SubTransactionId mySubid,
				   SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		depth = overflow = 0;
}

/*
 * gt_upsert_executing reports whether the innermost statement executing in
 * this backend is an INSERT ... ON CONFLICT DO UPDATE of relid without a
 * WHERE clause (see NOTES).
 */
bool
gt_upsert_executing(Oid relid)
{
	return overflow == 0 && depth > 0 && stack[depth - 1].upsert_relid == relid;
}

/* gt_upsert_install installs the hooks; _PG_init calls it. */
void
gt_upsert_install(void)
{
	prev_executor_start = ExecutorStart_hook;
	ExecutorStart_hook = gt_executor_start;
	prev_executor_end = ExecutorEnd_hook;
	ExecutorEnd_hook = gt_executor_end;
	RegisterXactCallback(forget_on_abort, NULL);
	RegisterSubXactCallback(forget_on_subabort, NULL);
}
