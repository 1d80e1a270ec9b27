/*-------------------------------------------------------------------------
 *
 * gt_expr.c
 *		Parsing DynamoDB expressions: the entry points, the placeholders of
 *		a request, and the rules and limits DynamoDB checks as it parses.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/expr/gt_expr.c
 *
 * NOTES
 *		The grammar (gt_expr_gram.y) builds nodes through the functions
 *		below, which resolve a #name or :value placeholder as soon as it is
 *		seen, so that an error names the first offending one, as DynamoDB's
 *		does.  A request's placeholders are shared by its expressions
 *		(GtExprContext); once all are parsed, a name or value none of them
 *		used is an error.  Messages are DynamoDB's ValidationException
 *		texts: "Invalid <expression name>: <reason>; <detail>".
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "gt/error.h"
#include "gt/expr.h"
#include "gt_expr_parse.h"

#define INVALID(parse, fmt, ...) \
	ereport(ERROR, (errdynamo(ValidationException, "Invalid %s: " fmt, \
							  gt_expr_type_name((parse)->type), ##__VA_ARGS__)))

const char *
gt_expr_type_name(GtExprType type)
{
	switch (type)
	{
		case GT_EXPR_CONDITION:
			return "ConditionExpression";
		case GT_EXPR_FILTER:
			return "FilterExpression";
		case GT_EXPR_KEY_CONDITION:
			return "KeyConditionExpression";
		case GT_EXPR_UPDATE:
			return "UpdateExpression";
		case GT_EXPR_PROJECTION:
			return "ProjectionExpression";
	}
	return "expression";
}

/*
 * Checks one placeholder map of a request: an object, not empty, whose keys
 * begin with prefix; values are checked by the caller.
 */
static Jsonb *
placeholder_map(JsonbValue *map, const char *parameter, char prefix)
{
	Jsonb	   *jb;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	bool		empty = true;

	if (map == NULL || map->type == jbvNull)
		return NULL;
	if (map->type != jbvBinary || !JsonContainerIsObject(map->val.binary.data))
		ereport(ERROR,
				(errdynamo(ValidationException, "%s must be a JSON object", parameter)));
	jb = JsonbValueToJsonb(map);
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		empty = false;
		if (v.val.string.len < 2 || v.val.string.val[0] != prefix)
			ereport(ERROR,
					(errdynamo(ValidationException,
							   "%s contains invalid key: Syntax error; key: \"%s\"",
							   parameter, pnstrdup(v.val.string.val, v.val.string.len))));
		if (v.val.string.len > GT_EXPR_MAX_PLACEHOLDER_LEN)
			ereport(ERROR,
					(errdynamo(ValidationException,
							   "%s contains invalid key: key is longer than %d bytes",
							   parameter, GT_EXPR_MAX_PLACEHOLDER_LEN)));
	}
	if (empty)
		ereport(ERROR,
				(errdynamo(ValidationException, "%s must not be empty", parameter)));
	return jb;
}

void
gt_expr_context_init(GtExprContext *cxt, const char *operation,
					 JsonbValue *names, JsonbValue *values)
{
	JsonbIterator *it;
	JsonbValue	k = {0};
	JsonbValue	v;
	JsonbIteratorToken tok;

	memset(cxt, 0, sizeof(*cxt));
	cxt->operation = operation;
	cxt->names = placeholder_map(names, "ExpressionAttributeNames", '#');
	cxt->values = placeholder_map(values, "ExpressionAttributeValues", ':');
	if (cxt->names != NULL)
	{
		it = JsonbIteratorInit(&cxt->names->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_VALUE && (v.type != jbvString || v.val.string.len == 0))
				ereport(ERROR,
						(errdynamo(ValidationException,
								   "ExpressionAttributeNames must map each name to a non-empty string")));
		}
	}
	if (cxt->values != NULL)
	{
		it = JsonbIteratorInit(&cxt->values->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
				k = v;
			else if (tok == WJB_VALUE)
				gt_item_validate_value(pnstrdup(k.val.string.val, k.val.string.len),
									   &v, 1);
		}
	}
}

