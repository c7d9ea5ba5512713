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
#include "domain/jobs.h"
#include "domain/trainings.h"
#include "domain/guarantees.h"
#include "domain/plots.h"
#include "domain/steps.h"
#include "domain/visits.h"
#include "domain/household.h"
#include "domain/person.h"
#include "web/page.h"
#include "core/date.h"

/* kinds: 't' text, 'd' date, 'i' whole number, 'r' number, 'b' yes/no, 's' a code list,
 * 'e' one of the household's archive items (evidence) */
struct form_field {
	const char *name, *label_key;
	char kind;
	const char *const *options;
	const char *prefix;	/* catalogue prefix of the options' words */
};

struct ledger_form {
	const char *heading_key;
	enum { OWNER_PERSON, OWNER_HOUSEHOLD, OWNER_JOB } owner;	/* what the id in the path is */
	const struct form_field *fields;
	/* what a posted form does: the ledger's append or replacing write (ledger), or a
	 * change of one row under the ETag the form carries (patch) */
	const struct ledger *ledger;
	enum outcome (*patch)(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			      json_t **out);
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

/* <option>s of a configurable catalogue (a need's categories): the active entries, named
 * in the page's language. */
static json_t *choice_options(struct request *rq, enum outcome (*choices)(struct ctx *cx, json_t **out),
			      const char *selected)
{
	json_t *out = NULL, *arr = json_array(), *c;
	size_t i;
	if (choices(&rq->cx, &out) != OUT_OK)
		return arr;
	json_array_foreach(json_object_get(out, "items"), i, c) {
		const char *code = json_string_value(json_object_get(c, "code"));
		if (json_is_true(json_object_get(c, "active")) || strcmp(code, selected) == 0)
			json_array_append_new(arr, json_pack("{s:s, s:O, s:b}", "value", code, "label",
				json_object_get(c, rq->lang == LANG_EN ? "name_en" : "name_zh"),
				"selected", strcmp(code, selected) == 0));
	}
	json_decref(out);
	return arr;
}

/* The descriptor's catalogue of a field, if it has one. */
static enum outcome (*choices_of(const struct ledger_form *lf, const char *name))(struct ctx *, json_t **)
{
	for (const struct ledger_field *f = lf->ledger ? lf->ledger->fields : NULL; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f->choices;
	return NULL;
}

/* The descriptor's field of a name when it is one of the household's records. */
static const struct ledger_field *records_of(const struct ledger_form *lf, const char *name)
{
	for (const struct ledger_field *f = lf->ledger ? lf->ledger->fields : NULL; f && f->name; f++)
		if (strcmp(f->name, name) == 0 && f->records)
			return f;
	return NULL;
}

/* A household record's form value: its source and id ("visit:12"), since ids of
 * different kinds of record may be the same number. */
static const char *record_value(struct request *rq, json_t *r)
{
	return arena_printf(&rq->arena, "%s:%lld", json_string_value(json_object_get(r, "source")),
			    (long long)json_integer_value(json_object_get(r, "id")));
}

/* The household's records a field may name (NULL when they cannot be read). */
static json_t *records_read(struct request *rq, const struct ledger_field *lfd)
{
	json_t *out = NULL;
	if (lfd->records(&rq->cx, rq->ids[0], &out) != OUT_OK) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* <option>s of the household's records: day, kind and a few words of each. A value sent
 * that is none of them stays chosen, named as such, beside its field error. */
static json_t *record_options(struct request *rq, const struct ledger_field *lfd, const char *selected)
{
	json_t *arr = json_array(), *out = records_read(rq, lfd), *r;
	size_t i;
	bool found = false;
	json_array_foreach(json_object_get(out, "items"), i, r) {
		const char *value = record_value(rq, r);
		const char *source = json_string_value(json_object_get(r, "source"));
		const char *name = json_string_value(json_object_get(r, rq->lang == LANG_EN ? "name_en" : "name_zh"));
		const char *text = json_string_value(json_object_get(r, "text"));
		const char *label = arena_printf(&rq->arena, "%s · %s%s%s%s%s",
			json_string_value(json_object_get(r, "date")),
			msg_get(rq->lang, arena_printf(&rq->arena, "need_source_%s", source)),
			name ? " · " : "", name ? name : "", text && *text ? " · " : "", text ? text : "");
		found |= strcmp(value, selected) == 0;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", value, "label", label,
						     "selected", strcmp(value, selected) == 0));
	}
	if (*selected && !found)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", selected, "label",
			arena_printf(&rq->arena, "%s (%s)", msg_get(rq->lang, "need_source_not_of_household"),
				     selected), "selected", true));
	json_decref(out);
	return arr;
}

/* A chosen record into the body: its id in the field, its source in the field that says
 * the kind. False, with the field's error, when the value is none of the household's
 * records, or when the kind was chosen too and is another (source_not_the_record, on the
 * kind's field: a need said to come from a petition is not stored as a visit's because a
 * visit was picked). A kind left empty is the record's. */
