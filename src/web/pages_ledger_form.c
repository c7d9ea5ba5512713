/*
 * pages_ledger_form: how a ledger's form is shown and taken, for every form of
 * pages_ledgers.c. A form is a table of fields (pages_ledger_form.h); a posted form
 * becomes the same JSON the API takes and goes through the same domain call, so the
 * checks are the API's. An error brings the form back with every value kept and each
 * message beside its field. A field that names one of the household's records is offered
 * as a list of them, never an id to type.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/archive.h"
#include "domain/jobs.h"
#include "domain/household.h"
#include "domain/person.h"
#include "web/page.h"
#include "web/pages_ledger_form.h"

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
json_t *page_ledger_form_typed(char kind, const char *v)
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
		json_t *v = page_ledger_form_typed(f->kind, page_form_value(form, f->name));
		if (v)
			json_object_set_new(body, f->name, v);
	}
	return body;
}

void page_ledger_form_get(struct request *rq, const struct ledger_form *lf, json_t *initial)
{
	page_lang(rq);
	const char *subject = subject_of(rq, lf);
	if (!subject)
		page_outcome(rq, OUT_NOT_FOUND);
	else
		ledger_page(rq, lf, 200, initial, subject, NULL);
	json_decref(initial);
}

void page_ledger_form_post(struct request *rq, const struct ledger_form *lf)
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
