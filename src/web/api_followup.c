/* api_followup: thin HTTP glue over the employer register, worklists, the follow-up
 * settings and the reports (domain/employers.c, worklist.c, report_employment.c,
 * steps.c); the ledgers' own API is api_ledgers.c. */
#include <stdlib.h>
#include <string.h>

#include "domain/checklist.h"
#include "domain/division.h"
#include "domain/employers.h"
#include "domain/household.h"
#include "domain/privacy.h"
#include "domain/report_employment.h"
#include "domain/steps.h"
#include "domain/worklist.h"
#include "web/api_audit.h"
#include "web/export.h"
#include "web/page.h"
#include "web/routes.h"

void api_employers_list(struct request *rq) { rq_read_all(rq, employers_list); }
void api_employers_create(struct request *rq) { rq_write_new(rq, employers_create, 201); }

/* ---------------------------------------------------------------- worklists */

static const char *const formats[] = {"json", "csv", "xlsx", NULL};

void api_worklists(struct request *rq) { rq_read_all(rq, worklist_counts); }

/* The columns of a worklist export, labelled in the export's language. */
static json_t *worklist_columns(struct request *rq)
{
	static const char *const keys[] = {"number", "head_name", "person_name", "detail",
		"responsible_person", "origin_town", "dest_community", "address", "room", "phone", NULL};
	json_t *cols = json_array();
	for (int i = 0; keys[i]; i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", keys[i], "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "worklist_col_%s", keys[i]))));
	return cols;
}

/* A worklist export's source: the cursor, and what puts its codes into words. */
struct worklist_export {
	struct worklist_cursor *cur;
	enum lang lang;
	const char *rule;	/* in the request's arena, which outlives the export */
	json_t *types;		/* the document types, for the archive's detail */
};

/* A page of entries as a person planning a round reads them: the detail, the town and
 * the community in words, and where the household lives with its phone (masked as every
 * export masks, privacy_present). */
static enum outcome worklist_page(void *state, struct ctx *cx, int max, json_t **rows)
{
	struct worklist_export *x = state;
	enum outcome res = worklist_read(cx, x->cur, max, rows);
	size_t i;
	json_t *row;
	if (res != OUT_OK)
		return res;
	json_array_foreach(*rows, i, row) {
		page_worklist_detail(x->lang, cx->arena, x->rule, x->types, row);
		static const char *const places[] = {"origin_town", "dest_community", NULL};
		for (int k = 0; places[k]; k++) {
			const char *code = json_string_value(json_object_get(row, places[k]));
			char name[128] = "";
			if (code)
				division_name(cx->db, code, name, sizeof(name));
			if (*name)
				json_object_set_new(row, places[k], json_string(name));
		}
		if (!household_contact(cx, json_integer_value(json_object_get(row, "household_id")), row))
			return OUT_INTERNAL;
		privacy_present(cx->actor->role, row);
	}
	return res;
}

static void worklist_release(void *state)
{
	struct worklist_export *x = state;
	worklist_close(x->cur);
	json_decref(x->types);
	free(x);
}

/* A whole worklist as CSV or XLSX, read a page at a time from a cursor. */
static void worklist_download(struct request *rq, const char *format)
{
	struct worklist_cursor *cur = NULL;
	export_begin(rq);
	enum outcome res = worklist_open(&rq->cx, rq->key, &cur);
	if (res != OUT_OK) {
		rq_problem(rq, res, res == OUT_TOO_LARGE ? "export_too_large" : NULL);
		return;
	}
	audit_read(&rq->cx, "export", "worklist", 0, worklist_cursor_count(cur),
		   arena_printf(&rq->arena, "%s.%s", rq->key, format));
	struct worklist_export *x = malloc(sizeof(*x));
	if (!x) {
		worklist_close(cur);
		rq_problem(rq, OUT_TOO_LARGE, "export_too_large");
		return;
	}
	*x = (struct worklist_export){cur, rq->lang, rq->key, checklist_doc_types(&rq->cx)};
	struct export_table t = {
		.name = msg_get(rq->lang, arena_printf(&rq->arena, "rule_%s", rq->key)),
		.columns = worklist_columns(rq), .next = worklist_page, .state = x,
		.release = worklist_release,
	};
	export_send(rq, format, arena_printf(&rq->arena, "worklist-%s", rq->key), &t, 1, 0);
}

void api_worklist(struct request *rq)
{
	const char *format = rq_query_enum(rq, "format", formats);
	int limit = (int)rq_query_int(rq, "limit", 1, 500, 50);
	const char *after = rq_query(rq, "after");
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	if (format && strcmp(format, "json") != 0) {
		worklist_download(rq, format);
		return;
	}
	json_t *out = NULL;
	enum outcome res = worklist_entries(&rq->cx, rq->key, after, limit, &out);
	api_audit_answer(rq, res, "list", "worklist", 0, out, rq->key);
	rq_reply(rq, res, 200, out);
}

