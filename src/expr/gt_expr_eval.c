/*-------------------------------------------------------------------------
 *
 * gt_expr_eval.c
 *		Evaluating conditions and operands of DynamoDB expressions against
 *		an item.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/expr/gt_expr_eval.c
 *
 * NOTES
 *		An item is a jsonb object of attribute names and AttributeValues;
 *		an operand evaluates to an AttributeValue (a JsonbValue holding
 *		{"<type>": ...}), or to nothing when it names an attribute the item
 *		does not have.  Comparisons follow DynamoDB ("Comparison operator
 *		and function reference"): N compare as numbers, S by their UTF-8
 *		bytes, B by their bytes; values of different types, or a missing
 *		attribute, make every comparison false but <>; other types compare
 *		only for equality, sets as sets and numbers by value at any depth.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/base64.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "gt/attr.h"
#include "gt/error.h"
#include "gt/expr.h"

/* An AttributeValue's type and the value under its descriptor. */
static GtAttrType
attr_type(JsonbValue *value, JsonbValue *inner)
{
	GtAttrType	type = gt_attr_type_of(value, inner);

	if (type == GT_ATTR_INVALID)
		elog(ERROR, "malformed AttributeValue in an item");
	return type;
}

/* The number an N string holds, as a numeric. */
static Datum
number_datum(JsonbValue *s)
{
	char	   *str = pnstrdup(s->val.string.val, s->val.string.len);

	return DirectFunctionCall3(numeric_in, CStringGetDatum(str),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

static int
compare_numbers(JsonbValue *a, JsonbValue *b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, number_datum(a),
											 number_datum(b)));
}

/* The bytes a B (base64) string stands for. */
static char *
binary_bytes(JsonbValue *s, int *len)
{
	char	   *out = palloc(pg_b64_dec_len(s->val.string.len) + 1);

	*len = pg_b64_decode(s->val.string.val, s->val.string.len, out,
						 pg_b64_dec_len(s->val.string.len));
	if (*len < 0)
		elog(ERROR, "malformed binary value in an item");
	return out;
}

static int
compare_binaries(JsonbValue *a, JsonbValue *b)
{
	int			alen;
	int			blen;
	char	   *x = binary_bytes(a, &alen);
	char	   *y = binary_bytes(b, &blen);

	return gt_attr_compare_bytes(x, alen, y, blen);
}

static bool
strings_equal(JsonbValue *a, JsonbValue *b)
{
	return a->val.string.len == b->val.string.len &&
		memcmp(a->val.string.val, b->val.string.val, a->val.string.len) == 0;
}

