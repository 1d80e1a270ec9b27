/*-------------------------------------------------------------------------
 *
 * gt_prereq.c
 *		The check that the server is configured to run global tables.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/catalog/gt_prereq.c
 *
 * NOTES
 *		Table management and gt.init_region() call it first, so that a
 *		server that could not replicate (the library not preloaded, WAL not
 *		logical, our output plugin not allowed to load, no prepared
 *		transactions for multi-region steps) says which setting to change
 *		instead of failing later in a worker or a peer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/twophase.h"
#include "access/xlog.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/varlena.h"

#include "gt/gt.h"

/*
 * output_plugin_libraries_allows_us reports whether Debian's
 * "output_plugin_libraries" (15.19 and later) lets our plugin load; servers
 * without that setting load any plugin.
 */
static bool
output_plugin_libraries_allows_us(void)
{
	const char *value = GetConfigOption("output_plugin_libraries", true, false);
	char	   *copy;
	List	   *names;
	ListCell   *lc;

	if (value == NULL)
		return true;
	copy = pstrdup(value);
	if (!SplitIdentifierString(copy, ',', &names))
		return false;
	foreach(lc, names)
	{
		if (strcmp((char *) lfirst(lc), GT_LIBRARY_NAME) == 0)
			return true;
	}
	return false;
}

/*
 * gt_check_prerequisites ERRORs, with a hint naming the setting, unless the
 * server is configured to run global tables.
 */
void
gt_check_prerequisites(void)
{
	if (!gt_loaded_at_startup)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("pg_global_tables must be loaded via \"shared_preload_libraries\""),
				 errhint("Add \"pg_global_tables\" to \"shared_preload_libraries\" and restart the server.")));
	if (wal_level < WAL_LEVEL_LOGICAL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("global tables require \"wal_level\" to be \"logical\""),
				 errhint("Set \"wal_level\" to \"logical\" and restart the server.")));
	if (!output_plugin_libraries_allows_us())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("output plugin \"pg_global_tables\" is not allowed by \"output_plugin_libraries\""),
				 errhint("Add \"pg_global_tables\" to \"output_plugin_libraries\" and restart the server.")));
	/* Multi-region steps commit with two-phase commit (src/sql/steps.sql). */
	if (max_prepared_xacts <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("global tables require \"max_prepared_transactions\" to be at least 1"),
				 errhint("Set \"max_prepared_transactions\" to 10 or more and restart the server.")));
}

/*
 * gt._check_prerequisites(): SQL entry to gt_check_prerequisites.
 */
PG_FUNCTION_INFO_V1(gt_check_prerequisites_sql);
Datum
gt_check_prerequisites_sql(PG_FUNCTION_ARGS)
{
	gt_check_prerequisites();
	PG_RETURN_VOID();
}
