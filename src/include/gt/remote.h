/*-------------------------------------------------------------------------
 *
 * remote.h
 *		Connections to other regions through libpq.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/remote.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_REMOTE_H
#define GT_REMOTE_H

#include "libpq-fe.h"

extern PGconn *gt_remote_connect(const char *region, const char *conninfo,
								 bool replication);
extern void gt_remote_report_connect_error(const char *region,
										   const char *conninfo,
										   PGconn *conn);

#endif							/* GT_REMOTE_H */
