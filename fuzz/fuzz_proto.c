/*-------------------------------------------------------------------------
 *
 * fuzz_proto.c
 *		libFuzzer target for the read half of the wire format, src/replication/gt_proto.c.
 *
 * Why this file exists: a link worker decodes every CopyData payload its
 * peer sends with gt_proto_read_type and the gt_proto_read_* function of
 * that type; an item version carries the item as the raw bytes of a jsonb
 * value, which gt_jsonb_check (src/gt_jsonb_check.c) must vet before any
 * PostgreSQL code reads them, since PostgreSQL trusts jsonb it reads.  The
 * bytes come over the network from another server, and both the decoder
 * and the check do their own offset arithmetic.  This target decodes
 * fuzzed messages the way apply_message (src/replication/gt_link.c) and
 * gt_apply_version do, checks that a malformed message is only ever
 * rejected with a protocol violation, that what was read writes back,
 * through the real gt_proto_write_* functions, to the bytes it came from,
 * and that an item gt_jsonb_check accepts is one PostgreSQL's own jsonb
 * code reads safely and identically to its text form, and then puts it
 * through the item validator.

 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		fuzz/fuzz_proto.c
 *
 * NOTES
 *
 * INPUT
 *
 * A chunk, as a link worker receives it after the 'w' header: one or
 * more messages, each a type byte and its body (protocol version 2 sends a
 * transaction's messages together).  Messages are decoded one after the
 * other, as process_copy_data does, until one is rejected or the input
 * ends; at most MAX_MESSAGES.  fuzz/run writes realistic seeds with the
 * real write functions (fuzz/proto_seeds.c).
 *
 * ADDING A MESSAGE TYPE
 *
 * Add a row to message_types: the type byte, a read step that calls the
 * gt_proto_read_* function, and a write function that calls the matching
 * gt_proto_write_* one.  An optional "then" step does what apply does with
 * the decoded message beyond the wire format.  Types added later are
 * guarded by #ifdef of their GT_MSG_ macro (WATERMARK), so the target
 * builds against a gt_proto.h with or without them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "gt_fuzz.h"
#include "gt/item.h"
#include "gt/jsonb_check.h"
#include "gt/proto.h"

/* The state of one decoded message. */
typedef struct ProtoCase
{
	StringInfo	in;				/* the input, cursor after what was read */
	char		type;
	GtBeginMsg	begin;
	GtVersionMsg version;
	GtCommitMsg commit;
#ifdef GT_MSG_WATERMARK
	int64		watermark;
#endif
	Jsonb	   *item;			/* VERSION: the item gt_jsonb_check returns */
	char	   *text;			/* VERSION: the item as JSON text */
	Jsonb	   *reparsed;		/* VERSION: that text through jsonb_in */
	GtKeySchema ks;				/* VERSION: schema to validate it with */
} ProtoCase;

typedef void (*WriteMessage) (StringInfo out, ProtoCase *c);

/* How to handle one message type. */
typedef struct MessageType
{
	char		type;
	const char *name;
	GtFuzzStep	read;			/* decodes the body into the ProtoCase */
	WriteMessage write;			/* encodes the decoded ProtoCase again */
	void		(*then) (ProtoCase *c); /* what apply does next, or NULL */
} MessageType;

/* Messages decoded from one input at most: keeps each run short. */
#define MAX_MESSAGES 64

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool decode_message(StringInfo in);
static void check_round_trip(const MessageType *mt, ProtoCase *c);
static void read_type_step(void *arg);
static void read_begin_step(void *arg);
static void read_version_step(void *arg);
static void read_commit_step(void *arg);
static void write_begin(StringInfo out, ProtoCase *c);
static void write_version(StringInfo out, ProtoCase *c);
static void write_commit(StringInfo out, ProtoCase *c);
#ifdef GT_MSG_WATERMARK
static void read_watermark_step(void *arg);
static void write_watermark(StringInfo out, ProtoCase *c);
#endif
static void apply_version(ProtoCase *c);
static void check_step(void *arg);
static void print_step(void *arg);
static void size_step(void *arg);
static void validate_step(void *arg);

