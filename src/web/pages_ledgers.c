/*
 * pages_ledgers: the forms of the follow-up ledgers — a person's jobs, trainings,
 * guarantees, schooling and family doctor; a household's visits, plots and relocation
 * steps. Each form is a table of fields; a posted form becomes the same JSON the API
 * takes and goes through the same domain call, so the checks are the API's. An error
 * brings the form back with every value kept and each message beside its field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/archive.h"
#include "domain/employers.h"
#include "domain/jobs.h"
#include "domain/trainings.h"
#include "domain/family_doctor.h"
#include "domain/guarantees.h"
#include "domain/schooling.h"
#include "domain/plots.h"
#include "domain/steps.h"
#include "domain/visits.h"
#include "domain/household.h"
#include "domain/person.h"
#include "web/page.h"

/* kinds: 't' text, 'd' date, 'i' whole number, 'r' number, 'b' yes/no, 's' a code list,
 * 'e' one of the household's archive items (evidence) */
struct ledger_field {
	const char *name, *label_key;
	char kind;
	const char *const *options;
	const char *prefix;	/* catalogue prefix of the options' words */
};

struct ledger_form {
	const char *heading_key;
	enum { OWNER_PERSON, OWNER_HOUSEHOLD, OWNER_JOB } owner;	/* what the id in the path is */
	const struct ledger_field *fields;
	enum outcome (*op)(struct ctx *cx, int64_t id, json_t *body, json_t **out);
	/* turns the form into the API's body; NULL: one key per field */
	json_t *(*body)(json_t *form);
	/* the form field an API error field belongs to; NULL: the same name */
	const char *(*field_of)(struct request *rq, const char *api_field);
};

static const char *const yes_no[] = {"true", "false", NULL};

/* <option>s for the household's active archive items, by reference code and title. */
static json_t *item_options(struct request *rq, json_t *items, const char *selected)
{
	json_t *arr = json_array(), *it;
	size_t i;
	json_array_foreach(json_object_get(items, "items"), i, it) {
		if (strcmp(json_string_value(json_object_get(it, "status")), "active") != 0)
			continue;
		const char *value = arena_printf(&rq->arena, "%lld",
			(long long)json_integer_value(json_object_get(it, "id")));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", value, "label",
			arena_printf(&rq->arena, "%s %s", json_string_value(json_object_get(it, "reference_code")),
				     json_string_value(json_object_get(it, "title"))),
			"selected", strcmp(value, selected) == 0));
	}
	return arr;
}

static json_t *form_fields_of(struct request *rq, const struct ledger_form *lf, json_t *values)
{
	json_t *fields = json_array(), *items = NULL;
	struct item_filter filter = {.household_id = rq->ids[0], .limit = 500};
	for (const struct ledger_field *f = lf->fields; f->name; f++) {
		const char *v = form_value(values, f->name);
		json_t *fd = json_pack("{s:s, s:s, s:s, s:b}", "name", f->name, "label",
				       msg_get(rq->lang, f->label_key), "value", v,
				       "select", f->kind == 's' || f->kind == 'b' || f->kind == 'e');
		json_object_set_new(fd, "error", json_text_or_null(page_field_error(rq, f->name)));
		if (f->kind == 's')
			json_object_set_new(fd, "options", page_code_options(rq, f->options, f->prefix, v));
		else if (f->kind == 'b')
			json_object_set_new(fd, "options", page_code_options(rq, yes_no, "answer", v));
		else if (f->kind == 'e') {
			if (!items && archive_item_list(&rq->cx, &filter, &items) != OUT_OK)
				items = json_object();
			json_object_set_new(fd, "options", item_options(rq, items, v));
		}
		json_array_append_new(fields, fd);
	}
	json_decref(items);
	return fields;
}

/* The page a form returns to: the household's or the person's (a job's person's). */
static const char *home_of(struct request *rq, const struct ledger_form *lf)
{
	int64_t id = lf->owner == OWNER_JOB ? jobs_person_id(&rq->cx, rq->ids[0]) : rq->ids[0];
	return arena_printf(&rq->arena, lf->owner == OWNER_HOUSEHOLD ? "/households/%lld"
			    : "/persons/%lld", (long long)id);
}

