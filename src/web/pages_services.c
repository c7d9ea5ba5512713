/*
 * pages_services: the facilities of a community (list, one facility with its windows) and
 * the one-stop service requests (the desk's list with its figures and the overdue, one
 * request with its steps and the form that moves it), for zh-CN and en alike.
 */
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "domain/archive.h"
#include "domain/audit.h"
#include "domain/facility.h"
#include "domain/hall.h"
#include "domain/service.h"
#include "web/page.h"

/* ---------------------------------------------------------------- presenting */

static void name_codes(struct request *rq, json_t *rows, const char *key, json_t *catalogue)
{
	json_t *r;
	size_t i;
	json_array_foreach(rows, i, r) {
		const char *code = json_string_value(json_object_get(r, key));
		if (code)
			json_object_set_new(r, arena_printf(&rq->arena, "%s_name", key),
					    json_string(page_catalogue_name(rq, catalogue, code)));
	}
}

/* ---------------------------------------------------------------- facilities */

static void facilities_page(struct request *rq, unsigned status, json_t *form)
{
	const char *community = rq_query(rq, "community"), *kind = rq_query(rq, "kind");
	struct facility_filter f = {
		.community = community && *community ? community : NULL,
		.kind = kind && *kind ? kind : NULL,
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0), .limit = 100,
	};
	json_t *out = NULL, *kinds = page_catalogue(facility_kinds_list, &rq->cx);
	enum outcome got = facility_list(&rq->cx, &f, &out);
	if (got != OUT_OK) {
		json_decref(kinds);
		page_outcome(rq, got);
		return;
	}
	name_codes(rq, json_object_get(out, "items"), "kind", kinds);
	json_t *items = json_object_get(out, "items"), *it;
	size_t i;
	json_array_foreach(items, i, it)
		page_label(rq, it, "status", "facility_status");
	json_object_set_new(out, "filter_kind", page_catalogue_options(rq, kinds, f.kind, false));
	json_object_set_new(out, "filter_community", page_place_options(rq, true, f.community));
	const char *query = arena_printf(&rq->arena, "limit=100%s%s%s%s", f.community ? "&community=" : "",
		f.community ? page_url_encode(rq, f.community) : "", f.kind ? "&kind=" : "",
		f.kind ? page_url_encode(rq, f.kind) : "");
	json_object_set_new(out, "query", json_string(query));
	json_t *fields = json_array();
	json_array_append_new(fields, page_field(rq, form, "community_code", "col_destination",
					    page_community_options(rq, form, "community_code")));
	json_array_append_new(fields, page_field(rq, form, "kind", "col_svc_kind",
					    page_catalogue_options(rq, kinds, page_form_value(form, "kind"), false)));
	json_array_append_new(fields, page_field(rq, form, "name", "col_svc_name", NULL));
	json_array_append_new(fields, page_field(rq, form, "address", "col_svc_address", NULL));
	json_array_append_new(fields, page_field(rq, form, "area_m2", "col_svc_area_m2", NULL));
	json_array_append_new(fields, page_field(rq, form, "opening_hours", "col_svc_opening_hours", NULL));
	json_array_append_new(fields, page_field(rq, form, "contact", "col_svc_contact", NULL));
	json_array_append_new(fields, page_field(rq, form, "status", "col_svc_status",
		page_code_options(rq, facility_statuses, "facility_status", page_form_value(form, "status"))));
	json_object_set_new(out, "fields", fields);
	json_object_set_new(out, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	json_decref(kinds);
	page_render(rq, status, "facilities", "nav_facilities", out);
}

void page_facilities(struct request *rq) { page_form_show(rq, facilities_page); }

