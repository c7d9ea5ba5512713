/* evaluation_read: model-household evaluations (文明大家比), what is read: one scheme (and
 * the loading evaluation.c's writes share), a subject with its scores, the results as
 * computed from the scores (and settled at approval), the lists, a household's awards and
 * the figures. The writes are in evaluation.c. */
#include "domain/evaluation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/household_guard.h"
#include "domain/ledger.h"
#include "domain/record.h"

/* ---------------------------------------------------------------- loading */

#define SCHEME_NAMES "id kind title subject division_code division_name period_from" \
	" period_to year award_threshold award_top status created_at created_by approved_at" \
	" approved_by published_at published_by version"
#define SCHEME_KINDS "ittttttt" "irit" "tttttti"
#define SCHEME_SQL "SELECT s.id, s.kind, s.title, s.subject, s.division_code, d.name," \
	" s.period_from, s.period_to, s.year, s.award_threshold, s.award_top, s.status," \
	" s.created_at, s.created_by, s.approved_at, s.approved_by, s.published_at," \
	" s.published_by, s.version FROM evaluation_schemes s" \
	" LEFT JOIN divisions d ON d.code = s.division_code"
/* The scheme's division within a range of codes (3 parameters: lo, lo, hi; lo "" is any):
 * the actor's scope, or a filter's prefix (prefix_range). */
#define IN_RANGE "(? = '' OR (s.division_code >= ? AND s.division_code < ?))"

/* lo/hi of a division prefix ("" when none), for IN_RANGE. */
static void prefix_range(const char *code, char lo[16], char hi[17])
{
	*lo = *hi = '\0';
	if (code && *code) {
		snprintf(lo, 16, "%s", code);
		snprintf(hi, 17, "%s:", code);
	}
}

/* One scheme within the scope with its criteria and counts; NULL when there is none (or on
 * a storage error: store_failed_in_tx tells). */
json_t *evaluation_load(struct ctx *cx, int64_t id)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	json_t *rows = ledger_rows(cx, SCHEME_NAMES, SCHEME_KINDS, SCHEME_SQL
		" WHERE s.id = ? AND " IN_RANGE, "ittt", id, lo, lo, hi);
	json_t *s = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!s)
		return NULL;
	json_t *crit = ledger_rows(cx, "id code name min max weight", "ittrrr", "SELECT id, code,"
		" name, min_score, max_score, weight FROM evaluation_criteria WHERE scheme_id = ?"
		" ORDER BY position, id", "i", id);
	json_t *counts = ledger_rows(cx, "subjects scores evaluators awards", "iiii",
		"SELECT (SELECT count(*) FROM evaluation_subjects WHERE scheme_id = ?),"
		" (SELECT count(*) FROM evaluation_scores c JOIN evaluation_subjects u"
		" ON u.id = c.subject_id WHERE u.scheme_id = ?),"
		" (SELECT count(DISTINCT c.evaluator) FROM evaluation_scores c JOIN evaluation_subjects u"
		" ON u.id = c.subject_id WHERE u.scheme_id = ?),"
		" (SELECT count(*) FROM evaluation_subjects WHERE scheme_id = ? AND awarded = 1)",
		"iiii", id, id, id, id);
	if (!crit || !counts) {
		json_decref(crit);
		json_decref(counts);
		json_decref(s);
		return NULL;
	}
	json_object_set_new(s, "criteria", crit);
	json_object_update(s, json_array_get(counts, 0));
	json_decref(counts);
	return s;
}

void evaluation_etag(json_t *scheme, char out[48])
{
	record_etag('e', scheme, out);
}

enum outcome evaluation_get(struct ctx *cx, int64_t id, json_t **out)
{
	return record_get(cx, evaluation_load, "evaluation", id, out);
}

/* ---------------------------------------------------------------- scores */

#define SUBJECT_NAMES "id household_id household_number person_id name id_number total rank" \
	" awarded"