static void ledger_page(struct request *rq, const struct ledger_form *lf, unsigned status,
			json_t *values, const char *subject)
{
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:o}", "heading",
		msg_get(rq->lang, lf->heading_key), "home", home_of(rq, lf), "subject", subject,
		"action", rq->path, "fields", form_fields_of(rq, lf, values));
	if (status != 200)
		json_object_set_new(data, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	page_render(rq, status, "record_edit", lf->heading_key, data);
}

/* The household's number or the person's name, when visible; NULL otherwise. */
static char *subject_of(struct request *rq, const struct ledger_form *lf)
{
	json_t *o = NULL;
	if (lf->owner == OWNER_HOUSEHOLD)
		household_get(&rq->cx, rq->ids[0], &o);
	else if (lf->owner == OWNER_PERSON)
		o = person_load(&rq->cx, rq->ids[0]);
	else if (jobs_person_id(&rq->cx, rq->ids[0]))
		o = person_load(&rq->cx, jobs_person_id(&rq->cx, rq->ids[0]));
	if (!o)
		return NULL;
	char *s = arena_strdup(&rq->arena, json_string_value(json_object_get(o,
		lf->owner == OWNER_HOUSEHOLD ? "number" : "name")));
	json_decref(o);
	return s;
}

/* A form's text as the JSON the API takes; NULL for an empty field. Text that is not a
 * number stays text, so the API reports it as the wrong type. */
static json_t *typed(char kind, const char *v)
{
	char *end;
	if (!*v)
		return NULL;
	if (kind == 'i') {
		long long n = strtoll(v, &end, 10);
		return *end ? json_string(v) : json_integer(n);
	}
	if (kind == 'r') {
		double d = strtod(v, &end);
		return *end ? json_string(v) : json_real(d);
	}
	if (kind == 'b')
		return json_boolean(strcmp(v, "true") == 0);
	return json_string(v);
}

static json_t *default_body(const struct ledger_form *lf, json_t *form)
{
	json_t *body = json_object();
	for (const struct ledger_field *f = lf->fields; f->name; f++) {
		json_t *v = typed(f->kind, form_value(form, f->name));
		if (v)
			json_object_set_new(body, f->name, v);
	}
	return body;
}

static void ledger_get(struct request *rq, const struct ledger_form *lf, json_t *initial)
{
	page_lang(rq);
	const char *subject = subject_of(rq, lf);
	if (!subject)
		page_error(rq, 404, "problem_not_found");
	else if (!role_can_edit_registry(rq->actor.role))
		page_error(rq, 403, "problem_forbidden");
	else
		ledger_page(rq, lf, 200, initial, subject);
	json_decref(initial);
}

static void ledger_post(struct request *rq, const struct ledger_form *lf)
{
	page_lang(rq);
	json_t *f = page_form(rq), *out = NULL;
	if (!f) {	/* not UTF-8 text */
		page_error(rq, 400, "problem_bad_request");
		return;
	}
	const char *subject = subject_of(rq, lf);
	if (!subject) {
		json_decref(f);
		page_error(rq, 404, "problem_not_found");
		return;
	}
	json_t *body = lf->body ? lf->body(f) : default_body(lf, f);
	enum outcome res = lf->op(&rq->cx, rq->ids[0], body, &out);
	json_decref(body);
	json_decref(out);
	if (res == OUT_OK) {
		page_redirect(rq, home_of(rq, lf));
	} else if (res == OUT_INVALID) {
		for (int i = 0; lf->field_of && i < rq->errs.n; i++) {
			const char *to = lf->field_of(rq, rq->errs.items[i].field);
			if (to)
				rq->errs.items[i].field = to;
		}
		ledger_page(rq, lf, 422, f, subject);
	} else {
		page_outcome(rq, res);
	}
	json_decref(f);
}

