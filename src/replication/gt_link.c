/*-------------------------------------------------------------------------
 *
 * gt_link.c
 *		Link worker of pg_global_tables: connects to one peer region, streams
 *		its item versions from the slot the peer keeps for this region, and
 *		applies them here (gt_apply_version.c: the write primitive, decided
 *		by last-writer-wins).
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/replication/gt_link.c
 *
 * NOTES
 *	  Progress
 *		The worker sets up the replication origin gt_<local>_<peer> before it
 *		applies anything, and sets the origin LSN and timestamp before each
 *		commit, so the commit record itself records how far the stream has
 *		been applied (see origin.c).  After a crash the worker restarts from
 *		that position; a change sent twice is decided by last-writer-wins,
 *		which discards a version equal to the stored one, so it has no
 *		effect.
 *		Transactions commit asynchronously, as core's apply workers do: the
 *		worker remembers, for each remote commit, where its local commit
 *		record ends, and reports to the peer as flushed only the remote
 *		positions whose local commits are on disk, so the peer's slot keeps
 *		whatever a crash here could still lose.  When the stream has been
 *		quiet for QUIET_FLUSH_DELAY_MS the worker flushes WAL itself, once
 *		for everything pending, so that gt.wait_for_replication() does not
 *		wait for the WAL writer.  Flushing as soon as the stream paused
 *		meant an fsync per remote transaction at moderate rates, competing
 *		with the region's own committing clients for the WAL.
 *
 *	  Feedback
 *		The peer's walsender sends a keepalive each time it has caught up with
 *		a WAL flush of its cluster and got past what this worker reported.  In
 *		one cluster every commit of every region is such a flush, so even a
 *		link with nothing to apply gets about one keepalive per commit of the
 *		whole cluster, and answering each at once doubled the messages.  The
 *		worker therefore reports progress that advanced at most every
 *		FEEDBACK_MIN_INTERVAL_MS unless the peer asks for an answer; progress
 *		not yet reported sets the worker's next wake-up, so
 *		gt.wait_for_replication() learns of it at most that much later.  The
 *		worker waits on one wait set for its whole life, since it wakes so
 *		often.
 *
 *	  Batches
 *		When more of the peer's transactions are already received than were
 *		applied, the worker applies them in one local transaction, up to
 *		"gt.apply_batch_size" of them or "gt.apply_batch_max_time" of applying,
 *		and commits when the stream has nothing more to give (or before a
 *		watermark).  A backlog is thus applied at the cost of a few commits
 *		instead of one per remote transaction, and a quiet stream waits for
 *		nothing.  The time limit bounds how much later than one by one the
 *		first transactions of a batch become visible: a worker that fell
 *		behind for a moment (a stall of the machine) must not turn that into
 *		a long batch.  The origin
 *		records the last remote commit of the batch, so the batch is applied
 *		exactly once like a single transaction.  Versions are still applied
 *		in the peer's commit order, each with its own snapshot, so LWW sees
 *		the same rows as it would one by one.  An error while applying a
 *		version names its own remote transaction (which gt.skip_transaction
 *		can skip); an error while committing a batch cannot, so the worker
 *		records how far that batch went, and the next worker applies up to
 *		there one transaction at a time, where the error will name its
 *		transaction.
 *
 *	  Which changes apply
 *		Each version is handed to gt_apply_version.c, which applies it only
 *		if this region still has a replica of the table that lists the peer,
 *		and only if it is newer than the stored version.
 *
 *	  Errors
 *		An error ends the worker (exit code 1) after the transaction is rolled
 *		back; the launcher restarts it after "gt.link_retry_interval".  An
 *		error context names the peer, the table and the remote transaction,
 *		and the error is kept in shared memory for gt.links until the link
 *		works again.  A transaction that can never apply here (a poison
 *		change, say a local constraint the row violates) can be skipped with
 *		gt.skip_transaction(peer, finish_lsn): the worker reads the request
 *		when it starts, skips that transaction's versions, and deletes the
 *		request in the transaction that records the skip in its origin.
 *
 *	  Memory
 *		ApplyContext lives as long as the worker; ApplyMessageContext is reset
 *		after every message.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "libpq/libpq-be-fe-helpers.h"
#include "libpq/pqformat.h"
#include "libpq/pqsignal.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "replication/origin.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/pg_lsn.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "gt/apply_version.h"
#include "gt/clock.h"
#include "gt/gt.h"
#include "gt/link.h"
#include "gt/link_state.h"
#include "gt/region.h"
#include "gt/proto.h"
#include "gt/remote.h"

/* How often to report progress to the peer when nothing else happens. */
#define FEEDBACK_INTERVAL_MS	1000

