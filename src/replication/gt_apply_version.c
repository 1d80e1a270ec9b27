/*-------------------------------------------------------------------------
 *
 * gt_apply_version.c
 *		Applies item versions received from another region: through the
 *		write primitive, with the last-writer-wins decider.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/replication/gt_apply_version.c
 *
 * NOTES
 *	  Which versions apply
 *		Only versions of global tables that have a replica here and that
 *		list the sending region as a replica: a disassociated replica stops
 *		receiving in both directions.  The descriptor (catalog/gt_table.c)
 *		says both.
 *
 *	  Write targets per transaction
 *		The first version of a table in a local transaction opens the table
 *		for writing (gt_write_open(): the table, its indexes, an executor
 *		state and its slots); it serves every further version of that table
 *		in the transaction and is closed by gt_apply_version_end() before
 *		the transaction commits, instead of a lock, a relcache look-up and
 *		an IndexInfo per index for each version.  What one version needs is
 *		allocated in the caller's per-message context or in the executor's
 *		per-tuple context, so a transaction of any size runs in the same
 *		memory.
 *
 *	  As whom
 *		Versions are written as the replica table's owner (as PostgreSQL
 *		16's subscriptions do by default): the triggers enabled for replicas
 *		that the owner attached run with the owner's rights, not the link
 *		worker's superuser's, and cannot SET ROLE back.  Not as a
 *		security-restricted operation, which would refuse every deferred
 *		trigger, deferrable foreign keys included.  A deferred trigger
 *		fires at the commit, as the worker's user, which would run a
 *		user's code with a superuser's rights: so once a version is written
 *		to a table whose owner is not a superuser and that has a user's
 *		deferred trigger enabled for replicas, the local transaction does
 *		what SET CONSTRAINTS ALL IMMEDIATE does.  The pending deferred
 *		triggers fire then, as that owner, and every later one of the
 *		transaction fires as its version is written, as its table's owner.
 *
 *	  Concurrency
 *		A local transaction inserting the same key after the look-up is seen
 *		by the speculative insertion, and the version is decided again on
 *		that row (write/gt_write.c).
 *
 *	  The initial copy
 *		gt._apply_version() applies one version the same way for the initial
 *		copy of a new replica, in a session with a replication origin set
 *		up, so that the copy is not sent on.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "replication/origin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "gt/apply_version.h"
#include "gt/clock.h"
#include "gt/jsonb_check.h"
#include "gt/lww.h"
#include "gt/table.h"
#include "gt/write.h"

/* A table open for writing in this transaction. */
typedef struct OpenTarget
{
	Oid			relid;
	GtWriteTarget *target;
} OpenTarget;

/* The open targets, in TopTransactionContext. */
static List *open_targets = NIL;
static bool xact_callback_registered = false;

/* An aborted transaction took its targets with it: forget them. */
static void
forget_targets_at_abort(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		open_targets = NIL;
}

/*
 * target_for returns the write target of table in this transaction, opening
 * it on first use, or NULL if the table is no longer global here.
 */
static GtWriteTarget *
target_for(GtTable *table)
{
	ListCell   *lc;
	MemoryContext old;
	OpenTarget *open;
	GtWriteTarget *target;

	foreach(lc, open_targets)
	{
		open = lfirst(lc);
		if (open->relid == table->relid)
			return open->target;
	}
	if (!xact_callback_registered)
	{
		RegisterXactCallback(forget_targets_at_abort, NULL);
		xact_callback_registered = true;
	}
	old = MemoryContextSwitchTo(TopTransactionContext);
	target = gt_write_open(table, GT_WRITE_REPLICATED);
	if (target != NULL)
	{
		open = palloc(sizeof(OpenTarget));
		open->relid = table->relid;
		open->target = target;
		open_targets = lappend(open_targets, open);
	}
	MemoryContextSwitchTo(old);
	return target;
}

/*
 * gt_apply_version_end closes the tables the transaction's versions were
 * written to; called before the local transaction commits.
 */
