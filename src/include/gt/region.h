/*-------------------------------------------------------------------------
 *
 * region.h
 *		This region, the other regions, and the links between them.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/region.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_REGION_H
#define GT_REGION_H

#include "access/attnum.h"
#include "access/xlogdefs.h"
#include "nodes/pg_list.h"

/* This database's region name; ERRORs if it has none. */
extern const char *gt_region_local(void);

/* Does this database have a region name? */
extern bool gt_region_is_set(void);

/* Column attnum of gt.region's row, or NULL without a region. */
extern char *gt_region_read(AttrNumber attnum, bool *mine);

/* This server's and database's identity, and the one its region recorded. */
extern char *gt_region_identity_current(void);
extern char *gt_region_identity_recorded(void);

/* Is this database a copy of its region (gt_region_identity.c)? */
extern bool gt_region_is_copy(void);

/* The libpq connection string that reaches region name, palloc'd. */
extern char *gt_region_conninfo(const char *name);

/* The regions that share a global table with this one, sorted, palloc'd. */
extern List *gt_region_peers(void);

/*
 * The name of the slot and origin of the link from local to peer,
 * gt_<local>_<peer>; dst holds NAMEDATALEN bytes.
 */
extern void gt_link_name(char *dst, const char *local, const char *peer);

/* The transaction of peer that this region was asked to skip, or invalid. */
extern XLogRecPtr gt_link_skip_request(const char *peer);

/* Deletes that request, in the current transaction. */
extern void gt_link_skip_forget(const char *peer);

#endif							/* GT_REGION_H */