/* How often at most to report progress that advanced (see NOTES). */
#define FEEDBACK_MIN_INTERVAL_MS	10

/* How long the stream must be quiet before the worker flushes WAL itself. */
#define QUIET_FLUSH_DELAY_MS	10


static MemoryContext ApplyContext = NULL;
static MemoryContext ApplyMessageContext = NULL;

static char local_region[NAMEDATALEN];
static char peer_region[NAMEDATALEN];
static PGconn *conn = NULL;

static bool in_remote_txn = false;
static bool local_txn_open = false; /* a batch is being applied */
static int	batch_txns = 0;		/* remote transactions in it */
static XLogRecPtr batch_end_lsn = InvalidXLogRecPtr;	/* last of them */
static TimestampTz batch_commit_time = 0;
static TimestampTz batch_started = 0;
static bool committing_batch = false;
static XLogRecPtr unbatched_until = InvalidXLogRecPtr;	/* see NOTES */
static XLogRecPtr skip_lsn = InvalidXLogRecPtr;	/* from gt.link_skip */
static bool skipping = false;	/* in the transaction to skip */
static bool link_error_cleared = false;

/*
 * Remote commit positions whose local commits may not be flushed yet, oldest
 * first.  A ring buffer: the stream is drained and flushed in batches, so it
 * stays short; when full, WAL is flushed and the ring emptied.
 */
#define FLUSH_RING_SIZE 1024
typedef struct FlushPosition
{
	XLogRecPtr	local_end;
	XLogRecPtr	remote_end;
} FlushPosition;
static FlushPosition flush_ring[FLUSH_RING_SIZE];
static int	flush_ring_head = 0;	/* oldest entry */
static int	flush_ring_count = 0;

static XLogRecPtr last_received_lsn = InvalidXLogRecPtr;	/* applied */
static XLogRecPtr last_flushed_lsn = InvalidXLogRecPtr; /* durable here */
static XLogRecPtr idle_wal_end = InvalidXLogRecPtr; /* keepalive, no txn open */
static XLogRecPtr last_reported_lsn = InvalidXLogRecPtr;
static TimestampTz last_report_time = 0;

/* What the error context callback reports. */
static struct
{
	const char *action;
	const char *table_name;
	TransactionId remote_xid;
	XLogRecPtr	final_lsn;
	int			batch_txns;		/* committing this many; see NOTES */
} apply_error_state;

static void
apply_error_callback(void *arg)
{
	if (apply_error_state.action == NULL)
		return;
	if (apply_error_state.batch_txns > 1)
		errcontext("processing remote data for region \"%s\" during \"%s\" of %d transactions, the last finished at %X/%X",
				   peer_region, apply_error_state.action,
				   apply_error_state.batch_txns,
				   LSN_FORMAT_ARGS(apply_error_state.final_lsn));
	else if (apply_error_state.table_name)
		errcontext("processing remote data for region \"%s\" during \"%s\" for table \"%s\" in transaction %u, finished at %X/%X",
				   peer_region, apply_error_state.action,
				   apply_error_state.table_name,
				   apply_error_state.remote_xid,
				   LSN_FORMAT_ARGS(apply_error_state.final_lsn));
	else
		errcontext("processing remote data for region \"%s\" during \"%s\" in transaction %u, finished at %X/%X",
				   peer_region, apply_error_state.action,
				   apply_error_state.remote_xid,
				   LSN_FORMAT_ARGS(apply_error_state.final_lsn));
}

