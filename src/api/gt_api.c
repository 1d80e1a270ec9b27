/*-------------------------------------------------------------------------
 *
 * gt_api.c
 *		The operation table: each DynamoDB operation the extension serves
 *		in C, its parameters and its handler, and the SQL functions that
 *		take a request.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/api/gt_api.c
 *
 * NOTES
 *		An operation is known here by DynamoDB's name, with the request
 *		parameters DynamoDB defines for it (botocore's model of the
 *		DynamoDB API, 2012-08-10) that it accepts; any other parameter is
 *		refused before the handler runs, in the same words for every
 *		operation (gt_request.c).  The SQL functions gt.put_item(jsonb),
 *		gt.get_item(jsonb), gt.delete_item(jsonb), gt.update_item(jsonb),
 *		gt.query(jsonb) and gt.scan(jsonb) pass their request
 *		here; the short forms (gt_api_item.c) call the handlers.  Table
 *		management is written in PL/pgSQL (src/sql/tables.sql) and checks
 *		its requests with the same functions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/jsonb.h"

#include "gt/api.h"
#include "gt/request.h"

typedef struct GtApiOperation
{
	const char *name;
	GtApiHandler handler;
	const char *const *params;
} GtApiOperation;

static const char *const put_item_params[] = {
	"TableName", "Item", "ReturnValues", "ReturnConsumedCapacity",
	"ReturnItemCollectionMetrics", "ConditionExpression",
	"ExpressionAttributeNames", "ExpressionAttributeValues",
	"ReturnValuesOnConditionCheckFailure", NULL
};
static const char *const get_item_params[] = {
	"TableName", "Key", "ConsistentRead", "ReturnConsumedCapacity",
	"ProjectionExpression", "ExpressionAttributeNames", NULL
};
static const char *const query_params[] = {
	"TableName", "IndexName", "Select", "Limit", "ConsistentRead",
	"ScanIndexForward", "ExclusiveStartKey", "ReturnConsumedCapacity",
	"ProjectionExpression", "FilterExpression", "KeyConditionExpression",
	"ExpressionAttributeNames", "ExpressionAttributeValues", NULL
};
static const char *const scan_params[] = {
	"TableName", "IndexName", "Limit", "Select", "ExclusiveStartKey",
	"ReturnConsumedCapacity", "TotalSegments", "Segment",
	"ProjectionExpression", "FilterExpression", "ExpressionAttributeNames",
	"ExpressionAttributeValues", "ConsistentRead", NULL
};
static const char *const delete_item_params[] = {
	"TableName", "Key", "ReturnValues", "ReturnConsumedCapacity",
	"ReturnItemCollectionMetrics", "ConditionExpression",
	"ExpressionAttributeNames", "ExpressionAttributeValues",
	"ReturnValuesOnConditionCheckFailure", NULL
};
static const char *const update_item_params[] = {
	"TableName", "Key", "UpdateExpression", "ConditionExpression",
	"ExpressionAttributeNames", "ExpressionAttributeValues", "ReturnValues",
	"ReturnConsumedCapacity", "ReturnItemCollectionMetrics",
	"ReturnValuesOnConditionCheckFailure", NULL
};

static const GtApiOperation operations[] = {
	{"PutItem", gt_api_put_item, put_item_params},
	{"GetItem", gt_api_get_item, get_item_params},
	{"DeleteItem", gt_api_delete_item, delete_item_params},
	{"UpdateItem", gt_api_update_item, update_item_params},
	{"Query", gt_api_query, query_params},
	{"Scan", gt_api_scan, scan_params},
};

/*
 * gt_api_call serves a request for DynamoDB operation name: ERRORs unless
 * the request is a JSON object with only the operation's parameters, then
 * returns what its handler returns.
 */
Jsonb *
gt_api_call(const char *name, Jsonb *request)
{
	for (int i = 0; i < lengthof(operations); i++)
	{
		const GtApiOperation *op = &operations[i];
		int			nparams = 0;

		if (strcmp(op->name, name) != 0)
			continue;
		while (op->params[nparams] != NULL)
			nparams++;
		gt_request_check(request, op->name, op->params, nparams);
		return op->handler(request);
	}
	elog(ERROR, "unknown operation \"%s\"", name);
	return NULL;				/* keep compiler quiet */
}

static Jsonb *
request_arg(FunctionCallInfo fcinfo)
{
	return PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0);
}

/* gt.put_item(request jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_put_item);
Datum
gt_put_item(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(gt_api_call("PutItem", request_arg(fcinfo)));
}

/* gt.get_item(request jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_get_item);
Datum
gt_get_item(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(gt_api_call("GetItem", request_arg(fcinfo)));
}

/* gt.delete_item(request jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_delete_item);
Datum
gt_delete_item(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(gt_api_call("DeleteItem", request_arg(fcinfo)));
}

/* gt.update_item(request jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_update_item);
Datum
gt_update_item(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(gt_api_call("UpdateItem", request_arg(fcinfo)));
}

/* gt.query(request jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_query);
Datum
gt_query(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(gt_api_call("Query", request_arg(fcinfo)));
}

/* gt.scan(request jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_scan);
Datum
gt_scan(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(gt_api_call("Scan", request_arg(fcinfo)));
}
