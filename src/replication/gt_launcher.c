/*-------------------------------------------------------------------------
 *
 * gt_launcher.c
 *		The workers that start the link workers: a supervisor for the cluster
 *		and a launcher for each region database.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/replication/gt_launcher.c
 *
 * NOTES
 *	  Architecture
 *		Regions are databases, and a background worker can only read the
 *		catalogs of the database it is connected to.  So the supervisor
 *		(static, no database) scans pg_database and starts a launcher in each
 *		database that allows connections; a launcher that finds no region
 *		there exits, and the supervisor looks again after
 *		"gt.launcher_naptime" times ten, or at once when gt.init_region()
 *		wakes it.  Each launcher reads gt.replica every naptime and keeps one
 *		link worker running per peer region that shares a table with it,
 *		stopping workers of peers that no longer do.  A link worker that dies
 *		is restarted after "gt.link_retry_interval" (core launcher.c does the
 *		same per subscription).  Template databases are skipped, so CREATE
 *		DATABASE is never blocked by us.  Every
 *		"gt.tombstone_collect_interval" a launcher also sends its region's
 *		watermark and collects tombstones (gt_tombstone.c), and every
 *		quarter of "gt.step_timeout" (at most 10 s) it resolves the region's
 *		parts of multi-region steps left prepared (src/sql/steps.sql).
 *
 *	  Memory
 *		Each scan runs in a loop context reset every iteration.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "gt/gt.h"
#include "gt/launcher.h"
#include "gt/link_state.h"
#include "gt/region.h"
#include "gt/shmem.h"

/* A worker this process started and watches. */
typedef struct ChildWorker
{
	Oid			dboid;			/* supervisor: database */
	char		peer[NAMEDATALEN];	/* launcher: peer region */
	BackgroundWorkerHandle *handle;
	TimestampTz last_start;
	bool		start_failed;	/* no worker slot at last_start */
	bool		seen;			/* still wanted in this scan */
} ChildWorker;

static List *children = NIL;	/* in TopMemoryContext */

/*
 * child_running reports whether a child worker is starting or running.
 */
static bool
child_running(ChildWorker *child)
{
	pid_t		pid;

	if (child->handle == NULL)
		return false;
	switch (GetBackgroundWorkerPid(child->handle, &pid))
	{
		case BGWH_STARTED:
		case BGWH_NOT_YET_STARTED:
			return true;
		default:
			return false;
	}
}

/*
 * start_child starts a dynamic worker for a database (supervisor) or a peer
 * (launcher), with this process notified of its exit.  Without a free
 * background worker slot, it says which worker could not start and why,
 * for a link in gt.links too, and returns false; the caller tries again
 * later.
 */
static bool
start_child(ChildWorker *child, const char *function, const char *type,
			const char *name)
{
	BackgroundWorker bgw;

	memset(&bgw, 0, sizeof(bgw));
	bgw.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw.bgw_start_time = BgWorkerStart_RecoveryFinished;
	bgw.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(bgw.bgw_library_name, GT_LIBRARY_NAME, BGW_MAXLEN);
	strlcpy(bgw.bgw_function_name, function, BGW_MAXLEN);
	strlcpy(bgw.bgw_type, type, BGW_MAXLEN);
	strlcpy(bgw.bgw_name, name, BGW_MAXLEN);
	bgw.bgw_main_arg = ObjectIdGetDatum(child->dboid);
	strlcpy(bgw.bgw_extra, child->peer, BGW_EXTRALEN);
	bgw.bgw_notify_pid = MyProcPid;

	child->last_start = GetCurrentTimestamp();
	if (child->handle)
		pfree(child->handle);
	child->handle = NULL;
	child->start_failed = !RegisterDynamicBackgroundWorker(&bgw, &child->handle);
	if (!child->start_failed)
		return true;
	ereport(WARNING,
			(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
			 errmsg("could not start %s: out of background worker slots", name),
			 errdetail("\"max_worker_processes\" is %d; the supervisor, a launcher for each region database and a link worker for each peer of each region share them with parallel workers and other extensions' workers.",
					   max_worker_processes),
			 errhint("Increase \"max_worker_processes\" (see the README's sizing formula) and restart the server.")));
	if (child->peer[0] != '\0')
	{
		char		message[256];

		snprintf(message, sizeof(message),
				 "no background worker slot for the link worker (\"max_worker_processes\" is %d)",
				 max_worker_processes);
		gt_link_state_set_error(child->dboid, child->peer, InvalidXLogRecPtr,
								message, InvalidXLogRecPtr);
	}
	return false;
}

/*
 * gt_supervisor_register registers the supervisor; called from _PG_init.
 */
