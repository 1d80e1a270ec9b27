/*-------------------------------------------------------------------------
 *
 * gt_extension_guard.c
 *		Refuses DROP EXTENSION pg_global_tables while the region shares
 *		tables with other regions.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/catalog/gt_extension_guard.c
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
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/extension.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"

#include "gt/extension_guard.h"
#include "gt/region.h"

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

	if (prev_process_utility)
		prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
							 queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}

/*
 * gt_extension_guard_install installs the hook; _PG_init calls it once per
 * process that loads the library.
 */
void
gt_extension_guard_install(void)
{
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = gt_process_utility;
}
