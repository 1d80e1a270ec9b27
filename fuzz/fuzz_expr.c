/*-------------------------------------------------------------------------
 *
 * fuzz_expr.c
 *		libFuzzer target for DynamoDB's expression language, src/expr/.
 *
 * Why this file exists: every condition, filter, key condition, update and
 * projection expression a client sends goes through the bison grammar and
 * flex scanner of src/expr/ and is then evaluated against stored items;
 * an input that crashed the parser, or an update that produced an item the
 * validator refuses, would be reachable by any role that may call the
 * item API.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		fuzz/fuzz_expr.c
 *
 * INPUT
 *
 * A first byte choosing what the rest is parsed as (its low two bits: a
 * condition, an update, a projection), then the expression text, which
 * must be valid UTF-8 without NUL bytes (as the server verifies client
 * text).  The placeholders are fixed: #a, #b and #c name "a", "b" and
 * "pk", and :s, :n, :b, :l, :m, :ss, :ns and :t are one value of each kind.
 *
 * CHECKS
 *
 * Beyond crashes and sanitizer reports, parsing raises only YD000
 * (ValidationException); a parsed condition evaluates against a fixed item
 * and against no item with at most YD000; a parsed update applies to the
 * fixed item with at most YD000, and the item it makes is one the item
 * validator accepts or refuses with YD000 (too large, too deep); a parsed
 * projection applies without error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdint.h>
#include <string.h>

#include "mb/pg_wchar.h"
#include "utils/jsonb.h"

#include "gt_fuzz.h"
#include "gt/expr.h"
#include "gt/item.h"

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names_json =
"{\"#a\": \"a\", \"#b\": \"b\", \"#c\": \"pk\"}";
static const char *const values_json =
"{\":s\": {\"S\": \"x\"}, \":n\": {\"N\": \"1\"}, \":b\": {\"B\": \"AQI=\"},"
" \":l\": {\"L\": [{\"N\": \"1\"}, {\"S\": \"y\"}]}, \":m\": {\"M\": {\"k\": {\"BOOL\": true}}},"
" \":ss\": {\"SS\": [\"x\", \"y\"]}, \":ns\": {\"NS\": [\"1\", \"2\"]}, \":t\": {\"S\": \"L\"}}";
static const char *const item_json =
"{\"pk\": {\"S\": \"k\"}, \"a\": {\"N\": \"5\"}, \"b\": {\"L\": [{\"S\": \"x\"}, {\"M\": {\"c\": {\"NS\": [\"1\"]}}}]},"
" \"s\": {\"SS\": [\"x\"]}, \"m\": {\"M\": {\"n\": {\"NULL\": true}}}}";

typedef struct ExprCase
{
	int			mode;
	char	   *text;
	GtExprContext cxt;
	Jsonb	   *item;
	Jsonb	   *key;
	GtKeySchema ks;
	GtExpr	   *condition;
	List	   *list;
	Jsonb	   *updated;
} ExprCase;

static void
parse_step(void *arg)
{
	ExprCase   *c = arg;

	if (c->mode == 0)
		c->condition = gt_expr_parse_condition(&c->cxt, GT_EXPR_CONDITION, c->text);
	else if (c->mode == 1)
		c->list = gt_expr_parse_update(&c->cxt, c->text);
	else
		c->list = gt_expr_parse_projection(&c->cxt, c->text);
}

static void
eval_step(void *arg)
{
	ExprCase   *c = arg;

	(void) gt_expr_eval_condition(c->condition, c->item);
	(void) gt_expr_eval_condition(c->condition, NULL);
}

static void
update_step(void *arg)
{
	ExprCase   *c = arg;
	List	   *changed;

	c->updated = gt_expr_apply_update(c->list, c->item, c->key, &c->ks, &changed);
	(void) gt_expr_project(c->updated, changed);
}

static void
validate_step(void *arg)
{
	ExprCase   *c = arg;

	gt_item_validate_item(c->updated, &c->ks);
}

static void
project_step(void *arg)
{
	ExprCase   *c = arg;

	(void) gt_expr_project(c->item, c->list);
}

static void
context_step(void *arg)
{
	ExprCase   *c = arg;
	Jsonb	   *names = gt_fuzz_jsonb_in(names_json);
	Jsonb	   *values = gt_fuzz_jsonb_in(values_json);
	JsonbValue	n;
	JsonbValue	v;

	n.type = jbvBinary;
	n.val.binary.data = &names->root;
	n.val.binary.len = VARSIZE(names);
	v.type = jbvBinary;
	v.val.binary.data = &values->root;
	v.val.binary.len = VARSIZE(values);
	gt_expr_context_init(&c->cxt, "Fuzz", &n, &v);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	gt_fuzz_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ExprCase	c;

	if (size < 1 || size > 8192 || memchr(data + 1, '\0', size - 1) != NULL ||
		pg_verify_mbstr(PG_UTF8, (const char *) data + 1, size - 1, true) == false)
		return -1;
	gt_fuzz_begin_input();
	memset(&c, 0, sizeof(c));
	c.mode = data[0] % 3;
	c.text = pnstrdup((const char *) data + 1, size - 1);
	c.item = gt_fuzz_jsonb_in(item_json);
	c.key = gt_fuzz_jsonb_in("{\"pk\": {\"S\": \"k\"}}");
	c.ks.hash_name = "pk";
	c.ks.hash_type = 'S';
	gt_fuzz_try("the placeholders", context_step, &c, GT_FUZZ_ERRORS_NONE);
	if (gt_fuzz_try("parsing", parse_step, &c, GT_FUZZ_ERRORS_ITEM))
	{
		if (c.mode == 0)
			gt_fuzz_try("evaluating the condition", eval_step, &c, GT_FUZZ_ERRORS_ITEM);
		else if (c.mode == 1)
		{
			if (gt_fuzz_try("applying the update", update_step, &c, GT_FUZZ_ERRORS_ITEM))
				gt_fuzz_try("validating the updated item", validate_step, &c,
							GT_FUZZ_ERRORS_ITEM);
		}
		else
			gt_fuzz_try("projecting", project_step, &c, GT_FUZZ_ERRORS_NONE);
	}
	gt_fuzz_end_input();
	return 0;
}
