/*-------------------------------------------------------------------------
 *
 * gt_tombstone.c
 *		When a tombstone can be forgotten: the watermark each region sends
 *		its peers, and the launcher's periodic collection.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/lifecycle/gt_tombstone.c
 *
 * NOTES
 *	  Why tombstones are kept
 *		A delete is a tombstone version (see conflict/gt_lww.c) so that an older
 *		update arriving later from another region loses to it.  Removing the
 *		tombstone too early lets such an update resurrect the item in one
 *		region only: the regions diverge.
 *
 *	  When a tombstone can go
 *		A region R may remove a tombstone of time T once no change with an
 *		older time can still reach it.  Its own writes cannot: they take the
 *		row lock and stamp later than the stored version.  For each peer P
 *		sharing the table, R needs P's word that everything P commits from
 *		some point on is newer than T.  P gives it as a watermark W: a time
 *		below every update time any of its transactions committing after the
 *		watermark in its WAL can carry.  R records W when its link worker
 *		reaches the watermark in P's stream, that is after applying every
 *		transaction P committed before it; from then on R may remove
 *		tombstones with T < W as far as P is concerned, and a tombstone goes
 *		when that holds for every peer of its table.  A peer that is away,
 *		partitioned or stuck on a poison change sends no new watermark, so
 *		tombstones wait for it.  Each region collects on its own, and the
 *		physical delete is not replicated (the output plugin sends no deletes).
 *
 *	  Computing the watermark
 *		An open transaction may commit long after it stamped, so the clock
 *		alone is not a watermark: gt._publish_watermark() sends the clock's
 *		horizon (conflict/gt_clock.c), below the stamps of every open
 *		transaction.  A prepared transaction has no backend and may commit
 *		any time later, so no watermark is sent while the database has one.
 *
 *	  Who collects
 *		The launcher runs as the bootstrap superuser, but the deletes of one
 *		table run as the table's owner, as a security-restricted operation
 *		(as VACUUM runs index functions), with session_replication_role set
 *		to replica, so that no trigger a user attached fires: only the
 *		owner may enable one for replicas.  If a foreign key references the
 *		table, its checks are triggers that must fire, so the ordinary ones
 *		would too: such a table is collected only if no user trigger fires
 *		on its deletes, and is otherwise skipped with a warning.  Only this
 *		may remove a tombstone (the LWW trigger skips anyone else's DELETE
 *		of one).  A table whose collection fails (a foreign key still
 *		references a tombstone's key, say) keeps its tombstones until the
 *		next round, with a warning; the other tables are collected as
 *		usual.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/table.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "gt/lww.h"
#include "gt/table.h"

/*
 * is_referenced says whether a foreign key references rel: its checks are
 * triggers on rel, which must fire when a tombstone goes.
 */
static bool
is_referenced(Relation rel)
{
	TriggerDesc *trigdesc = rel->trigdesc;

	for (int i = 0; trigdesc != NULL && i < trigdesc->numtriggers; i++)
		if (RI_FKey_trigger_type(trigdesc->triggers[i].tgfoid) == RI_TRIGGER_PK)
			return true;
	return false;
}

/*
 * user_delete_trigger returns the name of a trigger a user attached to rel
 * that fires on DELETE in an ordinary session, or NULL.  The descriptor's
 * list leaves out the LWW trigger, which decides what a delete is.
 */
static const char *
user_delete_trigger(Relation rel)
{
	GtTable    *table = gt_table_by_relid(RelationGetRelid(rel));
	TriggerDesc *trigdesc = table ? table->triggers : rel->trigdesc;

	for (int i = 0; trigdesc != NULL && i < trigdesc->numtriggers; i++)
	{
		Trigger    *t = &trigdesc->triggers[i];

		if (!t->tgisinternal && t->tgenabled != TRIGGER_DISABLED &&
			TRIGGER_FOR_DELETE(t->tgtype))
			return t->tgname;
	}
	return NULL;
}

/*
 * gt._collect_table(relid regclass, horizon bigint) RETURNS bigint: removes
 * up to 10000 tombstones of a replica table stamped before horizon, as the
 * table's owner (see NOTES); rows locked by a writer are left for the next
 * round.  Returns how many were removed.
 */
PG_FUNCTION_INFO_V1(gt_collect_table);
Datum
gt_collect_table(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	int64		horizon = PG_GETARG_INT64(1);
	Relation	rel;
	Oid			owner;
	bool		referenced;
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(horizon)};
	char	   *sql;
	volatile uint64 removed = 0;

	rel = table_open(relid, AccessShareLock);
	owner = rel->rd_rel->relowner;
	referenced = is_referenced(rel);
	if (referenced && user_delete_trigger(rel) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" is referenced by a foreign key and has trigger \"%s\" on DELETE",
						RelationGetRelationName(rel), user_delete_trigger(rel)),
				 errdetail("Collecting its tombstones must fire the foreign key's checks, and would fire that trigger too.")));
	table_close(rel, AccessShareLock);
	sql = psprintf("DELETE FROM %s WHERE ctid OPERATOR(pg_catalog.=) ANY (ARRAY("
				   "SELECT ctid FROM %s WHERE gt_deleting "
				   "AND gt_update_time OPERATOR(pg_catalog.<) $1 LIMIT 10000 FOR UPDATE SKIP LOCKED))",
				   quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
											  get_rel_name(relid)),
				   quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
											  get_rel_name(relid)));

	save_nestlevel = NewGUCNestLevel();
	/* No trigger a user attached fires, unless a foreign key needs them. */
	if (!referenced)
		(void) set_config_option("session_replication_role", "replica",
								 PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SAVE,
								 true, 0, false);
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	gt_lww_collecting_tombstones(true);
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute_with_args(sql, 1, argtypes, args, NULL, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "could not collect the tombstones of \"%s\"", get_rel_name(relid));
		removed = SPI_processed;
		SPI_finish();
	}
	PG_FINALLY();
	{
		gt_lww_collecting_tombstones(false);
	}
	PG_END_TRY();
	SetUserIdAndSecContext(save_userid, save_sec_context);
	AtEOXact_GUC(false, save_nestlevel);
	PG_RETURN_INT64((int64) removed);
}
