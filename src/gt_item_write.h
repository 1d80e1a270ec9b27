/*-------------------------------------------------------------------------
 *
 * gt_item_write.h
 *		Writing an item API version through the executor.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/gt_item_write.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_ITEM_WRITE_H
#define GT_ITEM_WRITE_H

#include "utils/jsonb.h"

#include "gt_item.h"

extern bool gt_item_write(Oid relid, const GtKeySchema *keys, Jsonb *payload,
						  bool deleting);

#endif							/* GT_ITEM_WRITE_H */
