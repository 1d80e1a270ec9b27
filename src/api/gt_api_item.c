/*-------------------------------------------------------------------------
 *
 * gt_api_item.c
 *		The item operations PutItem, GetItem and DeleteItem, and their
 *		short SQL forms.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/api/gt_api_item.c
 *
 * NOTES
 *		A write validates the whole request and item first, so bad input
 *		changes nothing, then writes through the write primitive
 *		(write/gt_write.c) with a decider that puts the item, or with
 *		DeleteItem a tombstone holding only the key, stamped as a local
 *		write.  A delete writes its tombstone even if the item is not here:
 *		it may be in flight from another region, and the later delete must
 *		win there too.  With ReturnValues ALL_OLD the decider keeps the
 *		stored item, which it sees locked.  A read goes through
 *		write/gt_read.c, as the calling user.
 *
 *	  Privileges
 *		PutItem is an upsert and takes what one takes (INSERT and UPDATE).
 *		Deleting an item takes DELETE, whether by gt.delete_item() or by a
 *		plain SQL DELETE (conflict/gt_lww.c), and SELECT as well to return
 *		the old item.  The tombstone a delete leaves is bookkeeping, written
 *		as the table's owner, as a security-restricted operation, where no
 *		code of a user can run on that write: a table with only our
 *		triggers and without row-level security.  Elsewhere it is written
 *		as the caller, as the upsert it is, with the triggers and policies
 *		of the table applying to it, and the caller needs INSERT and UPDATE
 *		too: running a trigger that a role with TRIGGER attached with the
 *		owner's rights would hand it those rights.
 *
 *		The short forms gt.put_item(table, item) and gt.delete_item(table,
 *		key) pass their argument on instead of building a request around it
 *		and taking the item out again; with a NULL argument they build the
 *		request, so that the errors are the request form's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "gt/api.h"
#include "gt/error.h"
#include "gt/expr.h"
#include "gt/item.h"
#include "gt/read.h"
#include "gt/request.h"
#include "gt/table.h"
#include "gt/write.h"

/* What the put decider writes, and what it saw. */
typedef struct PutArg
{
	Jsonb	   *payload;		/* the item, or with deleting its key */
	bool		deleting;
	bool		want_old;
	Jsonb	   *old;			/* the live item it replaced, if want_old */
	GtApiCondition *condition;	/* ConditionExpression, or NULL */
} PutArg;

/*
 * gt_api_live_item returns a copy of the item of a stored version, or NULL
 * if there is none (no version, or a tombstone).
 */
Jsonb *
gt_api_live_item(const GtVersion *stored)
{
	Jsonb	   *item;
	Jsonb	   *copy;

	if (stored == NULL || stored->deleting)
		return NULL;
	item = gt_version_item(stored);
	copy = palloc(VARSIZE(item));
	memcpy(copy, item, VARSIZE(item));
	return copy;
}

/*
 * gt_api_check_condition raises ConditionalCheckFailedException unless the
 * condition (NULL: none) holds for item (NULL: no item).  Asked to, the
 * error carries the item in its DETAIL, as {"Item": {...}}.
 */
void
gt_api_check_condition(GtApiCondition *condition, Jsonb *item)
{
	if (condition == NULL || gt_expr_eval_condition(condition->expr, item))
		return;
	ereport(ERROR,
			(errdynamo(ConditionalCheckFailedException, "The conditional request failed"),
			 (condition->return_item && item != NULL) ?
			 errdetail("%s", JsonbToCString(NULL, &gt_api_wrap_result("Item", item)->root,
											VARSIZE(item))) : 0));
}

/*
 * decide_put is the decider of PutItem and DeleteItem: unless the condition
 * fails, write the payload, stamped as a local write, whatever is stored.
 */
static GtDecision
decide_put(const GtVersion *stored, GtVersion *next, void *arg)
{
	PutArg	   *put = arg;

	if (put->want_old || put->condition != NULL)
	{
		put->old = gt_api_live_item(stored);
		gt_api_check_condition(put->condition, put->old);
	}
	next->item = JsonbPGetDatum(put->payload);
	next->deleting = put->deleting;
	gt_write_stamp_local(stored, next);
	return GT_DECISION_WRITE;
}

