/* schooling: the schooling of each school-age child — the descriptor, its read and its
 * replacing write. */
#include "domain/schooling.h"

#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/tx.h"

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
	*out = res == OUT_OK ? json_pack("{s:[o]}", "items", schooling_row(cx, person_id)) : NULL;
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
	enum outcome res = ledger_begin_person(cx, person_id, body, allowed, &p);
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
	return ledger_one_replaced(cx, person_id, p, "schooling", rc, before, schooling_row, out);
}

const struct ledger schooling_ledger = {
	.name = "schooling", .entity = "schooling", .owner = LEDGER_OF_PERSON, .shape = LEDGER_ONE,
	.get = schooling_get, .put = schooling_put,
};
