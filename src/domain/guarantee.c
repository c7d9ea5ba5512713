/* guarantee: the three guarantees, schooling and family doctors — validation, rows, audit. */
#include "domain/guarantee.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/ledger.h"
#include "domain/tx.h"

const char *const guarantee_kinds[] = {"minimum_living", "medical_insurance", "pension_insurance",
				       NULL};
const char *const guarantee_statuses[] = {"enrolled", "not_enrolled", "stopped", NULL};

#define GUARANTEE_SQL "SELECT id, person_id, kind, status, start_date, end_date, note," \
	" start_date <= ? AND (end_date IS NULL OR end_date >= ?), created_at FROM guarantees"
#define GUARANTEE_NAMES "id person_id kind status start_date end_date note current created_at"
#define GUARANTEE_KINDS "iitttttbt"

static enum outcome begin_person(struct ctx *cx, int64_t person_id, json_t *body,
				 const char *const *allowed, json_t **person)
{
	*person = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	enum outcome res = ledger_person(cx, person_id, true, person);
	if (res != OUT_OK)	/* a failed lookup is INTERNAL, not "no such person" */
		return tx_end(cx->db, res, STORE_OK);
	jx_only(body, allowed, "", cx->errs);
	return OUT_OK;
}

/* The household's version moves on (its ETag), and the change is audited. */
static int recorded(struct ctx *cx, json_t *person, const char *action, const char *entity,
		    int64_t id, json_t *before, json_t *after)
{
	int rc = household_touch(cx, json_integer_value(json_object_get(person, "household_id")));
	return rc == STORE_OK ? audit_write(cx, action, entity, id, before, after) : rc;
}

enum outcome guarantees_list(struct ctx *cx, int64_t person_id, json_t **out)
{
	char today[11];
	*out = NULL;
	enum outcome res = ledger_person_visible(cx, person_id);
	if (res != OUT_OK)
		return res;
	date_format(cx->today, today);
	json_t *items = ledger_rows(cx, GUARANTEE_NAMES, GUARANTEE_KINDS, GUARANTEE_SQL
		" WHERE person_id = ? ORDER BY kind, start_date DESC, id DESC", "tti", today, today,
		person_id);
	if (!items)
		return OUT_INTERNAL;
	/* the current status of each kind, for those who only want that */
	json_t *current = json_object(), *g;
	size_t i;
	for (int k = 0; guarantee_kinds[k]; k++)
		json_object_set_new(current, guarantee_kinds[k], json_string("none"));
	json_array_foreach(items, i, g)
		if (json_is_true(json_object_get(g, "current")))
			json_object_set(current, json_string_value(json_object_get(g, "kind")),
					json_object_get(g, "status"));
	*out = json_pack("{s:o, s:o}", "items", items, "current", current);
	return OUT_OK;
}

int guarantee_insert(struct ctx *cx, int64_t person_id, const char *kind, const char *status,
		     const char *start, const char *end)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "INSERT INTO guarantees(person_id, kind, status, start_date,"
		" end_date, created_at) VALUES (?, ?, ?, ?, ?, ?)", "itttt" "t", person_id, kind,
		status, start, end, now);
}

