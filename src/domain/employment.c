/* employment: jobs, trainings and employers — validation, rows, audit. */
#include "domain/employment.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/ledger.h"
#include "domain/person.h"
#include "domain/tx.h"

const char *const job_types[] = {"county", "province", "outside_province", "public_welfare",
				 "workshop", "self_employed", "flexible", NULL};
const char *const training_types[] = {"orientation", "skills", "entrepreneurship", NULL};
const char *const employer_kinds[] = {"collective_company", "workshop", "public_service_station",
				      "enterprise", "other", NULL};

#define JOB_COLS "j.id, j.person_id, j.type, j.employer_id, j.employer, e.kind, j.start_date," \
	" j.end_date, j.monthly_income, j.main = 1, j.start_date <= ? AND" \
	" (j.end_date IS NULL OR j.end_date >= ?), j.created_at"
#define JOB_NAMES "id person_id type employer_id employer employer_kind start_date end_date" \
	" monthly_income main current created_at"
#define JOB_KINDS "iititttt" "ibbt"

static json_t *job_rows(struct ctx *cx, const char *where, int64_t id)
{
	char today[11];
	date_format(cx->today, today);
	const char *sql = arena_printf(cx->arena, "SELECT " JOB_COLS " FROM jobs j"
		" LEFT JOIN employers e ON e.id = j.employer_id WHERE %s ORDER BY j.start_date DESC, j.id DESC",
		where);
	return ledger_rows(cx, JOB_NAMES, JOB_KINDS, sql, "tti", today, today, id);
}

enum outcome jobs_list(struct ctx *cx, int64_t person_id, json_t **out)
{
	enum outcome res = ledger_person_visible(cx, person_id);
	*out = NULL;
	return res != OUT_OK ? res : ledger_items(job_rows(cx, "j.person_id = ?", person_id), out);
}

/* A date no later than a year from today: records are of what happened or is agreed. */
static const char *checked_date(struct ctx *cx, json_t *body, const char *key, bool required)
{
	const char *d = jx_date(body, key, "", required, cx->errs);
	if (d && ledger_day(d) > cx->today + 366) {
		verrors_add(cx->errs, key, "date_too_far_ahead");
		return NULL;
	}
	return d;
}

/* True when another main job of the person overlaps [start, end] (end NULL: open). */
static bool main_overlaps(struct ctx *cx, int64_t person_id, int64_t except, const char *start,
			  const char *end)
{
	int rc;
	return store_one_int(cx->db, &rc, "SELECT count(*) FROM jobs WHERE person_id = ? AND"
		" main = 1 AND id <> ? AND (end_date IS NULL OR end_date >= ?) AND (? IS NULL OR"
		" start_date <= ?)", "iittt", person_id, except, start, end, end) > 0;
}

/* The employer named, from the register when it is there. */
static int64_t employer_id_of(struct ctx *cx, json_t *body, const char **name)
{
	int64_t id = 0;
	int rc;
	if (jx_int(body, "employer_id", "", false, 1, INT64_MAX, &id, cx->errs)) {
		struct store_rows *r = store_query(cx->db, "SELECT name FROM employers WHERE id = ?",
						   "i", id);
		if (store_next(r))
			*name = arena_strdup(cx->arena, store_text(r, 0));
		else
			verrors_add(cx->errs, "employer_id", "unknown_value");
		store_finish(r);
		return id;
	}
	if (*name)
		id = store_one_int(cx->db, &rc, "SELECT id FROM employers WHERE name = ?", "t", *name);
	return id;
}

int job_insert(struct ctx *cx, int64_t person_id, const char *type, int64_t employer_id,
	       const char *employer, const char *start, const char *end, int64_t income, int main)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "INSERT INTO jobs(person_id, type, employer_id, employer,"
		" start_date, end_date, monthly_income, main, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"itnttt" "nit", person_id, type, employer_id ? &employer_id : NULL, employer, start,
		end, income >= 0 ? &income : NULL, (int64_t)main, now);
}

/* Audits a ledger row and touches the household, then reads the row back into *out. */
static int recorded(struct ctx *cx, const char *entity, int64_t id, int64_t person_id,
		    json_t *before, json_t *after)
{
	int rc;
	int64_t hh = store_one_int(cx->db, &rc, "SELECT household_id FROM persons WHERE id = ?",
				   "i", person_id);
	if (rc == STORE_OK)
		rc = household_touch(cx, hh);
	return rc == STORE_OK ? audit_write(cx, before ? "update" : "create", entity, id, before,
					    after) : rc;
}

