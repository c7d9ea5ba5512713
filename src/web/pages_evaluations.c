/*
 * pages_evaluations: 文明大家比, the evaluations of model households: the schemes with their
 * figures (awards by kind, community and year) and the form that sets one up, and one
 * scheme with its criteria, its results, the form of an evaluator's scores, its approval,
 * publication and printable list, for zh-CN and en alike.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/evaluation.h"
#include "domain/privacy.h"
#include "web/page.h"

#define CRITERIA_ROWS 5	/* criterion rows on the form of a new scheme */

/* Codes as words: kind, subject, status; times in the county's. */
static void present(struct request *rq, json_t *rows)
{
	json_t *r;
	size_t i;
	json_array_foreach(rows, i, r) {
		json_object_set_new(r, "status_code", json_incref(json_object_get(r, "status")));
		json_object_set_new(r, "subject_code", json_incref(json_object_get(r, "subject")));
		page_label(rq, r, "kind", "evaluation_kind");
		page_label(rq, r, "subject", "evaluation_subject");
		page_label(rq, r, "status", "evaluation_status");
	}
	page_times(rq, rows, "approved_at");
	page_times(rq, rows, "published_at");
}

/* ---------------------------------------------------------------- the list */

static void evaluations_page(struct request *rq, unsigned status, json_t *form)
{
	int form_errors = rq->errs.n;	/* a form sent back already holds its own */
	static const int any_code[] = {2, 4, 6, 9, 12, 0};
	struct evaluation_filter f = {
		.kind = rq_query_enum(rq, "kind", evaluation_kinds),
		.status = rq_query_enum(rq, "status", evaluation_statuses),
		.community = rq_query_code(rq, "community", any_code),
		.year = rq_query_int(rq, "year", 2000, 2100, 0),
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0), .limit = 50,
	};
	if (rq->errs.n > form_errors) {
		page_outcome(rq, OUT_INVALID);
		return;
	}
	json_t *out = NULL, *figures = NULL;
	enum outcome got = evaluation_list(&rq->cx, &f, &out);
	if (got == OUT_OK)
		got = evaluation_figures(&rq->cx, NULL, &figures);
	if (got != OUT_OK) {
		json_decref(out);
		page_outcome(rq, got);
		return;
	}
	audit_read(&rq->cx, "list", "evaluation", 0,
		   (int64_t)json_array_size(json_object_get(out, "items")), NULL);
	present(rq, json_object_get(out, "items"));
	json_t *g;
	size_t i;
	json_array_foreach(json_object_get(figures, "by_kind"), i, g)
		page_label(rq, g, "name", "evaluation_kind");
	json_object_set_new(out, "figures", figures);
	char *query = arena_printf(&rq->arena, "limit=50%s%s%s%s%s%s", f.kind ? "&kind=" : "",
		f.kind ? f.kind : "", f.status ? "&status=" : "", f.status ? f.status : "",
		f.community ? "&community=" : "", f.community ? f.community : "");
	if (f.year)
		query = arena_printf(&rq->arena, "%s&year=%lld", query, (long long)f.year);
	json_object_set_new(out, "query", json_string(query));
	/* the form of a new scheme */
	json_t *fields = json_array();
	json_array_append_new(fields, page_field(rq, form, "kind", "col_eva_kind",
		page_code_options(rq, evaluation_kinds, "evaluation_kind", page_form_value(form, "kind"))));
	json_array_append_new(fields, page_field(rq, form, "title", "col_eva_title", NULL));
	json_array_append_new(fields, page_field(rq, form, "subject", "col_eva_subject",
		page_code_options(rq, evaluation_subject_kinds, "evaluation_subject",
				  page_form_value(form, "subject"))));
	json_t *places = page_field(rq, form, "division", "col_eva_division", NULL);
	json_object_set_new(places, "select", json_true());
	json_object_set_new(places, "groups", page_place_groups(rq, true, page_community_chosen(rq, form,
										"division")));
	page_community_groups_in_scope(rq, places);
	json_array_append_new(fields, places);
	json_array_append_new(fields, page_field(rq, form, "period_from", "col_eva_period_from", NULL));
	json_array_append_new(fields, page_field(rq, form, "period_to", "col_eva_period_to", NULL));
	json_array_append_new(fields, page_field(rq, form, "award_threshold", "col_eva_award_threshold", NULL));
	json_array_append_new(fields, page_field(rq, form, "award_top", "col_eva_award_top", NULL));
	page_field_input(json_array_get(fields, 4), 'd');
	page_field_input(json_array_get(fields, 5), 'd');
	page_field_input(json_array_get(fields, 6), 'r');
	page_field_input(json_array_get(fields, 7), 'i');
	json_object_set_new(out, "fields", fields);
	json_t *crit = json_array();
	static const char *const parts[] = {"code", "name", "min", "max", "weight"};
	for (int r = 0; r < CRITERIA_ROWS; r++) {
		json_t *row = json_array();
		for (int k = 0; k < 5; k++) {
			const char *name = arena_printf(&rq->arena, "criteria[%d].%s", r, parts[k]);
			json_t *fd = page_field(rq, form, name, arena_printf(&rq->arena,
				"col_eva_criterion_%s", parts[k]), NULL);
			page_field_input(fd, k >= 2 ? 'r' : 't');
			json_array_append_new(row, fd);
		}
		json_array_append_new(crit, json_pack("{s:i, s:o}", "n", r + 1, "fields", row));
	}
	json_object_set_new(out, "criteria_rows", crit);
	json_object_set_new(out, "criteria_error", page_json_text_or_null(page_field_error(rq, "criteria")));
	json_object_set_new(out, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	page_render(rq, status, "evaluations", "nav_evaluations", out);
}

