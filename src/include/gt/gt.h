/*-------------------------------------------------------------------------
 *
 * gt.h
 *		Declarations shared by every part of pg_global_tables.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/gt.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_H
#define GT_H

#define GT_EXTENSION_NAME		"pg_global_tables"
#define GT_LIBRARY_NAME			"pg_global_tables"

/* Longest region name: slot names are gt_<local>_<peer> within NAMEDATALEN. */
#define GT_REGION_NAME_MAXLEN	29

/* Names of the replication metadata columns every replica table carries. */
#define GT_COL_ITEM				"item"
#define GT_COL_UPDATE_TIME		"gt_update_time"
#define GT_COL_UPDATE_REGION	"gt_update_region"
#define GT_COL_DELETING			"gt_deleting"

/* Names of the LWW triggers on every replica table (conflict/gt_lww.c). */
#define GT_LWW_TRIGGER_NAME		"gt_lww"
#define GT_TOMBSTONE_TRIGGER_NAME	"gt_lww_tombstone"

/* Name of the trigger that refuses TRUNCATE of a replica table. */
#define GT_TRUNCATE_TRIGGER_NAME	"gt_no_truncate"

/* Prefix of the logical messages that carry a region's watermark. */

/* GUCs (pg_global_tables.c) */
extern int	gt_link_retry_interval;
extern int	gt_launcher_naptime;
extern int	gt_clock_offset;
extern int	gt_max_clock_lead;
extern int	gt_link_lock_timeout;
extern int	gt_tombstone_collect_interval;
extern int	gt_step_timeout;
extern int	gt_apply_batch_size;
extern int	gt_apply_batch_max_time;

/* True when the library was loaded by shared_preload_libraries. */
extern bool gt_loaded_at_startup;

extern void gt_check_prerequisites(void);

#endif							/* GT_H */