static const MessageType message_types[] = {
	{GT_MSG_BEGIN, "BEGIN", read_begin_step, write_begin, NULL},
	{GT_MSG_VERSION, "VERSION", read_version_step, write_version,
	apply_version},
	{GT_MSG_COMMIT, "COMMIT", read_commit_step, write_commit, NULL},
#ifdef GT_MSG_WATERMARK
	{GT_MSG_WATERMARK, "WATERMARK", read_watermark_step, write_watermark,
	NULL},
#endif
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	gt_fuzz_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy;
	size_t		pos = 0;

	if (size > 1024 * 1024)
		return -1;

	gt_fuzz_begin_input();

	/*
	 * An exact-size malloc'd copy (plus the terminating NUL every StringInfo
	 * has), so that AddressSanitizer sees an overrun.  Each message is read
	 * through a StringInfo that starts where it starts and ends where the
	 * input ends, as the worker's cursor moves through the chunk.
	 */
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (int n = 0; n < MAX_MESSAGES && (n == 0 || pos < size); n++)
	{
		StringInfoData in;

		in.data = copy + pos;
		in.len = (int) (size - pos);
		in.maxlen = in.len + 1;
		in.cursor = 0;
		if (!decode_message(&in))
			break;
		pos += in.cursor;
	}

	free(copy);
	gt_fuzz_end_input();
	return 0;
}

/*
 * decode_message
 *		Decode, check and apply the message at the start of in; false if it
 *		was rejected.
 */
static bool
decode_message(StringInfo in)
{
	ProtoCase	c;
	const MessageType *mt = NULL;

	memset(&c, 0, sizeof(c));
	c.in = in;

	if (gt_fuzz_try("gt_proto_read_type", read_type_step, &c,
					GT_FUZZ_ERRORS_PROTOCOL))
	{
		for (int i = 0; i < lengthof(message_types); i++)
		{
			if (message_types[i].type == c.type)
				mt = &message_types[i];
		}
	}

	/* apply_message rejects an unknown type; so do we, by stopping. */
	if (mt == NULL ||
		!gt_fuzz_try(mt->name, mt->read, &c, GT_FUZZ_ERRORS_PROTOCOL))
		return false;
	if (in->cursor > in->len)
		gt_fuzz_fail("%s read %d bytes of a %d-byte message",
					 mt->name, in->cursor, in->len);
	check_round_trip(mt, &c);
	if (mt->then != NULL)
		mt->then(&c);
	return true;
}

/*
 * check_round_trip
 *		Check that writing the decoded message gives back the bytes read.
 *
 * One difference is by design and not reported: a string is cut at its
 * first NUL byte (read_string uses pnstrdup).  When that applies, the
 * message written is checked to read back to the same message instead.
 */
static void
check_round_trip(const MessageType *mt, ProtoCase *c)
{
	StringInfoData out;
	StringInfoData again;
	ProtoCase	c2;

	initStringInfo(&out);
	mt->write(&out, c);
	if (out.len == c->in->cursor &&
		memcmp(out.data, c->in->data, out.len) == 0)
		return;

	/* Not byte for byte: out must at least decode to the same message. */
	memset(&c2, 0, sizeof(c2));
	c2.in = &out;
	if (!gt_fuzz_try("re-reading a written message's type", read_type_step,
					 &c2, GT_FUZZ_ERRORS_NONE) ||
		c2.type != c->type ||
		!gt_fuzz_try("re-reading a written message", mt->read, &c2,
					 GT_FUZZ_ERRORS_NONE) ||
		out.cursor != out.len)
		gt_fuzz_fail("%s: a written message does not read back", mt->name);

	initStringInfo(&again);
	mt->write(&again, &c2);
	if (again.len != out.len || memcmp(again.data, out.data, out.len) != 0)
		gt_fuzz_fail("%s: writing what was read changes the message",
					 mt->name);

	/* Only strings cut at a NUL may explain the difference. */
	if (mt->type != GT_MSG_VERSION)
		gt_fuzz_fail("%s: %d bytes read, %d bytes written back differ",
					 mt->name, c->in->cursor, out.len);
}

/* Step: the type byte. */
static void
read_type_step(void *arg)
{
	ProtoCase  *c = (ProtoCase *) arg;

	c->type = gt_proto_read_type(c->in);
}

