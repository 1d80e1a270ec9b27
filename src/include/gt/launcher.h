/*-------------------------------------------------------------------------
 *
 * launcher.h
 *		Supervisor and per-region launcher background workers.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/launcher.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_LAUNCHER_H
#define GT_LAUNCHER_H

extern void gt_supervisor_register(void);
extern PGDLLEXPORT void gt_supervisor_main(Datum main_arg);
extern PGDLLEXPORT void gt_launcher_main(Datum main_arg);

#endif							/* GT_LAUNCHER_H */
