/*
 * pages_petitions: 有话大家说, the suggestions and petitions: the list with its figures and
 * the overdue, the form that takes one, and one petition with its steps and the form of its
 * next step (reply, rating, appeal), for zh-CN and en alike.
 */
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/petition.h"
#include "web/page.h"

/* ---------------------------------------------------------------- presenting */

/* Codes of petitions as words: category, channel, status, state, satisfaction. */
static void present(struct request *rq, json_t *rows, json_t *cats)
{
	json_t *r;
	size_t i;
	json_array_foreach(rows, i, r) {
		json_object_set_new(r, "category_name", json_string(page_catalogue_name(rq, cats,
			json_string_value(json_object_get(r, "category")))));
		json_object_set_new(r, "state_code", json_incref(json_object_get(r, "state")));
		json_object_set_new(r, "status_code", json_incref(json_object_get(r, "status")));
		json_object_set_new(r, "breached", json_boolean(strcmp(json_string_value(
			json_object_get(r, "state")), "breached") == 0));
		page_label(rq, r, "state", "petition_state");
		page_label(rq, r, "status", "petition_status");
		page_label(rq, r, "channel", "petition_channel");
		page_label(rq, r, "satisfaction", "petition_satisfaction");
	}
	page_times(rq, rows, "received_at");
	page_times(rq, rows, "replied_at");
}

/* ---------------------------------------------------------------- the list */

static void petitions_page(struct request *rq, unsigned status, json_t *form)
{
	static const char *const statuses[] = {"open", "replied", NULL};
	static const char *const booleans[] = {"true", "false", NULL};
	int form_errors = rq->errs.n;	/* a form sent back already holds its own */
	const char *overdue = rq_query_enum(rq, "overdue", booleans);
	struct petition_filter f = {
		.status = rq_query_enum(rq, "status", statuses),
		.category = rq_query(rq, "category"),
		.channel = rq_query_enum(rq, "channel", petition_channels),
		.household_id = rq_query_int(rq, "household", 1, INT64_MAX, 0),
		.overdue = overdue && overdue[0] == 't',
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0), .limit = 50,
	};
	if (f.category && !*f.category)
		f.category = NULL;
	if (rq->errs.n > form_errors) {
		page_outcome(rq, OUT_INVALID);
		return;
	}
	json_t *out = NULL, *figures = NULL;
	enum outcome got = petition_list(&rq->cx, &f, &out);
	if (got == OUT_OK)
		got = petition_figures(&rq->cx, NULL, &figures);
	if (got != OUT_OK) {
		json_decref(out);
		page_outcome(rq, got);
		return;
	}
	audit_read(&rq->cx, "list", "petition", 0,
		   (int64_t)json_array_size(json_object_get(out, "items")), f.overdue ? "overdue" : NULL);
	json_t *cats = page_catalogue(petition_categories_list, &rq->cx), *g;
	size_t i;
	present(rq, json_object_get(out, "items"), cats);
	json_array_foreach(json_object_get(figures, "by_category"), i, g)
		json_object_set_new(g, "name", json_string(page_catalogue_name(rq, cats,
			json_string_value(json_object_get(g, "key")))));
	json_array_foreach(json_object_get(figures, "by_channel"), i, g)
		json_object_set_new(g, "name", json_string(msg_get(rq->lang, arena_printf(&rq->arena,
			"petition_channel_%s", json_string_value(json_object_get(g, "key"))))));
	json_object_set_new(out, "figures", figures);
	/* the filter as a query string, for the next page and the downloads: only what is set */
	char *query = arena_printf(&rq->arena, "limit=50%s%s%s%s%s%s%s", f.status ? "&status=" : "",
		f.status ? f.status : "", f.category ? "&category=" : "",
		f.category ? page_url_encode(rq, f.category) : "", f.channel ? "&channel=" : "",
		f.channel ? f.channel : "", f.overdue ? "&overdue=true" : "");
	if (f.household_id)
		query = arena_printf(&rq->arena, "%s&household=%lld", query, (long long)f.household_id);
	json_object_set_new(out, "query", json_string(query));
	if (f.overdue)
		json_object_set_new(out, "overdue_only", json_true());
	json_t *fields = json_array();
	json_array_append_new(fields, page_field(rq, form, "channel", "col_pet_channel",
		page_code_options(rq, petition_channels, "petition_channel", page_form_value(form, "channel"))));
	json_array_append_new(fields, page_field(rq, form, "category", "col_pet_category",
		page_catalogue_options(rq, cats, page_form_value(form, "category"), true)));
	json_array_append_new(fields, page_field_as(rq, form, "text", "content", "col_pet_content", NULL));
	page_subject_fields(rq, form, f.household_id, PAGE_SUBJECT_HOUSEHOLD | PAGE_SUBJECT_PERSON, fields);
	json_array_append_new(fields, page_field(rq, form, "requester_name", "col_pet_requester_name", NULL));
	json_array_append_new(fields, page_field(rq, form, "community", "col_destination",
					    page_community_options(rq, form, "community")));
	json_object_set_new(out, "fields", fields);
	json_object_set_new(out, "anonymous_checked", json_boolean(*page_form_value(form, "anonymous")));
	json_object_set_new(out, "anonymous_error",
			    page_json_text_or_null(page_field_error(rq, "anonymous")));
	json_object_set_new(out, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	json_decref(cats);
	page_render(rq, status, "petitions", "nav_petitions", out);
}