/*
 * advance_flushed moves last_flushed_lsn past every remote commit whose local
 * commit is flushed, and past the idle keepalive position once nothing is
 * pending.
 */
static void
advance_flushed(void)
{
	XLogRecPtr	local_flush = GetFlushRecPtr(NULL);

	while (flush_ring_count > 0)
	{
		FlushPosition *pos = &flush_ring[flush_ring_head];

		if (pos->local_end > local_flush)
			return;
		last_flushed_lsn = Max(last_flushed_lsn, pos->remote_end);
		flush_ring_head = (flush_ring_head + 1) % FLUSH_RING_SIZE;
		flush_ring_count--;
	}
	last_flushed_lsn = Max(last_flushed_lsn, idle_wal_end);
}

/*
 * flush_pending makes every pending local commit durable with one WAL flush.
 */
static void
flush_pending(void)
{
	if (flush_ring_count > 0)
	{
		int			newest = (flush_ring_head + flush_ring_count - 1) % FLUSH_RING_SIZE;

		XLogFlush(flush_ring[newest].local_end);
	}
	advance_flushed();
}

/*
 * remember_commit records that remote commit remote_end was applied by the
 * local commit ending at local_end.  A commit that wrote nothing has no
 * local record (local_end is stale) and is flushed as soon as its
 * predecessors are.
 */
static void
remember_commit(XLogRecPtr local_end, XLogRecPtr remote_end)
{
	if (flush_ring_count == FLUSH_RING_SIZE)
		flush_pending();
	flush_ring[(flush_ring_head + flush_ring_count) % FLUSH_RING_SIZE] =
		(FlushPosition) {local_end, remote_end};
	flush_ring_count++;
}

/*
 * forget_skip_request deletes the skip request in the transaction that skips,
 * so the skip and the origin's progress past it commit together.
 */
static void
forget_skip_request(void)
{
	PushActiveSnapshot(GetTransactionSnapshot());
	gt_link_skip_forget(peer_region);
	PopActiveSnapshot();
	skip_lsn = InvalidXLogRecPtr;
}

static void commit_batch(void);

static void
handle_begin(StringInfo s)
{
	GtBeginMsg msg;

	gt_proto_read_begin(s, &msg);
	apply_error_state.action = "BEGIN";
	apply_error_state.remote_xid = msg.xid;
	apply_error_state.final_lsn = msg.final_lsn;
	skipping = (msg.final_lsn == skip_lsn);
	if (skipping)
		ereport(LOG,
				(errmsg("skipping transaction %u of region \"%s\", finished at %X/%X, as requested by gt.skip_transaction()",
						msg.xid, peer_region, LSN_FORMAT_ARGS(msg.final_lsn))));

	if (!local_txn_open)
	{
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		pgstat_report_activity(STATE_RUNNING, "applying remote transactions");
		local_txn_open = true;
		batch_started = GetCurrentTimestamp();
	}
	in_remote_txn = true;
}

static void
handle_version(StringInfo s)
{
	GtVersionMsg msg;

	if (!in_remote_txn)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("item version outside a transaction from region \"%s\"",
						peer_region)));
	gt_proto_read_version(s, &msg);
	if (skipping)
		return;
	apply_error_state.action = "VERSION";
	apply_error_state.table_name = msg.table_name;

	/* One step: its own snapshot, and visible to the next one. */
	PushActiveSnapshot(GetTransactionSnapshot());
	gt_apply_version(&msg, peer_region);
	PopActiveSnapshot();
	CommandCounterIncrement();

	apply_error_state.table_name = NULL;
}

