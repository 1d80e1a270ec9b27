/*-------------------------------------------------------------------------
 *
 * proto_seeds.c
 *		Writes the seed corpus of the proto fuzz target with the real
 *		gt_proto_write_* functions.
 *
 * Why this file exists: the seeds in fuzz/proto/seeds/ must be messages
 * the output plugin could really send, so they are not written by hand
 * but by src/replication/gt_proto.c itself, with items as jsonb_in stores them:
 * "fuzz/run --write-seeds" builds this program and runs it.  It also
 * writes malformed messages derived from real ones: framing (cut short,
 * lengths past the end, unknown flags and types) and items that
 * gt_jsonb_check must refuse (numbers, a root that is not an object,
 * unsorted or duplicate keys, bad UTF-8, bad headers and offsets).
 * Rerun it when the wire format changes, and commit the result.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		fuzz/proto_seeds.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"

#include "utils/jsonb.h"

#include "gt_fuzz.h"
#include "gt/proto.h"

static const char *seed_dir;

static void write_seed(const char *name, const char *data, int len);
static int	version_message(StringInfo buf, const char *table,
							const char *region, int64 time, bool deleting,
							bool inserted, const char *json);
static void write_version_seed(const char *name, const char *table,
							   const char *region, int64 time, bool deleting,
							   bool inserted, const char *json);
static void corrupt_item_seed(const char *name, const char *from,
							  const char *to, int n);

int
main(int argc, char **argv)
{
	StringInfoData buf;
	GtBeginMsg	begin;
	GtCommitMsg commit;

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
		return 2;
	}
	seed_dir = argv[1];
	gt_fuzz_init();
	gt_fuzz_begin_input();

	/* BEGIN and COMMIT of an ordinary transaction, and extreme values. */
	begin.final_lsn = UINT64CONST(0x16B3748);
	begin.commit_time = INT64CONST(820000000000000);
	begin.xid = 812;
	initStringInfo(&buf);
	gt_proto_write_begin(&buf, &begin);
	write_seed("begin", buf.data, buf.len);
	write_seed("begin-truncated", buf.data, buf.len - 3);

	begin.final_lsn = PG_UINT64_MAX;
	begin.commit_time = PG_INT64_MIN;
	begin.xid = PG_UINT32_MAX;
	resetStringInfo(&buf);
	gt_proto_write_begin(&buf, &begin);
	write_seed("begin-extremes", buf.data, buf.len);

	commit.commit_lsn = UINT64CONST(0x16B3748);
	commit.end_lsn = UINT64CONST(0x16B3780);
	commit.commit_time = INT64CONST(820000000000000);
	resetStringInfo(&buf);
	gt_proto_write_commit(&buf, &commit);
	write_seed("commit", buf.data, buf.len);
	write_seed("commit-truncated", buf.data, buf.len - 1);

	/* Item versions: every AttributeValue type, a tombstone, Unicode. */
	write_version_seed("version-put", "global01", "ap-south-1",
					   INT64CONST(1767225600000000), false, true,
					   "{\"id\": {\"S\": \"foo\"}}");
	write_version_seed("version-update", "global01", "ap-south-1",
					   INT64CONST(1767225600000001), false, false,
					   "{\"id\": {\"S\": \"foo\"}, \"v\": {\"N\": \"2\"}}");
	write_version_seed("version-all-types", "global01", "eu-central-1",
					   INT64CONST(1767225600000002), false, true,
					   "{\"id\": {\"S\": \"a\"}, \"n\": {\"N\": \"-1.5E3\"}, "
					   "\"b\": {\"B\": \"AAEC\"}, \"ss\": {\"SS\": [\"x\", \"y\"]}, "
					   "\"ns\": {\"NS\": [\"1\", \"2.5\"]}, "
					   "\"bs\": {\"BS\": [\"QQ==\", \"Qg==\"]}, "
					   "\"m\": {\"M\": {\"k\": {\"BOOL\": true}}}, "
					   "\"l\": {\"L\": [{\"NULL\": true}, {\"S\": \"\"}]}, "
					   "\"t\": {\"BOOL\": false}, \"z\": {\"NULL\": true}}");
	write_version_seed("version-tombstone", "global01", "us-west-1",
					   INT64CONST(1767225600000003), true, false,
					   "{\"id\": {\"S\": \"foo\"}}");
	write_version_seed("version-unicode", "orders.2026", "us-east-1",
					   INT64CONST(1767225600000004), false, true,
					   "{\"id\": {\"S\": \"\\u00e9t\\u00e9 \xe2\x82\xac\"}, "
					   "\"note\": {\"S\": \"\\ud83d\\ude00\"}}");
	write_version_seed("version-nested", "global01", "ap-south-1", 0, false,
					   false,
					   "{\"id\": {\"S\": \"n\"}, \"m\": {\"M\": {\"a\": {\"L\": "
					   "[{\"M\": {\"b\": {\"L\": [{\"N\": \"0\"}]}}}]}}}}");
	write_version_seed("version-empty", "", "", PG_INT64_MAX, false, false,
					   "{}");
	/* Well-formed jsonb, but not a valid item. */
	write_version_seed("version-invalid-item", "global01", "ap-south-1",
					   1, false, false,
					   "{\"id\": {\"S\": \"x\"}, \"n\": {\"N\": \"1e999\"}}");

	/* jsonb that gt_jsonb_check must refuse. */
	write_version_seed("item-number", "global01", "ap-south-1", 2, false,
					   false, "{\"id\": {\"S\": \"x\"}, \"n\": 1}");
	write_version_seed("item-array-root", "global01", "ap-south-1", 3, false,
					   false, "[{\"id\": {\"S\": \"x\"}}]");
	write_version_seed("item-scalar-root", "global01", "ap-south-1", 4, false,
					   false, "\"x\"");
	{
		/* Containers nested deeper than gt_jsonb_check allows. */
		StringInfoData deep;

		initStringInfo(&deep);
		appendStringInfoString(&deep, "{\"id\": ");
		for (int i = 0; i < 101; i++)
			appendStringInfoChar(&deep, '[');
		for (int i = 0; i < 101; i++)
			appendStringInfoChar(&deep, ']');
		appendStringInfoChar(&deep, '}');
		write_version_seed("item-too-deep", "global01", "ap-south-1", 5,
						   false, false, deep.data);
	}
	corrupt_item_seed("item-unsorted-keys", "idie", "ieid", 4);
	corrupt_item_seed("item-duplicate-keys", "idie", "idid", 4);
	corrupt_item_seed("item-invalid-utf8", "xyz", "\xff\xfe\xc3", 3);
	corrupt_item_seed("item-nul-in-string", "xyz", "x\0z", 3);
	corrupt_item_seed("item-object-and-array", "\x02\x00\x00\x20",
					  "\x02\x00\x00\x60", 4);
	corrupt_item_seed("item-entry-past-end", "\x02\x00\x00\x00",
					  "\xff\xff\xff\x0f", 4);

	/* Malformed framing derived from a real version message. */
	{
		int			item_at = version_message(&buf, "global01", "ap-south-1",
											  42, false, true,
											  "{\"id\": {\"S\": \"foo\"}}");

		write_seed("version-truncated", buf.data, buf.len - 5);
		/* The flags byte just before the item's length: an unknown bit. */
		buf.data[item_at - 5] = 0x04;
		write_seed("version-unknown-flag", buf.data, buf.len);
		buf.data[item_at - 5] = 0x03;
		write_seed("version-deleting-inserted", buf.data, buf.len);
		/* table name length -1, then 0x7fffffff */
		buf.data[1] = buf.data[2] = buf.data[3] = buf.data[4] = (char) 0xff;
		write_seed("version-negative-length", buf.data, buf.len);
		buf.data[1] = 0x7f;
		write_seed("version-length-past-end", buf.data, buf.len);
	}

	/* A NUL inside the table name (read_string cuts the string there). */
	(void) version_message(&buf, "global01#x", "ap-south-1", 43, false, true,
						   "{\"id\": {\"S\": \"foo\"}}");
	buf.data[1 + 4 + 8] = '\0';
	write_seed("version-nul-in-table", buf.data, buf.len);

	/* Chunks: a single-row transaction as protocol 2 sends it, in one piece. */
	begin.final_lsn = UINT64CONST(0x16B3748);
	begin.commit_time = INT64CONST(820000000000000);
	begin.xid = 812;
	resetStringInfo(&buf);
	gt_proto_write_begin(&buf, &begin);
	{
		StringInfoData v;

		initStringInfo(&v);
		(void) version_message(&v, "global01", "ap-south-1",
							   INT64CONST(1767225600000000), false, true,
							   "{\"id\": {\"S\": \"foo\"}}");
		appendBinaryStringInfo(&buf, v.data, v.len);
	}
	gt_proto_write_commit(&buf, &commit);
	write_seed("chunk-transaction", buf.data, buf.len);
	write_seed("chunk-truncated", buf.data, buf.len - 2);
	appendStringInfoChar(&buf, 'X');
	write_seed("chunk-trailing-garbage", buf.data, buf.len);

	write_seed("unknown-type", "X", 1);
	write_seed("empty", "", 0);

