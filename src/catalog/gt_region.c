/*-------------------------------------------------------------------------
 *
 * gt_region.c
 *		This region, the other regions and the links between them: the
 *		region name, how another region is reached, which regions are
 *		peers, what a link's slot and origin are called, and the requests
 *		to skip a peer's transaction.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/catalog/gt_region.c
 *
 * NOTES
 *		Each of these is written once, here, and the SQL functions of the
 *		same names (gt.local_region(), gt.region_conninfo(),
 *		gt._conninfo_quote(), gt._link_name(), gt._peers(),
 *		gt._shares_tables()) call it, so that the install
 *		script's PL/pgSQL and the workers can never disagree.  The catalogs
 *		are read with gt_catalog.c's scans.
 *
 *		A region is a database, named once and for life by gt.init_region()
 *		(every peer's slot and origin are named after it), so its name is
 *		read once per backend.  A region that has no registration is the
 *		database of its name in this cluster, reached through the first
 *		Unix socket directory.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "commands/dbcommands.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/pg_lsn.h"
#include "utils/snapmgr.h"

#include "gt/catalog.h"
#include "gt/gt.h"
#include "gt/region.h"

static char *local_region_name = NULL;

/*
 * gt_region_read reads column attnum of gt.region's one row, palloc'd, or
 * NULL if this database has no region.  *mine is set if the current
 * transaction named the region, which it may still roll back.
 */
char *
gt_region_read(AttrNumber attnum, bool *mine)
{
	Relation	cat = gt_catalog_open(GT_CATALOG_REGION, AccessShareLock);
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *value = NULL;

	*mine = false;
	if (cat == NULL)
		return NULL;
	scan = gt_catalog_scan(cat, 0, NULL);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		value = gt_catalog_text(cat, tup, attnum);
		*mine = TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tup->t_data));
	}
	systable_endscan(scan);
	table_close(cat, AccessShareLock);
	return value;
}

/* This database's region name, or NULL (see gt_region_read). */
static char *
read_local_region(bool *mine)
{
	return gt_region_read(Anum_gt_region_name, mine);
}

/*
 * gt_region_local returns this database's region name, read once per
 * backend (see NOTES).  ERRORs if the region has not been named.
 */
const char *
gt_region_local(void)
{
	char	   *name;
	bool		mine;

	if (local_region_name != NULL)
		return local_region_name;
	name = read_local_region(&mine);
	if (name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("database \"%s\" has no region name",
						get_database_name(MyDatabaseId)),
				 errhint("Name it with gt.init_region('region-name').")));
	if (mine)
		return name;			/* not for life yet */
	local_region_name = MemoryContextStrdup(TopMemoryContext, name);
	return local_region_name;
}

/*
 * gt_region_is_set reports whether this database has a region name.
 */
bool
gt_region_is_set(void)
{
	bool		mine;

	return local_region_name != NULL || read_local_region(&mine) != NULL;
}