#define SUBJECT_KINDS "iititt" "rib"
/* The subject's name and ID number: the person's, or the household head's. */
#define SUBJECT_SQL "SELECT u.id, u.household_id, h.number, u.person_id," \
	" coalesce(p.name, (SELECT m.name FROM persons m WHERE m.household_id = h.id" \
	" AND m.relation = 'head' ORDER BY m.id LIMIT 1))," \
	" coalesce(p.id_number, (SELECT m.id_number FROM persons m WHERE m.household_id = h.id" \
	" AND m.relation = 'head' ORDER BY m.id LIMIT 1)), u.total, u.rank, u.awarded" \
	" FROM evaluation_subjects u JOIN households h ON h.id = u.household_id" \
	" LEFT JOIN persons p ON p.id = u.person_id"

/* A subject with every evaluator's scores ({"evaluator", "scores": {code: n}}). */
json_t *evaluation_subject_load(struct ctx *cx, int64_t subject_id)
{
	json_t *rows = ledger_rows(cx, SUBJECT_NAMES, SUBJECT_KINDS, SUBJECT_SQL " WHERE u.id = ?",
				   "i", subject_id);
	json_t *u = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!u)
		return NULL;
	struct store_rows *r = store_query(cx->db, "SELECT c.evaluator, k.code, c.score FROM"
		" evaluation_scores c JOIN evaluation_criteria k ON k.id = c.criterion_id"
		" WHERE c.subject_id = ? ORDER BY c.evaluator, k.position", "i", subject_id);
	json_t *by = json_array(), *last = NULL;
	while (store_next(r)) {
		const char *ev = store_text(r, 0);
		if (!last || strcmp(json_string_value(json_object_get(last, "evaluator")), ev) != 0) {
			last = json_pack("{s:s, s:{}}", "evaluator", ev, "scores");
			json_array_append_new(by, last);
		}
		json_object_set_new(json_object_get(last, "scores"), store_text(r, 1),
				    json_real(store_double(r, 2)));
	}
	json_object_set_new(u, "evaluations", by);
	if (store_finish(r) != STORE_OK) {
		json_decref(u);
		return NULL;
	}
	return u;
}

/* ---------------------------------------------------------------- results */

struct result {
	int64_t subject;
	double total;
	int complete;	/* criteria scored */
	int evaluators;
	int64_t rank;
	bool awarded;
	json_t *means;	/* {code: mean} */
};

static int by_total(const void *a, const void *b)
{
	const struct result *x = a, *y = b;
	if (x->complete != y->complete)
		return y->complete - x->complete;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return x->subject < y->subject ? -1 : x->subject > y->subject;
}

/* Computes the results of a scheme into *res (n of them), best first; NULL on a storage
 * error. `scheme` is as evaluation_load gives it. */
