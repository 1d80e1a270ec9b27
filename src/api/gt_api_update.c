/*-------------------------------------------------------------------------
 *
 * gt_api_update.c
 *		UpdateItem: an update expression applied to an item in place, and
 *		its short SQL form.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/api/gt_api_update.c
 *
 * NOTES
 *		The request is read and its expressions parsed before anything is
 *		written; the decider then sees the stored item with its row locked,
 *		checks the condition against it, applies the update and validates
 *		the result as PutItem validates an item.  The whole new item is the
 *		version that is written, stamped and replicated, as a put's is: an
 *		update is a read-modify-write of this region's replica, and
 *		last-writer-wins decides between it and a concurrent write in
 *		another region.  As in DynamoDB, an update of an absent item
 *		creates it from the key.  An update reads the item, so it takes
 *		SELECT as well as INSERT and UPDATE.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "gt/api.h"
#include "gt/error.h"
#include "gt/expr.h"
#include "gt/item.h"
#include "gt/request.h"

/* What the update decider applies, and what it saw and wrote. */
typedef struct UpdateArg
{
	GtTable    *table;
	Jsonb	   *key;
	List	   *updates;		/* of GtUpdate * */
	GtApiCondition *condition;
	Jsonb	   *old;			/* the live item before, or NULL */
	Jsonb	   *new;			/* the item written */
	List	   *changed;		/* the paths the update wrote */
} UpdateArg;

static GtDecision
decide_update(const GtVersion *stored, GtVersion *next, void *arg)
{
	UpdateArg  *u = arg;

	u->old = gt_api_live_item(stored);
	gt_api_check_condition(u->condition, u->old);
	u->new = gt_expr_apply_update(u->updates, u->old, u->key,
								  &u->table->keys, &u->changed);
	gt_item_validate_item(u->new, &u->table->keys);
	next->item = JsonbPGetDatum(u->new);
	next->deleting = false;
	gt_write_stamp_local(stored, next);
	return GT_DECISION_WRITE;
}

/* The Attributes ReturnValues asks for. */
static Jsonb *
returned_attributes(UpdateArg *u, const char *return_values)
{
	if (strcmp(return_values, "ALL_OLD") == 0)
		return u->old;
	if (strcmp(return_values, "ALL_NEW") == 0)
		return u->new;
	if (strcmp(return_values, "UPDATED_OLD") == 0)
		return u->old ? gt_expr_project(u->old, u->changed) : NULL;
	if (strcmp(return_values, "UPDATED_NEW") == 0)
		return gt_expr_project(u->new, u->changed);
	return NULL;
}

/*
 * update serves an UpdateItem request on table for key; update_expression
 * may be NULL (the item is then only created if absent).
 */
static Jsonb *
update(GtTable *table, Jsonb *key, const char *update_expression,
	   Jsonb *request, const char *return_values)
{
	UpdateArg	u = {0};
	GtExprContext cxt;
	Jsonb	   *attributes;

	gt_item_validate_key(key, &table->keys);
	gt_expr_context_init(&cxt, "UpdateItem",
						 gt_request_get(request, "ExpressionAttributeNames"),
						 gt_request_get(request, "ExpressionAttributeValues"));
	if (update_expression != NULL)
		u.updates = gt_expr_parse_update(&cxt, update_expression);
	u.condition = gt_api_read_condition(request, &cxt);
	gt_expr_context_finish(&cxt);
	u.table = table;
	u.key = key;
	gt_api_write(table, key, false, true, decide_update, &u);
	attributes = returned_attributes(&u, return_values);
	/* No attribute at all is no Attributes, as DynamoDB answers. */
	if (attributes != NULL && JsonContainerSize(&attributes->root) == 0)
		attributes = NULL;
	return gt_api_wrap_result("Attributes", attributes);
}

/* UpdateItem */
Jsonb *
gt_api_update_item(Jsonb *request)
{
	static const char *const allowed[] = {
		"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"
	};
	const char *operation = "UpdateItem";
	GtTable    *table;
	Jsonb	   *key;
	JsonbValue *expression;
	const char *return_values;

	table = gt_api_lookup_table(gt_request_string(request, "TableName", operation));
	return_values = gt_api_return_values(request, operation, allowed,
										 lengthof(allowed));
	key = gt_api_request_jsonb(request, "Key");
	if (key == NULL)
		ereport(ERROR,
				(errdynamo(ValidationException, "%s request is missing required parameter \"%s\"",
						   operation, "Key")));
	expression = gt_request_get(request, "UpdateExpression");
	if (expression != NULL && expression->type != jbvString)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "parameter \"UpdateExpression\" of %s request must be a string",
						   operation)));
	return update(table, key,
				  expression ? pnstrdup(expression->val.string.val,
										expression->val.string.len) : NULL,
				  request, return_values);
}

/*
 * gt.update_item(table_name text, key jsonb, update_expression text,
 *				  expression_attribute_values jsonb DEFAULT NULL,
 *				  expression_attribute_names jsonb DEFAULT NULL)
 * RETURNS jsonb: the item as the update left it (ReturnValues ALL_NEW).
 */
PG_FUNCTION_INFO_V1(gt_update_item_short);
Datum
gt_update_item_short(PG_FUNCTION_ARGS)
{
	JsonbParseState *state = NULL;
	JsonbValue	k;
	JsonbValue	v;
	const char *fields[] = {"TableName", "Key", "UpdateExpression",
		"ExpressionAttributeValues", "ExpressionAttributeNames"};
	Jsonb	   *request;
	JsonbValue *attributes;

	/* The request form of the call, so that it is checked the same way. */
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < lengthof(fields); i++)
	{
		if (PG_ARGISNULL(i) && i >= 3)
			continue;
		k.type = jbvString;
		k.val.string.val = (char *) fields[i];
		k.val.string.len = strlen(fields[i]);
		pushJsonbValue(&state, WJB_KEY, &k);
		if (PG_ARGISNULL(i))
			v.type = jbvNull;
		else if (i == 0 || i == 2)
		{
			text	   *t = PG_GETARG_TEXT_PP(i);

			v.type = jbvString;
			v.val.string.val = VARDATA_ANY(t);
			v.val.string.len = VARSIZE_ANY_EXHDR(t);
		}
		else
		{
			Jsonb	   *j = PG_GETARG_JSONB_P(i);

			v.type = jbvBinary;
			v.val.binary.data = &j->root;
			v.val.binary.len = VARSIZE(j);
		}
		pushJsonbValue(&state, WJB_VALUE, &v);
	}
	k.type = jbvString;
	k.val.string.val = "ReturnValues";
	k.val.string.len = strlen("ReturnValues");
	pushJsonbValue(&state, WJB_KEY, &k);
	v.type = jbvString;
	v.val.string.val = "ALL_NEW";
	v.val.string.len = strlen("ALL_NEW");
	pushJsonbValue(&state, WJB_VALUE, &v);
	request = JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));

	attributes = gt_request_get(gt_api_call("UpdateItem", request), "Attributes");
	if (attributes == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(JsonbValueToJsonb(attributes));
}
