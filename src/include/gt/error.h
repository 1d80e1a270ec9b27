/*-------------------------------------------------------------------------
 *
 * error.h
 *		The error convention of the DynamoDB API: every error names the
 *		DynamoDB exception a client would get, in one fixed place.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/error.h
 *
 * NOTES
 *		An error of the API has
 *		- the SQLSTATE of its exception, in class YD (an implementation-
 *		  defined class: PostgreSQL reserves those beginning with 0-4 and
 *		  A-H), one per exception, so that a client maps an error to
 *		  DynamoDB's by its code alone;
 *		- a message that begins with the exception's name and ": ", followed
 *		  by AWS's own message text where AWS documents one.
 *		Write them as
 *			ereport(ERROR, (errdynamo(ValidationException, "..."), ...));
 *		and never give an exception's name or code anywhere else.  The
 *		README's "Errors" section lists the table below.
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_ERROR_H
#define GT_ERROR_H

#include "utils/elog.h"

#define GT_SQLSTATE_ValidationException						MAKE_SQLSTATE('Y','D','0','0','0')
#define GT_SQLSTATE_ConditionalCheckFailedException			MAKE_SQLSTATE('Y','D','0','0','1')
#define GT_SQLSTATE_ResourceNotFoundException				MAKE_SQLSTATE('Y','D','0','0','2')
#define GT_SQLSTATE_ResourceInUseException					MAKE_SQLSTATE('Y','D','0','0','3')
#define GT_SQLSTATE_TransactionCanceledException			MAKE_SQLSTATE('Y','D','0','0','4')
#define GT_SQLSTATE_IdempotentParameterMismatchException	MAKE_SQLSTATE('Y','D','0','0','5')
#define GT_SQLSTATE_TransactionConflictException			MAKE_SQLSTATE('Y','D','0','0','6')
#define GT_SQLSTATE_ExpiredIteratorException				MAKE_SQLSTATE('Y','D','0','0','7')
#define GT_SQLSTATE_TrimmedDataAccessException				MAKE_SQLSTATE('Y','D','0','0','8')

/*
 * The SQLSTATE and the start of the message of an error of DynamoDB
 * exception "exception" (one of the names above, unquoted); fmt and its
 * arguments as errmsg() takes them.
 */
#define errdynamo(exception, fmt, ...) \
	errcode(GT_SQLSTATE_##exception), \
	errmsg(#exception ": " fmt, ##__VA_ARGS__)

#endif							/* GT_ERROR_H */
