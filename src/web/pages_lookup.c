/*
 * pages_lookup: how every form of the pages names a household or a person — by what a
 * worker knows (the household's number, 户编号; a person's ID number, or the household
 * and then one of its members picked from a list), never by an internal id — and the
 * community selects, limited to the actor's scope and preselected when that is one
 * community. The names are resolved by domain/lookup.h, in the actor's scope: a household
 * elsewhere is "not found", as one that does not exist.
 */
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

#include "domain/archive.h"
#include "domain/audit.h"
#include "domain/lookup.h"

/* ---------------------------------------------------------------- words */

/* The message `key` with "{value}" replaced by value, in the arena. */
static const char *with_value(struct request *rq, const char *key, const char *value)
{
	const char *text = msg_get(rq->lang, key), *at = strstr(text, "{value}");
	if (!at)
		return text;
	return arena_printf(&rq->arena, "%.*s%s%s", (int)(at - text), text, value, at + 7);
}

/* The first error on `field` as words: a lookup's with the number it did not find. The
 * domain's "not a whole number" on a name that found nothing (page_subject_take) is the
 * lookup's echo, not news: skipped. */
static const char *error_words(struct request *rq, json_t *form, const char *field)
{
	for (int i = 0; i < rq->errs.n; i++)
		if (strcmp(rq->errs.items[i].field, field) == 0) {
			const char *code = rq->errs.items[i].code;
			if (strcmp(code, "type_integer") == 0)
				continue;
			if (strcmp(code, "household_number_unknown") == 0) {
				char clean[64];
				const char *typed = page_form_value(form, "household");
				return with_value(rq, code, lookup_clean(typed, clean, sizeof(clean))
						  ? arena_strdup(&rq->arena, clean) : typed);
			}
			return msg_get(rq->lang, code);
		}
	return NULL;
}

/* ---------------------------------------------------------------- who a form names */

/* A whole number the form gives (a member's or an item's choice), else 0. */
static int64_t chosen(json_t *form, const char *name)
{
	const char *v = page_form_value(form, name);
	char *end;
	long long n = strtoll(v, &end, 10);
	return *v && *end == '\0' && n > 0 ? n : 0;
}

int64_t page_subject_household(struct request *rq, json_t *form, int64_t household_id)
{
	const char *typed = page_form_value(form, "household");
	int64_t id = 0;
	if (*typed)
		return lookup_household(&rq->cx, typed, &id) == OUT_OK ? id : 0;
	return household_id;
}

void page_subject_fields(struct request *rq, json_t *form, int64_t household_id, unsigned what,
			 json_t *fields)
{
	json_t *card = NULL;
	int64_t hh = page_subject_household(rq, form, household_id);
	if (hh && lookup_household_card(&rq->cx, hh, &card) != OUT_OK)
		card = NULL;
	if (card && (what & PAGE_SUBJECT_PERSON))	/* its members' names are read */
		audit_read(&rq->cx, "read", "household", hh, 1, "form");
	json_t *fd = page_field_as(rq, form, "household", "household_id", "lookup_household_number", NULL);
	if (!*page_form_value(form, "household") && card && !json_object_size(form))
		json_object_set(fd, "value", json_object_get(card, "number"));	/* opened for it */
	json_object_set_new(fd, "error", page_json_text_or_null(error_words(rq, form, "household_id")));
	json_object_set_new(fd, "lookup", json_string("household"));
	json_array_append_new(fields, fd);
	if (!(what & PAGE_SUBJECT_PERSON)) {
		json_decref(card);
		return;
	}
	const char *typed_id = page_form_value(form, "id_number");
	bool beside_member = card && !*typed_id;	/* where a person's error shows */
	if (card) {
		json_t *opts = json_array(), *m;
		size_t i;
		const char *sel = page_form_value(form, "member");
		json_array_foreach(json_object_get(card, "members"), i, m) {
			const char *id = arena_printf(&rq->arena, "%lld",
				(long long)json_integer_value(json_object_get(m, "id")));
			const char *rel = msg_get(rq->lang, arena_printf(&rq->arena, "relation_%s",
				json_string_value(json_object_get(m, "relation"))));
			json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", id, "label",
				arena_printf(&rq->arena, "%s · %s", json_string_value(json_object_get(m, "name")),
					     rel), "selected", strcmp(sel, id) == 0));
		}
		fd = page_field_as(rq, form, "member", "member", "field_member", opts);
		json_object_set_new(fd, "error", page_json_text_or_null(beside_member
			? error_words(rq, form, "person_id") : NULL));
		json_array_append_new(fields, fd);
	}
	fd = page_field_as(rq, form, "id_number", "person_id", "field_person_id_number", NULL);
	json_object_set_new(fd, "error", page_json_text_or_null(beside_member ? NULL
		: error_words(rq, form, "person_id")));
	json_array_append_new(fields, fd);
	json_decref(card);
}

