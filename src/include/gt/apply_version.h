/*-------------------------------------------------------------------------
 *
 * apply_version.h
 *		Applying item versions received from another region.
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

/* Applies one version received from region source, in the caller's transaction. */
extern void gt_apply_version(const GtVersionMsg *msg, const char *source);

/* Closes what the transaction's versions were applied with; before commit. */
extern void gt_apply_version_end(void);

#endif							/* GT_APPLY_VERSION_H */
