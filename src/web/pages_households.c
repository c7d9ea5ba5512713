/* pages_households: dashboard, the households list and search, a household's file with
 * its archive and upload form, the new-household form, static files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/embedded.h"
#include "domain/activity.h"
#include "domain/archive.h"
#include "domain/checklist.h"
#include "domain/division.h"
#include "domain/audit.h"
#include "domain/business.h"
#include "domain/household.h"
#include "domain/household_glance.h"
#include "domain/ledger.h"
#include "domain/person.h"
#include "domain/needs.h"
#include "domain/evaluation.h"
#include "domain/petition.h"
#include "domain/privacy.h"
#include "domain/report.h"
#include "domain/search.h"
#include "domain/service.h"
#include "web/api_audit.h"
#include "web/upload.h"
#include "web/page.h"
#include "web/template.h"
#include "web/pages_followup.h"

/* ---------------------------------------------------------------- dashboard */

void page_dashboard(struct request *rq)
{
	json_t *report = NULL;
	page_lang(rq);
	enum outcome got = report_county(&rq->cx, &report);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	static const struct chart_words towns_words = {"chart-towns", "report_col_name", "report_households", NULL},
		communities_words = {"chart-communities", "report_col_name", "report_households",
				     "report_incomplete_files"};
	char *towns = page_svg_bar_chart(rq, json_object_get(report, "by_origin_town"), "name", "households",
				NULL, "/households?town=", &towns_words);
	char *communities = page_svg_bar_chart(rq, json_object_get(report, "by_destination_community"), "name",
				      "households", "incomplete_household_files", "/households?community=",
				      &communities_words);
	json_t *data = json_pack("{s:o, s:s, s:s}", "report", report, "chart_towns", towns ? towns : "",
				 "chart_communities", communities ? communities : "");
	free(towns);
	free(communities);
	json_t *w;
	size_t i;
	json_array_foreach(json_object_get(report, "worklists"), i, w)
		json_object_set_new(w, "name", json_string(msg_get(rq->lang, arena_printf(&rq->arena,
			"rule_%s", json_string_value(json_object_get(w, "rule"))))));
	json_object_set(data, "worklists", json_object_get(report, "worklists"));
	json_t *services = NULL;	/* the one-stop platform's last mile (domain/service.h) */
	if (service_figures(&rq->cx, NULL, &services) == OUT_OK)
		json_object_set(data, "services", json_object_get(services, "totals"));
	json_decref(services);
	json_t *petitions = NULL;	/* suggestions and petitions against their deadlines */
	if (petition_figures(&rq->cx, NULL, &petitions) == OUT_OK)
		json_object_set(data, "petitions", json_object_get(petitions, "totals"));
	json_decref(petitions);
	json_t *needs = NULL;	/* the needs ledger (台账): open, overdue (domain/needs.h) */
	if (need_figures(&rq->cx, NULL, &needs) == OUT_OK)
		json_object_set(data, "needs", json_object_get(needs, "totals"));
	json_decref(needs);
	json_t *evaluations = NULL;	/* 文明大家比: schemes and awards */
	if (evaluation_figures(&rq->cx, NULL, &evaluations) == OUT_OK) {
		json_object_set(data, "evaluations", json_object_get(evaluations, "totals"));
		json_t *y = json_array_get(json_object_get(evaluations, "by_year"),
			json_array_size(json_object_get(evaluations, "by_year")) - 1);
		if (y)	/* the latest year's awards */
			json_object_set(data, "evaluations_year", y);
	}
	json_decref(evaluations);
	char today[11];
	date_format(rq->cx.today, today);
	struct activity_filter year = {.from = arena_printf(&rq->arena, "%.4s-01-01", today)};
	json_t *activities = NULL;	/* this year's community activities (domain/activity.h) */
	if (activity_figures(&rq->cx, &year, &activities) == OUT_OK) {
		json_object_set(data, "activities", json_object_get(activities, "totals"));
		json_object_set_new(data, "activities_from", json_string(year.from));
	}
	json_decref(activities);
	json_t *businesses = NULL;	/* start-ups and home employment (domain/business.h) */
	if (business_figures(&rq->cx, NULL, &businesses) == OUT_OK) {
		json_object_set(data, "businesses", json_object_get(businesses, "totals"));
		json_object_set(data, "home_jobs", json_object_get(businesses, "home_jobs"));
	}
	json_decref(businesses);
	json_t *verified = audit_chain_last_verification(&rq->cx);	/* the audit chain's state */
	page_times(rq, verified, "at");
	json_object_set_new(data, "verification", verified ? verified : json_null());
	page_render(rq, 200, "dashboard", "nav_dashboard", data);
}