/* The elements of an array container, as JsonbValues. */
static JsonbValue *
array_elements(JsonbValue *array, int *n)
{
	JsonbContainer *c = array->val.binary.data;
	JsonbValue *elems;

	*n = JsonContainerSize(c);
	elems = palloc(sizeof(JsonbValue) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
		elems[i] = *getIthJsonbValueFromContainer(c, i);
	return elems;
}

/* Does set (the array under a set's descriptor) hold elem? */
bool
gt_expr_set_has(GtAttrType type, JsonbValue *set, JsonbValue *elem)
{
	int			n;
	JsonbValue *elems = array_elements(set, &n);

	for (int i = 0; i < n; i++)
	{
		if (type == GT_ATTR_NS ? compare_numbers(&elems[i], elem) == 0
			: strings_equal(&elems[i], elem))
			return true;
	}
	return false;
}

/* Equality of two values under the same descriptor. */
static bool
inner_equal(GtAttrType type, JsonbValue *a, JsonbValue *b)
{
	switch (type)
	{
		case GT_ATTR_S:
		case GT_ATTR_B:
			return strings_equal(a, b);
		case GT_ATTR_N:
			return compare_numbers(a, b) == 0;
		case GT_ATTR_BOOL:
			return a->val.boolean == b->val.boolean;
		case GT_ATTR_NULL:
			return true;
		case GT_ATTR_SS:
		case GT_ATTR_NS:
		case GT_ATTR_BS:
			{
				int			n;
				JsonbValue *elems = array_elements(a, &n);

				if (n != JsonContainerSize(b->val.binary.data))
					return false;
				for (int i = 0; i < n; i++)
					if (!gt_expr_set_has(type, b, &elems[i]))
						return false;
				return true;
			}
		case GT_ATTR_L:
			{
				int			n;
				int			m;
				JsonbValue *x = array_elements(a, &n);
				JsonbValue *y = array_elements(b, &m);

				if (n != m)
					return false;
				for (int i = 0; i < n; i++)
					if (!gt_expr_values_equal(&x[i], &y[i]))
						return false;
				return true;
			}
		case GT_ATTR_M:
			{
				JsonbIterator *it;
				JsonbValue	k = {0};
				JsonbValue	v;
				JsonbIteratorToken tok;

				if (JsonContainerSize(a->val.binary.data) !=
					JsonContainerSize(b->val.binary.data))
					return false;
				it = JsonbIteratorInit(a->val.binary.data);
				while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
				{
					JsonbValue *other;

					if (tok == WJB_KEY)
						k = v;
					if (tok != WJB_VALUE)
						continue;
					other = getKeyJsonValueFromContainer(b->val.binary.data,
														 k.val.string.val,
														 k.val.string.len, NULL);
					if (other == NULL || !gt_expr_values_equal(&v, other))
						return false;
				}
				return true;
			}
		case GT_ATTR_INVALID:
			break;
	}
	return false;
}

bool
gt_expr_values_equal(JsonbValue *a, JsonbValue *b)
{
	JsonbValue	x;
	JsonbValue	y;
	GtAttrType	t = attr_type(a, &x);

	if (attr_type(b, &y) != t)
		return false;
	return inner_equal(t, &x, &y);
}

int
gt_expr_compare_values(JsonbValue *a, JsonbValue *b, bool *comparable)
{
	JsonbValue	x;
	JsonbValue	y;
	GtAttrType	t = attr_type(a, &x);

	*comparable = (attr_type(b, &y) == t);
	if (!*comparable)
		return 0;
	switch (t)
	{
		case GT_ATTR_N:
			return compare_numbers(&x, &y);
		case GT_ATTR_S:
			return gt_attr_compare_bytes(x.val.string.val, x.val.string.len,
										 y.val.string.val, y.val.string.len);
		case GT_ATTR_B:
			return compare_binaries(&x, &y);
		default:
			*comparable = false;
			return 0;
	}
}

JsonbValue *
gt_expr_path_get(Jsonb *item, GtPath *path)
{
	JsonbContainer *c;
	JsonbValue *v = NULL;

	if (item == NULL)
		return NULL;
	c = &item->root;
	for (int i = 0; i < path->nelems; i++)
	{
		GtPathElem *e = &path->elems[i];
		JsonbValue	inner;

		if (i > 0)
		{
			GtAttrType	t = attr_type(v, &inner);

			if (t != (e->name ? GT_ATTR_M : GT_ATTR_L))
				return NULL;
			c = inner.val.binary.data;
		}
		if (e->name)
			v = getKeyJsonValueFromContainer(c, e->name, strlen(e->name), NULL);
		else
			v = getIthJsonbValueFromContainer(c, e->index);
		if (v == NULL)
			return NULL;
	}
	return v;
}

/* A jsonb as a JsonbValue that pushJsonbValue() takes whole. */
JsonbValue *
gt_expr_binary_value(Jsonb *jb)
{
	JsonbValue *v = palloc(sizeof(JsonbValue));

	v->type = jbvBinary;
	v->val.binary.data = &jb->root;
	v->val.binary.len = VARSIZE(jb);
	return v;
}

/* Builds the AttributeValue {type: inner}, inner a scalar or binary. */
static JsonbValue *
make_attr(const char *type, JsonbValue *inner)
{
	JsonbParseState *state = NULL;
	JsonbValue	k;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = (char *) type;
	k.val.string.len = strlen(type);
	pushJsonbValue(&state, WJB_KEY, &k);
	pushJsonbValue(&state, WJB_VALUE, inner);
	return gt_expr_binary_value(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/*
 * gt_expr_array_attr builds the AttributeValue {type: [elems...]} of a list
 * or set, in one parse state (pushJsonbValue() takes no array as a value).
 */
JsonbValue *
gt_expr_array_attr(const char *type, List *elems)
{
	JsonbParseState *state = NULL;
	JsonbValue	k;
	ListCell   *lc;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = (char *) type;
	k.val.string.len = strlen(type);
	pushJsonbValue(&state, WJB_KEY, &k);
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	foreach(lc, elems)
		pushJsonbValue(&state, WJB_ELEM, lfirst(lc));
	pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	return gt_expr_binary_value(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

/* An N AttributeValue of a numeric, checked against DynamoDB's limits. */
static JsonbValue *
make_number(Datum num)
{
	JsonbValue	s;
	char	   *str;

	num = DirectFunctionCall1(numeric_trim_scale, num);
	str = DatumGetCString(DirectFunctionCall1(numeric_out, num));
	switch (gt_attr_parse_number(str, strlen(str), NULL))
	{
		case GT_NUMBER_OK:
			break;
		case GT_NUMBER_UNDERFLOW:
			ereport(ERROR,
					(errdynamo(ValidationException,
							   "Number underflow. Attempting to store a number with magnitude smaller than supported range")));
			break;
		case GT_NUMBER_DIGITS:
			ereport(ERROR,
					(errdynamo(ValidationException,
							   "Attempting to store more than 38 significant digits in a Number")));
			break;
		default:
			ereport(ERROR,
					(errdynamo(ValidationException,
							   "Number overflow. Attempting to store a number with magnitude larger than supported range")));
	}
	s.type = jbvString;
	s.val.string.val = str;
	s.val.string.len = strlen(str);
	return make_attr("N", &s);
}

/* The type names attribute_type() accepts. */
static const char *const type_names = "B,NULL,SS,BOOL,L,BS,N,NS,S,M";

/* Counts characters of a UTF-8 string, as size() does. */
static int
string_size(JsonbValue *s)
{
	return (int) gt_attr_utf8_length(s->val.string.val, s->val.string.len);
}

static JsonbValue *
eval_size(JsonbValue *value)
{
	JsonbValue	inner;
	int			n = 0;

	switch (attr_type(value, &inner))
	{
		case GT_ATTR_S:
			n = string_size(&inner);
			break;
		case GT_ATTR_B:
			binary_bytes(&inner, &n);
			break;
		case GT_ATTR_SS:
		case GT_ATTR_NS:
		case GT_ATTR_BS:
		case GT_ATTR_L:
		case GT_ATTR_M:
			n = JsonContainerSize(inner.val.binary.data);
			break;
		default:
			ereport(ERROR,
					(errdynamo(ValidationException,
							   "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: %s",
							   gt_attr_type_name(gt_attr_type_of(value, &inner)))));
	}
	return make_number(DirectFunctionCall1(int4_numeric, Int32GetDatum(n)));
}

/*
 * The two operands of a SET function or operator, evaluated against item;
 * both must name something the item has.
 */
static void
two_operands(GtExpr *expr, Jsonb *item, JsonbValue **a, JsonbValue **b)
{
	*a = gt_expr_eval_operand(linitial(expr->args), item);
	*b = gt_expr_eval_operand(lsecond(expr->args), item);
	if (*a == NULL || *b == NULL)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "The provided expression refers to an attribute that does not exist in the item")));
}

/* a + b, or a - b with subtract: both N AttributeValues. */
JsonbValue *
gt_expr_number_sum(JsonbValue *a, JsonbValue *b, bool subtract)
{
	JsonbValue	x;
	JsonbValue	y;

	if (attr_type(a, &x) != GT_ATTR_N || attr_type(b, &y) != GT_ATTR_N)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "An operand in the update expression has an incorrect data type")));
	return make_number(DirectFunctionCall2(subtract ? numeric_sub : numeric_add,
										   number_datum(&x), number_datum(&y)));
}

