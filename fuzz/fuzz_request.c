/*-------------------------------------------------------------------------
 *
 * fuzz_request.c
 *		libFuzzer target for the SQL entry points of the request checks,
 *		src/api/gt_request.c.
 *
 * Why this file exists: every operation's request JSON goes through
 * gt_request.c before anything is read or written, and the table
 * management functions reach it from SQL through gt._check_request(),
 * gt._request_string() and gt._check_table_name(), which any role could
 * once call with a NULL or a wrong argument (gt._check_request crashed the
 * server on a NULL operation, issue 12).  This target calls those SQL entry
 * points the way the executor does, through the function-call interface,
 * with every combination of NULL arguments their SQL declarations let
 * through (a STRICT function is never called with a NULL), and checks that
 * they only ever accept or reject with a user-facing SQLSTATE, and that
 * what they accept is what they promise.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		fuzz/fuzz_request.c
 *
 * NOTES
 *
 * INPUT
 *
 * A first byte of flags, then four parts separated by newlines:
 *
 *	  <flags>operation\nallowed,names\ntable name or field\n{"json": ...}
 *
 * Flag bits 0 to 3 make the request, the operation, the allowed list and
 * the name NULL; bit 4 puts a NULL element in the allowed list.  The text
 * parts must be valid UTF-8 without NUL bytes, because the server verifies
 * client text before a function sees it; other inputs are rejected with -1
 * so that libFuzzer does not keep them.
 *
 * CHECKS
 *
 * Beyond crashes and sanitizer reports, the entry points raise only YD000
 * (ValidationException: a bad request) and 22004 (a NULL where none is allowed), and:
 *	- gt._check_request accepts only an object whose every key is in the
 *	  allowed list (a NULL element allowing the empty name);
 *	- gt._request_string accepts only a request whose field is a string,
 *	  and returns exactly that string;
 *	- gt._check_table_name accepts exactly DynamoDB's table names: 3 to
 *	  255 characters of letters, digits, "_", "-" and ".";
 *	- gt_request_value_text renders every top-level value without error,
 *	  and returns NULL exactly for a JSON null.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "gt_fuzz.h"
#include "gt/request.h"

#define FLAG_NULL_REQUEST		0x01
#define FLAG_NULL_OPERATION		0x02
#define FLAG_NULL_ALLOWED		0x04
#define FLAG_NULL_NAME			0x08
#define FLAG_NULL_ELEMENT		0x10

/* The SQL entry points under test (src/api/gt_request.c). */
extern Datum gt_check_request_sql(PG_FUNCTION_ARGS);
extern Datum gt_request_string_sql(PG_FUNCTION_ARGS);
extern Datum gt_check_table_name_sql(PG_FUNCTION_ARGS);

typedef struct RequestCase
{
	int			flags;
	char	   *operation;
	char	   *allowed_list;	/* comma-separated */
	char	   *name;
	Jsonb	   *request;		/* NULL if jsonb_in rejected the JSON */
	/* results */
	text	   *string_result;
} RequestCase;

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *take_part(const char **p, const char *end, bool last);
static ArrayType *allowed_array(RequestCase *c, char ***names, int *n);
static Datum call3(PGFunction fn, Datum a0, bool n0, Datum a1, bool n1,
				   Datum a2, bool n2);