/* ---------------------------------------------------------------- households */

#define SEARCH_PAGE 20	/* results on one page */
#define SEARCH_CAP 200	/* results counted; beyond, the count says "or more" */

/* o[key] as HTML with the first occurrence of q in <mark>, under key_html. */
static void mark_match(struct request *rq, json_t *o, const char *key, const char *q)
{
	const char *text = json_string_value(json_object_get(o, key));
	if (!text)
		return;
	struct buf b = BUF_INIT;
	const char *at = *q ? strstr(text, q) : NULL;
	if (at) {
		template_escape_html(&b, arena_strndup(&rq->arena, text, (size_t)(at - text)));
		buf_puts(&b, "<mark>");
		template_escape_html(&b, arena_strndup(&rq->arena, at, strlen(q)));
		buf_puts(&b, "</mark>");
		template_escape_html(&b, at + strlen(q));
	} else {
		template_escape_html(&b, text);
	}
	json_object_set_new(o, arena_printf(&rq->arena, "%s_html", key), json_string(b.data ? b.data : ""));
	buf_release(&b);
}

/* The search results as one list: a count, one page of hits with what tells them apart,
 * the matched text marked, each opening the person or the household. */
static enum outcome households_search(struct request *rq, const char *q, const struct search_filter *f,
				      const char *keep, json_t *data)
{
	json_t *found = NULL;
	int64_t from = rq_query_int(rq, "from", 0, SEARCH_CAP, 0);
	rq->errs.n = 0;	/* a page number out of range is the first page */
	enum outcome got = search_run_filtered(&rq->cx, q, f, SEARCH_CAP, &found);
	if (got == OUT_INVALID || got == OUT_RATE_LIMITED) {
		json_object_set_new(data, "search_error", page_json_text_or_null(page_field_error(rq, "q")));
		rq->errs.n = 0;	/* a bad query just finds nothing */
		return OUT_OK;
	}
	if (got != OUT_OK)
		return got;
	json_t *all = json_object_get(found, "results"), *shown = json_array(), *it;
	size_t total = json_array_size(all);
	for (size_t i = (size_t)from; i < total && i < (size_t)from + SEARCH_PAGE; i++)
		json_array_append(shown, json_array_get(all, i));
	if (search_describe(&rq->cx, shown) != OUT_OK) {
		json_decref(shown);
		json_decref(found);
		return OUT_INTERNAL;
	}
	api_audit_answer(rq, OUT_OK, "search", "search", 0, found, q);
	const char *query = json_string_value(json_object_get(found, "q"));
	size_t i;
	json_array_foreach(shown, i, it) {
		const char *kind = json_string_value(json_object_get(it, "kind"));
		int64_t id = json_integer_value(json_object_get(it, strcmp(kind, "person") == 0 ? "id" : "household_id"));
		json_object_set_new(it, "href", json_string(arena_printf(&rq->arena, "/%s/%lld",
			strcmp(kind, "person") == 0 ? "persons" : "households", (long long)id)));
		json_object_set_new(it, "is_person", json_boolean(strcmp(kind, "person") == 0));
		json_object_set_new(it, "is_item", json_boolean(strcmp(kind, "item") == 0));
		page_label(rq, it, "match", "match");
		mark_match(rq, it, "name", query);
		mark_match(rq, it, "origin_village_name", query);
		mark_match(rq, it, "dest_community_name", query);
		mark_match(rq, it, "household_number", query);
	}
	json_object_set_new(data, "searching", json_true());
	json_object_set_new(data, "count", json_integer((json_int_t)total));
	json_object_set_new(data, "count_capped", json_boolean(total >= SEARCH_CAP));
	json_object_set_new(data, "shown_from", json_integer(total ? from + 1 : 0));
	json_object_set_new(data, "shown_to", json_integer(from + (json_int_t)json_array_size(shown)));
	const char *enc = page_url_encode(rq, query);
	/* the pages keep the filters (category, town, community) the search is narrowed to */
	if ((size_t)from + SEARCH_PAGE < total)
		json_object_set_new(data, "search_next", json_string(arena_printf(&rq->arena,
			"/households?q=%s%s&from=%lld", enc, keep, (long long)from + SEARCH_PAGE)));
	if (from > 0)
		json_object_set_new(data, "search_prev", json_string(arena_printf(&rq->arena,
			"/households?q=%s%s&from=%lld", enc, keep,
			(long long)(from > SEARCH_PAGE ? from - SEARCH_PAGE : 0))));
	json_object_set_new(data, "results", shown);
	json_decref(found);
	return OUT_OK;
}

