/*-------------------------------------------------------------------------
 *
 * gt_prereq.c
 *		Support functions for the region, table and replica catalogs: the
 *		prerequisite check, cache invalidation and waking the supervisor.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/catalog/gt_prereq.c
 *
 * NOTES
 *		The catalogs themselves are tables in schema gt, created by the
 *		install script; gt.global_table and gt.replica are user catalog
 *		tables so the output plugin can read them while decoding.  This file
 *		holds what SQL cannot do by itself.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xlog.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "replication/logical.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/varlena.h"

#include "gt/gt.h"
#include "gt/shmem.h"

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

/*
 * gt._wake_supervisor(): makes the supervisor rescan databases now, so a
 * newly named region starts replicating without waiting.
 */
PG_FUNCTION_INFO_V1(gt_wake_supervisor);
Datum
gt_wake_supervisor(PG_FUNCTION_ARGS)
{
	if (gt_shared == NULL)
		PG_RETURN_VOID();
	pg_atomic_write_u32(&gt_shared->rescan_requested, 1);
	if (gt_shared->supervisor_latch)
		SetLatch(gt_shared->supervisor_latch);
	PG_RETURN_VOID();
}

/*
 * gt_catalog_changed is an AFTER STATEMENT trigger on gt.global_table and
 * gt.replica.  It queues a relcache invalidation, which is WAL-logged with
 * the commit, so output plugins decoding past this point and apply workers
 * drop what they cached about which tables replicate where.
 */
PG_FUNCTION_INFO_V1(gt_catalog_changed);
Datum
gt_catalog_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" was not called by trigger manager",
						"gt_catalog_changed")));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}
