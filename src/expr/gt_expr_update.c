/*-------------------------------------------------------------------------
 *
 * gt_expr_update.c
 *		Applying an update expression to an item: SET, REMOVE, ADD and
 *		DELETE, as DynamoDB's UpdateItem does.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/expr/gt_expr_update.c
 *
 * NOTES
 *		Every operand is evaluated against the item as it was before the
 *		update, then the actions change a mutable copy (gt_expr_doc.c).
 *		Rules, from the Developer Guide's "Update expressions": SET on a
 *		list index past the end appends; REMOVE of list elements uses the
 *		indexes of the list as it was, the rest shift; REMOVE of what is not
 *		there does nothing; ADD creates a number or a set, adds to a number
 *		and unites sets; DELETE takes elements out of a set, and a set left
 *		empty goes (DynamoDB has no empty sets).  A key attribute cannot be
 *		updated, and a path through a missing map or list, or through
 *		another type, is invalid for update.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "gt/attr.h"
#include "gt/error.h"
#include "gt/expr.h"
#include "gt_expr_doc.h"

/* What one action writes, evaluated against the old item. */
typedef struct Planned
{
	GtUpdate   *update;
	JsonbValue *value;			/* SET, ADD, DELETE */
} Planned;

static void
invalid_path(void)
{
	ereport(ERROR,
			(errdynamo(ValidationException,
					   "The document path provided in the update expression is invalid for update")));
}

/* The node holding path's last element, or an error if there is none. */
static GtDoc *
parent_of(GtDoc *root, GtPath *path)
{
	GtDoc	   *doc = root;

	for (int i = 0; i < path->nelems - 1; i++)
	{
		doc = gt_doc_member(doc, &path->elems[i]);
		if (doc == NULL)
			invalid_path();
	}
	if (doc->type != (path->elems[path->nelems - 1].name ? GT_ATTR_M : GT_ATTR_L))
		invalid_path();
	return doc;
}

static const char *
operand_type_word(GtAttrType type)
{
	switch (type)
	{
		case GT_ATTR_S:
			return "STRING";
		case GT_ATTR_N:
			return "NUMBER";
		case GT_ATTR_B:
			return "BINARY";
		case GT_ATTR_SS:
			return "STRING SET";
		case GT_ATTR_NS:
			return "NUMBER SET";
		case GT_ATTR_BS:
			return "BINARY SET";
		case GT_ATTR_M:
			return "MAP";
		case GT_ATTR_L:
			return "LIST";
		case GT_ATTR_BOOL:
			return "BOOLEAN";
		case GT_ATTR_NULL:
			return "NULL";
		default:
			return "UNKNOWN";
	}
}

static void
wrong_operand(const char *action, GtAttrType type)
{
	ereport(ERROR,
			(errdynamo(ValidationException,
					   "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: %s, operand type: %s",
					   action, operand_type_word(type))));
}

static bool
is_set(GtAttrType t)
{
	return t == GT_ATTR_SS || t == GT_ATTR_NS || t == GT_ATTR_BS;
}

/*
 * The set of type t holding the elements of a (a set) with those of b added
 * (add) or taken out; NULL if none is left.
 */
static JsonbValue *
combine_sets(GtAttrType t, JsonbValue *a, JsonbValue *b, bool add)
{
	JsonbValue	x;
	JsonbValue	y;
	List	   *elems = NIL;

	(void) gt_attr_type_of(a, &x);
	(void) gt_attr_type_of(b, &y);
	for (int i = 0; i < JsonContainerSize(x.val.binary.data); i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(x.val.binary.data, i);

		if (add || !gt_expr_set_has(t, &y, e))
			elems = lappend(elems, e);
	}
	for (int j = 0; add && j < JsonContainerSize(y.val.binary.data); j++)
	{
		JsonbValue *f = getIthJsonbValueFromContainer(y.val.binary.data, j);

		if (!gt_expr_set_has(t, &x, f))
			elems = lappend(elems, f);
	}
	return elems == NIL ? NULL : gt_expr_array_attr(gt_attr_type_name(t), elems);
}

/* ADD: a number added to, a set united with, or the value created. */
static void
apply_add(GtDoc *root, GtPath *path, JsonbValue *value)
{
	GtDoc	   *parent = parent_of(root, path);
	GtPathElem *last = &path->elems[path->nelems - 1];
	GtDoc	   *old = gt_doc_member(parent, last);
	JsonbValue	inner;
	GtAttrType	t = gt_attr_type_of(value, &inner);

	if (t != GT_ATTR_N && !is_set(t))
		wrong_operand("ADD", t);
	if (old == NULL)
	{
		gt_doc_set(parent, last, gt_doc_from_value(value));
		return;
	}
	if (old->type != t)
		wrong_operand("ADD", old->type);
	if (t == GT_ATTR_N)
		gt_doc_set(parent, last,
				   gt_doc_from_value(gt_expr_number_sum(gt_doc_to_value(old), value, false)));
	else
		gt_doc_set(parent, last,
				   gt_doc_from_value(combine_sets(t, gt_doc_to_value(old), value, true)));
}