/* ---------------------------------------------------------------- a person's volume */

static const struct ledger_field job_fields[] = {
	{"type", "field_job_type", 's', jobs_types, "job"},
	{"employer", "field_employer", 't', NULL, NULL},
	{"start_date", "field_start_date", 'd', NULL, NULL},
	{"end_date", "field_end_date", 'd', NULL, NULL},
	{"monthly_income", "field_monthly_income", 'i', NULL, NULL},
	{"main", "field_main_job", 'b', NULL, NULL},
	{NULL, NULL, 0, NULL, NULL},
};
static const struct ledger_form job_form = {"add_job", OWNER_PERSON, job_fields, jobs_create, NULL, NULL};

static const struct ledger_field training_fields[] = {
	{"type", "field_training_type", 's', trainings_types, "training"},
	{"course", "field_course", 't', NULL, NULL},
	{"hours", "field_hours", 'r', NULL, NULL},
	{"start_date", "field_start_date", 'd', NULL, NULL},
	{"end_date", "field_end_date", 'd', NULL, NULL},
	{"certificate", "field_certificate", 't', NULL, NULL},
	{NULL, NULL, 0, NULL, NULL},
};
static const struct ledger_form training_form = {"add_training", OWNER_PERSON, training_fields,
						 trainings_create, NULL, NULL};

static const struct ledger_field guarantee_fields[] = {
	{"kind", "field_guarantee_kind", 's', guarantees_kinds, "guarantee"},
	{"status", "field_status", 's', guarantees_statuses, "gstatus"},
	{"start_date", "field_start_date", 'd', NULL, NULL},
	{"end_date", "field_end_date", 'd', NULL, NULL},
	{"note", "field_note", 't', NULL, NULL},
	{NULL, NULL, 0, NULL, NULL},
};
static const struct ledger_form guarantee_form = {"add_guarantee", OWNER_PERSON, guarantee_fields,
						  guarantees_create, NULL, NULL};

static const char *const school_statuses[] = {"enrolled", "not_enrolled", NULL};
static const struct ledger_field schooling_fields[] = {
	{"status", "field_status", 's', school_statuses, "school"},
	{"school", "field_school", 't', NULL, NULL},
	{"grade", "field_grade", 't', NULL, NULL},
	{"reason", "field_reason", 't', NULL, NULL},
	{NULL, NULL, 0, NULL, NULL},
};
static const struct ledger_form schooling_form = {"edit_schooling", OWNER_PERSON, schooling_fields,
						  schooling_put, NULL, NULL};

static const struct ledger_field doctor_fields[] = {
	{"signed", "field_doctor_signed", 'b', NULL, NULL},
	{"date", "field_date", 'd', NULL, NULL},
	{"doctor", "field_doctor", 't', NULL, NULL},
	{NULL, NULL, 0, NULL, NULL},
};
static const struct ledger_form doctor_form = {"edit_family_doctor", OWNER_PERSON, doctor_fields,
					       family_doctor_put, NULL, NULL};

/* Ending a job (or correcting its income or main flag): the job's history stays. */
static const struct ledger_field job_end_fields[] = {
	{"end_date", "field_end_date", 'd', NULL, NULL},
	{"monthly_income", "field_monthly_income", 'i', NULL, NULL},
	{NULL, NULL, 0, NULL, NULL},
};
static const struct ledger_form job_end_form = {"end_job", OWNER_JOB, job_end_fields, jobs_patch,
						NULL, NULL};

void page_job_end(struct request *rq) { ledger_get(rq, &job_end_form, json_object()); }
void page_job_end_post(struct request *rq) { ledger_post(rq, &job_end_form); }