static void
handle_commit(StringInfo s)
{
	GtCommitMsg msg;

	if (!in_remote_txn)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("commit outside a transaction from region \"%s\"",
						peer_region)));
	gt_proto_read_commit(s, &msg);
	apply_error_state.action = "COMMIT";

	if (skipping)
		forget_skip_request();
	in_remote_txn = false;
	skipping = false;
	batch_txns++;
	batch_end_lsn = msg.end_lsn;
	batch_commit_time = msg.commit_time;
	apply_error_state.action = NULL;

	/* See NOTES: the caller commits a batch when the stream pauses. */
	if (batch_txns >= gt_apply_batch_size || msg.end_lsn <= unbatched_until ||
		(gt_apply_batch_max_time > 0 &&
		 TimestampDifferenceExceeds(batch_started, GetCurrentTimestamp(),
									gt_apply_batch_max_time)))
		commit_batch();
}

/*
 * commit_batch commits the local transaction that applied the remote
 * transactions received since the last one, recording in the origin that
 * the stream is applied up to the last of them.
 */
static void
commit_batch(void)
{
	Assert(local_txn_open && !in_remote_txn);
	apply_error_state.action = "COMMIT";
	apply_error_state.batch_txns = batch_txns;
	/* apply_error_state.final_lsn is the last remote transaction's. */
	committing_batch = true;

	gt_apply_version_end();
	replorigin_session_origin_lsn = batch_end_lsn;
	replorigin_session_origin_timestamp = batch_commit_time;
	CommitTransactionCommand();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);

	committing_batch = false;
	local_txn_open = false;
	batch_txns = 0;
	last_received_lsn = batch_end_lsn;
	remember_commit(XactLastCommitEnd, batch_end_lsn);
	apply_error_state.action = NULL;
	apply_error_state.batch_txns = 0;
	if (!link_error_cleared)
	{
		gt_link_state_clear_error(MyDatabaseId, peer_region, false);
		link_error_cleared = true;
	}
}

/*
 * handle_watermark records the peer's watermark.  Every transaction the peer
 * committed before sending it has been applied (messages are handled in
 * order), so from here on tombstones older than it may be collected as far
 * as this peer is concerned (see gt_tombstone.c).
 */
static void
handle_watermark(StringInfo s)
{
	int64		watermark;

	if (in_remote_txn)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("watermark inside a transaction from region \"%s\"",
						peer_region)));
	watermark = gt_proto_read_watermark(s);
	/* What came before it must be committed here before it counts. */
	if (local_txn_open)
		commit_batch();
	if (!gt_clock_plausible(watermark))
	{
		/* Not a time any region could have stamped: nothing to trust. */
		ereport(WARNING,
				(errmsg("ignoring watermark %lld from region \"%s\"",
						(long long) watermark, peer_region),
				 errdetail("A watermark is a time after 1970 and no further ahead of this server's clock than \"gt.max_clock_lead\".")));
		return;
	}
	gt_link_state_set_watermark(MyDatabaseId, peer_region, watermark);
}

/*
 * apply_message dispatches one message of the stream.
 */
static void
apply_message(StringInfo s)
{
	char		type = gt_proto_read_type(s);

	switch (type)
	{
		case GT_MSG_BEGIN:
			handle_begin(s);
			break;
		case GT_MSG_VERSION:
			handle_version(s);
			break;
		case GT_MSG_COMMIT:
			handle_commit(s);
			break;
		case GT_MSG_WATERMARK:
			handle_watermark(s);
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("invalid message type \"%c\" from region \"%s\"",
							type, peer_region)));
	}
}

/*
 * send_feedback tells the peer how far this region has applied and made
 * durable its stream, so that the peer's slot can release WAL.
 */
