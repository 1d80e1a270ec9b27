%{
/*-------------------------------------------------------------------------
 *
 * gt_expr_gram.y
 *		The grammar of DynamoDB's expression language.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/expr/gt_expr_gram.y
 *
 * NOTES
 *		Built by PGXS with bison, as core's jsonpath grammar and contrib's
 *		cube are.  One grammar serves every kind of expression: the first
 *		token, which the scanner does not produce, says which (condition,
 *		update or projection; filter and key conditions are conditions).
 *		Precedence is DynamoDB's (the Developer Guide's "Comparison operator
 *		and function reference"): comparisons, IN and BETWEEN bind tightest,
 *		then NOT, then AND, then OR.  Nodes are built by gt_expr.c, which
 *		resolves placeholders and checks names as it goes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/pg_list.h"

#include "gt_expr_parse.h"

/* The first token, which selects what is parsed. */
static int	first_token;

/* bison's own memory goes through palloc, as in core's grammars. */
#define YYMALLOC palloc
#define YYFREE   pfree
%}

%code provides {
extern int	gt_expr_yylex(GtExprParse *parse);
}

%define api.prefix {gt_expr_yy}
%parse-param {GtExprParse *parse}
%lex-param {GtExprParse *parse}
%expect 0

%union
{
	char	   *str;
	GtExpr	   *expr;
	GtPath	   *path;
	GtUpdate   *update;
	List	   *list;
	int			op;
}

%token <str> NAME NAME_PLACEHOLDER VALUE_PLACEHOLDER INTEGER
%token AND OR NOT BETWEEN IN SET REMOVE ADD DELETE_P NE LE GE
%token MODE_CONDITION MODE_UPDATE MODE_PROJECTION

%type <expr> condition operand function set_value set_operand
%type <path> path
%type <list> operand_list update_clauses set_actions remove_actions
%type <list> add_actions path_list
%type <update> set_action add_action
%type <op> comparator

%left OR
%left AND
%right NOT

%%

start:
	MODE_CONDITION condition			{ parse->condition = $2; }
	| MODE_UPDATE update_clauses		{ parse->list = $2; }
	| MODE_PROJECTION path_list			{ parse->list = $2; }
	;

condition:
	condition OR condition				{ $$ = gt_expr_make(parse, GT_EXPR_OR, list_make2($1, $3)); }
	| condition AND condition			{ $$ = gt_expr_make(parse, GT_EXPR_AND, list_make2($1, $3)); }
	| NOT condition						{ $$ = gt_expr_make(parse, GT_EXPR_NOT, list_make1($2)); }
	| '(' condition ')'					{ $$ = $2; }
	| operand comparator operand		{ $$ = gt_expr_make_compare(parse, $2, $1, $3); }
	| operand BETWEEN operand AND operand
		{ $$ = gt_expr_make(parse, GT_EXPR_BETWEEN, list_make3($1, $3, $5)); }
	| operand IN '(' operand_list ')'
		{ $$ = gt_expr_make(parse, GT_EXPR_IN, lcons($1, $4)); }
	| NAME '(' operand_list ')'			{ $$ = gt_expr_make_function(parse, $1, $3, true); }
	;

comparator:
	'='									{ $$ = GT_CMP_EQ; }
	| NE								{ $$ = GT_CMP_NE; }
	| '<'								{ $$ = GT_CMP_LT; }
	| LE								{ $$ = GT_CMP_LE; }
	| '>'								{ $$ = GT_CMP_GT; }
	| GE								{ $$ = GT_CMP_GE; }
	;

operand:
	path								{ $$ = gt_expr_make_path($1); }
	| VALUE_PLACEHOLDER					{ $$ = gt_expr_make_value(parse, $1); }
	| function							{ $$ = $1; }
	;

/* A function as an operand: size(), or in SET if_not_exists and list_append. */
function:
	NAME '(' operand_list ')'			{ $$ = gt_expr_make_function(parse, $1, $3, false); }
	;

operand_list:
	operand								{ $$ = list_make1($1); }
	| operand_list ',' operand			{ $$ = lappend($1, $3); }
	;