void
gt_apply_version_end(void)
{
	ListCell   *lc;

	foreach(lc, open_targets)
		gt_write_close(((OpenTarget *) lfirst(lc))->target);
	list_free_deep(open_targets);
	open_targets = NIL;
}

/*
 * apply_one applies the version of table_name that item and the metadata
 * make up, received from source, if this region takes it (see NOTES).
 */
static void
apply_one(const char *table_name, const char *source, Jsonb *item,
		  int64 update_time, const char *update_region, bool deleting,
		  bool inserted)
{
	GtTable    *table = gt_table_by_name(table_name);
	GtWriteTarget *target;
	GtVersion	incoming;
	GtLwwArg	arg;
	Oid			save_userid;
	int			save_sec_context;

	if (table == NULL || !gt_table_has_replica(table, source))
		return;
	if (!table->complete && table->missing == NULL)
	{
		/*
		 * Its replica table was dropped behind the DDL guard's back (see
		 * src/sql/ddl.sql): there is nowhere to write the version, and
		 * stopping the link would stop every other table's replication too.
		 */
		ereport(WARNING,
				(errmsg("skipping a version of global table \"%s\" from region \"%s\": its replica table in this region was dropped",
						table->name, source),
				 errhint("Delete the global table here with gt.delete_table(%s).",
						 quote_literal_cstr(table->name))));
		return;
	}
	gt_clock_observe(update_time);
	target = target_for(table);
	if (target == NULL)
		return;
	incoming.item = JsonbPGetDatum(item);
	incoming.update_time = update_time;
	incoming.update_region = update_region;
	incoming.deleting = deleting;
	arg.table = gt_write_table(target);
	arg.incoming = &incoming;
	arg.inserted = inserted;

	/*
	 * As the table's owner: what its triggers run has the owner's rights,
	 * not the link worker's (see NOTES).  An error leaves the transaction,
	 * whose abort restores the user.
	 */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(table->owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	gt_write_item(target, item, inserted, gt_lww_decide, &arg);
	if (gt_write_table(target)->deferred_user_triggers &&
		!superuser_arg(table->owner))
	{
		/* SET CONSTRAINTS ALL IMMEDIATE, as the owner (see NOTES) */
		ConstraintsSetStmt all_immediate = {.type = T_ConstraintsSetStmt,
		.constraints = NIL,.deferred = false};

		AfterTriggerSetState(&all_immediate);
	}
	SetUserIdAndSecContext(save_userid, save_sec_context);
}

/*
 * gt_apply_version applies one version received from source, if this
 * region has a replica of its table that takes source's changes and the
 * version wins.  Runs in the caller's transaction, with an active
 * snapshot; the item's bytes are checked before anything reads them.  May
 * ERROR.
 */
void
gt_apply_version(const GtVersionMsg *msg, const char *source)
{
	apply_one(msg->table_name, source, gt_jsonb_check(msg->item, msg->item_len),
			  msg->update_time, msg->update_region, msg->deleting,
			  msg->inserted);
}

/*
 * gt._apply_version(table_name text, item jsonb, update_time bigint,
 *					 update_region text, deleting boolean, source text)
 *		RETURNS void
 *
 * Applies one version from source as a link worker would (see NOTES), in a
 * session that has a replication origin set up.
 */
PG_FUNCTION_INFO_V1(gt_apply_version_sql);
Datum
gt_apply_version_sql(PG_FUNCTION_ARGS)
{
	if (replorigin_session_origin == InvalidRepOriginId)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("versions from another region can only be applied in a session with a replication origin"),
				 errhint("Set one up with pg_replication_origin_session_setup().")));
	for (int i = 0; i < 6; i++)
	{
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("arguments of gt._apply_version() must not be null")));
	}
	apply_one(text_to_cstring(PG_GETARG_TEXT_PP(0)),
			  text_to_cstring(PG_GETARG_TEXT_PP(5)),
			  PG_GETARG_JSONB_P_COPY(1), PG_GETARG_INT64(2),
			  text_to_cstring(PG_GETARG_TEXT_PP(3)), PG_GETARG_BOOL(4), false);
	gt_apply_version_end();
	PG_RETURN_VOID();
}
