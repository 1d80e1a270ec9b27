/*-------------------------------------------------------------------------
 *
 * gt_api_query.c
 *		Query and Scan: reading pages of items in key order, with
 *		DynamoDB's Limit, ExclusiveStartKey, FilterExpression,
 *		ProjectionExpression and Select.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/api/gt_api_query.c
 *
 * NOTES
 *		A Query is one index range scan of the replica table's primary key:
 *		the hash key's value, the range key's bounds from the key condition,
 *		and ExclusiveStartKey become the WHERE clause, ScanIndexForward the
 *		ORDER BY, so PostgreSQL reads exactly the items in the range, in
 *		DynamoDB's order (N as numeric, S as text in the "C" collation, B as
 *		bytea: numerically and bytewise).  A Scan reads the table in primary
 *		key order; Segment and TotalSegments split it by a hash of the hash
 *		key, into disjoint segments that together hold every item.  The
 *		statement runs through SPI as the caller, so the caller's SELECT
 *		privilege and the table's row-level security apply, and reads
 *		tombstones never.
 *
 *		As in DynamoDB, Limit counts the items read before the filter
 *		(ScannedCount), a page ends at Limit items or after 1 MB of items,
 *		and LastEvaluatedKey is the key of the last item read when the page
 *		ended before the range did.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "gt/api.h"
#include "gt/error.h"
#include "gt/expr.h"
#include "gt/gt.h"
#include "gt/item.h"
#include "gt/request.h"

#define PAGE_MAX_BYTES		(1024 * 1024)	/* DynamoDB's 1 MB page */
#define FETCH_BATCH			100

/* What a Query or Scan reads, and how it answers. */
typedef struct ReadPlan
{
	GtTable    *table;
	StringInfoData sql;
	int			nargs;
	Oid			types[8];
	Datum		values[8];
	int			limit;			/* 0: none */
	GtExpr	   *filter;
	List	   *projection;		/* of GtPath *, or NIL */
	bool		count_only;		/* Select COUNT */
	JsonbValue *prefix;			/* begins_with on the range key, or NULL */
	bool		forward;
} ReadPlan;

static void
add_arg(ReadPlan *plan, Oid type, Datum value)
{
	Assert(plan->nargs < lengthof(plan->values));
	plan->types[plan->nargs] = type;
	plan->values[plan->nargs] = value;
	plan->nargs++;
}

/* The key column value an AttributeValue holds, for a key of type type. */
static Datum
key_value(JsonbValue *value, const char *attname, char type)
{
	JsonbParseState *state = NULL;
	JsonbValue	k;
	Jsonb	   *item;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = (char *) attname;
	k.val.string.len = strlen(attname);
	pushJsonbValue(&state, WJB_KEY, &k);
	pushJsonbValue(&state, WJB_VALUE, value);
	item = JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	return gt_item_key_datum(item, attname, type);
}

/* Does item's range key begin with the prefix (S or B)? */
static bool
has_prefix(ReadPlan *plan, Jsonb *item)
{
	const char *range = plan->table->keys.range_name;

	return gt_expr_begins_with(getKeyJsonValueFromContainer(&item->root, range,
															strlen(range), NULL),
							   plan->prefix);
}

/*
 * read_page runs the plan's statement and reads one page: returns the
 * response {"Items", "Count", "ScannedCount", "LastEvaluatedKey"}.
 */
