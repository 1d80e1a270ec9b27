/*-------------------------------------------------------------------------
 *
 * gt_table.c
 *		The one descriptor of a global table's replica in this region, and
 *		its cache.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/catalog/gt_table.c
 *
 * NOTES
 *	  What a descriptor holds
 *		A GtTable (gt/table.h) is everything the C code needs to read,
 *		write, apply or decode the rows of a replica table: the DynamoDB
 *		table name and key schema and the regions with a replica, from
 *		gt.global_table and gt.replica; the column numbers, the primary key
 *		and the triggers, from the table's relcache entry.  Every module
 *		asks this file and no other: the item API, the write primitive, the
 *		LWW trigger, the link workers and the output plugin.
 *
 *	  How it is read
 *		With the scans of gt_catalog.c, never SPI: in a walsender they run
 *		under decoding's historic snapshot, so the plugin decides with the
 *		catalog as it was at each change; elsewhere they see the latest
 *		committed state, and the calling transaction's own changes from
 *		earlier commands.  The relcache entry is taken without a lock, as
 *		decoding does; a caller that writes locks the table first and then
 *		asks again (see below), so that what it decides on is what it writes.
 *
 *	  Cache and invalidation
 *		Descriptors are cached by relation, and the table names by name.
 *		Like pgoutput's RelationSyncCache, the relcache callback only marks
 *		entries stale, never frees: it can run while a descriptor is being
 *		built or used (any lock acquisition accepts invalidations).  An
 *		invalidation of a replica table (ALTER TABLE, CREATE TRIGGER, DROP
 *		TABLE, ...) marks its own descriptor stale; one of gt.global_table or
 *		gt.replica (gt_catalog.c sends one whenever they change), or of every
 *		relation, marks all of them stale.  A stale descriptor is rebuilt
 *		at its next lookup.
 *
 *	  Lifetime
 *		A descriptor returned by a lookup stays valid until the end of the
 *		transaction, however often it is rebuilt meanwhile: the replaced one
 *		is kept on a list and freed, with the prepared statements other
 *		modules stored in it, when the transaction ends.  So a caller never
 *		has to fear that a nested call (a user's trigger calling the API on
 *		the same table) frees what it is using.
 *
 *	  Memory
 *		Each descriptor lives in a context of its own, a child of this
 *		cache's context in CacheMemoryContext.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "gt/catalog.h"
#include "gt/gt.h"
#include "gt/table.h"

/* DynamoDB table names are at most 255 bytes. */
#define TABLE_NAME_SIZE 256

typedef struct RelidEntry
{
	Oid			relid;			/* hash key */
	bool		stale;
	GtTable    *table;			/* NULL: not a global table here */
} RelidEntry;

typedef struct NameEntry
{
	char		name[TABLE_NAME_SIZE];	/* hash key */
	Oid			relid;
} NameEntry;

static MemoryContext TableCacheContext = NULL;
static HTAB *tables_by_relid = NULL;
static HTAB *tables_by_name = NULL;

/* The catalogs whose invalidation drops everything (see NOTES). */
static Oid	global_table_relid = InvalidOid;
static Oid	replica_relid = InvalidOid;

/* Set by the callback: every entry is stale. */
static bool all_stale = false;

/* Counts invalidations, so that a build can tell one happened meanwhile. */
static uint64 invalidations = 0;

/* Descriptors replaced in this transaction, freed when it ends. */
static List *retired = NIL;

/* A statement of gt_table_read_plan(), by its text. */
typedef struct KeptPlan
{
	char	   *sql;
	SPIPlanPtr	plan;
} KeptPlan;

/* Read statements one descriptor keeps at most: their shapes are few. */
#define MAX_READ_PLANS 64

static void
free_table(GtTable *table)
{
	ListCell   *lc;

	for (int i = 0; i < GT_TABLE_NPLANS; i++)
	{
		if (table->plans[i] != NULL)
			SPI_freeplan(table->plans[i]);
	}
	foreach(lc, table->read_plans)
		SPI_freeplan(((KeptPlan *) lfirst(lc))->plan);
	MemoryContextDelete(table->context);
}

