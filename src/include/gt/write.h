/*-------------------------------------------------------------------------
 *
 * write.h
 *		The one way a version of an item is written: a locked
 *		read-modify-write by key, decided by a decider.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/write.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_WRITE_H
#define GT_WRITE_H

#include "utils/jsonb.h"

#include "gt/table.h"

/* One version of an item: what a row of a replica table holds. */
typedef struct GtVersion
{
	Datum		item;			/* a jsonb, maybe toasted: see gt_version_item */
	int64		update_time;	/* hybrid logical clock */
	const char *update_region;
	bool		deleting;		/* a tombstone: item holds the key only */
} GtVersion;

/* The item of a version, detoasted on first use. */
static inline Jsonb *
gt_version_item(const GtVersion *version)
{
	return DatumGetJsonbP(version->item);
}

typedef enum GtDecision
{
	GT_DECISION_KEEP,			/* leave what is stored (or the absence) */
	GT_DECISION_WRITE			/* write the decided version */
} GtDecision;

/*
 * A decider looks at the stored version of an item, with its row locked
 * (stored is NULL if the key is new here), and decides whether to write and
 * what, filling *next.  It may be called again for the same write, with the
 * version that appeared meanwhile, if it decided to write a new key and
 * another transaction inserted it first; only its last decision counts.  It
 * may ERROR.
 */
typedef GtDecision (*GtDecider) (const GtVersion *stored, GtVersion *next,
								 void *arg);

/* Who writes: a local write (API) or a version from another region. */
typedef enum GtWriteKind
{
	GT_WRITE_LOCAL,
	GT_WRITE_REPLICATED
} GtWriteKind;

/* What versions of one replica table are written with (gt_write.c). */
typedef struct GtWriteTarget GtWriteTarget;

/*
 * Opens a table for writing versions in the current transaction, or
 * returns NULL if it stopped being a global table meanwhile.
 */
extern GtWriteTarget *gt_write_open(GtTable *table, GtWriteKind kind);

/* The descriptor as of the lock gt_write_open() took. */
extern GtTable *gt_write_table(GtWriteTarget *target);

/*
 * Writes the item whose key attributes key holds (an item or a key), as
 * decide decides; probably_new says the key is most likely not stored.
 * Returns the last decision.
 */
extern GtDecision gt_write_item(GtWriteTarget *target, Jsonb *key,
								bool probably_new, GtDecider decide,
								void *arg);

extern void gt_write_close(GtWriteTarget *target);

/*
 * Stamps next as a local write replacing stored (NULL for a new item): this
 * region, and a time later than stored's.
 */
extern void gt_write_stamp_local(const GtVersion *stored, GtVersion *next);

#endif							/* GT_WRITE_H */