void page_job_new(struct request *rq) { ledger_get(rq, &job_form, json_pack("{s:s}", "main", "true")); }
void page_job_create(struct request *rq) { ledger_post(rq, &job_form); }
void page_training_new(struct request *rq) { ledger_get(rq, &training_form, json_object()); }
void page_training_create(struct request *rq) { ledger_post(rq, &training_form); }
void page_guarantee_new(struct request *rq) { ledger_get(rq, &guarantee_form, json_object()); }
void page_guarantee_create(struct request *rq) { ledger_post(rq, &guarantee_form); }
void page_schooling_edit(struct request *rq) { ledger_get(rq, &schooling_form, json_object()); }
void page_schooling_update(struct request *rq) { ledger_post(rq, &schooling_form); }
void page_doctor_edit(struct request *rq) { ledger_get(rq, &doctor_form, json_object()); }
void page_doctor_update(struct request *rq) { ledger_post(rq, &doctor_form); }

/* ---------------------------------------------------------------- a household's ledgers */

static const struct ledger_field visit_fields[] = {
	{"date", "field_date", 'd', NULL, NULL},
	{"kind", "field_visit_kind", 's', visits_kinds, "visit"},
	{"visitor", "field_visitor", 't', NULL, NULL},
	{"found", "field_found", 't', NULL, NULL},
	{NULL, NULL, 0, NULL, NULL},
};
static const struct ledger_form visit_form = {"add_visit", OWNER_HOUSEHOLD, visit_fields, visits_create,
					      NULL, NULL};

/* Plots: one row of fields per kind, sent as the API's array in kind order. */
static const struct ledger_field plot_fields[] = {
	{"contracted_area_mu", "field_contracted_area", 'r', NULL, NULL},
	{"contracted_use", "field_contracted_use", 's', plots_uses, "use"},
	{"contracted_annual_income", "field_contracted_income", 'i', NULL, NULL},
	{"forest_area_mu", "field_forest_area", 'r', NULL, NULL},
	{"forest_use", "field_forest_use", 's', plots_uses, "use"},
	{"forest_annual_income", "field_forest_income", 'i', NULL, NULL},
	{"homestead_area_mu", "field_homestead_area", 'r', NULL, NULL},
	{"homestead_use", "field_homestead_use", 's', plots_uses, "use"},
	{"homestead_annual_income", "field_homestead_income", 'i', NULL, NULL},
	{NULL, NULL, 0, NULL, NULL},
};

/* The kinds in the order they went into the last body, for mapping errors back. */
static _Thread_local int plot_order[3];

static json_t *plots_body(json_t *form)
{
	static const char *const parts[] = {"area_mu", "use", "annual_income"};
	static const char kinds[] = {'r', 't', 'i'};
	json_t *plots = json_array();
	int n = 0;
	for (int k = 0; plots_kinds[k]; k++) {
		char key[48];
		snprintf(key, sizeof(key), "%s_area_mu", plots_kinds[k]);
		if (!*form_value(form, key))
			continue;	/* a kind left empty: the household has no such plot */
		json_t *one = json_pack("{s:s}", "kind", plots_kinds[k]);
		for (int p = 0; p < 3; p++) {
			snprintf(key, sizeof(key), "%s_%s", plots_kinds[k], parts[p]);
			json_t *v = typed(kinds[p], form_value(form, key));
			if (v)
				json_object_set_new(one, parts[p], v);
		}
		json_array_append_new(plots, one);
		plot_order[n++] = k;
	}
	return json_pack("{s:o}", "plots", plots);
}

static const char *plot_field_of(struct request *rq, const char *api_field)
{
	unsigned idx;
	char part[32];
	if (sscanf(api_field, "plots[%u].%31s", &idx, part) != 2 || idx > 2)
		return strcmp(api_field, "plots") == 0 ? "contracted_area_mu" : NULL;
	if (strcmp(part, "kind") == 0)
		snprintf(part, sizeof(part), "area_mu");
	return arena_printf(&rq->arena, "%s_%s", plots_kinds[plot_order[idx]], part);
}

static const struct ledger_form plots_form = {"edit_plots", OWNER_HOUSEHOLD, plot_fields, plots_put,
					      plots_body, plot_field_of};