static struct result *compute(struct ctx *cx, json_t *scheme, size_t *n)
{
	json_t *crit = json_object_get(scheme, "criteria");
	size_t ncrit = json_array_size(crit);
	int64_t id = json_integer_value(json_object_get(scheme, "id"));
	int64_t count = json_integer_value(json_object_get(scheme, "subjects"));
	*n = 0;
	struct result *res = calloc((size_t)count + 1, sizeof(*res));
	if (!res)
		return NULL;
	struct store_rows *r = store_query(cx->db, "SELECT u.id, c.criterion_id, avg(c.score),"
		" count(*) FROM evaluation_subjects u JOIN evaluation_scores c ON c.subject_id = u.id"
		" WHERE u.scheme_id = ? GROUP BY u.id, c.criterion_id ORDER BY u.id", "i", id);
	double weights = 0;
	size_t i;
	json_t *k;
	json_array_foreach(crit, i, k)
		weights += json_real_value(json_object_get(k, "weight"));
	while (store_next(r)) {
		int64_t sid = store_int(r, 0);
		if (!*n || res[*n - 1].subject != sid) {
			if (*n >= (size_t)count)
				break;
			res[(*n)++] = (struct result){.subject = sid, .means = json_object()};
		}
		struct result *x = &res[*n - 1];
		json_array_foreach(crit, i, k)
			if (json_integer_value(json_object_get(k, "id")) == store_int(r, 1)) {
				double lo = json_real_value(json_object_get(k, "min"));
				double hi = json_real_value(json_object_get(k, "max"));
				double mean = store_double(r, 2);
				x->total += json_real_value(json_object_get(k, "weight")) * (mean - lo) /
					    (hi - lo);
				x->complete++;
				json_object_set_new(x->means, json_string_value(json_object_get(k, "code")),
						    json_real(round(mean * 100) / 100));
			}
		if (store_int(r, 3) > x->evaluators)
			x->evaluators = (int)store_int(r, 3);
	}
	if (store_finish(r) != STORE_OK) {
		for (size_t j = 0; j < *n; j++)
			json_decref(res[j].means);
		free(res);
		return NULL;
	}
	/* the score out of 100 to 0.01; a subject short of a criterion has none */
	for (size_t j = 0; j < *n; j++) {
		res[j].total = round(res[j].total / weights * 100 * 100) / 100;
		if ((size_t)res[j].complete < ncrit)
			res[j].complete = 0;
	}
	qsort(res, *n, sizeof(*res), by_total);
	json_t *thr = json_object_get(scheme, "award_threshold");
	int64_t top = json_integer_value(json_object_get(scheme, "award_top"));
	for (size_t j = 0; j < *n; j++) {
		if (!res[j].complete)
			continue;
		res[j].rank = j > 0 && res[j - 1].complete && res[j - 1].total == res[j].total
			? res[j - 1].rank : (int64_t)j + 1;
		res[j].awarded = json_is_number(thr) ? res[j].total >= json_number_value(thr) - 1e-9
			: res[j].rank <= top;
	}
	return res;
}

static void results_free(struct result *res, size_t n)
{
	for (size_t j = 0; res && j < n; j++)
		json_decref(res[j].means);
	free(res);
}

int evaluation_settle(struct ctx *cx, int64_t id, int64_t *complete)
{
	*complete = 0;
	json_t *scheme = evaluation_load(cx, id);
	if (!scheme)
		return STORE_ERROR;
	size_t n = 0;
	struct result *res = compute(cx, scheme, &n);
	int rc = res ? STORE_OK : STORE_ERROR;
	for (size_t j = 0; rc == STORE_OK && j < n; j++) {
		*complete += res[j].complete > 0;
		rc = store_exec(cx->db, "UPDATE evaluation_subjects SET total = ?, rank = ?,"
			" awarded = ? WHERE id = ?", "Dnii", res[j].complete ? &res[j].total : NULL,
			res[j].complete ? &res[j].rank : NULL, (int64_t)res[j].awarded, res[j].subject);
	}
	results_free(res, n);
	json_decref(scheme);
	return rc;
}

/* A subject's row of the results: as approved once settled, else as computed now (x NULL:
 * not scored yet). */
static json_t *result_row(json_t *u, const struct result *x, bool settled)
{
	json_t *row = json_deep_copy(u);
	json_object_set_new(row, "subject_id", json_incref(json_object_get(row, "id")));
	json_object_del(row, "id");
	json_object_set_new(row, "complete", json_boolean(x && x->complete));
	json_object_set_new(row, "evaluators", json_integer(x ? x->evaluators : 0));
	json_object_set_new(row, "means", x ? json_incref(x->means) : json_object());
	if (!settled) {
		json_object_set_new(row, "total", x && x->complete ? json_real(x->total) : json_null());
		json_object_set_new(row, "rank", x && x->complete ? json_integer(x->rank) : json_null());
		json_object_set_new(row, "awarded", json_boolean(x && x->awarded));
	}
	return row;
}