/* The keys of map that used does not list, as DynamoDB lists them. */
static char *
unused_keys(Jsonb *map, List *used)
{
	JsonbIterator *it = JsonbIteratorInit(&map->root);
	JsonbValue	v;
	JsonbIteratorToken tok;
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;
		bool		found = false;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		foreach(lc, used)
			found = found || strcmp(lfirst(lc), key) == 0;
		if (!found)
			appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", key);
	}
	return buf.len > 0 ? buf.data : NULL;
}

void
gt_expr_context_finish(GtExprContext *cxt)
{
	char	   *unused;

	if (cxt->nexpressions == 0 && cxt->names != NULL)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "ExpressionAttributeNames can only be specified when using expressions")));
	if (cxt->nexpressions == 0 && cxt->values != NULL)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "ExpressionAttributeValues can only be specified when using expressions")));
	if (cxt->names != NULL && (unused = unused_keys(cxt->names, cxt->used_names)) != NULL)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}",
						   unused)));
	if (cxt->values != NULL && (unused = unused_keys(cxt->values, cxt->used_values)) != NULL)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}",
						   unused)));
}

/* Looks a placeholder up in map; NULL if absent. */
static JsonbValue *
placeholder_get(Jsonb *map, const char *placeholder)
{
	if (map == NULL)
		return NULL;
	return getKeyJsonValueFromContainer(&map->root, placeholder,
										strlen(placeholder), NULL);
}

static void
count_operator(GtExprParse *parse)
{
	if (++parse->operators > GT_EXPR_MAX_OPERATORS)
		INVALID(parse, "The expression contains too many operators; operator count: %d",
				parse->operators);
}

/*
 * The attribute name a path element stands for: a #name resolved, or a
 * name as written, which must not be a reserved word.
 */
