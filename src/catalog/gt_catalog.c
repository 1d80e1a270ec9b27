/*-------------------------------------------------------------------------
 *
 * gt_catalog.c
 *		Where the extension's catalog tables are, how its C code scans
 *		them, and how a change to them is announced.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/catalog/gt_catalog.c
 *
 * NOTES
 *		The catalogs are ordinary tables in schema gt, created by the install
 *		script (src/sql/catalogs.sql); gt.global_table and gt.replica are
 *		user catalog tables, so that the output plugin can read them under
 *		decoding's historic snapshot.  The SQL functions of table management
 *		write them; the C code only reads them, through this file's scans
 *		(systable_beginscan, never SPI), so that the same code serves a
 *		backend, a background worker and a walsender.  The tables are small
 *		(one row per table, replica, region or link), so a heap scan with a
 *		scan key is all a lookup needs.
 *
 *		Writes to gt.global_table and gt.replica fire gt_catalog_changed,
 *		which queues a relcache invalidation of the catalog: gt_table.c
 *		drops its descriptors when it sees one, in every backend at its
 *		next transaction, and in every walsender at the point of the change
 *		in the stream (decoding replays the invalidation there).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "gt/catalog.h"
#include "gt/gt.h"

/* Indexed by GtCatalog. */
static const char *const catalog_names[] = {
	"region", "region_registration", "global_table", "replica", "link_skip",
	"_watermark"
};

/*
 * gt_catalog_relid returns the OID of a catalog table, or InvalidOid if the
 * extension (schema gt) is not installed in this database.
 */
Oid
gt_catalog_relid(GtCatalog catalog)
{
	Oid			nsp;

	if (!OidIsValid(get_extension_oid(GT_EXTENSION_NAME, true)))
		return InvalidOid;
	nsp = get_namespace_oid("gt", true);
	if (!OidIsValid(nsp))
		return InvalidOid;
	return get_relname_relid(catalog_names[catalog], nsp);
}

/*
 * gt_catalog_is says whether rel is the catalog table, cheaply for the
 * relations that are not: their name differs.
 */
bool
gt_catalog_is(Relation rel, GtCatalog catalog)
{
	return strcmp(RelationGetRelationName(rel), catalog_names[catalog]) == 0 &&
		RelationGetRelid(rel) == gt_catalog_relid(catalog);
}

/*
 * gt_catalog_open opens a catalog table with lockmode, or returns NULL if
 * the extension is not installed.  Close it with table_close().
 */
Relation
gt_catalog_open(GtCatalog catalog, LOCKMODE lockmode)
{
	Oid			relid = gt_catalog_relid(catalog);

	if (!OidIsValid(relid))
		return NULL;
	return table_open(relid, lockmode);
}

/*
 * gt_catalog_scan begins a scan of catalog for the rows whose text column
 * attnum is value, or of every row if attnum is 0.  End it with
 * systable_endscan().
 */
SysScanDesc
gt_catalog_scan(Relation catalog, AttrNumber attnum, const char *value)
{
	ScanKeyData key;

	if (attnum == 0)
		return systable_beginscan(catalog, InvalidOid, false, NULL, 0, NULL);
	ScanKeyInit(&key, attnum, BTEqualStrategyNumber, F_TEXTEQ,
				CStringGetTextDatum(value));
	return systable_beginscan(catalog, InvalidOid, false, NULL, 1, &key);
}

/*
 * gt_catalog_text returns text column attnum of a catalog row, palloc'd in
 * the current context, or NULL if it is NULL.
 */
char *
gt_catalog_text(Relation catalog, HeapTuple tuple, AttrNumber attnum)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attnum, RelationGetDescr(catalog),
								 &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * gt_catalog_changed is the AFTER STATEMENT trigger of gt.global_table and
 * gt.replica (see NOTES).  The invalidation is WAL-logged with the commit.
 */
PG_FUNCTION_INFO_V1(gt_catalog_changed);
Datum
gt_catalog_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" was not called by trigger manager",
						"gt_catalog_changed")));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}
