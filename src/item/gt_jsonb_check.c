/*-------------------------------------------------------------------------
 *
 * gt_jsonb_check.c
 *		Checks an item received in jsonb's binary form before it is used.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/item/gt_jsonb_check.c
 *
 * NOTES
 *		Items travel between regions as the bytes of their jsonb value, so
 *		that neither the sender nor the receiver converts them to JSON text
 *		and back (that conversion was a fifth of a link worker's time).
 *		PostgreSQL reads jsonb without checking it, trusting that it built
 *		it; bytes from the network get no such trust.  gt_jsonb_check()
 *		walks the whole value and ERRORs unless every offset and length
 *		stays inside it, every container is well formed, object keys are
 *		sorted and unique as jsonb's binary search needs, strings are valid
 *		in the server encoding, and the value holds only what an item can
 *		hold: objects, arrays, strings, booleans and nulls (DynamoDB writes
 *		numbers as strings, so a jsonb number is never part of an item).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "gt/jsonb_check.h"

/* Deeper than any valid item (32 levels of AttributeValue, two per level). */
#define GT_JSONB_MAX_DEPTH	100

static void
malformed(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROTOCOL_VIOLATION),
			 errmsg("invalid item in replication message"),
			 errdetail_internal("%s", detail)));
}

/* jsonb's order of object keys: shorter first, then bytewise. */
static int
compare_keys(const char *a, uint32 alen, const char *b, uint32 blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

static void check_container(const char *base, uint32 len, int depth, bool root);

/*
 * check_container checks the container of len bytes at base (int-aligned).
 */
static void
check_container(const char *base, uint32 len, int depth, bool root)
{
	uint32		header;
	uint32		count;
	uint32		nentries;
	const JEntry *children;
	const char *data;
	uint32		datalen;
	uint32		start = 0;
	const char *prev_key = NULL;
	uint32		prev_keylen = 0;

	check_stack_depth();
	if (depth > GT_JSONB_MAX_DEPTH)
		malformed("The item is nested too deeply.");
	if (len < sizeof(uint32))
		malformed("A container is shorter than its header.");
	memcpy(&header, base, sizeof(uint32));
	count = header & JB_CMASK;
	if ((header & ~(JB_CMASK | JB_FOBJECT | JB_FARRAY)) != 0 ||
		((header & JB_FOBJECT) != 0) == ((header & JB_FARRAY) != 0))
		malformed("A container is neither an object nor an array.");
	if (root && (header & JB_FOBJECT) == 0)
		malformed("The item is not an object.");
	nentries = (header & JB_FOBJECT) ? count * 2 : count;
	if (count > (len - sizeof(uint32)) / sizeof(JEntry) ||
		nentries > (len - sizeof(uint32)) / sizeof(JEntry))
		malformed("A container has more entries than fit in it.");
	children = (const JEntry *) (base + sizeof(uint32));
	data = (const char *) (children + nentries);
	datalen = len - sizeof(uint32) - nentries * sizeof(JEntry);

	for (uint32 i = 0; i < nentries; i++)
	{
		JEntry		je = children[i];
		uint32		end = JBE_HAS_OFF(je) ? JBE_OFFLENFLD(je) : start + JBE_OFFLENFLD(je);
		uint32		aligned = INTALIGN(start);
		const char *value = data + start;
		uint32		vallen;

		if (end < start || end > datalen)
			malformed("An entry lies outside its container.");
		vallen = end - start;
		if ((header & JB_FOBJECT) && i < count && !JBE_ISSTRING(je))
			malformed("An object key is not a string.");
		switch (je & JENTRY_TYPEMASK)
		{
			case JENTRY_ISSTRING:
				if (!pg_verifymbstr(value, vallen, true))
					malformed("A string is not valid in the server encoding.");
				if ((header & JB_FOBJECT) && i < count)
				{
					if (prev_key != NULL &&
						compare_keys(prev_key, prev_keylen, value, vallen) >= 0)
						malformed("Object keys are not sorted and unique.");
					prev_key = value;
					prev_keylen = vallen;
				}
				break;
			case JENTRY_ISBOOL_FALSE:
			case JENTRY_ISBOOL_TRUE:
			case JENTRY_ISNULL:
				if (vallen != 0)
					malformed("A boolean or null has a length.");
				break;
			case JENTRY_ISCONTAINER:
				if (aligned > end)
					malformed("A container lies outside its parent.");
				check_container(data + aligned, end - aligned, depth + 1, false);
				break;
			default:
				malformed("An item holds a number or an unknown kind of value.");
		}
		start = end;
	}
}

/*
 * gt_jsonb_check returns, as a palloc'd jsonb, the len bytes at data (the
 * contents of a jsonb value, without its length word), once checked as the
 * NOTES say.  ERRORs with ERRCODE_PROTOCOL_VIOLATION otherwise.
 */
Jsonb *
gt_jsonb_check(const char *data, Size len)
{
	Jsonb	   *jb;

	if (len > JENTRY_OFFLENMASK)
		malformed("The item is too large.");
	jb = (Jsonb *) palloc(VARHDRSZ + len);
	SET_VARSIZE(jb, VARHDRSZ + len);
	memcpy(VARDATA(jb), data, len);
	check_container(VARDATA(jb), (uint32) len, 0, true);
	return jb;
}
