/*
 * pages_halls: the two halls — the list with the visitors per hall and month (each figure
 * linking to its visits), and one hall: its sections in order with their exhibits and the
 * players (<img>, <audio>, <video> over the archive's file routes, which answer range
 * requests), its visits between two days, and the forms that add a section, an exhibit or
 * a visit; zh-CN and en alike.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/archive.h"
#include "domain/audit.h"
#include "domain/hall.h"
#include "domain/lookup.h"
#include "web/page.h"

enum hall_form { FORM_NONE, FORM_SECTION, FORM_EXHIBIT, FORM_VISIT };

/* ---------------------------------------------------------------- the list */

void page_halls(struct request *rq)
{
	page_lang(rq);
	struct hall_filter f = {.limit = 100};
	json_t *out = NULL, *figures = NULL, *r;
	enum outcome got = hall_list(&rq->cx, &f, &out);
	if (got == OUT_OK)
		got = hall_figures(&rq->cx, NULL, NULL, &figures);
	if (got != OUT_OK) {
		json_decref(out);
		page_outcome(rq, got);
		return;
	}
	size_t i;
	json_array_foreach(json_object_get(out, "items"), i, r)
		page_label(rq, r, "kind", "hall_kind");
	json_array_foreach(json_object_get(figures, "halls"), i, r)
		page_label(rq, r, "kind", "hall_kind");
	/* the head of the table: the months of the first hall (every hall has them all) */
	json_t *first = json_array_get(json_object_get(figures, "halls"), 0);
	json_object_set_new(figures, "months", first ? json_incref(json_object_get(first,
			    "by_month")) : json_array());
	json_object_set_new(out, "figures", figures);
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	audit_read(&rq->cx, "list", "hall", 0, (int64_t)json_array_size(json_object_get(out,
		   "items")), NULL);
	page_render(rq, 200, "halls", "nav_halls", out);
}

/* ---------------------------------------------------------------- one hall */

/* A field of one of the hall page's forms: its error shown only when that form failed. */
static json_t *form_field(struct request *rq, json_t *form, bool failed, const char *name,
			  const char *body_key, const char *label_key, json_t *options)
{
	json_t *fd = page_field_as(rq, failed ? form : NULL, name, body_key ? body_key : name,
				   label_key, options);
	if (!options)	/* an input typed by its name (a date, a number) */
		page_field_input(fd, 0);
	if (!failed)
		json_object_set_new(fd, "error", json_null());
	return fd;
}

/* The first error on the visit's households ("households" or "households[i]"). */
static const char *households_error(struct request *rq)
{
	for (int i = 0; i < rq->errs.n; i++)
		if (strncmp(rq->errs.items[i].field, "households", 10) == 0)
			return msg_get(rq->lang, rq->errs.items[i].code);
	return NULL;
}

static json_t *section_options(struct request *rq, json_t *sections, const char *selected)
{
	json_t *arr = json_array(), *s;
	size_t i;
	json_array_foreach(sections, i, s) {
		const char *id = arena_printf(&rq->arena, "%lld",
			(long long)json_integer_value(json_object_get(s, "id")));
		json_array_append_new(arr, json_pack("{s:s, s:O, s:b}", "value", id, "label",
			json_object_get(s, "name"), "selected", selected && strcmp(selected, id) == 0));
	}
	return arr;
}

/* The exhibits' words and players: the kind's word, and which player shows the file. */
static void present_exhibits(struct request *rq, json_t *sections)
{
	json_t *s, *e;
	size_t i, j;
	json_array_foreach(sections, i, s)
		json_array_foreach(json_object_get(s, "exhibits"), j, e) {
			const char *media = json_string_value(json_object_get(e, "media"));
			bool file = json_is_string(json_object_get(e, "file_url"));
			json_object_set_new(e, "is_image", json_boolean(file && media &&
					    strcmp(media, "image") == 0));
			json_object_set_new(e, "is_audio", json_boolean(file && media &&
					    strcmp(media, "audio") == 0));
			json_object_set_new(e, "is_video", json_boolean(file && media &&
					    strcmp(media, "video") == 0));
			if (!json_is_string(json_object_get(e, "thumbnail_url")))
				json_object_set(e, "thumbnail_url", json_object_get(e, "file_url"));
			page_label(rq, e, "kind", "hall_exhibit_kind");
		}
}

