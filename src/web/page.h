/*
 * page: what the browser pages share. Pages are thin: they turn forms into the same domain
 * calls the API makes and render web/templates with words from the message catalogues.
 */
#ifndef ANJU_WEB_PAGE_H
#define ANJU_WEB_PAGE_H

#include <jansson.h>
#include <stdbool.h>

#include "web/routes.h"

/* A cookie's value, or NULL. */
const char *page_cookie(struct request *rq, const char *name);
/* Sets rq->lang from the anju_lang cookie (Accept-Language otherwise). */
void page_lang(struct request *rq);
/* The CSRF token of a session (33 bytes with the NUL). */
void page_csrf(const char *session_token, char out[33]);
/* The MAC of a confirmation (?saved=KEY&mac=MAC): a keyed hash of the session's token, the
 * key and the path the redirect leads to, so a page shows only a confirmation this server
 * made for this session and this page; a crafted ?saved= shows nothing (issue 12). */
#define PAGE_SAVED_MAC_LEN 16
void page_saved_mac(const char *session_token, const char *saved, const char *path,
		    size_t path_len, char out[PAGE_SAVED_MAC_LEN + 1]);
/* `to` without any saved= or mac= of its query (a return= target carries none along). */
const char *page_without_saved(struct request *rq, const char *to);
/* Constant-time comparison of two tokens of at least 16 characters. */
bool page_same_token(const char *a, const char *b);
/* 303 See Other to `to`. */
void page_redirect(struct request *rq, const char *to);
/* Renders template `name` inside the layout with the security headers. Takes data. */
void page_render(struct request *rq, unsigned status, const char *name, const char *title_key,
		 json_t *data);
/* An error page whose title and message are the catalogue's `title_key`, its status the
 * outcome's (outcome_status, the one map). */
void page_error(struct request *rq, enum outcome res, const char *title_key);
/* The page for a domain outcome that is not OK, titled as the outcome. */
void page_outcome(struct request *rq, enum outcome res);
/* application/x-www-form-urlencoded as a JSON object of strings; NULL when not UTF-8.
 * The dispatcher has checked the form's CSRF token (routes.c) and removed it. */
json_t *page_form(struct request *rq);
/* s percent-encoded for a query string (unreserved characters kept), in the arena. */
char *page_url_encode(struct request *rq, const char *s);
/* True when `to` may be a page to return to: a path of this site ("/households/275?x=1"),
 * never another site ("//evil.example", "https://…", "/\\evil"), no control characters, no
 * spaces or characters outside printable ASCII (links back are percent-encoded). */
bool page_safe_return(const char *to);
/* Sets a form field's input type and keyboard (fields.html): a date picker for dates
 * ('d', or a name "date"/"..._date"), a phone keyboard for phones ("phone"/"..._phone"),
 * digits for whole numbers ('i'), a decimal keyboard for numbers ('r'). kind 0: by name. */
void page_field_input(json_t *field, char kind);
/* Each row's `key`, an instant as stored ("2026-11-29T06:55:28Z", UTC), in the county's
 * time zone and the user's way of writing it; the instant as stored under KEY_iso (for
 * <time datetime>). rows: an array of objects, or one object. */
void page_times(struct request *rq, json_t *rows, const char *key);
/* A form field's text, "" when absent. */
const char *page_form_value(json_t *form, const char *key);
/* The message for the first error on `field`, or NULL. */
const char *page_field_error(struct request *rq, const char *field);
/* A form field of fields.html: a text input, or a select when `options` is given (taken),
 * with its value from the form and its error, if any. */
json_t *page_field(struct request *rq, json_t *form, const char *name, const char *label_key,
		   json_t *options);
/* The same when the body's key its errors come under differs from the form's name (a
 * petition's content is the form's "text": the page's main is #content). */
json_t *page_field_as(struct request *rq, json_t *form, const char *name, const char *body_key,
		      const char *label_key, json_t *options);
/* A body for a domain write from the form's non-empty values of `names`; those also in
 * `integers` as numbers when they read as one. */