bool page_subject_take(struct request *rq, json_t *form, unsigned what, json_t *body)
{
	const char *typed = page_form_value(form, "household");
	const char *typed_id = page_form_value(form, "id_number");
	int64_t hh = 0, person = 0, its = 0, member = chosen(form, "member");
	int errors = rq->errs.n;
	/* A name that found nothing goes on as the text typed, for the domain to refuse with
	 * every other error of the form (nothing is stored); the page shows the lookup's words
	 * first, beside the field. */
	if (*typed) {
		enum outcome got = lookup_household(&rq->cx, typed, &hh);
		if (got == OUT_INTERNAL)
			return false;
		if (got != OUT_OK)
			verrors_add(&rq->errs, "household_id", "household_number_unknown");
	}
	if ((what & PAGE_SUBJECT_PERSON) && *typed_id) {
		enum outcome got = lookup_person(&rq->cx, typed_id, &person, &its);
		if (got == OUT_INTERNAL)
			return false;
		if (got != OUT_OK)
			verrors_add(&rq->errs, "person_id", "id_number_unknown");
		else if (hh && its != hh)
			verrors_add(&rq->errs, "person_id", "person_not_in_household");
	} else if ((what & PAGE_SUBJECT_PERSON) && member && hh) {
		if (lookup_is_member(&rq->cx, hh, member))
			person = member;
		else
			verrors_add(&rq->errs, "person_id", "person_not_in_household");
	} else if ((what & PAGE_SUBJECT_PERSON) && !(what & PAGE_SUBJECT_HOUSEHOLD) && hh)
		verrors_add(&rq->errs, "person_id", "choose_member");	/* the household, then who */
	if (*typed && (what & PAGE_SUBJECT_HOUSEHOLD))
		json_object_set_new(body, "household_id", hh ? json_integer(hh) : json_string(typed));
	if (what & PAGE_SUBJECT_PERSON) {
		if (person)
			json_object_set_new(body, "person_id", json_integer(person));
		else if (rq->errs.n > errors)
			json_object_set_new(body, "person_id", json_string(*typed_id ? typed_id : typed));
	}
	return true;
}

/* ---------------------------------------------------------------- communities */

/* The actor's one community: its scope when that is a community (12 digits), else NULL. */
static const char *own_community(struct request *rq)
{
	return rq->actor.role != ROLE_VOLUNTEER && strlen(rq->actor.scope) == 12 ? rq->actor.scope : NULL;
}

const char *page_community_chosen(struct request *rq, json_t *form, const char *name)
{
	const char *v = page_form_value(form, name);
	if (*v || json_object_size(form))	/* a form sent back keeps what it said, even "" */
		return v;
	return own_community(rq) ? own_community(rq) : "";
}

/* Only the options within the actor's scope (everything for a county-wide scope). */
static json_t *in_scope(struct request *rq, json_t *options)
{
	if (!*rq->actor.scope || rq->actor.role == ROLE_VOLUNTEER)
		return options;
	json_t *kept = json_array(), *o;
	size_t i;
	json_array_foreach(options, i, o)
		if (actor_covers(&rq->actor, json_string_value(json_object_get(o, "value"))))
			json_array_append(kept, o);
	json_decref(options);
	return kept;
}

json_t *page_community_options(struct request *rq, json_t *form, const char *name)
{
	return in_scope(rq, page_place_options(rq, true, page_community_chosen(rq, form, name)));
}

void page_community_groups_in_scope(struct request *rq, json_t *field)
{
	json_t *groups = json_object_get(field, "groups"), *kept = json_array(), *g;
	size_t i;
	json_array_foreach(groups, i, g) {
		json_t *opts = in_scope(rq, json_incref(json_object_get(g, "options")));
		if (json_array_size(opts))
			json_array_append_new(kept, json_pack("{s:O, s:o}", "label", json_object_get(g, "label"),
							      "options", opts));
		else
			json_decref(opts);
	}
	json_object_set_new(field, "groups", kept);
}

/* ---------------------------------------------------------------- lists of names */

