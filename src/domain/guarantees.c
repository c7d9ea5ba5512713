/* guarantees: the three guarantees of each person — validation, rows, audit. */
#include "domain/guarantees.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/tx.h"

const char *const guarantees_kinds[] = {"minimum_living", "medical_insurance", "pension_insurance",
					NULL};
const char *const guarantees_statuses[] = {"enrolled", "not_enrolled", "stopped", NULL};

#define GUARANTEE_SQL "SELECT id, person_id, kind, status, start_date, end_date, note," \
	" start_date <= ? AND (end_date IS NULL OR end_date >= ?), created_at FROM guarantees"
#define GUARANTEE_NAMES "id person_id kind status start_date end_date note current created_at"
#define GUARANTEE_KINDS "iitttttbt"

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
	for (int k = 0; guarantees_kinds[k]; k++)
		json_object_set_new(current, guarantees_kinds[k], json_string("none"));
	json_array_foreach(items, i, g)
		if (json_is_true(json_object_get(g, "current")))
			json_object_set(current, json_string_value(json_object_get(g, "kind")),
					json_object_get(g, "status"));
	*out = json_pack("{s:o, s:o}", "items", items, "current", current);
	return OUT_OK;
}

int guarantees_insert(struct ctx *cx, int64_t person_id, const char *kind, const char *status,
		     const char *start, const char *end)
{
	char now[21];
	audit_now(now);
	return store_exec(cx->db, "INSERT INTO guarantees(person_id, kind, status, start_date,"
		" end_date, created_at) VALUES (?, ?, ?, ?, ?, ?)", "itttt" "t", person_id, kind,
		status, start, end, now);
}

enum outcome guarantees_create(struct ctx *cx, int64_t person_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"kind", "status", "start_date", "end_date", "note",
		"household_id", NULL};
	char today[11], day_before[11];
	json_t *p = NULL;
	int rc = STORE_OK;
	*out = NULL;
	enum outcome res = ledger_begin_person(cx, person_id, body, allowed, &p);
	if (res != OUT_OK)
		return res;
	const char *kind = jx_enum(body, "kind", "", true, guarantees_kinds, cx->errs);
	const char *status = jx_enum(body, "status", "", true, guarantees_statuses, cx->errs);
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
		rc = guarantees_insert(cx, person_id, kind, status, start, end);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	if (rc == STORE_OK && note)
		rc = store_exec(cx->db, "UPDATE guarantees SET note = ? WHERE id = ?", "ti", note, id);
	date_format(cx->today, today);
	json_t *rows = rc == STORE_OK ? ledger_rows(cx, GUARANTEE_NAMES, GUARANTEE_KINDS,
		GUARANTEE_SQL " WHERE id = ?", "tti", today, today, id) : NULL;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (rc == STORE_OK)
		rc = *out ? ledger_recorded(cx, json_integer_value(json_object_get(p, "household_id")),
			"create", "guarantee", id, NULL, *out) : STORE_ERROR;
	json_decref(p);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}
