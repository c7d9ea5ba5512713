/* trainings: the trainings of each person — validation, rows, audit. */
#include "domain/trainings.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/tx.h"

const char *const trainings_types[] = {"orientation", "skills", "entrepreneurship", NULL};

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

int trainings_insert(struct ctx *cx, int64_t person_id, const char *type, const char *course,
		    double hours, const char *start, const char *end, const char *certificate)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "INSERT INTO trainings(person_id, type, course, hours, start_date,"
		" end_date, certificate, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ittdtttt",
		person_id, type, course, hours, start, end, certificate, now);
}

enum outcome trainings_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"type", "course", "hours", "start_date", "end_date",
		"certificate", NULL};
	json_t *p = NULL;
	int rc = STORE_OK;
	*out = NULL;
	enum outcome res = ledger_begin_person(cx, person_id, body, allowed, &p);
	if (res != OUT_OK)
		return res;
	int64_t household_id = json_integer_value(json_object_get(p, "household_id"));
	json_decref(p);
	const char *type = jx_enum(body, "type", "", true, trainings_types, cx->errs);
	const char *course = jx_string(body, "course", "", true, 100, cx->errs);
	double hours = 0;
	bool has_hours = jx_number(body, "hours", "", true, 0.5, 24.0 * 366, &hours, cx->errs);
	const char *start = ledger_planned_date(cx, body, "start_date", true);
	const char *end = ledger_planned_date(cx, body, "end_date", false);
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
	rc = trainings_insert(cx, person_id, type, course, hours, start, end, certificate);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	json_t *rows = rc == STORE_OK ? ledger_rows(cx, TRAINING_NAMES, "iittrttt" "t",
		TRAINING_SQL " WHERE id = ?", "i", id) : NULL;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (rc == STORE_OK)
		rc = *out ? ledger_recorded(cx, household_id, "create", "training", id, NULL, *out) : STORE_ERROR;
	return tx_end_out(cx->db, OUT_OK, rc, out);
}