static char *
path_name(GtExprParse *parse, const char *name, bool placeholder)
{
	JsonbValue *v;

	if (!placeholder)
	{
		if (gt_expr_is_reserved_word(name))
			INVALID(parse, "Attribute name is a reserved keyword; reserved keyword: %s", name);
		return pstrdup(name);
	}
	v = placeholder_get(parse->cxt->names, name);
	if (v == NULL)
		INVALID(parse, "An expression attribute name used in the document path is not defined; attribute name: %s",
				name);
	parse->cxt->used_names = lappend(parse->cxt->used_names, pstrdup(name));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

GtPath *
gt_expr_path_start(GtExprParse *parse, const char *name, bool placeholder)
{
	GtPath	   *path = palloc0(sizeof(GtPath));

	path->elems = palloc(sizeof(GtPathElem) * GT_EXPR_MAX_PATH_DEPTH);
	path->elems[0].name = path_name(parse, name, placeholder);
	path->elems[0].index = 0;
	path->nelems = 1;
	path->text = pstrdup(name);
	return path;
}

GtPath *
gt_expr_path_add(GtExprParse *parse, GtPath *path, const char *name,
				 bool placeholder, int index)
{
	GtPathElem *elem;

	if (path->nelems >= GT_EXPR_MAX_PATH_DEPTH)
		INVALID(parse, "The document path has too many nesting levels; nesting levels: %d",
				path->nelems + 1);
	elem = &path->elems[path->nelems++];
	if (name != NULL)
	{
		elem->name = path_name(parse, name, placeholder);
		path->text = psprintf("%s.%s", path->text, name);
	}
	else
	{
		if (index < 0)
			INVALID(parse, "List index is out of range; index: %d", index);
		elem->name = NULL;
		elem->index = index;
		path->text = psprintf("%s[%d]", path->text, index);
	}
	return path;
}

GtExpr *
gt_expr_make_path(GtPath *path)
{
	GtExpr	   *expr = palloc0(sizeof(GtExpr));

	expr->kind = GT_EXPR_PATH;
	expr->path = path;
	return expr;
}

GtExpr *
gt_expr_make_value(GtExprParse *parse, const char *placeholder)
{
	GtExpr	   *expr = palloc0(sizeof(GtExpr));
	JsonbValue *v = placeholder_get(parse->cxt->values, placeholder);

	if (v == NULL)
		INVALID(parse, "An expression attribute value used in expression is not defined; attribute value: %s",
				placeholder);
	parse->cxt->used_values = lappend(parse->cxt->used_values, pstrdup(placeholder));
	expr->kind = GT_EXPR_VALUE;
	expr->placeholder = pstrdup(placeholder);
	expr->value = v;
	return expr;
}

GtExpr *
gt_expr_make(GtExprParse *parse, GtExprKind kind, List *args)
{
	GtExpr	   *expr = palloc0(sizeof(GtExpr));

	count_operator(parse);
	if (kind == GT_EXPR_IN && list_length(args) - 1 > GT_EXPR_MAX_IN_OPERANDS)
		INVALID(parse, "The IN operator is provided with too many operands; number of operands: %d",
				list_length(args) - 1);
	expr->kind = kind;
	expr->args = args;
	return expr;
}

GtExpr *
gt_expr_make_compare(GtExprParse *parse, GtCompareOp op, GtExpr *left,
					 GtExpr *right)
{
	GtExpr	   *expr = gt_expr_make(parse, GT_EXPR_COMPARE, list_make2(left, right));

	expr->op = op;
	return expr;
}

/* DynamoDB's functions: where each may appear, and how many operands. */
static const struct
{
	const char *name;
	GtFunction	fn;
	int			nargs;
	bool		condition;		/* a condition (else an operand) */
	bool		in_update;		/* an operand of SET (else of conditions) */
}			functions[] = {
	{"attribute_exists", GT_FN_ATTRIBUTE_EXISTS, 1, true, false},
	{"attribute_not_exists", GT_FN_ATTRIBUTE_NOT_EXISTS, 1, true, false},
	{"attribute_type", GT_FN_ATTRIBUTE_TYPE, 2, true, false},
	{"begins_with", GT_FN_BEGINS_WITH, 2, true, false},
	{"contains", GT_FN_CONTAINS, 2, true, false},
	{"size", GT_FN_SIZE, 1, false, false},
	{"if_not_exists", GT_FN_IF_NOT_EXISTS, 2, false, true},
	{"list_append", GT_FN_LIST_APPEND, 2, false, true},
};

GtExpr *
gt_expr_make_function(GtExprParse *parse, const char *name, List *args,
					  bool as_condition)
{
	GtExpr	   *expr;
	GtExpr	   *first = linitial(args);

	for (int i = 0; i < lengthof(functions); i++)
	{
		if (strcmp(functions[i].name, name) != 0)
			continue;
		if (functions[i].in_update != (parse->mode == GT_PARSE_UPDATE))
			INVALID(parse, "The function is not allowed in a%s expression; function: %s",
					parse->mode == GT_PARSE_UPDATE ? "n update" : " condition", name);
		if (functions[i].condition != as_condition)
			INVALID(parse, "The function is not allowed to be used this way in an expression; function: %s",
					name);
		if (list_length(args) != functions[i].nargs)
			INVALID(parse, "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d",
					name, list_length(args));
		/* Their first operand is a path, but for list_append's. */
		if (functions[i].fn != GT_FN_LIST_APPEND && first->kind != GT_EXPR_PATH)
			INVALID(parse, "Operator or function requires a document path; operator or function: %s",
					name);
		if (functions[i].fn == GT_FN_ATTRIBUTE_TYPE &&
			((GtExpr *) lsecond(args))->kind != GT_EXPR_VALUE)
			INVALID(parse, "Incorrect operand type for operator or function; operator or function: %s",
					name);
		expr = gt_expr_make(parse, GT_EXPR_FUNCTION, args);
		expr->fn = functions[i].fn;
		return expr;
	}
	INVALID(parse, "Invalid function name; function: %s", name);
	return NULL;				/* keep compiler quiet */
}

GtUpdate *
gt_expr_make_update(GtExprParse *parse, GtUpdateAction action, GtPath *path,
					GtExpr *value)
{
	GtUpdate   *update = palloc0(sizeof(GtUpdate));

	update->action = action;
	update->path = path;
	update->value = value;
	return update;
}

static const char *
clause_name(GtUpdateAction action)
{
	switch (action)
	{
		case GT_UPDATE_SET:
			return "SET";
		case GT_UPDATE_REMOVE:
			return "REMOVE";
		case GT_UPDATE_ADD:
			return "ADD";
		case GT_UPDATE_DELETE:
			return "DELETE";
	}
	return "?";
}

List *
gt_expr_add_clause(GtExprParse *parse, List *updates, GtUpdateAction action,
				   List *actions)
{
	ListCell   *lc;

	if (parse->clauses & (1 << action))
		INVALID(parse, "The \"%s\" section can only be used once in an update expression;",
				clause_name(action));
	parse->clauses |= 1 << action;
	foreach(lc, actions)
	{
		GtUpdate   *update = lfirst(lc);

		/* ADD and DELETE share their syntax. */
		update->action = action;
		if (action == GT_UPDATE_ADD || action == GT_UPDATE_DELETE)
			count_operator(parse);
	}
	return list_concat(updates, actions);
}

/* A path as DynamoDB prints it in messages: [a, b, [2]]. */
static char *
path_display(GtPath *path)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (int i = 0; i < path->nelems; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		if (path->elems[i].name != NULL)
			appendStringInfoString(&buf, path->elems[i].name);
		else
			appendStringInfo(&buf, "[%d]", path->elems[i].index);
	}
	appendStringInfoChar(&buf, ']');
	return buf.data;
}

