/*-------------------------------------------------------------------------
 *
 * link_state.h
 *		What each link worker reports about its link, in shared memory.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/link_state.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_LINK_STATE_H
#define GT_LINK_STATE_H

#include "access/xlogdefs.h"

extern void gt_link_state_set_error(Oid dboid, const char *peer,
									XLogRecPtr finish_lsn, const char *message,
									XLogRecPtr unbatched_until);
extern XLogRecPtr gt_link_state_unbatched_until(Oid dboid, const char *peer);
extern void gt_link_state_clear_error(Oid dboid, const char *peer,
									  bool only_without_lsn);
extern void gt_link_state_set_watermark(Oid dboid, const char *peer,
										int64 watermark);

#endif							/* GT_LINK_STATE_H */
