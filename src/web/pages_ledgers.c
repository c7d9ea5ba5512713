/*
 * pages_ledgers: the forms of the follow-up ledgers — a person's jobs, trainings,
 * guarantees, schooling and family doctor; a household's visits, plots and relocation
 * steps; a job's end. Each is a table of fields over the shared form of
 * pages_ledger_form.c: a ledger's descriptor makes its form by itself, a set (plots,
 * steps) or a job's end brings its own fields and body.
 */
#include <stdio.h>
#include <string.h>

#include "domain/jobs.h"
#include "domain/plots.h"
#include "domain/steps.h"
#include "domain/household.h"
#include "web/page.h"
#include "web/pages_ledger_form.h"
#include "core/date.h"

/* ---------------------------------------------------------------- forms from descriptors */

/* A ledger's form from its descriptor: the fields that have a label (a new row of a ledger
 * kept as rows, or a one-record ledger's record). The fields live in the request's arena. */
static const struct ledger_form *descriptor_form(struct request *rq, const struct ledger *l)
{
	int n = 0;
	for (const struct ledger_field *f = l->fields; f->name; f++)
		n++;
	struct form_field *fields = arena_alloc(&rq->arena, sizeof(*fields) * (size_t)(n + 1));
	struct ledger_form *lf = arena_alloc(&rq->arena, sizeof(*lf));
	if (!fields || !lf)
		return NULL;
	n = 0;
	for (const struct ledger_field *f = l->fields; f->name; f++)
		if (f->label_key)
			fields[n++] = (struct form_field){f->name, f->label_key, f->kind, f->options,
							  f->option_prefix};
	fields[n] = (struct form_field){NULL, NULL, 0, NULL, NULL};
	*lf = (struct ledger_form){
		.heading_key = arena_printf(&rq->arena, l->shape == LEDGER_ROWS ? "add_%s" : "edit_%s",
					    l->entity),
		.owner = l->owner == LEDGER_OF_PERSON ? OWNER_PERSON : OWNER_HOUSEHOLD,
		.fields = fields, .ledger = l};
	return lf;
}

/* A new row's form starts with its fields' initial values. */
/* A new row's form: each field's initial value; the row's own day ("date", a day
 * something was done: a visit's) is today, the county's. */
static json_t *rows_initial(struct request *rq, const struct ledger *l)
{
	json_t *form = json_object();
	char today[11];
	date_format(rq->cx.today, today);
	for (const struct ledger_field *f = l->fields; f->name; f++)
		if (f->initial)
			json_object_set_new(form, f->name, json_string(f->initial));
		else if (f->kind == 'd' && f->when == DATE_PAST && strcmp(f->name, "date") == 0)
			json_object_set_new(form, f->name, json_string(today));
	return form;
}

static const struct ledger *path_ledger(struct request *rq)
{
	return ledger_find(rq->key, strncmp(rq->path, "/persons/", 9) == 0 ? LEDGER_OF_PERSON
			   : LEDGER_OF_HOUSEHOLD);
}

