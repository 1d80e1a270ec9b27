/*-------------------------------------------------------------------------
 *
 * expr.h
 *		DynamoDB's expression language: condition, filter, key condition,
 *		update and projection expressions, parsed into trees that are
 *		evaluated against items.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/include/gt/expr.h
 *
 * NOTES
 *		src/expr/gt_expr_scan.l and gt_expr_gram.y parse an expression into
 *		the nodes below; gt_expr.c resolves its #name and :value
 *		placeholders against the request's ExpressionAttributeNames and
 *		ExpressionAttributeValues and checks DynamoDB's rules and limits;
 *		gt_expr_eval.c evaluates conditions and operands against an item,
 *		gt_expr_update.c applies an update expression to an item.
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_EXPR_H
#define GT_EXPR_H

#include "nodes/pg_list.h"
#include "utils/jsonb.h"

#include "gt/attr.h"
#include "gt/item.h"

/* DynamoDB's limits on expressions (the Developer Guide's quotas page). */
#define GT_EXPR_MAX_LENGTH			4096	/* bytes of one expression */
#define GT_EXPR_MAX_OPERATORS		300 /* operators and functions */
#define GT_EXPR_MAX_IN_OPERANDS		100 /* right side of IN */
#define GT_EXPR_MAX_PATH_DEPTH		32	/* elements of a document path */
#define GT_EXPR_MAX_PLACEHOLDER_LEN	255 /* bytes of a #name or :value */

/* Which expression of a request is parsed: its name in messages. */
typedef enum GtExprType
{
	GT_EXPR_CONDITION,			/* ConditionExpression */
	GT_EXPR_FILTER,				/* FilterExpression */
	GT_EXPR_KEY_CONDITION,		/* KeyConditionExpression */
	GT_EXPR_UPDATE,				/* UpdateExpression */
	GT_EXPR_PROJECTION			/* ProjectionExpression */
} GtExprType;

/* One element of a document path: an attribute name or a list index. */
typedef struct GtPathElem
{
	char	   *name;			/* the name, placeholders resolved; NULL for an index */
	int			index;			/* a list index, if name is NULL */
} GtPathElem;

/* A document path: a.b[2].c is four elements. */
typedef struct GtPath
{
	int			nelems;
	GtPathElem *elems;
	char	   *text;			/* as written, for messages */
} GtPath;

typedef enum GtExprKind
{
	GT_EXPR_PATH,				/* the value at a document path */
	GT_EXPR_VALUE,				/* a :value placeholder */
	GT_EXPR_COMPARE,			/* args[0] op args[1] */
	GT_EXPR_BETWEEN,			/* args[0] BETWEEN args[1] AND args[2] */
	GT_EXPR_IN,					/* args[0] IN (args[1], ...) */
	GT_EXPR_AND,
	GT_EXPR_OR,
	GT_EXPR_NOT,
	GT_EXPR_FUNCTION,			/* fn(args...) */
	GT_EXPR_PLUS,				/* in SET: args[0] + args[1] */
	GT_EXPR_MINUS				/* in SET: args[0] - args[1] */
} GtExprKind;

typedef enum GtCompareOp
{
	GT_CMP_EQ,
	GT_CMP_NE,
	GT_CMP_LT,
	GT_CMP_LE,
	GT_CMP_GT,
	GT_CMP_GE
} GtCompareOp;

typedef enum GtFunction
{
	GT_FN_ATTRIBUTE_EXISTS,
	GT_FN_ATTRIBUTE_NOT_EXISTS,
	GT_FN_ATTRIBUTE_TYPE,
	GT_FN_BEGINS_WITH,
	GT_FN_CONTAINS,
	GT_FN_SIZE,
	GT_FN_IF_NOT_EXISTS,
	GT_FN_LIST_APPEND
} GtFunction;

typedef struct GtExpr
{
	GtExprKind	kind;
	GtCompareOp op;				/* GT_EXPR_COMPARE */
	GtFunction	fn;				/* GT_EXPR_FUNCTION */
	GtPath	   *path;			/* GT_EXPR_PATH */
	char	   *placeholder;	/* GT_EXPR_VALUE: ":v" */
	JsonbValue *value;			/* GT_EXPR_VALUE: its AttributeValue */
	List	   *args;			/* of GtExpr * */
} GtExpr;