/* list_append(a, b): the elements of list a, then those of list b. */
static JsonbValue *
eval_list_append(GtExpr *expr, Jsonb *item)
{
	JsonbValue *a;
	JsonbValue *b;
	JsonbValue	x;
	JsonbValue	y;
	List	   *elems = NIL;

	two_operands(expr, item, &a, &b);
	if (attr_type(a, &x) != GT_ATTR_L || attr_type(b, &y) != GT_ATTR_L)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: %s",
						   gt_attr_type_name(attr_type(a, &x) != GT_ATTR_L ? attr_type(a, &x) : attr_type(b, &y)))));
	for (int side = 0; side < 2; side++)
	{
		JsonbContainer *c = (side == 0 ? &x : &y)->val.binary.data;

		for (int i = 0; i < JsonContainerSize(c); i++)
			elems = lappend(elems, getIthJsonbValueFromContainer(c, i));
	}
	return gt_expr_array_attr("L", elems);
}

JsonbValue *
gt_expr_eval_operand(GtExpr *expr, Jsonb *item)
{
	switch (expr->kind)
	{
		case GT_EXPR_PATH:
			return gt_expr_path_get(item, expr->path);
		case GT_EXPR_VALUE:
			return expr->value;
		case GT_EXPR_PLUS:
		case GT_EXPR_MINUS:
			{
				JsonbValue *a;
				JsonbValue *b;

				two_operands(expr, item, &a, &b);
				return gt_expr_number_sum(a, b, expr->kind == GT_EXPR_MINUS);
			}
		case GT_EXPR_FUNCTION:
			switch (expr->fn)
			{
				case GT_FN_SIZE:
					{
						JsonbValue *v = gt_expr_eval_operand(linitial(expr->args), item);

						return v ? eval_size(v) : NULL;
					}
				case GT_FN_IF_NOT_EXISTS:
					{
						JsonbValue *v = gt_expr_eval_operand(linitial(expr->args), item);

						return v ? v : gt_expr_eval_operand(lsecond(expr->args), item);
					}
				case GT_FN_LIST_APPEND:
					return eval_list_append(expr, item);
				default:
					break;
			}
			break;
		default:
			break;
	}
	elog(ERROR, "expression node %d is not an operand", expr->kind);
	return NULL;
}

