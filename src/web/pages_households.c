/* pages_households: the households list and search, and the new-household form. */

#include <stdio.h>
#include <string.h>

#include "domain/division.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/person.h"
#include "domain/search.h"
#include "web/api_audit.h"
#include "web/page.h"
#include "web/template.h"

/* ---------------------------------------------------------------- households */

#define SEARCH_PAGE 20	/* results on one page */
#define SEARCH_CAP 200	/* results counted; beyond, the count says "or more" */

/* o[key] as HTML with the first occurrence of q in <mark>, under key_html. */
static void mark_match(struct request *rq, json_t *o, const char *key, const char *q)
{
	const char *text = json_string_value(json_object_get(o, key));
	if (!text)
		return;
	struct buf b = BUF_INIT;
	const char *at = *q ? strstr(text, q) : NULL;
	if (at) {
		template_escape_html(&b, arena_strndup(&rq->arena, text, (size_t)(at - text)));
		buf_puts(&b, "<mark>");
		template_escape_html(&b, arena_strndup(&rq->arena, at, strlen(q)));
		buf_puts(&b, "</mark>");
		template_escape_html(&b, at + strlen(q));
	} else {
		template_escape_html(&b, text);
	}
	json_object_set_new(o, arena_printf(&rq->arena, "%s_html", key), json_string(b.data ? b.data : ""));
	buf_release(&b);
}

/* The search results as one list: a count, one page of hits with what tells them apart,
 * the matched text marked, each opening the person or the household. */
static enum outcome households_search(struct request *rq, const char *q, const struct search_filter *f,
				      const char *keep, json_t *data)
{
	json_t *found = NULL;
	int64_t from = rq_query_int(rq, "from", 0, SEARCH_CAP, 0);
	rq->errs.n = 0;	/* a page number out of range is the first page */
	enum outcome got = search_run_filtered(&rq->cx, q, f, SEARCH_CAP, &found);
	if (got == OUT_INVALID || got == OUT_RATE_LIMITED) {
		json_object_set_new(data, "search_error", page_json_text_or_null(page_field_error(rq, "q")));
		rq->errs.n = 0;	/* a bad query just finds nothing */
		return OUT_OK;
	}
	if (got != OUT_OK)
		return got;
	json_t *all = json_object_get(found, "results"), *shown = json_array(), *it;
	size_t total = json_array_size(all);
	for (size_t i = (size_t)from; i < total && i < (size_t)from + SEARCH_PAGE; i++)
		json_array_append(shown, json_array_get(all, i));
	if (search_describe(&rq->cx, shown) != OUT_OK) {
		json_decref(shown);
		json_decref(found);
		return OUT_INTERNAL;
	}
	api_audit_answer(rq, OUT_OK, "search", "search", 0, found, q);
	const char *query = json_string_value(json_object_get(found, "q"));
	size_t i;
	json_array_foreach(shown, i, it) {
		const char *kind = json_string_value(json_object_get(it, "kind"));
		int64_t id = json_integer_value(json_object_get(it, strcmp(kind, "person") == 0 ? "id" : "household_id"));
		json_object_set_new(it, "href", json_string(arena_printf(&rq->arena, "/%s/%lld",
			strcmp(kind, "person") == 0 ? "persons" : "households", (long long)id)));
		json_object_set_new(it, "is_person", json_boolean(strcmp(kind, "person") == 0));
		json_object_set_new(it, "is_item", json_boolean(strcmp(kind, "item") == 0));
		page_label(rq, it, "match", "match");
		mark_match(rq, it, "name", query);
		mark_match(rq, it, "origin_village_name", query);
		mark_match(rq, it, "dest_community_name", query);
		mark_match(rq, it, "household_number", query);
	}
	json_object_set_new(data, "searching", json_true());
	json_object_set_new(data, "count", json_integer((json_int_t)total));
	json_object_set_new(data, "count_capped", json_boolean(total >= SEARCH_CAP));
	json_object_set_new(data, "shown_from", json_integer(total ? from + 1 : 0));
	json_object_set_new(data, "shown_to", json_integer(from + (json_int_t)json_array_size(shown)));
	const char *enc = page_url_encode(rq, query);
	/* the pages keep the filters (category, town, community) the search is narrowed to */
	if ((size_t)from + SEARCH_PAGE < total)
		json_object_set_new(data, "search_next", json_string(arena_printf(&rq->arena,
			"/households?q=%s%s&from=%lld", enc, keep, (long long)from + SEARCH_PAGE)));
	if (from > 0)
		json_object_set_new(data, "search_prev", json_string(arena_printf(&rq->arena,
			"/households?q=%s%s&from=%lld", enc, keep,
			(long long)(from > SEARCH_PAGE ? from - SEARCH_PAGE : 0))));
	json_object_set_new(data, "results", shown);
	json_decref(found);
	return OUT_OK;
}

