/*-------------------------------------------------------------------------
 *
 * gt_shmem.h
 *		Shared memory state of pg_global_tables.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/gt_shmem.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_SHMEM_H
#define GT_SHMEM_H

#include "access/xlogdefs.h"
#include "datatype/timestamp.h"
#include "port/atomics.h"
#include "storage/latch.h"
#include "storage/lwlock.h"

/* The last error of one link worker, for gt.links. */
typedef struct GtLinkError
{
	Oid			dboid;			/* InvalidOid: free */
	char		peer[NAMEDATALEN];
	TimestampTz error_time;
	XLogRecPtr	finish_lsn;		/* of the remote transaction, or invalid */
	char		message[512];
} GtLinkError;

typedef struct GtSharedState
{
	/* Hybrid logical clock, microseconds since the Unix epoch. */
	pg_atomic_uint64 hlc;
	/* Supervisor's latch, so init_region can wake it; NULL if not running. */
	Latch	   *supervisor_latch;
	/* Set by gt._wake_supervisor(): look at every database now. */
	pg_atomic_uint32 rescan_requested;
	/* Protects link_errors. */
	LWLock	   *lock;
	int			max_link_errors;
	GtLinkError link_errors[FLEXIBLE_ARRAY_MEMBER];
} GtSharedState;

extern GtSharedState *gt_shared;

extern void gt_shmem_init(void);
extern void gt_shmem_set_link_error(Oid dboid, const char *peer,
									XLogRecPtr finish_lsn, const char *message);
extern void gt_shmem_clear_link_error(Oid dboid, const char *peer,
									  bool only_without_lsn);

#endif							/* GT_SHMEM_H */
