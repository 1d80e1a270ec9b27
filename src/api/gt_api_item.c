/*-------------------------------------------------------------------------
 *
 * gt_api_item.c
 *		SQL-callable item operations: PutItem, GetItem and DeleteItem, in
 *		DynamoDB's request form and in short forms.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/api/gt_api_item.c
 *
 * NOTES
 *	  Write path
 *		These functions are the hot path of every client, so each backend
 *		keeps, per global table, its key schema and three prepared
 *		statements (upsert, read, read for update) built once by
 *		gt._item_sql().  A write validates the whole request and item first,
 *		so bad input changes nothing, then writes the row through the
 *		executor directly (gt_item_write.c), or, when the table or the
 *		session could make that differ from the statement, runs the upsert,
 *		whose version the LWW trigger stamps.  A delete writes a tombstone
 *		holding only the key, even if the item is not here: it may be in
 *		flight from another region, and the later delete must win there too.
 *
 *	  Caching
 *		Any relcache invalidation marks every entry stale (the catalog tables
 *		send one when they change).  A stale entry is refreshed at the next
 *		call; its old statements are freed only when no call of ours is
 *		running, since an invalidation can arrive while one executes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "gt/gt.h"
#include "gt/item.h"
#include "gt/request.h"
#include "gt/write.h"

#define TABLE_NAME_SIZE 256

typedef struct ItemTable
{
	char		name[TABLE_NAME_SIZE];	/* hash key */
	bool		valid;
	Oid			relid;			/* the replica table */
	GtKeySchema keys;			/* strings in ItemApiContext */
	SPIPlanPtr	upsert;			/* $1 item, $2 deleting */
	SPIPlanPtr	fetch;			/* $1 key */
	SPIPlanPtr	fetch_locked;	/* $1 key, FOR UPDATE */
} ItemTable;

static MemoryContext ItemApiContext = NULL;
static HTAB *ItemTables = NULL;
static List *retired_plans = NIL;	/* to free when no call is running */
static int	call_depth = 0;

static const char *const write_params[] = {
	"TableName", NULL, "ReturnValues", "ReturnConsumedCapacity",
	"ReturnItemCollectionMetrics"
};
static const char *const get_params[] = {
	"TableName", "Key", "ConsistentRead", "ReturnConsumedCapacity"
};

/* relcache callback: mark every entry stale (see NOTES) */
static void
invalidate_item_tables(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	ItemTable  *entry;

	if (ItemTables == NULL)
		return;
	hash_seq_init(&status, ItemTables);
	while ((entry = hash_seq_search(&status)) != NULL)
		entry->valid = false;
}

static void
init_item_tables(void)
{
	HASHCTL		ctl;

	if (ItemTables != NULL)
		return;
	ItemApiContext = AllocSetContextCreate(CacheMemoryContext,
										   "gt item API cache",
										   ALLOCSET_SMALL_SIZES);
	ctl.keysize = TABLE_NAME_SIZE;
	ctl.entrysize = sizeof(ItemTable);
	ctl.hcxt = ItemApiContext;
	ItemTables = hash_create("gt item tables", 16, &ctl,
							 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	CacheRegisterRelcacheCallback(invalidate_item_tables, (Datum) 0);
}

static void
retire_plan(SPIPlanPtr plan)
{
	MemoryContext old;

	if (plan == NULL)
		return;
	old = MemoryContextSwitchTo(ItemApiContext);
	retired_plans = lappend(retired_plans, plan);
	MemoryContextSwitchTo(old);
}

static void
free_retired_plans(void)
{
	ListCell   *lc;

	if (call_depth > 0)
		return;
	foreach(lc, retired_plans)
		SPI_freeplan((SPIPlanPtr) lfirst(lc));
	list_free(retired_plans);
	retired_plans = NIL;
}

static SPIPlanPtr
prepare_kept(const char *sql, int nargs, Oid *types)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, types);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql,
			 SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	return plan;
}

static char *
copy_value(HeapTuple tuple, TupleDesc desc, int col)
{
	char	   *v = SPI_getvalue(tuple, desc, col);

	return v ? MemoryContextStrdup(ItemApiContext, v) : NULL;
}