void page_households(struct request *rq)
{
	static const int town_len[] = {9, 0}, community_len[] = {12, 0};
	struct household_filter f = {0};
	page_lang(rq);
	const char *q = rq_query(rq, "q");
	json_t *data = json_object();
	/* the filters, the same for the list and a search, said in words and kept by the
	 * next page's link */
	f.category = rq_query_enum(rq, "category", household_categories);
	f.town = rq_query_code(rq, "town", town_len);
	f.community = rq_query_code(rq, "community", community_len);
	bool bad_filter = rq->errs.n > 0;
	json_t *filter = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "q", q ? q : "",
				   "category", f.category ? f.category : "",
				   "town", f.town ? f.town : "", "community", f.community ? f.community : "",
				   "poor", f.category && strcmp(f.category, "registered_poor") == 0,
				   "sync", f.category && strcmp(f.category, "synchronous") == 0);
	json_object_set_new(data, "filter", filter);
	json_t *on = json_array();
	struct buf keep = BUF_INIT;
	char name[128];
	if (f.category) {
		json_array_append_new(on, json_pack("{s:s, s:s}", "label", msg_get(rq->lang, "field_category"),
			"value", msg_get(rq->lang, arena_printf(&rq->arena, "category_%s", f.category))));
		buf_printf(&keep, "&category=%s", f.category);
	}
	if (f.town) {
		division_name(rq->cx.db, f.town, name, sizeof(name));
		json_array_append_new(on, json_pack("{s:s, s:s}", "label", msg_get(rq->lang, "filter_town"),
						    "value", name));
		buf_printf(&keep, "&town=%s", f.town);
	}
	if (f.community) {
		division_name(rq->cx.db, f.community, name, sizeof(name));
		json_array_append_new(on, json_pack("{s:s, s:s}", "label", msg_get(rq->lang, "filter_community"),
						    "value", name));
		buf_printf(&keep, "&community=%s", f.community);
	}
	json_object_set_new(data, "has_filter", json_boolean(json_array_size(on) > 0));
	json_object_set_new(data, "filters_on", on);
	const char *kept = arena_strdup(&rq->arena, keep.data ? keep.data : "");
	buf_release(&keep);
	if (q && *q && !bad_filter) {	/* a search answers its hits alone, not the whole list under them */
		struct search_filter sf = {f.town, f.community, f.category};
		enum outcome got = households_search(rq, q, &sf, kept, data);
		if (got != OUT_OK) {
			json_decref(data);
			page_outcome(rq, got);
			return;
		}
		json_object_set_new(data, "searched", json_true());
		page_render(rq, 200, "households", "nav_households", data);
		return;
	}
	f.after = rq_query_int(rq, "after", 0, INT64_MAX, 0);
	f.limit = 50;
	json_t *list = NULL;
	enum outcome got = rq->errs.n ? OUT_INVALID : household_list(&rq->cx, &f, &list);
	if (got != OUT_OK) {
		json_decref(data);
		page_outcome(rq, got);
		return;
	}
	api_audit_answer(rq, OUT_OK, "list", "household", 0, list, "page");
	json_object_set(data, "items", json_object_get(list, "items"));
	json_t *row;
	size_t k;
	json_array_foreach(json_object_get(list, "items"), k, row)
		page_label(rq, row, "status", "status");	/* the household's status in words */
	json_t *next = json_object_get(list, "next");
	if (json_is_string(next))	/* the cursor: digits */
		json_object_set_new(data, "next_href", json_string(arena_printf(&rq->arena, "/households?after=%s%s",
			json_string_value(next), kept)));
	json_decref(list);
	page_render(rq, 200, "households", "nav_households", data);
}

/* ---------------------------------------------------------------- new household form */

#define FORM_ROWS 6

/* The form, with the values given so far and each error beside its field. `row_of[k]` is
 * the form row of members[k] in the request that failed. */
