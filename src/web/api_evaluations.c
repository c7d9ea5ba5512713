/* api_evaluations: thin HTTP glue over the model-household evaluations
 * (domain/evaluation.c): schemes, scores, results, approval and publication, the published
 * list as a PDF, a household's awards, the figures, and the CSV/XLSX downloads of the lists
 * of schemes and of a scheme's results. */
#include <string.h>

#include "domain/audit.h"
#include "domain/dossier.h"
#include "domain/evaluation.h"
#include "domain/privacy.h"
#include "web/export.h"
#include "web/routes.h"

static const char *const formats[] = {"json", "csv", "xlsx", NULL};
static const int any_code[] = {2, 4, 6, 9, 12, 0};

/* The columns of a download, labelled from the catalogue (PREFIX + key). */
static json_t *columns(struct request *rq, const char *prefix, const char *const *keys)
{
	json_t *cols = json_array();
	for (int i = 0; keys[i]; i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", keys[i], "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "%s%s", prefix, keys[i]))));
	return cols;
}

/* ---------------------------------------------------------------- schemes */

void api_evaluations_list(struct request *rq)
{
	static const char *const keys[] = {"id", "kind", "title", "subject", "division_name",
		"period_from", "period_to", "status", "subjects", "awards", "approved_at",
		"approved_by", "published_at", NULL};
	const char *format = rq_query_enum(rq, "format", formats);
	bool file = format && strcmp(format, "json") != 0;
	struct evaluation_filter f = {
		.kind = rq_query_enum(rq, "kind", evaluation_kinds),
		.status = rq_query_enum(rq, "status", evaluation_statuses),
		.community = rq_query_code(rq, "community", any_code),
		.year = rq_query_int(rq, "year", 2000, 2100, 0),
		.after = rq_query_int(rq, "after", 0, INT64_MAX, 0),
		.limit = file ? 100000 : (int)rq_query_int(rq, "limit", 1, 500, 50),
	};
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = evaluation_list(&rq->cx, &f, &out);
	if (res == OUT_OK && file) {
		export_begin(rq);
		audit_read(&rq->cx, "export", "evaluation", 0,
			   (int64_t)json_array_size(json_object_get(out, "items")),
			   arena_printf(&rq->arena, "evaluations.%s", format));
		struct export_table t = {.name = msg_get(rq->lang, "nav_evaluations"),
			.columns = columns(rq, "col_eva_", keys),
			.rows = json_incref(json_object_get(out, "items"))};
		export_column_words(t.columns, "kind", "evaluation_kind");
		export_column_words(t.columns, "subject", "evaluation_subject");
		export_column_words(t.columns, "status", "evaluation_status");
		json_decref(out);
		export_send(rq, format, "evaluations", &t, 1, 0);
		return;
	}
	if (res == OUT_OK)
		audit_read(&rq->cx, "list", "evaluation", 0,
			   (int64_t)json_array_size(json_object_get(out, "items")), NULL);
	rq_reply(rq, res, 200, out);
}

void api_evaluations_create(struct request *rq)
{
	rq_create_record(rq, evaluation_create, evaluation_etag, "/api/v1/evaluations/");
}

void api_evaluation_get(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = evaluation_get(&rq->cx, rq->ids[0], &out);
	rq_reply_record(rq, res, 200, out, evaluation_etag, NULL);
}

void api_evaluation_patch(struct request *rq)
{
	rq_change_record(rq, evaluation_act, evaluation_etag);
}

void api_evaluation_scores(struct request *rq) { rq_write_one(rq, evaluation_score, 200); }

/* ---------------------------------------------------------------- results */

void api_evaluation_results(struct request *rq)
{
	static const char *const keys[] = {"rank", "household_number", "name", "id_number",
		"total", "awarded", "evaluators", "complete", NULL};
	const char *format = rq_query_enum(rq, "format", formats);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = evaluation_results(&rq->cx, rq->ids[0], &out);
	if (res == OUT_OK)
		privacy_present(rq->actor.role, out);
	if (res == OUT_OK && format && strcmp(format, "json") != 0) {
		export_begin(rq);
		audit_read(&rq->cx, "export", "evaluation", rq->ids[0],
			   (int64_t)json_array_size(json_object_get(out, "items")),
			   arena_printf(&rq->arena, "results.%s", format));
		json_t *r;	/* yes/no as words: a sheet leaves a boolean's cell empty */
		size_t i;
		json_array_foreach(json_object_get(out, "items"), i, r) {
			json_object_set_new(r, "awarded", json_string(json_is_true(json_object_get(r,
				"awarded")) ? msg_get(rq->lang, "eva_awarded") : ""));
			json_object_set_new(r, "complete", json_string(json_is_true(json_object_get(r,
				"complete")) ? msg_get(rq->lang, "col_eva_complete") : ""));
		}
		struct export_table t = {.name = msg_get(rq->lang, "eva_results"),
			.columns = columns(rq, "col_eva_", keys),
			.rows = json_incref(json_object_get(out, "items"))};
		json_decref(out);
		export_send(rq, format, arena_printf(&rq->arena, "evaluation-%lld",
			    (long long)rq->ids[0]), &t, 1, 0);
		return;
	}
	rq_reply(rq, res, 200, out);
}