static bool
eval_compare(GtCompareOp op, JsonbValue *a, JsonbValue *b)
{
	bool		comparable;
	int			cmp;

	if (a == NULL || b == NULL)
		return op == GT_CMP_NE;
	if (op == GT_CMP_EQ || op == GT_CMP_NE)
		return gt_expr_values_equal(a, b) == (op == GT_CMP_EQ);
	cmp = gt_expr_compare_values(a, b, &comparable);
	if (!comparable)
		return false;
	switch (op)
	{
		case GT_CMP_LT:
			return cmp < 0;
		case GT_CMP_LE:
			return cmp <= 0;
		case GT_CMP_GT:
			return cmp > 0;
		case GT_CMP_GE:
			return cmp >= 0;
		default:
			return false;
	}
}

/* begins_with(path, operand): S on S, B on B. */
bool
gt_expr_begins_with(JsonbValue *a, JsonbValue *b)
{
	JsonbValue	x;
	JsonbValue	y;
	GtAttrType	t;

	if (a == NULL || b == NULL)
		return false;
	t = attr_type(b, &y);
	if (t != GT_ATTR_S && t != GT_ATTR_B)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: %s",
						   gt_attr_type_name(t))));
	if (attr_type(a, &x) != t)
		return false;
	if (t == GT_ATTR_S)
		return x.val.string.len >= y.val.string.len &&
			memcmp(x.val.string.val, y.val.string.val, y.val.string.len) == 0;
	else
	{
		int			alen;
		int			blen;
		char	   *p = binary_bytes(&x, &alen);
		char	   *q = binary_bytes(&y, &blen);

		return alen >= blen && memcmp(p, q, blen) == 0;
	}
}