/*
 * lookup_table returns the descriptor of global table name, ERRORing with
 * ResourceNotFoundException if this region has none, and as
 * gt_table_check_complete() does if its items cannot be read or written.
 */
GtTable *
gt_api_lookup_table(const char *name)
{
	GtTable    *table;

	gt_request_check_table_name(name);
	table = gt_table_by_name(name);
	if (table == NULL)
		gt_request_error_not_found(name);
	/* Its replica table dropped or altered behind the DDL guard's back. */
	gt_table_check_complete(table);
	return table;
}

/* Builds {"name": value}, or {} if value is NULL. */
Jsonb *
gt_api_wrap_result(const char *name, Jsonb *value)
{
	JsonbParseState *state = NULL;
	JsonbValue	k;
	JsonbValue	v;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	if (value != NULL)
	{
		k.type = jbvString;
		k.val.string.val = (char *) name;
		k.val.string.len = strlen(name);
		pushJsonbValue(&state, WJB_KEY, &k);
		v.type = jbvBinary;
		v.val.binary.data = &value->root;
		v.val.binary.len = VARSIZE(value);
		pushJsonbValue(&state, WJB_VALUE, &v);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/* Returns a request parameter as a Jsonb of its own, or NULL if absent. */
Jsonb *
gt_api_request_jsonb(Jsonb *request, const char *field)
{
	JsonbValue *v = gt_request_get(request, field);

	return v ? JsonbValueToJsonb(v) : NULL;
}

/*
 * gt_api_write writes the item whose key attributes key holds to table, as
 * decide decides, with the privileges a write takes (see NOTES): deleting
 * takes DELETE, reading (a condition, an update, old values) SELECT.
 */
void
gt_api_write(GtTable *table, Jsonb *key, bool deleting, bool reads,
			 GtDecider decide, void *arg)
{
	GtWriteTarget *target;
	bool		as_owner = false;
	Oid			save_userid;
	int			save_sec_context;
	AclMode		needed = (deleting ? ACL_DELETE : 0) | (reads ? ACL_SELECT : 0);

	if (needed != 0 &&
		pg_class_aclmask(table->relid, GetUserId(), needed, ACLMASK_ALL) != needed)
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, table->name);
	if (deleting)
	{
		const char *name = table->name;

		/*
		 * Decide on the triggers and policies as they are once the table is
		 * locked as the write will lock it: they cannot change until the
		 * transaction ends.
		 */
		LockRelationOid(table->relid, RowExclusiveLock);
		table = gt_table_by_relid(table->relid);
		if (table == NULL)
			gt_request_error_not_found(name);
		as_owner = table->only_our_triggers && table->plain_relation;
	}

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	if (as_owner)
		SetUserIdAndSecContext(table->owner,
							   save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
							   SECURITY_RESTRICTED_OPERATION);
	/* An error restores the user and context as the transaction aborts. */
	target = gt_write_open(table, GT_WRITE_LOCAL);
	if (target == NULL)
		gt_request_error_not_found(table->name);
	gt_write_item(target, key, false, decide, arg);
	gt_write_close(target);
	SetUserIdAndSecContext(save_userid, save_sec_context);
}

/*
 * write_version writes payload (an item, or with deleting a key) to table:
 * validates the payload first, so bad input changes nothing, then writes
 * with decide_put unless the condition fails.  Returns the response.
 */
static Jsonb *
write_version(GtTable *table, Jsonb *payload, bool deleting, bool all_old,
			  GtApiCondition *condition)
{
	PutArg		put = {payload, deleting, all_old, NULL, condition};

	if (deleting)
		gt_item_validate_key(payload, &table->keys);
	else
		gt_item_validate_item(payload, &table->keys);
	gt_api_write(table, payload, deleting, (deleting && all_old) || condition != NULL,
				 decide_put, &put);
	return gt_api_wrap_result("Attributes", all_old ? put.old : NULL);
}

/*
 * gt_api_return_values reads the request's ReturnValues: NONE unless given,
 * and one of allowed.
 */
const char *
gt_api_return_values(Jsonb *request, const char *operation,
					 const char *const *allowed, int nallowed)
{
	JsonbValue *rv = gt_request_get(request, "ReturnValues");
	char	   *value = rv ? gt_request_value_text(rv) : NULL;

	if (value == NULL)
		return "NONE";
	for (int i = 0; i < nallowed; i++)
		if (strcmp(value, allowed[i]) == 0)
			return allowed[i];
	ereport(ERROR,
			(errdynamo(ValidationException, "ReturnValues \"%s\" is not valid for %s",
					   value, operation),
			 errhint("Use %s.", nallowed == 2 ? "NONE or ALL_OLD" :
					 "NONE, ALL_OLD, UPDATED_OLD, ALL_NEW or UPDATED_NEW")));
	return NULL;				/* keep compiler quiet */
}

/*
 * gt_api_read_condition reads a request's ConditionExpression and
 * ReturnValuesOnConditionCheckFailure, in cxt; NULL if it has no condition.
 */
GtApiCondition *
gt_api_read_condition(Jsonb *request, GtExprContext *cxt)
{
	JsonbValue *text = gt_request_get(request, "ConditionExpression");
	JsonbValue *on_failure = gt_request_get(request, "ReturnValuesOnConditionCheckFailure");
	GtApiCondition *condition;
	char	   *mode = on_failure ? gt_request_value_text(on_failure) : NULL;

	if (mode != NULL && strcmp(mode, "NONE") != 0 && strcmp(mode, "ALL_OLD") != 0)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "ReturnValuesOnConditionCheckFailure \"%s\" is not valid", mode),
				 errhint("Use NONE or ALL_OLD.")));
	if (text == NULL || text->type == jbvNull)
		return NULL;
	if (text->type != jbvString)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "parameter \"ConditionExpression\" of %s request must be a string",
						   cxt->operation)));
	condition = palloc(sizeof(GtApiCondition));
	condition->expr = gt_expr_parse_condition(cxt, GT_EXPR_CONDITION,
											  pnstrdup(text->val.string.val,
													   text->val.string.len));
	condition->return_item = (mode != NULL && strcmp(mode, "ALL_OLD") == 0);
	return condition;
}