json_t *page_body_of(json_t *form, const char *const *names, const char *const *integers);
/* ---- what the forms share (pages_forms.c) */

/* A page with a form, built for its GET (status 200, an empty form) or again after a
 * refused write (the refusal's status, the form as sent; its errors in rq->errs). */
typedef void (*page_form_fn)(struct request *rq, unsigned status, json_t *form);
/* The GET of a page with a form: the page's language, then show(rq, 200, {}). */
void page_form_show(struct request *rq, page_form_fn show);
/* The form a POST sent, with the page's language set; NULL (and a 400 page answered) when
 * it is not UTF-8 text. The caller releases it. */
json_t *page_form_posted(struct request *rq);
/* The answer to a form's write: when it is OK, 303 to `done` saying what was saved
 * (page_saved); the form again (again, 422) when the input was refused, else the
 * outcome's page. Every page write answers through this or page_saved, so that the page
 * it leads to confirms the save (role=status; tests/e2e/test_flash.py posts to every page
 * POST route of the route table and fails on one that does not). */
void page_after_write(struct request *rq, enum outcome res, const char *done, const char *saved,
		      page_form_fn again, json_t *form);
/* 303 to `to` (a path, with or without a query or #fragment) with ?saved=SAVED added: the
 * page it leads to says the message saved_SAVED at its top (role=status), its {key}s filled
 * from that page's data (page_render). A write that changed nothing (rq->cx.unchanged, set
 * by the domain's tx_end_change) says saved_nothing instead. */
void page_saved(struct request *rq, const char *to, const char *saved);
/* The address page_saved goes to, in the arena. */
const char *page_saved_url(struct request *rq, const char *to, const char *saved);
/* The rows of a catalogue (facility kinds, service matters, departments, petition
 * categories: code, name_zh, name_en): its list's items, or [] when it cannot be read. */
json_t *page_catalogue(enum outcome (*list)(struct ctx *, json_t **), struct ctx *cx);
/* A catalogue's rows as options in the page's language (with `active_only`, only those
 * whose "active" is true), `selected` chosen. */
json_t *page_catalogue_options(struct request *rq, json_t *rows, const char *selected,
			       bool active_only);
/* The name of `code` in a catalogue's rows, in the page's language (the code if none). */
const char *page_catalogue_name(struct request *rq, json_t *rows, const char *code);
json_t *page_json_text_or_null(const char *s);
/* <option>s for a code list, labelled PREFIX_VALUE from the catalogue. */
json_t *page_code_options(struct request *rq, const char *const *values, const char *prefix,
			  const char *selected);
/* <option>s for Songtao's villages (origin) or communities (destination). */
json_t *page_place_options(struct request *rq, bool communities, const char *selected);
/* The same places grouped by town, town first: [{label: TOWN, options: [{value, label:
 * VILLAGE, selected}]}], for <optgroup>s (a choice among 500 villages without a script). */
json_t *page_place_groups(struct request *rq, bool communities, const char *selected);
/* Replaces the code in o[key] by its word, the message PREFIX_CODE. */
void page_label(struct request *rq, json_t *o, const char *key, const char *prefix);
/* row["changed"], the fields a change touched as the log keeps them ("phone, items"), in
 * words: each field's name from the catalogue (field_KEY), joined the language's way, a
 * code and its name said once. */
void page_changed_fields(struct request *rq, json_t *row);
/* Each archive item's doc_type_name in the page's language (the English name on English
 * pages). */
void page_doc_type_names(struct request *rq, json_t *items);
/* The name of document type `code` in `lang`, from checklist_doc_types (`types`); the code
 * itself when it is not listed. */
const char *page_doc_type_name(enum lang lang, json_t *types, const char *code);
/* A worklist entry's detail in words (for the page and the exports): the document types or
 * steps it lists by their names, a labor capacity by its word, a count or a date with what
 * it is; rule is the worklist's key, `a` the arena of the words. */