static Jsonb *
read_page(ReadPlan *plan)
{
	MemoryContext caller = CurrentMemoryContext;
	List	   *items = NIL;
	Jsonb	   *last = NULL;
	int			scanned = 0;
	int			count = 0;
	Size		bytes = 0;
	bool		more = false;
	bool		done = false;
	bool		seen_prefix = false;
	Portal		portal;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	portal = SPI_cursor_open(NULL, gt_table_read_plan(plan->table, plan->sql.data,
													  plan->nargs, plan->types),
							 plan->values, NULL, true);
	while (!done)
	{
		SPI_cursor_fetch(portal, true, FETCH_BATCH);
		if (SPI_processed == 0)
			break;
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			bool		isnull;	/* the item column is NOT NULL */
			Datum		d = SPI_getbinval(SPI_tuptable->vals[i],
										  SPI_tuptable->tupdesc, 1, &isnull);
			Jsonb	   *item;
			MemoryContext old;

			/* A page already full: there is more. */
			if ((plan->limit > 0 && scanned >= plan->limit) ||
				bytes >= PAGE_MAX_BYTES)
			{
				more = true;
				done = true;
				break;
			}
			old = MemoryContextSwitchTo(caller);
			item = DatumGetJsonbPCopy(d);
			if (plan->prefix != NULL && !has_prefix(plan, item))
			{
				MemoryContextSwitchTo(old);
				/* Past the prefix in key order; before it going backward. */
				if (plan->forward || seen_prefix)
				{
					done = true;
					break;
				}
				continue;
			}
			seen_prefix = true;
			scanned++;
			/* Stored bytes: what DynamoDB's 1 MB counts, give or take. */
			bytes += VARSIZE(item);
			last = item;
			if (plan->filter == NULL || gt_expr_eval_condition(plan->filter, item))
			{
				count++;
				if (!plan->count_only)
					items = lappend(items, plan->projection != NIL ?
									gt_expr_project(item, plan->projection) : item);
			}
			MemoryContextSwitchTo(old);
		}
	}
	SPI_cursor_close(portal);
	SPI_finish();
	return gt_api_page(!plan->count_only, items, count, scanned,
					   (more && last != NULL) ?
					   gt_item_key_only(last, &plan->table->keys) : NULL);
}

/* An integer parameter, or def if absent; ERRORs outside [min, max]. */
static int
int_param(Jsonb *request, const char *field, int def, int min, int max)
{
	JsonbValue *v = gt_request_get(request, field);
	char	   *text;
	char	   *end;
	long		n;

	if (v == NULL)
		return def;
	text = gt_request_value_text(v);
	n = (v->type == jbvNumeric && text != NULL) ? strtol(text, &end, 10) : 0;
	if (v->type != jbvNumeric || text == NULL || *end != '\0' || n < min || n > max)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "1 validation error detected: Value '%s' at '%c%s' failed to satisfy constraint: Member must have value between %d and %d",
						   text ? text : "null", pg_ascii_tolower(field[0]), field + 1, min, max)));
	return (int) n;
}

static char *
string_param(Jsonb *request, const char *field, const char *operation)
{
	JsonbValue *v = gt_request_get(request, field);

	if (v == NULL || v->type == jbvNull)
		return NULL;
	if (v->type != jbvString)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "parameter \"%s\" of %s request must be a string",
						   field, operation)));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * The parameters Query and Scan share: what to return (Select,
 * ProjectionExpression), FilterExpression, Limit; IndexName is refused as
 * DynamoDB refuses an index the table does not have.
 */
static void
read_common(ReadPlan *plan, Jsonb *request, const char *operation,
			GtExprContext *cxt)
{
	char	   *select = string_param(request, "Select", operation);
	char	   *projection = string_param(request, "ProjectionExpression", operation);
	char	   *filter = string_param(request, "FilterExpression", operation);
	char	   *index = string_param(request, "IndexName", operation);
	JsonbValue *consistent = gt_request_get(request, "ConsistentRead");

	if (index != NULL)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "The table does not have the specified index: %s", index),
				 errhint("Secondary indexes are not supported yet.")));
	if (consistent != NULL && consistent->type != jbvBool)
		ereport(ERROR,
				(errdynamo(ValidationException, "ConsistentRead must be a boolean")));
	if (select != NULL &&
		strcmp(select, "ALL_ATTRIBUTES") != 0 && strcmp(select, "COUNT") != 0 &&
		strcmp(select, "SPECIFIC_ATTRIBUTES") != 0 &&
		strcmp(select, "ALL_PROJECTED_ATTRIBUTES") != 0)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "1 validation error detected: Value '%s' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
						   select)));
	if (select != NULL && strcmp(select, "ALL_PROJECTED_ATTRIBUTES") == 0)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")));
	if (select != NULL && projection != NULL && strcmp(select, "SPECIFIC_ATTRIBUTES") != 0)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "Cannot specify the ProjectionExpression when choosing to get %s", select)));
	if (select != NULL && projection == NULL && strcmp(select, "SPECIFIC_ATTRIBUTES") == 0)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "Must specify the ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")));
	plan->count_only = select != NULL && strcmp(select, "COUNT") == 0;
	if (projection != NULL)
		plan->projection = gt_expr_parse_projection(cxt, projection);
	if (filter != NULL)
		plan->filter = gt_expr_parse_condition(cxt, GT_EXPR_FILTER, filter);
	plan->limit = int_param(request, "Limit", 0, 1, INT_MAX);
}