static json_t *plots_initial(struct request *rq)
{
	json_t *cur = NULL, *p, *form = json_object();
	size_t i;
	if (plots_get(&rq->cx, rq->ids[0], &cur) != OUT_OK)
		return form;
	json_array_foreach(json_object_get(cur, "plots"), i, p) {
		const char *kind = json_string_value(json_object_get(p, "kind"));
		char key[48], v[32];
		snprintf(key, sizeof(key), "%s_area_mu", kind);
		snprintf(v, sizeof(v), "%g", json_number_value(json_object_get(p, "area_mu")));
		json_object_set_new(form, key, json_string(v));
		snprintf(key, sizeof(key), "%s_use", kind);
		json_object_set(form, key, json_object_get(p, "use"));
		if (json_is_integer(json_object_get(p, "annual_income"))) {
			snprintf(key, sizeof(key), "%s_annual_income", kind);
			snprintf(v, sizeof(v), "%lld", (long long)json_integer_value(json_object_get(p, "annual_income")));
			json_object_set_new(form, key, json_string(v));
		}
	}
	json_decref(cur);
	return form;
}

void page_visit_new(struct request *rq) { ledger_get(rq, &visit_form, json_object()); }
void page_visit_create(struct request *rq) { ledger_post(rq, &visit_form); }
void page_plots_edit(struct request *rq) { ledger_get(rq, &plots_form, plots_initial(rq)); }
void page_plots_update(struct request *rq) { ledger_post(rq, &plots_form); }

/* Steps: who answers for the household, then a due date, done date and doer per step. */
static const struct ledger_field step_fields[] = {
	{"responsible_person", "field_responsible_person", 't', NULL, NULL},
	{"responsible_phone", "field_responsible_phone", 't', NULL, NULL},
	{"village_command", "field_village_command", 't', NULL, NULL},
	{"town_command", "field_town_command", 't', NULL, NULL},
#define STEP(s) {s "_due_date", "step_" s "_due", 'd', NULL, NULL}, \
	{s "_done_date", "step_" s "_done", 'd', NULL, NULL}, {s "_done_by", "step_" s "_by", 't', NULL, NULL}, \
	{s "_evidence_item_id", "step_" s "_evidence", 'e', NULL, NULL}
	STEP("registration"), STEP("hukou_transfer"), STEP("moving"), STEP("move_in"),
	STEP("formalities"),
#undef STEP
	{NULL, NULL, 0, NULL, NULL},
};

static _Thread_local int step_order[5];

static json_t *steps_body(json_t *form)
{
	static const char *const keys[] = {"responsible_person", "responsible_phone",
		"village_command", "town_command", NULL};
	json_t *body = json_object(), *steps = json_array();
	for (int i = 0; keys[i]; i++)
		if (*form_value(form, keys[i]))
			json_object_set_new(body, keys[i], json_string(form_value(form, keys[i])));
	int n = 0;
	for (int k = 0; steps_names[k]; k++) {
		static const char *const parts[] = {"due_date", "done_date", "done_by", "evidence_item_id"};
		json_t *one = json_pack("{s:s}", "step", steps_names[k]);
		for (int p = 0; p < 4; p++) {
			char key[64];
			snprintf(key, sizeof(key), "%s_%s", steps_names[k], parts[p]);
			json_t *v = typed(p == 3 ? 'i' : 't', form_value(form, key));
			if (v)
				json_object_set_new(one, parts[p], v);
		}
		if (json_object_size(one) > 1) {
			json_array_append_new(steps, one);
			step_order[n++] = k;
		} else {
			json_decref(one);
		}
	}
	json_object_set_new(body, "steps", steps);
	return body;
}

static const char *step_field_of(struct request *rq, const char *api_field)
{
	unsigned idx;
	char part[32];
	if (strncmp(api_field, "steps.", 6) == 0)	/* order errors name the step */
		return arena_printf(&rq->arena, "%s_done_date", api_field + 6);
	if (sscanf(api_field, "steps[%u].%31s", &idx, part) != 2 || idx > 4)
		return NULL;
	if (strcmp(part, "step") == 0)
		snprintf(part, sizeof(part), "done_date");
	return arena_printf(&rq->arena, "%s_%s", steps_names[step_order[idx]], part);
}

