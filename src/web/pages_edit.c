/* pages_edit: edit forms for records kept under an ETag — households, persons, archive
 * items. A stale form is refused (412), never overwritten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/archive.h"
#include "domain/checklist.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/person.h"
#include "domain/privacy.h"
#include "web/page.h"

const char *const page_household_form_keys[] = {"category", "origin_village", "dest_community",
					     "relocation_date", "phone", NULL};

/* The household's own fields for a form: values from f, each error beside its field. */
json_t *page_household_form_fields(struct request *rq, json_t *f)
{
	static const char *const labels[] = {"field_category", "col_origin", "col_destination",
					     "field_relocation_date", "field_phone", NULL};
	json_t *fields = json_array();
	for (int i = 0; page_household_form_keys[i]; i++) {
		const char *v = json_string_value(json_object_get(f, page_household_form_keys[i]));
		json_t *fd = json_pack("{s:s, s:s, s:s}", "name", page_household_form_keys[i],
				       "label", msg_get(rq->lang, labels[i]), "value", v ? v : "");
		json_object_set_new(fd, "error", page_json_text_or_null(page_field_error(rq, page_household_form_keys[i])));
		if (i == 0)
			json_object_set_new(fd, "options", page_code_options(rq, household_categories, "category", v));
		else if (i == 1 || i == 2)
			json_object_set_new(fd, "groups", page_place_groups(rq, i == 2, v));	/* town, then place */
		/* a community worker's destination: its own community (a town's or the
		 * county's people register moves from their places to any community) */
		if (i == 2 && strlen(rq->actor.scope) == 12)
			page_community_groups_in_scope(rq, fd);
		json_object_set_new(fd, "select", json_boolean(i <= 2));
		json_array_append_new(fields, fd);
	}
	return fields;
}

/* ---------------------------------------------------------------- editing records */

/* A PATCH body of only what the person changed in the form (an emptied field clears).
 * A role that sees identity masked was shown masked values (a title holding an ID number,
 * a phone): sent back unchanged they are the masked text, which must not overwrite the
 * record, so a value equal to the masked rendering counts as unchanged too. */
static json_t *changed_fields(struct request *rq, json_t *form, json_t *current,
			      const char *const *keys)
{
	json_t *patch = json_object();
	json_t *shown = json_deep_copy(current);
	privacy_present(rq->actor.role, shown);
	for (int i = 0; keys[i]; i++) {
		json_t *cur = json_object_get(current, keys[i]);
		char number[24];
		const char *now = json_string_value(cur), *given = page_form_value(form, keys[i]);
		const char *masked = json_string_value(json_object_get(shown, keys[i]));
		if (json_is_integer(cur)) {	/* pages: compared as the form shows it */
			snprintf(number, sizeof(number), "%lld", (long long)json_integer_value(cur));
			now = number;
		}
		if (strcmp(now ? now : "", given) != 0 && !(masked && strcmp(masked, given) == 0))
			json_object_set_new(patch, keys[i], *given ? json_string(given) : json_null());
	}
	json_decref(shown);
	return patch;
}

/* A record that pages edit under its ETag: a household, a person, an archive item (who may
 * edit it is the route rows' perm). */
struct editable {
	const char *heading_key;	/* the form's heading */
	const char *home_fmt;		/* the page to return to: "/households/%lld" ... */
	const char *home_key;		/* ... filled with this field of the record */
	const char *subject_key;	/* the field shown beside the heading */
	const char *const *keys;	/* the fields of the form */
	json_t *(*load)(struct ctx *cx, int64_t id);	/* NULL when absent or out of scope */
	void (*etag)(json_t *record, char out[48]);
	json_t *(*fields)(struct request *rq, json_t *values);
	enum outcome (*patch)(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			      json_t **out);
};

/* The edit form (record_edit.html) with the values of `values`, each error beside its field. */
static const char *home_of(struct request *rq, const struct editable *e, json_t *record)
{
	return arena_printf(&rq->arena, e->home_fmt,
			    (long long)json_integer_value(json_object_get(record, e->home_key)));
}

static void record_form(struct request *rq, const struct editable *e, unsigned status,
			json_t *values, json_t *record, const char *etag, const char *failed_key)
{
	const char *subject = json_string_value(json_object_get(record, e->subject_key));
	const char *home = home_of(rq, e, record);
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "heading",
		msg_get(rq->lang, e->heading_key), "home", home, "subject", subject ? subject : "",
		"action", rq->path,	/* the form posts back to where it was drawn */
		"etag", etag, "fields", e->fields(rq, values));
	if (failed_key)
		json_object_set_new(data, "failed", json_string(msg_get(rq->lang, failed_key)));
	page_render(rq, status, "record_edit", e->heading_key, data);
}