/* Step: a BEGIN body. */
static void
read_begin_step(void *arg)
{
	ProtoCase  *c = (ProtoCase *) arg;

	gt_proto_read_begin(c->in, &c->begin);
}

/* Step: a VERSION body. */
static void
read_version_step(void *arg)
{
	ProtoCase  *c = (ProtoCase *) arg;

	gt_proto_read_version(c->in, &c->version);
}

/* Step: a COMMIT body. */
static void
read_commit_step(void *arg)
{
	ProtoCase  *c = (ProtoCase *) arg;

	gt_proto_read_commit(c->in, &c->commit);
}

#ifdef GT_MSG_WATERMARK
/* Step: a WATERMARK body. */
static void
read_watermark_step(void *arg)
{
	ProtoCase  *c = (ProtoCase *) arg;

	c->watermark = gt_proto_read_watermark(c->in);
}
#endif

static void
write_begin(StringInfo out, ProtoCase *c)
{
	gt_proto_write_begin(out, &c->begin);
}

static void
write_version(StringInfo out, ProtoCase *c)
{
	gt_proto_write_version(out, &c->version);
}

static void
write_commit(StringInfo out, ProtoCase *c)
{
	gt_proto_write_commit(out, &c->commit);
}

#ifdef GT_MSG_WATERMARK
static void
write_watermark(StringInfo out, ProtoCase *c)
{
	gt_proto_write_watermark(out, c->watermark);
}
#endif

/*
 * apply_version
 *		What the link worker does with a version's item (gt_apply_version):
 *		gt_jsonb_check, then reading the item with PostgreSQL's jsonb code.
 *
 * An accepted item must print (JsonbToCString walks every value), parse
 * back with jsonb_in, and compare equal to what it printed: a malformed
 * item that slipped through the check shows up here as a sanitizer
 * report, an ERROR or a difference.  Then it gets the checks an item from
 * a client gets; the item of a tombstone holds only the key, so it is
 * checked as a key.  The key schema is that of the seeds' tables, a
 * string hash key "id".
 */
static void
apply_version(ProtoCase *c)
{
	if (!gt_fuzz_try("gt_jsonb_check", check_step, c,
					 GT_FUZZ_ERRORS_PROTOCOL))
		return;

	gt_fuzz_try("JsonbToCString on a checked item", print_step, c,
				GT_FUZZ_ERRORS_NONE);
	c->reparsed = gt_fuzz_jsonb_in(c->text);
	if (c->reparsed == NULL)
		gt_fuzz_fail("jsonb_in rejects the text of a checked item: %s",
					 c->text);
	if (compareJsonbContainers(&c->item->root, &c->reparsed->root) != 0)
		gt_fuzz_fail("a checked item differs from its own text form: %s",
					 c->text);

	c->ks.hash_name = "id";
	c->ks.hash_type = 'S';
	c->ks.range_name = NULL;
	c->ks.range_type = 0;

	gt_fuzz_try("gt_item_size", size_step, c, GT_FUZZ_ERRORS_NONE);
	gt_fuzz_try(c->version.deleting ? "gt_item_validate_key" :
				"gt_item_validate_item", validate_step, c,
				GT_FUZZ_ERRORS_ITEM);
}

/* Step: gt_jsonb_check on a version's item bytes. */
static void
check_step(void *arg)
{
	ProtoCase  *c = (ProtoCase *) arg;

	c->item = gt_jsonb_check(c->version.item, c->version.item_len);
}

/* Step: a checked item as JSON text. */
static void
print_step(void *arg)
{
	ProtoCase  *c = (ProtoCase *) arg;

	c->text = JsonbToCString(NULL, &c->item->root, VARSIZE(c->item));
}

/* Step: gt_item_size on a version's item. */
static void
size_step(void *arg)
{
	ProtoCase  *c = (ProtoCase *) arg;

	(void) gt_item_size(c->item);
}

/* Step: validate a version's item, or its key for a tombstone. */
static void
validate_step(void *arg)
{
	ProtoCase  *c = (ProtoCase *) arg;

	if (c->version.deleting)
		gt_item_validate_key(c->item, &c->ks);
	else
		gt_item_validate_item(c->item, &c->ks);
}