static bool records_into_body(struct request *rq, const struct ledger_form *lf, json_t *form,
			      json_t *body)
{
	bool ok = true;
	for (const struct form_field *f = lf->fields; f->name; f++) {
		const struct ledger_field *lfd = records_of(lf, f->name);
		const char *v = page_form_value(form, f->name);
		if (!lfd || !*v)
			continue;
		json_t *out = records_read(rq, lfd), *r, *chosen = NULL;
		size_t i;
		json_array_foreach(json_object_get(out, "items"), i, r)
			if (strcmp(record_value(rq, r), v) == 0)
				chosen = r;
		const char *kind = page_form_value(form, lfd->records_kind);
		if (chosen && *kind && strcmp(kind, json_string_value(json_object_get(chosen,
								      "source"))) != 0) {
			verrors_add(&rq->errs, lfd->records_kind, "source_not_the_record");
			ok = false;
		} else if (chosen) {
			json_object_set(body, f->name, json_object_get(chosen, "id"));
			json_object_set(body, lfd->records_kind, json_object_get(chosen, "source"));
		} else {
			verrors_add(&rq->errs, f->name, "unknown_source");
			ok = false;
		}
		json_decref(out);
	}
	return ok;
}

static json_t *form_fields_of(struct request *rq, const struct ledger_form *lf, json_t *values)
{
	json_t *fields = json_array(), *items = NULL;
	struct item_filter filter = {.household_id = rq->ids[0], .limit = 500};
	for (const struct form_field *f = lf->fields; f->name; f++) {
		const char *v = page_form_value(values, f->name);
		enum outcome (*choices)(struct ctx *, json_t **) = choices_of(lf, f->name);
		const struct ledger_field *records = records_of(lf, f->name);
		json_t *fd = json_pack("{s:s, s:s, s:s, s:b}", "name", f->name, "label",
				       msg_get(rq->lang, f->label_key), "value", v,
				       "select", f->kind == 's' || f->kind == 'b' || f->kind == 'e'
				       || choices || records);
		json_object_set_new(fd, "error", page_json_text_or_null(page_field_error(rq, f->name)));
		if (!records)
			page_field_input(fd, f->kind);
		if (records)
			json_object_set_new(fd, "options", record_options(rq, records, v));
		else if (f->kind == 's')
			json_object_set_new(fd, "options", page_code_options(rq, f->options, f->prefix, v));
		else if (f->kind == 'b')
			json_object_set_new(fd, "options", page_code_options(rq, yes_no, "answer", v));
		else if (choices)
			json_object_set_new(fd, "options", choice_options(rq, choices, v));
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
			json_t *values, const char *subject, const char *failed_key)
{
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:o}", "heading",
		msg_get(rq->lang, lf->heading_key), "home", home_of(rq, lf), "subject", subject,
		"action", rq->path, "fields", form_fields_of(rq, lf, values));
	if (*page_form_value(values, "etag"))	/* a change of one row: under its ETag */
		json_object_set_new(data, "etag", json_string(page_form_value(values, "etag")));
	if (failed_key)
		json_object_set_new(data, "failed", json_string(msg_get(rq->lang, failed_key)));
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
	for (const struct form_field *f = lf->fields; f->name; f++) {
		json_t *v = typed(f->kind, page_form_value(form, f->name));
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
		page_outcome(rq, OUT_NOT_FOUND);
	else
		ledger_page(rq, lf, 200, initial, subject, NULL);
	json_decref(initial);
}

static void ledger_post(struct request *rq, const struct ledger_form *lf)
{
	page_lang(rq);
	json_t *f = page_form(rq), *out = NULL;
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	const char *subject = subject_of(rq, lf);
	if (!subject) {
		json_decref(f);
		page_outcome(rq, OUT_NOT_FOUND);
		return;
	}
	/* a new row is appended; a change (a row's, a set's, a record's) is made under the
	 * ETag the form carries, so what changed meanwhile is refused (412), not overwritten */
	json_t *body = lf->body ? lf->body(f) : default_body(lf, f);
	const char *etag = page_form_value(f, "etag");
	enum outcome res = !records_into_body(rq, lf, f, body) ? OUT_INVALID : lf->patch ? lf->patch(&rq->cx, rq->ids[0], etag, body, &out)
		: lf->ledger->shape == LEDGER_ROWS ? ledger_append(&rq->cx, lf->ledger, rq->ids[0], body, &out)
		: ledger_replace(&rq->cx, lf->ledger, rq->ids[0], *etag ? etag : NULL, body, &out);
	json_decref(body);
	json_decref(out);
	if (res == OUT_OK) {	/* back home, which says what was saved */
		page_saved(rq, home_of(rq, lf), lf->ledger ? lf->ledger->entity : "record");
	} else if (res == OUT_INVALID || res == OUT_PRECONDITION_FAILED) {
		for (int i = 0; lf->field_of && i < rq->errs.n; i++) {
			const char *to = lf->field_of(rq, rq->errs.items[i].field);
			if (to)
				rq->errs.items[i].field = to;
		}
		ledger_page(rq, lf, outcome_status(res), f, subject,
			    res == OUT_PRECONDITION_FAILED ? "problem_precondition_failed"
			    : "form_has_errors");
	} else {
		page_outcome(rq, res);
	}
	json_decref(f);
}

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
	ledger_get(rq, lf, rows_initial(rq, l));
}

void page_ledger_create(struct request *rq)
{
	const struct ledger_form *lf = descriptor_form(rq, path_ledger(rq));
	if (!lf) {
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	ledger_post(rq, lf);
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
	ledger_get(rq, &job_end_form, form);
}

void page_job_end_post(struct request *rq) { ledger_post(rq, &job_end_form); }

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
			json_t *v = typed(kinds[p], page_form_value(form, key));
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
			json_t *v = typed(p == 3 ? 'i' : 't', page_form_value(form, key));
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
	ledger_get(rq, lf, initial);
}

void page_ledger_update(struct request *rq)
{
	const struct ledger_form *lf = whole_form(rq, NULL);
	if (!lf) {
		page_outcome(rq, OUT_INTERNAL);
		return;
	}
	ledger_post(rq, lf);
}