void page_households(struct request *rq)
{
	static const int town_len[] = {9, 0}, community_len[] = {12, 0};
	struct household_filter f = {0};
	page_lang(rq);
	const char *q = rq_query(rq, "q");
	json_t *data = json_object();
	/* the filters, the same for the list and a search, said in words and kept by the
	 * next page's link */
	f.category = rq_query_enum(rq, "category", household_categories);
	f.town = rq_query_code(rq, "town", town_len);
	f.community = rq_query_code(rq, "community", community_len);
	bool bad_filter = rq->errs.n > 0;
	json_t *filter = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "q", q ? q : "",
				   "category", f.category ? f.category : "",
				   "town", f.town ? f.town : "", "community", f.community ? f.community : "",
				   "poor", f.category && strcmp(f.category, "registered_poor") == 0,
				   "sync", f.category && strcmp(f.category, "synchronous") == 0);
	json_object_set_new(data, "filter", filter);
	json_t *on = json_array();
	struct buf keep = BUF_INIT;
	char name[128];
	if (f.category) {
		json_array_append_new(on, json_pack("{s:s, s:s}", "label", msg_get(rq->lang, "field_category"),
			"value", msg_get(rq->lang, arena_printf(&rq->arena, "category_%s", f.category))));
		buf_printf(&keep, "&category=%s", f.category);
	}
	if (f.town) {
		division_name(rq->cx.db, f.town, name, sizeof(name));
		json_array_append_new(on, json_pack("{s:s, s:s}", "label", msg_get(rq->lang, "filter_town"),
						    "value", name));
		buf_printf(&keep, "&town=%s", f.town);
	}
	if (f.community) {
		division_name(rq->cx.db, f.community, name, sizeof(name));
		json_array_append_new(on, json_pack("{s:s, s:s}", "label", msg_get(rq->lang, "filter_community"),
						    "value", name));
		buf_printf(&keep, "&community=%s", f.community);
	}
	json_object_set_new(data, "has_filter", json_boolean(json_array_size(on) > 0));
	json_object_set_new(data, "filters_on", on);
	const char *kept = arena_strdup(&rq->arena, keep.data ? keep.data : "");
	buf_release(&keep);
	if (q && *q && !bad_filter) {	/* a search answers its hits alone, not the whole list under them */
		struct search_filter sf = {f.town, f.community, f.category};
		enum outcome got = households_search(rq, q, &sf, kept, data);
		if (got != OUT_OK) {
			json_decref(data);
			page_outcome(rq, got);
			return;
		}
		json_object_set_new(data, "searched", json_true());
		page_render(rq, 200, "households", "nav_households", data);
		return;
	}
	f.after = rq_query_int(rq, "after", 0, INT64_MAX, 0);
	f.limit = 50;
	json_t *list = NULL;
	enum outcome got = rq->errs.n ? OUT_INVALID : household_list(&rq->cx, &f, &list);
	if (got != OUT_OK) {
		json_decref(data);
		page_outcome(rq, got);
		return;
	}
	api_audit_answer(rq, OUT_OK, "list", "household", 0, list, "page");
	json_object_set(data, "items", json_object_get(list, "items"));
	json_t *row;
	size_t k;
	json_array_foreach(json_object_get(list, "items"), k, row)
		page_label(rq, row, "status", "status");	/* the household's status in words */
	json_t *next = json_object_get(list, "next");
	if (json_is_string(next))	/* the cursor: digits */
		json_object_set_new(data, "next_href", json_string(arena_printf(&rq->arena, "/households?after=%s%s",
			json_string_value(next), kept)));
	json_decref(list);
	page_render(rq, 200, "households", "nav_households", data);
}

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

/* ---------------------------------------------------------------- static files */

extern const struct embedded_file web_static[];

void page_static(struct request *rq)
{
	const char *name = strrchr(rq->path, '/') + 1;
	for (const struct embedded_file *f = web_static; f->name; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		buf_puts(&rq->out, f->content);
		rq->status = 200;
		rq->content_type = strstr(name, ".css") ? "text/css; charset=utf-8"
							: "text/javascript; charset=utf-8";
		return;
	}
	rq_problem(rq, OUT_NOT_FOUND, NULL);
}

/* ---------------------------------------------------------------- new household form */

#define FORM_ROWS 6

/* The form, with the values given so far and each error beside its field. `row_of[k]` is
 * the form row of members[k] in the request that failed. */