/* Transaction callback: frees the descriptors retired in it. */
static void
free_retired(XactEvent event, void *arg)
{
	ListCell   *lc;

	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			foreach(lc, retired)
				free_table(lfirst(lc));
			list_free(retired);
			retired = NIL;
			break;
		default:
			break;
	}
}

static void
retire(GtTable *table)
{
	MemoryContext old;

	if (table == NULL)
		return;
	old = MemoryContextSwitchTo(TableCacheContext);
	retired = lappend(retired, table);
	MemoryContextSwitchTo(old);
}

/* Relcache callback: marks entries stale, frees nothing (see NOTES). */
static void
invalidate(Datum arg, Oid relid)
{
	RelidEntry *entry;

	invalidations++;
	if (relid == InvalidOid || relid == global_table_relid ||
		relid == replica_relid)
	{
		all_stale = true;
		return;
	}
	if (tables_by_relid == NULL)
		return;
	entry = hash_search(tables_by_relid, &relid, HASH_FIND, NULL);
	if (entry != NULL)
		entry->stale = true;
}

static void
create_hashes(void)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(RelidEntry);
	ctl.hcxt = TableCacheContext;
	tables_by_relid = hash_create("gt tables by relation", 32, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = TABLE_NAME_SIZE;
	ctl.entrysize = sizeof(NameEntry);
	ctl.hcxt = TableCacheContext;
	tables_by_name = hash_create("gt tables by name", 32, &ctl,
								 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
}

/*
 * prepare_cache creates the cache on first use, and acts on a pending
 * invalidation of everything by retiring every descriptor.
 */
static void
prepare_cache(void)
{
	Assert(IsTransactionState());
	if (TableCacheContext == NULL)
	{
		TableCacheContext = AllocSetContextCreate(CacheMemoryContext,
												  "gt table cache",
												  ALLOCSET_SMALL_SIZES);
		create_hashes();
		CacheRegisterRelcacheCallback(invalidate, (Datum) 0);
		RegisterXactCallback(free_retired, NULL);
		all_stale = true;
	}
	if (all_stale)
	{
		HASH_SEQ_STATUS status;
		RelidEntry *entry;

		all_stale = false;
		hash_seq_init(&status, tables_by_relid);
		while ((entry = hash_seq_search(&status)) != NULL)
			retire(entry->table);
		hash_destroy(tables_by_relid);
		hash_destroy(tables_by_name);
		create_hashes();
		/* The extension may have been dropped and created again. */
		global_table_relid = gt_catalog_relid(GT_CATALOG_GLOBAL_TABLE);
		replica_relid = gt_catalog_relid(GT_CATALOG_REPLICA);
	}
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * set_trigger_flags recomputes the summary flags of trigdesc from its
 * triggers, as the relcache does when it builds one.
 */
static void
set_trigger_flags(TriggerDesc *trigdesc)
{
	memset(&trigdesc->trig_insert_before_row, 0,
		   offsetof(TriggerDesc, trig_delete_old_table) + sizeof(bool) -
		   offsetof(TriggerDesc, trig_insert_before_row));
	for (int i = 0; i < trigdesc->numtriggers; i++)
	{
		Trigger    *t = &trigdesc->triggers[i];
		int16		type = t->tgtype;

#define MATCHES(level, timing, event) \
		TRIGGER_TYPE_MATCHES(type, TRIGGER_TYPE_##level, TRIGGER_TYPE_##timing, \
							 TRIGGER_TYPE_##event)
		trigdesc->trig_insert_before_row |= MATCHES(ROW, BEFORE, INSERT);
		trigdesc->trig_insert_after_row |= MATCHES(ROW, AFTER, INSERT);
		trigdesc->trig_insert_instead_row |= MATCHES(ROW, INSTEAD, INSERT);
		trigdesc->trig_insert_before_statement |= MATCHES(STATEMENT, BEFORE, INSERT);
		trigdesc->trig_insert_after_statement |= MATCHES(STATEMENT, AFTER, INSERT);
		trigdesc->trig_update_before_row |= MATCHES(ROW, BEFORE, UPDATE);
		trigdesc->trig_update_after_row |= MATCHES(ROW, AFTER, UPDATE);
		trigdesc->trig_update_instead_row |= MATCHES(ROW, INSTEAD, UPDATE);
		trigdesc->trig_update_before_statement |= MATCHES(STATEMENT, BEFORE, UPDATE);
		trigdesc->trig_update_after_statement |= MATCHES(STATEMENT, AFTER, UPDATE);
		trigdesc->trig_delete_before_row |= MATCHES(ROW, BEFORE, DELETE);
		trigdesc->trig_delete_after_row |= MATCHES(ROW, AFTER, DELETE);
		trigdesc->trig_delete_instead_row |= MATCHES(ROW, INSTEAD, DELETE);
		trigdesc->trig_delete_before_statement |= MATCHES(STATEMENT, BEFORE, DELETE);
		trigdesc->trig_delete_after_statement |= MATCHES(STATEMENT, AFTER, DELETE);
		trigdesc->trig_truncate_before_statement |= MATCHES(STATEMENT, BEFORE, TRUNCATE);
		trigdesc->trig_truncate_after_statement |= MATCHES(STATEMENT, AFTER, TRUNCATE);
#undef MATCHES
		trigdesc->trig_insert_new_table |=
			TRIGGER_FOR_INSERT(type) && t->tgnewtable != NULL;
		trigdesc->trig_update_old_table |=
			TRIGGER_FOR_UPDATE(type) && t->tgoldtable != NULL;
		trigdesc->trig_update_new_table |=
			TRIGGER_FOR_UPDATE(type) && t->tgnewtable != NULL;
		trigdesc->trig_delete_old_table |=
			TRIGGER_FOR_DELETE(type) && t->tgoldtable != NULL;
	}
}

/*
 * read_triggers fills the trigger fields of table from rel's: whether the
 * LWW trigger fires always, whether any trigger is not ours, and a copy of
 * them without the LWW triggers, which the executor path fires (it makes the
 * LWW trigger's decision itself, and never deletes).
 */
static void
read_triggers(GtTable *table, Relation rel)
{
	TriggerDesc *trigdesc;
	int			kept = 0;

	table->lww_always = false;
	table->only_our_triggers = true;
	table->deferred_user_triggers = false;
	table->triggers = NULL;
	if (rel->trigdesc == NULL)
		return;
	trigdesc = CopyTriggerDesc(rel->trigdesc);
	for (int i = 0; i < trigdesc->numtriggers; i++)
	{
		Trigger    *t = &trigdesc->triggers[i];

		if (strcmp(t->tgname, GT_LWW_TRIGGER_NAME) == 0)
		{
			table->lww_always = (t->tgenabled == TRIGGER_FIRES_ALWAYS);
			continue;
		}
		if (strcmp(t->tgname, GT_TOMBSTONE_TRIGGER_NAME) == 0)
			continue;
		if (strcmp(t->tgname, GT_TRUNCATE_TRIGGER_NAME) != 0)
			table->only_our_triggers = false;
		if (!t->tgisinternal && t->tginitdeferred &&
			(t->tgenabled == TRIGGER_FIRES_ALWAYS ||
			 t->tgenabled == TRIGGER_FIRES_ON_REPLICA))
			table->deferred_user_triggers = true;
		trigdesc->triggers[kept++] = *t;
	}
	trigdesc->numtriggers = kept;
	if (kept > 0)
	{
		set_trigger_flags(trigdesc);
		table->triggers = trigdesc;
	}
}

/*
 * key_column_typed reports whether att has the type, and for S the
 * collation, of a key column of key type type (gt_item_key_type()): the
 * write primitive compares keys in C's collation.
 */
static bool
key_column_typed(Form_pg_attribute att, char type)
{
	return att->atttypid == gt_item_key_type(type) &&
		(type != 'S' || att->attcollation == C_COLLATION_OID);
}

/*
 * read_relation fills the fields of table that come from the replica
 * table's relcache entry (see gt/table.h).
 */
static void
read_relation(GtTable *table)
{
	Relation	rel = RelationIdGetRelation(table->relid);
	TupleDesc	desc;
	TupleConstr *constr;

	table->complete = false;
	if (!RelationIsValid(rel))
	{
		/* Dropped: missing stays NULL. */
		table->qualified_name = psprintf("%u", table->relid);
		return;
	}
	table->qualified_name =
		quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
								   RelationGetRelationName(rel));
	desc = RelationGetDescr(rel);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);
		bool		typed;

		if (att->attisdropped)
			continue;
		if (strcmp(name, table->keys.hash_name) == 0)
		{
			table->hash_att = att->attnum;
			typed = key_column_typed(att, table->keys.hash_type);
		}
		else if (table->keys.range_name &&
				 strcmp(name, table->keys.range_name) == 0)
		{
			table->range_att = att->attnum;
			typed = key_column_typed(att, table->keys.range_type);
		}
		else if (strcmp(name, GT_COL_ITEM) == 0)
		{
			table->item_att = att->attnum;
			typed = (att->atttypid == JSONBOID);
		}
		else if (strcmp(name, GT_COL_UPDATE_TIME) == 0)
		{
			table->time_att = att->attnum;
			typed = (att->atttypid == INT8OID);
		}
		else if (strcmp(name, GT_COL_UPDATE_REGION) == 0)
		{
			table->region_att = att->attnum;
			typed = (att->atttypid == TEXTOID);
		}
		else if (strcmp(name, GT_COL_DELETING) == 0)
		{
			table->deleting_att = att->attnum;
			typed = (att->atttypid == BOOLOID);
		}
		else
		{
			table->other_columns = true;
			typed = true;
		}
		if (!typed && table->missing == NULL)
		{
			/* Read as another type, its values would crash the reader. */
			table->missing = pstrdup(name);
			table->mistyped = true;
		}
	}
	if (table->mistyped)
		table->complete = false;	/* missing names the column */
	else if (!table->hash_att)
		table->missing = table->keys.hash_name;
	else if (table->keys.range_name && !table->range_att)
		table->missing = table->keys.range_name;
	else if (!table->item_att)
		table->missing = GT_COL_ITEM;
	else if (!table->time_att)
		table->missing = GT_COL_UPDATE_TIME;
	else if (!table->region_att)
		table->missing = GT_COL_UPDATE_REGION;
	else if (!table->deleting_att)
		table->missing = GT_COL_DELETING;
	else
		table->complete = true;

	constr = desc->constr;
	table->owner = rel->rd_rel->relowner;
	table->plain_relation = rel->rd_rel->relkind == RELKIND_RELATION &&
		!rel->rd_rel->relispartition && !rel->rd_rel->relrowsecurity &&
		!(constr != NULL && constr->has_generated_stored);
	table->pk_index = RelationGetPrimaryKeyIndex(rel);
	read_triggers(table, rel);
	RelationClose(rel);
}