/*
 * write_request serves PutItem (field "Item") and DeleteItem (field "Key",
 * deleting): reads the request, then writes with write_version.
 */
static Jsonb *
write_request(Jsonb *request, const char *operation, const char *field,
			  bool deleting)
{
	static const char *const allowed[] = {"NONE", "ALL_OLD"};
	GtTable    *table;
	bool		all_old;
	Jsonb	   *payload;
	GtExprContext cxt;
	GtApiCondition *condition;

	table = gt_api_lookup_table(gt_request_string(request, "TableName", operation));
	all_old = strcmp(gt_api_return_values(request, operation, allowed, 2),
					 "ALL_OLD") == 0;
	payload = gt_api_request_jsonb(request, field);
	if (payload == NULL)
		ereport(ERROR,
				(errdynamo(ValidationException, "%s request is missing required parameter \"%s\"",
						   operation, field)));
	gt_expr_context_init(&cxt, operation,
						 gt_request_get(request, "ExpressionAttributeNames"),
						 gt_request_get(request, "ExpressionAttributeValues"));
	condition = gt_api_read_condition(request, &cxt);
	gt_expr_context_finish(&cxt);
	return write_version(table, payload, deleting, all_old, condition);
}

/* PutItem */
Jsonb *
gt_api_put_item(Jsonb *request)
{
	return write_request(request, "PutItem", "Item", false);
}

/* DeleteItem */
Jsonb *
gt_api_delete_item(Jsonb *request)
{
	return write_request(request, "DeleteItem", "Key", true);
}

