/*-------------------------------------------------------------------------
 *
 * read.h
 *		Reading items of a replica table as the calling user.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/read.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_READ_H
#define GT_READ_H

#include "utils/jsonb.h"

#include "gt/table.h"

/* The live item under key (a validated key), or NULL; palloc'd. */
extern Jsonb *gt_read_item(GtTable *table, Jsonb *key);

#endif							/* GT_READ_H */