json_t *page_named_list(struct request *rq, const char *typed, bool persons, const char *field,
			const char **unknown)
{
	json_t *ids = json_array();
	char *list = arena_strdup(&rq->arena, typed ? typed : "");
	static const char *const commas[] = {"，", "、", "；", "\r", "\n", ";", NULL};
	for (int k = 0; list && commas[k]; k++)	/* every separator a space */
		for (char *c = strstr(list, commas[k]); c; c = strstr(c, commas[k]))
			memset(c, ' ', strlen(commas[k]));
	if (unknown)
		*unknown = NULL;
	for (char *p = list; p && *p;) {
		p += strspn(p, " ,\t");
		size_t n = strcspn(p, " ,\t");
		if (!n)
			break;
		const char *one = arena_strndup(&rq->arena, p, n);
		int64_t id = 0, hh = 0;
		enum outcome got = persons ? lookup_person(&rq->cx, one, &id, &hh)
			: lookup_household(&rq->cx, one, &id);
		if (got == OUT_OK)
			json_array_append_new(ids, json_integer(id));
		else {	/* the text goes on, for the domain to refuse with the form's other errors */
			json_array_append_new(ids, json_string(one));
			if (unknown && !*unknown)
				*unknown = one;
			if (field && !verrors_has(&rq->errs, field))
				verrors_add(&rq->errs, field, persons ? "founder_unknown"
					    : "visit_household_unknown");
		}
		p += n;
	}
	return ids;
}

const char *page_named_list_error(struct request *rq, json_t *form, const char *name,
				  bool persons, const char *field)
{
	for (int i = 0; i < rq->errs.n; i++)
		if (strcmp(rq->errs.items[i].field, field) == 0) {
			const char *code = rq->errs.items[i].code, *unknown = NULL;
			if (strcmp(code, "founder_unknown") != 0 && strcmp(code, "visit_household_unknown") != 0)
				return msg_get(rq->lang, code);
			json_decref(page_named_list(rq, page_form_value(form, name), persons, NULL, &unknown));
			return with_value(rq, code, unknown ? unknown : "");
		}
	return NULL;
}

const char *page_subject_error(struct request *rq, json_t *form, const char *field)
{
	return error_words(rq, form, field);
}

/* ---------------------------------------------------------------- for the script */

void page_lookup_household(struct request *rq)
{
	page_lang(rq);
	const char *number = rq_query(rq, "number");
	int64_t id = 0;
	json_t *card = NULL;
	enum outcome got = number ? lookup_household(&rq->cx, number, &id) : OUT_NOT_FOUND;
	if (got == OUT_OK)
		got = lookup_household_card(&rq->cx, id, &card);
	if (got == OUT_NOT_FOUND) {	/* elsewhere or nowhere: the same 404, said in words */
		char clean[64];
		const char *typed = number ? number : "";
		rq_json(rq, 404, json_pack("{s:s}", "message", with_value(rq, "household_number_unknown",
			lookup_clean(typed, clean, sizeof(clean)) ? arena_strdup(&rq->arena, clean) : typed)));
		return;
	}
	if (got != OUT_OK) {
		rq_reply(rq, got, 200, NULL);
		return;
	}
	json_t *members = json_array(), *items = json_array(), *m, *list = NULL;
	size_t i;
	json_array_foreach(json_object_get(card, "members"), i, m)
		json_array_append_new(members, json_pack("{s:s, s:s}", "value", arena_printf(&rq->arena,
			"%lld", (long long)json_integer_value(json_object_get(m, "id"))), "label",
			arena_printf(&rq->arena, "%s · %s", json_string_value(json_object_get(m, "name")),
				     msg_get(rq->lang, arena_printf(&rq->arena, "relation_%s",
				     json_string_value(json_object_get(m, "relation")))))));
	struct item_filter itf = {.household_id = id, .limit = 200};
	if (archive_item_list(&rq->cx, &itf, &list) == OUT_OK)
		json_array_foreach(json_object_get(list, "items"), i, m)
			json_array_append_new(items, json_pack("{s:s, s:s}", "value", arena_printf(&rq->arena,
				"%lld", (long long)json_integer_value(json_object_get(m, "id"))), "label",
				arena_printf(&rq->arena, "%s · %s", json_string_value(json_object_get(m,
					"reference_code")), json_string_value(json_object_get(m, "title")))));
	json_decref(list);
	audit_read(&rq->cx, "read", "household", id, 1, "form");
	json_t *out = json_pack("{s:O, s:o, s:s, s:o, s:s}", "number", json_object_get(card, "number"),
		"members", members, "member_label", msg_get(rq->lang, "field_member"), "items", items,
		"item_label", msg_get(rq->lang, "col_hall_item_id"));
	json_decref(card);
	rq_reply(rq, OUT_OK, 200, out);
}