/*
 * lookup_table returns the cache entry of a global table of this region,
 * refreshing it if stale.  ERRORs with ResourceNotFoundException if there is
 * no such table.  Must be called inside SPI.
 */
static ItemTable *
lookup_table(const char *name)
{
	ItemTable  *entry;
	bool		found;
	char		key[TABLE_NAME_SIZE];
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	HeapTuple	tup;
	TupleDesc	desc;
	Oid			item_types[2] = {JSONBOID, BOOLOID};
	Oid			key_types[1] = {JSONBOID};
	char	   *type;
	bool		isnull;

	gt_request_check_table_name(name);
	init_item_tables();
	memset(key, 0, sizeof(key));
	strlcpy(key, name, sizeof(key));
	entry = hash_search(ItemTables, key, HASH_FIND, NULL);
	if (entry != NULL && entry->valid)
		return entry;

	args[0] = CStringGetTextDatum(name);
	if (SPI_execute_with_args("SELECT g.hash_key, g.hash_type, g.range_key, g.range_type, "
							  "s.upsert_sql, s.fetch_sql, s.fetch_locked_sql, "
							  "g.relid::pg_catalog.oid "
							  "FROM gt.global_table g, gt._item_sql(g) s "
							  "WHERE g.table_name OPERATOR(pg_catalog.=) $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the catalog of global table \"%s\"", name);
	if (SPI_processed == 0)
	{
		if (entry != NULL)
		{
			retire_plan(entry->upsert);
			retire_plan(entry->fetch);
			retire_plan(entry->fetch_locked);
			hash_search(ItemTables, key, HASH_REMOVE, NULL);
		}
		gt_request_error_not_found(name);
	}
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;

	entry = hash_search(ItemTables, key, HASH_ENTER, &found);
	if (found)
	{
		retire_plan(entry->upsert);
		retire_plan(entry->fetch);
		retire_plan(entry->fetch_locked);
	}
	entry->valid = false;
	entry->upsert = entry->fetch = entry->fetch_locked = NULL;
	entry->keys.hash_name = copy_value(tup, desc, 1);
	type = SPI_getvalue(tup, desc, 2);
	entry->keys.hash_type = type[0];
	entry->keys.range_name = copy_value(tup, desc, 3);
	type = SPI_getvalue(tup, desc, 4);
	entry->keys.range_type = type ? type[0] : 0;
	entry->upsert = prepare_kept(SPI_getvalue(tup, desc, 5), 2, item_types);
	entry->fetch = prepare_kept(SPI_getvalue(tup, desc, 6), 1, key_types);
	entry->fetch_locked = prepare_kept(SPI_getvalue(tup, desc, 7), 1, key_types);
	entry->relid = DatumGetObjectId(SPI_getbinval(tup, desc, 8, &isnull));
	entry->valid = true;
	return entry;
}

/*
 * fetch_item returns the live item under key (a copy in the caller's
 * context), or NULL.  Must be called inside SPI.
 *
 * The stored value is detoasted here, in SPI memory (a short header, a
 * compressed or an out-of-line value all make DatumGetJsonbP allocate), and
 * then copied whole with SPI_palloc into the context that was current at
 * SPI_connect, so it outlives SPI_finish.
 */
static Jsonb *
fetch_item(SPIPlanPtr plan, Jsonb *key, bool read_only)
{
	Datum		values[1] = {JsonbPGetDatum(key)};
	bool		isnull;
	Datum		d;
	Jsonb	   *item;
	Jsonb	   *copy;

	if (SPI_execute_plan(plan, values, NULL, read_only, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read an item");
	if (SPI_processed == 0)
		return NULL;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return NULL;
	item = DatumGetJsonbP(d);
	copy = SPI_palloc(VARSIZE(item));
	memcpy(copy, item, VARSIZE(item));
	return copy;
}

/* Builds {"name": value}, or {} if value is NULL. */
static Jsonb *
wrap_result(const char *name, Jsonb *value)
{
	JsonbParseState *state = NULL;
	JsonbValue	k;
	JsonbValue	v;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	if (value != NULL)
	{
		k.type = jbvString;
		k.val.string.val = (char *) name;
		k.val.string.len = strlen(name);
		pushJsonbValue(&state, WJB_KEY, &k);
		v.type = jbvBinary;
		v.val.binary.data = &value->root;
		v.val.binary.len = VARSIZE(value);
		pushJsonbValue(&state, WJB_VALUE, &v);
	}
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/* Returns a request parameter as a Jsonb of its own, or NULL if absent. */
static Jsonb *
request_jsonb(Jsonb *request, const char *field)
{
	JsonbValue *v = gt_request_get(request, field);

	return v ? JsonbValueToJsonb(v) : NULL;
}

/*
 * write_version writes one version of payload (an item, or with deleting a
 * key) to table: validates the payload first, so bad input changes nothing,
 * reads the old item if all_old, then runs the upsert.  Must be called inside
 * SPI, which it finishes.  Returns the response.
 */
static Jsonb *
write_version(ItemTable *table, Jsonb *payload, bool deleting, bool all_old)
{
	Jsonb	   *old = NULL;
	Datum		values[2];

	if (deleting)
		gt_item_validate_key(payload, &table->keys);
	else
		gt_item_validate_item(payload, &table->keys);

	if (all_old)
		old = fetch_item(table->fetch_locked, payload, false);
	if (all_old || !gt_item_write(table->relid, &table->keys, payload, deleting))
	{
		values[0] = JsonbPGetDatum(payload);
		values[1] = BoolGetDatum(deleting);
		if (SPI_execute_plan(table->upsert, values, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not write an item");
	}
	SPI_finish();
	return wrap_result("Attributes", old);
}

/*
 * write_request serves PutItem (field "Item") and DeleteItem (field "Key",
 * deleting): checks the request, then writes with write_version.
 */
static Jsonb *
write_request(Jsonb *request, const char *operation, const char *field,
			  bool deleting)
{
	const char *params[lengthof(write_params)];
	ItemTable  *table;
	JsonbValue *rv;
	char	   *return_values = NULL;
	bool		all_old;
	Jsonb	   *payload;

	memcpy(params, write_params, sizeof(params));
	params[1] = field;
	gt_request_check(request, operation, params, lengthof(params));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	table = lookup_table(gt_request_string(request, "TableName", operation));

	rv = gt_request_get(request, "ReturnValues");
	if (rv != NULL)
		return_values = gt_request_value_text(rv);
	if (return_values == NULL)
		return_values = "NONE";
	all_old = (strcmp(return_values, "ALL_OLD") == 0);
	if (!all_old && strcmp(return_values, "NONE") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ReturnValues \"%s\" is not valid for %s",
						return_values, operation),
				 errhint("Use NONE or ALL_OLD.")));

	payload = request_jsonb(request, field);
	if (payload == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s request is missing required parameter \"%s\"",
						operation, field)));
	return write_version(table, payload, deleting, all_old);
}

/*
 * get_request serves GetItem; returns the response.
 */
static Jsonb *
get_request(Jsonb *request)
{
	const char *operation = "GetItem";
	ItemTable  *table;
	Jsonb	   *key;
	JsonbValue *consistent;
	Jsonb	   *item;

	gt_request_check(request, operation, get_params, lengthof(get_params));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	table = lookup_table(gt_request_string(request, "TableName", operation));
	key = request_jsonb(request, "Key");
	if (key == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s request is missing required parameter \"%s\"",
						operation, "Key")));
	consistent = gt_request_get(request, "ConsistentRead");
	if (consistent != NULL && consistent->type != jbvBool)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ConsistentRead must be a boolean")));
	gt_item_validate_key(key, &table->keys);
	item = fetch_item(table->fetch, key, true);
	SPI_finish();
	return wrap_result("Item", item);
}