void page_ledger_new(struct request *rq)
{
	const struct ledger *l = path_ledger(rq);
	const struct ledger_form *lf = descriptor_form(rq, l);
	if (!lf) {
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	page_ledger_form_get(rq, lf, rows_initial(rq, l));
}

void page_ledger_create(struct request *rq)
{
	const struct ledger_form *lf = descriptor_form(rq, path_ledger(rq));
	if (!lf) {
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	page_ledger_form_post(rq, lf);
}

/* ---------------------------------------------------------------- a job's end */

/* Ending a job (or correcting its income or main flag): the job's history stays. */
static const struct form_field job_end_fields[] = {
	{"end_date", "field_end_date", 'd', NULL, NULL},
	{"monthly_income", "field_monthly_income", 'i', NULL, NULL},
	{NULL, NULL, 0, NULL, NULL},
};
static const struct ledger_form job_end_form = {"end_job", OWNER_JOB, job_end_fields, &jobs_ledger,
						jobs_patch, NULL, NULL};

/* The form carries the job's ETag, so a change made meanwhile is not overwritten. */
void page_job_end(struct request *rq)
{
	json_t *job = NULL, *form = json_object();
	char etag[48];
	if (ledger_row(&rq->cx, &jobs_ledger, rq->ids[0], &job) == OUT_OK) {
		ledger_row_etag(job, etag);
		json_object_set_new(form, "etag", json_string(etag));
	}
	json_decref(job);
	page_ledger_form_get(rq, &job_end_form, form);
}

void page_job_end_post(struct request *rq) { page_ledger_form_post(rq, &job_end_form); }

/* ---------------------------------------------------------------- a household's ledgers */

/* Plots: one row of fields per kind, sent as the API's array in kind order. */
static const struct form_field plot_fields[] = {
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
		if (!*page_form_value(form, key))
			continue;	/* a kind left empty: the household has no such plot */
		json_t *one = json_pack("{s:s}", "kind", plots_kinds[k]);
		for (int p = 0; p < 3; p++) {
			snprintf(key, sizeof(key), "%s_%s", plots_kinds[k], parts[p]);
			json_t *v = page_ledger_form_typed(kinds[p], page_form_value(form, key));
			if (v)
				json_object_set_new(one, parts[p], v);
		}
		json_array_append_new(plots, one);
		plot_order[n++] = k;
	}
	return json_pack("{s:o}", "items", plots);
}

static const char *plot_field_of(struct request *rq, const char *api_field)
{
	unsigned idx;
	char part[32];
	if (sscanf(api_field, "items[%u].%31s", &idx, part) != 2 || idx > 2)
		return strcmp(api_field, "items") == 0 ? "contracted_area_mu" : NULL;
	if (strcmp(part, "kind") == 0)
		snprintf(part, sizeof(part), "area_mu");
	return arena_printf(&rq->arena, "%s_%s", plots_kinds[plot_order[idx]], part);
}

static const struct ledger_form plots_form = {"edit_plots", OWNER_HOUSEHOLD, plot_fields,
					      &plots_ledger, NULL, plots_body, plot_field_of};

static void plots_initial(struct request *rq, json_t *cur, json_t *form)
{
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(cur, "items"), i, p) {
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
}


/* Steps: who answers for the household, then a due date, done date and doer per step. */
static const struct form_field step_fields[] = {
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
		if (*page_form_value(form, keys[i]))
			json_object_set_new(body, keys[i], json_string(page_form_value(form, keys[i])));
	int n = 0;
	for (int k = 0; steps_names[k]; k++) {
		static const char *const parts[] = {"due_date", "done_date", "done_by", "evidence_item_id"};
		json_t *one = json_pack("{s:s}", "step", steps_names[k]);
		for (int p = 0; p < 4; p++) {
			char key[64];
			snprintf(key, sizeof(key), "%s_%s", steps_names[k], parts[p]);
			json_t *v = page_ledger_form_typed(p == 3 ? 'i' : 't', page_form_value(form, key));
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
	json_object_set_new(body, "items", steps);
	return body;
}

static const char *step_field_of(struct request *rq, const char *api_field)
{
	unsigned idx;
	char part[32];
	if (strncmp(api_field, "steps.", 6) == 0)	/* order errors name the step */
		return arena_printf(&rq->arena, "%s_done_date", api_field + 6);
	if (sscanf(api_field, "items[%u].%31s", &idx, part) != 2 || idx > 4)
		return NULL;
	if (strcmp(part, "step") == 0)
		snprintf(part, sizeof(part), "done_date");
	return arena_printf(&rq->arena, "%s_%s", steps_names[step_order[idx]], part);
}

static const struct ledger_form steps_form = {"edit_steps", OWNER_HOUSEHOLD, step_fields,
					      &steps_ledger, NULL, steps_body, step_field_of};

static void steps_initial(struct request *rq, json_t *cur, json_t *form)
{
	json_t *s;
	size_t i;
	static const char *const keys[] = {"responsible_person", "responsible_phone",
		"village_command", "town_command", NULL};
	for (int k = 0; keys[k]; k++)
		if (json_is_string(json_object_get(cur, keys[k])))
			json_object_set(form, keys[k], json_object_get(cur, keys[k]));
	json_array_foreach(json_object_get(cur, "items"), i, s) {
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
}

/* ---------------------------------------------------------------- whole ledgers */

/* The ledgers replaced as a whole: a set's form is its own (a set is many rows, not one row
 * of fields: above), a one-record ledger's is its descriptor's (descriptor_form). Both
 * carry the ETag of the ledger as its GET answers, for ledger_replace's If-Match. The page
 * rows answer exactly these names (page_key_*_whole), so a ledger without a form has no
 * page, only its API. */
static const struct whole_ledger {
	const struct ledger *ledger;
	const struct ledger_form *form;
	void (*initial)(struct request *rq, json_t *cur, json_t *form);
} set_forms[] = {
	{&plots_ledger, &plots_form, plots_initial},
	{&steps_ledger, &steps_form, steps_initial},
	{NULL, NULL, NULL},
};

static const struct whole_ledger *set_form_of(const struct ledger *l)
{
	for (const struct whole_ledger *w = set_forms; l && w->ledger; w++)
		if (w->ledger == l)
			return w;
	return NULL;
}

static bool has_whole_form(const struct ledger *l)
{
	return l && (set_form_of(l) || (l->shape == LEDGER_ONE && l->fields));
}

bool page_key_household_whole(const char *key)
{
	return has_whole_form(ledger_find(key, LEDGER_OF_HOUSEHOLD));
}

bool page_key_person_whole(const char *key)
{
	return has_whole_form(ledger_find(key, LEDGER_OF_PERSON));
}

/* A one-record ledger's form filled from its record. */
static void one_initial(struct request *rq, const struct ledger *l, json_t *cur, json_t *form)
{
	json_t *rec = json_array_get(json_object_get(cur, "items"), 0);
	for (const struct ledger_field *f = l->fields; f->name; f++) {
		json_t *v = json_object_get(rec, f->name);
		if (json_is_string(v))
			json_object_set(form, f->name, v);
		else if (json_is_boolean(v))
			json_object_set_new(form, f->name, json_string(json_is_true(v) ? "true" : "false"));
		else if (json_is_integer(v))
			json_object_set_new(form, f->name, json_string(arena_printf(&rq->arena, "%lld",
				(long long)json_integer_value(v))));
		else if (json_is_real(v))
			json_object_set_new(form, f->name, json_string(arena_printf(&rq->arena, "%g",
				json_real_value(v))));
	}
}

/* The form of the path's ledger (the row's key_ok found it); with `initial`, its current
 * values and ETag. */
static const struct ledger_form *whole_form(struct request *rq, json_t **initial)
{
	const struct ledger *l = path_ledger(rq);
	const struct whole_ledger *w = set_form_of(l);
	const struct ledger_form *lf = w ? w->form : descriptor_form(rq, l);
	json_t *cur = NULL;
	if (!initial)
		return lf;
	*initial = json_object();
	if (lf && ledger_list(&rq->cx, l, rq->ids[0], &cur) == OUT_OK) {
		char etag[48];
		if (w)
			w->initial(rq, cur, *initial);
		else
			one_initial(rq, l, cur, *initial);
		ledger_whole_etag(cur, etag);
		json_object_set_new(*initial, "etag", json_string(etag));
	}
	json_decref(cur);
	return lf;
}

void page_ledger_edit(struct request *rq)
{
	json_t *initial;
	const struct ledger_form *lf = whole_form(rq, &initial);
	if (!lf) {
		json_decref(initial);
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	page_ledger_form_get(rq, lf, initial);
}

void page_ledger_update(struct request *rq)
{
	const struct ledger_form *lf = whole_form(rq, NULL);
	if (!lf) {
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	page_ledger_form_post(rq, lf);
}
