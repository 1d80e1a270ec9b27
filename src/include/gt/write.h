/*-------------------------------------------------------------------------
 *
 * write.h
 *		Writing an item API version through the executor.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/write.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_WRITE_H
#define GT_WRITE_H

#include "utils/jsonb.h"

#include "gt/item.h"

extern bool gt_item_write(Oid relid, const GtKeySchema *keys, Jsonb *payload,
						  bool deleting);

#endif							/* GT_WRITE_H */
