/*
 * pages_volunteers: 困难大家帮 for zh-CN and en alike: the needs ledger across households
 * (the open-needs worklist, overdue first, with its figures and downloads), resolving a
 * need, the volunteer's "my households" (made for a phone: a list, never a wide table), and
 * the volunteers of the user's communities with the form that sets one's assignments. A
 * household's own visits and needs are its page's sections and the ledgers' forms
 * (pages_ledgers.c).
 */
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/lookup.h"
#include "domain/needs.h"
#include "domain/user.h"
#include "domain/volunteer.h"
#include "web/page.h"

/* ---------------------------------------------------------------- needs */

void page_need_rows(struct request *rq, json_t *rows)
{
	json_t *cats = NULL, *r, *c;
	size_t i, k;
	if (need_categories_list(&rq->cx, &cats) != OUT_OK)
		cats = json_object();
	json_array_foreach(rows, i, r) {
		const char *code = json_string_value(json_object_get(r, "category"));
		json_object_set(r, "category_name", json_object_get(r, "category"));
		json_array_foreach(json_object_get(cats, "items"), k, c)
			if (code && strcmp(code, json_string_value(json_object_get(c, "code"))) == 0)
				json_object_set(r, "category_name", json_object_get(c,
					rq->lang == LANG_EN ? "name_en" : "name_zh"));
		page_label(rq, r, "source", "need_source");
	}
	json_decref(cats);
}

void page_needs(struct request *rq)
{
	page_lang(rq);
	struct need_filter f;
	if (!api_needs_filter(rq, &f)) {
		page_outcome(rq, OUT_INVALID);
		return;
	}
	json_t *out = NULL, *figures = NULL;
	enum outcome got = need_list(&rq->cx, &f, &out);
	if (got == OUT_OK)
		got = need_figures(&rq->cx, f.community, &figures);
	if (got != OUT_OK) {
		json_decref(out);
		page_outcome(rq, got);
		return;
	}
	audit_read(&rq->cx, "list", "need", 0, (int64_t)json_array_size(json_object_get(out, "items")),
		   f.overdue ? "overdue" : NULL);
	page_need_rows(rq, json_object_get(out, "items"));
	json_t *g, *cats = NULL;
	size_t i;
	if (need_categories_list(&rq->cx, &cats) == OUT_OK)	/* the figures' names */
		json_array_foreach(json_object_get(figures, "by_category"), i, g) {
			json_t *one = json_pack("[{s:O}]", "category", json_object_get(g, "key"));
			page_need_rows(rq, one);
			json_object_set(g, "name", json_object_get(json_array_get(one, 0), "category_name"));
			json_decref(one);
		}
	json_decref(cats);
	json_object_set_new(out, "figures", figures);
	/* the filter as a query string, for the next page and the downloads: only what is set */
	char *query = arena_printf(&rq->arena, "limit=%d%s%s%s%s%s", f.limit, f.status ? "&status=" : "",
		f.status ? f.status : "", f.category ? "&category=" : "",
		f.category ? page_url_encode(rq, f.category) : "", f.overdue ? "&overdue=true" : "");
	if (f.community)
		query = arena_printf(&rq->arena, "%s&community=%s", query, f.community);
	if (f.household_id)
		query = arena_printf(&rq->arena, "%s&household=%lld", query, (long long)f.household_id);
	json_object_set_new(out, "query", json_string(query));
	json_object_set_new(out, "overdue_only", json_boolean(f.overdue));
	json_object_set_new(out, "here", json_string(rq_here(rq)));
	json_object_set_new(out, "can_visit", json_boolean(role_can_visit(rq->actor.role)));
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	page_render(rq, 200, "needs", "nav_needs", out);
}

/* The form's one button: resolved now, with the measure if one is given; back to where
 * the form was (a household's page or the worklist). */
void page_need_resolve(struct request *rq)
{
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = json_object();
	if (*page_form_value(f, "measure"))
		json_object_set_new(body, "measure", json_string(page_form_value(f, "measure")));
	enum outcome res = need_resolve(&rq->cx, rq->ids[0], body, &out);
	const char *back = page_form_value(f, "return");
	if (res == OUT_OK)
		page_saved(rq, page_safe_return(back) ? back : "/needs?status=open", "need_resolved");
	else if (res == OUT_INVALID)	/* resolved meanwhile: say so */
		page_error(rq, res, "need_already_resolved");
	else
		page_outcome(rq, res);
	json_decref(body);
	json_decref(out);
	json_decref(f);
}

/* ---------------------------------------------------------------- my households */

