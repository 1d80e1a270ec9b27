/*-------------------------------------------------------------------------
 *
 * clock.h
 *		The hybrid logical clock that stamps item versions.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/clock.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_CLOCK_H
#define GT_CLOCK_H

/* A time later than any handed out or observed before, and at least floor. */
extern int64 gt_clock_next(int64 floor);

/* Whether time is after the epoch and within the lead bound of now. */
extern bool gt_clock_plausible(int64 time);

/* Advances the clock to a time seen in a replicated version. */
extern void gt_clock_observe(int64 remote_time);

/*
 * The update time of a local write replacing a version stamped floor - 1
 * (floor 0 for a new item), with this transaction's stamp floor published.
 */
extern int64 gt_clock_stamp(int64 floor);

/* A time below every stamp a transaction committing from now on can carry. */
extern int64 gt_clock_horizon(void);

#endif							/* GT_CLOCK_H */
