/*
 * pages_followup: the worklists, the employment report with its charts, the records
 * behind a figure, and the follow-up sections of the person and household pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/archive.h"
#include "domain/checklist.h"
#include "domain/division.h"
#include "domain/report_employment.h"
#include "domain/family_doctor.h"
#include "domain/guarantees.h"
#include "domain/jobs.h"
#include "domain/plots.h"
#include "domain/schooling.h"
#include "domain/steps.h"
#include "domain/trainings.h"
#include "domain/visits.h"
#include "domain/needs.h"
#include "domain/worklist.h"
#include "web/api_audit.h"
#include "web/page.h"
#include "web/pages_followup.h"

/* ---------------------------------------------------------------- worklists */

/* The rules' settings as form fields (admins only), each error beside its setting. */
static json_t *settings_fields(struct request *rq, json_t *given)
{
	json_t *rules = NULL, *fields = json_array(), *v;
	const char *key;
	if (worklist_rules(&rq->cx, &rules) != OUT_OK)
		return fields;
	json_object_foreach(json_object_get(rules, "settings"), key, v) {
		const char *form = json_string_value(json_object_get(given, key));
		json_t *fd = json_pack("{s:s, s:s, s:O, s:O}", "name", key, "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "setting_%s", key)),
			"min", json_object_get(v, "min"), "max", json_object_get(v, "max"));
		json_object_set_new(fd, "value", form ? json_string(form) : json_integer(
			json_integer_value(json_object_get(v, "value"))));
		json_object_set_new(fd, "error", page_json_text_or_null(page_field_error(rq,
			arena_printf(&rq->arena, "settings.%s", key))));
		json_array_append_new(fields, fd);
	}
	json_decref(rules);
	return fields;
}

static void worklists_page(struct request *rq, unsigned status, json_t *given)
{
	json_t *out = NULL, *it;
	size_t i;
	enum outcome got = worklist_counts(&rq->cx, &out);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	if (role_is_admin(rq->actor.role)) {
		json_object_set_new(out, "can_configure", json_true());
		json_object_set_new(out, "settings", settings_fields(rq, given));
	}
	json_array_foreach(json_object_get(out, "items"), i, it) {
		const char *rule = json_string_value(json_object_get(it, "rule"));
		json_object_set_new(it, "name", json_string(msg_get(rq->lang,
			arena_printf(&rq->arena, "rule_%s", rule))));
		json_object_set_new(it, "explain", json_string(msg_get(rq->lang,
			arena_printf(&rq->arena, "rule_%s_explain", rule))));
		const char *setting = json_string_value(json_object_get(it, "setting"));
		if (setting)	/* the setting by its name, not its key */
			json_object_set_new(it, "setting_label", json_string(msg_get(rq->lang,
				arena_printf(&rq->arena, "setting_%s", setting))));
	}
	if (status != 200)	/* a refused setting, far down the page: said at its top too */
		json_object_set_new(out, "page_alert", json_pack("{s:s, s:s, s:s}", "alert",
			msg_get(rq->lang, "form_has_errors"), "alert_href", "#settings-form",
			"alert_link", msg_get(rq->lang, "alert_to_settings")));
	page_render(rq, status, "worklists", "nav_worklists", out);
}

void page_worklists(struct request *rq)
{
	page_lang(rq);
	worklists_page(rq, 200, NULL);
}

/* Admins change the rules' ages, months and days; the change is audited. */
void page_worklist_settings(struct request *rq)
{
	page_lang(rq);
	json_t *f = page_form(rq), *out = NULL;
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	json_t *settings = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(f, key, v) {
		char *end;
		const char *text = json_string_value(v);
		long long n = strtoll(text, &end, 10);
		json_object_set_new(settings, key, *text && !*end ? json_integer(n) : json_string(text));
	}
	json_t *body = json_pack("{s:o}", "settings", settings);
	enum outcome res = worklist_rules_put(&rq->cx, body, &out);
	json_decref(body);
	json_decref(out);
	if (res == OUT_OK)
		page_saved(rq, "/worklists", "settings");
	else if (res == OUT_INVALID)
		worklists_page(rq, outcome_status(OUT_INVALID), f);
	else
		page_outcome(rq, res);
	json_decref(f);
}

