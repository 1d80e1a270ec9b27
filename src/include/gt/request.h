/*-------------------------------------------------------------------------
 *
 * request.h
 *		Reading DynamoDB request JSON: parameters, table names, errors.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/request.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_REQUEST_H
#define GT_REQUEST_H

#include "utils/jsonb.h"

extern void gt_request_check(Jsonb *request, const char *operation,
							 const char *const *allowed, int nallowed);
extern JsonbValue *gt_request_get(Jsonb *request, const char *field);
extern char *gt_request_string(Jsonb *request, const char *field,
							   const char *operation);
extern char *gt_request_value_text(JsonbValue *value);
extern void gt_request_check_table_name(const char *name);
extern void gt_request_error_not_found(const char *table_name) pg_attribute_noreturn();

#endif							/* GT_REQUEST_H */