/* The hall's visits between the query's days, with the people they add up to. */
static enum outcome visits(struct request *rq, json_t *out)
{
	struct hall_filter f = {.hall_id = rq->ids[0], .limit = 200};
	const char *from = rq_query(rq, "from"), *to = rq_query(rq, "to");
	snprintf(f.from, sizeof(f.from), "%s", from && strlen(from) == 10 ? from : "");
	snprintf(f.to, sizeof(f.to), "%s", to && strlen(to) == 10 ? to : "");
	json_t *list = NULL, *v;
	enum outcome got = hall_visit_list(&rq->cx, &f, &list);
	if (got != OUT_OK)
		return got;
	json_int_t people = 0;
	size_t i;
	json_array_foreach(json_object_get(list, "items"), i, v)
		people += json_integer_value(json_object_get(v, "people"));
	json_object_set(out, "visits", json_object_get(list, "items"));
	json_object_set(out, "visits_next", json_object_get(list, "next"));
	json_decref(list);
	json_object_set_new(out, "visits_people", json_integer(people));
	json_object_set_new(out, "from", json_string(f.from));
	json_object_set_new(out, "to", json_string(f.to));
	json_object_set_new(out, "period", json_boolean(*f.from || *f.to));
	json_object_set_new(out, "query", json_string(arena_printf(&rq->arena, "from=%s&to=%s",
		page_url_encode(rq, f.from), page_url_encode(rq, f.to))));
	audit_read(&rq->cx, "list", "hall_visit", rq->ids[0],
		   (int64_t)json_array_size(json_object_get(out, "visits")), NULL);
	return OUT_OK;
}

/* An exhibit's archive item, picked from its household's list: the household's number
 * (户编号), then, once the household is known, a select of its items. An error on the item
 * shows beside the select, or beside the number while there is none. */
static void exhibit_item_fields(struct request *rq, json_t *form, bool failed, json_t *fields)
{
	int64_t hh = failed ? page_subject_household(rq, form, 0) : 0;
	json_t *items = NULL, *it, *opts = NULL;
	size_t i;
	if (hh) {
		struct item_filter itf = {.household_id = hh, .limit = 200};
		if (archive_item_list(&rq->cx, &itf, &items) == OUT_OK) {
			const char *sel = page_form_value(form, "item_id");
			opts = json_array();
			json_array_foreach(json_object_get(items, "items"), i, it) {
				const char *id = arena_printf(&rq->arena, "%lld",
					(long long)json_integer_value(json_object_get(it, "id")));
				json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", id, "label",
					arena_printf(&rq->arena, "%s · %s", json_string_value(json_object_get(it,
						"reference_code")), json_string_value(json_object_get(it, "title"))),
					"selected", strcmp(sel, id) == 0));
			}
		}
		json_decref(items);
	}
	json_t *fd = form_field(rq, form, failed, "household", "household_id", "field_item_household", NULL);
	const char *said = failed ? page_subject_error(rq, form, "household_id") : NULL;
	if (!said && failed && !opts)
		said = page_subject_error(rq, form, "item_id");
	json_object_set_new(fd, "error", page_json_text_or_null(said));
	json_array_append_new(fields, fd);
	if (opts) {
		fd = form_field(rq, form, failed, "item_id", NULL, "col_hall_item_id", opts);
		json_array_append_new(fields, fd);
	}
}