void page_my_households(struct request *rq)
{
	page_lang(rq);
	json_t *out = NULL;
	enum outcome got = volunteer_my_households(&rq->cx, &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	audit_read(&rq->cx, "list", "household", 0,
		   (int64_t)json_array_size(json_object_get(out, "items")), "assigned");
	json_object_set_new(out, "volunteer", json_boolean(rq->actor.role == ROLE_VOLUNTEER));
	page_render(rq, 200, "my_households", "nav_my_households", out);
}

/* ---------------------------------------------------------------- volunteers */

void page_volunteers(struct request *rq)
{
	page_lang(rq);
	json_t *out = NULL, *v;
	size_t i;
	enum outcome got = volunteer_list(&rq->cx, &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	json_array_foreach(json_object_get(out, "items"), i, v) {
		page_label(rq, v, "kind", "volunteer_kind");
		json_object_set_new(v, "name", json_string(user_display_name(&rq->cx,
			json_string_value(json_object_get(v, "username")))));
	}
	json_object_set_new(out, "can_assign", json_boolean(role_can_edit_registry(rq->actor.role)));
	page_render(rq, 200, "volunteers", "nav_volunteers", out);
}

/* The households of a list of {number, ...} as the form shows them: "5206... 5206...". */
static const char *numbers_text(struct request *rq, json_t *rows)
{
	const char *s = "";
	json_t *r;
	size_t i;
	json_array_foreach(rows, i, r)
		s = arena_printf(&rq->arena, "%s%s%s", s, i ? " " : "",
				 json_string_value(json_object_get(r, "number")));
	return s;
}

/* An error of households[3] or buildings[0] shows beside its field. */
static const char *list_error(struct request *rq, const char *key)
{
	for (int i = 0; i < rq->errs.n; i++)
		if (strncmp(rq->errs.items[i].field, key, strlen(key)) == 0)
			return msg_get(rq->lang, rq->errs.items[i].code);
	return NULL;
}

static void volunteer_page(struct request *rq, unsigned status, json_t *form)
{
	json_t *out = NULL;
	enum outcome got = volunteer_assignments_get(&rq->cx, rq->ids[0], &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	const char *kind = json_string_value(json_object_get(out, "kind"));
	json_t *fields = json_array();
	struct { const char *name, *label, *value; json_t *options; } f[] = {
		{"kind", "col_volunteer_kind", *page_form_value(form, "kind") ? page_form_value(form, "kind") : kind,
		 NULL},
		{"post", "col_volunteer_post", json_object_get(form, "post") ? page_form_value(form, "post")
		 : json_string_value(json_object_get(out, "post")), NULL},
		{"households", "field_volunteer_households", json_object_get(form, "households")
		 ? page_form_value(form, "households") : numbers_text(rq, json_object_get(out, "households")),
		 NULL},
	};
	f[0].options = page_code_options(rq, volunteer_kinds, "volunteer_kind", f[0].value);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		json_t *fd = json_pack("{s:s, s:s, s:s, s:b}", "name", f[i].name, "label",
			msg_get(rq->lang, f[i].label), "value", f[i].value ? f[i].value : "", "select",
			f[i].options != NULL);
		if (f[i].options)
			json_object_set_new(fd, "options", f[i].options);
		const char *named = i == 2 ? page_named_list_error(rq, form, "households", false, "households")
			: NULL;	/* a household number that names none here, with the number */
		json_object_set_new(fd, "error", page_json_text_or_null(i < 2 ? page_field_error(rq, f[i].name)
								  : named ? named : list_error(rq, f[i].name)));
		json_array_append_new(fields, fd);
	}
	/* the buildings: picked from those of the sites in the worker's area, never typed */
	json_t *all = NULL, *b, *boxes = json_array();
	size_t i;
	if (lookup_buildings(&rq->cx, &all) == OUT_OK)
		json_array_foreach(all, i, b) {
			json_int_t id = json_integer_value(json_object_get(b, "id"));
			const char *name = arena_printf(&rq->arena, "building_%lld", (long long)id);
			bool on = false;
			json_t *had;
			size_t k;
			if (json_object_size(form))	/* sent back: as it was sent */
				on = *page_form_value(form, name) != 0;
			else
				json_array_foreach(json_object_get(out, "buildings"), k, had)
					on |= json_integer_value(json_object_get(had, "id")) == id;
			json_array_append_new(boxes, json_pack("{s:s, s:s, s:b}", "name", name, "label",
				arena_printf(&rq->arena, "%s %s", json_string_value(json_object_get(b, "site")),
					     json_string_value(json_object_get(b, "name"))), "checked", on));
		}
	json_decref(all);
	json_object_set_new(out, "building_boxes", boxes);
	json_object_set_new(out, "buildings_error", page_json_text_or_null(list_error(rq, "buildings")));
	page_label(rq, out, "kind", "volunteer_kind");
	json_object_set_new(out, "name", json_string(user_display_name(&rq->cx,
		json_string_value(json_object_get(out, "username")))));
	json_object_set_new(out, "fields", fields);
	json_object_set_new(out, "can_assign", json_boolean(role_can_edit_registry(rq->actor.role)));
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	page_render(rq, status, "volunteer", "nav_volunteers", out);
}

void page_volunteer(struct request *rq)
{
	page_form_show(rq, volunteer_page);
}

void page_volunteer_post(struct request *rq)
{
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *buildings = json_array(), *v;
	const char *key;
	json_object_foreach(f, key, v)	/* the buildings' boxes: building_ID */
		if (strncmp(key, "building_", 9) == 0 && strtoll(key + 9, NULL, 10) > 0)
			json_array_append_new(buildings, json_integer(strtoll(key + 9, NULL, 10)));
	json_t *body = json_pack("{s:o, s:o}", "households", page_named_list(rq,
				 page_form_value(f, "households"), false, "households", NULL),
				 "buildings", buildings);
	if (*page_form_value(f, "kind"))
		json_object_set_new(body, "kind", json_string(page_form_value(f, "kind")));
	json_object_set_new(body, "post", *page_form_value(f, "post") ? json_string(page_form_value(f, "post"))
			    : json_null());
	enum outcome res = volunteer_assignments_put(&rq->cx, rq->ids[0], body, &out);
	json_decref(body);
	json_decref(out);
	if (res == OUT_OK)
		page_saved(rq, arena_printf(&rq->arena, "/volunteers/%lld", (long long)rq->ids[0]),
			   "volunteer");
	else if (res == OUT_INVALID)
		volunteer_page(rq, outcome_status(OUT_INVALID), f);
	else
		page_outcome(rq, res);
	json_decref(f);
}