/*
 * read_replicas fills table->replicas from gt.replica, sorted bytewise.
 */
static void
read_replicas(GtTable *table)
{
	Relation	cat = gt_catalog_open(GT_CATALOG_REPLICA, AccessShareLock);
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *regions = NIL;
	ListCell   *lc;
	int			n = 0;

	if (cat == NULL)
		return;
	scan = gt_catalog_scan(cat, Anum_gt_replica_table_name, table->name);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		char	   *region = gt_catalog_text(cat, tup, Anum_gt_replica_region_name);

		if (region != NULL)
			regions = lappend(regions, region);
	}
	systable_endscan(scan);
	table_close(cat, AccessShareLock);

	table->replicas = palloc(sizeof(char *) * Max(list_length(regions), 1));
	foreach(lc, regions)
		table->replicas[n++] = lfirst(lc);
	table->nreplicas = n;
	qsort(table->replicas, n, sizeof(char *), compare_strings);
}

/*
 * build_table returns a new descriptor of the global table whose replica
 * is relid, or NULL if gt.global_table has none.  It is allocated in a
 * context of its own, a child of the cache's.
 */
static GtTable *
build_table(Oid relid)
{
	Relation	cat = gt_catalog_open(GT_CATALOG_GLOBAL_TABLE, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	MemoryContext cxt;
	MemoryContext old;
	GtTable    *table = NULL;

	if (cat == NULL)
		return NULL;
	ScanKeyInit(&key, Anum_gt_global_table_relid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(cat, InvalidOid, false, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		char	   *type;

		cxt = AllocSetContextCreate(TableCacheContext, "gt table",
									ALLOCSET_SMALL_SIZES);
		old = MemoryContextSwitchTo(cxt);
		table = palloc0(sizeof(GtTable));
		table->context = cxt;
		table->relid = relid;
		table->name = gt_catalog_text(cat, tup, Anum_gt_global_table_table_name);
		table->keys.hash_name = gt_catalog_text(cat, tup, Anum_gt_global_table_hash_key);
		type = gt_catalog_text(cat, tup, Anum_gt_global_table_hash_type);
		table->keys.hash_type = type ? type[0] : 'S';
		table->keys.range_name = gt_catalog_text(cat, tup, Anum_gt_global_table_range_key);
		type = gt_catalog_text(cat, tup, Anum_gt_global_table_range_type);
		table->keys.range_type = type ? type[0] : 0;
		MemoryContextSetIdentifier(cxt, table->name);
		MemoryContextSwitchTo(old);
	}
	systable_endscan(scan);
	table_close(cat, AccessShareLock);
	if (table == NULL)
		return NULL;

	old = MemoryContextSwitchTo(table->context);
	read_replicas(table);
	read_relation(table);
	MemoryContextSwitchTo(old);
	return table;
}

/*
 * gt_table_by_relid returns the descriptor of the global table whose
 * replica here is relation relid, or NULL if relid is not one.  The
 * descriptor is valid until the end of the transaction (see NOTES).
 */
GtTable *
gt_table_by_relid(Oid relid)
{
	RelidEntry *entry;
	bool		found;
	uint64		before;
	GtTable    *table;

	prepare_cache();
	entry = hash_search(tables_by_relid, &relid, HASH_FIND, NULL);
	if (entry != NULL && !entry->stale)
		return entry->table;

	/*
	 * Build first, enter afterwards, so that an error leaves no entry; an
	 * invalidation during the build leaves the new entry stale, to be
	 * rebuilt at the next lookup.
	 */
	before = invalidations;
	table = build_table(relid);
	if (all_stale)
	{
		/* Everything was invalidated meanwhile: use it, cache nothing. */
		retire(table);
		return table;
	}
	entry = hash_search(tables_by_relid, &relid, HASH_ENTER, &found);
	if (found)
		retire(entry->table);
	entry->table = table;
	entry->stale = (invalidations != before);
	return table;
}

/*
 * gt_table_by_name returns the descriptor of global table name, or NULL if
 * this region has no such table.  The descriptor is valid until the end of
 * the transaction (see NOTES).
 */
GtTable *
gt_table_by_name(const char *name)
{
	char		key[TABLE_NAME_SIZE];
	NameEntry  *entry;
	Relation	cat;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			relid = InvalidOid;
	uint64		before;

	if (strlen(name) >= TABLE_NAME_SIZE)
		return NULL;
	prepare_cache();
	memset(key, 0, sizeof(key));
	strlcpy(key, name, sizeof(key));
	entry = hash_search(tables_by_name, key, HASH_FIND, NULL);
	if (entry != NULL)
		return gt_table_by_relid(entry->relid);

	before = invalidations;
	cat = gt_catalog_open(GT_CATALOG_GLOBAL_TABLE, AccessShareLock);
	if (cat == NULL)
		return NULL;
	scan = gt_catalog_scan(cat, Anum_gt_global_table_table_name, name);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, Anum_gt_global_table_relid,
									 RelationGetDescr(cat), &isnull);

		relid = isnull ? InvalidOid : DatumGetObjectId(d);
	}
	systable_endscan(scan);
	table_close(cat, AccessShareLock);
	if (!OidIsValid(relid))
		return NULL;
	/* Cached only if no invalidation came meanwhile. */
	if (!all_stale && invalidations == before)
	{
		entry = hash_search(tables_by_name, key, HASH_ENTER, NULL);
		entry->relid = relid;
	}
	return gt_table_by_relid(relid);
}

