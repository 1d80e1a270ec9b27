/*-------------------------------------------------------------------------
 *
 * shmem.h
 *		Shared memory state of pg_global_tables.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/shmem.h
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

/*
 * What a link worker reports about its link: its last error, for gt.links,
 * the peer's last watermark, for tombstone collection, and, after a batch of
 * remote transactions failed to commit, where the next worker may batch
 * again (see replication/gt_link.c).
 */
typedef struct GtLinkState
{
	Oid			dboid;			/* InvalidOid: free */
	char		peer[NAMEDATALEN];
	TimestampTz error_time;		/* 0: no error */
	XLogRecPtr	finish_lsn;		/* of the remote transaction, or invalid */
	char		message[512];
	int64		watermark;		/* 0: none received yet */
	XLogRecPtr	unbatched_until;	/* apply one by one up to here */
} GtLinkState;

/*
 * The first update time a backend's open transaction may have handed out
 * (0: none), and the database it wrote in; see conflict/gt_clock.c.
 */
typedef struct GtStampSlot
{
	pg_atomic_uint64 floor;
	Oid			dboid;
} GtStampSlot;

typedef struct GtSharedState
{
	/* Hybrid logical clock, microseconds since the Unix epoch. */
	pg_atomic_uint64 hlc;
	/* Supervisor's latch, so init_region can wake it; NULL if not running. */
	Latch	   *supervisor_latch;
	/* Set by gt._wake_supervisor(): look at every database now. */
	pg_atomic_uint32 rescan_requested;
	/* One slot per backend, indexed by MyBackendId - 1. */
	GtStampSlot *stamp_slots;
	int			max_stamp_slots;
	/*
	 * The database each running launcher serves (InvalidOid: free), under
	 * lock: one launcher per database (replication/gt_launcher.c).
	 */
	Oid		   *launchers;
	int			max_launchers;
	/* Protects links. */
	LWLock	   *lock;
	int			max_links;
	GtLinkState links[FLEXIBLE_ARRAY_MEMBER];
} GtSharedState;

extern GtSharedState *gt_shared;

extern void gt_shmem_init(void);

#endif							/* GT_SHMEM_H */
