/* jobs: the jobs of each person — validation, rows, audit. */
#include "domain/jobs.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/person.h"
#include "domain/tx.h"

const char *const jobs_types[] = {"county", "province", "outside_province", "public_welfare",
				  "workshop", "self_employed", "flexible", NULL};

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

int jobs_insert(struct ctx *cx, int64_t person_id, const char *type, int64_t employer_id,
	       const char *employer, const char *start, const char *end, int64_t income, int main)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "INSERT INTO jobs(person_id, type, employer_id, employer,"
		" start_date, end_date, monthly_income, main, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"itnttt" "nit", person_id, type, employer_id ? &employer_id : NULL, employer, start,
		end, income >= 0 ? &income : NULL, (int64_t)main, now);
}

enum outcome jobs_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"type", "employer", "employer_id", "start_date",
		"end_date", "monthly_income", "main", NULL};
	json_t *p = NULL;
	int rc = STORE_OK;
	*out = NULL;
	enum outcome res = ledger_begin_person(cx, person_id, body, allowed, &p);
	if (res != OUT_OK)
		return res;
	int64_t household_id = json_integer_value(json_object_get(p, "household_id"));
	json_decref(p);
	const char *type = jx_enum(body, "type", "", true, jobs_types, cx->errs);
	const char *employer = jx_string(body, "employer", "", false, 100, cx->errs);
	int64_t employer_id = employer_id_of(cx, body, &employer);
	if (!employer && !jx_has(body, "employer_id"))
		verrors_add(cx->errs, "employer", "required");
	const char *start = ledger_planned_date(cx, body, "start_date", true);
	const char *end = ledger_planned_date(cx, body, "end_date", false);
	if (start && end && strcmp(end, start) < 0)
		verrors_add(cx->errs, "end_date", "end_before_start");
	int64_t income = -1;
	jx_int(body, "monthly_income", "", false, 0, JOBS_MAX_MONTHLY_INCOME, &income, cx->errs);
	bool main = false;
	jx_bool(body, "main", "", false, &main, cx->errs);
	if (main && start && !cx->errs->n && main_overlaps(cx, person_id, 0, start, end))
		verrors_add(cx->errs, "main", "main_job_overlap");
	if (cx->errs->n)
		return tx_end(cx->db, OUT_INVALID, rc);
	rc = jobs_insert(cx, person_id, type, employer_id, employer, start, end, income, main);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	json_t *rows = rc == STORE_OK ? job_rows(cx, "j.id = ?", id) : NULL;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (rc == STORE_OK)
		rc = *out ? ledger_recorded(cx, household_id, "create", "job", id, NULL, *out) : STORE_ERROR;
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

enum outcome jobs_patch(struct ctx *cx, int64_t job_id, json_t *body, json_t **out)
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
	int64_t household_id = json_integer_value(json_object_get(p, "household_id"));
	json_decref(p);
	if (res != OUT_OK) {
		json_decref(rows);
		return tx_end(cx->db, res, rc);
	}
	jx_only(body, allowed, "", cx->errs);
	const char *start = json_string_value(json_object_get(before, "start_date"));
	const char *end = jx_has(body, "end_date") ? ledger_planned_date(cx, body, "end_date", false)
		: json_string_value(json_object_get(before, "end_date"));
	if (end && strcmp(end, start) < 0)
		verrors_add(cx->errs, "end_date", "end_before_start");
	int64_t income = json_is_integer(json_object_get(before, "monthly_income"))
		? json_integer_value(json_object_get(before, "monthly_income")) : -1;
	if (jx_has(body, "monthly_income") && !json_is_null(json_object_get(body, "monthly_income")))
		jx_int(body, "monthly_income", "", false, 0, JOBS_MAX_MONTHLY_INCOME, &income, cx->errs);
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
		rc = *out ? ledger_recorded(cx, household_id, "update", "job", job_id, before, *out) : STORE_ERROR;
	json_decref(rows);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

int64_t jobs_person_id(struct ctx *cx, int64_t job_id)
{
	int rc;
	int64_t person = store_one_int(cx->db, &rc, "SELECT person_id FROM jobs WHERE id = ?", "i",
				       job_id);
	json_t *p = rc == STORE_OK && person ? person_load(cx, person) : NULL;	/* in scope? */
	json_decref(p);
	return p ? person : 0;
}
