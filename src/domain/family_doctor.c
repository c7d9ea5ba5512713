/* family_doctor: each person's family-doctor sign-up — the descriptor, its read and its
 * replacing write. */
#include "domain/family_doctor.h"

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/tx.h"

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
	*out = res == OUT_OK ? json_pack("{s:[o]}", "items", doctor_row(cx, person_id)) : NULL;
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
	enum outcome res = ledger_begin_person(cx, person_id, body, allowed, &p);
	if (res != OUT_OK)
		return res;
	jx_bool(body, "signed", "", true, &is_signed, cx->errs);
	const char *date = ledger_date(cx, body, "date", "", is_signed, LEDGER_PAST);
	const char *doctor = jx_string(body, "doctor", "", false, 50, cx->errs);
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
	return ledger_one_replaced(cx, person_id, p, "family_doctor", rc, before, doctor_row, out);
}

const struct ledger family_doctor_ledger = {
	.name = "family-doctor", .entity = "family_doctor", .owner = LEDGER_OF_PERSON, .shape = LEDGER_ONE,
	.get = family_doctor_get, .put = family_doctor_put,
};
