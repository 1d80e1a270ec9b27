/*-------------------------------------------------------------------------
 *
 * gt_fuzz.h
 *		A minimal PostgreSQL backend environment for libFuzzer targets.
 *
 * Why this file exists: the fuzz targets run the project's real backend
 * code (src/item/, src/replication/gt_proto.c) and PostgreSQL's real jsonb input
 * inside one process, without a server.  That code uses palloc and
 * ereport, so something has to create the memory contexts, set the
 * database encoding, turn ereport(ERROR) into "input rejected", free each
 * input's memory and notice memory that outlives an input.  Both targets
 * share that here (gt_fuzz.c).
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		fuzz/gt_fuzz.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_FUZZ_H
#define GT_FUZZ_H

#include "utils/jsonb.h"

/* A step of a fuzz target, run under gt_fuzz_try. */
typedef void (*GtFuzzStep) (void *arg);

/*
 * Which SQLSTATEs a step may raise and still count as a clean rejection.
 * Any other ERROR aborts the process, so libFuzzer keeps the input.
 */
typedef enum GtFuzzErrors
{
	GT_FUZZ_ERRORS_NONE,		/* the step must not ERROR at all */
	GT_FUZZ_ERRORS_INPUT,		/* any SQLSTATE but internal errors (XX) */
	GT_FUZZ_ERRORS_ITEM,		/* YD000 (ValidationException), gt_item.c's */
	GT_FUZZ_ERRORS_PROTOCOL,	/* 08P01, the read half's contract */
	GT_FUZZ_ERRORS_REQUEST		/* YD000 and 22004, gt_request.c's contract */
} GtFuzzErrors;

/* Sets up the backend environment once per process. */
extern void gt_fuzz_init(void);

/* Starts an input: switches into the per-input memory context. */
extern void gt_fuzz_begin_input(void);

/*
 * Runs step(arg); returns true if it returned, false if it raised an ERROR
 * that errors allows.  Any other ERROR aborts with its message.
 */
extern bool gt_fuzz_try(const char *what, GtFuzzStep step, void *arg,
						GtFuzzErrors errors);

/* Ends an input: frees its memory and aborts if memory outlived it. */
extern void gt_fuzz_end_input(void);

/* Reports a broken invariant and aborts. */
extern void gt_fuzz_fail(const char *fmt,...) pg_attribute_printf(1, 2)
			pg_attribute_noreturn();

/* Parses a NUL-terminated string with jsonb_in; NULL if it is rejected. */
extern Jsonb *gt_fuzz_jsonb_in(const char *json);

#endif							/* GT_FUZZ_H */
