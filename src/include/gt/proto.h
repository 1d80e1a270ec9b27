/*-------------------------------------------------------------------------
 *
 * proto.h
 *		Wire format between the output plugin and the link worker.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/proto.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_PROTO_H
#define GT_PROTO_H

#include "access/xlogdefs.h"
#include "datatype/timestamp.h"
#include "lib/stringinfo.h"

/*
 * Protocol versions this build can speak.  Version 2 sends several messages
 * in one CopyData message, which a version 1 worker would partly ignore.
 */
#define GT_PROTO_VERSION_MIN	2
#define GT_PROTO_VERSION_MAX	2

#define GT_MSG_BEGIN	'B'
#define GT_MSG_VERSION	'V'
#define GT_MSG_COMMIT	'C'
#define GT_MSG_WATERMARK	'W'

typedef struct GtBeginMsg
{
	XLogRecPtr	final_lsn;
	TimestampTz commit_time;
	TransactionId xid;
} GtBeginMsg;

typedef struct GtCommitMsg
{
	XLogRecPtr	commit_lsn;
	XLogRecPtr	end_lsn;
	TimestampTz commit_time;
} GtCommitMsg;

/* One item version: the unit of replication. */
typedef struct GtVersionMsg
{
	char	   *table_name;
	char	   *update_region;
	int64		update_time;
	bool		deleting;
	bool		inserted;		/* a new row where it was written: the key is
								 * probably new in the receiver too */
	const char *item;			/* contents of the item's jsonb value */
	uint32		item_len;
} GtVersionMsg;

/* Bits of the flags byte of a VERSION message. */
#define GT_VERSION_DELETING		0x01
#define GT_VERSION_INSERTED		0x02

/* write half, used by the output plugin */
extern void gt_proto_write_begin(StringInfo out, const GtBeginMsg *msg);
extern void gt_proto_write_version(StringInfo out, const GtVersionMsg *msg);
extern void gt_proto_write_commit(StringInfo out, const GtCommitMsg *msg);
extern void gt_proto_write_watermark(StringInfo out, int64 watermark);

/* read half, used by the link worker */
extern char gt_proto_read_type(StringInfo in);
extern void gt_proto_read_begin(StringInfo in, GtBeginMsg *msg);
extern void gt_proto_read_version(StringInfo in, GtVersionMsg *msg);
extern void gt_proto_read_commit(StringInfo in, GtCommitMsg *msg);
extern int64 gt_proto_read_watermark(StringInfo in);

#endif							/* GT_PROTO_H */