void page_worklist(struct request *rq)
{
	json_t *out = NULL, *it;
	size_t i;
	page_lang(rq);
	const char *after = rq_query(rq, "after");
	enum outcome res = worklist_entries(&rq->cx, rq->key, after, 100, &out);
	if (res != OUT_OK) {	/* an unknown list 404, a bad cursor 422: as the API says */
		page_outcome(rq, res);
		return;
	}
	api_audit_answer(rq, res, "list", "worklist", 0, out, rq->key);
	const char *name = msg_get(rq->lang, arena_printf(&rq->arena, "rule_%s", rq->key));
	json_t *types = checklist_doc_types(&rq->cx);
	json_array_foreach(json_object_get(out, "items"), i, it)
		page_worklist_detail(rq->lang, &rq->arena, rq->key, types, it);	/* codes, counts and dates in words */
	json_decref(types);
	json_object_set_new(out, "name", json_string(name));
	json_object_set_new(out, "key", json_string(rq->key));
	json_object_set_new(out, "person_level", json_boolean(strcmp(json_string_value(
		json_object_get(out, "level")), "person") == 0));
	page_render(rq, 200, "worklist", "nav_worklists", out);
}

/* ---------------------------------------------------------------- employment report */

/* Each figure of a row as a link to the records behind it. */
static void link_figures(struct request *rq, json_t *row)
{
	json_t *cells = json_array();
	const char *code = json_string_value(json_object_get(row, "code"));
	for (int i = 0; report_employment_figures[i]; i++) {
		const char *f = report_employment_figures[i];
		json_t *v = json_object_get(row, f);
		char text[32];
		if (json_is_integer(v))
			snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
		else
			snprintf(text, sizeof(text), "%.1f", json_number_value(v));
		bool linkable = json_is_integer(v) && strcmp(f, "employment_rate") != 0;
		json_t *cell = json_pack("{s:s}", "text", text);
		if (linkable)
			json_object_set_new(cell, "href", json_string(arena_printf(&rq->arena,
				"/reports/employment/records?figure=%s&area=%s", f, code ? code : "")));
		json_array_append_new(cells, cell);
	}
	json_object_set_new(row, "cells", cells);
}

/* The report's tables in parts that fit a screen (tester's item 6): 25 figures side by side
 * were twice as wide as 1280 px; each part is a table of its own, with its caption, of at
 * most seven figures (report_employment_figures by index). */
static const struct {
	const char *title_key;
	int figures[8];	/* indexes into report_employment_figures, ended by -1 */
} report_parts[] = {
	{"report_part_employment", {0, 1, 2, 3, 11, 12, 13, -1}},
	{"report_part_job_types", {4, 5, 6, 7, 8, 9, 10, -1}},
	{"report_part_guarantees", {14, 15, 16, 17, 18, 19, -1}},
	{"report_part_plots", {20, 21, 22, 23, 24, -1}},
};

/* The rows (their "cells" from link_figures) as the parts, each with its heads and rows. */
static json_t *report_table_parts(struct request *rq, json_t *county, json_t *rows)
{
	json_t *parts = json_array();
	for (size_t p = 0; p < sizeof(report_parts) / sizeof(report_parts[0]); p++) {
		json_t *heads = json_array(), *out = json_array(), *row;
		const int *fig = report_parts[p].figures;
		for (int k = 0; fig[k] >= 0; k++)
			json_array_append_new(heads, json_string(msg_get(rq->lang, arena_printf(&rq->arena,
				"figure_%s", report_employment_figures[fig[k]]))));
		for (size_t i = county ? 0 : 1; i <= json_array_size(rows); i++) {
			row = i == 0 ? county : json_array_get(rows, i - 1);
			json_t *cells = json_array();
			for (int k = 0; fig[k] >= 0; k++)
				json_array_append(cells, json_array_get(json_object_get(row, "cells"), (size_t)fig[k]));
			json_array_append_new(out, json_pack("{s:s?, s:b, s:o}", "name", i == 0
				? msg_get(rq->lang, "report_table_county") : json_string_value(json_object_get(row, "name")),
				"total", i == 0, "cells", cells));
		}
		json_array_append_new(parts, json_pack("{s:s, s:o, s:o}", "title",
			msg_get(rq->lang, report_parts[p].title_key), "heads", heads, "rows", out));
	}
	return parts;
}