void page_evaluations(struct request *rq)
{
	page_form_show(rq, evaluations_page);
}

/* A form's number as a JSON number, or its text (the domain then says it is no number). */
static json_t *number_of(const char *v)
{
	char *end;
	double d = strtod(v, &end);
	return *end == '\0' && end != v ? json_real(d) : json_string(v);
}

void page_evaluations_post(struct request *rq)
{
	static const char *const names[] = {"kind", "title", "subject", "division", "period_from",
		"period_to", NULL};
	static const char *const none[] = {NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	json_t *body = page_body_of(f, names, none);
	if (*page_form_value(f, "award_threshold"))
		json_object_set_new(body, "award_threshold", number_of(page_form_value(f, "award_threshold")));
	if (*page_form_value(f, "award_top")) {	/* a whole number, else its text (an error) */
		json_t *top = number_of(page_form_value(f, "award_top"));
		if (json_is_real(top) && json_real_value(top) == (double)(int64_t)json_real_value(top))
			json_object_set_new(body, "award_top", json_integer((json_int_t)json_real_value(top)));
		else
			json_object_set_new(body, "award_top", json_incref(top));
		json_decref(top);
	}
	json_t *crit = json_array();
	for (int r = 0; r < CRITERIA_ROWS; r++) {
		const char *code = page_form_value(f, arena_printf(&rq->arena, "criteria[%d].code", r));
		const char *name = page_form_value(f, arena_printf(&rq->arena, "criteria[%d].name", r));
		if (!*code && !*name)
			continue;	/* an empty row; the rows given keep their place */
		json_t *c = json_pack("{s:s, s:s}", "code", code, "name", name);
		static const char *const nums[] = {"min", "max", "weight"};
		for (int k = 0; k < 3; k++) {
			const char *v = page_form_value(f, arena_printf(&rq->arena, "criteria[%d].%s", r, nums[k]));
			if (*v)
				json_object_set_new(c, nums[k], number_of(v));
		}
		json_array_append_new(crit, c);
	}
	json_object_set_new(body, "criteria", crit);
	enum outcome res = evaluation_create(&rq->cx, body, &out);
	json_decref(body);
	page_after_write(rq, res, res == OUT_OK ? arena_printf(&rq->arena, "/evaluations/%lld",
		(long long)json_integer_value(json_object_get(out, "id"))) : NULL, "evaluation",
		evaluations_page, f);
	json_decref(out);
	json_decref(f);
}

/* ---------------------------------------------------------------- one scheme */

static void evaluation_page(struct request *rq, unsigned status, json_t *form)
{
	json_t *out = NULL;
	enum outcome got = evaluation_results(&rq->cx, rq->ids[0], &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	privacy_present(rq->actor.role, out);
	json_t *scheme = json_object_get(out, "scheme");
	json_t *one = json_pack("[O]", scheme);
	present(rq, one);
	json_decref(one);
	const char *st = json_string_value(json_object_get(scheme, "status_code"));
	bool open = strcmp(st, "open") == 0;
	json_t *crit = json_object_get(scheme, "criteria"), *c, *r;
	size_t i, k;
	json_array_foreach(json_object_get(out, "items"), i, r) {	/* each row's means in order */
		json_t *cells = json_array();
		json_array_foreach(crit, k, c) {
			json_t *m = json_object_get(json_object_get(r, "means"), json_string_value(
				json_object_get(c, "code")));
			json_array_append_new(cells, json_pack("{s:s}", "v", json_is_number(m)
				? arena_printf(&rq->arena, "%.2f", json_number_value(m)) : "—"));
		}
		json_object_set_new(r, "cells", cells);
		if (json_is_number(json_object_get(r, "total")))
			json_object_set_new(r, "total_text", json_string(arena_printf(&rq->arena, "%.2f",
				json_number_value(json_object_get(r, "total")))));
	}
	bool can_edit = role_can_edit_registry(rq->actor.role);
	if (can_edit && open) {
		const char *subject = json_string_value(json_object_get(scheme, "subject_code"));
		bool person = subject && strcmp(subject, "person") == 0;	/* the code, not its word */
		json_t *fields = json_array();
		page_subject_fields(rq, form, 0, person ? PAGE_SUBJECT_PERSON : PAGE_SUBJECT_HOUSEHOLD, fields);
		json_array_append_new(fields, page_field(rq, form, "evaluator", "col_eva_evaluator",
							      NULL));
		json_array_foreach(crit, k, c) {
			const char *code = json_string_value(json_object_get(c, "code"));
			json_t *fd = page_field_as(rq, form, arena_printf(&rq->arena, "score_%s", code),
				arena_printf(&rq->arena, "scores.%s", code), "col_eva_score", NULL);
			json_object_set_new(fd, "label", json_string(arena_printf(&rq->arena, "%s (%g–%g)",
				json_string_value(json_object_get(c, "name")),
				json_number_value(json_object_get(c, "min")),
				json_number_value(json_object_get(c, "max")))));
			page_field_input(fd, 'r');
			json_array_append_new(fields, fd);
		}
		json_object_set_new(out, "fields", fields);
		json_object_set_new(out, "scores_error", page_json_text_or_null(page_field_error(rq, "scores")));
	}
	json_object_set_new(out, "can_score", json_boolean(can_edit && open));
	json_object_set_new(out, "can_approve", json_boolean(can_edit && open));
	json_object_set_new(out, "can_publish", json_boolean(can_edit && strcmp(st, "approved") == 0));
	json_object_set_new(out, "published", json_boolean(strcmp(st, "published") == 0));
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	json_object_set_new(out, "action_error", page_json_text_or_null(page_field_error(rq, "action")));
	if (status != 200)
		json_object_set_new(out, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	page_render(rq, status, "evaluation", "nav_evaluations", out);
}

void page_evaluation(struct request *rq)
{
	page_form_show(rq, evaluation_page);
}

/* The form names its step by its button: score, approve or publish. */
void page_evaluation_post(struct request *rq)
{
	static const char *const names[] = {"evaluator", NULL};
	static const char *const integers[] = {NULL};
	json_t *f = page_form_posted(rq), *out = NULL;
	if (!f)
		return;
	const char *action = page_form_value(f, "action");
	enum outcome res;
	if (strcmp(action, "score") == 0) {
		json_t *body = page_body_of(f, names, integers), *scores = json_object();
		/* a person's scheme asks for an ID number or a member (its form has those fields), a
		 * household's for the household's number */
		if (!page_subject_take(rq, f, json_object_get(f, "id_number") || json_object_get(f, "member") ? PAGE_SUBJECT_PERSON
				       : PAGE_SUBJECT_HOUSEHOLD, body)) {
			json_decref(body);
			json_decref(scores);
			json_decref(f);
			page_outcome(rq, OUT_INTERNAL);
			return;
		}
		const char *key;
		json_t *v;
		json_object_foreach(f, key, v)
			if (strncmp(key, "score_", 6) == 0 && *page_form_value(f, key))
				json_object_set_new(scores, key + 6, number_of(page_form_value(f, key)));
		json_object_set_new(body, "scores", scores);
		res = evaluation_score(&rq->cx, rq->ids[0], body, &out);
		json_decref(body);
	} else {
		json_t *body = json_pack("{s:s}", "action", action);
		res = evaluation_act(&rq->cx, rq->ids[0], NULL, body, &out);
		json_decref(body);
	}
	json_decref(out);
	/* the score, or the step the scheme took (an action the domain accepted) */
	page_after_write(rq, res, arena_printf(&rq->arena, "/evaluations/%lld", (long long)rq->ids[0]),
		strcmp(action, "score") == 0 ? "evaluation_score" : strcmp(action, "approve") == 0
		? "evaluation_approve" : "evaluation_publish", evaluation_page, f);
	json_decref(f);
}