static void
send_feedback(bool force)
{
	StringInfoData buf;
	TimestampTz now = GetCurrentTimestamp();

	advance_flushed();
	if (!force &&
		!TimestampDifferenceExceeds(last_report_time, now,
									last_flushed_lsn != last_reported_lsn ?
									FEEDBACK_MIN_INTERVAL_MS :
									FEEDBACK_INTERVAL_MS * 10))
		return;

	initStringInfo(&buf);
	pq_sendbyte(&buf, 'r');
	pq_sendint64(&buf, Max(last_received_lsn, last_flushed_lsn));	/* write */
	pq_sendint64(&buf, last_flushed_lsn);	/* flush */
	pq_sendint64(&buf, Max(last_received_lsn, last_flushed_lsn));	/* apply */
	pq_sendint64(&buf, now);
	pq_sendbyte(&buf, 0);
	if (PQputCopyData(conn, buf.data, buf.len) <= 0 || PQflush(conn) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("could not send feedback to region \"%s\": %s",
						peer_region, pchomp(PQerrorMessage(conn)))));
	pfree(buf.data);
	last_reported_lsn = last_flushed_lsn;
	last_report_time = now;
}

/*
 * process_copy_data handles one CopyData message of the replication stream.
 */
static void
process_copy_data(char *buf, int len)
{
	StringInfoData s;
	char		kind;

	s.data = buf;
	s.len = len;
	s.cursor = 0;
	s.maxlen = -1;

	kind = pq_getmsgbyte(&s);
	if (kind == 'w')
	{
		(void) pq_getmsgint64(&s);	/* dataStart */
		(void) pq_getmsgint64(&s);	/* walEnd */
		(void) pq_getmsgint64(&s);	/* sendTime */
		/* A chunk of messages (see gt_output.c), each in its own context. */
		do
		{
			MemoryContext old = MemoryContextSwitchTo(ApplyMessageContext);

			apply_message(&s);
			MemoryContextSwitchTo(old);
			MemoryContextReset(ApplyMessageContext);
		} while (s.cursor < s.len);
	}
	else if (kind == 'k')
	{
		XLogRecPtr	wal_end = pq_getmsgint64(&s);
		bool		reply;

		(void) pq_getmsgint64(&s);	/* sendTime */
		reply = pq_getmsgbyte(&s);

		/*
		 * Every message before the keepalive has been processed: with no
		 * transaction open, everything up to wal_end is applied and
		 * committed here, and durable once the commits still pending are.
		 */
		if (!local_txn_open)
		{
			idle_wal_end = Max(idle_wal_end, wal_end);
			/* Streaming works: a connection error is over. */
			if (!link_error_cleared)
				gt_link_state_clear_error(MyDatabaseId, peer_region, true);
		}
		send_feedback(reply);
	}
}

/*
 * read_link_settings reads this region's name and the peer's connection
 * string from the catalogs, and makes sure the link's origin exists.
 */
static char *
read_link_settings(RepOriginId *originid)
{
	char		origin_name[NAMEDATALEN];
	char	   *conninfo;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	strlcpy(local_region, gt_region_local(), NAMEDATALEN);
	conninfo = MemoryContextStrdup(ApplyContext, gt_region_conninfo(peer_region));
	skip_lsn = gt_link_skip_request(peer_region);

	gt_link_name(origin_name, local_region, peer_region);
	*originid = replorigin_by_name(origin_name, true);
	if (*originid == InvalidRepOriginId)
		*originid = replorigin_create(origin_name);

	PopActiveSnapshot();
	CommitTransactionCommand();
	return conninfo;
}

/*
 * start_streaming connects to the peer and starts streaming from its slot
 * for this region at startpos.
 */
