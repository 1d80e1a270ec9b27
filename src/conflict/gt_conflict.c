/*-------------------------------------------------------------------------
 *
 * gt_conflict.c
 *		The one report of a version that lost to another.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/conflict/gt_conflict.c
 *
 * NOTES
 *		Every place where last-writer-wins decides between two versions of
 *		an item written in different regions calls gt_conflict_report(),
 *		whoever won: the decider of the write primitive that link workers
 *		and the initial copy use, and the LWW trigger for versions written
 *		by SQL in a session that applies (conflict/gt_lww.c).  The shape is
 *		PostgreSQL 18's ReportApplyConflict() (conflict.c): the relation and
 *		the conflict type in the primary message, the key, both versions'
 *		regions and times and the resolution in the detail, the SQLSTATE of
 *		errcode_apply_conflict(); "gt.conflict_log_level" sets the level.
 *		Two versions from the same region are not a conflict: the later one
 *		was written by a transaction that had seen the earlier one.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "gt/conflict.h"
#include "gt/item.h"

/* Microseconds between the Unix epoch and the PostgreSQL epoch. */
#define GT_UNIX_EPOCH_OFFSET_US \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

/* Indexed by GtConflictType. */
static const char *const conflict_names[GT_CONFLICT_NTYPES] = {
	"insert_exists", "update_origin_differs", "delete_origin_differs"
};

/* An update time, readable, with its value. */
static char *
format_time(int64 update_time)
{
	return psprintf("%s (" INT64_FORMAT ")",
					timestamptz_to_str((TimestampTz) (update_time -
													  GT_UNIX_EPOCH_OFFSET_US)),
					update_time);
}

/*
 * gt_conflict_report reports, at "gt.conflict_log_level", that either local
 * (the stored version of an item of table) or remote (the version that
 * arrived) lost to the other; remote_won says which.  Costs nothing when the
 * level is not logged.
 */
void
gt_conflict_report(const GtTable *table, GtConflictType type,
				   const GtVersion *local, const GtVersion *remote,
				   bool remote_won)
{
	Jsonb	   *key;
	char	   *keytext;
	const char *kind;
	const char *local_kind;
	char	   *detail;

	if (!message_level_is_interesting(gt_conflict_log_level))
		return;
	key = gt_item_key_only(gt_version_item(remote), &table->keys);
	keytext = JsonbToCString(NULL, &key->root, VARSIZE(key));
	kind = remote->deleting ? "delete" : "version";
	local_kind = local->deleting ? "delete" : "version";
	if (remote_won)
		detail = psprintf("Key %s: applied the remote %s written in region \"%s\" at %s over the local %s written in region \"%s\" at %s.",
						  keytext, kind, remote->update_region,
						  format_time(remote->update_time), local_kind,
						  local->update_region, format_time(local->update_time));
	else
		detail = psprintf("Key %s: kept the local %s written in region \"%s\" at %s over the remote %s written in region \"%s\" at %s.",
						  keytext, local_kind, local->update_region,
						  format_time(local->update_time), kind,
						  remote->update_region, format_time(remote->update_time));
	ereport(gt_conflict_log_level,
			(errcode(type == GT_CT_INSERT_EXISTS ? ERRCODE_UNIQUE_VIOLATION :
					 ERRCODE_T_R_SERIALIZATION_FAILURE),
			 errmsg("conflict detected on relation \"%s\": conflict=%s",
					table->qualified_name, conflict_names[type]),
			 errdetail_internal("%s", detail)));
}
