/*-------------------------------------------------------------------------
 *
 * gt_utility_guard.c
 *		Utility commands that must not reach a region: DROP EXTENSION
 *		pg_global_tables while the region shares tables with other regions,
 *		and a forged part of a multi-region step.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/catalog/gt_utility_guard.c
 *
 * NOTES
 *		Dropping the extension in a region that other regions replicate
 *		with removes its catalogs and its output plugin's view of them: the
 *		peers' slots for the region are never read again and keep WAL
 *		without bound, and a replica Delete from a peer then fails, since
 *		the functions it calls here are gone.  BDR and pgactive refuse to
 *		drop their extension on a node that is still part of a group; so
 *		does this, with a hint naming the way out (delete the replicas
 *		first).  An event trigger cannot do it: sql_drop does not fire for
 *		the drop of the extension that owns the trigger, so this is a
 *		ProcessUtility hook, installed with the library.
 *
 *		The parts of multi-region steps (src/sql/steps.sql) are prepared
 *		transactions named "gt_step:...", which each region's launcher
 *		commits or rolls back as a superuser when their coordinator has
 *		decided.  Any role may PREPARE TRANSACTION once the server allows
 *		prepared transactions, so a role could otherwise name its own
 *		transaction like a step's part, to have it resolved with a step's
 *		outcome or to collide with a step's name: only a superuser may
 *		prepare a transaction under such a name.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/extension.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"

#include "gt/utility_guard.h"
#include "gt/region.h"

/* The names of the parts of multi-region steps (src/sql/steps.sql). */
#define GT_STEP_GID_PREFIX "gt_step:"

static ProcessUtility_hook_type prev_process_utility = NULL;

/*
 * check_drop_extension ERRORs if stmt drops this extension in a database
 * whose region shares tables with other regions.
 */
static void
check_drop_extension(DropStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->objects)
	{
		Node	   *object = lfirst(lc);
		List	   *peers;

		if (!IsA(object, String) ||
			strcmp(strVal(object), "pg_global_tables") != 0 ||
			!OidIsValid(get_extension_oid(strVal(object), true)))
			continue;
		peers = gt_region_peers();
		if (peers != NIL)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("cannot drop extension pg_global_tables while region \"%s\" shares tables with %d other regions",
							gt_region_local(), list_length(peers)),
					 errdetail("Region \"%s\" still replicates with \"%s\"%s.",
							   gt_region_local(), (char *) linitial(peers),
							   list_length(peers) > 1 ? " and others" : ""),
					 errhint("Leave the global tables first: gt.delete_table() for each of this region's tables (or gt.update_table() with a replica Delete from another region), then drop the extension.")));
	}
}

/*
 * check_prepare ERRORs if a role that is not a superuser prepares a
 * transaction under the name of a part of a multi-region step.
 */
static void
check_prepare(TransactionStmt *stmt)
{
	if (stmt->kind == TRANS_STMT_PREPARE && stmt->gid != NULL &&
		strncmp(stmt->gid, GT_STEP_GID_PREFIX, strlen(GT_STEP_GID_PREFIX)) == 0 &&
		!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to prepare transaction \"%s\"", stmt->gid),
				 errdetail("Names beginning with \"%s\" are reserved for the multi-region steps of pg_global_tables.",
						   GT_STEP_GID_PREFIX),
				 errhint("Choose another name for the prepared transaction.")));
}

/* ProcessUtility hook: see NOTES. */
static void
gt_process_utility(PlannedStmt *pstmt, const char *queryString,
				   bool readOnlyTree, ProcessUtilityContext context,
				   ParamListInfo params, QueryEnvironment *queryEnv,
				   DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *parsetree = pstmt->utilityStmt;

	if (IsA(parsetree, DropStmt) &&
		((DropStmt *) parsetree)->removeType == OBJECT_EXTENSION)
		check_drop_extension((DropStmt *) parsetree);
	else if (IsA(parsetree, TransactionStmt))
		check_prepare((TransactionStmt *) parsetree);

	if (prev_process_utility)
		prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
							 queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}

/*
 * gt_utility_guard_install installs the hook; _PG_init calls it once per
 * process that loads the library.
 */
void
gt_utility_guard_install(void)
{
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = gt_process_utility;
}