static void hall_page(struct request *rq, unsigned status, enum hall_form failed, json_t *form)
{
	json_t *out = NULL;
	enum outcome got = hall_get(&rq->cx, rq->ids[0], &out);
	if (got == OUT_OK)
		got = visits(rq, out);
	if (got != OUT_OK) {
		json_decref(out);
		page_outcome(rq, got);
		return;
	}
	json_t *sections = json_object_get(out, "sections");
	present_exhibits(rq, sections);
	page_label(rq, out, "kind", "hall_kind");
	page_label(rq, out, "status", "facility_status");
	bool s = failed == FORM_SECTION, e = failed == FORM_EXHIBIT, v = failed == FORM_VISIT;
	json_t *fs = json_array(), *fe = json_array(), *fv = json_array(), *fd;
	json_array_append_new(fs, form_field(rq, form, s, "section_name", "name", "col_hall_section_name", NULL));
	json_array_append_new(fs, form_field(rq, form, s, "section_position", "position", "col_hall_position", NULL));
	json_array_append_new(fs, form_field(rq, form, s, "section_description", "description",
					     "col_hall_description", NULL));
	json_array_append_new(fe, form_field(rq, form, e, "section_id", NULL, "col_hall_section_id",
		section_options(rq, sections, e ? page_form_value(form, "section_id") : NULL)));
	json_array_append_new(fe, form_field(rq, form, e, "kind", NULL, "col_hall_kind",
		page_code_options(rq, hall_exhibit_kinds, "hall_exhibit_kind", e ? page_form_value(form, "kind") : NULL)));
	json_array_append_new(fe, form_field(rq, form, e, "title", NULL, "col_hall_title", NULL));
	exhibit_item_fields(rq, form, e, fe);
	json_array_append_new(fe, form_field(rq, form, e, "description", NULL, "col_hall_description", NULL));
	json_array_append_new(fv, fd = form_field(rq, form, v, "visited_on", NULL, "col_hall_visited_on", NULL));
	page_field_input(fd, 'd');
	json_array_append_new(fv, form_field(rq, form, v, "group_name", NULL, "col_hall_group_name", NULL));
	json_array_append_new(fv, fd = form_field(rq, form, v, "people", NULL, "col_hall_people", NULL));
	page_field_input(fd, 'i');
	json_array_append_new(fv, form_field(rq, form, v, "guide", NULL, "col_hall_guide", NULL));
	json_array_append_new(fv, fd = form_field(rq, form, v, "households", NULL, "col_hall_households", NULL));
	const char *named = v ? page_named_list_error(rq, form, "households", false, "households") : NULL;
	json_object_set_new(fd, "error", page_json_text_or_null(named ? named : v ? households_error(rq) : NULL));
	json_array_append_new(fv, form_field(rq, form, v, "note", NULL, "col_hall_note", NULL));
	json_object_set_new(out, "section_form", json_pack("{s:o, s:b}", "fields", fs, "failed", s));
	json_object_set_new(out, "exhibit_form", json_pack("{s:o, s:b}", "fields", fe, "failed", e));
	json_object_set_new(out, "visit_form", json_pack("{s:o, s:b}", "fields", fv, "failed", v));
	json_object_set_new(out, "has_sections", json_boolean(json_array_size(sections) > 0));
	json_object_set_new(out, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	json_object_set_new(out, "can_export", json_boolean(role_can_export(rq->actor.role)));
	page_render(rq, status, "hall", "nav_halls", out);
}

void page_hall(struct request *rq)
{
	page_lang(rq);
	hall_page(rq, 200, FORM_NONE, NULL);
}

/* A form's write: the body to op, then to the hall's page (saved=WHAT) or back to the form
 * with its errors. */
static void hall_post(struct request *rq, enum hall_form which, json_t *body, json_t *form,
		      enum outcome (*op)(struct ctx *, int64_t, json_t *, json_t **),
		      const char *saved)
{
	json_t *out = NULL;
	enum outcome res = op(&rq->cx, rq->ids[0], body, &out);
	json_decref(out);
	if (res == OUT_OK)
		page_saved(rq, arena_printf(&rq->arena, "/halls/%lld#%s", (long long)rq->ids[0],
					    which == FORM_VISIT ? "visits" : "sections"), saved);
	else if (res == OUT_INVALID)
		hall_page(rq, outcome_status(OUT_INVALID), which, form);
	else
		page_outcome(rq, res);
}

void page_hall_sections_post(struct request *rq)
{
	static const char *const names[] = {"section_name", "section_position",
		"section_description", NULL};
	static const char *const keys[] = {"name", "position", "description", NULL};
	static const char *const integers[] = {"section_position", NULL};
	json_t *f = page_form_posted(rq);
	if (!f)
		return;
	json_t *named = page_body_of(f, names, integers), *body = json_object();
	for (int k = 0; names[k]; k++)	/* the form's names are the page's; the body's are these */
		if (json_object_get(named, names[k]))
			json_object_set(body, keys[k], json_object_get(named, names[k]));
	json_decref(named);
	hall_post(rq, FORM_SECTION, body, f, hall_section_create, "hall_section");
	json_decref(body);
	json_decref(f);
}

void page_hall_exhibits_post(struct request *rq)
{
	static const char *const names[] = {"section_id", "kind", "title", "item_id",
		"description", NULL};
	static const char *const integers[] = {"section_id", "item_id", NULL};
	json_t *f = page_form_posted(rq);
	if (!f)
		return;
	json_t *body = page_body_of(f, names, integers);
	/* the item: picked from the list of the household the number names; a number that names
	 * none, or an item not of it, is refused (its text goes on for the domain to refuse too) */
	const char *number = page_form_value(f, "household");
	int64_t hh = *number ? page_subject_household(rq, f, 0) : 0, item = 0;
	json_t *given = json_object_get(body, "item_id");
	if (json_is_integer(given))
		item = json_integer_value(given);
	if (*number && !hh)
		verrors_add(&rq->errs, "household_id", "household_number_unknown");
	else if (item && (!hh || !lookup_item_of(&rq->cx, item, hh)))
		verrors_add(&rq->errs, "item_id", hh ? "choose_item" : "item_household_first");
	else if (hh && !item)
		verrors_add(&rq->errs, "item_id", "choose_item");
	if (rq->errs.n)
		json_object_set_new(body, "item_id", json_string(*number ? number : "?"));
	hall_post(rq, FORM_EXHIBIT, body, f, hall_exhibit_create, "hall_exhibit");
	json_decref(body);
	json_decref(f);
}

void page_hall_visits_post(struct request *rq)
{
	static const char *const names[] = {"visited_on", "group_name", "people", "guide",
		"note", NULL};
	static const char *const integers[] = {"people", NULL};
	json_t *f = page_form_posted(rq);
	if (!f)
		return;
	json_t *body = page_body_of(f, names, integers);
	/* the households: their numbers (户编号) separated by spaces or commas; one that names no
	 * household here is a field error and goes as text, for the domain to refuse too */
	json_t *ids = page_named_list(rq, page_form_value(f, "households"), false, "households", NULL);
	if (json_array_size(ids))
		json_object_set(body, "households", ids);
	json_decref(ids);
	hall_post(rq, FORM_VISIT, body, f, hall_visit_create, "hall_visit");
	json_decref(body);
	json_decref(f);
}