static void
start_streaming(const char *conninfo, XLogRecPtr startpos)
{
	char		slot_name[NAMEDATALEN];
	StringInfoData cmd;
	PGresult   *res;
	char	   *quoted_peer;

	conn = gt_remote_connect(peer_region, conninfo, true);
	gt_link_name(slot_name, peer_region, local_region);
	quoted_peer = PQescapeLiteral(conn, local_region, strlen(local_region));
	initStringInfo(&cmd);
	appendStringInfo(&cmd,
					 "START_REPLICATION SLOT \"%s\" LOGICAL %X/%X (\"proto_version\" '%d', \"peer\" %s)",
					 slot_name, LSN_FORMAT_ARGS(startpos),
					 GT_PROTO_VERSION_MAX, quoted_peer);
	PQfreemem(quoted_peer);
	res = libpqsrv_exec(conn, cmd.data, PG_WAIT_EXTENSION);
	if (res == NULL || PQresultStatus(res) != PGRES_COPY_BOTH)
	{
		char	   *msg = pchomp(PQerrorMessage(conn));

		PQclear(res);
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("could not start replication from region \"%s\": %s",
						peer_region, msg),
				 errdetail("The slot is \"%s\" in region \"%s\".",
						   slot_name, peer_region)));
	}
	PQclear(res);
	ereport(LOG,
			(errmsg("gt link worker for region \"%s\" started streaming at %X/%X",
					peer_region, LSN_FORMAT_ARGS(startpos))));
}

static void
apply_shutdown(int code, Datum arg)
{
	if (conn)
	{
		libpqsrv_disconnect(conn);
		conn = NULL;
	}
}

/*
 * consume_input reads into libpq's buffer whatever the peer has sent.
 */
static void
consume_input(void)
{
	if (PQconsumeInput(conn) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("could not receive data from region \"%s\": %s",
						peer_region, pchomp(PQerrorMessage(conn)))));
}

static void apply_link(Oid dboid);
static void record_link_error(void);

/*
 * gt_link_main is the entry point of a link worker.  main_arg is the
 * database OID; bgw_extra holds the peer region's name.
 */
void
gt_link_main(Datum main_arg)
{
	Oid			dboid = DatumGetObjectId(main_arg);

	strlcpy(peer_region, MyBgworkerEntry->bgw_extra, NAMEDATALEN);

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);

	ApplyContext = AllocSetContextCreate(TopMemoryContext, "ApplyContext",
										 ALLOCSET_DEFAULT_SIZES);
	ApplyMessageContext = AllocSetContextCreate(ApplyContext,
												"ApplyMessageContext",
												ALLOCSET_DEFAULT_SIZES);
	/* Applied changes run as a replica: only ALWAYS triggers fire. */
	SetConfigOption("session_replication_role", "replica",
					PGC_SUSET, PGC_S_OVERRIDE);
	/* One-row statements never pay back JIT compilation. */
	SetConfigOption("jit", "off", PGC_SUSET, PGC_S_OVERRIDE);
	/* Commits are made durable in batches; see NOTES. */
	SetConfigOption("synchronous_commit", "off", PGC_SUSET, PGC_S_OVERRIDE);
	/* Nothing a user created can be picked up by name while applying. */
	SetConfigOption("search_path", "pg_catalog, pg_temp",
					PGC_SUSET, PGC_S_OVERRIDE);
	/*
	 * A row lock an idle transaction holds here would stop the link without
	 * a word: after this long the worker fails, says why in gt.links, and
	 * retries.
	 */
	SetConfigOption("lock_timeout", psprintf("%d", gt_link_lock_timeout),
					PGC_SUSET, PGC_S_OVERRIDE);

	PG_TRY();
	{
		apply_link(dboid);
	}
	PG_CATCH();
	{
		record_link_error();
		PG_RE_THROW();
	}
	PG_END_TRY();
}

/*
 * record_link_error keeps the error that is ending this worker for gt.links.
 */
static void
record_link_error(void)
{
	MemoryContext old = MemoryContextSwitchTo(ApplyContext);
	ErrorData  *edata = CopyErrorData();
	bool		one_txn = in_remote_txn || (committing_batch && batch_txns == 1);

	gt_link_state_set_error(MyDatabaseId, peer_region,
							one_txn ? apply_error_state.final_lsn : InvalidXLogRecPtr,
							edata->message,
							committing_batch && batch_txns > 1 ?
							batch_end_lsn : InvalidXLogRecPtr);
	FreeErrorData(edata);
	MemoryContextSwitchTo(old);
}

/*
 * apply_link connects to the peer and applies its stream until an error or
 * shutdown.
 */