static void check_request_step(void *arg);
static void request_string_step(void *arg);
static void check_table_name_step(void *arg);
static void value_text_step(void *arg);
static void check_accepted_request(RequestCase *c);
static bool dynamodb_table_name(const char *name);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	gt_fuzz_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *) data + 1;
	const char *end = (const char *) data + size;
	RequestCase c;

	if (size < 1 || size > 1024 * 1024)
		return -1;
	gt_fuzz_begin_input();
	memset(&c, 0, sizeof(c));
	c.flags = data[0];
	c.operation = take_part(&p, end, false);
	c.allowed_list = take_part(&p, end, false);
	c.name = take_part(&p, end, false);
	if (c.operation == NULL || c.allowed_list == NULL || c.name == NULL)
	{
		gt_fuzz_end_input();
		return -1;
	}
	{
		char	   *json = take_part(&p, end, true);

		if (json == NULL)
		{
			gt_fuzz_end_input();
			return -1;
		}
		c.request = gt_fuzz_jsonb_in(json);
	}

	if (gt_fuzz_try("gt._check_request", check_request_step, &c,
					GT_FUZZ_ERRORS_REQUEST))
		check_accepted_request(&c);
	if (c.request != NULL && !(c.flags & (FLAG_NULL_REQUEST | FLAG_NULL_NAME |
										  FLAG_NULL_OPERATION)))
	{
		/* STRICT: the executor calls it only without NULLs. */
		if (gt_fuzz_try("gt._request_string", request_string_step, &c,
						GT_FUZZ_ERRORS_REQUEST))
		{
			JsonbValue *v = gt_request_get(c.request, c.name);
			char	   *got = text_to_cstring(c.string_result);

			if (v == NULL || v->type != jbvString ||
				v->val.string.len != strlen(got) ||
				memcmp(v->val.string.val, got, v->val.string.len) != 0)
				gt_fuzz_fail("gt._request_string returned \"%s\", not the string parameter \"%s\"",
							 got, c.name);
		}
	}
	if (gt_fuzz_try("gt._check_table_name", check_table_name_step, &c,
					GT_FUZZ_ERRORS_REQUEST) !=
		(!(c.flags & FLAG_NULL_NAME) && dynamodb_table_name(c.name)))
		gt_fuzz_fail("gt._check_table_name disagrees with DynamoDB's rule on \"%s\"%s",
					 c.name, (c.flags & FLAG_NULL_NAME) ? " (NULL)" : "");
	if (c.request != NULL && JB_ROOT_IS_OBJECT(c.request))
		gt_fuzz_try("gt_request_value_text", value_text_step, &c,
					GT_FUZZ_ERRORS_NONE);

	gt_fuzz_end_input();
	return 0;
}

/*
 * take_part returns a palloc'd copy of the text up to the next newline (or
 * to end, for the last part) and moves *p past it; NULL if there is no
 * newline or the text is not valid UTF-8 without NUL bytes.
 */
static char *
take_part(const char **p, const char *end, bool last)
{
	const char *stop = last ? end : memchr(*p, '\n', end - *p);
	int			len;
	char	   *copy;

	if (stop == NULL)
		return NULL;
	len = stop - *p;
	if (!pg_verify_mbstr(PG_UTF8, *p, len, true))
		return NULL;
	copy = palloc(len + 1);
	memcpy(copy, *p, len);
	copy[len] = '\0';
	*p = last ? end : stop + 1;
	return copy;
}

/*
 * allowed_array builds the text[] of the allowed names (with a NULL element
 * first under FLAG_NULL_ELEMENT), and returns them as C strings in *names,
 * a NULL element as "", as gt._check_request reads it.
 */
static ArrayType *
allowed_array(RequestCase *c, char ***names, int *n)
{
	char	   *list = pstrdup(c->allowed_list);
	int			max = 2;
	Datum	   *elems;
	bool	   *nulls;
	int			dims[1];
	int			lbs[1] = {1};
	char	   *tok;
	char	   *save;

	for (char *s = list; *s; s++)
		max += (*s == ',');
	elems = palloc(sizeof(Datum) * max);
	nulls = palloc(sizeof(bool) * max);
	*names = palloc(sizeof(char *) * max);
	*n = 0;
	if (c->flags & FLAG_NULL_ELEMENT)
	{
		elems[*n] = (Datum) 0;
		nulls[*n] = true;
		(*names)[(*n)++] = "";
	}
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
	{
		elems[*n] = CStringGetTextDatum(tok);
		nulls[*n] = false;
		(*names)[(*n)++] = tok;
	}
	dims[0] = *n;
	if (*n == 0)
		return construct_empty_array(TEXTOID);
	return construct_md_array(elems, nulls, 1, dims, lbs, TEXTOID, -1, false,
							  TYPALIGN_INT);
}