enum outcome job_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"type", "employer", "employer_id", "start_date",
		"end_date", "monthly_income", "main", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	json_t *p = NULL;
	enum outcome res = ledger_person(cx, person_id, true, &p);
	int rc = STORE_OK;
	if (res != OUT_OK)
		return tx_end(cx->db, res, rc);
	json_decref(p);
	jx_only(body, allowed, "", cx->errs);
	const char *type = jx_enum(body, "type", "", true, job_types, cx->errs);
	const char *employer = jx_string(body, "employer", "", false, 100, cx->errs);
	int64_t employer_id = employer_id_of(cx, body, &employer);
	if (!employer && !jx_has(body, "employer_id"))
		verrors_add(cx->errs, "employer", "required");
	const char *start = checked_date(cx, body, "start_date", true);
	const char *end = checked_date(cx, body, "end_date", false);
	if (start && end && strcmp(end, start) < 0)
		verrors_add(cx->errs, "end_date", "end_before_start");
	int64_t income = -1;
	jx_int(body, "monthly_income", "", false, 0, JOB_MAX_MONTHLY_INCOME, &income, cx->errs);
	bool main = false;
	jx_bool(body, "main", "", false, &main, cx->errs);
	if (main && start && !cx->errs->n && main_overlaps(cx, person_id, 0, start, end))
		verrors_add(cx->errs, "main", "main_job_overlap");
	if (cx->errs->n)
		return tx_end(cx->db, OUT_INVALID, rc);
	rc = job_insert(cx, person_id, type, employer_id, employer, start, end, income, main);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	json_t *rows = rc == STORE_OK ? job_rows(cx, "j.id = ?", id) : NULL;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (rc == STORE_OK)
		rc = *out ? recorded(cx, "job", id, person_id, NULL, *out) : STORE_ERROR;
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

enum outcome job_patch(struct ctx *cx, int64_t job_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"end_date", "monthly_income", "main", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	json_t *rows = job_rows(cx, "j.id = ?", job_id), *before = json_array_get(rows, 0), *p = NULL;
	int rc = STORE_OK;
	enum outcome res = before ? OUT_OK : rows ? OUT_NOT_FOUND : OUT_INTERNAL;
	int64_t person_id = json_integer_value(json_object_get(before, "person_id"));
	if (res == OUT_OK)
		res = ledger_person(cx, person_id, true, &p);
	json_decref(p);
	if (res != OUT_OK) {
		json_decref(rows);
		return tx_end(cx->db, res, rc);
	}
	jx_only(body, allowed, "", cx->errs);
	const char *start = json_string_value(json_object_get(before, "start_date"));
	const char *end = jx_has(body, "end_date") ? checked_date(cx, body, "end_date", false)
		: json_string_value(json_object_get(before, "end_date"));
	if (end && strcmp(end, start) < 0)
		verrors_add(cx->errs, "end_date", "end_before_start");
	int64_t income = json_is_integer(json_object_get(before, "monthly_income"))
		? json_integer_value(json_object_get(before, "monthly_income")) : -1;
	if (jx_has(body, "monthly_income") && !json_is_null(json_object_get(body, "monthly_income")))
		jx_int(body, "monthly_income", "", false, 0, JOB_MAX_MONTHLY_INCOME, &income, cx->errs);
	else if (jx_has(body, "monthly_income"))
		income = -1;
	bool main = json_is_true(json_object_get(before, "main"));
	jx_bool(body, "main", "", false, &main, cx->errs);
	if (main && !cx->errs->n && main_overlaps(cx, person_id, job_id, start, end))
		verrors_add(cx->errs, "main", "main_job_overlap");
	if (cx->errs->n) {
		json_decref(rows);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	rc = store_exec(cx->db, "UPDATE jobs SET end_date = ?, monthly_income = ?, main = ?"
			" WHERE id = ?", "tnii", end, income >= 0 ? &income : NULL, (int64_t)main, job_id);
	json_t *after = rc == STORE_OK ? job_rows(cx, "j.id = ?", job_id) : NULL;
	*out = json_incref(json_array_get(after, 0));
	json_decref(after);
	if (rc == STORE_OK)
		rc = *out ? recorded(cx, "job", job_id, person_id, before, *out) : STORE_ERROR;
	json_decref(rows);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

int64_t job_person_id(struct ctx *cx, int64_t job_id)
{
	int rc;
	int64_t person = store_one_int(cx->db, &rc, "SELECT person_id FROM jobs WHERE id = ?", "i",
				       job_id);
	json_t *p = rc == STORE_OK && person ? person_load(cx, person) : NULL;	/* in scope? */
	json_decref(p);
	return p ? person : 0;
}

/* ---------------------------------------------------------------- trainings */

#define TRAINING_SQL "SELECT id, person_id, type, course, hours, start_date, end_date," \
	" certificate, created_at FROM trainings"
#define TRAINING_NAMES "id person_id type course hours start_date end_date certificate created_at"

enum outcome trainings_list(struct ctx *cx, int64_t person_id, json_t **out)
{
	enum outcome res = ledger_person_visible(cx, person_id);
	*out = NULL;
	return res != OUT_OK ? res : ledger_items(ledger_rows(cx, TRAINING_NAMES, "iittrttt" "t",
		TRAINING_SQL " WHERE person_id = ? ORDER BY start_date DESC, id DESC", "i",
		person_id), out);
}

int training_insert(struct ctx *cx, int64_t person_id, const char *type, const char *course,
		    double hours, const char *start, const char *end, const char *certificate)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "INSERT INTO trainings(person_id, type, course, hours, start_date,"
		" end_date, certificate, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ittdtttt",
		person_id, type, course, hours, start, end, certificate, now);
}

