/*-------------------------------------------------------------------------
 *
 * gt_remote.c
 *		Connections to other regions: how table management reaches the other
 *		replicas of a table, and how link workers reach their source.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/replication/gt_remote.c
 *
 * NOTES
 *		All waits go through libpq-be-fe-helpers.h, so they are interruptible
 *		and the file descriptors are accounted for.  A region's connection
 *		string comes from gt.region_conninfo(): a registration made with
 *		gt.register_region(), or the database of the region's name in this
 *		cluster.  Connection errors name the region and say which registration
 *		to fix, because that is what an operator has to change.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/libpq-be-fe-helpers.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/wait_event.h"

#include "gt/gt.h"
#include "gt/remote.h"

/*
 * masked_conninfo returns conninfo with the value of its password (and of
 * any other option libpq flags as secret, "*" in its dispchar) replaced by
 * asterisks, for messages that reach the server log; a string libpq cannot
 * parse is not shown at all.
 */
static char *
masked_conninfo(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	StringInfoData buf;

	if (opts == NULL)
		return pstrdup("(unparsable)");
	initStringInfo(&buf);
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
	{
		bool		secret = o->dispchar != NULL && strchr(o->dispchar, '*') != NULL;

		if (o->val == NULL)
			continue;
		if (buf.len > 0)
			appendStringInfoChar(&buf, ' ');
		appendStringInfo(&buf, "%s=", o->keyword);
		if (secret)
			appendStringInfoString(&buf, "********");
		else
		{
			appendStringInfoChar(&buf, '\'');
			for (const char *c = o->val; *c; c++)
			{
				if (*c == '\'' || *c == '\\')
					appendStringInfoChar(&buf, '\\');
				appendStringInfoChar(&buf, *c);
			}
			appendStringInfoChar(&buf, '\'');
		}
	}
	PQconninfoFree(opts);
	return buf.data;
}

/*
 * gt_remote_report_connect_error ERRORs with the reason a connection to a
 * region failed, and disconnects.  The connection string is shown with its
 * password masked.
 */
void
gt_remote_report_connect_error(const char *region, const char *conninfo,
							   PGconn *conn)
{
	char	   *msg = pchomp(conn ? PQerrorMessage(conn) : "out of memory");

	libpqsrv_disconnect(conn);
	ereport(ERROR,
			(errcode(ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION),
			 errmsg("could not connect to region \"%s\": %s", region, msg),
			 errdetail("The connection string used was \"%s\".", masked_conninfo(conninfo)),
			 errhint("Fix the registration with gt.register_region('%s', 'connection string'), or start that region's server.",
					 region)));
}

/*
 * forward_notice re-raises a NOTICE or WARNING from another region in this
 * session (libpq notice receiver), instead of letting libpq print it to the
 * server's stderr.
 */
static void
forward_notice(void *arg, const PGresult *res)
{
	const char *region = arg;
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	int			level = NOTICE;

	if (primary == NULL)
		return;
	if (severity && strcmp(severity, "WARNING") == 0)
		level = WARNING;
	ereport(level,
			(errmsg_internal("%s", primary),
			 hint ? errhint("%s", hint) : 0,
			 errcontext("in region \"%s\"", region)));
}

/*
 * gt_remote_connect opens a connection to a region, as a replication
 * connection to its database if asked.  ERRORs if it cannot connect.  The
 * connection must be closed with libpqsrv_disconnect() before the current
 * memory context is reset.
 */
PGconn *
gt_remote_connect(const char *region, const char *conninfo, bool replication)
{
	const char *keys[5];
	const char *vals[5];
	int			i = 0;
	PGconn	   *conn;

	/*
	 * Before dbname, so that the connection string's own value wins: a peer
	 * that accepts but never answers must not hang a link without a word.
	 */
	keys[i] = "connect_timeout";
	vals[i++] = "30";
	keys[i] = "dbname";
	vals[i++] = conninfo;
	if (replication)
	{
		keys[i] = "replication";
		vals[i++] = "database";
	}
	keys[i] = "fallback_application_name";
	vals[i++] = "pg_global_tables";
	keys[i] = NULL;
	vals[i] = NULL;

	conn = libpqsrv_connect_params(keys, vals, true, PG_WAIT_EXTENSION);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
		gt_remote_report_connect_error(region, conninfo, conn);
	/* Callers close the connection before their memory context goes. */
	PQsetNoticeReceiver(conn, forward_notice, pstrdup(region));
	return conn;
}

/*
 * gt_remote_exec(region, conninfo, sql) runs sql in another region (or this
 * one, in a separate session that commits on its own) and returns the first
 * column of the last result's first row as text, or NULL.  A remote error is
 * re-raised here with the remote SQLSTATE and message, naming the region.
 */
PG_FUNCTION_INFO_V1(gt_remote_exec);
Datum
gt_remote_exec(PG_FUNCTION_ARGS)
{
	char	   *region = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *conninfo = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(2));
	PGconn	   *conn;
	PGresult   *res;
	char	   *result = NULL;

	conn = gt_remote_connect(region, conninfo, false);
	PG_TRY();
	{
		ExecStatusType status;

		res = libpqsrv_exec(conn, sql, PG_WAIT_EXTENSION);
		status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
		{
			const char *sqlstate = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
			const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
			const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
			const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
			int			code = ERRCODE_CONNECTION_FAILURE;

			if (sqlstate && strlen(sqlstate) == 5)
				code = MAKE_SQLSTATE(sqlstate[0], sqlstate[1], sqlstate[2],
									 sqlstate[3], sqlstate[4]);
			if (primary == NULL)
				primary = pchomp(PQerrorMessage(conn));
			ereport(ERROR,
					(errcode(code),
					 errmsg_internal("%s", primary),
					 detail ? errdetail_internal("%s", detail) : 0,
					 hint ? errhint("%s", hint) : 0,
					 errcontext("in region \"%s\"", region)));
		}
		if (status == PGRES_TUPLES_OK && PQntuples(res) > 0 &&
			PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
			result = pstrdup(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	PG_FINALLY();
	{
		libpqsrv_disconnect(conn);
	}
	PG_END_TRY();

	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(result));
}