/* The ExclusiveStartKey of the request, validated as a key; NULL if none. */
static Jsonb *
start_key(ReadPlan *plan, Jsonb *request)
{
	Jsonb	   *key = gt_api_request_jsonb(request, "ExclusiveStartKey");

	if (key == NULL)
		return NULL;
	gt_item_validate_key(key, &plan->table->keys);
	return key;
}

static void
invalid_key_condition(const char *fmt, const char *arg)
{
	ereport(ERROR,
			(errdynamo(ValidationException, "%s%s", fmt, arg ? arg : "")));
}

/* The name of the key attribute a key condition operand is, or NULL. */
static const char *
key_attribute(ReadPlan *plan, GtExpr *operand)
{
	GtPath	   *path;

	if (operand->kind != GT_EXPR_PATH)
		return NULL;
	path = operand->path;
	if (path->nelems > 1)
		invalid_key_condition("KeyConditionExpressions cannot have conditions on nested attributes", NULL);
	if (strcmp(path->elems[0].name, plan->table->keys.hash_name) == 0)
		return plan->table->keys.hash_name;
	if (plan->table->keys.range_name != NULL &&
		strcmp(path->elems[0].name, plan->table->keys.range_name) == 0)
		return plan->table->keys.range_name;
	invalid_key_condition("Query condition missed key schema element", NULL);
	return NULL;
}

/* A value of a key condition, of the key attribute's type. */
static Datum
key_operand(ReadPlan *plan, GtExpr *operand, const char *attname, char type)
{
	JsonbValue	inner;
	GtAttrType	t;

	if (operand->kind != GT_EXPR_VALUE)
		invalid_key_condition("Invalid KeyConditionExpression: Only one side of a key condition may name an attribute; it is compared with an expression attribute value", NULL);
	t = gt_attr_type_of(operand->value, &inner);
	if (strcmp(gt_attr_type_name(t), (char[]) {type, '\0'}) != 0)
		invalid_key_condition("One or more parameter values were invalid: Condition parameter type does not match schema type", NULL);
	return key_value(operand->value, attname, type);
}

static const char *
sql_operator(GtCompareOp op)
{
	switch (op)
	{
		case GT_CMP_EQ:
			return "OPERATOR(pg_catalog.=)";
		case GT_CMP_LT:
			return "OPERATOR(pg_catalog.<)";
		case GT_CMP_LE:
			return "OPERATOR(pg_catalog.<=)";
		case GT_CMP_GT:
			return "OPERATOR(pg_catalog.>)";
		case GT_CMP_GE:
			return "OPERATOR(pg_catalog.>=)";
		default:
			invalid_key_condition("Invalid operator used in KeyConditionExpression: <>", NULL);
	}
	return NULL;
}

static GtCompareOp
flipped(GtCompareOp op)
{
	switch (op)
	{
		case GT_CMP_LT:
			return GT_CMP_GT;
		case GT_CMP_LE:
			return GT_CMP_GE;
		case GT_CMP_GT:
			return GT_CMP_LT;
		case GT_CMP_GE:
			return GT_CMP_LE;
		default:
			return op;
	}
}

/*
 * Adds one condition of a key condition expression to the WHERE clause;
 * *has_hash and *has_range say which keys were constrained.
 */
