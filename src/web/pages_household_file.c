/* pages_household_file: one household's file — its page (the first screen's glance, the
 * members, the ledgers, the archive with its upload form, the change trail), its pictures
 * and an upload into its archive. */

#include <stdio.h>
#include <string.h>

#include "domain/archive.h"
#include "domain/checklist.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/household_glance.h"
#include "domain/ledger.h"
#include "domain/person.h"
#include "domain/evaluation.h"
#include "domain/privacy.h"
#include "web/upload.h"
#include "web/page.h"
#include "web/pages_followup.h"

/* The upload form's fields and their errors: the values given (kept after a refusal) and
 * each message beside its field, the first also at the top of the form. */
static json_t *upload_form(struct request *rq, json_t *given)
{
	static const char *const keys[] = {"title", "doc_type", "person_id", "paper_location", NULL};
	json_t *form = json_object();
	for (int i = 0; keys[i]; i++) {
		const char *v = json_string_value(json_object_get(given, keys[i]));
		json_object_set_new(form, keys[i], json_string(v ? v : ""));
		json_object_set_new(form, arena_printf(&rq->arena, "err_%s", keys[i]),
				    page_json_text_or_null(page_field_error(rq, keys[i])));
	}
	const char *file_error = page_field_error(rq, "file");
	for (int i = 0; !file_error && i < rq->errs.n; i++)
		if (strncmp(rq->errs.items[i].field, "files[", 6) == 0)
			file_error = msg_get(rq->lang, rq->errs.items[i].code);
	json_object_set_new(form, "err_file", page_json_text_or_null(file_error));
	if (rq->errs.n)
		json_object_set_new(form, "error", json_string(msg_get(rq->lang, rq->errs.items[0].code)));
	return form;
}

/* The first screen's "missing or overdue": the steps past due, the latest visit, and the
 * glance's jobless labor and overdue visit (household_glance.h), with has_todo when any
 * of them (or the archive) has something to say. */
static void glance(struct request *rq, json_t *data, json_t *archive_complete)
{
	json_t *g = NULL, *overdue = json_array(), *it;
	size_t i;
	json_array_foreach(json_object_get(json_object_get(data, "relocation"), "items"), i, it)
		if (json_is_true(json_object_get(it, "overdue")) && !json_is_string(json_object_get(it, "done_date")))
			json_array_append(overdue, it);
	json_t *visits = json_object_get(data, "visits");
	if (json_array_size(visits))
		json_object_set(data, "latest_visit", json_array_get(visits, 0));
	bool todo = json_array_size(overdue) > 0 || !json_is_true(archive_complete);
	json_object_set_new(data, "overdue_steps", overdue);
	if (household_glance(&rq->cx, rq->ids[0], &g) == OUT_OK) {	/* else the page goes without */
		bool jobless = json_array_size(json_object_get(g, "jobless_labor")) > 0;
		json_object_set_new(data, "has_jobless", json_boolean(jobless));
		todo = todo || jobless || json_is_true(json_object_get(g, "visit_overdue"));
		json_object_set_new(data, "glance", g);
	}
	json_object_set_new(data, "has_todo", json_boolean(todo));
}