static void household_form(struct request *rq, unsigned status, json_t *f, const int *row_of, int nrows)
{
	json_t *fields = page_household_form_fields(rq, f), *rows = json_array();
	for (int r = 0; r < FORM_ROWS; r++) {
		char k[32], e1[48], e2[48], e3[48];
		int member = -1;
		for (int m = 0; m < nrows; m++)
			if (row_of[m] == r)
				member = m;
		snprintf(e1, sizeof(e1), "members[%d].id_number", member);
		snprintf(e2, sizeof(e2), "members[%d].name", member);
		snprintf(e3, sizeof(e3), "members[%d].relation", member);
		json_t *row = json_pack("{s:i, s:i}", "i", r, "n", r + 1);
		snprintf(k, sizeof(k), "m%d_id_number", r);
		json_object_set_new(row, "id_number", json_string(json_string_value(json_object_get(f, k)) ?: ""));
		snprintf(k, sizeof(k), "m%d_name", r);
		json_object_set_new(row, "name", json_string(json_string_value(json_object_get(f, k)) ?: ""));
		snprintf(k, sizeof(k), "m%d_relation", r);
		json_object_set_new(row, "relations", page_code_options(rq, person_relations, "relation",
					json_string_value(json_object_get(f, k))));
		json_object_set_new(row, "err_id_number", page_json_text_or_null(member >= 0 ? page_field_error(rq, e1) : NULL));
		json_object_set_new(row, "err_name", page_json_text_or_null(member >= 0 ? page_field_error(rq, e2) : NULL));
		json_object_set_new(row, "err_relation", page_json_text_or_null(member >= 0 ? page_field_error(rq, e3) : NULL));
		json_array_append_new(rows, row);
	}
	json_t *data = json_pack("{s:o, s:o, s:b}", "fields", fields, "rows", rows, "failed", rq->errs.n > 0);
	json_object_set_new(data, "err_members", page_json_text_or_null(page_field_error(rq, "members")));
	page_render(rq, status, "household_new", "new_household", data);
}

void page_household_new(struct request *rq)
{
	page_lang(rq);
	json_t *f = json_object();
	/* a community worker's households mostly move into its own community: chosen already
	 * (not imposed: a household is in scope by its origin village too) */
	const char *mine = page_community_chosen(rq, f, "dest_community");
	if (*mine)
		json_object_set_new(f, "dest_community", json_string(mine));
	household_form(rq, 200, f, NULL, 0);
	json_decref(f);
}

void page_household_create(struct request *rq)
{
	int row_of[FORM_ROWS], n = 0;
	page_lang(rq);
	json_t *f = page_form(rq);
	if (!f) {
		page_outcome(rq, OUT_BAD_REQUEST);
		return;
	}
	/* The form's text becomes the API's JSON: empty fields are absent. */
	json_t *body = json_object(), *members = json_array();
	for (int i = 0; page_household_form_keys[i]; i++) {
		const char *v = json_string_value(json_object_get(f, page_household_form_keys[i]));
		if (v && *v)
			json_object_set_new(body, page_household_form_keys[i], json_string(v));
	}
	for (int r = 0; r < FORM_ROWS; r++) {
		char k1[32], k2[32], k3[32];
		snprintf(k1, sizeof(k1), "m%d_id_number", r);
		snprintf(k2, sizeof(k2), "m%d_name", r);
		snprintf(k3, sizeof(k3), "m%d_relation", r);
		const char *id = json_string_value(json_object_get(f, k1));
		const char *name = json_string_value(json_object_get(f, k2));
		const char *rel = json_string_value(json_object_get(f, k3));
		if ((!id || !*id) && (!name || !*name))
			continue;
		json_t *m = json_object();
		if (id && *id)
			json_object_set_new(m, "id_number", json_string(id));
		if (name && *name)
			json_object_set_new(m, "name", json_string(name));
		if (rel && *rel)
			json_object_set_new(m, "relation", json_string(rel));
		json_array_append_new(members, m);
		row_of[n++] = r;
	}
	json_object_set_new(body, "members", members);
	json_t *out = NULL;
	enum outcome res = household_create(&rq->cx, body, &out);
	json_decref(body);
	if (res == OUT_OK) {
		const char *to = page_saved_url(rq, arena_printf(&rq->arena, "/households/%lld",
			(long long)json_integer_value(json_object_get(out, "id"))), "household");
		json_decref(out);
		json_decref(f);
		page_redirect(rq, to);
		return;
	}
	if (res != OUT_INVALID) {
		json_decref(f);
		page_outcome(rq, res);
		return;
	}
	household_form(rq, outcome_status(OUT_INVALID), f, row_of, n);
	json_decref(f);
}