static void
key_part(ReadPlan *plan, GtExpr *part, bool *has_hash, bool *has_range)
{
	const GtKeySchema *ks = &plan->table->keys;
	GtExpr	   *attr = NULL;	/* the operand naming the key attribute */
	GtExpr	   *value = NULL;	/* its (first) value */
	GtCompareOp op = GT_CMP_EQ;
	const char *att;
	char		type;
	bool	   *seen;

	switch (part->kind)
	{
		case GT_EXPR_COMPARE:
			/* Either side may name the attribute: :v < a is a > :v. */
			attr = linitial(part->args);
			value = lsecond(part->args);
			op = part->op;
			if (attr->kind != GT_EXPR_PATH)
			{
				attr = lsecond(part->args);
				value = linitial(part->args);
				op = flipped(op);
			}
			break;
		case GT_EXPR_BETWEEN:
		case GT_EXPR_FUNCTION:
			if (part->kind == GT_EXPR_FUNCTION && part->fn != GT_FN_BEGINS_WITH)
				invalid_key_condition("Invalid operator used in KeyConditionExpression: ",
									  part->fn == GT_FN_ATTRIBUTE_EXISTS ? "attribute_exists" :
									  part->fn == GT_FN_ATTRIBUTE_NOT_EXISTS ? "attribute_not_exists" :
									  part->fn == GT_FN_CONTAINS ? "contains" : "attribute_type");
			attr = linitial(part->args);
			value = lsecond(part->args);
			break;
		case GT_EXPR_OR:
			invalid_key_condition("Invalid operator used in KeyConditionExpression: OR", NULL);
			break;
		case GT_EXPR_NOT:
			invalid_key_condition("Invalid operator used in KeyConditionExpression: NOT", NULL);
			break;
		case GT_EXPR_IN:
			invalid_key_condition("Invalid operator used in KeyConditionExpression: IN", NULL);
			break;
		default:
			invalid_key_condition("KeyConditionExpressions must only contain one condition per key", NULL);
			break;
	}
	att = key_attribute(plan, attr);
	seen = (att == ks->hash_name) ? has_hash : has_range;
	if (*seen)
		invalid_key_condition("KeyConditionExpressions must only contain one condition per key", NULL);
	*seen = true;
	type = (att == ks->hash_name) ? ks->hash_type : ks->range_type;
	if (att == ks->hash_name &&
		!(part->kind == GT_EXPR_COMPARE && part->op == GT_CMP_EQ))
		invalid_key_condition("Query key condition not supported", NULL);
	if (part->kind == GT_EXPR_FUNCTION && type == 'N')
		invalid_key_condition("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N", NULL);

	add_arg(plan, gt_item_key_type(type), key_operand(plan, value, att, type));
	switch (part->kind)
	{
		case GT_EXPR_COMPARE:
			appendStringInfo(&plan->sql, " AND %s %s $%d", quote_identifier(att),
							 sql_operator(op), plan->nargs);
			break;
		case GT_EXPR_BETWEEN:
			add_arg(plan, gt_item_key_type(type), key_operand(plan, lthird(part->args), att, type));
			appendStringInfo(&plan->sql,
							 " AND %s OPERATOR(pg_catalog.>=) $%d AND %s OPERATOR(pg_catalog.<=) $%d",
							 quote_identifier(att), plan->nargs - 1,
							 quote_identifier(att), plan->nargs);
			break;
		default:
			/* begins_with: where the prefix's items begin; reading stops past them. */
			plan->prefix = value->value;
			if (plan->forward)
				appendStringInfo(&plan->sql, " AND %s OPERATOR(pg_catalog.>=) $%d",
								 quote_identifier(att), plan->nargs);
			break;
	}
}

/*
 * start_read begins a Query or Scan: the table, the request's placeholders
 * and the parameters both share, parsed in cxt (which the caller finishes),
 * and the start of the statement.
 */
static void
start_read(ReadPlan *plan, Jsonb *request, const char *operation,
		   GtExprContext *cxt)
{
	plan->table = gt_api_lookup_table(gt_request_string(request, "TableName", operation));
	gt_expr_context_init(cxt, operation,
						 gt_request_get(request, "ExpressionAttributeNames"),
						 gt_request_get(request, "ExpressionAttributeValues"));
	initStringInfo(&plan->sql);
	appendStringInfo(&plan->sql, "SELECT %s FROM %s WHERE NOT %s", GT_COL_ITEM,
					 plan->table->qualified_name, GT_COL_DELETING);
}