/*
 * short_request builds {"TableName": table, field: value} for the short
 * forms, with JSON nulls for SQL NULLs, so they are checked like requests.
 * (A short write with both arguments given skips it: see short_write.)
 */
static Jsonb *
short_request(FunctionCallInfo fcinfo, const char *field)
{
	JsonbParseState *state = NULL;
	JsonbValue	k;
	JsonbValue	v;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = "TableName";
	k.val.string.len = strlen("TableName");
	pushJsonbValue(&state, WJB_KEY, &k);
	if (PG_ARGISNULL(0))
		v.type = jbvNull;
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(0);

		v.type = jbvString;
		v.val.string.val = VARDATA_ANY(t);
		v.val.string.len = VARSIZE_ANY_EXHDR(t);
	}
	pushJsonbValue(&state, WJB_VALUE, &v);
	k.val.string.val = (char *) field;
	k.val.string.len = strlen(field);
	pushJsonbValue(&state, WJB_KEY, &k);
	if (PG_ARGISNULL(1))
		v.type = jbvNull;
	else
	{
		Jsonb	   *j = PG_GETARG_JSONB_P(1);

		v.type = jbvBinary;
		v.val.binary.data = &j->root;
		v.val.binary.len = VARSIZE(j);
	}
	pushJsonbValue(&state, WJB_VALUE, &v);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * Runs one API call with the retired-plan bookkeeping around it.
 */
