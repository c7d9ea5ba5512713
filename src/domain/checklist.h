/*
 * checklist: the document types (档案类别) and the checklist of each household category —
 * which types a household's file must hold — and the one rule built on them: a file is
 * incomplete while it lacks an active item of a type its category requires.
 *
 * The rule is data: the `checklist` view (category, code, sort), migration
 * 006_checklist.sql, lists the active types each category requires, and
 * `checklist_missing` (household_id, code, sort) the ones a household's file lacks. Every
 * use reads those views: through this file the household's "missing" list, the counts of
 * the county report and the follow-up pass (in memory, struct checklist); directly, the
 * archive_incomplete rule's detail query (data in followup_rules) and the demo generator.
 * No other C file names the required_* columns.
 */
#ifndef ANJU_DOMAIN_CHECKLIST_H
#define ANJU_DOMAIN_CHECKLIST_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/outcome.h"
#include "domain/actor.h"

/* How long an item of a document type is kept (an item's retention, a type's default):
 * NULL-terminated. */
extern const char *const checklist_retentions[];

/* The document types with their checklists:
 * [{code, name, name_en, retention, required: {registered_poor, synchronous}}] by sort. */
json_t *checklist_doc_types(struct ctx *cx);
/* Admin: adds or changes a document type {code, name, name_en, retention, required:
 * {registered_poor, synchronous}, active} — audited. */
enum outcome checklist_doc_type_put(struct ctx *cx, json_t *body, json_t **out);

/* The required types a household's file still lacks, as a JSON array of codes in sort
 * order; NULL when the store failed. */
json_t *checklist_missing(struct ctx *cx, int64_t household_id);
/* The rule in SQL for one grouped pass over every household rather than a lookup per
 * household and type: add CHECKLIST_JOIN after households alias h in FROM; then
 * CHECKLIST_INCOMPLETE_EXPR is 1 when the household lacks an active item of a type its
 * category requires, else 0. (`have` is grouped in the order of the items_household
 * index: grouping by category as well costs a sort of every item, twice the time.) */
#define CHECKLIST_JOIN " LEFT JOIN (SELECT i.household_id, count(DISTINCT i.doc_type) AS n" \
	" FROM items i JOIN households hh ON hh.id = i.household_id" \
	" JOIN checklist c ON c.code = i.doc_type AND c.category = hh.category" \
	" WHERE i.status = 'active' GROUP BY i.household_id) have ON have.household_id = h.id" \
	" LEFT JOIN (SELECT category, count(*) AS n FROM checklist GROUP BY category) need" \
	" ON need.category = h.category"
#define CHECKLIST_INCOMPLETE_EXPR "(coalesce(have.n, 0) < coalesce(need.n, 0))"

/* The rule in memory, for passes that read every item once (followup_pass.c): each
 * category's required types. Categories are household_categories' order. */
enum checklist_category { CHECKLIST_REGISTERED_POOR, CHECKLIST_SYNCHRONOUS, CHECKLIST_CATEGORIES };
#define CHECKLIST_MAX_TYPES 64
struct checklist {
	int ntypes;
	char code[CHECKLIST_MAX_TYPES][40];
	bool required[CHECKLIST_MAX_TYPES][CHECKLIST_CATEGORIES];
	int need[CHECKLIST_CATEGORIES];		/* how many types each category requires */
};
/* Reads the checklist on `db` (any connection: the pass has one per thread). Returns a
 * store_rc; types beyond CHECKLIST_MAX_TYPES are an error, not silently left out. */
struct store_conn;
int checklist_load(struct store_conn *db, struct checklist *cl);
/* The index of a required type, or -1 for a type no category requires. */
int checklist_type(const struct checklist *cl, const char *code);
/* True when a file of that category holding `present` distinct required types (counted
 * with checklist_type and `required`) lacks one. */
bool checklist_incomplete(const struct checklist *cl, enum checklist_category category,
			  int present);
#endif