void page_worklist_detail(enum lang lang, struct arena *a, const char *rule, json_t *types, json_t *entry);
/* Members as pages show them: ID numbers masked, phones dropped, codes as words. */
void page_present_members(struct request *rq, json_t *members);
/* What a chart is called and how its table heads its columns: the id of the heading that
 * names it, and the message keys of the label, value and (with over_key) second columns. */
struct chart_words {
	const char *title_id;
	const char *label, *value, *over;
};
/* Horizontal SVG bars, each linking to LINK_PREFIX followed by its row's code; a second
 * series (over_key) drawn over the first. Values may be integers or reals. The svg is a
 * group named by the heading `w->title_id`, followed by its text alternative: the
 * figures as a table in a <details>, each name linking where its bar does. */
char *page_svg_bar_chart(struct request *rq, json_t *rows, const char *label_key,
			 const char *value_key, const char *over_key, const char *link_prefix,
			 const struct chart_words *w);

/* The household form's own fields (shared by the new and edit forms). */
extern const char *const page_household_form_keys[];
/* Needs as the pages show them (pages_volunteers.c): category_name in the page's language,
 * source as words, raised_on and due_on kept. */
void page_need_rows(struct request *rq, json_t *rows);
json_t *page_household_form_fields(struct request *rq, json_t *values);

/* ---- naming a household or a person as a worker knows them (pages_lookup.c) */

/* What a form names: a household, a person, or either (services, petitions). */
#define PAGE_SUBJECT_HOUSEHOLD 1u
#define PAGE_SUBJECT_PERSON 2u
/* The household the form's "household" field (户编号) names in the actor's scope, else,
 * when the field is empty, `household_id` (the household the page was opened for); 0 when
 * the number names none. */
int64_t page_subject_household(struct request *rq, json_t *form, int64_t household_id);
/* Appends to `fields` the fields that name who: "household" (户编号; the number of
 * `household_id` when the page was opened for one), and for a person "member" (a select of
 * the household's current members, once the household is known) and "id_number" (身份证
 * 号). Errors show beside them: the body's household_id beside the number, person_id
 * beside the member or the ID number, a lookup's in words with the number not found. */
void page_subject_fields(struct request *rq, json_t *form, int64_t household_id, unsigned what,
			 json_t *fields);
/* Reads those fields into body's household_id and person_id (the API's ids). A name that
 * finds nothing in the actor's scope is a field error in rq->errs and goes into the body as
 * the text typed, so that the domain refuses the write with every other error and stores
 * nothing. False on a storage error (nothing added). */
bool page_subject_take(struct request *rq, json_t *form, unsigned what, json_t *body);
/* The community a form's select `name` has chosen: the form's value, or, on a fresh form,
 * the actor's own community when its scope is one community ("" otherwise). */
const char *page_community_chosen(struct request *rq, json_t *form, const char *name);
/* <option>s of the communities within the actor's scope (a town's for a town officer),
 * page_community_chosen selected. */
json_t *page_community_options(struct request *rq, json_t *form, const char *name);
/* A grouped place select's (page_place_groups) options kept to the actor's scope, towns
 * left empty dropped. */
void page_community_groups_in_scope(struct request *rq, json_t *field);
/* The first error on `field` in words, a failed household number's with the number (the
 * form's "household") in it. */
const char *page_subject_error(struct request *rq, json_t *form, const char *field);
/* The persons (ID numbers) or households (numbers) a list typed into one field names,
 * separated by spaces, commas (also ，、；) or lines, as an array of their ids; one that
 * names nothing in the actor's scope stays in the array as its text (for the domain to
 * refuse), is an error on `field` (once; NULL: none added) and, the first such, *unknown
 * (may be NULL). */
json_t *page_named_list(struct request *rq, const char *typed, bool persons, const char *field,
			const char **unknown);
/* The first error on `field` in words; a name of the form's `name` list that found nothing
 * with that name in it. */
const char *page_named_list_error(struct request *rq, json_t *form, const char *name,
				  bool persons, const char *field);

#endif
