/*-------------------------------------------------------------------------
 *
 * gt_api_page.c
 *		The response of a Query or Scan page, with its items copied into it
 *		as they are stored.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/api/gt_api_page.c
 *
 * NOTES
 *		pushJsonbValue() takes a stored item apart, value by value, and
 *		JsonbValueToJsonb() builds it again: most of a Query's time went
 *		there.  An item is already a jsonb container, so this writes the
 *		page's binary form directly, as jsonb_util.c's convertJsonbObject()
 *		and convertJsonbArray() lay it out, copying each item's container
 *		bytes whole: keys sorted by length and then bytes, JEntries with a
 *		length (an offset every JB_OFFSET_STRIDE'th), containers and
 *		numerics aligned on 4 bytes with the padding counted in their
 *		length.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "gt/api.h"

/* Pads buf to a multiple of 4 bytes, as jsonb aligns containers. */
static void
pad(StringInfo buf)
{
	while (buf->len % sizeof(uint32) != 0)
		appendStringInfoCharMacro(buf, '\0');
}

/* Reserves n bytes of buf, returning their offset. */
static int
reserve(StringInfo buf, int n)
{
	int			offset = buf->len;

	enlargeStringInfo(buf, n);
	memset(buf->data + buf->len, 0, n);
	buf->len += n;
	return offset;
}

/* Appends a jsonb's root container; returns its JEntry. */
static uint32
append_container(StringInfo buf, Jsonb *jb)
{
	int			start = buf->len;

	pad(buf);
	appendBinaryStringInfo(buf, (char *) &jb->root, VARSIZE(jb) - VARHDRSZ);
	if (buf->len - start > JENTRY_OFFLENMASK)
		elog(ERROR, "Query or Scan page too large");
	return JENTRY_ISCONTAINER | (buf->len - start);
}

static uint32
append_number(StringInfo buf, int64 n)
{
	int			start = buf->len;
	Numeric		num = int64_to_numeric(n);

	pad(buf);
	appendBinaryStringInfo(buf, (char *) num, VARSIZE_ANY(num));
	return JENTRY_ISNUMERIC | (buf->len - start);
}

/* Stores the JEntry of the i'th child, with its running total length. */
static void
set_jentry(StringInfo buf, int jentries, int i, uint32 meta, uint32 *totallen)
{
	*totallen += JBE_OFFLENFLD(meta);
	if (*totallen > JENTRY_OFFLENMASK)
		elog(ERROR, "Query or Scan page too large");
	if (i % JB_OFFSET_STRIDE == 0)
		meta = (meta & JENTRY_TYPEMASK) | *totallen | JENTRY_HAS_OFF;
	memcpy(buf->data + jentries + i * sizeof(JEntry), &meta, sizeof(JEntry));
}

/* Appends an array of the items' containers; returns its JEntry. */
static uint32
append_items(StringInfo buf, List *items)
{
	int			start = buf->len;
	uint32		header = list_length(items) | JB_FARRAY;
	uint32		totallen = 0;
	int			jentries;
	ListCell   *lc;

	pad(buf);
	appendBinaryStringInfo(buf, (char *) &header, sizeof(header));
	jentries = reserve(buf, sizeof(JEntry) * list_length(items));
	foreach(lc, items)
		set_jentry(buf, jentries, foreach_current_index(lc),
				   append_container(buf, lfirst(lc)), &totallen);
	if (buf->len - start > JENTRY_OFFLENMASK)
		elog(ERROR, "Query or Scan page too large");
	return JENTRY_ISCONTAINER | (buf->len - start);
}

/*
 * gt_api_page builds {"Count", "Items", "ScannedCount", "LastEvaluatedKey"}
 * (Items unless with_items is false, LastEvaluatedKey if last_key is not
 * NULL), the keys in jsonb's order.
 */
Jsonb *
gt_api_page(bool with_items, List *items, int count, int scanned,
			Jsonb *last_key)
{
	const char *keys[4];
	int			nkeys = 0;
	StringInfoData buf;
	uint32		header;
	int			jentries;
	uint32		totallen = 0;
	Jsonb	   *result;

	keys[nkeys++] = "Count";
	if (with_items)
		keys[nkeys++] = "Items";
	keys[nkeys++] = "ScannedCount";
	if (last_key != NULL)
		keys[nkeys++] = "LastEvaluatedKey";

	initStringInfo(&buf);
	reserve(&buf, VARHDRSZ);
	header = nkeys | JB_FOBJECT;
	appendBinaryStringInfo(&buf, (char *) &header, sizeof(header));
	jentries = reserve(&buf, sizeof(JEntry) * nkeys * 2);
	for (int i = 0; i < nkeys; i++)
	{
		appendBinaryStringInfo(&buf, keys[i], strlen(keys[i]));
		set_jentry(&buf, jentries, i, JENTRY_ISSTRING | strlen(keys[i]), &totallen);
	}
	for (int i = 0; i < nkeys; i++)
	{
		uint32		meta;

		if (strcmp(keys[i], "Count") == 0)
			meta = append_number(&buf, count);
		else if (strcmp(keys[i], "Items") == 0)
			meta = append_items(&buf, items);
		else if (strcmp(keys[i], "ScannedCount") == 0)
			meta = append_number(&buf, scanned);
		else
			meta = append_container(&buf, last_key);
		set_jentry(&buf, jentries, nkeys + i, meta, &totallen);
	}
	result = (Jsonb *) buf.data;
	SET_VARSIZE(result, buf.len);
	return result;
}
