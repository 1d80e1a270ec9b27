/*-------------------------------------------------------------------------
 *
 * gt_expr_doc.c
 *		Mutable items (gt_expr_doc.h), and projections built with them.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/expr/gt_expr_doc.c
 *
 * NOTES
 *		Only the maps and lists an update or a projection reaches into are
 *		opened; everything else is copied as the stored jsonb.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "gt/attr.h"
#include "gt/expr.h"
#include "gt_expr_doc.h"

GtDoc *
gt_doc_from_value(JsonbValue *value)
{
	GtDoc	   *doc = palloc0(sizeof(GtDoc));
	JsonbValue	inner;

	doc->type = gt_attr_type_of(value, &inner);
	if (doc->type == GT_ATTR_INVALID)
		elog(ERROR, "malformed AttributeValue in an item");
	doc->value = value;
	return doc;
}

/* Opens a map node from the members of container, an object. */
static void
open_map(GtDoc *doc, JsonbContainer *container)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *name = NULL;

	doc->open = true;
	if (container == NULL)
		return;
	it = JsonbIteratorInit(container);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			name = pnstrdup(v.val.string.val, v.val.string.len);
		else if (tok == WJB_VALUE)
		{
			JsonbValue *copy = palloc(sizeof(JsonbValue));

			*copy = v;
			doc->names = lappend(doc->names, name);
			doc->members = lappend(doc->members, gt_doc_from_value(copy));
		}
	}
}

GtDoc *
gt_doc_from_item(Jsonb *item)
{
	GtDoc	   *doc = palloc0(sizeof(GtDoc));

	doc->type = GT_ATTR_M;
	open_map(doc, item ? &item->root : NULL);
	return doc;
}

void
gt_doc_open(GtDoc *doc)
{
	JsonbValue	inner;

	if (doc->open)
		return;
	/* Callers check; a scalar's value is no container to open. */
	if (doc->type != GT_ATTR_M && doc->type != GT_ATTR_L)
		elog(ERROR, "cannot open an AttributeValue of type %s as a map or list",
			 gt_attr_type_name(doc->type));
	(void) gt_attr_type_of(doc->value, &inner);
	if (doc->type == GT_ATTR_M)
		open_map(doc, inner.val.binary.data);
	else
	{
		JsonbContainer *c = inner.val.binary.data;

		doc->open = true;
		for (int i = 0; i < JsonContainerSize(c); i++)
			doc->members = lappend(doc->members,
								   gt_doc_from_value(getIthJsonbValueFromContainer(c, i)));
	}
	doc->value = NULL;
}

/* The position of name among a map's members, or -1. */
static int
map_position(GtDoc *doc, const char *name)
{
	ListCell   *lc;

	foreach(lc, doc->names)
	{
		if (strcmp(lfirst(lc), name) == 0)
			return foreach_current_index(lc);
	}
	return -1;
}

GtDoc *
gt_doc_member(GtDoc *doc, GtPathElem *elem)
{
	int			pos;

	if (doc == NULL || doc->type != (elem->name ? GT_ATTR_M : GT_ATTR_L))
		return NULL;
	gt_doc_open(doc);
	pos = elem->name ? map_position(doc, elem->name) : elem->index;
	if (pos < 0 || pos >= list_length(doc->members))
		return NULL;
	return list_nth(doc->members, pos);
}

int
gt_doc_set(GtDoc *doc, GtPathElem *elem, GtDoc *member)
{
	int			pos;

	gt_doc_open(doc);
	pos = elem->name ? map_position(doc, elem->name) : elem->index;
	if (pos >= 0 && pos < list_length(doc->members))
		list_nth_cell(doc->members, pos)->ptr_value = member;
	else
	{
		if (elem->name)
			doc->names = lappend(doc->names, pstrdup(elem->name));
		doc->members = lappend(doc->members, member);
		pos = list_length(doc->members) - 1;
	}
	return pos;
}

void
gt_doc_remove(GtDoc *doc, GtPathElem *elem)
{
	int			pos;

	gt_doc_open(doc);
	pos = elem->name ? map_position(doc, elem->name) : elem->index;
	if (pos >= 0 && pos < list_length(doc->members))
		list_nth_cell(doc->members, pos)->ptr_value = NULL;
}

/* Pushes the members of an open node into state. */
static void
push_members(JsonbParseState **state, GtDoc *doc)
{
	ListCell   *lc;

	foreach(lc, doc->members)
	{
		GtDoc	   *member = lfirst(lc);
		JsonbValue	k;

		if (member == NULL)
			continue;
		if (doc->type == GT_ATTR_M)
		{
			char	   *name = list_nth(doc->names, foreach_current_index(lc));

			k.type = jbvString;
			k.val.string.val = name;
			k.val.string.len = strlen(name);
			pushJsonbValue(state, WJB_KEY, &k);
			pushJsonbValue(state, WJB_VALUE, gt_doc_to_value(member));
		}
		else
			pushJsonbValue(state, WJB_ELEM, gt_doc_to_value(member));
	}
}

JsonbValue *
gt_doc_to_value(GtDoc *doc)
{
	JsonbParseState *state = NULL;
	JsonbValue	k;
	const char *type = gt_attr_type_name(doc->type);

	if (!doc->open)
		return doc->value;
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = (char *) type;
	k.val.string.len = strlen(type);
	pushJsonbValue(&state, WJB_KEY, &k);
	pushJsonbValue(&state, doc->type == GT_ATTR_M ? WJB_BEGIN_OBJECT : WJB_BEGIN_ARRAY, NULL);
	push_members(&state, doc);
	pushJsonbValue(&state, doc->type == GT_ATTR_M ? WJB_END_OBJECT : WJB_END_ARRAY, NULL);
	return gt_expr_binary_value(JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL)));
}

Jsonb *
gt_doc_to_item(GtDoc *doc)
{
	JsonbParseState *state = NULL;

	Assert(doc->type == GT_ATTR_M && doc->open);
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	push_members(&state, doc);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * Copies the value at path (from element depth on) of from into to,
 * creating the maps and lists on the way: a projection keeps the structure
 * above each projected value, and a list keeps its projected elements in
 * their order.
 */
static void
project_path(GtDoc *from, GtDoc *to, GtPath *path, int depth)
{
	GtPathElem *elem = &path->elems[depth];
	GtDoc	   *value = gt_doc_member(from, elem);
	GtDoc	   *target;

	if (value == NULL)
		return;
	if (depth == path->nelems - 1)
	{
		GtPathElem	slot = *elem;

		/* A list's projected elements are numbered anew, in order. */
		if (slot.name == NULL)
			slot.index = INT_MAX;
		gt_doc_set(to, &slot, value);
		return;
	}
	target = NULL;
	if (elem->name)
		target = gt_doc_member(to, elem);
	if (target == NULL)
	{
		GtPathElem	slot = *elem;

		target = palloc0(sizeof(GtDoc));
		target->type = value->type;
		target->open = true;
		if (slot.name == NULL)
			slot.index = INT_MAX;
		gt_doc_set(to, &slot, target);
	}
	project_path(value, target, path, depth + 1);
	/* An empty map or list means nothing under it was there. */
	if (target->members == NIL)
		gt_doc_remove(to, elem);
}

Jsonb *
gt_expr_project(Jsonb *item, List *paths)
{
	GtDoc	   *from = gt_doc_from_item(item);
	GtDoc	   *to = gt_doc_from_item(NULL);
	ListCell   *lc;

	foreach(lc, paths)
		project_path(from, to, lfirst(lc), 0);
	return gt_doc_to_item(to);
}