enum outcome guarantee_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"kind", "status", "start_date", "end_date", "note",
		"household_id", NULL};
	char today[11], day_before[11];
	json_t *p = NULL;
	int rc = STORE_OK;
	*out = NULL;
	enum outcome res = begin_person(cx, person_id, body, allowed, &p);
	if (res != OUT_OK)
		return res;
	const char *kind = jx_enum(body, "kind", "", true, guarantee_kinds, cx->errs);
	const char *status = jx_enum(body, "status", "", true, guarantee_statuses, cx->errs);
	const char *start = jx_date(body, "start_date", "", true, cx->errs);
	const char *end = jx_date(body, "end_date", "", false, cx->errs);
	const char *note = jx_string(body, "note", "", false, 200, cx->errs);
	int64_t household = 0;
	/* a form filled in for a household says which one: it must be the person's */
	if (jx_int(body, "household_id", "", false, 1, INT64_MAX, &household, cx->errs) &&
	    household != json_integer_value(json_object_get(p, "household_id")))
		verrors_add(cx->errs, "household_id", "person_not_in_household");
	if (start && ledger_day(start) > cx->today + 366)
		verrors_add(cx->errs, "start_date", "date_too_far_ahead");
	if (start && end && strcmp(end, start) < 0)
		verrors_add(cx->errs, "end_date", "end_before_start");
	if (start && ledger_day(start) < ledger_day(json_string_value(json_object_get(p, "birth_date"))))
		verrors_add(cx->errs, "start_date", "before_birth");
	/* the open record of the kind ends the day before this one starts */
	int64_t open_id = 0;
	if (kind && start && !cx->errs->n) {
		struct store_rows *r = store_query(cx->db, "SELECT id, start_date FROM guarantees"
			" WHERE person_id = ? AND kind = ? AND end_date IS NULL ORDER BY start_date DESC"
			" LIMIT 1", "it", person_id, kind);
		if (store_next(r)) {
			open_id = store_int(r, 0);
			if (strcmp(store_text(r, 1), start) >= 0)
				verrors_add(cx->errs, "start_date", "start_not_after_current");
		}
		rc = store_finish(r);
	}
	if (cx->errs->n || rc != STORE_OK) {
		json_decref(p);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	date_format(ledger_day(start) - 1, day_before);
	if (open_id)
		rc = store_exec(cx->db, "UPDATE guarantees SET end_date = ? WHERE id = ?", "ti",
				day_before, open_id);
	if (rc == STORE_OK)
		rc = guarantee_insert(cx, person_id, kind, status, start, end);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	if (rc == STORE_OK && note)
		rc = store_exec(cx->db, "UPDATE guarantees SET note = ? WHERE id = ?", "ti", note, id);
	date_format(cx->today, today);
	json_t *rows = rc == STORE_OK ? ledger_rows(cx, GUARANTEE_NAMES, GUARANTEE_KINDS,
		GUARANTEE_SQL " WHERE id = ?", "tti", today, today, id) : NULL;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (rc == STORE_OK)
		rc = *out ? recorded(cx, p, "create", "guarantee", id, NULL, *out) : STORE_ERROR;
	json_decref(p);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

/* ---------------------------------------------------------------- schooling */

/* Schooling is kept for children: someone 18 or older is not a child of the household. */
#define CHILD_AGE_LIMIT 18

static json_t *schooling_row(struct ctx *cx, int64_t person_id)
{
	json_t *rows = ledger_rows(cx, "person_id status school grade reason updated_at", "itttt" "t",
		"SELECT person_id, status, school, grade, reason, updated_at FROM schooling"
		" WHERE person_id = ?", "i", person_id);
	json_t *row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return row ? row : json_pack("{s:I, s:s}", "person_id", (json_int_t)person_id, "status", "none");
}

enum outcome schooling_get(struct ctx *cx, int64_t person_id, json_t **out)
{
	enum outcome res = ledger_person_visible(cx, person_id);
	*out = res == OUT_OK ? schooling_row(cx, person_id) : NULL;
	return res;
}

enum outcome schooling_put(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"status", "school", "grade", "reason", NULL};
	static const char *const statuses[] = {"enrolled", "not_enrolled", NULL};
	json_t *p = NULL;
	char now[21];
	int rc = STORE_OK;
	*out = NULL;
	enum outcome res = begin_person(cx, person_id, body, allowed, &p);
	if (res != OUT_OK)
		return res;
	const char *status = jx_enum(body, "status", "", true, statuses, cx->errs);
	const char *school = jx_string(body, "school", "", false, 100, cx->errs);
	const char *grade = jx_string(body, "grade", "", false, 20, cx->errs);
	const char *reason = jx_string(body, "reason", "", false, 200, cx->errs);
	if (status && strcmp(status, "enrolled") == 0 && !school)
		verrors_add(cx->errs, "school", "required");
	if (status && strcmp(status, "not_enrolled") == 0 && !reason)
		verrors_add(cx->errs, "reason", "required");
	int age = ledger_age(json_string_value(json_object_get(p, "birth_date")), cx->today);
	if (age >= CHILD_AGE_LIMIT)
		verrors_add(cx->errs, "person_id", "not_a_child");
	if (cx->errs->n) {
		json_decref(p);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	json_t *before = schooling_row(cx, person_id);
	audit_now(now);
	rc = store_exec(cx->db, "INSERT INTO schooling(person_id, status, school, grade, reason,"
		" updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(person_id) DO UPDATE SET"
		" status = excluded.status, school = excluded.school, grade = excluded.grade,"
		" reason = excluded.reason, updated_at = excluded.updated_at", "itttt" "t",
		person_id, status, school, grade, reason, now);
	*out = rc == STORE_OK ? schooling_row(cx, person_id) : NULL;
	if (rc == STORE_OK)
		rc = recorded(cx, p, "update", "schooling", person_id, before, *out);
	json_decref(before);
	json_decref(p);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

/* ---------------------------------------------------------------- family doctor */

static json_t *doctor_row(struct ctx *cx, int64_t person_id)
{
	json_t *rows = ledger_rows(cx, "person_id signed date doctor updated_at", "ibttt",
		"SELECT person_id, signed, date, doctor, updated_at FROM family_doctors"
		" WHERE person_id = ?", "i", person_id);
	json_t *row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return row ? row : json_pack("{s:I, s:b}", "person_id", (json_int_t)person_id, "signed", 0);
}

enum outcome family_doctor_get(struct ctx *cx, int64_t person_id, json_t **out)
{
	enum outcome res = ledger_person_visible(cx, person_id);
	*out = res == OUT_OK ? doctor_row(cx, person_id) : NULL;
	return res;
}

enum outcome family_doctor_put(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"signed", "date", "doctor", NULL};
	json_t *p = NULL;
	char now[21];
	int rc = STORE_OK;
	bool is_signed = false;
	*out = NULL;
	enum outcome res = begin_person(cx, person_id, body, allowed, &p);
	if (res != OUT_OK)
		return res;
	jx_bool(body, "signed", "", true, &is_signed, cx->errs);
	const char *date = jx_date(body, "date", "", is_signed, cx->errs);
	const char *doctor = jx_string(body, "doctor", "", false, 50, cx->errs);
	if (date && ledger_day(date) > cx->today)
		verrors_add(cx->errs, "date", "date_in_future");
	if (cx->errs->n) {
		json_decref(p);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	json_t *before = doctor_row(cx, person_id);
	audit_now(now);
	rc = store_exec(cx->db, "INSERT INTO family_doctors(person_id, signed, date, doctor, updated_at)"
		" VALUES (?, ?, ?, ?, ?) ON CONFLICT(person_id) DO UPDATE SET signed = excluded.signed,"
		" date = excluded.date, doctor = excluded.doctor, updated_at = excluded.updated_at",
		"iittt", person_id, (int64_t)is_signed, date, doctor, now);
	*out = rc == STORE_OK ? doctor_row(cx, person_id) : NULL;
	if (rc == STORE_OK)
		rc = recorded(cx, p, "update", "family_doctor", person_id, before, *out);
	json_decref(before);
	json_decref(p);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}