/* DELETE: elements taken out of a set; an emptied set goes. */
static void
apply_delete(GtDoc *root, GtPath *path, JsonbValue *value)
{
	GtDoc	   *parent = parent_of(root, path);
	GtPathElem *last = &path->elems[path->nelems - 1];
	GtDoc	   *old = gt_doc_member(parent, last);
	JsonbValue	inner;
	GtAttrType	t = gt_attr_type_of(value, &inner);
	JsonbValue *rest;

	if (!is_set(t))
		wrong_operand("DELETE", t);
	if (old == NULL)
		return;
	if (old->type != t)
		wrong_operand("DELETE", old->type);
	rest = combine_sets(t, gt_doc_to_value(old), value, false);
	if (rest == NULL)
		gt_doc_remove(parent, last);
	else
		gt_doc_set(parent, last, gt_doc_from_value(rest));
}

/* list_sort order of SETs: list elements by index, before the others. */
static int
set_order(const ListCell *a, const ListCell *b)
{
	Planned    *x = lfirst(a);
	Planned    *y = lfirst(b);
	GtPathElem *ex = &x->update->path->elems[x->update->path->nelems - 1];
	GtPathElem *ey = &y->update->path->elems[y->update->path->nelems - 1];

	/* SETs of list elements in the order of their indexes, then the rest. */
	if (ex->name == NULL && ey->name == NULL)
		return (ex->index > ey->index) - (ex->index < ey->index);
	return (ex->name != NULL) - (ey->name != NULL);
}

Jsonb *
gt_expr_apply_update(List *updates, Jsonb *item, Jsonb *key,
					 const GtKeySchema *ks, List **changed)
{
	GtDoc	   *root = gt_doc_from_item(item ? item : key);
	List	   *planned = NIL;
	List	   *sets = NIL;
	ListCell   *lc;

	*changed = NIL;
	foreach(lc, updates)
	{
		GtUpdate   *u = lfirst(lc);
		Planned    *p = palloc0(sizeof(Planned));
		const char *top = u->path->elems[0].name;

		if (strcmp(top, ks->hash_name) == 0 ||
			(ks->range_name && strcmp(top, ks->range_name) == 0))
			ereport(ERROR,
					(errdynamo(ValidationException,
							   "One or more parameter values were invalid: Cannot update attribute %s. This attribute is part of the key",
							   top)));
		p->update = u;
		if (u->value != NULL)
		{
			p->value = gt_expr_eval_operand(u->value, item);
			if (p->value == NULL)
				ereport(ERROR,
						(errdynamo(ValidationException,
								   "The provided expression refers to an attribute that does not exist in the item")));
		}
		if (u->action == GT_UPDATE_SET)
			sets = lappend(sets, p);
		else
		{
			planned = lappend(planned, p);
			*changed = lappend(*changed, u->path);
		}
	}

	/* SETs first, list elements in index order, as DynamoDB sorts them. */
	list_sort(sets, set_order);
	foreach(lc, sets)
	{
		Planned    *p = lfirst(lc);
		GtPath	   *path = p->update->path;
		GtPathElem *last = &path->elems[path->nelems - 1];
		int			pos = gt_doc_set(parent_of(root, path), last,
									 gt_doc_from_value(p->value));

		/* An element appended is where it went, for UPDATED_NEW. */
		if (last->name == NULL && pos != last->index)
		{
			GtPath	   *where = palloc(sizeof(GtPath));

			*where = *path;
			where->elems = palloc(sizeof(GtPathElem) * path->nelems);
			memcpy(where->elems, path->elems, sizeof(GtPathElem) * path->nelems);
			where->elems[path->nelems - 1].index = pos;
			path = where;
		}
		*changed = lappend(*changed, path);
	}
	foreach(lc, planned)
	{
		Planned    *p = lfirst(lc);
		GtPath	   *path = p->update->path;

		switch (p->update->action)
		{
			case GT_UPDATE_REMOVE:
				{
					GtDoc	   *doc = root;

					GtPathElem *last = &path->elems[path->nelems - 1];

					/* Nothing to remove under what is not there. */
					for (int i = 0; i < path->nelems - 1 && doc != NULL; i++)
						doc = gt_doc_member(doc, &path->elems[i]);
					if (doc == NULL)
						break;
					/* A name under a scalar or list, an index under a map. */
					if (doc->type != (last->name ? GT_ATTR_M : GT_ATTR_L))
						invalid_path();
					gt_doc_remove(doc, last);
					break;
				}
			case GT_UPDATE_ADD:
				apply_add(root, path, p->value);
				break;
			case GT_UPDATE_DELETE:
				apply_delete(root, path, p->value);
				break;
			case GT_UPDATE_SET:
				break;
		}
	}
	return gt_doc_to_item(root);
}
