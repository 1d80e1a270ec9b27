/*-------------------------------------------------------------------------
 *
 * gt_fuzz.c
 *		A minimal PostgreSQL backend environment for libFuzzer targets.
 *
 * Why this file exists: see gt_fuzz.h.  The fuzzers link PostgreSQL's own
 * backend object files (all but main.o), built by fuzz/run from the Debian
 * source package with the sanitizers on, so jsonb_in, numeric, palloc and
 * ereport are the server's, not stand-ins.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		fuzz/gt_fuzz.c
 *
 * NOTES
 *
 * ENVIRONMENT
 *
 * The process is not a backend: there is no shared memory, catalog or
 * transaction.  gt_fuzz_init creates TopMemoryContext and ErrorContext
 * (MemoryContextInit), sets the stack base and a server's usual
 * max_stack_depth (2 MB) so check_stack_depth works, and sets the
 * database encoding to UTF8, as every region database has it.
 * That is enough for the code under test, which reads no catalog.
 *
 * ERRORS
 *
 * Each step runs inside PG_TRY, so ereport(ERROR) longjmps back here
 * instead of finding no handler and exiting.  An ERROR is the normal way
 * to reject an input, but only with the SQLSTATEs the code promises: the
 * caller says which are allowed, and any other one, including every
 * internal error (elog, class XX), aborts the process so libFuzzer saves
 * the input.  Assertion failures (--enable-cassert) abort by themselves.
 * With GT_FUZZ_VERBOSE set in the environment, every step prints whether
 * it accepted or rejected, which is how to read a seed or a reproducer:
 * GT_FUZZ_VERBOSE=1 ~/.cache/pg_global_tables-fuzz/fuzz_item FILE.
 *
 * MEMORY
 *
 * Everything an input allocates goes into InputContext, reset after each
 * input.  After the reset, the memory held by all contexts together must
 * stay within GT_FUZZ_LEAK_SLACK of what it was after the first input:
 * palloc'd memory is never "leaked" in LeakSanitizer's sense, since the
 * contexts still point to it, so this is how memory left behind in
 * TopMemoryContext or ErrorContext by the code under test shows up.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/elog.h"
#include "utils/memutils.h"

#include "gt/error.h"

#include "gt_fuzz.h"

/* Growth of all memory contexts, across inputs, that counts as a leak. */
#define GT_FUZZ_LEAK_SLACK	(256 * 1024)

/* Defined by main.c, which the fuzzers replace; postmaster.c uses it. */
const char *progname = "gt_fuzz";

static MemoryContext InputContext = NULL;
static Size baseline_allocated = 0;
static bool verbose = false;

typedef struct JsonbParse
{
	const char *json;
	Jsonb	   *result;
} JsonbParse;

static bool error_allowed(int sqlerrcode, GtFuzzErrors errors);
static void parse_step(void *arg);

/*
 * gt_fuzz_init
 *		Set up the backend environment; idempotent.
 */
void
gt_fuzz_init(void)
{
	if (InputContext != NULL)
		return;

	verbose = getenv("GT_FUZZ_VERBOSE") != NULL;
	MemoryContextInit();
	(void) set_stack_base();
	/* What a server sets from an 8 MB stack rlimit (guc.c). */
	assign_max_stack_depth(2048, NULL);
	SetDatabaseEncoding(PG_UTF8);
	SetMessageEncoding(PG_UTF8);

	InputContext = AllocSetContextCreate(TopMemoryContext, "gt fuzz input",
										 ALLOCSET_DEFAULT_SIZES);
}

/*
 * gt_fuzz_begin_input
 *		Make InputContext current for the input about to run.
 */
void
gt_fuzz_begin_input(void)
{
	MemoryContextSwitchTo(InputContext);
}

/*
 * gt_fuzz_try
 *		Run step(arg), catching ERRORs.
 *
 * Returns true if the step returned normally and false if it raised an
 * ERROR whose SQLSTATE errors allows; the error state is flushed.  Aborts
 * on any other ERROR, and if the step returns with another memory context
 * current than the one it was called in.  what names the step in the
 * message.
 */
