/* evaluation: model-household evaluations (文明大家比), the writes: a scheme created, its
 * subjects scored, the scheme approved (its results settled) and published. What is read
 * (one scheme, its results, the lists, a household's awards, the figures) is in
 * evaluation_read.c. */
#include "domain/evaluation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/division.h"
#include "domain/household_guard.h"
#include "domain/tx.h"

const char *const evaluation_kinds[] = {"hygiene_household", "civilized_household",
	"entrepreneur_household", "moral_household", "law_abiding_citizen", "civilized_resident",
	NULL};
const char *const evaluation_subject_kinds[] = {"household", "person", NULL};
const char *const evaluation_statuses[] = {"open", "approved", "published", NULL};

#define CRITERIA_MAX 20
#define WEIGHT_TOTAL 100.0

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
		*out = evaluation_load(cx, id);
		rc = *out ? audit_write(cx, "create", "evaluation", id, NULL, *out) : STORE_ERROR;
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

/* ---------------------------------------------------------------- scores */

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
	json_t *scheme = evaluation_load(cx, id);
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
	json_t *before = rc == STORE_OK ? evaluation_subject_load(cx, sid) : NULL;
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
		*out = evaluation_subject_load(cx, sid);
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
	static const struct tx_record kind = {.load = evaluation_load, .etag = evaluation_etag,
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
		*out = evaluation_load(cx, id);
		rc = *out ? audit_write(cx, action, "evaluation", id, before, *out) : STORE_ERROR;
	}
	json_decref(before);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}
