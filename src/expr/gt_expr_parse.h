/*-------------------------------------------------------------------------
 *
 * gt_expr_parse.h
 *		What the expression grammar, its scanner and gt_expr.c share.
 *		Internal to src/expr/.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/expr/gt_expr_parse.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_EXPR_PARSE_H
#define GT_EXPR_PARSE_H

#include "gt/expr.h"

/* What the grammar is asked to parse: its first token says so. */
typedef enum GtParseMode
{
	GT_PARSE_CONDITION,
	GT_PARSE_UPDATE,
	GT_PARSE_PROJECTION
} GtParseMode;

/* One parse: its input, its result, and the context placeholders come from. */
typedef struct GtExprParse
{
	GtExprContext *cxt;
	GtExprType	type;
	GtParseMode mode;
	const char *text;
	GtExpr	   *condition;		/* result of GT_PARSE_CONDITION */
	List	   *list;			/* of GtUpdate * or GtPath * */
	int			operators;		/* operators and functions seen */
	int			clauses;		/* update clauses seen, by 1 << action */
} GtExprParse;

/* The scanner (gt_expr_scan.l). */
extern int	gt_expr_scan_token(void);
extern void gt_expr_scanner_init(GtExprParse *parse);
extern void gt_expr_scanner_finish(void);
extern void gt_expr_yyerror(GtExprParse *parse, const char *message) pg_attribute_noreturn();

/* The grammar (gt_expr_gram.y): ERRORs on a syntax error. */
extern void gt_expr_grammar_parse(GtExprParse *parse);

/* Node builders for the grammar (gt_expr.c). */
extern GtPath *gt_expr_path_start(GtExprParse *parse, const char *name, bool placeholder);
extern GtPath *gt_expr_path_add(GtExprParse *parse, GtPath *path, const char *name,
								bool placeholder, int index);
extern GtExpr *gt_expr_make_path(GtPath *path);
extern GtExpr *gt_expr_make_value(GtExprParse *parse, const char *placeholder);
extern GtExpr *gt_expr_make(GtExprParse *parse, GtExprKind kind, List *args);
extern GtExpr *gt_expr_make_compare(GtExprParse *parse, GtCompareOp op,
									GtExpr *left, GtExpr *right);
extern GtExpr *gt_expr_make_function(GtExprParse *parse, const char *name,
									 List *args, bool as_condition);
extern GtUpdate *gt_expr_make_update(GtExprParse *parse, GtUpdateAction action,
									 GtPath *path, GtExpr *value);
extern List *gt_expr_add_clause(GtExprParse *parse, List *updates,
								GtUpdateAction action, List *actions);

#endif							/* GT_EXPR_PARSE_H */
