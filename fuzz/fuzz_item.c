/*-------------------------------------------------------------------------
 *
 * fuzz_item.c
 *		libFuzzer target for the item validator, src/item/gt_item.c.
 *
 * Why this file exists: every item and key a client sends goes through
 * gt_item_validate_item or gt_item_validate_key before anything is
 * written, gt_item_size decides the 400 KB limit, and every item written
 * must later pass gt_jsonb_check (src/gt_jsonb_check.c) in each region it
 * replicates to.  They walk jsonb
 * containers by hand, parse numbers and base64 themselves and recurse
 * into M and L values, all on input an unprivileged client controls.
 * This target feeds them whatever jsonb_in makes of fuzzed JSON, checks
 * that they only ever accept or reject (never crash, overrun, assert,
 * leak or raise an unexpected SQLSTATE), and that their answers agree
 * with one another.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		fuzz/fuzz_item.c
 *
 * NOTES
 *
 * INPUT
 *
 * One line naming the operation and the key schema, then the JSON:
 *
 *	  item id S sk N
 *	  {"id": {"S": "a"}, "sk": {"N": "1"}, "tags": {"SS": ["x", "y"]}}
 *
 * The first word is "item" (gt_item_validate_item, as put_item calls it)
 * or "key" (gt_item_validate_key, as get_item and delete_item call it);
 * then the hash key name and type and, optionally, the range key name and
 * type.  Names are 1 to 255 bytes without spaces and, as create_table
 * requires, without the prefix "aws:rep:"; inputs whose first line is not such a header are rejected with -1
 * so that libFuzzer does not keep them.  The JSON must be valid UTF-8
 * without NUL bytes, because the server verifies client text before
 * jsonb_in sees it.
 *
 * CHECKS
 *
 * Beyond crashes and sanitizer reports:
 *	- jsonb_in may raise any ERROR but an internal one; the validators only
 *	  YD000, ValidationException (their documented contract);
 *	- gt_item_size never raises an ERROR for an object and always does for
 *	  anything else;
 *	- the validators do not modify their input;
 *	- an accepted item is at most GT_ITEM_MAX_SIZE bytes, and its key
 *	  attributes alone form an accepted key;
 *	- an accepted key is also an accepted item;
 *	- gt_jsonb_check, given the bytes of any jsonb_in result, accepts or
 *	  rejects with 08P01, and it accepts every accepted item and key: else
 *	  a region would take a write that no other region can apply.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mb/pg_wchar.h"
#include "utils/jsonb.h"

#include "gt_fuzz.h"
#include "gt/item.h"
#include "gt/jsonb_check.h"

/* Longest key attribute name create_table accepts. */
#define KEY_NAME_MAXLEN		255

/* Names with this prefix are reserved (gt_item.c); see parse_name. */
#define RESERVED_PREFIX		"aws:rep:"

typedef struct ItemCase
{
	bool		is_key;			/* "key" rather than "item" */
	GtKeySchema ks;
	Jsonb	   *value;			/* the parsed JSON */
	Size		size;			/* gt_item_size's result */
} ItemCase;

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool parse_header(const char *header, int len, ItemCase *c);
static char *parse_name(const char *s, int len);
static char parse_type(const char *s, int len);
static void run_case(ItemCase *c);
static Jsonb *project_key(Jsonb *item, const GtKeySchema *ks);
static void size_step(void *arg);
static void jsonb_check_step(void *arg);
static void validate_item_step(void *arg);
static void validate_key_step(void *arg);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	gt_fuzz_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *) data;
	const char *newline;
	const char *body;
	int			body_len;
	char	   *json;
	ItemCase	c;

	if (size > 1024 * 1024)
		return -1;
	newline = memchr(text, '\n', size);
	if (newline == NULL)
		return -1;
	body = newline + 1;
	body_len = (int) (size - (body - text));

	gt_fuzz_begin_input();

	if (!parse_header(text, newline - text, &c) ||
		!pg_verify_mbstr(PG_UTF8, body, body_len, true))
	{
		gt_fuzz_end_input();
		return -1;
	}

	/* An exact-size copy, so that AddressSanitizer sees any overrun. */
	json = malloc(body_len + 1);
	memcpy(json, body, body_len);
	json[body_len] = '\0';

	c.value = gt_fuzz_jsonb_in(json);
	if (c.value != NULL)
		run_case(&c);

	free(json);
	gt_fuzz_end_input();
	return 0;
}

/*
 * parse_header
 *		Fill c from the first line of an input; false if it is not a header
 *		(see INPUT in the file header).
 */
static bool
parse_header(const char *header, int len, ItemCase *c)
{
	const char *words[6];
	int			lens[6];
	int			nwords = 0;
	int			pos = 0;

	while (pos < len)
	{
		int			start = pos;

		if (nwords == lengthof(words))
			return false;
		while (pos < len && header[pos] != ' ')
			pos++;
		words[nwords] = header + start;
		lens[nwords] = pos - start;
		nwords++;
		pos++;					/* the space */
	}

	if (nwords != 3 && nwords != 5)
		return false;

	if (lens[0] == 4 && memcmp(words[0], "item", 4) == 0)
		c->is_key = false;
	else if (lens[0] == 3 && memcmp(words[0], "key", 3) == 0)
		c->is_key = true;
	else
		return false;

	c->ks.hash_name = parse_name(words[1], lens[1]);
	c->ks.hash_type = parse_type(words[2], lens[2]);
	c->ks.range_name = NULL;
	c->ks.range_type = 0;
	if (nwords == 5)
	{
		c->ks.range_name = parse_name(words[3], lens[3]);
		c->ks.range_type = parse_type(words[4], lens[4]);
		if (c->ks.range_name == NULL || c->ks.range_type == 0 ||
			(c->ks.hash_name != NULL &&
			 strcmp(c->ks.hash_name, c->ks.range_name) == 0))
			return false;
	}
	return c->ks.hash_name != NULL && c->ks.hash_type != 0;
}

