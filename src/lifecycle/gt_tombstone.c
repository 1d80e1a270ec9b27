/*-------------------------------------------------------------------------
 *
 * gt_tombstone.c
 *		When a tombstone can be forgotten: the watermark each region sends
 *		its peers, and the launcher's periodic collection.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/lifecycle/gt_tombstone.c
 *
 * NOTES
 *	  Why tombstones are kept
 *		A delete is a tombstone version (see conflict/gt_lww.c) so that an older
 *		update arriving later from another region loses to it.  Removing the
 *		tombstone too early lets such an update resurrect the item in one
 *		region only: the regions diverge.
 *
 *	  When a tombstone can go
 *		A region R may remove a tombstone of time T once no change with an
 *		older time can still reach it.  Its own writes cannot: they take the
 *		row lock and stamp later than the stored version.  For each peer P
 *		sharing the table, R needs P's word that everything P commits from
 *		some point on is newer than T.  P gives it as a watermark W: a time
 *		below every update time any of its transactions committing after the
 *		watermark in its WAL can carry.  R records W when its link worker
 *		reaches the watermark in P's stream, that is after applying every
 *		transaction P committed before it; from then on R may remove
 *		tombstones with T < W as far as P is concerned, and a tombstone goes
 *		when that holds for every peer of its table.  A peer that is away,
 *		partitioned or stuck on a poison change sends no new watermark, so
 *		tombstones wait for it.  Each region collects on its own, and the
 *		physical delete is not replicated (the output plugin sends no deletes).
 *
 *	  Computing the watermark
 *		An open transaction may commit long after it stamped, so the clock
 *		alone is not a watermark: gt._publish_watermark() sends the clock's
 *		horizon (conflict/gt_clock.c), below the stamps of every open
 *		transaction.  A prepared transaction has no backend and may commit
 *		any time later, so no watermark is sent while the database has one.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "pgstat.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "gt/tombstone.h"

/*
 * gt_tombstone_tick runs one round for the launcher: send this region's
 * watermark, then collect the tombstones every peer's watermark allows.  An
 * error is reported and the round abandoned; the next one tries again.
 */
void
gt_tombstone_tick(void)
{
	MemoryContext caller = CurrentMemoryContext;

	PG_TRY();
	{
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, "collecting tombstones");
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute("SELECT gt._publish_watermark()", false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not publish the watermark");
		if (SPI_execute("SELECT gt.collect_tombstones()", false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not collect tombstones");
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(caller);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		ereport(WARNING,
				(errmsg("could not collect tombstones: %s", edata->message)));
		FreeErrorData(edata);
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
}
