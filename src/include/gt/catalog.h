/*-------------------------------------------------------------------------
 *
 * catalog.h
 *		The extension's catalog tables, as its C code reads them.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/catalog.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_CATALOG_H
#define GT_CATALOG_H

#include "access/genam.h"
#include "utils/relcache.h"
#include "storage/lockdefs.h"

/* The catalog tables of schema gt (src/sql/catalogs.sql). */
typedef enum GtCatalog
{
	GT_CATALOG_REGION,
	GT_CATALOG_REGION_REGISTRATION,
	GT_CATALOG_GLOBAL_TABLE,
	GT_CATALOG_REPLICA,
	GT_CATALOG_LINK_SKIP,
	GT_CATALOG_WATERMARK
} GtCatalog;

/*
 * Column numbers, as the install script creates them; an upgrade script
 * only ever adds columns after these.
 */
#define Anum_gt_region_name						1
#define Anum_gt_region_identity					4
#define Anum_gt_region_registration_name		1
#define Anum_gt_region_registration_conninfo	2
#define Anum_gt_global_table_table_name			1
#define Anum_gt_global_table_relid				2
#define Anum_gt_global_table_hash_key			3
#define Anum_gt_global_table_hash_type			4
#define Anum_gt_global_table_range_key			5
#define Anum_gt_global_table_range_type			6
#define Anum_gt_replica_table_name				1
#define Anum_gt_replica_region_name				2
#define Anum_gt_link_skip_peer					1
#define Anum_gt_link_skip_finish_lsn			2
#define Anum_gt_watermark_watermark				2

/* The catalog's OID, or InvalidOid if the extension is not installed. */
extern Oid	gt_catalog_relid(GtCatalog catalog);

/* Whether rel is that catalog table. */
extern bool gt_catalog_is(Relation rel, GtCatalog catalog);

/* Opens the catalog, or returns NULL if the extension is not installed. */
extern Relation gt_catalog_open(GtCatalog catalog, LOCKMODE lockmode);

/*
 * Scans the catalog for rows whose text column attnum equals value (no
 * key if attnum is 0), with the catalog snapshot: as of the decoded change
 * in a walsender, the latest committed state elsewhere.
 */
extern SysScanDesc gt_catalog_scan(Relation catalog, AttrNumber attnum,
								   const char *value);

/* Reads a text column of a catalog row as a palloc'd string, or NULL. */
extern char *gt_catalog_text(Relation catalog, HeapTuple tuple,
							 AttrNumber attnum);

#endif							/* GT_CATALOG_H */