/* Query */
Jsonb *
gt_api_query(Jsonb *request)
{
	const char *operation = "Query";
	ReadPlan	plan = {0};
	GtExprContext cxt;
	GtExpr	   *cond;
	char	   *text;
	JsonbValue *forward;
	Jsonb	   *start;
	bool		has_hash = false;
	bool		has_range = false;
	const GtKeySchema *ks;

	start_read(&plan, request, operation, &cxt);
	ks = &plan.table->keys;
	forward = gt_request_get(request, "ScanIndexForward");
	if (forward != NULL && forward->type != jbvBool)
		ereport(ERROR,
				(errdynamo(ValidationException, "ScanIndexForward must be a boolean")));
	plan.forward = forward == NULL || forward->val.boolean;
	text = string_param(request, "KeyConditionExpression", operation);
	if (text == NULL)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")));
	cond = gt_expr_parse_condition(&cxt, GT_EXPR_KEY_CONDITION, text);
	read_common(&plan, request, operation, &cxt);
	gt_expr_context_finish(&cxt);
	start = start_key(&plan, request);

	if (cond->kind == GT_EXPR_AND)
	{
		key_part(&plan, linitial(cond->args), &has_hash, &has_range);
		key_part(&plan, lsecond(cond->args), &has_hash, &has_range);
	}
	else
		key_part(&plan, cond, &has_hash, &has_range);
	if (!has_hash)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "Query condition missed key schema element: %s", ks->hash_name)));
	if (start != NULL)
	{
		/* It must lie in the queried partition. */
		Datum		hv = gt_item_key_datum(start, ks->hash_name, ks->hash_type);

		add_arg(&plan, gt_item_key_type(ks->hash_type), hv);
		appendStringInfo(&plan.sql, " AND %s OPERATOR(pg_catalog.=) $%d",
						 quote_identifier(ks->hash_name), plan.nargs);
		if (ks->range_name != NULL)
		{
			add_arg(&plan, gt_item_key_type(ks->range_type),
					gt_item_key_datum(start, ks->range_name, ks->range_type));
			appendStringInfo(&plan.sql, " AND %s %s $%d", quote_identifier(ks->range_name),
							 plan.forward ? "OPERATOR(pg_catalog.>)" : "OPERATOR(pg_catalog.<)",
							 plan.nargs);
		}
		else
			appendStringInfoString(&plan.sql, " AND false");
	}
	if (ks->range_name != NULL)
		appendStringInfo(&plan.sql, " ORDER BY %s %s", quote_identifier(ks->range_name),
						 plan.forward ? "ASC" : "DESC");
	return read_page(&plan);
}

/* Scan */
Jsonb *
gt_api_scan(Jsonb *request)
{
	const char *operation = "Scan";
	ReadPlan	plan = {0};
	GtExprContext cxt;
	Jsonb	   *start;
	const GtKeySchema *ks;
	JsonbValue *segment = NULL;
	JsonbValue *total = NULL;

	start_read(&plan, request, operation, &cxt);
	ks = &plan.table->keys;
	plan.forward = true;
	read_common(&plan, request, operation, &cxt);
	gt_expr_context_finish(&cxt);
	start = start_key(&plan, request);

	segment = gt_request_get(request, "Segment");
	total = gt_request_get(request, "TotalSegments");
	if ((segment == NULL) != (total == NULL))
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "The %s parameter is required but was not present in the request when %s parameter is present",
						   segment ? "TotalSegments" : "Segment", segment ? "Segment" : "TotalSegments")));
	if (segment != NULL)
	{
		int			n = int_param(request, "TotalSegments", 1, 1, 1000000);
		int			s = int_param(request, "Segment", 0, 0, 999999);

		if (s >= n)
			ereport(ERROR,
					(errdynamo(ValidationException,
							   "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d",
							   s, n)));
		/* A segment: the items whose hash key hashes to it. */
		add_arg(&plan, INT8OID, Int64GetDatum(n));
		add_arg(&plan, INT8OID, Int64GetDatum(s));
		appendStringInfo(&plan.sql,
						 " AND (pg_catalog.hashtextextended(%s::pg_catalog.text, 0) OPERATOR(pg_catalog.&) 9223372036854775807)"
						 " OPERATOR(pg_catalog.%%) $%d OPERATOR(pg_catalog.=) $%d",
						 quote_identifier(ks->hash_name), plan.nargs - 1, plan.nargs);
	}
	if (start != NULL)
	{
		add_arg(&plan, gt_item_key_type(ks->hash_type),
				gt_item_key_datum(start, ks->hash_name, ks->hash_type));
		if (ks->range_name == NULL)
			appendStringInfo(&plan.sql, " AND %s OPERATOR(pg_catalog.>) $%d",
							 quote_identifier(ks->hash_name), plan.nargs);
		else
		{
			add_arg(&plan, gt_item_key_type(ks->range_type),
					gt_item_key_datum(start, ks->range_name, ks->range_type));
			appendStringInfo(&plan.sql,
							 " AND %s OPERATOR(pg_catalog.>=) $%d AND (%s OPERATOR(pg_catalog.>) $%d OR %s OPERATOR(pg_catalog.>) $%d)",
							 quote_identifier(ks->hash_name), plan.nargs - 1,
							 quote_identifier(ks->hash_name), plan.nargs - 1,
							 quote_identifier(ks->range_name), plan.nargs);
		}
	}
	appendStringInfo(&plan.sql, " ORDER BY %s", quote_identifier(ks->hash_name));
	if (ks->range_name != NULL)
		appendStringInfo(&plan.sql, ", %s", quote_identifier(ks->range_name));
	return read_page(&plan);
}