#ifdef GT_MSG_WATERMARK
	resetStringInfo(&buf);
	gt_proto_write_watermark(&buf, INT64CONST(1767225600000000));
	write_seed("watermark", buf.data, buf.len);
	write_seed("watermark-truncated", buf.data, buf.len - 4);
#endif

	gt_fuzz_end_input();
	return 0;
}

/* Writes one seed file, seed_dir/name. */
static void
write_seed(const char *name, const char *data, int len)
{
	char	   *path = psprintf("%s/%s", seed_dir, name);
	FILE	   *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != (size_t) len || fclose(f) != 0)
	{
		fprintf(stderr, "could not write \"%s\"\n", path);
		exit(1);
	}
}

/*
 * Writes a VERSION message to buf (reset first) with the item json as
 * jsonb_in makes it, as the output plugin sends the stored jsonb value.  Returns
 * the offset in buf of the item's bytes.
 */
static int
version_message(StringInfo buf, const char *table, const char *region,
				int64 time, bool deleting, bool inserted, const char *json)
{
	GtVersionMsg msg;
	Jsonb	   *jb = gt_fuzz_jsonb_in(json);

	if (jb == NULL)
	{
		fprintf(stderr, "jsonb_in rejects seed item %s\n", json);
		exit(1);
	}
	msg.table_name = (char *) table;
	msg.update_region = (char *) region;
	msg.update_time = time;
	msg.deleting = deleting;
	msg.inserted = inserted;
	msg.item = VARDATA(jb);
	msg.item_len = VARSIZE(jb) - VARHDRSZ;
	if (buf->data == NULL)
		initStringInfo(buf);
	resetStringInfo(buf);
	gt_proto_write_version(buf, &msg);
	return buf->len - (int) msg.item_len;
}

