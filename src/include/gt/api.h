/*-------------------------------------------------------------------------
 *
 * api.h
 *		The DynamoDB operations the extension implements in C.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/api.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_API_H
#define GT_API_H

#include "utils/jsonb.h"

/* Serves one request, already checked for unknown parameters. */
typedef Jsonb *(*GtApiHandler) (Jsonb *request);

/* Runs DynamoDB operation name on request: checks, then serves it. */
extern Jsonb *gt_api_call(const char *operation, Jsonb *request);

/* The handlers (gt_api_item.c) */
extern Jsonb *gt_api_put_item(Jsonb *request);
extern Jsonb *gt_api_get_item(Jsonb *request);
extern Jsonb *gt_api_delete_item(Jsonb *request);

#endif							/* GT_API_H */