/* contains(path, operand): a substring, a set's element, a list's element. */
static bool
eval_contains(JsonbValue *a, JsonbValue *b)
{
	JsonbValue	x;
	JsonbValue	y;
	GtAttrType	t;
	GtAttrType	u;

	if (a == NULL || b == NULL)
		return false;
	t = attr_type(a, &x);
	u = attr_type(b, &y);
	switch (t)
	{
		case GT_ATTR_S:
			if (u != GT_ATTR_S)
				return false;
			if (y.val.string.len == 0)
				return true;
			for (int i = 0; i + y.val.string.len <= x.val.string.len; i++)
				if (memcmp(x.val.string.val + i, y.val.string.val, y.val.string.len) == 0)
					return true;
			return false;
		case GT_ATTR_SS:
			return u == GT_ATTR_S && gt_expr_set_has(t, &x, &y);
		case GT_ATTR_NS:
			return u == GT_ATTR_N && gt_expr_set_has(t, &x, &y);
		case GT_ATTR_BS:
			return u == GT_ATTR_B && gt_expr_set_has(t, &x, &y);
		case GT_ATTR_L:
			{
				int			n;
				JsonbValue *elems = array_elements(&x, &n);

				for (int i = 0; i < n; i++)
					if (gt_expr_values_equal(&elems[i], b))
						return true;
				return false;
			}
		default:
			return false;
	}
}

/* attribute_type(path, :type) */
static bool
eval_attribute_type(JsonbValue *a, JsonbValue *b)
{
	JsonbValue	y;
	char	   *name;
	bool		known = false;

	if (attr_type(b, &y) != GT_ATTR_S)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: %s",
						   gt_attr_type_name(attr_type(b, &y)))));
	name = pnstrdup(y.val.string.val, y.val.string.len);
	for (int t = 0; t < GT_ATTR_NTYPES && !known; t++)
		known = strcmp(gt_attr_type_name((GtAttrType) t), name) == 0;
	if (!known)
		ereport(ERROR,
				(errdynamo(ValidationException,
						   "Invalid ConditionExpression: Invalid attribute type name found; type: %s, valid types: {%s}",
						   name, type_names)));
	if (a == NULL)
		return false;
	return strcmp(gt_attr_type_name(attr_type(a, &y)), name) == 0;
}

bool
gt_expr_eval_condition(GtExpr *expr, Jsonb *item)
{
	ListCell   *lc;

	switch (expr->kind)
	{
		case GT_EXPR_AND:
			return gt_expr_eval_condition(linitial(expr->args), item) &&
				gt_expr_eval_condition(lsecond(expr->args), item);
		case GT_EXPR_OR:
			return gt_expr_eval_condition(linitial(expr->args), item) ||
				gt_expr_eval_condition(lsecond(expr->args), item);
		case GT_EXPR_NOT:
			return !gt_expr_eval_condition(linitial(expr->args), item);
		case GT_EXPR_COMPARE:
			return eval_compare(expr->op,
								gt_expr_eval_operand(linitial(expr->args), item),
								gt_expr_eval_operand(lsecond(expr->args), item));
		case GT_EXPR_BETWEEN:
			{
				JsonbValue *v = gt_expr_eval_operand(linitial(expr->args), item);

				return eval_compare(GT_CMP_GE, v, gt_expr_eval_operand(lsecond(expr->args), item)) &&
					eval_compare(GT_CMP_LE, v, gt_expr_eval_operand(lthird(expr->args), item));
			}
		case GT_EXPR_IN:
			{
				JsonbValue *v = gt_expr_eval_operand(linitial(expr->args), item);

				for_each_from(lc, expr->args, 1)
				{
					if (eval_compare(GT_CMP_EQ, v, gt_expr_eval_operand(lfirst(lc), item)))
						return true;
				}
				return false;
			}
		case GT_EXPR_FUNCTION:
			{
				JsonbValue *a = gt_expr_eval_operand(linitial(expr->args), item);

				switch (expr->fn)
				{
					case GT_FN_ATTRIBUTE_EXISTS:
						return a != NULL;
					case GT_FN_ATTRIBUTE_NOT_EXISTS:
						return a == NULL;
					case GT_FN_ATTRIBUTE_TYPE:
						return eval_attribute_type(a, gt_expr_eval_operand(lsecond(expr->args), item));
					case GT_FN_BEGINS_WITH:
						return gt_expr_begins_with(a, gt_expr_eval_operand(lsecond(expr->args), item));
					case GT_FN_CONTAINS:
						return eval_contains(a, gt_expr_eval_operand(lsecond(expr->args), item));
					default:
						break;
				}
				break;
			}
		default:
			break;
	}
	elog(ERROR, "expression node %d is not a condition", expr->kind);
	return false;
}
