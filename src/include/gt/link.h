/*-------------------------------------------------------------------------
 *
 * link.h
 *		Link worker: streams one peer region's changes and applies them.
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

extern PGDLLEXPORT void gt_link_main(Datum main_arg);

#endif							/* GT_LINK_H */