/* A household's file; `given` holds an upload's refused fields (NULL on a plain GET). */
static void household_page(struct request *rq, unsigned status, json_t *given)
{
	json_t *h = NULL, *items = NULL;
	json_t *upload = upload_form(rq, given);
	rq->errs.n = 0;	/* said in the form; the reads below start clean */
	enum outcome res = household_get(&rq->cx, rq->ids[0], &h);
	if (res != OUT_OK) {
		json_decref(upload);
		page_outcome(rq, res);
		return;
	}
	struct item_filter f = {.household_id = rq->ids[0], .limit = 500};
	if ((res = archive_item_list(&rq->cx, &f, &items)) != OUT_OK) {
		json_decref(upload);
		json_decref(h);
		page_outcome(rq, res);
		return;
	}
	audit_read(&rq->cx, "read", "household", rq->ids[0], 1, "page");
	size_t i, j;
	json_t *it, *file;
	json_array_foreach(json_object_get(items, "items"), i, it)
		json_array_foreach(json_object_get(it, "files"), j, file) {
			const char *kind = json_string_value(json_object_get(file, "kind"));
			json_object_set_new(file, "is_image", json_boolean(strcmp(kind, "image") == 0 &&
				json_is_string(json_object_get(file, "thumbnail_url"))));
			json_object_set_new(file, "is_audio", json_boolean(strcmp(kind, "audio") == 0));
			json_object_set_new(file, "is_video", json_boolean(strcmp(kind, "video") == 0));
			/* a picture no browser shows (HEIC from a phone, TIFF): kept as a picture,
			 * its type named, to be downloaded (docs/decisions.md) */
			const char *mime = json_string_value(json_object_get(file, "mime"));
			if (strcmp(kind, "image") == 0 && !json_is_string(json_object_get(file, "thumbnail_url"))
			    && mime && strchr(mime, '/')) {
				char type[16];
				size_t n = 0;
				for (const char *c = strchr(mime, '/') + 1; *c && n + 1 < sizeof(type); c++)
					type[n++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
				type[n] = '\0';
				json_object_set_new(file, "type_note", json_string(arena_printf(&rq->arena,
					"%s %s", type, msg_get(rq->lang, "file_picture_no_preview"))));
			}
		}
	/* masked before the codes become words: the mask knows a birth event by its code */
	privacy_present(rq->actor.role, h);
	page_present_members(rq, json_object_get(h, "members"));
	json_array_foreach(json_object_get(h, "events"), i, it)
		page_label(rq, it, "kind", "event");
	char key[64];
	snprintf(key, sizeof(key), "category_%s", json_string_value(json_object_get(h, "category")));
	json_t *data = json_pack("{s:O, s:O, s:O, s:s}", "h", h, "members", json_object_get(h, "members"),
				 "items", json_object_get(items, "items"), "category", msg_get(rq->lang, key));
	snprintf(key, sizeof(key), "status_%s", json_string_value(json_object_get(h, "status")));
	json_object_set_new(data, "status", json_string(msg_get(rq->lang, key)));
	struct buf missing = BUF_INIT;
	json_t *types = checklist_doc_types(&rq->cx);
	json_array_foreach(json_object_get(json_object_get(h, "archive"), "missing"), i, it)
		buf_printf(&missing, "%s%s", missing.len ? msg_get(rq->lang, "list_separator") : "",
			   page_doc_type_name(rq->lang, types, json_string_value(it)));
	page_doc_type_names(rq, json_object_get(items, "items"));
	json_decref(types);
	json_object_set_new(data, "missing", json_string(missing.data));
	buf_release(&missing);
	json_object_set_new(data, "can_archive", json_boolean(role_can_edit_archive(rq->actor.role)));
	json_object_set_new(data, "can_edit", json_boolean(role_can_edit_registry(rq->actor.role)));
	json_object_set_new(data, "can_visit", json_boolean(role_can_visit(rq->actor.role)));
	/* phones are tap-to-call for those who see them whole (a masked number calls no one) */
	json_object_set_new(data, "call", json_boolean(privacy_full_identity(rq->actor.role)));
	json_t *doc_types = checklist_doc_types(&rq->cx), *dt;
	json_array_foreach(doc_types, i, dt)
		json_object_set_new(dt, "label", json_string(json_string_value(json_object_get(dt,
				    rq->lang == LANG_EN ? "name_en" : "name"))));
	json_object_set_new(data, "doc_types", doc_types);
	json_array_foreach(json_object_get(data, "doc_types"), i, dt)
		json_object_set_new(dt, "selected", json_boolean(strcmp(json_string_value(json_object_get(dt, "code")),
			json_string_value(json_object_get(upload, "doc_type"))) == 0));
	if (json_is_string(json_object_get(upload, "error")))	/* refused: said at the top too */
		json_object_set_new(data, "page_alert", json_pack("{s:s, s:s, s:s}", "alert",
			arena_printf(&rq->arena, "%s %s", msg_get(rq->lang, "upload_refused"),
				     json_string_value(json_object_get(upload, "error"))),
			"alert_href", "#upload", "alert_link", msg_get(rq->lang, "alert_to_upload")));
	json_object_set_new(data, "upload", upload);
	json_t *trail = ledger_household_trail(&rq->cx, rq->ids[0], 50, false);	/* with every ledger */
	audit_record_names(&rq->cx, trail);	/* an evaluation, activity or item by its title */
	json_array_foreach(trail, i, it) {
		if (strcmp(json_string_value(json_object_get(it, "user")) ?: "", "system") == 0)
			json_object_set_new(it, "user", json_string(msg_get(rq->lang, "user_system")));
		if (json_is_string(json_object_get(it, "name")))
			json_object_set(it, "entity_id", json_object_get(it, "name"));
		/* a member's change names the member ("成员 张三"), not their row's number */
		json_t *who = json_object_get(it, "entity_id");
		if (strcmp(json_string_value(json_object_get(it, "entity")) ?: "", "person") == 0) {
			json_t *m;
			json_array_foreach(json_object_get(h, "members"), j, m)
				if (json_integer_value(json_object_get(m, "id")) == json_integer_value(who) &&
				    json_is_string(json_object_get(m, "name"))) {
					who = json_object_get(m, "name");
					break;
				}
		}
		json_object_set_new(it, "subject", json_is_string(who) ? json_incref(who)
			: json_string(arena_printf(&rq->arena, "%lld", (long long)json_integer_value(who))));
		page_label(rq, it, "action", "action");
		page_label(rq, it, "entity", "entity");
		page_changed_fields(rq, it);
	}
	page_times(rq, trail, "at");	/* in the county's time, the language's way */
	json_object_set_new(data, "trail", trail ? trail : json_array());
	page_followup_household_sections(rq, rq->ids[0], data);
	json_t *awards = NULL;	/* 文明大家比: the household's and its members' awards */
	if (evaluation_awards(&rq->cx, rq->ids[0], &awards) == OUT_OK) {
		json_array_foreach(json_object_get(awards, "items"), i, it)
			page_label(rq, it, "kind", "evaluation_kind");
		json_object_set(data, "awards", json_object_get(awards, "items"));
	}
	json_decref(awards);
	glance(rq, data, json_object_get(json_object_get(h, "archive"), "complete"));
	json_decref(h);
	json_decref(items);
	page_render(rq, status, "household", "nav_households", data);
}

void page_household(struct request *rq)
{
	page_lang(rq);
	household_page(rq, 200, NULL);
}

/* The image viewer: one picture of the household's file large (its upright copy), with
 * previous/next links and a strip of thumbnails; links only, so keys and phones work. */
void page_household_pictures(struct request *rq)
{
	json_t *h = NULL, *items = NULL;
	page_lang(rq);
	enum outcome res = household_get(&rq->cx, rq->ids[0], &h);
	struct item_filter f = {.household_id = rq->ids[0], .limit = 500};
	if (res == OUT_OK)
		audit_read(&rq->cx, "read", "household", rq->ids[0], 1, "pictures");
	if (res != OUT_OK || archive_item_list(&rq->cx, &f, &items) != OUT_OK) {
		json_decref(h);
		page_outcome(rq, res != OUT_OK ? res : OUT_INTERNAL);
		return;
	}
	int64_t want = rq_query_int(rq, "file", 1, INT64_MAX, 0);
	json_t *pictures = json_array(), *it, *file, *current = NULL;
	size_t i, j, at = 0;
	json_array_foreach(json_object_get(items, "items"), i, it)
		json_array_foreach(json_object_get(it, "files"), j, file) {
			if (json_is_true(json_object_get(file, "superseded")) ||
			    !json_is_string(json_object_get(file, "thumbnail_url")) ||
			    strcmp(json_string_value(json_object_get(file, "kind")), "image") != 0)
				continue;
			json_object_set(file, "item_title", json_object_get(it, "title"));
			if (!current && (want == 0 || json_integer_value(json_object_get(file, "id")) == want)) {
				current = file;
				at = json_array_size(pictures);
			}
			json_array_append(pictures, file);
		}
	json_t *data = json_pack("{s:I, s:O, s:o}", "household_id", (json_int_t)rq->ids[0],
				 "number", json_object_get(h, "number"), "pictures", pictures);
	if (current) {
		json_t *ref = json_object_get(current, "reference_url");
		json_t *c = json_pack("{s:O, s:O, s:O, s:O, s:I, s:I}", "src",
			json_is_string(ref) ? ref : json_object_get(current, "url"),
			"url", json_object_get(current, "url"), "name", json_object_get(current, "name"),
			"item_title", json_object_get(current, "item_title"),
			"position", (json_int_t)at + 1, "total", (json_int_t)json_array_size(pictures));
		if (at > 0)
			json_object_set(c, "prev", json_object_get(json_array_get(pictures, at - 1), "id"));
		if (at + 1 < json_array_size(pictures))
			json_object_set(c, "next", json_object_get(json_array_get(pictures, at + 1), "id"));
		json_object_set_new(current, "selected", json_true());
		json_object_set_new(data, "current", c);
	}
	json_decref(h);
	json_decref(items);
	page_render(rq, current || want == 0 ? 200 : 404, "pictures", "pictures", data);
}

/* The upload form of the household page: the same streamed upload as the API, then back
 * to the page; a refused upload answers the page itself with each message beside its
 * field and the typed values kept (nothing was stored). */
void page_item_upload(struct request *rq)
{
	struct upload *u = rq->upload;
	enum outcome framing = upload_check(rq);
	if (framing != OUT_OK) {	/* the same refusals as the API's upload */
		page_outcome(rq, framing);
		return;
	}
	struct archive_file files[UPLOAD_MAX_FILES];
	int n = 0;
	for (int i = 0; i < u->nfiles; i++)
		if (strcmp(u->files[i].field, "file") == 0 && u->files[i].w.size > 0)
			files[n++] = (struct archive_file){u->files[i].name, &u->files[i].w,
				u->files[i].mime, &u->files[i].media,
				u->files[i].media.has_thumbnail ? &u->files[i].thumb : NULL,
				u->files[i].media.has_reference ? &u->files[i].reference : NULL};
	json_t *fields = upload_fields(u), *out = NULL;
	/* an empty optional field in a form means "not given" */
	const char *key;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(fields, tmp, key, v)
		if (json_is_string(v) && json_string_length(v) == 0)
			json_object_del(fields, key);
	json_t *kept = json_deep_copy(fields);	/* the typed values, for a refusal */
	enum outcome res = archive_item_create(&rq->cx, rq->ids[0], fields, files, n, &out);
	json_decref(fields);
	json_decref(out);
	page_lang(rq);
	if (res == OUT_OK)
		page_saved(rq, arena_printf(&rq->arena, "/households/%lld#items", (long long)rq->ids[0]),
			   "item");
	else if (res == OUT_INVALID || res == OUT_UNSUPPORTED)
		household_page(rq, outcome_status(res), kept);
	else
		page_outcome(rq, res);
	json_decref(kept);
}

/* The upload's own address asked for as a page (a refused upload's page reloaded, or its
 * address typed): the household's page, its archive section, rather than 405. */
void page_item_upload_get(struct request *rq)
{
	page_redirect(rq, arena_printf(&rq->arena, "/households/%lld#upload", (long long)rq->ids[0]));
}
