/*-------------------------------------------------------------------------
 *
 * gt_output.c
 *		Logical decoding output plugin of pg_global_tables: turns committed
 *		writes to replica tables into item versions for one peer region.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/replication/gt_output.c
 *
 * NOTES
 *	  What is sent
 *		Each slot serves one peer region, named by the "peer" option.  A change
 *		is sent if it is an INSERT or UPDATE of a replica table whose global
 *		table has a replica in that peer, according to gt.global_table and
 *		gt.replica as they were when the change was made: both are
 *		user_catalog_tables, so decoding reads them under its historic
 *		snapshot.  A replica added later does not receive older changes from
 *		the stream; it is filled by the initial copy instead.
 *
 *		Changes applied by replication carry a replication origin and are
 *		filtered out, so nothing echoes between regions.  DELETE and TRUNCATE
 *		are not sent: a delete is the tombstone version written with it (an
 *		update, or an insertion where plain SQL deleted the row, see
 *		conflict/gt_lww.c), and the other physical deletes either collect
 *		tombstones, which each region does on its own, or make way for a
 *		newer version of the key in the same transaction.
 *
 *		A write of gt._watermark (by gt._publish_watermark(), which only the
 *		launcher runs) is sent as a WATERMARK message after its transaction,
 *		between transactions.  Logical messages are not read at all: any
 *		role that can connect may emit one, so nothing they say is trusted.
 *
 *	  Chunks
 *		Messages are not written one by one: the messages of a transaction
 *		collect in a buffer that is written as one CopyData message at the
 *		commit, or sooner when it reaches CHUNK_SIZE.  Each write costs the
 *		walsender a send() and a poll for replies, and the link worker a
 *		receive; a single-row transaction was three of each (BEGIN, VERSION,
 *		COMMIT) and is now one, and a large transaction goes in chunks of
 *		hundreds of versions.  Nothing waits for a chunk to fill: the worker
 *		cannot commit before the COMMIT message anyway.
 *
 *	  Caching
 *		What a relation is comes from its descriptor (catalog/gt_table.c),
 *		cached per relation: the catalog tables carry a trigger that sends
 *		an invalidation whenever they change, and decoding replays it at the
 *		right point in the stream, where the descriptors are dropped.
 *
 *	  Memory
 *		Each change is built in a scratch context that is reset afterwards.
 *		The chunk buffer lives as long as the decoding context; it holds
 *		CHUNK_SIZE bytes plus at most one item.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "replication/logical.h"
#include "replication/origin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "gt/catalog.h"
#include "gt/gt.h"
#include "gt/proto.h"
#include "gt/table.h"

/* See NOTES: a chunk is written when it holds this many bytes. */
#define CHUNK_SIZE	(64 * 1024)

typedef struct GtOutputData
{
	MemoryContext context;		/* scratch, reset after each change */
	char	   *peer;			/* region this slot feeds */
	int			proto_version;
	StringInfoData chunk;		/* messages not written yet */
} GtOutputData;

/* Per-transaction state, in txn->output_plugin_private. */
typedef struct GtTxnData
{
	bool		sent_begin;
	int64		watermark;		/* to send after the commit, or 0 */
} GtTxnData;

extern void _PG_output_plugin_init(OutputPluginCallbacks *cb);

/* startup callback: parse options and negotiate the protocol version */
static void
gt_output_startup(LogicalDecodingContext *ctx, OutputPluginOptions *opt,
				  bool is_init)
{
	GtOutputData *data = palloc0(sizeof(GtOutputData));
	ListCell   *option;

	data->context = AllocSetContextCreate(ctx->context,
										  "gt output scratch",
										  ALLOCSET_DEFAULT_SIZES);
	data->proto_version = GT_PROTO_VERSION_MAX;
	initStringInfo(&data->chunk);
	ctx->output_plugin_private = data;
	opt->output_type = OUTPUT_PLUGIN_BINARY_OUTPUT;
	opt->receive_rewrites = false;

	foreach(option, ctx->output_plugin_options)
	{
		DefElem    *elem = lfirst(option);
		char	   *val = elem->arg ? strVal(elem->arg) : NULL;

		if (strcmp(elem->defname, "proto_version") == 0)
		{
			int32		v;

			if (val == NULL || !parse_int(val, &v, 0, NULL))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("could not parse value \"%s\" for parameter \"%s\"",
								val ? val : "", elem->defname)));
			if (v < GT_PROTO_VERSION_MIN || v > GT_PROTO_VERSION_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("protocol version %d is not supported", v),
						 errdetail("This server supports versions %d to %d.",
								   GT_PROTO_VERSION_MIN, GT_PROTO_VERSION_MAX)));
			data->proto_version = v;
		}
		else if (strcmp(elem->defname, "peer") == 0)
		{
			if (val == NULL || val[0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("could not parse value \"%s\" for parameter \"%s\"",
								val ? val : "", elem->defname)));
			data->peer = pstrdup(val);
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"%s\" = \"%s\" is unknown",
							elem->defname, val ? val : "(null)")));
	}

	/* Creating the slot needs no peer; streaming from it does. */
	if (!is_init && data->peer == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"peer\" is required")));
}

/* SHUTDOWN callback */
static void
gt_output_shutdown(LogicalDecodingContext *ctx)
{
	GtOutputData *data = ctx->output_plugin_private;

	MemoryContextDelete(data->context);
}

/*
 * write_chunk writes the messages collected so far as one CopyData message.
 */
static void
write_chunk(LogicalDecodingContext *ctx, bool last_write)
{
	GtOutputData *data = ctx->output_plugin_private;

	OutputPluginPrepareWrite(ctx, last_write);
	appendBinaryStringInfo(ctx->out, data->chunk.data, data->chunk.len);
	OutputPluginWrite(ctx, last_write);
	resetStringInfo(&data->chunk);
}

