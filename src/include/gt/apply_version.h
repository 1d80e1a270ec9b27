/*-------------------------------------------------------------------------
 *
 * apply_version.h
 *		Applying one replicated item version to a replica table.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/apply_version.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_APPLY_VERSION_H
#define GT_APPLY_VERSION_H

#include "gt/proto.h"

extern void gt_apply_version_init(void);
extern void gt_apply_version_begin(void);
extern void gt_apply_version(const GtVersionMsg *msg, const char *source);
extern void gt_apply_version_end(void);

#endif							/* GT_APPLY_VERSION_H */