static const struct ledger_form steps_form = {"edit_steps", OWNER_HOUSEHOLD, step_fields, steps_put,
					      steps_body, step_field_of};

static json_t *steps_initial(struct request *rq)
{
	json_t *cur = NULL, *s, *form = json_object();
	size_t i;
	if (steps_get(&rq->cx, rq->ids[0], &cur) != OUT_OK)
		return form;
	static const char *const keys[] = {"responsible_person", "responsible_phone",
		"village_command", "town_command", NULL};
	for (int k = 0; keys[k]; k++)
		if (json_is_string(json_object_get(cur, keys[k])))
			json_object_set(form, keys[k], json_object_get(cur, keys[k]));
	json_array_foreach(json_object_get(cur, "steps"), i, s) {
		static const char *const parts[] = {"due_date", "done_date", "done_by", "evidence_item_id"};
		for (int p = 0; p < 4; p++) {
			char key[64];
			json_t *v = json_object_get(s, parts[p]);
			snprintf(key, sizeof(key), "%s_%s", json_string_value(json_object_get(s, "step")), parts[p]);
			if (json_is_string(v))
				json_object_set(form, key, v);
			else if (json_is_integer(v))
				json_object_set_new(form, key, json_string(arena_printf(&rq->arena, "%lld",
					(long long)json_integer_value(v))));
		}
	}
	json_decref(cur);
	return form;
}

void page_steps_edit(struct request *rq) { ledger_get(rq, &steps_form, steps_initial(rq)); }
void page_steps_update(struct request *rq) { ledger_post(rq, &steps_form); }

/* ---------------------------------------------------------------- the employer register */

static void employers_page(struct request *rq, unsigned status, json_t *form)
{
	json_t *list = NULL, *e;
	size_t i;
	enum outcome got = employers_list(&rq->cx, &list);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	json_array_foreach(json_object_get(list, "items"), i, e)
		page_label(rq, e, "kind", "employer");
	json_t *fields = json_array(), *fd;
	static const char *const names[] = {"name", "kind", "community", NULL};
	static const char *const labels[] = {"field_employer", "field_employer_kind", "col_destination"};
	for (int k = 0; names[k]; k++) {
		const char *v = form_value(form, names[k]);
		fd = json_pack("{s:s, s:s, s:s, s:b}", "name", names[k], "label",
			       msg_get(rq->lang, labels[k]), "value", v, "select", k > 0);
		json_object_set_new(fd, "error", json_text_or_null(page_field_error(rq, names[k])));
		if (k == 1)
			json_object_set_new(fd, "options", page_code_options(rq, employers_kinds, "employer", v));
		else if (k == 2)
			json_object_set_new(fd, "options", page_place_options(rq, true, v));
		json_array_append_new(fields, fd);
	}
	json_object_set_new(list, "fields", fields);
	json_object_set_new(list, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	if (status != 200)
		json_object_set_new(list, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	page_render(rq, status, "employers", "nav_employers", list);
}

void page_employers(struct request *rq)
{
	page_lang(rq);
	json_t *form = json_object();
	employers_page(rq, 200, form);
	json_decref(form);
}

void page_employers_post(struct request *rq)
{
	page_lang(rq);
	json_t *f = page_form(rq), *out = NULL;
	if (!f) {	/* not UTF-8 text */
		page_error(rq, 400, "problem_bad_request");
		return;
	}
	json_t *body = json_object();
	static const char *const names[] = {"name", "kind", "community", NULL};
	for (int k = 0; names[k]; k++)
		if (*form_value(f, names[k]))
			json_object_set_new(body, names[k], json_string(form_value(f, names[k])));
	enum outcome res = employers_create(&rq->cx, body, &out);
	json_decref(body);
	json_decref(out);
	if (res == OUT_OK)
		page_redirect(rq, "/employers");
	else if (res == OUT_INVALID)
		employers_page(rq, 422, f);
	else
		page_outcome(rq, res);
	json_decref(f);
}