void
gt_supervisor_register(void)
{
	BackgroundWorker bgw;

	memset(&bgw, 0, sizeof(bgw));
	bgw.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw.bgw_start_time = BgWorkerStart_RecoveryFinished;
	bgw.bgw_restart_time = 5;
	strlcpy(bgw.bgw_library_name, GT_LIBRARY_NAME, BGW_MAXLEN);
	strlcpy(bgw.bgw_function_name, "gt_supervisor_main", BGW_MAXLEN);
	strlcpy(bgw.bgw_type, "gt supervisor", BGW_MAXLEN);
	strlcpy(bgw.bgw_name, "gt supervisor", BGW_MAXLEN);
	RegisterBackgroundWorker(&bgw);
}

/*
 * scan_databases returns the OIDs of databases a launcher may run in.
 */
static List *
scan_databases(void)
{
	List	   *result = NIL;
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tup;
	MemoryContext caller = CurrentMemoryContext;

	StartTransactionCommand();
	(void) GetTransactionSnapshot();
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tup);
		MemoryContext old;

		if (!db->datallowconn || db->datistemplate)
			continue;
		old = MemoryContextSwitchTo(caller);
		result = lappend_oid(result, db->oid);
		MemoryContextSwitchTo(old);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	CommitTransactionCommand();
	return result;
}

static ChildWorker *
find_child(Oid dboid, const char *peer)
{
	ListCell   *lc;

	foreach(lc, children)
	{
		ChildWorker *c = lfirst(lc);

		if (c->dboid == dboid && strcmp(c->peer, peer) == 0)
			return c;
	}
	return NULL;
}

static ChildWorker *
add_child(Oid dboid, const char *peer)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
	ChildWorker *c = palloc0(sizeof(ChildWorker));

	c->dboid = dboid;
	strlcpy(c->peer, peer, NAMEDATALEN);
	children = lappend(children, c);
	MemoryContextSwitchTo(old);
	return c;
}

/*
 * gt_supervisor_main keeps a launcher running in every database that has a
 * region.
 */
void
gt_supervisor_main(Datum main_arg)
{
	MemoryContext loop_cxt;
	bool		rescan = true;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);

	gt_shared->supervisor_latch = MyLatch;
	loop_cxt = AllocSetContextCreate(TopMemoryContext, "gt supervisor loop",
									 ALLOCSET_DEFAULT_SIZES);

	for (;;)
	{
		List	   *dbs;
		ListCell   *lc;
		MemoryContext old;
		TimestampTz now;
		int			rc;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		old = MemoryContextSwitchTo(loop_cxt);
		dbs = scan_databases();
		now = GetCurrentTimestamp();
		foreach(lc, dbs)
		{
			Oid			dboid = lfirst_oid(lc);
			ChildWorker *c = find_child(dboid, "");
			char		name[BGW_MAXLEN];

			if (c == NULL)
				c = add_child(dboid, "");
			else if (child_running(c) ||
					 (!rescan &&
					  !TimestampDifferenceExceeds(c->last_start, now,
												  gt_launcher_naptime * 10)))
				continue;
			snprintf(name, sizeof(name), "gt launcher for database %u", dboid);
			(void) start_child(c, "gt_launcher_main", "gt launcher", name);
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(loop_cxt);

		rc = WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					   gt_launcher_naptime, PG_WAIT_EXTENSION);
		if (rc & WL_LATCH_SET)
			ResetLatch(MyLatch);

		/*
		 * Only an explicit request restarts launchers early.  The latch is
		 * also set whenever a launcher exits (we are its notify process), and
		 * one that exits at once, in a database without a region, would
		 * otherwise be restarted in a tight loop.
		 */
		rescan = pg_atomic_exchange_u32(&gt_shared->rescan_requested, 0) != 0;
	}
}

/*
 * read_peers returns the regions that share at least one global table with
 * this one, or sets *has_region false when this database has no region.
 */
static List *
read_peers(bool *has_region)
{
	List	   *peers = NIL;
	List	   *found;
	ListCell   *lc;
	MemoryContext caller = CurrentMemoryContext;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "reading global table catalog");

	*has_region = gt_region_is_set();
	found = gt_region_peers();
	if (found != NIL && gt_region_is_copy())
	{
		/* A copy of the region starts no link (gt_region_identity.c). */
		static bool warned = false;

		if (!warned)
			ereport(WARNING,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("database \"%s\" is a copy of region \"%s\": it does not replicate",
							get_database_name(MyDatabaseId), gt_region_local()),
					 errdetail("The region was named in the server and database with identity %s (system identifier:database OID:port); this is %s.",
							   gt_region_identity_recorded(),
							   gt_region_identity_current()),
					 errhint("Run gt.claim_region() in it to make it region \"%s\" in place of the original, or gt.detach_copy() to make it a standalone copy.",
							 gt_region_local())));
		warned = true;
		found = NIL;
	}
	foreach(lc, found)
	{
		MemoryContext old = MemoryContextSwitchTo(caller);

		peers = lappend(peers, pstrdup(lfirst(lc)));
		MemoryContextSwitchTo(old);
	}

	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);
	return peers;
}

static int	my_launcher_slot = -1;