/* Calls fn as the executor would, with three arguments. */
static Datum
call3(PGFunction fn, Datum a0, bool n0, Datum a1, bool n1, Datum a2, bool n2)
{
	LOCAL_FCINFO(fcinfo, 3);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, 3, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = a0;
	fcinfo->args[0].isnull = n0;
	fcinfo->args[1].value = a1;
	fcinfo->args[1].isnull = n1;
	fcinfo->args[2].value = a2;
	fcinfo->args[2].isnull = n2;
	result = fn(fcinfo);
	return fcinfo->isnull ? (Datum) 0 : result;
}

/* Step: gt._check_request(request, operation, allowed). */
static void
check_request_step(void *arg)
{
	RequestCase *c = (RequestCase *) arg;
	char	  **names;
	int			n;
	ArrayType  *allowed = allowed_array(c, &names, &n);
	bool		null_request = (c->flags & FLAG_NULL_REQUEST) || c->request == NULL;

	call3(gt_check_request_sql,
		  null_request ? (Datum) 0 : JsonbPGetDatum(c->request), null_request,
		  CStringGetTextDatum(c->operation), (c->flags & FLAG_NULL_OPERATION) != 0,
		  PointerGetDatum(allowed), (c->flags & FLAG_NULL_ALLOWED) != 0);
}

/* Step: gt._request_string(request, field, operation). */
static void
request_string_step(void *arg)
{
	RequestCase *c = (RequestCase *) arg;

	c->string_result = DatumGetTextPP(call3(gt_request_string_sql,
											JsonbPGetDatum(c->request), false,
											CStringGetTextDatum(c->name), false,
											CStringGetTextDatum(c->operation), false));
}

/* Step: gt._check_table_name(name). */
static void
check_table_name_step(void *arg)
{
	RequestCase *c = (RequestCase *) arg;
	bool		null_name = (c->flags & FLAG_NULL_NAME) != 0;

	call3(gt_check_table_name_sql,
		  null_name ? (Datum) 0 : CStringGetTextDatum(c->name), null_name,
		  (Datum) 0, true, (Datum) 0, true);
}

/* Step: gt_request_value_text on every top-level value of the request. */
static void
value_text_step(void *arg)
{
	RequestCase *c = (RequestCase *) arg;
	JsonbIterator *it = JsonbIteratorInit(&c->request->root);
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *s;

		if (tok != WJB_VALUE)
			continue;
		s = gt_request_value_text(&v);
		if ((s == NULL) != (v.type == jbvNull))
			gt_fuzz_fail("gt_request_value_text returned %s for a %s",
						 s ? "text" : "NULL", v.type == jbvNull ? "null" : "value");
	}
}

/*
 * check_accepted_request fails unless the request gt._check_request accepted
 * is an object whose every key is allowed.
 */
static void
check_accepted_request(RequestCase *c)
{
	char	  **names;
	int			n;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if ((c->flags & (FLAG_NULL_OPERATION | FLAG_NULL_ALLOWED)) != 0)
		gt_fuzz_fail("gt._check_request accepted a NULL operation or allowed list");
	if ((c->flags & FLAG_NULL_REQUEST) || c->request == NULL ||
		!JB_ROOT_IS_OBJECT(c->request))
		gt_fuzz_fail("gt._check_request accepted a request that is not an object");
	(void) allowed_array(c, &names, &n);
	it = JsonbIteratorInit(&c->request->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		bool		known = false;

		if (tok != WJB_KEY)
			continue;
		for (int i = 0; i < n && !known; i++)
			known = (strlen(names[i]) == v.val.string.len &&
					 memcmp(names[i], v.val.string.val, v.val.string.len) == 0);
		if (!known)
			gt_fuzz_fail("gt._check_request accepted the unknown parameter \"%.*s\"",
						 v.val.string.len, v.val.string.val);
	}
}

/* DynamoDB's rule for table names, written out independently. */
static bool
dynamodb_table_name(const char *name)
{
	size_t		len = strlen(name);

	if (len < 3 || len > 255)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789_.-") == len;
}
