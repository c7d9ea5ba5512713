/*
 * pages_activities: 邻里大家走 and 致富大家干 as pages: the activities with their figures by
 * community and month, one activity with its attendees (added and removed here),
 * participation by household over a period, and the start-up register with its figures,
 * one start-up with its founders, support and jobs; zh-CN and en alike, each list with its
 * downloads and each figure a link to the records behind it.
 */
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/activity.h"
#include "domain/audit.h"
#include "domain/business.h"
#include "domain/privacy.h"
#include "web/page.h"
#include "web/routes.h"

/* ---------------------------------------------------------------- shared bits */

static json_t *kinds(struct ctx *cx)
{
	json_t *out = NULL;
	if (activity_kinds_list(cx, &out) != OUT_OK)
		return json_array();
	json_t *items = json_incref(json_object_get(out, "items"));
	json_decref(out);
	return items;
}

/* "&key=value" when value is set (URL-encoded), else "". */
static const char *param(struct request *rq, const char *key, const char *value)
{
	return value && *value ? arena_printf(&rq->arena, "&%s=%s", key, page_url_encode(rq, value))
		: "";
}

/* The last day of the month YYYY-MM as YYYY-MM-DD into out[11]; false for bad text. */
static bool month_end(const char *month, char out[11])
{
	int y, m, d;
	char first[11];
	snprintf(first, sizeof(first), "%.7s-01", month ? month : "");
	if (!date_parse(first, &y, &m, &d))
		return false;
	date_format(date_days(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1, out);
	return true;
}

/* ---------------------------------------------------------------- activities */

static void present_activities(struct request *rq, json_t *rows, json_t *kind_rows)
{
	json_t *r;
	size_t i;
	json_array_foreach(rows, i, r)
		json_object_set_new(r, "kind_name", json_string(page_catalogue_name(rq, kind_rows,
			json_string_value(json_object_get(r, "kind")))));
}

static void activities_page(struct request *rq, unsigned status, json_t *form)
{
	int form_errors = rq->errs.n;	/* a form sent back already holds its own */
	struct activity_filter f;
	api_activity_filter(rq, &f, 50);
	if (rq->errs.n > form_errors) {
		page_outcome(rq, OUT_INVALID);
		return;
	}
	json_t *out = NULL, *figures = NULL;
	enum outcome got = activity_list(&rq->cx, &f, &out);
	if (got == OUT_OK)
		got = activity_figures(&rq->cx, &f, &figures);
	if (got != OUT_OK) {
		json_decref(out);
		page_outcome(rq, got);
		return;
	}
	audit_read(&rq->cx, "list", "activity", 0,
		   (int64_t)json_array_size(json_object_get(out, "items")), NULL);
	json_t *kind_rows = kinds(&rq->cx), *g;
	size_t i;
	present_activities(rq, json_object_get(out, "items"), kind_rows);
	json_array_foreach(json_object_get(figures, "by_month"), i, g) {
		char end[11];
		if (month_end(json_string_value(json_object_get(g, "key")), end))
			json_object_set_new(g, "to", json_string(end));
	}
	json_object_set_new(out, "figures", figures);
	const char *query = arena_printf(&rq->arena, "limit=50%s%s%s%s", param(rq, "community",
		f.community), param(rq, "kind", f.kind), param(rq, "from", f.from), param(rq, "to", f.to));
	if (f.person_id)
		query = arena_printf(&rq->arena, "%s&person=%lld", query, (long long)f.person_id);
	json_object_set_new(out, "query", json_string(query));
	json_object_set_new(out, "filtered", json_boolean(strcmp(query, "limit=50") != 0));
	json_t *fields = json_array();
	json_array_append_new(fields, page_field(rq, form, "kind", "col_act_kind",
		page_catalogue_options(rq, kind_rows, page_form_value(form, "kind"), true)));
	json_array_append_new(fields, page_field(rq, form, "title", "col_act_title", NULL));
	json_t *day = page_field(rq, form, "held_on", "col_act_held_on", NULL);
	json_object_set_new(day, "type", json_string("date"));
	json_array_append_new(fields, day);
	json_array_append_new(fields, page_field(rq, form, "place", "col_act_place", NULL));
	json_array_append_new(fields, page_field(rq, form, "organiser",
						      "col_act_organiser", NULL));
	json_array_append_new(fields, page_field(rq, form, "community",
		"col_act_community_name", page_community_options(rq, form, "community")));
	json_object_set_new(out, "fields", fields);
	json_object_set_new(out, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	json_decref(kind_rows);
	page_render(rq, status, "activities", "nav_activities", out);
}

void page_activities(struct request *rq)
{
	page_form_show(rq, activities_page);
}

void page_activities_post(struct request *rq)
{
	static const char *const names[] = {"community", "kind", "title", "held_on", "place",
		"organiser", NULL};
	static const char *const none[] = {NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = page_body_of(f, names, none);
	enum outcome res = activity_create(&rq->cx, body, &out);
	json_decref(body);
	page_after_write(rq, res, out ? arena_printf(&rq->arena, "/activities/%lld",
		(long long)json_integer_value(json_object_get(out, "id"))) : NULL, "activity", activities_page, f);
	json_decref(out);
	json_decref(f);
}

static void activity_page_said(struct request *rq, unsigned status, json_t *form,
			       const char *failed_key)
{
	json_t *out = NULL;
	enum outcome got = activity_get(&rq->cx, rq->ids[0], &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	privacy_present(rq->actor.role, out);
	json_t *kind_rows = kinds(&rq->cx);
	json_t *one = json_pack("[O]", out);
	present_activities(rq, one, kind_rows);
	json_decref(one);
	json_decref(kind_rows);
	json_t *a;
	size_t i;
	json_array_foreach(json_object_get(out, "attendee_list"), i, a)
		page_label(rq, a, "gender", "gender");
	if (role_can_edit_registry(rq->actor.role)) {
		json_t *fields = json_array();	/* who: an ID number, or the household and a member */
		page_subject_fields(rq, form, 0, PAGE_SUBJECT_PERSON, fields);
		json_object_set_new(out, "fields", fields);
		json_object_set_new(out, "can_edit", json_true());
	}
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, failed_key)));
	page_render(rq, status, "activity", "nav_activities", out);
}

static void activity_page(struct request *rq, unsigned status, json_t *form)
{
	activity_page_said(rq, status, form, "form_has_errors");
}

void page_activity(struct request *rq)
{
	page_form_show(rq, activity_page);
}

void page_activity_attend(struct request *rq)
{
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = json_object();
	if (!page_subject_take(rq, f, PAGE_SUBJECT_PERSON, body)) {
		json_decref(body);
		json_decref(f);
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	enum outcome res = activity_attend(&rq->cx, rq->ids[0], body, &out);
	json_decref(body);
	json_decref(out);
	page_after_write(rq, res, arena_printf(&rq->arena, "/activities/%lld",
		(long long)rq->ids[0]), "attendance", activity_page, f);
	json_decref(f);
}

void page_activity_unattend(struct request *rq)
{
	json_t *f = page_form_posted(rq);
	if (!f)
		return;
	int64_t person = strtoll(page_form_value(f, "person_id"), NULL, 10);
	enum outcome res = person > 0 ? activity_unattend(&rq->cx, rq->ids[0], person)
		: OUT_NOT_FOUND;
	json_decref(f);
	if (res == OUT_OK) {
		page_saved(rq, arena_printf(&rq->arena, "/activities/%lld", (long long)rq->ids[0]),
			   "attendance_removed");
	} else if (res == OUT_NOT_FOUND) {	/* removed already (a second click): the activity
						 * says so; an activity out of sight is 404 there */
		json_t *form = json_object();
		activity_page_said(rq, outcome_status(res), form, "act_not_attendee");
		json_decref(form);
	} else {
		page_outcome(rq, res);
	}
}

void page_participation(struct request *rq)
{
	page_lang(rq);
	struct participation_filter f;
	api_participation_filter(rq, &f, 50);
	if (rq->errs.n) {
		page_outcome(rq, OUT_INVALID);
		return;
	}
	json_t *out = NULL;
	enum outcome got = activity_participation(&rq->cx, &f, &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	audit_read(&rq->cx, "list", "participation", 0,
		   (int64_t)json_array_size(json_object_get(out, "items")), NULL);
	const char *period = arena_printf(&rq->arena, "%s%s%s", param(rq, "community", f.community),
					  param(rq, "from", f.from), param(rq, "to", f.to));
	json_object_set_new(out, "period", json_string(period));
	json_object_set_new(out, "query", json_string(f.attendances >= 0 ? arena_printf(&rq->arena,
		"%s&attendances=%lld", period, (long long)f.attendances) : period));
	json_t *d;
	size_t i;
	json_array_foreach(json_object_get(out, "distribution"), i, d) {
		json_int_t n = json_integer_value(json_object_get(d, "attendances"));
		json_object_set_new(d, "label", json_string(n == 5 ? msg_get(rq->lang, "act_five_or_more")
			: arena_printf(&rq->arena, "%lld", (long long)n)));
		json_object_set_new(d, "chosen", json_boolean(n == f.attendances));
	}
	json_object_set_new(out, "none_only", json_boolean(f.attendances == 0));
	json_object_set_new(out, "from_value", json_string(f.from ? f.from : ""));
	json_object_set_new(out, "to_value", json_string(f.to ? f.to : ""));
	json_object_set_new(out, "community_options", page_place_options(rq, true, f.community));
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	page_render(rq, 200, "participation", "act_participation", out);
}

/* ---------------------------------------------------------------- start-ups */

static void present_businesses(struct request *rq, json_t *rows)
{
	json_t *r;
	size_t i;
	json_array_foreach(rows, i, r) {
		page_label(rq, r, "kind", "business_kind");
		json_object_set_new(r, "status_code", json_incref(json_object_get(r, "status")));
		page_label(rq, r, "status", "business_status");
	}
}

static void businesses_page(struct request *rq, unsigned status, json_t *form)
{
	int form_errors = rq->errs.n;
	struct business_filter f;
	api_business_filter(rq, &f, 50);
	if (rq->errs.n > form_errors) {
		page_outcome(rq, OUT_INVALID);
		return;
	}
	json_t *out = NULL, *figures = NULL;
	enum outcome got = business_list(&rq->cx, &f, &out);
	if (got == OUT_OK)
		got = business_figures(&rq->cx, f.community, &figures);
	if (got != OUT_OK) {
		json_decref(out);
		page_outcome(rq, got);
		return;
	}
	audit_read(&rq->cx, "list", "business", 0,
		   (int64_t)json_array_size(json_object_get(out, "items")), NULL);
	present_businesses(rq, json_object_get(out, "items"));
	json_t *g;
	size_t i;
	json_array_foreach(json_object_get(figures, "by_kind"), i, g) {
		json_object_set(g, "name", json_object_get(g, "key"));
		page_label(rq, g, "name", "business_kind");
	}
	json_object_set_new(out, "figures", figures);
	const char *query = arena_printf(&rq->arena, "limit=50%s%s%s", param(rq, "community",
		f.community), param(rq, "kind", f.kind), param(rq, "status", f.status));
	if (f.person_id)
		query = arena_printf(&rq->arena, "%s&person=%lld", query, (long long)f.person_id);
	json_object_set_new(out, "query", json_string(query));
	json_t *fields = json_array();
	json_array_append_new(fields, page_field(rq, form, "name", "col_act_name", NULL));
	json_array_append_new(fields, page_field(rq, form, "kind", "col_act_kind",
		page_code_options(rq, business_kinds, "business_kind", page_form_value(form, "kind"))));
	json_t *named = page_field(rq, form, "founders", "biz_founder_ids", NULL);
	json_object_set_new(named, "error", page_json_text_or_null(page_named_list_error(rq, form,
		"founders", true, "founders")));
	json_array_append_new(fields, named);
	json_t *day = page_field(rq, form, "founded_on", "col_act_founded_on", NULL);
	json_object_set_new(day, "type", json_string("date"));
	json_array_append_new(fields, day);
	json_array_append_new(fields, page_field(rq, form, "address", "col_act_address",
						      NULL));
	json_t *staff = page_field(rq, form, "employees", "col_act_employees", NULL);
	json_object_set_new(staff, "inputmode", json_string("numeric"));
	json_array_append_new(fields, staff);
	json_array_append_new(fields, page_field(rq, form, "community",
		"col_act_community_name", page_community_options(rq, form, "community")));
	json_object_set_new(out, "fields", fields);
	json_object_set_new(out, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	page_render(rq, status, "businesses", "nav_businesses", out);
}

void page_businesses(struct request *rq)
{
	page_form_show(rq, businesses_page);
}

void page_businesses_post(struct request *rq)
{
	static const char *const names[] = {"name", "kind", "founded_on", "address", "employees",
		"community", NULL};
	static const char *const integers[] = {"employees", NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = page_body_of(f, names, integers);
	/* the founders: ID numbers separated by commas, spaces or lines */
	json_t *founders = page_named_list(rq, page_form_value(f, "founders"), true, "founders", NULL);
	json_object_set_new(body, "founders", founders);
	enum outcome res = business_create(&rq->cx, body, &out);
	json_decref(body);
	page_after_write(rq, res, out ? arena_printf(&rq->arena, "/businesses/%lld",
		(long long)json_integer_value(json_object_get(out, "id"))) : NULL, "business", businesses_page, f);
	json_decref(out);
	json_decref(f);
}

static void business_page(struct request *rq, unsigned status, json_t *form)
{
	json_t *out = NULL;
	enum outcome got = business_get(&rq->cx, rq->ids[0], &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	privacy_present(rq->actor.role, out);
	json_t *one = json_pack("[O]", out), *r;
	present_businesses(rq, one);
	json_decref(one);
	size_t i;
	json_array_foreach(json_object_get(out, "support"), i, r)
		page_label(rq, r, "kind", "business_support");
	json_array_foreach(json_object_get(out, "job_list"), i, r)
		page_label(rq, r, "type", "job");
	if (role_can_edit_registry(rq->actor.role)) {
		json_t *fields = json_array();
		json_array_append_new(fields, page_field(rq, form, "kind", "col_act_kind",
			page_code_options(rq, business_support_kinds, "business_support",
					  page_form_value(form, "kind"))));
		json_t *amount = page_field(rq, form, "amount", "col_act_amount", NULL);
		json_object_set_new(amount, "inputmode", json_string("numeric"));
		json_array_append_new(fields, amount);
		json_t *day = page_field(rq, form, "granted_on", "col_act_granted_on", NULL);
		json_object_set_new(day, "type", json_string("date"));
		json_array_append_new(fields, day);
		json_array_append_new(fields, page_field(rq, form, "source",
							      "col_act_source", NULL));
		json_object_set_new(out, "fields", fields);
		json_object_set_new(out, "can_edit", json_true());
	}
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	page_render(rq, status, "business", "nav_businesses", out);
}

void page_business(struct request *rq)
{
	page_form_show(rq, business_page);
}

void page_business_support(struct request *rq)
{
	static const char *const names[] = {"kind", "amount", "granted_on", "source", NULL};
	static const char *const integers[] = {"amount", NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = page_body_of(f, names, integers);
	enum outcome res = business_add_support(&rq->cx, rq->ids[0], body, &out);
	json_decref(body);
	json_decref(out);
	page_after_write(rq, res, arena_printf(&rq->arena, "/businesses/%lld", (long long)rq->ids[0]),
		     "business_support", business_page, f);
	json_decref(f);
}
