/*-------------------------------------------------------------------------
 *
 * upsert.h
 *		Whether the statement executing is a plain upsert of a relation.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/upsert.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_UPSERT_H
#define GT_UPSERT_H

/* Is the innermost statement INSERT ... ON CONFLICT DO UPDATE of relid? */
extern bool gt_upsert_executing(Oid relid);

/* Installs the executor hooks that keep track (gt_upsert.c). */
extern void gt_upsert_install(void);

#endif							/* GT_UPSERT_H */