/* Quotes value for a libpq connection string. */
static void
append_conninfo_value(StringInfo buf, const char *value)
{
	appendStringInfoChar(buf, '\'');
	for (const char *p = value; *p; p++)
	{
		if (*p == '\'' || *p == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '\'');
}

/*
 * gt_region_conninfo returns the libpq connection string that reaches
 * region name: its registration, or this cluster's database of that name
 * (this database, for this region's own name).
 */
char *
gt_region_conninfo(const char *name)
{
	Relation	cat = gt_catalog_open(GT_CATALOG_REGION_REGISTRATION,
									  AccessShareLock);
	char	   *result = NULL;
	char	   *local;
	bool		mine;
	char	   *sockets;
	char	   *comma;
	char	   *dir;
	StringInfoData buf;

	if (cat != NULL)
	{
		SysScanDesc scan = gt_catalog_scan(cat, Anum_gt_region_registration_name,
										   name);
		HeapTuple	tup = systable_getnext(scan);

		if (HeapTupleIsValid(tup))
			result = gt_catalog_text(cat, tup,
									 Anum_gt_region_registration_conninfo);
		systable_endscan(scan);
		table_close(cat, AccessShareLock);
	}
	if (result != NULL)
		return result;

	local = read_local_region(&mine);
	sockets = pstrdup(GetConfigOption("unix_socket_directories", false, false));
	comma = strchr(sockets, ',');
	if (comma)
		*comma = '\0';
	dir = sockets;
	while (*dir == ' ')
		dir++;
	for (char *end = dir + strlen(dir); end > dir && end[-1] == ' '; end--)
		end[-1] = '\0';
	if (*dir == '\0')
		dir = "localhost";

	initStringInfo(&buf);
	appendStringInfoString(&buf, "dbname=");
	append_conninfo_value(&buf, local != NULL && strcmp(local, name) == 0 ?
						  get_database_name(MyDatabaseId) : name);
	appendStringInfoString(&buf, " host=");
	append_conninfo_value(&buf, dir);
	appendStringInfo(&buf, " port=%s", GetConfigOption("port", false, false));
	return buf.data;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * gt_region_peers returns the names of the regions that share at least one
 * global table with this one, sorted bytewise, palloc'd: the regions this
 * one keeps links with.  NIL if this database has no region.
 */
List *
gt_region_peers(void)
{
	bool		mine;
	char	   *local = read_local_region(&mine);
	Relation	cat;
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *rows = NIL;
	List	   *tables = NIL;
	List	   *peers = NIL;
	ListCell   *lc;
	char	  **sorted;
	int			n = 0;

	if (local == NULL)
		return NIL;
	cat = gt_catalog_open(GT_CATALOG_REPLICA, AccessShareLock);
	if (cat == NULL)
		return NIL;
	scan = gt_catalog_scan(cat, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		char	   *table = gt_catalog_text(cat, tup, Anum_gt_replica_table_name);
		char	   *region = gt_catalog_text(cat, tup, Anum_gt_replica_region_name);

		if (table == NULL || region == NULL)
			continue;
		if (strcmp(region, local) == 0)
			tables = lappend(tables, table);
		else
			rows = lappend(rows, list_make2(table, region));
	}
	systable_endscan(scan);
	table_close(cat, AccessShareLock);

	/* Regions of the tables that have a replica here, once each. */
	sorted = palloc(sizeof(char *) * Max(list_length(rows), 1));
	foreach(lc, rows)
	{
		List	   *row = lfirst(lc);
		ListCell   *t;

		foreach(t, tables)
		{
			if (strcmp(linitial(row), lfirst(t)) == 0)
			{
				sorted[n++] = lsecond(row);
				break;
			}
		}
	}
	qsort(sorted, n, sizeof(char *), compare_strings);
	for (int i = 0; i < n; i++)
	{
		if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0)
			peers = lappend(peers, sorted[i]);
	}
	return peers;
}

/*
 * gt_link_name writes the name of the slot and the origin of the link from
 * local to peer, gt_<local>_<peer>, with '-' (allowed in region names)
 * mapped to '_' (not allowed in slot names).  Region names are short enough
 * (GT_REGION_NAME_MAXLEN) for it to fit NAMEDATALEN.
 */
void
gt_link_name(char *dst, const char *local, const char *peer)
{
	snprintf(dst, NAMEDATALEN, "gt_%s_%s", local, peer);
	for (char *p = dst; *p; p++)
		if (*p == '-')
			*p = '_';
}

/*
 * gt_link_skip_request returns the finish LSN of the transaction of peer
 * that gt.skip_transaction() asked this region to skip, or
 * InvalidXLogRecPtr.
 */
XLogRecPtr
gt_link_skip_request(const char *peer)
{
	Relation	cat = gt_catalog_open(GT_CATALOG_LINK_SKIP, AccessShareLock);
	SysScanDesc scan;
	HeapTuple	tup;
	XLogRecPtr	lsn = InvalidXLogRecPtr;

	if (cat == NULL)
		return lsn;
	scan = gt_catalog_scan(cat, Anum_gt_link_skip_peer, peer);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, Anum_gt_link_skip_finish_lsn,
									 RelationGetDescr(cat), &isnull);

		if (!isnull)
			lsn = DatumGetLSN(d);
	}
	systable_endscan(scan);
	table_close(cat, AccessShareLock);
	return lsn;
}

/*
 * gt_link_skip_forget deletes the skip request for peer in the current
 * transaction, which needs an active snapshot.
 */
void
gt_link_skip_forget(const char *peer)
{
	Relation	cat = gt_catalog_open(GT_CATALOG_LINK_SKIP, RowExclusiveLock);
	SysScanDesc scan;
	HeapTuple	tup;

	if (cat == NULL)
		return;
	scan = gt_catalog_scan(cat, Anum_gt_link_skip_peer, peer);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		simple_table_tuple_delete(cat, &tup->t_self, GetActiveSnapshot());
	systable_endscan(scan);
	table_close(cat, RowExclusiveLock);
}

/* gt.local_region() RETURNS text */
PG_FUNCTION_INFO_V1(gt_local_region_sql);
Datum
gt_local_region_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(gt_region_local()));
}

/* gt.region_conninfo(name text) RETURNS text */
PG_FUNCTION_INFO_V1(gt_region_conninfo_sql);
Datum
gt_region_conninfo_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(gt_region_conninfo(text_to_cstring(PG_GETARG_TEXT_PP(0)))));
}

/* gt._conninfo_quote(value text) RETURNS text */
PG_FUNCTION_INFO_V1(gt_conninfo_quote_sql);
Datum
gt_conninfo_quote_sql(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	initStringInfo(&buf);
	append_conninfo_value(&buf, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_TEXT_P(cstring_to_text(buf.data));
}

/* gt._link_name(local text, peer text) RETURNS text */
PG_FUNCTION_INFO_V1(gt_link_name_sql);
Datum
gt_link_name_sql(PG_FUNCTION_ARGS)
{
	char		name[NAMEDATALEN];

	gt_link_name(name, text_to_cstring(PG_GETARG_TEXT_PP(0)),
				 text_to_cstring(PG_GETARG_TEXT_PP(1)));
	PG_RETURN_TEXT_P(cstring_to_text(name));
}

/* gt._peers() RETURNS SETOF text */
PG_FUNCTION_INFO_V1(gt_peers_sql);
Datum
gt_peers_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *peers;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	peers = gt_region_peers();
	foreach(lc, peers)
	{
		Datum		value = CStringGetTextDatum(lfirst(lc));
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
	return (Datum) 0;
}

/* gt._shares_tables(peer text) RETURNS boolean */
PG_FUNCTION_INFO_V1(gt_shares_tables_sql);
Datum
gt_shares_tables_sql(PG_FUNCTION_ARGS)
{
	char	   *peer = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ListCell   *lc;

	foreach(lc, gt_region_peers())
	{
		if (strcmp(lfirst(lc), peer) == 0)
			PG_RETURN_BOOL(true);
	}
	PG_RETURN_BOOL(false);
}
