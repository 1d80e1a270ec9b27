/*-------------------------------------------------------------------------
 *
 * gt_request.c
 *		Reading DynamoDB request JSON: the checks every operation makes on
 *		its parameters, with the error messages users see.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/api/gt_request.c
 *
 * NOTES
 *		The item API (gt_api_item.c) calls these directly; the table
 *		management functions, written in PL/pgSQL, call them through the
 *		gt._check_request(), gt._request_string(), gt._check_table_name() and
 *		gt._error_not_found() wrappers, so every operation reports a bad
 *		request in the same words.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "gt/error.h"
#include "gt/gt.h"
#include "gt/region.h"
#include "gt/request.h"

/*
 * gt_request_check ERRORs unless request is a JSON object whose keys are all
 * among allowed.
 */
void
gt_request_check(Jsonb *request, const char *operation,
				 const char *const *allowed, int nallowed)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (request == NULL || !JB_ROOT_IS_OBJECT(request))
		ereport(ERROR,
				(errdynamo(ValidationException, "%s request must be a JSON object", operation)));

	it = JsonbIteratorInit(&request->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		bool		known = false;
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		for (int i = 0; i < nallowed && !known; i++)
			known = (strcmp(key, allowed[i]) == 0);
		if (!known)
		{
			StringInfoData list;

			initStringInfo(&list);
			for (int i = 0; i < nallowed; i++)
				appendStringInfo(&list, "%s%s", i > 0 ? ", " : "", allowed[i]);
			ereport(ERROR,
					(errdynamo(ValidationException, "unrecognized parameter \"%s\" in %s request", key, operation),
					 errhint("Known parameters are: %s.", list.data)));
		}
	}
}

/*
 * gt_request_get returns the value of a top-level parameter, or NULL if the
 * request does not have it (or is not an object: jsonb's key look-up reads
 * any other container as if it were one, past its end).  A JSON null is
 * returned as a jbvNull value.
 */
JsonbValue *
gt_request_get(Jsonb *request, const char *field)
{
	if (!JB_ROOT_IS_OBJECT(request))
		return NULL;
	return getKeyJsonValueFromContainer(&request->root, field, strlen(field),
										NULL);
}

/*
 * gt_request_string returns a required string parameter, palloc'd; ERRORs if
 * it is missing or not a string.
 */
char *
gt_request_string(Jsonb *request, const char *field, const char *operation)
{
	JsonbValue *v;

	if (!JB_ROOT_IS_OBJECT(request))
		ereport(ERROR,
				(errdynamo(ValidationException, "%s request must be a JSON object", operation)));
	v = gt_request_get(request, field);

	if (v == NULL)
		ereport(ERROR,
				(errdynamo(ValidationException, "%s request is missing required parameter \"%s\"",
						operation, field)));
	if (v->type != jbvString)
		ereport(ERROR,
				(errdynamo(ValidationException, "parameter \"%s\" of %s request must be a string",
						field, operation)));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * gt_request_value_text returns a parameter value as text, as jsonb's ->>
 * operator does (strings unquoted, anything else as JSON), or NULL for null.
 */
char *
gt_request_value_text(JsonbValue *value)
{
	switch (value->type)
	{
		case jbvNull:
			return NULL;
		case jbvString:
			return pnstrdup(value->val.string.val, value->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(value->val.numeric)));
		case jbvBool:
			return pstrdup(value->val.boolean ? "true" : "false");
		default:
			return JsonbToCString(NULL, value->val.binary.data,
								  value->val.binary.len);
	}
}

/*
 * gt_request_check_table_name ERRORs unless name is a valid DynamoDB table
 * name: 3 to 255 characters of [a-zA-Z0-9_.-].
 */
void
gt_request_check_table_name(const char *name)
{
	size_t		len = name ? strlen(name) : 0;
	bool		valid = (len >= 3 && len <= 255);

	for (size_t i = 0; valid && i < len; i++)
	{
		char		c = name[i];

		valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
	}
	if (!valid)
		ereport(ERROR,
				(errdynamo(ValidationException, "invalid table name \"%s\"", name ? name : "<NULL>"),
				 errdetail("Table names are 3 to 255 characters of letters, digits, \"_\", \"-\" and \".\".")));
}

/*
 * gt_request_error_not_found raises DynamoDB's ResourceNotFoundException for
 * a table of this region.
 */
void
gt_request_error_not_found(const char *table_name)
{
	ereport(ERROR,
			(errdynamo(ResourceNotFoundException,
					   "Requested resource not found: Table: %s not found",
					   table_name),
			 errdetail("Table \"%s\" does not exist in region \"%s\".",
					   table_name, gt_region_local())));
	pg_unreachable();
}

/*
 * gt._check_request(request jsonb, operation text, allowed text[]) RETURNS void
 */
PG_FUNCTION_INFO_V1(gt_check_request_sql);
Datum
gt_check_request_sql(PG_FUNCTION_ARGS)
{
	Jsonb	   *request = PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0);
	char	   *operation;
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	const char **allowed;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("operation and allowed parameters must not be null")));
	operation = text_to_cstring(PG_GETARG_TEXT_PP(1));
	arr = PG_GETARG_ARRAYTYPE_P(2);
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	allowed = palloc(sizeof(char *) * Max(n, 1));
	for (int i = 0; i < n; i++)
		allowed[i] = nulls[i] ? "" : TextDatumGetCString(elems[i]);
	gt_request_check(request, operation, allowed, n);
	PG_RETURN_VOID();
}

/*
 * gt._request_string(request jsonb, field text, operation text) RETURNS text
 */
PG_FUNCTION_INFO_V1(gt_request_string_sql);
Datum
gt_request_string_sql(PG_FUNCTION_ARGS)
{
	Jsonb	   *request = PG_GETARG_JSONB_P(0);
	char	   *field = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *operation = text_to_cstring(PG_GETARG_TEXT_PP(2));

	PG_RETURN_TEXT_P(cstring_to_text(gt_request_string(request, field, operation)));
}

/*
 * gt._check_table_name(name text) RETURNS void
 */
PG_FUNCTION_INFO_V1(gt_check_table_name_sql);
Datum
gt_check_table_name_sql(PG_FUNCTION_ARGS)
{
	gt_request_check_table_name(PG_ARGISNULL(0) ? NULL :
								text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_VOID();
}

/*
 * gt._error_not_found(table_name text) RETURNS void
 */
PG_FUNCTION_INFO_V1(gt_error_not_found_sql);
Datum
gt_error_not_found_sql(PG_FUNCTION_ARGS)
{
	gt_request_error_not_found(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_VOID();
}