/* filter out changes that replication applied: they have an origin */
static bool
gt_output_filter_by_origin(LogicalDecodingContext *ctx, RepOriginId origin_id)
{
	return origin_id != InvalidRepOriginId;
}

/* BEGIN callback: the BEGIN message is sent with the first change */
static void
gt_output_begin(LogicalDecodingContext *ctx, ReorderBufferTXN *txn)
{
	txn->output_plugin_private =
		MemoryContextAllocZero(ctx->context, sizeof(GtTxnData));
}

/* COMMIT callback */
static void
gt_output_commit(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
				 XLogRecPtr commit_lsn)
{
	GtOutputData *data = ctx->output_plugin_private;
	GtTxnData  *txndata = txn->output_plugin_private;
	GtCommitMsg msg;

	if (txndata == NULL || (!txndata->sent_begin && txndata->watermark == 0))
	{
		/* Nothing was sent, but let the walsender report progress. */
		OutputPluginUpdateProgress(ctx, false);
		if (txndata)
			pfree(txndata);
		txn->output_plugin_private = NULL;
		return;
	}
	if (txndata->sent_begin)
	{
		msg.commit_lsn = commit_lsn;
		msg.end_lsn = txn->end_lsn;
		msg.commit_time = txn->xact_time.commit_time;
		gt_proto_write_commit(&data->chunk, &msg);
	}
	if (txndata->watermark != 0)
		gt_proto_write_watermark(&data->chunk, txndata->watermark);
	write_chunk(ctx, true);
	pfree(txndata);
	txn->output_plugin_private = NULL;
}

/*
 * remember_watermark keeps the watermark a change of gt._watermark wrote,
 * to be sent after its transaction (see NOTES).
 */
static void
remember_watermark(GtTxnData *txndata, ReorderBufferChange *change,
				   TupleDesc desc)
{
	bool		isnull;
	Datum		d;

	d = heap_getattr(&change->data.tp.newtuple->tuple,
					 Anum_gt_watermark_watermark, desc, &isnull);
	if (!isnull && DatumGetInt64(d) > 0)
		txndata->watermark = DatumGetInt64(d);
}

/* CHANGE callback */
static void
gt_output_change(LogicalDecodingContext *ctx, ReorderBufferTXN *txn,
				 Relation rel, ReorderBufferChange *change)
{
	GtOutputData *data = ctx->output_plugin_private;
	GtTxnData  *txndata = txn->output_plugin_private;
	GtTable    *table;
	MemoryContext old;
	HeapTuple	tuple;
	TupleDesc	desc = RelationGetDescr(rel);
	GtVersionMsg msg;
	bool		isnull;
	Datum		d;

	if (change->action != REORDER_BUFFER_CHANGE_INSERT &&
		change->action != REORDER_BUFFER_CHANGE_UPDATE)
		return;
	if (change->data.tp.newtuple == NULL)
		return;

	table = gt_table_by_relid(RelationGetRelid(rel));
	if (table == NULL && gt_catalog_is(rel, GT_CATALOG_WATERMARK))
	{
		remember_watermark(txndata, change, desc);
		return;
	}
	if (table == NULL || !table->complete ||
		!gt_table_has_replica(table, data->peer))
		return;

	old = MemoryContextSwitchTo(data->context);
	tuple = &change->data.tp.newtuple->tuple;

	msg.table_name = table->name;
	d = heap_getattr(tuple, table->item_att, desc, &isnull);
	if (isnull)
	{
		/* Not an item: the receiver stops on it as on any bad change. */
		static const uint32 empty_object = JB_FOBJECT;

		msg.item = (const char *) &empty_object;
		msg.item_len = sizeof(empty_object);
	}
	else
	{
		Jsonb	   *jb = DatumGetJsonbP(d);

		msg.item = VARDATA(jb);
		msg.item_len = VARSIZE(jb) - VARHDRSZ;
	}
	d = heap_getattr(tuple, table->time_att, desc, &isnull);
	msg.update_time = isnull ? 0 : DatumGetInt64(d);
	d = heap_getattr(tuple, table->region_att, desc, &isnull);
	msg.update_region = isnull ? "" : TextDatumGetCString(d);
	d = heap_getattr(tuple, table->deleting_att, desc, &isnull);
	msg.deleting = isnull ? false : DatumGetBool(d);
	/* A tombstone is never a new item, even where plain SQL inserted it. */
	msg.inserted = (change->action == REORDER_BUFFER_CHANGE_INSERT &&
					!msg.deleting);

	if (!txndata->sent_begin)
	{
		GtBeginMsg begin;

		begin.final_lsn = txn->final_lsn;
		begin.commit_time = txn->xact_time.commit_time;
		begin.xid = txn->xid;
		gt_proto_write_begin(&data->chunk, &begin);
		txndata->sent_begin = true;
	}
	gt_proto_write_version(&data->chunk, &msg);
	if (data->chunk.len >= CHUNK_SIZE)
		write_chunk(ctx, false);

	MemoryContextSwitchTo(old);
	MemoryContextReset(data->context);
}

/*
 * _PG_output_plugin_init registers the callbacks; the plugin is chosen by
 * library name, pg_global_tables.
 */
void
_PG_output_plugin_init(OutputPluginCallbacks *cb)
{
	cb->startup_cb = gt_output_startup;
	cb->begin_cb = gt_output_begin;
	cb->change_cb = gt_output_change;
	cb->commit_cb = gt_output_commit;
	cb->filter_by_origin_cb = gt_output_filter_by_origin;
	cb->shutdown_cb = gt_output_shutdown;
}