void page_report_employment(struct request *rq)
{
	json_t *r = NULL, *row;
	size_t i;
	page_lang(rq);
	enum outcome got = report_employment(&rq->cx, &r);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	link_figures(rq, json_object_get(r, "county"));
	json_array_foreach(json_object_get(r, "by_town"), i, row)
		link_figures(rq, row);
	json_array_foreach(json_object_get(r, "by_community"), i, row)
		link_figures(rq, row);
	static const struct chart_words rate_words = {"chart-rate", "report_col_name", "figure_employment_rate", NULL},
		zero_words = {"chart-zero", "report_col_name", "figure_labor_force",
			      "figure_zero_employment_households"},
		type_words = {"chart-types", "field_job_type", "figure_employed", NULL};
	char *rate = page_svg_bar_chart(rq, json_object_get(r, "by_town"), "name", "employment_rate", NULL,
				   "/reports/employment/records?figure=employed&area=", &rate_words);
	char *zero = page_svg_bar_chart(rq, json_object_get(r, "by_community"), "name", "labor_force",
				   "zero_employment_households",
				   "/reports/employment/records?figure=zero_employment_households&area=", &zero_words);
	/* employed by type, county-wide */
	json_t *types = json_array(), *county = json_object_get(r, "county");
	for (int k = 0; jobs_types[k]; k++) {
		char key[48];
		snprintf(key, sizeof(key), "employed_%s", jobs_types[k]);
		json_array_append_new(types, json_pack("{s:s, s:s, s:O}", "code", "",
			"name", msg_get(rq->lang, arena_printf(&rq->arena, "job_%s", jobs_types[k])),
			"employed", json_object_get(county, key)));
		json_object_set_new(json_array_get(types, (size_t)k), "code", json_string(
			arena_printf(&rq->arena, "%s&figure=%s", json_string_value(json_object_get(county, "code")), key)));
	}
	char *by_type = page_svg_bar_chart(rq, types, "name", "employed", NULL, "/reports/employment/records?area=",
				      &type_words);
	json_decref(types);
	json_t *progress = NULL;
	if (steps_progress(&rq->cx, &progress) == OUT_OK)
		json_object_set(r, "relocation", json_object_get(progress, "by_town"));
	json_decref(progress);
	json_object_set_new(r, "town_parts", report_table_parts(rq, json_object_get(r, "county"),
								json_object_get(r, "by_town")));
	json_object_set_new(r, "community_parts", report_table_parts(rq, NULL, json_object_get(r, "by_community")));
	json_object_set_new(r, "chart_rate", json_string(rate ? rate : ""));
	json_object_set_new(r, "chart_zero", json_string(zero ? zero : ""));
	json_object_set_new(r, "chart_types", json_string(by_type ? by_type : ""));
	free(rate);
	free(zero);
	free(by_type);
	page_render(rq, 200, "report_employment", "nav_report_employment", r);
}

void page_report_records(struct request *rq)
{
	static const int area_len[] = {9, 12, 0};
	json_t *out = NULL;
	page_lang(rq);
	const char *figure = rq_query(rq, "figure");
	const char *area = rq_query_code(rq, "area", area_len);
	int64_t after = rq_query_int(rq, "after", 0, INT64_MAX, 0);
	if (!figure)
		verrors_add(&rq->errs, "figure", "required");
	enum outcome res = rq->errs.n ? OUT_INVALID
		: report_employment_records(&rq->cx, figure, area ? area : "", after, 100, &out);
	if (res != OUT_OK) {	/* the API's status for the same question */
		page_outcome(rq, res);
		return;
	}
	api_audit_answer(rq, OUT_OK, "list", "report", 0, out, figure);
	json_object_set_new(out, "title", json_string(msg_get(rq->lang,
		arena_printf(&rq->arena, "figure_%s", figure))));
	char name[128] = "";
	if (area && *area)	/* the area by its name, the county when none */
		division_name(rq->cx.db, area, name, sizeof(name));
	json_object_set_new(out, "area_name", json_string(*name ? name : msg_get(rq->lang, "report_table_county")));
	json_object_set_new(out, "persons", json_boolean(strcmp(json_string_value(
		json_object_get(out, "kind")), "person") == 0));
	page_render(rq, 200, "report_records", "nav_report_employment", out);
}

