/* ledger: rows as JSON, and the checks and the tail the follow-up ledgers share. */
#include "domain/ledger.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/household.h"
#include "domain/person.h"
#include "domain/tx.h"

json_t *ledger_rows(struct ctx *cx, const char *names, const char *kinds, const char *sql,
		    const char *types, ...)
{
	char keys[32][40];
	int n = 0;
	for (const char *p = names; *p && n < 32;) {
		size_t len = strcspn(p, " ");
		snprintf(keys[n++], sizeof(keys[0]), "%.*s", (int)len, p);
		p += len;
		p += strspn(p, " ");
	}
	va_list ap;
	va_start(ap, types);
	struct store_rows *r = store_vquery(cx->db, sql, types, ap);
	va_end(ap);
	json_t *arr = json_array();
	while (store_next(r)) {
		json_t *o = json_object();
		for (int c = 0; c < n && kinds[c]; c++) {
			json_t *v;
			if (store_null(r, c))
				v = json_null();
			else if (kinds[c] == 'i')
				v = json_integer(store_int(r, c));
			else if (kinds[c] == 'r')
				v = json_real(store_double(r, c));
			else if (kinds[c] == 'b')
				v = json_boolean(store_int(r, c));
			else
				v = json_string(store_text(r, c));
			json_object_set_new(o, keys[c], v);
		}
		json_array_append_new(arr, o);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum outcome ledger_person(struct ctx *cx, int64_t person_id, bool write, json_t **person)
{
	*person = person_load(cx, person_id);
	if (!*person)
		return OUT_NOT_FOUND;
	enum outcome res = OUT_OK;
	if (write) {
		int64_t hh = json_integer_value(json_object_get(*person, "household_id"));
		res = household_writable(cx, hh);
		if (res == OUT_OK && strcmp(json_string_value(json_object_get(*person, "status")),
					    "member") != 0) {
			verrors_add(cx->errs, "person_id", "person_not_member");
			res = OUT_CONFLICT;
		}
	}
	if (res != OUT_OK) {
		json_decref(*person);
		*person = NULL;
	}
	return res;
}

enum outcome ledger_person_visible(struct ctx *cx, int64_t person_id)
{
	json_t *p = NULL;
	enum outcome res = ledger_person(cx, person_id, false, &p);
	json_decref(p);
	return res;
}

enum outcome ledger_items(json_t *rows, json_t **out)
{
	*out = rows ? json_pack("{s:o}", "items", rows) : NULL;
	return rows ? OUT_OK : OUT_INTERNAL;
}

enum outcome ledger_household(struct ctx *cx, int64_t household_id, bool write, json_t **household)
{
	*household = NULL;
	enum outcome res = write ? household_writable(cx, household_id) : OUT_OK;
	if (res == OUT_OK)
		res = household_get(cx, household_id, household);
	return res;
}

enum outcome ledger_begin_household(struct ctx *cx, int64_t household_id, json_t *body,
				    const char *const *allowed)
{
	json_t *h = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	enum outcome res = ledger_household(cx, household_id, true, &h);
	json_decref(h);
	if (res != OUT_OK)
		return tx_end(cx->db, res, STORE_OK);
	jx_only(body, allowed, "", cx->errs);
	return OUT_OK;
}

enum outcome ledger_begin_person(struct ctx *cx, int64_t person_id, json_t *body,
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

int ledger_recorded(struct ctx *cx, int64_t household_id, const char *action,
		    const char *entity, int64_t id, json_t *before, json_t *after)
{
	int rc = household_touch(cx, household_id);
	return rc == STORE_OK ? audit_write(cx, action, entity, id, before, after) : rc;
}

enum outcome ledger_replaced(struct ctx *cx, int64_t household_id, const char *entity, int rc,
			     json_t *before,
			     enum outcome (*get)(struct ctx *, int64_t, json_t **), json_t **out)
{
	if (rc == STORE_OK && get(cx, household_id, out) != OUT_OK)
		rc = STORE_ERROR;
	if (rc == STORE_OK)
		rc = ledger_recorded(cx, household_id, "update", entity, household_id, before, *out);
	json_decref(before);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

const char *ledger_planned_date(struct ctx *cx, json_t *body, const char *key, bool required)
{
	const char *d = jx_date(body, key, "", required, cx->errs);
	if (d && ledger_day(d) > cx->today + 366) {
		verrors_add(cx->errs, key, "date_too_far_ahead");
		return NULL;
	}
	return d;
}

long ledger_day(const char *date)
{
	int y, m, d;
	return date && date_parse(date, &y, &m, &d) ? date_days(y, m, d) : -1;
}

int ledger_age(const char *birth, long day)
{
	long b = ledger_day(birth);
	return b < 0 ? -1 : date_age(b, day);
}