enum outcome training_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"type", "course", "hours", "start_date", "end_date",
		"certificate", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	json_t *p = NULL;
	int rc = STORE_OK;
	enum outcome res = ledger_person(cx, person_id, true, &p);
	if (res != OUT_OK)
		return tx_end(cx->db, res, rc);
	json_decref(p);
	jx_only(body, allowed, "", cx->errs);
	const char *type = jx_enum(body, "type", "", true, training_types, cx->errs);
	const char *course = jx_string(body, "course", "", true, 100, cx->errs);
	double hours = 0;
	bool has_hours = jx_number(body, "hours", "", true, 0.5, 24.0 * 366, &hours, cx->errs);
	const char *start = checked_date(cx, body, "start_date", true);
	const char *end = checked_date(cx, body, "end_date", false);
	if (!end)
		end = start;
	long days = start && end ? ledger_day(end) - ledger_day(start) + 1 : 0;
	if (start && end && days < 1)
		verrors_add(cx->errs, "end_date", "end_before_start");
	else if (has_hours && days >= 1 && hours > 24.0 * (double)days)	/* no day has more */
		verrors_add(cx->errs, "hours", "hours_exceed_days");
	const char *certificate = jx_string(body, "certificate", "", false, 100, cx->errs);
	if (cx->errs->n)
		return tx_end(cx->db, OUT_INVALID, rc);
	rc = training_insert(cx, person_id, type, course, hours, start, end, certificate);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	json_t *rows = rc == STORE_OK ? ledger_rows(cx, TRAINING_NAMES, "iittrttt" "t",
		TRAINING_SQL " WHERE id = ?", "i", id) : NULL;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (rc == STORE_OK)
		rc = *out ? recorded(cx, "training", id, person_id, NULL, *out) : STORE_ERROR;
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

/* ---------------------------------------------------------------- employers */

enum outcome employers_list(struct ctx *cx, json_t **out)
{
	json_t *items = ledger_rows(cx, "id name kind community", "ittt",
		"SELECT id, name, kind, community FROM employers ORDER BY kind, name", NULL);
	*out = items ? json_pack("{s:o}", "items", items) : NULL;
	return items ? OUT_OK : OUT_INTERNAL;
}

enum outcome employer_create(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"name", "kind", "community", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	const char *name = jx_string(body, "name", "", true, 100, cx->errs);
	const char *kind = jx_enum(body, "kind", "", true, employer_kinds, cx->errs);
	const char *community = jx_code(body, "community", "", false, 12, cx->errs);
	if (community && !actor_covers(cx->actor, community))
		verrors_add(cx->errs, "community", "out_of_scope");
	if (cx->errs->n)
		return OUT_INVALID;
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	int rc;
	if (community && store_one_int(cx->db, &rc, "SELECT count(*) FROM divisions WHERE code = ?"
				       " AND level = 5", "t", community) == 0) {
		verrors_add(cx->errs, "community", "unknown_value");
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	int taken = (int)store_one_int(cx->db, &rc, "SELECT count(*) FROM employers WHERE name = ?",
					   "t", name);
	if (rc == STORE_OK && taken) {
		verrors_add(cx->errs, "name", "employer_exists");
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	char now[21];
	audit_now(now);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO employers(name, kind, community, created_at)"
				" VALUES (?, ?, ?, ?)", "tttt", name, kind, community, now);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	json_t *rows = rc == STORE_OK ? ledger_rows(cx, "id name kind community", "ittt",
		"SELECT id, name, kind, community FROM employers WHERE id = ?", "i", id) : NULL;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (rc == STORE_OK)
		rc = *out ? audit_write(cx, "create", "employer", id, NULL, *out) : STORE_ERROR;
	return tx_end_out(cx->db, OUT_OK, rc, out);
}
