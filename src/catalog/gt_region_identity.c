/*-------------------------------------------------------------------------
 *
 * gt_region_identity.c
 *		Which server and database a region is: what tells a region from a
 *		copy of it made by a dump, a restore or a base backup.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/catalog/gt_region_identity.c
 *
 * NOTES
 *		A region's catalogs travel with every copy of its database: a
 *		pg_dump restored next to the original, a pg_dumpall restored on a
 *		test server, a base backup started as a cluster of its own.  A copy
 *		that believed it was the region would start link workers that take
 *		the peers' slots, named after the region, away from the original,
 *		and the writes streamed to it would never reach the original.  Core
 *		PostgreSQL dumps subscriptions with connect = false for this reason;
 *		BDR and pgactive name slots after the node's system identifier and
 *		database OID.
 *
 *		gt.init_region() records the region's identity in gt.region: the
 *		server's system identifier (pg_control), the database's OID and the
 *		server's port.  A database whose recorded identity is not its own is
 *		a copy: its launcher starts no link worker, says why in the log,
 *		gt.wait_for_replication() and table management refuse to act for it
 *		on other regions, and it stays so until an operator either makes it
 *		the region in place of the original (gt.claim_region(), after
 *		restoring a region from a backup, pg_upgrade, or moving it to
 *		another port) or detaches it as a standalone copy
 *		(gt.detach_copy()).  A base backup started on another host at the
 *		same port and path is the one copy this cannot tell: it is the same
 *		server as far as PostgreSQL knows (a promoted standby is too, which
 *		is what lets a region survive its primary's failover).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xlog.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "postmaster/postmaster.h"
#include "utils/builtins.h"

#include "gt/catalog.h"
#include "gt/region.h"

/*
 * gt_region_identity_current returns this server's and database's identity,
 * palloc'd: "system identifier:database OID:port".
 */
char *
gt_region_identity_current(void)
{
	return psprintf(UINT64_FORMAT ":%u:%d", GetSystemIdentifier(),
					MyDatabaseId, PostPortNumber);
}

/*
 * gt_region_identity_recorded returns the identity gt.region records for
 * this database's region, palloc'd, or NULL if it has no region.
 */
char *
gt_region_identity_recorded(void)
{
	bool		mine;

	return gt_region_read(Anum_gt_region_identity, &mine);
}

/*
 * gt_region_is_copy reports whether this database is a copy of its region
 * (see NOTES): it has a region whose recorded identity is not its own.
 */
bool
gt_region_is_copy(void)
{
	char	   *recorded = gt_region_identity_recorded();

	return recorded != NULL &&
		strcmp(recorded, gt_region_identity_current()) != 0;
}

/* gt._local_identity() RETURNS text */
PG_FUNCTION_INFO_V1(gt_local_identity_sql);
Datum
gt_local_identity_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(gt_region_identity_current()));
}

/* gt._is_copy() RETURNS boolean */
PG_FUNCTION_INFO_V1(gt_is_copy_sql);
Datum
gt_is_copy_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(gt_region_is_copy());
}
