/*-------------------------------------------------------------------------
 *
 * jsonb_check.h
 *		Checks an item received in jsonb's binary form before it is used.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/jsonb_check.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_JSONB_CHECK_H
#define GT_JSONB_CHECK_H

#include "utils/jsonb.h"

/* Copy of the len bytes at data as a jsonb item, or ERROR if malformed. */
extern Jsonb *gt_jsonb_check(const char *data, Size len);

#endif							/* GT_JSONB_CHECK_H */