path:
	NAME								{ $$ = gt_expr_path_start(parse, $1, false); }
	| NAME_PLACEHOLDER					{ $$ = gt_expr_path_start(parse, $1, true); }
	| path '.' NAME						{ $$ = gt_expr_path_add(parse, $1, $3, false, 0); }
	| path '.' NAME_PLACEHOLDER			{ $$ = gt_expr_path_add(parse, $1, $3, true, 0); }
	| path '[' INTEGER ']'				{ $$ = gt_expr_path_add(parse, $1, NULL, false, atoi($3)); }
	;

path_list:
	path								{ $$ = list_make1($1); }
	| path_list ',' path				{ $$ = lappend($1, $3); }
	;

update_clauses:
	SET set_actions						{ $$ = gt_expr_add_clause(parse, NIL, GT_UPDATE_SET, $2); }
	| REMOVE remove_actions				{ $$ = gt_expr_add_clause(parse, NIL, GT_UPDATE_REMOVE, $2); }
	| ADD add_actions					{ $$ = gt_expr_add_clause(parse, NIL, GT_UPDATE_ADD, $2); }
	| DELETE_P add_actions				{ $$ = gt_expr_add_clause(parse, NIL, GT_UPDATE_DELETE, $2); }
	| update_clauses SET set_actions	{ $$ = gt_expr_add_clause(parse, $1, GT_UPDATE_SET, $3); }
	| update_clauses REMOVE remove_actions
		{ $$ = gt_expr_add_clause(parse, $1, GT_UPDATE_REMOVE, $3); }
	| update_clauses ADD add_actions	{ $$ = gt_expr_add_clause(parse, $1, GT_UPDATE_ADD, $3); }
	| update_clauses DELETE_P add_actions
		{ $$ = gt_expr_add_clause(parse, $1, GT_UPDATE_DELETE, $3); }
	;

set_actions:
	set_action							{ $$ = list_make1($1); }
	| set_actions ',' set_action		{ $$ = lappend($1, $3); }
	;

set_action:
	path '=' set_value					{ $$ = gt_expr_make_update(parse, GT_UPDATE_SET, $1, $3); }
	;

set_value:
	set_operand							{ $$ = $1; }
	| set_operand '+' set_operand		{ $$ = gt_expr_make(parse, GT_EXPR_PLUS, list_make2($1, $3)); }
	| set_operand '-' set_operand		{ $$ = gt_expr_make(parse, GT_EXPR_MINUS, list_make2($1, $3)); }
	;

set_operand:
	path								{ $$ = gt_expr_make_path($1); }
	| VALUE_PLACEHOLDER					{ $$ = gt_expr_make_value(parse, $1); }
	| function							{ $$ = $1; }
	;

remove_actions:
	path								{ $$ = list_make1(gt_expr_make_update(parse, GT_UPDATE_REMOVE, $1, NULL)); }
	| remove_actions ',' path
		{ $$ = lappend($1, gt_expr_make_update(parse, GT_UPDATE_REMOVE, $3, NULL)); }
	;

add_actions:
	add_action							{ $$ = list_make1($1); }
	| add_actions ',' add_action		{ $$ = lappend($1, $3); }
	;

/* ADD and DELETE take a path and a value, separated by a space. */
add_action:
	path VALUE_PLACEHOLDER
		{ $$ = gt_expr_make_update(parse, GT_UPDATE_ADD, $1, gt_expr_make_value(parse, $2)); }
	;

%%

/* The scanner's tokens, after the mode token. */
int
gt_expr_yylex(GtExprParse *parse)
{
	if (first_token != 0)
	{
		int			tok = first_token;

		first_token = 0;
		return tok;
	}
	return gt_expr_scan_token();
}

/*
 * gt_expr_grammar_parse parses parse->text as parse->mode says; ERRORs on a
 * syntax error.
 */
void
gt_expr_grammar_parse(GtExprParse *parse)
{
	switch (parse->mode)
	{
		case GT_PARSE_CONDITION:
			first_token = MODE_CONDITION;
			break;
		case GT_PARSE_UPDATE:
			first_token = MODE_UPDATE;
			break;
		case GT_PARSE_PROJECTION:
			first_token = MODE_PROJECTION;
			break;
	}
	gt_expr_scanner_init(parse);
	if (gt_expr_yyparse(parse) != 0)
		gt_expr_yyerror(parse, "Syntax error");
	gt_expr_scanner_finish();
}