enum outcome evaluation_results(struct ctx *cx, int64_t id, json_t **out)
{
	*out = NULL;
	json_t *scheme = evaluation_load(cx, id);
	if (!scheme)
		return store_failed_in_tx(cx->db) ? OUT_INTERNAL : OUT_NOT_FOUND;
	json_t *subjects = ledger_rows(cx, SUBJECT_NAMES, SUBJECT_KINDS,
		SUBJECT_SQL " WHERE u.scheme_id = ? ORDER BY u.id", "i", id);
	size_t n = 0;
	struct result *res = subjects ? compute(cx, scheme, &n) : NULL;
	if (!res) {
		json_decref(subjects);
		json_decref(scheme);
		return OUT_INTERNAL;
	}
	bool settled = strcmp(json_string_value(json_object_get(scheme, "status")), "open") != 0;
	/* best first: the computed order; subjects with no score yet at the end, by id */
	json_t *by_id = json_object(), *items = json_array(), *u;
	size_t i;
	json_array_foreach(subjects, i, u)
		json_object_set(by_id, arena_printf(cx->arena, "%lld", (long long)json_integer_value(
			json_object_get(u, "id"))), u);
	for (size_t j = 0; j < n; j++) {
		const char *key = arena_printf(cx->arena, "%lld", (long long)res[j].subject);
		u = json_object_get(by_id, key);
		if (!u)
			continue;
		json_array_append_new(items, result_row(u, &res[j], settled));
		json_object_del(by_id, key);
	}
	json_array_foreach(subjects, i, u)
		if (json_object_get(by_id, arena_printf(cx->arena, "%lld", (long long)json_integer_value(
			json_object_get(u, "id")))))
			json_array_append_new(items, result_row(u, NULL, settled));
	json_decref(by_id);
	results_free(res, n);
	json_decref(subjects);
	*out = json_pack("{s:o, s:o}", "scheme", scheme, "items", items);
	audit_read(cx, "read", "evaluation", id, (int64_t)json_array_size(items), "results");
	return OUT_OK;
}

/* ---------------------------------------------------------------- lists */

enum outcome evaluation_list(struct ctx *cx, const struct evaluation_filter *f, json_t **out)
{
	char lo[16], hi[17], plo[16], phi[17];
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	prefix_range(f->community, plo, phi);
	json_t *rows = ledger_rows(cx, SCHEME_NAMES " subjects awards", SCHEME_KINDS "ii",
		"SELECT s.id, s.kind, s.title, s.subject, s.division_code, d.name, s.period_from,"
		" s.period_to, s.year, s.award_threshold, s.award_top, s.status, s.created_at,"
		" s.created_by, s.approved_at, s.approved_by, s.published_at, s.published_by,"
		" s.version, (SELECT count(*) FROM evaluation_subjects u WHERE u.scheme_id = s.id),"
		" (SELECT count(*) FROM evaluation_subjects u WHERE u.scheme_id = s.id AND u.awarded = 1)"
		" FROM evaluation_schemes s LEFT JOIN divisions d ON d.code = s.division_code"
		" WHERE " IN_RANGE " AND " IN_RANGE " AND (? IS NULL OR s.kind = ?)"
		" AND (? IS NULL OR s.status = ?) AND (? = 0 OR s.year = ?) AND (? = 0 OR s.id < ?)"
		" ORDER BY s.id DESC LIMIT ?", "ttt" "ttt" "tt" "tt" "ii" "ii" "i", lo, lo, hi, plo,
		plo, phi, f->kind, f->kind, f->status, f->status, f->year, f->year, f->after, f->after,
		(int64_t)f->limit + 1);
	return record_page(cx, rows, f->limit, "id", out);
}