typedef enum GtUpdateAction
{
	GT_UPDATE_SET,
	GT_UPDATE_REMOVE,
	GT_UPDATE_ADD,
	GT_UPDATE_DELETE
} GtUpdateAction;

/* One action of an update expression. */
typedef struct GtUpdate
{
	GtUpdateAction action;
	GtPath	   *path;
	GtExpr	   *value;			/* NULL for REMOVE */
} GtUpdate;

/*
 * The placeholders of one request, shared by its expressions, so that a
 * name or value none of them uses is an error, as in DynamoDB.
 */
typedef struct GtExprContext
{
	const char *operation;		/* "UpdateItem", ... */
	Jsonb	   *names;			/* ExpressionAttributeNames, or NULL */
	Jsonb	   *values;			/* ExpressionAttributeValues, or NULL */
	List	   *used_names;		/* of char *, as written: "#n" */
	List	   *used_values;	/* of char *: ":v" */
	int			nexpressions;	/* expressions parsed */
} GtExprContext;

/*
 * Starts a request's context: reads and checks its ExpressionAttributeNames
 * and ExpressionAttributeValues (request parameters; NULL if absent).
 */
extern void gt_expr_context_init(GtExprContext *cxt, const char *operation,
								 JsonbValue *names, JsonbValue *values);

/* ERRORs if a name or value of the context was not used. */
extern void gt_expr_context_finish(GtExprContext *cxt);

/* Parsing (gt_expr.c), in the current memory context; ERRORs on bad input. */
extern GtExpr *gt_expr_parse_condition(GtExprContext *cxt, GtExprType type,
									   const char *text);
extern List *gt_expr_parse_update(GtExprContext *cxt, const char *text);
extern List *gt_expr_parse_projection(GtExprContext *cxt, const char *text);

/* The name of an expression type: "ConditionExpression", ... */
extern const char *gt_expr_type_name(GtExprType type);

/* Is word (any case) one of DynamoDB's reserved words? */
extern bool gt_expr_is_reserved_word(const char *word);

/* Evaluation (gt_expr_eval.c) against an item; item NULL is no item. */
extern bool gt_expr_eval_condition(GtExpr *expr, Jsonb *item);

/*
 * The AttributeValue of an operand, or NULL if it names an attribute the
 * item does not have.  In the current memory context.
 */
extern JsonbValue *gt_expr_eval_operand(GtExpr *expr, Jsonb *item);

/* a + b (a - b with subtract) of two N AttributeValues. */
extern JsonbValue *gt_expr_number_sum(JsonbValue *a, JsonbValue *b, bool subtract);

/* begins_with(a, b): a (NULL: absent) is an S or B beginning with b. */
extern bool gt_expr_begins_with(JsonbValue *a, JsonbValue *b);

/* The AttributeValue at path in item, or NULL if absent. */
extern JsonbValue *gt_expr_path_get(Jsonb *item, GtPath *path);

/*
 * Compares two AttributeValues as DynamoDB's comparisons do: *comparable is
 * set false if they are of different types, or of a type that only = and
 * <> compare (then only equality is meaningful).
 */
extern int	gt_expr_compare_values(JsonbValue *a, JsonbValue *b,
								   bool *comparable);
extern bool gt_expr_values_equal(JsonbValue *a, JsonbValue *b);

/*
 * Does set, the array under the descriptor of a set of type type, hold
 * elem (a string, numbers compared as numbers)?
 */
extern bool gt_expr_set_has(GtAttrType type, JsonbValue *set, JsonbValue *elem);

/*
 * Applies an update expression (gt_expr_update.c) to item (NULL if the item
 * does not exist), whose key attributes ks names, and returns the new item.
 * *changed receives the top-level names of the attributes the update
 * touched (for ReturnValues UPDATED_OLD and UPDATED_NEW).
 */
extern Jsonb *gt_expr_apply_update(List *updates, Jsonb *item, Jsonb *key,
								   const GtKeySchema *ks, List **changed);

/* A jsonb as a JsonbValue, and a list's or set's AttributeValue. */
extern JsonbValue *gt_expr_binary_value(Jsonb *jb);
extern JsonbValue *gt_expr_array_attr(const char *type, List *elems);

/* The projection of item on paths (gt_expr_doc.c). */
extern Jsonb *gt_expr_project(Jsonb *item, List *paths);

#endif							/* GT_EXPR_H */