void api_followup_settings(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = worklist_rules(&rq->cx, &out);
	rq_reply(rq, res, 200, out);
}

void api_followup_settings_put(struct request *rq)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = worklist_rules_put(&rq->cx, body, &out);
	json_decref(body);
	rq_reply(rq, res, 200, out);
}

/* ---------------------------------------------------------------- employment report */

void api_report_employment(struct request *rq)
{
	static const char *const tables[] = {"county", "town", "community", NULL};
	const char *format = rq_query_enum(rq, "format", formats);
	const char *table = rq_query_enum(rq, "table", tables);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	if (format && strcmp(format, "json") != 0)
		export_begin(rq);
	const char *with = rq_query(rq, "worklists");
	bool worklists = with && strcmp(with, "true") == 0;
	json_t *out = NULL;
	/* with the worklists' counts: one pass computes both (what the dashboard shows) */
	enum outcome res = worklists ? report_employment_overview(&rq->cx, &out)
				     : report_employment(&rq->cx, &out);
	if (res != OUT_OK || !format || strcmp(format, "json") == 0) {
		rq_reply(rq, res, 200, out);
		return;
	}
	json_t *t = report_employment_tables(out, rq->lang);
	size_t index = !table ? 1 : strcmp(table, "county") == 0 ? 0 : strcmp(table, "town") == 0 ? 1 : 2;
	struct export_table sheets[3];
	int n = 0;
	json_t *one;
	size_t i;
	json_array_foreach(t, i, one) {
		if (n == 3)
			break;
		sheets[n++] = (struct export_table){
			.name = arena_strdup(&rq->arena, json_string_value(json_object_get(one, "name"))),
			.columns = json_incref(json_object_get(one, "columns")),
			.rows = json_incref(json_object_get(one, "rows"))};
	}
	json_decref(t);
	json_decref(out);
	export_send(rq, format, "employment-report", sheets, n, index < (size_t)n ? (int)index : 0);
}

/* The records behind a figure, read a page at a time for a download; the cursor's texts
 * are the copies it owns. */
struct records_source {
	struct report_records_cursor cursor;
	char *figure, *area;
};

static enum outcome records_page(void *state, struct ctx *cx, int max, json_t **rows)
{
	struct records_source *r = state;
	return report_employment_records_next(&r->cursor, cx, max, rows);
}

static void records_release(void *state)
{
	struct records_source *r = state;
	free(r->figure);
	free(r->area);
	free(r);
}

static void records_download(struct request *rq, const char *format, const char *figure,
			     const char *area)
{
	static const char *const keys[][2] = {{"number", "worklist_col_number"},
		{"name", "report_col_name"}, {"household_id", "records_col_household_id"},
		{"id", "records_col_id"}};
	json_t *probe = NULL;
	export_begin(rq);
	/* an unknown figure or area is a 422 before anything is sent */
	enum outcome res = report_employment_records(&rq->cx, figure, area, 0, 1, &probe);
	json_decref(probe);
	struct records_source *r = res == OUT_OK ? calloc(1, sizeof(*r)) : NULL;
	if (r && (!(r->figure = strdup(figure)) || !(r->area = strdup(area)))) {
		records_release(r);
		r = NULL;
		res = OUT_TOO_LARGE;
	}
	if (r)
		r->cursor = (struct report_records_cursor){.figure = r->figure, .area = r->area};
	if (!r) {
		rq_problem(rq, res == OUT_OK ? OUT_TOO_LARGE : res, NULL);
		return;
	}
	json_t *cols = json_array();
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", keys[i][0], "label",
						      msg_get(rq->lang, keys[i][1])));
	struct export_table t = {.name = figure, .columns = cols, .next = records_page, .state = r,
				 .release = records_release};
	export_send(rq, format, arena_printf(&rq->arena, "records-%s", figure), &t, 1, 0);
}

void api_report_employment_records(struct request *rq)
{
	static const int area_len[] = {9, 12, 0};
	const char *figure = rq_query(rq, "figure");
	const char *area = rq_query_code(rq, "area", area_len);
	const char *format = rq_query_enum(rq, "format", formats);
	int64_t after = rq_query_int(rq, "after", 0, INT64_MAX, 0);
	int limit = (int)rq_query_int(rq, "limit", 1, 500, 50);
	if (!figure)
		verrors_add(&rq->errs, "figure", "required");
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	if (format && strcmp(format, "json") != 0) {
		records_download(rq, format, figure, area ? area : "");
		return;
	}
	json_t *out = NULL;
	enum outcome res = report_employment_records(&rq->cx, figure, area ? area : "", after, limit, &out);
	api_audit_answer(rq, res, "list", "report", 0, out, figure);
	rq_reply(rq, res, 200, out);
}

void api_report_relocation(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = steps_progress(&rq->cx, &out);
	rq_reply(rq, res, 200, out);
}