/*
 * gt_table_has_replica reports whether table has a replica in region.
 */
bool
gt_table_has_replica(const GtTable *table, const char *region)
{
	for (int i = 0; i < table->nreplicas; i++)
	{
		if (strcmp(table->replicas[i], region) == 0)
			return true;
	}
	return false;
}

/*
 * gt_table_keep_plan prepares sql, with nargs arguments of argtypes, as the
 * statement which of table, and keeps it in the descriptor, which frees it
 * when the descriptor goes (see NOTES).  Must be called inside SPI.
 */
SPIPlanPtr
gt_table_keep_plan(GtTable *table, GtTablePlan which, const char *sql,
				   int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql,
			 SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	Assert(table->plans[which] == NULL);
	table->plans[which] = plan;
	return plan;
}

/*
 * gt_table_read_plan returns the prepared statement of sql for table,
 * preparing and keeping it on first use (see table.h).  Past
 * MAX_READ_PLANS shapes, a statement is prepared for this call only, and
 * freed with SPI's memory.
 */
SPIPlanPtr
gt_table_read_plan(GtTable *table, const char *sql, int nargs, Oid *argtypes)
{
	ListCell   *lc;
	KeptPlan   *kept;
	SPIPlanPtr	plan;
	MemoryContext old;

	foreach(lc, table->read_plans)
	{
		kept = lfirst(lc);
		if (strcmp(kept->sql, sql) == 0)
			return kept->plan;
	}
	plan = SPI_prepare(sql, nargs, argtypes);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql,
			 SPI_result_code_string(SPI_result));
	if (list_length(table->read_plans) >= MAX_READ_PLANS)
		return plan;
	SPI_keepplan(plan);
	old = MemoryContextSwitchTo(table->context);
	kept = palloc(sizeof(KeptPlan));
	kept->sql = pstrdup(sql);
	kept->plan = plan;
	table->read_plans = lappend(table->read_plans, kept);
	MemoryContextSwitchTo(old);
	return plan;
}