enum outcome evaluation_awards(struct ctx *cx, int64_t household_id, json_t **out)
{
	int64_t hh = 0;
	char dest[16];
	*out = NULL;
	enum outcome res = household_guard_requester(cx, 0, household_id, &hh, dest);
	if (res != OUT_OK)
		return res;
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	json_t *rows = ledger_rows(cx, "subject_id scheme_id kind title year period_from period_to"
		" status person_id person_name total rank", "iittittt" "itri", "SELECT u.id, s.id,"
		" s.kind, s.title, s.year, s.period_from, s.period_to, s.status, u.person_id, p.name,"
		" u.total, u.rank FROM evaluation_subjects u JOIN evaluation_schemes s"
		" ON s.id = u.scheme_id LEFT JOIN persons p ON p.id = u.person_id"
		" WHERE u.household_id = ? AND u.awarded = 1 AND s.status <> 'open' AND " IN_RANGE
		" ORDER BY s.period_to DESC, s.id DESC", "ittt", household_id, lo, lo, hi);
	return ledger_items(rows, out);
}

/* ---------------------------------------------------------------- figures */

/* Adds one group's counts ({key, name?, schemes, subjects, awards}) to `into`. */
static json_t *figure_rows(struct ctx *cx, const char *group_sql, const char *lo,
			   const char *hi, const char *plo, const char *phi)
{
	const char *sql = arena_printf(cx->arena, "SELECT %s, count(DISTINCT s.id),"
		" count(u.id), sum(CASE WHEN u.awarded = 1 THEN 1 ELSE 0 END) FROM evaluation_schemes s"
		" LEFT JOIN evaluation_subjects u ON u.scheme_id = s.id"
		" LEFT JOIN divisions d ON d.code = s.division_code"
		" WHERE " IN_RANGE " AND " IN_RANGE " GROUP BY 1, 2 ORDER BY 1", group_sql);
	return ledger_rows(cx, "key name schemes subjects awards", "ttiii", sql, "ttt" "ttt",
			   lo, lo, hi, plo, plo, phi);
}

enum outcome evaluation_figures(struct ctx *cx, const char *community, json_t **out)
{
	char lo[16], hi[17], plo[16], phi[17];
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	prefix_range(community, plo, phi);
	/* the group expressions are compiled in, never input */
	json_t *by_kind = figure_rows(cx, "s.kind, s.kind", lo, hi, plo, phi);
	json_t *by_div = figure_rows(cx, "s.division_code, d.name", lo, hi, plo, phi);
	json_t *by_year = figure_rows(cx, "CAST(s.year AS TEXT), CAST(s.year AS TEXT)", lo, hi,
				      plo, phi);
	json_t *by_scheme = ledger_rows(cx, "id title kind year status division_code subjects"
		" awards", "ittitt" "ii", "SELECT s.id, s.title, s.kind, s.year, s.status,"
		" s.division_code, (SELECT count(*) FROM evaluation_subjects u WHERE u.scheme_id = s.id),"
		" (SELECT count(*) FROM evaluation_subjects u WHERE u.scheme_id = s.id"
		" AND u.awarded = 1) FROM evaluation_schemes s WHERE " IN_RANGE " AND " IN_RANGE
		" ORDER BY s.year DESC, s.id DESC", "ttt" "ttt", lo, lo, hi, plo, plo, phi);
	if (!by_kind || !by_div || !by_year || !by_scheme) {
		json_decref(by_kind);
		json_decref(by_div);
		json_decref(by_year);
		json_decref(by_scheme);
		return OUT_INTERNAL;
	}
	int64_t totals[3] = {0};
	size_t i;
	json_t *g;
	json_array_foreach(by_kind, i, g) {
		totals[0] += json_integer_value(json_object_get(g, "schemes"));
		totals[1] += json_integer_value(json_object_get(g, "subjects"));
		totals[2] += json_integer_value(json_object_get(g, "awards"));
	}
	*out = json_pack("{s:{s:I, s:I, s:I}, s:o, s:o, s:o, s:o}", "totals", "schemes",
		(json_int_t)totals[0], "subjects", (json_int_t)totals[1], "awards",
		(json_int_t)totals[2], "by_kind", by_kind, "by_community", by_div, "by_year", by_year,
		"by_scheme", by_scheme);
	return OUT_OK;
}
