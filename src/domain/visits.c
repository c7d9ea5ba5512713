/* visits: a household's visits and return visits — validation, rows, audit. */
#include "domain/visits.h"

#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/tx.h"

const char *const visits_kinds[] = {"visit", "return_visit", NULL};

/* ---------------------------------------------------------------- visits */

#define VISIT_SQL "SELECT id, household_id, date, kind, visitor, found, created_at FROM visits"
#define VISIT_NAMES "id household_id date kind visitor found created_at"

enum outcome visits_list(struct ctx *cx, int64_t household_id, json_t **out)
{
	json_t *h = NULL;
	*out = NULL;
	enum outcome res = ledger_household(cx, household_id, false, &h);
	json_decref(h);
	if (res != OUT_OK)
		return res;
	return ledger_items(ledger_rows(cx, VISIT_NAMES, "iittttt", VISIT_SQL
		" WHERE household_id = ? ORDER BY date DESC, id DESC", "i", household_id), out);
}

enum outcome visits_create(struct ctx *cx, int64_t household_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"date", "kind", "visitor", "found", NULL};
	char now[21];
	*out = NULL;
	enum outcome res = ledger_begin_household(cx, household_id, body, allowed);
	if (res != OUT_OK)
		return res;
	const char *date = jx_date(body, "date", "", true, cx->errs);
	const char *kind = jx_enum(body, "kind", "", false, visits_kinds, cx->errs);
	const char *visitor = jx_string(body, "visitor", "", true, 50, cx->errs);
	const char *found = jx_string(body, "found", "", true, 2000, cx->errs);
	if (date && ledger_day(date) > cx->today)
		verrors_add(cx->errs, "date", "date_in_future");
	if (cx->errs->n)
		return tx_end(cx->db, OUT_INVALID, STORE_OK);
	audit_now(now);
	int rc = store_exec(cx->db, "INSERT INTO visits(household_id, date, kind, visitor, found,"
		" user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "ittttit", household_id, date,
		kind ? kind : "visit", visitor, found, cx->actor->user_id, now);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	json_t *rows = rc == STORE_OK ? ledger_rows(cx, VISIT_NAMES, "iittttt", VISIT_SQL
		" WHERE id = ?", "i", id) : NULL;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (rc == STORE_OK)
		rc = *out ? ledger_recorded(cx, household_id, "create", "visit", id, NULL, *out)
			  : STORE_ERROR;
	return tx_end_out(cx->db, OUT_OK, rc, out);
}
