/*-------------------------------------------------------------------------
 *
 * link.h
 *		Apply worker: streams one peer region's changes and applies them.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/link.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_LINK_H
#define GT_LINK_H

#include "gt/gt.h"

extern PGDLLEXPORT void gt_apply_main(Datum main_arg);
extern void gt_link_name(char *dst, const char *local, const char *peer);

#endif							/* GT_LINK_H */