/* ---------------------------------------------------------------- person and household */

static void label_all(struct request *rq, json_t *rows, const char *key, const char *prefix)
{
	json_t *row;
	size_t i;
	json_array_foreach(rows, i, row)
		page_label(rq, row, key, prefix);
}

void page_followup_person_sections(struct request *rq, int64_t person_id, json_t *data)
{
	json_t *jobs = NULL, *trainings = NULL, *guarantees = NULL, *schooling = NULL, *doctor = NULL;
	struct ctx *cx = &rq->cx;
	if (jobs_list(cx, person_id, &jobs) == OUT_OK) {
		label_all(rq, json_object_get(jobs, "items"), "type", "job");
		json_object_set(data, "jobs", json_object_get(jobs, "items"));
	}
	if (trainings_list(cx, person_id, &trainings) == OUT_OK) {
		label_all(rq, json_object_get(trainings, "items"), "type", "training");
		json_object_set(data, "trainings", json_object_get(trainings, "items"));
	}
	if (guarantees_list(cx, person_id, &guarantees) == OUT_OK) {
		label_all(rq, json_object_get(guarantees, "items"), "kind", "guarantee");
		label_all(rq, json_object_get(guarantees, "items"), "status", "gstatus");
		json_object_set(data, "guarantees", json_object_get(guarantees, "items"));
	}
	/* one-record ledgers answer {"items": [the record]} */
	if (schooling_get(cx, person_id, &schooling) == OUT_OK) {
		json_t *one = json_array_get(json_object_get(schooling, "items"), 0);
		page_label(rq, one, "status", "school");
		json_object_set(data, "schooling", one);
	}
	if (family_doctor_get(cx, person_id, &doctor) == OUT_OK)
		json_object_set(data, "doctor", json_array_get(json_object_get(doctor, "items"), 0));
	/* the volume: archive items filed under the person */
	json_t *p = json_object_get(data, "p"), *items = NULL, *it, *volume = json_array();
	struct item_filter f = {.household_id = json_integer_value(json_object_get(p, "household_id")),
				.limit = 500};
	size_t i;
	if (archive_item_list(cx, &f, &items) == OUT_OK)
		json_array_foreach(json_object_get(items, "items"), i, it)
			if (json_integer_value(json_object_get(it, "person_id")) == person_id)
				json_array_append(volume, it);
	page_doc_type_names(rq, volume);
	json_object_set_new(data, "volume", volume);
	json_decref(items);
	json_decref(jobs);
	json_decref(trainings);
	json_decref(guarantees);
	json_decref(schooling);
	json_decref(doctor);
}

void page_followup_household_sections(struct request *rq, int64_t household_id, json_t *data)
{
	json_t *steps = NULL, *plots = NULL, *visits = NULL;
	struct ctx *cx = &rq->cx;
	if (steps_get(cx, household_id, &steps) == OUT_OK) {
		label_all(rq, json_object_get(steps, "items"), "step", "step");
		json_object_set(data, "relocation", steps);
	}
	if (plots_get(cx, household_id, &plots) == OUT_OK) {
		label_all(rq, json_object_get(plots, "items"), "kind", "plot");
		label_all(rq, json_object_get(plots, "items"), "use", "use");
		json_object_set(data, "plots", json_object_get(plots, "items"));
	}
	if (visits_list(cx, household_id, &visits) == OUT_OK) {
		label_all(rq, json_object_get(visits, "items"), "kind", "visit");
		json_object_set(data, "visits", json_object_get(visits, "items"));
	}
	json_t *needs = NULL;
	if (ledger_list(cx, &needs_ledger, household_id, &needs) == OUT_OK) {
		page_need_rows(rq, json_object_get(needs, "items"));
		json_object_set(data, "needs", json_object_get(needs, "items"));
	}
	json_decref(steps);
	json_decref(plots);
	json_decref(visits);
	json_decref(needs);
}
