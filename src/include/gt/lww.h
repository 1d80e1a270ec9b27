/*-------------------------------------------------------------------------
 *
 * lww.h
 *		Last-writer-wins decisions and the hybrid logical clock.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/lww.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_LWW_H
#define GT_LWW_H

extern int64 gt_hlc_next(int64 floor);
extern void gt_hlc_observe(int64 remote_time);
extern int64 gt_local_write_time(int64 floor);
extern int	gt_conflict_compare(int64 time_a, const char *region_a,
								int64 time_b, const char *region_b);
extern const char *gt_local_region(void);

#endif							/* GT_LWW_H */
