/*-------------------------------------------------------------------------
 *
 * gt_error.c
 *		Errors of the DynamoDB API raised from SQL: table management, in
 *		PL/pgSQL, raises them through gt._raise(), in the convention of
 *		gt/error.h.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/api/gt_error.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "gt/error.h"

/* The exceptions, by name, with their SQLSTATE (gt/error.h). */
#define EXCEPTION(name) {#name, GT_SQLSTATE_##name}
static const struct
{
	const char *name;
	int			sqlstate;
}			exceptions[] = {
	EXCEPTION(ValidationException),
	EXCEPTION(ConditionalCheckFailedException),
	EXCEPTION(ResourceNotFoundException),
	EXCEPTION(ResourceInUseException),
	EXCEPTION(TransactionCanceledException),
	EXCEPTION(IdempotentParameterMismatchException),
	EXCEPTION(TransactionConflictException),
	EXCEPTION(ExpiredIteratorException),
	EXCEPTION(TrimmedDataAccessException),
};

/*
 * gt._raise(exception text, message text, detail text, hint text): raises
 * the error of DynamoDB exception "exception" with message (and detail and
 * hint, unless NULL).
 */
PG_FUNCTION_INFO_V1(gt_raise_sql);
Datum
gt_raise_sql(PG_FUNCTION_ARGS)
{
	const char *name;
	const char *message;
	const char *detail = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	const char *hint = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		elog(ERROR, "gt._raise() needs an exception and a message");
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	message = text_to_cstring(PG_GETARG_TEXT_PP(1));
	for (int i = 0; i < lengthof(exceptions); i++)
	{
		if (strcmp(exceptions[i].name, name) != 0)
			continue;
		ereport(ERROR,
				(errcode(exceptions[i].sqlstate),
				 errmsg("%s: %s", name, message),
				 detail ? errdetail("%s", detail) : 0,
				 hint ? errhint("%s", hint) : 0));
	}
	elog(ERROR, "unknown DynamoDB exception \"%s\"", name);
	PG_RETURN_VOID();
}