/* The published list: the awarded, best first, as the public may see them (masked as for a
 * role without full identity, whoever prints it: the list goes on a notice board). */
void api_evaluation_pdf(struct request *rq)
{
	json_t *out = NULL;
	export_begin(rq);
	enum outcome res = evaluation_results(&rq->cx, rq->ids[0], &out);
	json_t *scheme = json_object_get(out, "scheme");
	if (res == OUT_OK && strcmp(json_string_value(json_object_get(scheme, "status")),
				    "published") != 0) {
		verrors_add(&rq->errs, "status", "evaluation_not_published");
		res = OUT_CONFLICT;
	}
	if (res != OUT_OK) {
		json_decref(out);
		rq_problem(rq, res, NULL);
		return;
	}
	privacy_present(ROLE_VOLUNTEER, out);
	struct export_mark m;
	export_mark_of(rq, &m);
	json_t *cols = json_array(), *rows = json_array(), *r;
	static const char *const heads[] = {"col_eva_rank", "col_eva_household_number",
		"col_eva_name", "col_eva_id_number", "col_eva_total"};
	static const double widths[] = {50, 120, 110, 139, 80};
	for (int i = 0; i < 5; i++)
		json_array_append_new(cols, json_pack("{s:s, s:f}", "label", msg_get(rq->lang, heads[i]),
						      "width", widths[i]));
	size_t i;
	json_array_foreach(json_object_get(out, "items"), i, r) {
		if (!json_is_true(json_object_get(r, "awarded")))
			continue;
		const char *name = json_string_value(json_object_get(r, "name"));
		const char *id = json_string_value(json_object_get(r, "id_number"));
		json_array_append_new(rows, json_pack("[s, s, s, s, s]",
			arena_printf(&rq->arena, "%lld", (long long)json_integer_value(
				json_object_get(r, "rank"))),
			json_string_value(json_object_get(r, "household_number")), name ? name : "",
			id ? id : "", arena_printf(&rq->arena, "%.2f", json_number_value(
				json_object_get(r, "total")))));
	}
	const char *subtitle = arena_printf(&rq->arena, "%s · %s – %s · %s %s", json_string_value(
		json_object_get(scheme, "division_name")), json_string_value(json_object_get(scheme,
		"period_from")), json_string_value(json_object_get(scheme, "period_to")),
		msg_get(rq->lang, "col_eva_published_at"), json_string_value(json_object_get(scheme,
		"published_at")));
	res = dossier_list_pdf(arena_printf(&rq->arena, "%s %s", json_string_value(
		json_object_get(scheme, "title")), msg_get(rq->lang, "eva_award_list")), subtitle, cols,
		rows, &m, &rq->out);
	json_decref(cols);
	json_decref(rows);
	json_decref(out);
	if (res != OUT_OK) {
		buf_reset(&rq->out);
		rq_problem(rq, res, NULL);
		return;
	}
	audit_read(&rq->cx, "export", "evaluation", rq->ids[0], 1, "list.pdf");
	rq->status = 200;
	rq->content_type = "application/pdf";
	export_pdf_headers(rq, &m, arena_printf(&rq->arena, "evaluation-%lld",
						(long long)rq->ids[0]));
}

/* ---------------------------------------------------------------- awards, figures */

void api_household_awards(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = evaluation_awards(&rq->cx, rq->ids[0], &out);
	rq_reply(rq, res, 200, out);
}

void api_report_evaluations(struct request *rq)
{
	const char *community = rq_query_code(rq, "community", any_code);
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = evaluation_figures(&rq->cx, community, &out);
	rq_reply(rq, res, 200, out);
}
