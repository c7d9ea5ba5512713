/* evaluation: model-household evaluations (文明大家比): schemes, scores, results, awards. */
#include "domain/evaluation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/division.h"
#include "domain/household_guard.h"
#include "domain/ledger.h"
#include "domain/record.h"
#include "domain/tx.h"

const char *const evaluation_kinds[] = {"hygiene_household", "civilized_household",
	"entrepreneur_household", "moral_household", "law_abiding_citizen", "civilized_resident",
	NULL};
const char *const evaluation_subject_kinds[] = {"household", "person", NULL};
const char *const evaluation_statuses[] = {"open", "approved", "published", NULL};

#define CRITERIA_MAX 20
#define WEIGHT_TOTAL 100.0

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
static json_t *scheme_load(struct ctx *cx, int64_t id)
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
	return record_get(cx, scheme_load, "evaluation", id, out);
}

/* ---------------------------------------------------------------- creating a scheme */

static bool code_word(const char *s)
{
	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* Checks the criteria; fills n, and reports every bad field. */
static void check_criteria(struct ctx *cx, json_t *criteria, size_t *n)
{
	static const char *const allowed[] = {"code", "name", "min", "max", "weight", NULL};
	*n = 0;
	if (!json_is_array(criteria) || json_array_size(criteria) == 0) {
		verrors_add(cx->errs, "criteria", criteria ? "criteria_required" : "required");
		return;
	}
	if (json_array_size(criteria) > CRITERIA_MAX) {
		verrors_add(cx->errs, "criteria", "too_many_criteria");
		return;
	}
	double sum = 0;
	bool weights_ok = true;
	size_t i;
	json_t *c;
	json_array_foreach(criteria, i, c) {
		const char *prefix = arena_printf(cx->arena, "criteria[%zu].", i);
		if (!json_is_object(c)) {
			verrors_addf(cx->errs, prefix, "", "type_object");
			weights_ok = false;
			continue;
		}
		jx_only(c, allowed, prefix, cx->errs);
		const char *code = jx_string(c, "code", prefix, true, 40, cx->errs);
		jx_string(c, "name", prefix, true, 100, cx->errs);
		double lo = 0, hi = 0, w = 0;
		bool has_lo = jx_number(c, "min", prefix, true, -1000, 1000, &lo, cx->errs);
		bool has_hi = jx_number(c, "max", prefix, true, -1000, 1000, &hi, cx->errs);
		if (has_lo && has_hi && lo >= hi)
			verrors_addf(cx->errs, prefix, "max", "max_not_above_min");
		/* a weight is positive: 0 or less is refused here, not by the range */
		if (!jx_number(c, "weight", prefix, true, -1e9, 1e9, &w, cx->errs)) {
			weights_ok = false;
		} else if (w <= 0) {
			verrors_addf(cx->errs, prefix, "weight", "weight_not_positive");
			weights_ok = false;
		}
		sum += w;
		if (code && !code_word(code))
			verrors_addf(cx->errs, prefix, "code", "code_format");
		for (size_t k = 0; code && k < i; k++) {
			const char *other = json_string_value(json_object_get(json_array_get(criteria,
				k), "code"));
			if (other && strcmp(code, other) == 0) {
				verrors_addf(cx->errs, prefix, "code", "criterion_code_twice");
				break;
			}
		}
	}
	if (weights_ok && fabs(sum - WEIGHT_TOTAL) > 0.001)
		verrors_add(cx->errs, "criteria", "weights_sum_not_100");
	*n = json_array_size(criteria);
}

static const char *kind_title(const char *kind)
{
	static const char *const titles[] = {"卫生示范户评选", "文明示范户评选", "创业示范户评选",
		"道德示范户评选", "遵纪守法好公民评选", "文明社区居民评议"};
	for (int i = 0; evaluation_kinds[i]; i++)
		if (kind && strcmp(kind, evaluation_kinds[i]) == 0)
			return titles[i];
	return "";
}

enum outcome evaluation_create(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"kind", "title", "subject", "division",
		"period_from", "period_to", "award_threshold", "award_top", "criteria", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	const char *kind = jx_enum(body, "kind", "", true, evaluation_kinds, cx->errs);
	const char *title = jx_string(body, "title", "", false, 100, cx->errs);
	const char *subject = jx_enum(body, "subject", "", true, evaluation_subject_kinds, cx->errs);
	const char *division = jx_code(body, "division", "", true, 0, cx->errs);
	const char *from = jx_date(body, "period_from", "", true, cx->errs);
	const char *to = jx_date(body, "period_to", "", true, cx->errs);
	double threshold = 0;
	int64_t top = 0;
	bool has_threshold = jx_number(body, "award_threshold", "", false, 0, 100, &threshold,
				       cx->errs);
	bool has_top = jx_int(body, "award_top", "", false, 1, 10000, &top, cx->errs);
	if (has_threshold && has_top)
		verrors_add(cx->errs, "award_top", "award_rule_twice");
	else if (!jx_has(body, "award_threshold") && !jx_has(body, "award_top"))
		verrors_add(cx->errs, "award_threshold", "award_rule_required");
	if (from && to && strcmp(from, to) > 0)
		verrors_add(cx->errs, "period_to", "end_before_start");
	size_t ncrit = 0;
	json_t *criteria = json_object_get(body, "criteria");
	check_criteria(cx, criteria, &ncrit);
	if (division && strlen(division) != 9 && strlen(division) != 12)
		verrors_add(cx->errs, "division", "community_or_town");
	else if (division && !actor_covers(cx->actor, division))
		verrors_add(cx->errs, "division", "out_of_scope");
	if (cx->errs->n)
		return OUT_INVALID;
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	if (!division_exists(cx->db, division, 0)) {
		verrors_add(cx->errs, "division", "unknown_division");
		return tx_end(cx->db, OUT_INVALID, STORE_OK);
	}
	char now[21];
	audit_now(now);
	int64_t year = strtoll(to, NULL, 10);
	int rc = store_exec(cx->db, "INSERT INTO evaluation_schemes(kind, title, subject,"
		" division_code, period_from, period_to, year, award_threshold, award_top, status,"
		" created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
		"tttttti" "Dn" "tt", kind, title ? title : kind_title(kind), subject, division, from,
		to, year, has_threshold ? &threshold : NULL, has_top ? &top : NULL, now,
		cx->actor->username);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	for (size_t i = 0; rc == STORE_OK && i < ncrit; i++) {
		json_t *c = json_array_get(criteria, i);
		rc = store_exec(cx->db, "INSERT INTO evaluation_criteria(scheme_id, position, code,"
			" name, min_score, max_score, weight) VALUES (?, ?, ?, ?, ?, ?, ?)", "iittddd",
			id, (int64_t)i + 1, json_string_value(json_object_get(c, "code")),
			json_string_value(json_object_get(c, "name")),
			json_number_value(json_object_get(c, "min")),
			json_number_value(json_object_get(c, "max")),
			json_number_value(json_object_get(c, "weight")));
	}
	if (rc == STORE_OK) {
		*out = scheme_load(cx, id);
		rc = *out ? audit_write(cx, "create", "evaluation", id, NULL, *out) : STORE_ERROR;
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
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
static json_t *subject_load(struct ctx *cx, int64_t subject_id)
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

enum outcome evaluation_score(struct ctx *cx, int64_t id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"household_id", "person_id", "evaluator", "scores",
		NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	int64_t person_id = 0, household_id = 0;
	jx_int(body, "person_id", "", false, 1, INT64_MAX, &person_id, cx->errs);
	jx_int(body, "household_id", "", false, 1, INT64_MAX, &household_id, cx->errs);
	const char *evaluator = jx_string(body, "evaluator", "", false, 40, cx->errs);
	json_t *scores = json_object_get(body, "scores");
	if (!json_is_object(scores) || json_object_size(scores) == 0)
		verrors_add(cx->errs, "scores", scores ? "scores_required" : "required");
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	json_t *scheme = scheme_load(cx, id);
	if (!scheme)
		return tx_end(cx->db, OUT_NOT_FOUND, store_failed_in_tx(cx->db) ? STORE_ERROR : STORE_OK);
	const char *subject = json_string_value(json_object_get(scheme, "subject"));
	bool by_person = strcmp(subject, "person") == 0;
	if (by_person && !person_id && !verrors_has(cx->errs, "person_id"))
		verrors_add(cx->errs, "person_id", "required");
	if (!by_person && !household_id && !verrors_has(cx->errs, "household_id"))
		verrors_add(cx->errs, "household_id", "required");
	if (by_person && household_id)
		verrors_add(cx->errs, "household_id", "subject_is_person");
	if (!by_person && person_id)
		verrors_add(cx->errs, "person_id", "subject_is_household");
	if (strcmp(json_string_value(json_object_get(scheme, "status")), "open") != 0)
		verrors_add(cx->errs, "scores", "evaluation_approved");
	int64_t hh = 0;
	char dest[16] = "";
	if ((by_person && person_id) || (!by_person && household_id)) {
		res = household_guard_requester(cx, by_person ? person_id : 0, household_id, &hh, dest);
		if (res != OUT_OK) {	/* outside the scope, the subject does not exist */
			json_decref(scheme);
			return tx_end(cx->db, res, STORE_OK);
		}
		const char *div = json_string_value(json_object_get(scheme, "division_code"));
		if (strncmp(dest, div, strlen(div)) != 0)
			verrors_add(cx->errs, by_person ? "person_id" : "household_id",
				    "subject_outside_scheme");
	}
	/* every score names a criterion of the scheme and lies in its range */
	json_t *crit = json_object_get(scheme, "criteria");
	const char *code;
	json_t *v;
	int64_t crit_ids[CRITERIA_MAX + 1];
	int n = 0;
	json_object_foreach(json_is_object(scores) ? scores : NULL, code, v) {
		const char *field = arena_printf(cx->arena, "scores.%s", code);
		json_t *c = NULL, *k;
		size_t i;
		json_array_foreach(crit, i, k)
			if (strcmp(json_string_value(json_object_get(k, "code")), code) == 0)
				c = k;
		if (!c) {
			verrors_add(cx->errs, field, "unknown_criterion");
			continue;
		}
		double lo = json_real_value(json_object_get(c, "min"));
		double hi = json_real_value(json_object_get(c, "max"));
		if (!json_is_number(v))
			verrors_add(cx->errs, field, "type_number");
		else if (json_number_value(v) < lo || json_number_value(v) > hi)
			verrors_add(cx->errs, field, "score_out_of_range");
		else if (n < CRITERIA_MAX)
			crit_ids[n++] = json_integer_value(json_object_get(c, "id"));
	}
	if (cx->errs->n) {
		json_decref(scheme);
		return tx_end(cx->db, OUT_INVALID, STORE_OK);
	}
	const char *who = evaluator ? evaluator : cx->actor->username;
	char key[24], now[21];
	snprintf(key, sizeof(key), "%c%lld", by_person ? 'p' : 'h',
		 (long long)(by_person ? person_id : hh));
	audit_now(now);
	int rc = STORE_OK;
	int64_t sid = store_one_int(cx->db, &rc, "SELECT id FROM evaluation_subjects WHERE"
				    " scheme_id = ? AND subject_key = ?", "it", id, key);
	if (rc == STORE_OK && sid == 0) {
		rc = store_exec(cx->db, "INSERT INTO evaluation_subjects(scheme_id, subject_key,"
			" household_id, person_id) VALUES (?, ?, ?, ?)", "itin", id, key, hh,
			by_person ? &person_id : NULL);
		sid = rc == STORE_OK ? store_last_id(cx->db) : 0;
	}
	json_t *before = rc == STORE_OK ? subject_load(cx, sid) : NULL;
	if (before)	/* as the subject is read back after the write: no false change */
		json_object_set_new(before, "scheme_id", json_integer(id));
	int k = 0;
	json_object_foreach(scores, code, v) {
		if (rc != STORE_OK || k >= n)
			break;
		int64_t cid = crit_ids[k++];
		int64_t had = store_one_int(cx->db, &rc, "SELECT count(*) FROM evaluation_scores"
			" WHERE subject_id = ? AND criterion_id = ? AND evaluator = ?", "iit", sid, cid, who);
		if (rc != STORE_OK)
			break;
		rc = had ? store_exec(cx->db, "UPDATE evaluation_scores SET score = ?, scored_at = ?,"
				" scored_by = ? WHERE subject_id = ? AND criterion_id = ? AND evaluator = ?",
				"dttiit", json_number_value(v), now, cx->actor->username, sid, cid, who)
			: store_exec(cx->db, "INSERT INTO evaluation_scores(subject_id, criterion_id,"
				" evaluator, score, scored_at, scored_by) VALUES (?, ?, ?, ?, ?, ?)",
				"iitdtt", sid, cid, who, json_number_value(v), now, cx->actor->username);
	}
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "UPDATE evaluation_schemes SET version = version + 1 WHERE id = ?",
				"i", id);
	if (rc == STORE_OK) {
		*out = subject_load(cx, sid);
		if (*out)
			json_object_set_new(*out, "scheme_id", json_integer(id));
		rc = *out ? audit_write(cx, before && json_array_size(json_object_get(before,
			"evaluations")) ? "update" : "create", "evaluation_subject", sid, before, *out)
			: STORE_ERROR;
	}
	/* the scores the evaluator gave already: nothing kept, cx->unchanged says so */
	enum outcome end = tx_end_change(cx, OUT_OK, rc, before, out);
	json_decref(before);
	json_decref(scheme);
	return end;
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
 * error. `scheme` is as scheme_load gives it. */
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
	json_t *scheme = scheme_load(cx, id);
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
	json_t *scheme = scheme_load(cx, id);
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

/* ---------------------------------------------------------------- approval, publication */

static enum outcome scheme_writable(struct ctx *cx, json_t *record)
{
	(void)record;
	return role_can_edit_registry(cx->actor->role) ? OUT_OK : OUT_FORBIDDEN;
}

enum outcome evaluation_act(struct ctx *cx, int64_t id, const char *if_match, json_t *body,
			    json_t **out)
{
	static const char *const allowed[] = {"action", NULL};
	static const char *const actions[] = {"approve", "publish", NULL};
	static const struct tx_record kind = {.load = scheme_load, .etag = evaluation_etag,
		.writable = scheme_writable};
	json_t *before = NULL;
	*out = NULL;
	enum outcome res = tx_begin_change(cx, &kind, id, if_match ? if_match : "*", body, &before);
	if (res != OUT_OK)
		return res;
	jx_only(body, allowed, "", cx->errs);
	const char *action = jx_enum(body, "action", "", true, actions, cx->errs);
	const char *status = json_string_value(json_object_get(before, "status"));
	bool approve = action && strcmp(action, "approve") == 0;
	if (approve && strcmp(status, "open") != 0)
		verrors_add(cx->errs, "action", "evaluation_approved");
	else if (action && !approve && strcmp(status, "approved") != 0)
		verrors_add(cx->errs, "action", strcmp(status, "open") == 0 ? "evaluation_not_approved"
			    : "evaluation_published");
	else if (approve && json_integer_value(json_object_get(before, "scores")) == 0)
		verrors_add(cx->errs, "action", "evaluation_no_scores");
	int rc = STORE_OK;
	int64_t complete = 0;
	char now[21];
	audit_now(now);
	if (approve && !cx->errs->n) {
		rc = evaluation_settle(cx, id, &complete);
		if (rc == STORE_OK && complete == 0)
			verrors_add(cx->errs, "action", "evaluation_none_complete");
	}
	if (cx->errs->n || rc != STORE_OK) {
		json_decref(before);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	if (approve) {
		rc = store_exec(cx->db, "UPDATE evaluation_schemes SET status = 'approved',"
			" approved_at = ?, approved_by = ?, version = version + 1 WHERE id = ?", "tti",
			now, cx->actor->username, id);
		/* each award in its household's trail */
		struct store_rows *r = rc == STORE_OK ? store_query(cx->db, "SELECT id, total, rank"
			" FROM evaluation_subjects WHERE scheme_id = ? AND awarded = 1 ORDER BY id", "i", id)
			: NULL;
		json_t *awards = json_array();
		while (r && store_next(r))
			json_array_append_new(awards, json_pack("{s:I, s:f, s:I}", "id",
				(json_int_t)store_int(r, 0), "total", store_double(r, 1), "rank",
				(json_int_t)store_int(r, 2)));
		if (r && store_finish(r) != STORE_OK)
			rc = STORE_ERROR;
		size_t i;
		json_t *a;
		json_array_foreach(awards, i, a) {
			if (rc != STORE_OK)
				break;
			json_t *after = json_pack("{s:O, s:O, s:O, s:O, s:O, s:b}", "scheme_id",
				json_object_get(before, "id"), "kind", json_object_get(before, "kind"),
				"title", json_object_get(before, "title"), "total",
				json_object_get(a, "total"), "rank", json_object_get(a, "rank"),
				"awarded", 1);
			rc = audit_write(cx, "award", "evaluation_subject",
					 json_integer_value(json_object_get(a, "id")), NULL, after);
			json_decref(after);
		}
		json_decref(awards);
	} else {
		rc = store_exec(cx->db, "UPDATE evaluation_schemes SET status = 'published',"
			" published_at = ?, published_by = ?, version = version + 1 WHERE id = ?", "tti",
			now, cx->actor->username, id);
	}
	if (rc == STORE_OK) {
		*out = scheme_load(cx, id);
		rc = *out ? audit_write(cx, action, "evaluation", id, before, *out) : STORE_ERROR;
	}
	json_decref(before);
	return tx_end_out(cx->db, OUT_OK, rc, out);
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
	if (!rows)
		return OUT_INTERNAL;
	json_t *next = json_null();
	if (json_array_size(rows) > (size_t)f->limit) {
		json_array_remove(rows, (size_t)f->limit);
		json_int_t last = json_integer_value(json_object_get(json_array_get(rows,
			(size_t)f->limit - 1), "id"));
		next = json_string(arena_printf(cx->arena, "%lld", (long long)last));
	}
	*out = json_pack("{s:o, s:o}", "items", rows, "next", next);
	return OUT_OK;
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