/* Writes one VERSION message as a seed. */
static void
write_version_seed(const char *name, const char *table, const char *region,
				   int64 time, bool deleting, bool inserted, const char *json)
{
	StringInfoData buf;

	buf.data = NULL;
	(void) version_message(&buf, table, region, time, deleting, inserted,
						   json);
	write_seed(name, buf.data, buf.len);
}

/*
 * Writes a VERSION message whose item, {"id": {"S": "xyz"}, "ie": {"S":
 * "y"}} in jsonb, has the first occurrence of the n bytes from replaced by
 * the n bytes to, as a seed.
 */
static void
corrupt_item_seed(const char *name, const char *from, const char *to, int n)
{
	StringInfoData buf;
	int			item_at;

	buf.data = NULL;
	item_at = version_message(&buf, "global01", "ap-south-1", 44, false,
							  false,
							  "{\"id\": {\"S\": \"xyz\"}, \"ie\": {\"S\": \"y\"}}");
	for (int i = item_at; i + n <= buf.len; i++)
	{
		if (memcmp(buf.data + i, from, n) == 0)
		{
			memcpy(buf.data + i, to, n);
			write_seed(name, buf.data, buf.len);
			return;
		}
	}
	fprintf(stderr, "seed %s: bytes to replace not found\n", name);
	exit(1);
}
