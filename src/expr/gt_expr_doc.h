/*-------------------------------------------------------------------------
 *
 * gt_expr_doc.h
 *		A mutable item: what update expressions change and projections
 *		build, before it becomes jsonb again.  Internal to src/expr/.
 *
 * Copyright (c) 2026, pg_global_tables authors
 *
 * IDENTIFICATION
 *		src/expr/gt_expr_doc.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef GT_EXPR_DOC_H
#define GT_EXPR_DOC_H

#include "gt/attr.h"
#include "gt/expr.h"

/*
 * A node: an AttributeValue as stored (value), or a map or list opened for
 * change (open), whose members are nodes.  A list's removed element stays
 * as a NULL member until the node is written out, so that the indexes of
 * one expression all refer to the list as it was.
 */
typedef struct GtDoc
{
	GtAttrType	type;
	JsonbValue *value;			/* unless open */
	bool		open;
	List	   *names;			/* M: member names (char *) */
	List	   *members;		/* M, L: member nodes (GtDoc *), NULL if removed */
} GtDoc;

/* An item as a map node; item NULL is the empty map. */
extern GtDoc *gt_doc_from_item(Jsonb *item);

/* A node holding an AttributeValue as is. */
extern GtDoc *gt_doc_from_value(JsonbValue *value);

/* The member of map or list node doc at a path element, or NULL. */
extern GtDoc *gt_doc_member(GtDoc *doc, GtPathElem *elem);

/* Opens a map or list node for change. */
extern void gt_doc_open(GtDoc *doc);

/*
 * Sets (adds or replaces) the member at elem, and returns its position; a
 * list index past the end appends.
 */
extern int	gt_doc_set(GtDoc *doc, GtPathElem *elem, GtDoc *member);

/* Removes the member at elem, if there is one. */
extern void gt_doc_remove(GtDoc *doc, GtPathElem *elem);

/* The node as an AttributeValue, and a map node as an item. */
extern JsonbValue *gt_doc_to_value(GtDoc *doc);
extern Jsonb *gt_doc_to_item(GtDoc *doc);

#endif							/* GT_EXPR_DOC_H */