/* Frees this launcher's slot when the process exits, however it exits. */
static void
free_launcher_slot(int code, Datum arg)
{
	LWLockAcquire(gt_shared->lock, LW_EXCLUSIVE);
	gt_shared->launchers[my_launcher_slot] = InvalidOid;
	LWLockRelease(gt_shared->lock);
	my_launcher_slot = -1;
}

/*
 * take_launcher_slot takes this database's launcher slot in shared memory
 * for the life of the process, and reports whether it got it: false if
 * another launcher serves the database.  The slots are out of reach of SQL,
 * unlike an advisory lock, which any role could take first.
 */
static bool
take_launcher_slot(void)
{
	int			free_slot = -1;

	LWLockAcquire(gt_shared->lock, LW_EXCLUSIVE);
	for (int i = 0; i < gt_shared->max_launchers; i++)
	{
		if (gt_shared->launchers[i] == MyDatabaseId)
		{
			LWLockRelease(gt_shared->lock);
			return false;
		}
		if (free_slot < 0 && gt_shared->launchers[i] == InvalidOid)
			free_slot = i;
	}
	if (free_slot < 0)			/* cannot happen: a slot per worker */
		elog(ERROR, "no free launcher slot");
	gt_shared->launchers[free_slot] = MyDatabaseId;
	my_launcher_slot = free_slot;
	LWLockRelease(gt_shared->lock);
	before_shmem_exit(free_launcher_slot, (Datum) 0);
	return true;
}

/*
 * run_round runs one round of a region's upkeep for the launcher: sql, in
 * a transaction of its own.  An error is reported as a WARNING saying what
 * failed, and the round abandoned; the next one tries again.
 */
static void
run_round(const char *activity, const char *sql)
{
	MemoryContext caller = CurrentMemoryContext;

	PG_TRY();
	{
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, activity);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute(sql, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "unexpected result of \"%s\"", sql);
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(caller);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		ereport(WARNING,
				(errmsg("%s failed: %s", activity, edata->message)));
		FreeErrorData(edata);
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
}

/*
 * gt_launcher_main keeps one link worker per peer region of this database.
 */
void
gt_launcher_main(Datum main_arg)
{
	Oid			dboid = DatumGetObjectId(main_arg);
	MemoryContext loop_cxt;
	TimestampTz last_collection = GetCurrentTimestamp();
	TimestampTz last_resolution = GetCurrentTimestamp();

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	/* Catalog queries without statistics can look costly enough for JIT. */
	SetConfigOption("jit", "off", PGC_SUSET, PGC_S_OVERRIDE);

	loop_cxt = AllocSetContextCreate(TopMemoryContext, "gt launcher loop",
									 ALLOCSET_DEFAULT_SIZES);

	/*
	 * A restarted supervisor does not know the launchers it started before;
	 * a slot in shared memory keeps to one launcher per database.
	 */
	if (!take_launcher_slot())
		proc_exit(0);

	for (;;)
	{
		List	   *peers;
		ListCell   *lc;
		bool		has_region;
		MemoryContext old;
		TimestampTz now;
		int			rc;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		old = MemoryContextSwitchTo(loop_cxt);
		peers = read_peers(&has_region);
		if (!has_region)
			proc_exit(0);		/* not a region: the supervisor looks later */

		foreach(lc, children)
			((ChildWorker *) lfirst(lc))->seen = false;
		now = GetCurrentTimestamp();
		foreach(lc, peers)
		{
			char	   *peer = lfirst(lc);
			ChildWorker *c = find_child(dboid, peer);
			char		name[BGW_MAXLEN];

			if (c == NULL)
				c = add_child(dboid, peer);
			c->seen = true;
			if (child_running(c))
				continue;
			if ((c->handle != NULL || c->start_failed) &&
				!TimestampDifferenceExceeds(c->last_start, now,
											gt_link_retry_interval))
				continue;
			snprintf(name, sizeof(name), "gt link worker for region \"%s\"", peer);
			(void) start_child(c, "gt_link_main", "gt link worker", name);
		}
		foreach(lc, children)
		{
			ChildWorker *c = lfirst(lc);

			if (!c->seen && c->handle != NULL && child_running(c))
				TerminateBackgroundWorker(c->handle);
		}
		if (gt_tombstone_collect_interval > 0 &&
			TimestampDifferenceExceeds(last_collection, now,
									   gt_tombstone_collect_interval))
		{
			/* The watermark first: collection reads the peers' ones. */
			run_round("collecting tombstones",
					  "SELECT gt._publish_watermark(), gt.collect_tombstones()");
			last_collection = now;
		}
		if (TimestampDifferenceExceeds(last_resolution, now,
									   Min(gt_step_timeout / 4, 10000)))
		{
			run_round("resolving multi-region steps",
					  "SELECT gt._resolve_steps()");
			last_resolution = now;
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(loop_cxt);

		rc = WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					   gt_launcher_naptime, PG_WAIT_EXTENSION);
		if (rc & WL_LATCH_SET)
			ResetLatch(MyLatch);
	}
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