/*
 * parse_name
 *		Return a palloc'd key attribute name, or NULL if s (len bytes) is
 *		not one.
 *
 * Like create_table: 1 to 255 bytes of valid UTF-8, not starting with
 * "aws:rep:" (create_table refuses those, and gt_item.c refuses them in
 * items, so keys with them would trip the "accepted key is an accepted
 * item" check on a table that cannot exist).  The metadata column names
 * create_table also refuses are left in: the validators do not care.
 */
static char *
parse_name(const char *s, int len)
{
	if (len < 1 || len > KEY_NAME_MAXLEN ||
		!pg_verify_mbstr(PG_UTF8, s, len, true))
		return NULL;
	if (len >= (int) strlen(RESERVED_PREFIX) &&
		memcmp(s, RESERVED_PREFIX, strlen(RESERVED_PREFIX)) == 0)
		return NULL;
	return pnstrdup(s, len);
}

/* Return the key type in s (len bytes): 'S', 'N' or 'B', or 0. */
static char
parse_type(const char *s, int len)
{
	if (len == 1 && (s[0] == 'S' || s[0] == 'N' || s[0] == 'B'))
		return s[0];
	return 0;
}

/*
 * run_case
 *		Size and validate c->value, then check the answers (see CHECKS in the
 *		file header).
 */
static void
run_case(ItemCase *c)
{
	Size		vsize = VARSIZE(c->value);
	Jsonb	   *before = palloc(vsize);
	bool		is_object = JB_ROOT_IS_OBJECT(c->value);
	bool		checked;
	bool		accepted;

	memcpy(before, c->value, vsize);

	if (gt_fuzz_try("gt_item_size", size_step, c,
					is_object ? GT_FUZZ_ERRORS_NONE : GT_FUZZ_ERRORS_ITEM) &&
		!is_object)
		gt_fuzz_fail("gt_item_size accepted a JSON value that is not an object");

	accepted = gt_fuzz_try(c->is_key ? "gt_item_validate_key" :
						   "gt_item_validate_item",
						   c->is_key ? validate_key_step : validate_item_step,
						   c, GT_FUZZ_ERRORS_ITEM);

	if (VARSIZE(c->value) != vsize || memcmp(before, c->value, vsize) != 0)
		gt_fuzz_fail("the validator modified its input");

	checked = gt_fuzz_try("gt_jsonb_check", jsonb_check_step, c,
						  GT_FUZZ_ERRORS_PROTOCOL);

	if (!accepted)
		return;

	if (!checked)
		gt_fuzz_fail("gt_jsonb_check refuses an accepted %s, so it could not replicate",
					 c->is_key ? "key" : "item");

	if (c->is_key)
	{
		/* A valid key is a valid item of its own. */
		gt_fuzz_try("gt_item_validate_item on an accepted key",
					validate_item_step, c, GT_FUZZ_ERRORS_NONE);
	}
	else
	{
		if (c->size > GT_ITEM_MAX_SIZE)
			gt_fuzz_fail("accepted an item of %zu bytes", c->size);

		/* The key attributes of a valid item form a valid key. */
		c->value = project_key(c->value, &c->ks);
		gt_fuzz_try("gt_item_validate_key on an accepted item's key",
					validate_key_step, c, GT_FUZZ_ERRORS_NONE);
	}
}

/*
 * project_key
 *		Return a new jsonb object holding only the key attributes of item,
 *		which has them all.
 */
static Jsonb *
project_key(Jsonb *item, const GtKeySchema *ks)
{
	JsonbParseState *state = NULL;
	const char *names[2];
	JsonbValue *result;

	names[0] = ks->hash_name;
	names[1] = ks->range_name;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < 2 && names[i] != NULL; i++)
	{
		JsonbValue	key;
		JsonbValue	buf;
		JsonbValue *value;

		value = getKeyJsonValueFromContainer(&item->root, names[i],
											 strlen(names[i]), &buf);
		if (value == NULL)
			gt_fuzz_fail("accepted an item without key attribute \"%s\"",
						 names[i]);
		key.type = jbvString;
		key.val.string.val = (char *) names[i];
		key.val.string.len = strlen(names[i]);
		pushJsonbValue(&state, WJB_KEY, &key);
		pushJsonbValue(&state, WJB_VALUE, value);
	}
	result = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(result);
}

/* Step: gt_item_size. */
static void
size_step(void *arg)
{
	ItemCase   *c = (ItemCase *) arg;

	c->size = gt_item_size(c->value);
}

/* Step: gt_jsonb_check on the bytes of the jsonb, as a peer sends them. */
static void
jsonb_check_step(void *arg)
{
	ItemCase   *c = (ItemCase *) arg;

	(void) gt_jsonb_check(VARDATA(c->value), VARSIZE(c->value) - VARHDRSZ);
}

/* Step: gt_item_validate_item. */
static void
validate_item_step(void *arg)
{
	ItemCase   *c = (ItemCase *) arg;

	gt_item_validate_item(c->value, &c->ks);
}

/* Step: gt_item_validate_key. */
static void
validate_key_step(void *arg)
{
	ItemCase   *c = (ItemCase *) arg;

	gt_item_validate_key(c->value, &c->ks);
}