#define RUN_CALL(result, call) \
	do { \
		free_retired_plans(); \
		call_depth++; \
		PG_TRY(); \
		{ \
			(result) = (call); \
		} \
		PG_FINALLY(); \
		{ \
			call_depth--; \
		} \
		PG_END_TRY(); \
	} while (0)

/*
 * short_write serves the short forms of PutItem and DeleteItem.  With both
 * arguments given, the request it would build could only pass the request
 * check, so it writes the argument itself: building the request and taking
 * the item out of it again was about 4 % of gt.put_item's own CPU.
 */
static Jsonb *
short_write(FunctionCallInfo fcinfo, const char *operation, const char *field,
			bool deleting)
{
	ItemTable  *table;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return write_request(short_request(fcinfo, field), operation, field,
							 deleting);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	table = lookup_table(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	return write_version(table, PG_GETARG_JSONB_P(1), deleting, false);
}

static Jsonb *
request_arg(FunctionCallInfo fcinfo)
{
	return PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0);
}

/* gt.put_item(request jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_put_item);
Datum
gt_put_item(PG_FUNCTION_ARGS)
{
	Jsonb	   *result;

	RUN_CALL(result, write_request(request_arg(fcinfo), "PutItem", "Item", false));
	PG_RETURN_JSONB_P(result);
}

/* gt.put_item(table_name text, item jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_put_item_short);
Datum
gt_put_item_short(PG_FUNCTION_ARGS)
{
	Jsonb	   *result;

	RUN_CALL(result, short_write(fcinfo, "PutItem", "Item", false));
	PG_RETURN_JSONB_P(result);
}

/* gt.delete_item(request jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_delete_item);
Datum
gt_delete_item(PG_FUNCTION_ARGS)
{
	Jsonb	   *result;

	RUN_CALL(result, write_request(request_arg(fcinfo), "DeleteItem", "Key", true));
	PG_RETURN_JSONB_P(result);
}

/* gt.delete_item(table_name text, key jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_delete_item_short);
Datum
gt_delete_item_short(PG_FUNCTION_ARGS)
{
	Jsonb	   *result;

	RUN_CALL(result, short_write(fcinfo, "DeleteItem", "Key", true));
	PG_RETURN_JSONB_P(result);
}

/* gt.get_item(request jsonb) RETURNS jsonb */
PG_FUNCTION_INFO_V1(gt_get_item);
Datum
gt_get_item(PG_FUNCTION_ARGS)
{
	Jsonb	   *result;

	RUN_CALL(result, get_request(request_arg(fcinfo)));
	PG_RETURN_JSONB_P(result);
}

/* gt.get_item(table_name text, key jsonb) RETURNS jsonb: the item, or NULL */
PG_FUNCTION_INFO_V1(gt_get_item_short);
Datum
gt_get_item_short(PG_FUNCTION_ARGS)
{
	Jsonb	   *result;
	JsonbValue *item;

	RUN_CALL(result, get_request(short_request(fcinfo, "Key")));
	item = gt_request_get(result, "Item");
	if (item == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(JsonbValueToJsonb(item));
}
