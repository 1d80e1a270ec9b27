/*-------------------------------------------------------------------------
 *
 * pg_global_tables.c
 *		Library entry point: GUCs, shared memory hooks and the supervisor.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/pg_global_tables.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "gt/conflict.h"
#include "gt/utility_guard.h"
#include "gt/gt.h"
#include "gt/launcher.h"
#include "gt/shmem.h"
#include "gt/upsert.h"

PG_MODULE_MAGIC;

int			gt_link_retry_interval = 5000;
int			gt_launcher_naptime = 1000;
int			gt_clock_offset = 0;
int			gt_max_clock_lead = 86400000;
int			gt_link_lock_timeout = 60000;
int			gt_tombstone_collect_interval = 60000;
int			gt_step_timeout = 60000;
int			gt_apply_batch_size = 256;
int			gt_apply_batch_max_time = 1;
int			gt_conflict_log_level = LOG;
bool		gt_loaded_at_startup = false;

void		_PG_init(void);

/* The levels "gt.conflict_log_level" takes, as log_min_messages does. */
static const struct config_enum_entry log_level_options[] = {
	{"debug5", DEBUG5, false},
	{"debug4", DEBUG4, false},
	{"debug3", DEBUG3, false},
	{"debug2", DEBUG2, false},
	{"debug1", DEBUG1, false},
	{"info", INFO, false},
	{"notice", NOTICE, false},
	{"warning", WARNING, false},
	{"log", LOG, false},
	{NULL, 0, false}
};

/*
 * _PG_init defines the GUCs and, when loaded by shared_preload_libraries,
 * sets up shared memory and registers the supervisor.  Loaded any other way
 * (as an output plugin, or by a backend calling a function), it only defines
 * the GUCs; functions that need the shared state say so.
 */
void
_PG_init(void)
{
	DefineCustomIntVariable("gt.link_retry_interval",
							"Time to wait before restarting a failed link worker.",
							NULL,
							&gt_link_retry_interval,
							5000, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("gt.link_lock_timeout",
							"Longest time a link worker waits for a lock before it fails and retries.",
							"Bounds how long a session holding a row lock, or a table lock, stops a link without a trace; 0 waits for ever.",
							&gt_link_lock_timeout,
							60000, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("gt.launcher_naptime",
							"Time between checks of the catalog for new or removed links.",
							NULL,
							&gt_launcher_naptime,
							1000, 10, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("gt.clock_offset",
							"Offset added to this server's clock when stamping writes (testing only).",
							"Lets tests simulate a region whose clock is ahead or behind.",
							&gt_clock_offset,
							0, -86400000, 86400000,
							PGC_SUSET, GUC_UNIT_MS | GUC_NOT_IN_SAMPLE,
							NULL, NULL, NULL);
	DefineCustomIntVariable("gt.max_clock_lead",
							"Furthest the clock that stamps writes may be moved ahead of the wall clock.",
							"Remote versions stamped further ahead move the clock only this far, and a local write over such a version is refused.",
							&gt_max_clock_lead,
							86400000, 1000, INT_MAX,
							PGC_SUSET, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("gt.tombstone_collect_interval",
							"Time between collections of tombstones that no peer can still need.",
							"Each region's launcher also sends its watermark to its peers this often; 0 turns both off.",
							&gt_tombstone_collect_interval,
							60000, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("gt.step_timeout",
							"Time after which a region rolls back its prepared part of an undecided multi-region step.",
							"Table management commits a change to several regions' catalogs with two-phase commit; a part still prepared after this long is resolved by its region's launcher, which asks the coordinating region.",
							&gt_step_timeout,
							60000, 1000, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("gt.apply_batch_size",
							"Largest number of remote transactions a link worker applies in one local transaction.",
							"A link worker that has more of a peer's transactions waiting than it applied commits them together; 1 commits each on its own.",
							&gt_apply_batch_size,
							256, 1, 100000,
							PGC_SIGHUP, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("gt.apply_batch_max_time",
							"Longest time a link worker applies remote transactions in one local transaction.",
							"Bounds how much later than one by one the first transactions of a batch become visible; 0 sets no limit.",
							&gt_apply_batch_max_time,
							1, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomEnumVariable("gt.conflict_log_level",
							 "Message level of the report of each conflict last-writer-wins decides.",
							 "A conflict is two versions of an item written in different regions; the report names the one that lost.",
							 &gt_conflict_log_level,
							 LOG, log_level_options,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("gt");
	gt_utility_guard_install();
	gt_upsert_install();

	if (!process_shared_preload_libraries_in_progress)
		return;

	gt_loaded_at_startup = true;
	gt_shmem_init();
	gt_supervisor_register();
}