/* GetItem */
Jsonb *
gt_api_get_item(Jsonb *request)
{
	const char *operation = "GetItem";
	GtTable    *table;
	Jsonb	   *key;
	Jsonb	   *item;
	JsonbValue *consistent;
	JsonbValue *projection;
	List	   *paths = NIL;
	GtExprContext cxt;

	table = gt_api_lookup_table(gt_request_string(request, "TableName", operation));
	key = gt_api_request_jsonb(request, "Key");
	if (key == NULL)
		ereport(ERROR,
				(errdynamo(ValidationException, "%s request is missing required parameter \"%s\"",
						operation, "Key")));
	consistent = gt_request_get(request, "ConsistentRead");
	if (consistent != NULL && consistent->type != jbvBool)
		ereport(ERROR,
				(errdynamo(ValidationException, "ConsistentRead must be a boolean")));
	gt_item_validate_key(key, &table->keys);
	gt_expr_context_init(&cxt, operation,
						 gt_request_get(request, "ExpressionAttributeNames"), NULL);
	projection = gt_request_get(request, "ProjectionExpression");
	if (projection != NULL && projection->type != jbvString)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "parameter \"ProjectionExpression\" of %s request must be a string",
						   operation)));
	if (projection != NULL)
		paths = gt_expr_parse_projection(&cxt, pnstrdup(projection->val.string.val,
														projection->val.string.len));
	gt_expr_context_finish(&cxt);
	item = gt_read_item(table, key);
	if (item != NULL && paths != NIL)
		item = gt_expr_project(item, paths);
	return gt_api_wrap_result("Item", item);
}

/*
 * short_request builds {"TableName": table, field: value} for the short
 * forms, with JSON nulls for SQL NULLs, so they are checked like requests.
 */
static Jsonb *
short_request(FunctionCallInfo fcinfo, const char *field)
{
	JsonbParseState *state = NULL;
	JsonbValue	k;
	JsonbValue	v;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = "TableName";
	k.val.string.len = strlen("TableName");
	pushJsonbValue(&state, WJB_KEY, &k);
	if (PG_ARGISNULL(0))
		v.type = jbvNull;
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		v.type = jbvString;
		v.val.string.val = VARDATA_ANY(t);
		v.val.string.len = VARSIZE_ANY_EXHDR(t);
	}
	pushJsonbValue(&state, WJB_VALUE, &v);
	k.val.string.val = (char *) field;
	k.val.string.len = strlen(field);
	pushJsonbValue(&state, WJB_KEY, &k);
	if (PG_ARGISNULL(1))
		v.type = jbvNull;
	else
	{
		Jsonb	   *j = PG_GETARG_JSONB_P(1);

		v.type = jbvBinary;
		v.val.binary.data = &j->root;
		v.val.binary.len = VARSIZE(j);
	}
	pushJsonbValue(&state, WJB_VALUE, &v);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * short_write serves the short forms of PutItem and DeleteItem (see NOTES).
 */
static Jsonb *
short_write(FunctionCallInfo fcinfo, const char *operation, const char *field,
			bool deleting)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return gt_api_call(operation, short_request(fcinfo, field));
	return write_version(gt_api_lookup_table(text_to_cstring(PG_GETARG_TEXT_PP(0))),
						 PG_GETARG_JSONB_P(1), deleting, false, NULL);
}

/* gt.put_item(table_name text, item jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_put_item_short);
Datum
gt_put_item_short(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(short_write(fcinfo, "PutItem", "Item", false));
}

/* gt.delete_item(table_name text, key jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_delete_item_short);
Datum
gt_delete_item_short(PG_FUNCTION_ARGS)
{
	PG_RETURN_JSONB_P(short_write(fcinfo, "DeleteItem", "Key", true));
}

/* gt.get_item(table_name text, key jsonb) RETURNS jsonb: the item, or NULL */
PG_FUNCTION_INFO_V1(gt_get_item_short);
Datum
gt_get_item_short(PG_FUNCTION_ARGS)
{
	Jsonb	   *result = gt_api_call("GetItem", short_request(fcinfo, "Key"));
	JsonbValue *item = gt_request_get(result, "Item");

	if (item == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(JsonbValueToJsonb(item));
}