static void edit_get(struct request *rq, const struct editable *e)
{
	char etag[48];
	page_lang(rq);
	json_t *r = e->load(&rq->cx, rq->ids[0]);
	if (!r) {
		page_outcome(rq, OUT_NOT_FOUND);
		return;
	}
	/* the form shows the record: a view like any other ("edit_household" -> household) */
	audit_read(&rq->cx, "read", e->heading_key + strlen("edit_"), rq->ids[0], 1, "edit");
	e->etag(r, etag);
	record_form(rq, e, 200, r, r, etag, NULL);
	json_decref(r);
}

/* Saves what changed, under the ETag the form was drawn with: a change by someone else in
 * the meantime is refused (412), never overwritten. */
static void edit_post(struct request *rq, const struct editable *e)
{
	page_lang(rq);
	json_t *f = page_form(rq), *r = NULL, *out = NULL;
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	if (!(r = e->load(&rq->cx, rq->ids[0]))) {
		json_decref(f);
		page_outcome(rq, OUT_NOT_FOUND);
		return;
	}
	json_t *patch = changed_fields(rq, f, r, e->keys);
	if (json_object_size(patch) == 0) {	/* nothing changed: nothing written, and said */
		page_saved(rq, home_of(rq, e, r), "nothing");
		json_decref(patch);
		json_decref(r);
		json_decref(f);
		return;
	}
	enum outcome res = e->patch(&rq->cx, rq->ids[0], page_form_value(f, "etag"), patch, &out);
	json_decref(patch);
	if (res == OUT_OK)
		page_saved(rq, home_of(rq, e, r), "changes");
	else if (res == OUT_INVALID || res == OUT_PRECONDITION_FAILED || res == OUT_CONFLICT)
		record_form(rq, e, outcome_status(res), f,
			    r, page_form_value(f, "etag"),
			    res == OUT_PRECONDITION_FAILED ? "problem_precondition_failed" : "form_has_errors");
	else
		page_outcome(rq, res);
	json_decref(out);
	json_decref(r);
	json_decref(f);
}

static json_t *household_record(struct ctx *cx, int64_t id)
{
	json_t *h = NULL;
	return household_get(cx, id, &h) == OUT_OK ? h : NULL;
}

static const struct editable household_editable = {
	"edit_household", "/households/%lld", "id", "number", page_household_form_keys, household_record,
	household_etag, page_household_form_fields, household_patch,
};

void page_household_edit(struct request *rq) { edit_get(rq, &household_editable); }
void page_household_update(struct request *rq) { edit_post(rq, &household_editable); }

/* ---------------------------------------------------------------- editing a person */

static const char *const person_keys[] = {"name", "relation", "ethnicity", "education", "health",
					  "labor_capacity", "phone", NULL};

/* A new member's form starts with these, then the person's own fields. */
static const char *const joining_keys[] = {"id_number", "event", "event_date", NULL};

/* One form field: its label, the value given, its error, and options for a code list. */
static json_t *form_field(struct request *rq, json_t *f, const char *name, const char *label_key,
			  const char *const *list, const char *prefix)
{
	const char *v = json_string_value(json_object_get(f, name));
	json_t *fd = json_pack("{s:s, s:s, s:s, s:b}", "name", name, "label",
			       msg_get(rq->lang, label_key), "value", v ? v : "", "select", list != NULL);
	json_object_set_new(fd, "error", page_json_text_or_null(page_field_error(rq, name)));
	if (list)
		json_object_set_new(fd, "options", page_code_options(rq, list, prefix, v));
	return fd;
}

static json_t *person_fields(struct request *rq, json_t *f)
{
	static const char *const labels[] = {"col_name", "col_relation", "field_ethnicity",
		"field_education", "field_health", "col_labor", "field_phone", NULL};
	const char *const *lists[] = {NULL, person_relations, person_ethnicities, person_educations,
				      person_healths, person_labor_capacities, NULL};
	static const char *const prefixes[] = {"", "relation", "ethnicity", "education", "health",
					       "labor", ""};
	json_t *fields = json_array();
	for (int i = 0; person_keys[i]; i++)
		json_array_append_new(fields, form_field(rq, f, person_keys[i], labels[i], lists[i],
							 prefixes[i]));
	return fields;
}

static const struct editable person_editable = {
	"edit_person", "/persons/%lld", "id", "name", person_keys, person_load, person_etag,
	person_fields, person_patch,
};

void page_person_edit(struct request *rq) { edit_get(rq, &person_editable); }
void page_person_update(struct request *rq) { edit_post(rq, &person_editable); }

/* ---------------------------------------------------------------- editing an archive item */

static const char *const item_keys[] = {"title", "doc_type", "date", "responsible_body", "pages",
					"paper_location", NULL};

static json_t *item_record(struct ctx *cx, int64_t id)
{
	json_t *item = NULL;
	return archive_item_get(cx, id, &item) == OUT_OK ? item : NULL;
}