bool
gt_fuzz_try(const char *what, GtFuzzStep step, void *arg, GtFuzzErrors errors)
{
	volatile bool ok = true;

	Assert(CurrentMemoryContext == InputContext);

	PG_TRY();
	{
		step(arg);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(InputContext);
		edata = CopyErrorData();
		FlushErrorState();
		if (!error_allowed(edata->sqlerrcode, errors))
			gt_fuzz_fail("%s raised an unexpected ERROR: SQLSTATE %s: %s%s%s",
						 what, unpack_sql_state(edata->sqlerrcode),
						 edata->message,
						 edata->detail ? "\nDETAIL: " : "",
						 edata->detail ? edata->detail : "");
		if (verbose)
			fprintf(stderr, "gt fuzz: %s rejected: SQLSTATE %s: %s%s%s\n", what,
					unpack_sql_state(edata->sqlerrcode), edata->message,
					edata->detail ? " DETAIL: " : "",
					edata->detail ? edata->detail : "");
		ok = false;
	}
	PG_END_TRY();

	if (CurrentMemoryContext != InputContext)
		gt_fuzz_fail("%s returned with memory context \"%s\" current",
					 what, CurrentMemoryContext->name);
	if (ok && verbose)
		fprintf(stderr, "gt fuzz: %s accepted\n", what);
	return ok;
}

/*
 * gt_fuzz_end_input
 *		Free everything the input allocated, then check that no memory
 *		outlived it (see MEMORY in the file header).
 */
void
gt_fuzz_end_input(void)
{
	Size		allocated;

	MemoryContextSwitchTo(TopMemoryContext);
	MemoryContextReset(InputContext);

	allocated = MemoryContextMemAllocated(TopMemoryContext, true);
	if (baseline_allocated == 0)
		baseline_allocated = allocated;
	else if (allocated > baseline_allocated + GT_FUZZ_LEAK_SLACK)
	{
		MemoryContextStats(TopMemoryContext);
		gt_fuzz_fail("memory contexts hold %zu bytes after an input, %zu after the first: memory outlives its input",
					 allocated, baseline_allocated);
	}
}

/*
 * gt_fuzz_fail
 *		Print a message to stderr and abort, so that libFuzzer records the
 *		input as a crash.
 */
void
gt_fuzz_fail(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "gt fuzz: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
	abort();
}

/*
 * gt_fuzz_jsonb_in
 *		Return json (NUL-terminated) as parsed by jsonb_in, allocated in the
 *		input's context, or NULL if jsonb_in rejects it.
 */
Jsonb *
gt_fuzz_jsonb_in(const char *json)
{
	JsonbParse	parse;

	parse.json = json;
	parse.result = NULL;
	if (!gt_fuzz_try("jsonb_in", parse_step, &parse, GT_FUZZ_ERRORS_INPUT))
		return NULL;
	return parse.result;
}

/* Does errors allow an ERROR with SQLSTATE sqlerrcode? */
static bool
error_allowed(int sqlerrcode, GtFuzzErrors errors)
{
	switch (errors)
	{
		case GT_FUZZ_ERRORS_NONE:
			return false;
		case GT_FUZZ_ERRORS_INPUT:
			return ERRCODE_TO_CATEGORY(sqlerrcode) !=
				ERRCODE_TO_CATEGORY(ERRCODE_INTERNAL_ERROR);
		case GT_FUZZ_ERRORS_ITEM:
			return sqlerrcode == GT_SQLSTATE_ValidationException;
		case GT_FUZZ_ERRORS_PROTOCOL:
			return sqlerrcode == ERRCODE_PROTOCOL_VIOLATION;
		case GT_FUZZ_ERRORS_REQUEST:
			return sqlerrcode == GT_SQLSTATE_ValidationException ||
				sqlerrcode == ERRCODE_NULL_VALUE_NOT_ALLOWED;
	}
	return false;
}

/* Step: jsonb_in on a JsonbParse's string. */
static void
parse_step(void *arg)
{
	JsonbParse *parse = (JsonbParse *) arg;

	parse->result = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
													   CStringGetDatum(parse->json)));
}
