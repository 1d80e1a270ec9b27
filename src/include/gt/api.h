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

#include "gt/expr.h"
#include "gt/table.h"
#include "gt/write.h"

/* Serves one request, already checked for unknown parameters. */
typedef Jsonb *(*GtApiHandler) (Jsonb *request);

/* Runs DynamoDB operation name on request: checks, then serves it. */
extern Jsonb *gt_api_call(const char *operation, Jsonb *request);

/* The handlers (gt_api_item.c, gt_api_update.c, gt_api_query.c) */
extern Jsonb *gt_api_put_item(Jsonb *request);
extern Jsonb *gt_api_get_item(Jsonb *request);
extern Jsonb *gt_api_delete_item(Jsonb *request);
extern Jsonb *gt_api_update_item(Jsonb *request);
extern Jsonb *gt_api_query(Jsonb *request);
extern Jsonb *gt_api_scan(Jsonb *request);

/* A request's ConditionExpression, and whether a failure returns the item. */
typedef struct GtApiCondition
{
	GtExpr	   *expr;
	bool		return_item;	/* ReturnValuesOnConditionCheckFailure ALL_OLD */
} GtApiCondition;

/* What the item operations share (gt_api_item.c). */
extern GtTable *gt_api_lookup_table(const char *name);
extern Jsonb *gt_api_request_jsonb(Jsonb *request, const char *field);
extern Jsonb *gt_api_wrap_result(const char *name, Jsonb *value);
extern const char *gt_api_return_values(Jsonb *request, const char *operation,
										const char *const *allowed, int nallowed);
extern GtApiCondition *gt_api_read_condition(Jsonb *request, GtExprContext *cxt);
extern Jsonb *gt_api_live_item(const GtVersion *stored);
extern void gt_api_check_condition(GtApiCondition *condition, Jsonb *item);
extern void gt_api_write(GtTable *table, Jsonb *key, bool deleting, bool reads,
						 GtDecider decide, void *arg);

/* The response of a Query or Scan page (gt_api_page.c). */
extern Jsonb *gt_api_page(bool with_items, List *items, int count, int scanned,
						  Jsonb *last_key);

#endif							/* GT_API_H */