static json_t *item_fields(struct request *rq, json_t *f)
{
	static const char *const labels[] = {"field_title", "field_doc_type", "field_date",
		"field_responsible_body", "field_pages", "field_paper_location", NULL};
	json_t *fields = json_array();
	for (int i = 0; item_keys[i]; i++) {
		json_t *given = json_object_get(f, item_keys[i]);
		char number[24] = "";
		if (json_is_integer(given))
			snprintf(number, sizeof(number), "%lld", (long long)json_integer_value(given));
		const char *v = json_is_string(given) ? json_string_value(given) : number;
		json_t *fd = json_pack("{s:s, s:s, s:s, s:b}", "name", item_keys[i],
				       "label", msg_get(rq->lang, labels[i]), "value", v,
				       "select", i == 1);
		json_object_set_new(fd, "error", page_json_text_or_null(page_field_error(rq, item_keys[i])));
		if (i == 1) {	/* the document types as the archive keeps them now */
			json_t *types = checklist_doc_types(&rq->cx), *t, *opts = json_array();
			size_t k;
			json_array_foreach(types, k, t) {
				const char *code = json_string_value(json_object_get(t, "code"));
				json_array_append_new(opts, json_pack("{s:s, s:O, s:b}", "value", code,
					"label", json_object_get(t, rq->lang == LANG_EN ? "name_en" : "name"),
					"selected", strcmp(code, v) == 0));
			}
			json_decref(types);
			json_object_set_new(fd, "options", opts);
		}
		json_array_append_new(fields, fd);
	}
	return fields;
}

static const struct editable item_editable = {
	"edit_item", "/households/%lld", "household_id", "reference_code",
	item_keys, item_record, archive_item_etag, item_fields, archive_item_patch,
};

void page_item_edit(struct request *rq) { edit_get(rq, &item_editable); }
void page_item_update(struct request *rq) { edit_post(rq, &item_editable); }

/* ---------------------------------------------------------------- a new member */

static void member_form(struct request *rq, unsigned status, json_t *f, json_t *household)
{
	json_t *fields = json_array();
	json_array_append_new(fields, form_field(rq, f, "id_number", "col_id_number", NULL, ""));
	json_t *own = person_fields(rq, f);
	json_array_extend(fields, own);
	json_decref(own);
	json_array_append_new(fields, form_field(rq, f, "event", "field_join_event",
						 person_join_events, "event"));
	json_array_append_new(fields, form_field(rq, f, "event_date", "field_event_date", NULL, ""));
	const char *home = arena_printf(&rq->arena, "/households/%lld", (long long)rq->ids[0]);
	json_t *data = json_pack("{s:s, s:s, s:O, s:s, s:o}", "heading",
		msg_get(rq->lang, "add_member"), "home", home, "subject",
		json_object_get(household, "number"), "action", rq->path, "fields", fields);
	if (status != 200)
		json_object_set_new(data, "failed", json_string(msg_get(rq->lang, "form_has_errors")));
	page_render(rq, status, "record_edit", "add_member", data);
}

void page_member_new(struct request *rq)
{
	page_lang(rq);
	json_t *h = household_record(&rq->cx, rq->ids[0]);
	if (!h) {
		page_outcome(rq, OUT_NOT_FOUND);
		return;
	}
	json_t *f = json_pack("{s:s}", "event", "birth");
	member_form(rq, 200, f, h);
	json_decref(f);
	json_decref(h);
}

/* The same creation as POST /api/v1/persons: a member joins by birth, marriage or move. */
void page_member_create(struct request *rq)
{
	page_lang(rq);
	json_t *f = page_form(rq), *h = NULL, *out = NULL;
	if (!f) {	/* not UTF-8 text */
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	if (!(h = household_record(&rq->cx, rq->ids[0]))) {
		json_decref(f);
		page_outcome(rq, OUT_NOT_FOUND);
		return;
	}
	json_t *body = json_pack("{s:I}", "household_id", (json_int_t)rq->ids[0]);
	for (int pass = 0; pass < 2; pass++)
		for (const char *const *k = pass ? person_keys : joining_keys; *k; k++)
			if (*page_form_value(f, *k))
				json_object_set_new(body, *k, json_string(page_form_value(f, *k)));
	enum outcome res = person_create(&rq->cx, body, &out);
	json_decref(body);
	if (res == OUT_OK)
		page_saved(rq, arena_printf(&rq->arena, "/persons/%lld",
			(long long)json_integer_value(json_object_get(out, "id"))), "person");
	else if (res == OUT_INVALID)
		member_form(rq, outcome_status(OUT_INVALID), f, h);
	else
		page_outcome(rq, res);
	json_decref(out);
	json_decref(h);
	json_decref(f);
}
