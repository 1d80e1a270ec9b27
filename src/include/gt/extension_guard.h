/*-------------------------------------------------------------------------
 *
 * extension_guard.h
 *		Refusing DROP EXTENSION while the region has peers.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/extension_guard.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_EXTENSION_GUARD_H
#define GT_EXTENSION_GUARD_H

/* Installs the ProcessUtility hook that refuses it. */
extern void gt_extension_guard_install(void);

#endif							/* GT_EXTENSION_GUARD_H */