/*
 * gt_table_check_complete ERRORs unless the replica table has every column
 * the extension reads and writes.
 */
void
gt_table_check_complete(const GtTable *table)
{
	if (table->complete)
		return;
	if (table->missing == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("replica table of global table \"%s\" does not exist",
						table->name),
				 errhint("Delete the global table with gt.delete_table().")));
	if (table->mistyped)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of replica table \"%s\" does not have the type replication reads it as",
						table->missing, table->qualified_name),
				 errdetail("Key columns are text COLLATE \"C\", numeric or bytea as their key type says; item is jsonb, %s bigint, %s text and %s boolean.",
						   GT_COL_UPDATE_TIME, GT_COL_UPDATE_REGION, GT_COL_DELETING)));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("replica table \"%s\" has no column \"%s\"",
					table->qualified_name, table->missing)));
}

/*
 * gt_table_check_replica ERRORs unless the replica table is complete and its
 * primary key is on its key columns, as the write primitive looks items up
 * (gt_write.c).  The DDL guard (gt._check_replica_table()) calls it after
 * every ALTER TABLE of a replica table, so that a change replication could
 * not live with is refused before it commits.
 */
void
gt_table_check_replica(const GtTable *table)
{
	Relation	index;
	bool		ok;
	int			nkeys = table->range_att != InvalidAttrNumber ? 2 : 1;

	gt_table_check_complete(table);
	ok = OidIsValid(table->pk_index);
	if (ok)
	{
		index = index_open(table->pk_index, AccessShareLock);
		ok = index->rd_index->indnkeyatts == nkeys &&
			index->rd_index->indkey.values[0] == table->hash_att &&
			(nkeys == 1 || index->rd_index->indkey.values[1] == table->range_att);
		index_close(index, AccessShareLock);
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("replica table \"%s\" must have its primary key on its key columns",
						table->qualified_name),
				 errdetail("Replication looks items up by their key.")));
}

/*
 * gt._check_replica_table(relid regclass) RETURNS void: ERRORs, as
 * gt_table_check_replica() does, unless relid is not a replica table or is
 * one that replication can read and write; for the DDL guard.
 */
PG_FUNCTION_INFO_V1(gt_check_replica_table);
Datum
gt_check_replica_table(PG_FUNCTION_ARGS)
{
	GtTable    *table;

	if (PG_ARGISNULL(0))
		PG_RETURN_VOID();
	table = gt_table_by_relid(PG_GETARG_OID(0));
	if (table != NULL)
		gt_table_check_replica(table);
	PG_RETURN_VOID();
}