static void
apply_link(Oid dboid)
{
	RepOriginId originid;
	char	   *conninfo;
	ErrorContextCallback errcallback;
	bool		quiet = false;	/* the last wait timed out */
	WaitEventSet *waitset;
	WaitEvent	events[3];

	/*
	 * Name the session after the link first, so that gt.links finds this
	 * worker even while it waits below (creating its origin waits for any
	 * transaction that created or dropped one, update_table's among them).
	 */
	{
		char		link[NAMEDATALEN];

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		strlcpy(local_region, gt_region_local(), NAMEDATALEN);
		PopActiveSnapshot();
		CommitTransactionCommand();
		gt_link_name(link, local_region, peer_region);
		SetConfigOption("application_name", link, PGC_USERSET, PGC_S_SESSION);
	}
	conninfo = read_link_settings(&originid);
	replorigin_session_setup(originid);
	replorigin_session_origin = originid;
	last_flushed_lsn = replorigin_session_get_progress(false);
	last_received_lsn = last_flushed_lsn;
	last_reported_lsn = last_flushed_lsn;
	unbatched_until = gt_link_state_unbatched_until(MyDatabaseId,
														peer_region);

	before_shmem_exit(apply_shutdown, (Datum) 0);
	start_streaming(conninfo, last_flushed_lsn);

	/*
	 * One wait set for the worker's life: WaitLatchOrSocket() would build
	 * and close an epoll set at every wake-up, and the worker wakes for
	 * every keepalive of the peer, i.e. at about every WAL flush there.
	 */
	waitset = CreateWaitEventSet(ApplyContext, 3);
	AddWaitEventToSet(waitset, WL_LATCH_SET, PGINVALID_SOCKET, MyLatch, NULL);
	AddWaitEventToSet(waitset, WL_EXIT_ON_PM_DEATH, PGINVALID_SOCKET, NULL, NULL);
	AddWaitEventToSet(waitset, WL_SOCKET_READABLE, PQsocket(conn), NULL, NULL);

	errcallback.callback = apply_error_callback;
	errcallback.arg = NULL;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	for (;;)
	{
		int			nevents;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		consume_input();
		for (;;)
		{
			char	   *buf = NULL;
			int			len = PQgetCopyData(conn, &buf, 1);

			if (len == 0 && local_txn_open)
			{
				/* That was all libpq had read: has more arrived since? */
				consume_input();
				len = PQgetCopyData(conn, &buf, 1);
			}
			if (len == 0)
			{
				/* Nothing more received: commit the batch (see NOTES). */
				if (local_txn_open && !in_remote_txn)
					commit_batch();
				break;
			}
			if (len == -1)
				ereport(ERROR,
						(errcode(ERRCODE_CONNECTION_FAILURE),
						 errmsg("replication stream from region \"%s\" ended",
								peer_region)));
			if (len < -1)
				ereport(ERROR,
						(errcode(ERRCODE_CONNECTION_FAILURE),
						 errmsg("could not receive data from region \"%s\": %s",
								peer_region, pchomp(PQerrorMessage(conn)))));
			process_copy_data(buf, len);
			PQfreemem(buf);
			CHECK_FOR_INTERRUPTS();
		}

		/*
		 * The stream has been quiet for QUIET_FLUSH_DELAY_MS: make what was
		 * applied durable (see NOTES), and say so.
		 */
		if (quiet && !in_remote_txn)
			flush_pending();
		send_feedback(false);

		nevents = WaitEventSetWait(waitset,
								   (flush_ring_count > 0 && !in_remote_txn) ||
								   last_flushed_lsn != last_reported_lsn ?
								   Max(QUIET_FLUSH_DELAY_MS, FEEDBACK_MIN_INTERVAL_MS) :
								   FEEDBACK_INTERVAL_MS,
								   events, lengthof(events), PG_WAIT_EXTENSION);
		for (int i = 0; i < nevents; i++)
			if (events[i].events & WL_LATCH_SET)
				ResetLatch(MyLatch);
		quiet = nevents == 0;
	}
}
