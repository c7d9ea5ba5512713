/* api_followup: thin HTTP glue over the follow-up ledgers, worklists and the employment
 * report (domain/employment.c, guarantee.c, aftercare.c, worklist.c, employment_report.c). */
#include <string.h>

#include "domain/aftercare.h"
#include "domain/employment.h"
#include "domain/employment_report.h"
#include "domain/guarantee.h"
#include "domain/worklist.h"
#include "web/api_audit.h"
#include "web/export.h"
#include "web/routes.h"

typedef enum outcome (*read_fn)(struct ctx *cx, int64_t id, json_t **out);
typedef enum outcome (*write_fn)(struct ctx *cx, int64_t id, json_t *body, json_t **out);

static void read_one(struct request *rq, read_fn get)
{
	json_t *out = NULL;
	enum outcome res = get(&rq->cx, rq->ids[0], &out);
	const char *part = strrchr(rq->path, '/');	/* jobs, schooling, plots, ... */
	audit_answer(rq, res, "read", strncmp(rq->path, "/api/v1/persons/", 16) == 0 ? "person"
		     : "household", rq->ids[0], NULL, part ? part + 1 : NULL);
	rq_reply(rq, res, 200, out);
}

static void write_one(struct request *rq, write_fn op, unsigned status)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = op(&rq->cx, rq->ids[0], body, &out);
	json_decref(body);
	rq_reply(rq, res, status, out);
}

void api_jobs_list(struct request *rq) { read_one(rq, jobs_list); }
void api_jobs_create(struct request *rq) { write_one(rq, job_create, 201); }
void api_job_patch(struct request *rq) { write_one(rq, job_patch, 200); }
void api_trainings_list(struct request *rq) { read_one(rq, trainings_list); }
void api_trainings_create(struct request *rq) { write_one(rq, training_create, 201); }
void api_guarantees_list(struct request *rq) { read_one(rq, guarantees_list); }
void api_guarantees_create(struct request *rq) { write_one(rq, guarantee_create, 201); }
void api_schooling_get(struct request *rq) { read_one(rq, schooling_get); }
void api_schooling_put(struct request *rq) { write_one(rq, schooling_put, 200); }
void api_family_doctor_get(struct request *rq) { read_one(rq, family_doctor_get); }
void api_family_doctor_put(struct request *rq) { write_one(rq, family_doctor_put, 200); }
void api_plots_get(struct request *rq) { read_one(rq, plots_get); }
void api_plots_put(struct request *rq) { write_one(rq, plots_put, 200); }
void api_steps_get(struct request *rq) { read_one(rq, steps_get); }
void api_steps_put(struct request *rq) { write_one(rq, steps_put, 200); }
void api_visits_get(struct request *rq) { read_one(rq, visits_get); }
void api_visits_create(struct request *rq) { write_one(rq, visit_create, 201); }

void api_employers_list(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = employers_list(&rq->cx, &out);
	rq_reply(rq, res, 200, out);
}

void api_employers_create(struct request *rq)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = employer_create(&rq->cx, body, &out);
	json_decref(body);
	rq_reply(rq, res, 201, out);
}

/* ---------------------------------------------------------------- worklists */

static const char *const formats[] = {"json", "csv", "xlsx", NULL};

void api_worklists(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = worklist_counts(&rq->cx, &out);
	rq_reply(rq, res, 200, out);
}

/* The columns of a worklist export. */
static json_t *worklist_table(struct request *rq, json_t *list)
{
	static const char *const keys[] = {"number", "head_name", "person_name", "detail",
		"responsible_person", "origin_town", "dest_community", NULL};
	json_t *cols = json_array();
	for (int i = 0; keys[i]; i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", keys[i], "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "worklist_col_%s", keys[i]))));
	const char *rule = json_string_value(json_object_get(list, "rule"));
	const char *name = msg_get(rq->lang, arena_printf(&rq->arena, "rule_%s", rule));
	return json_pack("[{s:s, s:s, s:o, s:O}]", "name", name, "title", name, "columns", cols,
			 "rows", json_object_get(list, "items"));
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
	bool download = format && strcmp(format, "json") != 0;
	json_t *out = NULL;
	enum outcome res = worklist_entries(&rq->cx, rq->key, download ? NULL : after,
					    download ? 0 : limit, &out);
	audit_answer(rq, res, download ? "export" : "list", "worklist", 0,
		     out, download ? arena_printf(&rq->arena, "%s.%s", rq->key, format) : rq->key);
	if (res != OUT_OK || !download) {
		rq_reply(rq, res, 200, out);
		return;
	}
	json_t *tables = worklist_table(rq, out);
	export_reply(rq, tables, 0, format, arena_printf(&rq->arena, "worklist-%s", rq->key));
	json_decref(tables);
	json_decref(out);
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
	const char *with = rq_query(rq, "worklists");
	bool worklists = with && strcmp(with, "true") == 0;
	json_t *out = NULL;
	/* with the worklists' counts: one pass computes both (what the dashboard shows) */
	enum outcome res = worklists ? report_followup_overview(&rq->cx, &out)
				     : report_employment(&rq->cx, &out);
	if (res != OUT_OK || !format || strcmp(format, "json") == 0) {
		rq_reply(rq, res, 200, out);
		return;
	}
	json_t *t = report_employment_tables(out, rq->lang);
	size_t index = !table ? 1 : strcmp(table, "county") == 0 ? 0 : strcmp(table, "town") == 0 ? 1 : 2;
	export_reply(rq, t, index, format, "employment-report");
	json_decref(t);
	json_decref(out);
}

void api_report_employment_records(struct request *rq)
{
	static const int area_len[] = {9, 12, 0};
	const char *figure = rq_query(rq, "figure");
	const char *area = rq_query_code(rq, "area", area_len);
	int64_t after = rq_query_int(rq, "after", 0, INT64_MAX, 0);
	int limit = (int)rq_query_int(rq, "limit", 1, 500, 50);
	if (!figure)
		verrors_add(&rq->errs, "figure", "required");
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = report_employment_records(&rq->cx, figure, area ? area : "", after, limit, &out);
	audit_answer(rq, res, "list", "report", 0, out, figure);
	rq_reply(rq, res, 200, out);
}

void api_report_relocation(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = relocation_progress(&rq->cx, &out);
	rq_reply(rq, res, 200, out);
}