/* How many leading elements two paths share. */
static int
common_prefix(GtPath *a, GtPath *b)
{
	int			n = 0;

	while (n < a->nelems && n < b->nelems)
	{
		GtPathElem *x = &a->elems[n];
		GtPathElem *y = &b->elems[n];

		if ((x->name == NULL) != (y->name == NULL))
			break;
		if (x->name != NULL ? strcmp(x->name, y->name) != 0 : x->index != y->index)
			break;
		n++;
	}
	return n;
}

/*
 * ERRORs if two of paths are the same or one contains the other: DynamoDB
 * refuses both in update and projection expressions.
 */
static void
check_paths_disjoint(GtExprParse *parse, List *paths)
{
	for (int i = 0; i < list_length(paths); i++)
	{
		for (int j = 0; j < i; j++)
		{
			GtPath	   *a = list_nth(paths, j);
			GtPath	   *b = list_nth(paths, i);
			int			n = common_prefix(a, b);

			if (n == a->nelems && n == b->nelems)
				INVALID(parse, "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: %s, path two: %s",
						path_display(a), path_display(b));
			if (n == a->nelems || n == b->nelems)
				INVALID(parse, "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s",
						path_display(a), path_display(b));
		}
	}
}

/* Parses text as type, with mode's grammar. */
static void
parse_text(GtExprParse *parse, GtExprContext *cxt, GtExprType type,
		   GtParseMode mode, const char *text)
{
	memset(parse, 0, sizeof(*parse));
	parse->cxt = cxt;
	parse->type = type;
	parse->mode = mode;
	parse->text = text;
	if (text == NULL || text[strspn(text, " \t\n\r\f\v")] == '\0')
		INVALID(parse, "The expression can not be empty;");
	if (strlen(text) > GT_EXPR_MAX_LENGTH)
		INVALID(parse, "Expression size has exceeded the maximum allowed size; expression size: %zu",
				strlen(text));
	cxt->nexpressions++;
	gt_expr_grammar_parse(parse);
}

GtExpr *
gt_expr_parse_condition(GtExprContext *cxt, GtExprType type, const char *text)
{
	GtExprParse parse;

	parse_text(&parse, cxt, type, GT_PARSE_CONDITION, text);
	return parse.condition;
}

List *
gt_expr_parse_update(GtExprContext *cxt, const char *text)
{
	GtExprParse parse;
	List	   *paths = NIL;
	ListCell   *lc;

	parse_text(&parse, cxt, GT_EXPR_UPDATE, GT_PARSE_UPDATE, text);
	foreach(lc, parse.list)
		paths = lappend(paths, ((GtUpdate *) lfirst(lc))->path);
	check_paths_disjoint(&parse, paths);
	return parse.list;
}

List *
gt_expr_parse_projection(GtExprContext *cxt, const char *text)
{
	GtExprParse parse;

	parse_text(&parse, cxt, GT_EXPR_PROJECTION, GT_PARSE_PROJECTION, text);
	check_paths_disjoint(&parse, parse.list);
	return parse.list;
}