static void household_form(struct request *rq, unsigned status, json_t *f, const int *row_of, int nrows)
{
	json_t *fields = page_household_form_fields(rq, f), *rows = json_array();
	for (int r = 0; r < FORM_ROWS; r++) {
		char k[32], e1[48], e2[48], e3[48];
		int member = -1;
		for (int m = 0; m < nrows; m++)
			if (row_of[m] == r)
				member = m;
		snprintf(e1, sizeof(e1), "members[%d].id_number", member);
		snprintf(e2, sizeof(e2), "members[%d].name", member);
		snprintf(e3, sizeof(e3), "members[%d].relation", member);
		json_t *row = json_pack("{s:i, s:i}", "i", r, "n", r + 1);
		snprintf(k, sizeof(k), "m%d_id_number", r);
		json_object_set_new(row, "id_number", json_string(json_string_value(json_object_get(f, k)) ?: ""));
		snprintf(k, sizeof(k), "m%d_name", r);
		json_object_set_new(row, "name", json_string(json_string_value(json_object_get(f, k)) ?: ""));
		snprintf(k, sizeof(k), "m%d_relation", r);
		json_object_set_new(row, "relations", page_code_options(rq, person_relations, "relation",
					json_string_value(json_object_get(f, k))));
		json_object_set_new(row, "err_id_number", page_json_text_or_null(member >= 0 ? page_field_error(rq, e1) : NULL));
		json_object_set_new(row, "err_name", page_json_text_or_null(member >= 0 ? page_field_error(rq, e2) : NULL));
		json_object_set_new(row, "err_relation", page_json_text_or_null(member >= 0 ? page_field_error(rq, e3) : NULL));
		json_array_append_new(rows, row);
	}
	json_t *data = json_pack("{s:o, s:o, s:b}", "fields", fields, "rows", rows, "failed", rq->errs.n > 0);
	json_object_set_new(data, "err_members", page_json_text_or_null(page_field_error(rq, "members")));
	page_render(rq, status, "household_new", "new_household", data);
}

void page_household_new(struct request *rq)
{
	page_lang(rq);
	json_t *f = json_object();
	/* a community worker's households mostly move into its own community: chosen already
	 * (not imposed: a household is in scope by its origin village too) */
	const char *mine = page_community_chosen(rq, f, "dest_community");
	if (*mine)
		json_object_set_new(f, "dest_community", json_string(mine));
	household_form(rq, 200, f, NULL, 0);
	json_decref(f);
}

void page_household_create(struct request *rq)
{
	int row_of[FORM_ROWS], n = 0;
	page_lang(rq);
	json_t *f = page_form(rq);
	if (!f) {
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	/* The form's text becomes the API's JSON: empty fields are absent. */
	json_t *body = json_object(), *members = json_array();
	for (int i = 0; page_household_form_keys[i]; i++) {
		const char *v = json_string_value(json_object_get(f, page_household_form_keys[i]));
		if (v && *v)
			json_object_set_new(body, page_household_form_keys[i], json_string(v));
	}
	for (int r = 0; r < FORM_ROWS; r++) {
		char k1[32], k2[32], k3[32];
		snprintf(k1, sizeof(k1), "m%d_id_number", r);
		snprintf(k2, sizeof(k2), "m%d_name", r);
		snprintf(k3, sizeof(k3), "m%d_relation", r);
		const char *id = json_string_value(json_object_get(f, k1));
		const char *name = json_string_value(json_object_get(f, k2));
		const char *rel = json_string_value(json_object_get(f, k3));
		if ((!id || !*id) && (!name || !*name))
			continue;
		json_t *m = json_object();
		if (id && *id)
			json_object_set_new(m, "id_number", json_string(id));
		if (name && *name)
			json_object_set_new(m, "name", json_string(name));
		if (rel && *rel)
			json_object_set_new(m, "relation", json_string(rel));
		json_array_append_new(members, m);
		row_of[n++] = r;
	}
	json_object_set_new(body, "members", members);
	json_t *out = NULL;
	enum outcome res = household_create(&rq->cx, body, &out);
	json_decref(body);
	if (res == OUT_OK) {
		const char *to = page_saved_url(rq, arena_printf(&rq->arena, "/households/%lld",
			(long long)json_integer_value(json_object_get(out, "id"))), "household");
		json_decref(out);
		json_decref(f);
		page_redirect(rq, to);
		return;
	}
	if (res != OUT_INVALID) {
		json_decref(f);
		page_outcome(rq, res);
		return;
	}
	household_form(rq, outcome_status(OUT_INVALID), f, row_of, n);
	json_decref(f);
}