void page_petitions(struct request *rq) { page_form_show(rq, petitions_page); }

void page_petitions_post(struct request *rq)
{
	static const char *const names[] = {"requester_name", "channel", "category", "community", NULL};
	static const char *const integers[] = {NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = page_body_of(f, names, integers);
	if (!page_subject_take(rq, f, PAGE_SUBJECT_HOUSEHOLD | PAGE_SUBJECT_PERSON, body)) {
		json_decref(body);
		json_decref(f);
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	json_object_set_new(body, "anonymous", json_boolean(*page_form_value(f, "anonymous")));
	if (*page_form_value(f, "text"))
		json_object_set_new(body, "content", json_string(page_form_value(f, "text")));
	enum outcome res = petition_create(&rq->cx, body, &out);
	json_decref(body);
	page_after_write(rq, res, res == OUT_OK ? arena_printf(&rq->arena, "/petitions/%lld",
		(long long)json_integer_value(json_object_get(out, "id"))) : NULL, "petition", petitions_page, f);
	json_decref(out);
	json_decref(f);
}

/* ---------------------------------------------------------------- one petition */

static void petition_page(struct request *rq, unsigned status, json_t *form)
{
	json_t *out = NULL;
	enum outcome got = petition_get(&rq->cx, rq->ids[0], &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	json_t *cats = page_catalogue(petition_categories_list, &rq->cx);
	json_t *one = json_pack("[O]", out);
	present(rq, one, cats);
	json_decref(one);
	json_t *steps = json_object_get(out, "steps"), *s;
	size_t i;
	json_array_foreach(steps, i, s) {
		const char *kind = json_string_value(json_object_get(s, "kind"));
		if (kind && strcmp(kind, "rated") == 0)
			page_label(rq, s, "text", "petition_satisfaction");
		page_label(rq, s, "kind", "petition_step");
	}
	page_times(rq, steps, "at");
	const char *st = json_string_value(json_object_get(out, "status_code"));
	bool open = st && strcmp(st, "open") == 0;
	if (role_can_edit_registry(rq->actor.role)) {
		json_t *fields = json_array();
		if (open) {
			json_array_append_new(fields, page_field_as(rq, form, "reply", "content", "col_pet_reply",
							       NULL));
			json_object_set_new(out, "action", json_string("reply"));
		} else {
			json_array_append_new(fields, page_field(rq, form, "satisfaction", "col_pet_satisfaction",
				page_code_options(rq, petition_satisfactions, "petition_satisfaction",
						  page_form_value(form, "satisfaction"))));
			json_array_append_new(fields, page_field(rq, form, "reason", "col_pet_appeal_reason", NULL));
		}
		json_object_set_new(out, "fields", fields);
		json_object_set_new(out, "can_act", json_true());
		json_object_set_new(out, "open", json_boolean(open));
		json_object_set_new(out, "action_error",
				    page_json_text_or_null(page_field_error(rq, "action")));
	}
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	json_decref(cats);
	page_render(rq, status, "petition", "nav_petitions", out);
}

void page_petition(struct request *rq) { page_form_show(rq, petition_page); }

/* The form names its step by its button: reply (open), rate or appeal (replied). */
void page_petition_post(struct request *rq)
{
	static const char *const names[] = {"action", "satisfaction", "reason", NULL};
	static const char *const none[] = {NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = page_body_of(f, names, none);
	const char *action = page_form_value(f, "action");
	if (*page_form_value(f, "reply"))
		json_object_set_new(body, "content", json_string(page_form_value(f, "reply")));
	if (strcmp(action, "rate") == 0)
		json_object_del(body, "reason");
	else if (strcmp(action, "appeal") == 0)
		json_object_del(body, "satisfaction");
	enum outcome res = petition_act(&rq->cx, rq->ids[0], NULL, body, &out);
	json_decref(body);
	json_decref(out);
	page_after_write(rq, res, arena_printf(&rq->arena, "/petitions/%lld", (long long)rq->ids[0]),
			 "petition_step", petition_page, f);
	json_decref(f);
}