void page_facilities_post(struct request *rq)
{
	static const char *const names[] = {"community_code", "kind", "name", "address", "area_m2",
		"opening_hours", "contact", "status", NULL};
	static const char *const integers[] = {"area_m2", NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = page_body_of(f, names, integers);
	enum outcome res = facility_create(&rq->cx, body, &out);
	json_decref(body);
	page_after_write(rq, res, res == OUT_OK ? arena_printf(&rq->arena, "/facilities/%lld",
		(long long)json_integer_value(json_object_get(out, "id"))) : NULL, "facility", facilities_page, f);
	json_decref(out);
	json_decref(f);
}

static void facility_page(struct request *rq, unsigned status, json_t *form)
{
	json_t *out = NULL;
	enum outcome got = facility_get(&rq->cx, rq->ids[0], &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	json_t *kinds = page_catalogue(facility_kinds_list, &rq->cx);
	json_t *deps = page_catalogue(facility_departments, &rq->cx);
	json_object_set_new(out, "kind_name", json_string(page_catalogue_name(rq, kinds,
		json_string_value(json_object_get(out, "kind")))));
	json_object_set_new(out, "is_hall", json_boolean(jx_in(json_string_value(
		json_object_get(out, "kind")), hall_kinds)));	/* its sections, exhibits, visits */
	page_label(rq, out, "status", "facility_status");
	json_t *w, *d;
	size_t i, j;
	json_array_foreach(json_object_get(out, "windows"), i, w) {
		json_t *names = json_array();
		json_array_foreach(json_object_get(w, "departments"), j, d)
			json_array_append_new(names, json_pack("{s:s}", "name",
				page_catalogue_name(rq, deps, json_string_value(d))));
		json_object_set_new(w, "department_names", names);
	}
	json_t *boxes = json_array();
	json_array_foreach(deps, i, d) {
		const char *code = json_string_value(json_object_get(d, "code"));
		json_array_append_new(boxes, json_pack("{s:s, s:s, s:b}", "code", code, "label",
			page_catalogue_name(rq, deps, code), "checked",
			*page_form_value(form, arena_printf(&rq->arena, "dep_%s", code)) != 0));
	}
	json_object_set_new(out, "departments_boxes", boxes);
	json_t *fields = json_array();
	json_array_append_new(fields, page_field(rq, form, "name", "col_svc_window_name", NULL));
	json_object_set_new(out, "fields", fields);
	json_object_set_new(out, "departments_error",
			    page_json_text_or_null(page_field_error(rq, "departments")));
	json_object_set_new(out, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	json_decref(kinds);
	json_decref(deps);
	page_render(rq, status, "facility", "nav_facilities", out);
}

void page_facility(struct request *rq) { page_form_show(rq, facility_page); }

void page_facility_window_post(struct request *rq)
{
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = json_object(), *deps = json_array(), *rows = page_catalogue(facility_departments, &rq->cx), *d;
	size_t i;
	if (*page_form_value(f, "name"))
		json_object_set_new(body, "name", json_string(page_form_value(f, "name")));
	json_array_foreach(rows, i, d) {
		const char *code = json_string_value(json_object_get(d, "code"));
		if (*page_form_value(f, arena_printf(&rq->arena, "dep_%s", code)))
			json_array_append_new(deps, json_string(code));
	}
	json_decref(rows);
	json_object_set_new(body, "departments", deps);
	enum outcome res = facility_add_window(&rq->cx, rq->ids[0], body, &out);
	json_decref(body);
	json_decref(out);
	page_after_write(rq, res, arena_printf(&rq->arena, "/facilities/%lld", (long long)rq->ids[0]),
			 "window", facility_page, f);
	json_decref(f);
}

/* ---------------------------------------------------------------- service requests */

/* Codes of a request list as words: matter, department, channel, status. */
static void present_requests(struct request *rq, json_t *rows, json_t *matters, json_t *deps)
{
	json_t *r;
	size_t i;
	name_codes(rq, rows, "matter", matters);
	name_codes(rq, rows, "department", deps);
	name_codes(rq, rows, "referred_to", deps);
	json_array_foreach(rows, i, r) {
		json_object_set_new(r, "status_code", json_incref(json_object_get(r, "status")));
		page_label(rq, r, "status", "service_status");
		page_label(rq, r, "channel", "service_channel");
	}
	page_times(rq, rows, "received_at");
	page_times(rq, rows, "closed_at");
}

static void services_page(struct request *rq, unsigned status, json_t *form)
{
	static const char *const statuses[] = {"open", "received", "accepted", "in_progress",
		"done", "referred", "rejected", NULL};
	static const char *const booleans[] = {"true", "false", NULL};
	int form_errors = rq->errs.n;	/* a form sent back already holds its own */
	const char *overdue = rq_query_enum(rq, "overdue", booleans);
	struct service_filter f = {
		.status = rq_query_enum(rq, "status", statuses),
		.matter = rq_query(rq, "matter"),
		.window_id = rq_query_int(rq, "window", 1, INT64_MAX, 0),
		.household_id = rq_query_int(rq, "household", 1, INT64_MAX, 0),
		.overdue = overdue && overdue[0] == 't',
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0), .limit = 50,
	};
	if (f.matter && !*f.matter)
		f.matter = NULL;
	if (rq->errs.n > form_errors) {
		page_outcome(rq, OUT_INVALID);
		return;
	}
	json_t *out = NULL, *figures = NULL;
	enum outcome got = service_request_list(&rq->cx, &f, &out);
	if (got == OUT_OK)
		got = service_figures(&rq->cx, NULL, &figures);
	if (got != OUT_OK) {
		json_decref(out);
		page_outcome(rq, got);
		return;
	}
	audit_read(&rq->cx, "list", "service_request", 0,
		   (int64_t)json_array_size(json_object_get(out, "items")), f.overdue ? "overdue" : NULL);
	json_t *matters = page_catalogue(service_matters_list, &rq->cx);
	json_t *deps = page_catalogue(facility_departments, &rq->cx);
	json_t *windows = facility_window_options(&rq->cx);
	present_requests(rq, json_object_get(out, "items"), matters, deps);
	json_t *m;
	size_t i;
	json_array_foreach(json_object_get(figures, "by_matter"), i, m)
		json_object_set_new(m, "name", json_string(page_catalogue_name(rq, matters,
			json_string_value(json_object_get(m, "key")))));
	json_object_set_new(out, "figures", figures);
	/* the filter as a query string, for the next page and the downloads: only what is set */
	char *query = arena_printf(&rq->arena, "limit=50%s%s%s%s%s", f.status ? "&status=" : "",
		f.status ? f.status : "", f.matter ? "&matter=" : "",
		f.matter ? page_url_encode(rq, f.matter) : "", f.overdue ? "&overdue=true" : "");
	if (f.window_id)
		query = arena_printf(&rq->arena, "%s&window=%lld", query, (long long)f.window_id);
	if (f.household_id)
		query = arena_printf(&rq->arena, "%s&household=%lld", query, (long long)f.household_id);
	json_object_set_new(out, "query", json_string(query));
	if (f.overdue)
		json_object_set_new(out, "overdue_only", json_true());
	json_t *fields = json_array(), *wopts = json_array(), *w;
	json_array_foreach(windows, i, w) {
		const char *id = arena_printf(&rq->arena, "%lld",
			(long long)json_integer_value(json_object_get(w, "id")));
		json_array_append_new(wopts, json_pack("{s:s, s:s, s:b}", "value", id, "label",
			arena_printf(&rq->arena, "%s · %s", json_string_value(json_object_get(w, "facility")),
				     json_string_value(json_object_get(w, "name"))),
			"selected", strcmp(id, page_form_value(form, "window_id")) == 0));
	}
	json_decref(windows);
	page_subject_fields(rq, form, f.household_id, PAGE_SUBJECT_HOUSEHOLD | PAGE_SUBJECT_PERSON, fields);
	int64_t named = page_subject_household(rq, form, f.household_id);
	if (named) {	/* attachments: the household's archive items */
		struct item_filter itf = {.household_id = named, .limit = 100};
		json_t *items = NULL, *it, *boxes = json_array();
		if (archive_item_list(&rq->cx, &itf, &items) == OUT_OK)
			json_array_foreach(json_object_get(items, "items"), i, it) {
				const char *id = arena_printf(&rq->arena, "item_%lld",
					(long long)json_integer_value(json_object_get(it, "id")));
				json_array_append_new(boxes, json_pack("{s:s, s:O, s:b}", "name", id, "title",
					json_object_get(it, "title"), "checked", *page_form_value(form, id) != 0));
			}
		json_decref(items);
		json_object_set_new(out, "has_attachments", json_boolean(json_array_size(boxes) > 0));
		json_object_set_new(out, "attachments", boxes);
		json_object_set_new(out, "items_error", page_json_text_or_null(page_field_error(rq, "items[0]")));
	}
	json_array_append_new(fields, page_field(rq, form, "walk_in_name", "col_svc_walk_in_name", NULL));
	json_array_append_new(fields, page_field(rq, form, "matter", "col_svc_matter",
					    page_catalogue_options(rq, matters, page_form_value(form, "matter"), false)));
	json_array_append_new(fields, page_field(rq, form, "channel", "col_svc_channel",
		page_code_options(rq, service_channels, "service_channel", page_form_value(form, "channel"))));
	json_array_append_new(fields, page_field(rq, form, "window_id", "col_svc_window_name", wopts));
	json_array_append_new(fields, page_field(rq, form, "community", "col_destination",
					    page_community_options(rq, form, "community")));
	json_array_append_new(fields, page_field(rq, form, "note", "col_svc_note", NULL));
	json_object_set_new(out, "fields", fields);
	json_object_set_new(out, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	json_decref(matters);
	json_decref(deps);
	page_render(rq, status, "services", "nav_services", out);
}

void page_services(struct request *rq) { page_form_show(rq, services_page); }

void page_services_post(struct request *rq)
{
	static const char *const names[] = {"walk_in_name", "matter", "channel", "window_id",
		"community", "note", NULL};
	static const char *const integers[] = {"window_id", NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = page_body_of(f, names, integers), *items = json_array(), *v;
	if (!page_subject_take(rq, f, PAGE_SUBJECT_HOUSEHOLD | PAGE_SUBJECT_PERSON, body)) {
		json_decref(body);
		json_decref(items);
		json_decref(f);
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	const char *key;
	json_object_foreach(f, key, v)	/* the attachments' boxes: item_ID */
		if (strncmp(key, "item_", 5) == 0 && strtoll(key + 5, NULL, 10) > 0)
			json_array_append_new(items, json_integer(strtoll(key + 5, NULL, 10)));
	if (json_array_size(items))
		json_object_set(body, "items", items);
	json_decref(items);
	enum outcome res = service_request_create(&rq->cx, body, &out);
	json_decref(body);
	page_after_write(rq, res, res == OUT_OK ? arena_printf(&rq->arena, "/services/%lld",
		(long long)json_integer_value(json_object_get(out, "id"))) : NULL, "service", services_page, f);
	json_decref(out);
	json_decref(f);
}

static void service_page(struct request *rq, unsigned status, json_t *form)
{
	json_t *out = NULL;
	enum outcome got = service_request_get(&rq->cx, rq->ids[0], &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	json_t *matters = page_catalogue(service_matters_list, &rq->cx);
	json_t *deps = page_catalogue(facility_departments, &rq->cx);
	json_t *one = json_pack("[O]", out);
	present_requests(rq, one, matters, deps);
	json_decref(one);
	json_t *steps = json_object_get(out, "steps"), *s;
	size_t i;
	json_array_foreach(steps, i, s)
		page_label(rq, s, "status", "service_status");
	page_times(rq, steps, "at");
	const char *from = json_string_value(json_object_get(out, "status_code"));
	json_t *moves = json_array();
	for (int k = 1; service_statuses[k]; k++)
		if (service_move_allowed(from, service_statuses[k]))
			json_array_append_new(moves, json_pack("{s:s, s:s, s:b}", "value",
				service_statuses[k], "label", msg_get(rq->lang, arena_printf(&rq->arena,
				"service_status_%s", service_statuses[k])), "selected",
				strcmp(page_form_value(form, "status"), service_statuses[k]) == 0));
	if (json_array_size(moves) && role_can_edit_registry(rq->actor.role)) {
		json_t *fields = json_array();
		json_array_append_new(fields, page_field(rq, form, "status", "col_svc_status", moves));
		json_array_append_new(fields, page_field(rq, form, "note", "col_svc_note", NULL));
		json_array_append_new(fields, page_field(rq, form, "referred_to", "col_svc_referred_to",
						    page_catalogue_options(rq, deps, page_form_value(form, "referred_to"), false)));
		json_array_append_new(fields, page_field(rq, form, "receiving_party", "col_svc_receiving_party", NULL));
		json_array_append_new(fields, page_field(rq, form, "reason", "col_svc_reason", NULL));
		json_object_set_new(out, "fields", fields);
		json_object_set_new(out, "can_move", json_true());
	} else
		json_decref(moves);
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	json_decref(matters);
	json_decref(deps);
	page_render(rq, status, "service", "nav_services", out);
}

void page_service(struct request *rq) { page_form_show(rq, service_page); }

void page_service_post(struct request *rq)
{
	static const char *const names[] = {"status", "note", "referred_to", "receiving_party",
		"reason", NULL};
	static const char *const none[] = {NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = page_body_of(f, names, none);
	enum outcome res = service_request_move(&rq->cx, rq->ids[0], NULL, body, &out);
	json_decref(body);
	json_decref(out);
	page_after_write(rq, res, arena_printf(&rq->arena, "/services/%lld", (long long)rq->ids[0]),
			 "service_step", service_page, f);
	json_decref(f);
}
