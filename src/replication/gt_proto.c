/*-------------------------------------------------------------------------
 *
 * gt_proto.c
 *		Wire format of pg_global_tables' replication stream: the write half
 *		used by the output plugin and the read half used by link workers.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/replication/gt_proto.c
 *
 * NOTES
 *		Protocol version 2 (gt/proto.h; version 1 sent one message per
 *		CopyData).  The messages of a transaction travel in chunks: one
 *		CopyData payload holds one or more whole messages, back to back, up
 *		to a commit or about 64 kB (replication/gt_output.c), and the
 *		receiver reads until the payload ends.  Every message starts with a
 *		type byte; integers are network byte order, strings and bytes are a
 *		32-bit length and that many bytes (no terminator, no encoding
 *		conversion: all regions of a global table share the server encoding
 *		UTF8 that jsonb requires for the \u escapes items use).  Items are
 *		sent in jsonb's binary form, which is the same on every platform
 *		PostgreSQL runs on little-endian; regions must share the byte order.
 *
 *		B  final_lsn int64, commit_time int64, xid uint32
 *		V  table string, update_region string, update_time int64,
 *		   flags byte (GT_VERSION_DELETING, GT_VERSION_INSERTED),
 *		   item bytes (the contents of its jsonb value, after the length
 *		   word: no conversion to JSON text and back; the receiver checks
 *		   them with gt_jsonb_check() before use)
 *		C  commit_lsn int64, end_lsn int64, commit_time int64
 *		W  watermark int64, between transactions: every change the sender
 *		   commits after this message has a later update time (see
 *		   gt_tombstone.c)
 *
 *		The output plugin and the link worker share no other state: this file
 *		is where they meet.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"

#include "gt/proto.h"

static void
write_string(StringInfo out, const char *s)
{
	int			len = strlen(s);

	pq_sendint32(out, len);
	pq_sendbytes(out, s, len);
}

/* Reads a 32-bit length that the rest of the message can hold. */
static int
read_length(StringInfo in)
{
	int			len = pq_getmsgint(in, 4);

	if (len < 0 || len > in->len - in->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("invalid string length %d in replication message", len)));
	return len;
}

/* Reads a string; a NUL inside it would silently cut it short. */
static char *
read_string(StringInfo in)
{
	int			len = read_length(in);
	const char *bytes = pq_getmsgbytes(in, len);

	if (memchr(bytes, '\0', len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("invalid string in replication message"),
				 errdetail("The string contains a zero byte.")));
	return pnstrdup(bytes, len);
}

/* Writes a BEGIN message. */
void
gt_proto_write_begin(StringInfo out, const GtBeginMsg *msg)
{
	pq_sendbyte(out, GT_MSG_BEGIN);
	pq_sendint64(out, msg->final_lsn);
	pq_sendint64(out, msg->commit_time);
	pq_sendint32(out, msg->xid);
}

/* Writes an item VERSION message. */
void
gt_proto_write_version(StringInfo out, const GtVersionMsg *msg)
{
	pq_sendbyte(out, GT_MSG_VERSION);
	write_string(out, msg->table_name);
	write_string(out, msg->update_region);
	pq_sendint64(out, msg->update_time);
	pq_sendbyte(out, (msg->deleting ? GT_VERSION_DELETING : 0) |
				(msg->inserted ? GT_VERSION_INSERTED : 0));
	pq_sendint32(out, msg->item_len);
	pq_sendbytes(out, msg->item, msg->item_len);
}

/* Writes a COMMIT message. */
void
gt_proto_write_commit(StringInfo out, const GtCommitMsg *msg)
{
	pq_sendbyte(out, GT_MSG_COMMIT);
	pq_sendint64(out, msg->commit_lsn);
	pq_sendint64(out, msg->end_lsn);
	pq_sendint64(out, msg->commit_time);
}

/* Writes a WATERMARK message. */
void
gt_proto_write_watermark(StringInfo out, int64 watermark)
{
	pq_sendbyte(out, GT_MSG_WATERMARK);
	pq_sendint64(out, watermark);
}

/* Reads the type byte that starts every message. */
char
gt_proto_read_type(StringInfo in)
{
	return pq_getmsgbyte(in);
}

/* Reads the body of a BEGIN message. */
void
gt_proto_read_begin(StringInfo in, GtBeginMsg *msg)
{
	msg->final_lsn = pq_getmsgint64(in);
	msg->commit_time = pq_getmsgint64(in);
	msg->xid = pq_getmsgint(in, 4);
}

/* Reads the body of a VERSION message; strings are palloc'd. */
void
gt_proto_read_version(StringInfo in, GtVersionMsg *msg)
{
	int			flags;

	msg->table_name = read_string(in);
	msg->update_region = read_string(in);
	msg->update_time = pq_getmsgint64(in);
	flags = pq_getmsgbyte(in);
	if ((flags & ~(GT_VERSION_DELETING | GT_VERSION_INSERTED)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("invalid item version flags %d in replication message", flags)));
	msg->deleting = (flags & GT_VERSION_DELETING) != 0;
	msg->inserted = (flags & GT_VERSION_INSERTED) != 0;
	msg->item_len = read_length(in);
	msg->item = pq_getmsgbytes(in, msg->item_len);
}

/* Reads the body of a COMMIT message. */
void
gt_proto_read_commit(StringInfo in, GtCommitMsg *msg)
{
	msg->commit_lsn = pq_getmsgint64(in);
	msg->end_lsn = pq_getmsgint64(in);
	msg->commit_time = pq_getmsgint64(in);
}

/* Reads the body of a WATERMARK message. */
int64
gt_proto_read_watermark(StringInfo in)
{
	return pq_getmsgint64(in);
}
