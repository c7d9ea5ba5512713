/* grant: break-the-glass access grants — validation, rows, audit. */
#include "domain/grant.h"
#include "domain/probe.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/tx.h"

#define GRANT_COLS "g.id, g.username, g.household_id, h.number, g.reason, g.granted_at," \
		   " g.expires_at, g.address"

static json_t *grant_json(struct store_rows *r, int64_t now)
{
	char until[21];
	time_t t = (time_t)store_int(r, 6);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:s}",
		"id", (json_int_t)store_int(r, 0), "user", store_text(r, 1),
		"household_id", (json_int_t)store_int(r, 2), "household_number", store_text(r, 3),
		"reason", store_text(r, 4), "granted_at", store_text(r, 5), "expires_at", until,
		"live", store_int(r, 6) > now, "address", store_text(r, 7));
}

/* The household named by id, by number, or by a member's ID number; 0 when none. The
 * lookup ignores scope on purpose: that is what breaking the glass means. */
static int64_t find_household(struct ctx *cx, int64_t id, const char *number, int *rc)
{
	if (id)
		return store_one_int(cx->db, rc, "SELECT id FROM households WHERE id = ?", "i", id);
	int64_t found = store_one_int(cx->db, rc, "SELECT id FROM households WHERE number = ?",
				      "t", number);
	if (*rc == STORE_OK && !found)
		found = store_one_int(cx->db, rc, "SELECT household_id FROM persons"
				      " WHERE id_number = upper(?)", "t", number);
	return found;
}

enum outcome grant_create(struct ctx *cx, json_t *body, int hours, json_t **out)
{
	static const char *const allowed[] = {"household_id", "number", "reason", NULL};
	int64_t id = 0;
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "object_required");
		return OUT_INVALID;
	}
	jx_only(body, allowed, NULL, cx->errs);
	bool by_id = jx_int(body, "household_id", NULL, false, 1, INT64_MAX, &id, cx->errs);
	const char *number = jx_string(body, "number", NULL, false, 32, cx->errs);
	const char *reason = jx_string(body, "reason", NULL, true, 500, cx->errs);
	if (!by_id && !number && !jx_has(body, "household_id") && !jx_has(body, "number"))
		verrors_add(cx->errs, "number", "required");
	if (reason && strlen(reason) < 4)
		verrors_add(cx->errs, "reason", "too_short");
	if (cx->errs->n)
		return OUT_INVALID;
	if (cx->actor->user_id == 0) {
		verrors_add(cx->errs, "user", "account_required");
		return OUT_INVALID;
	}
	int wait;
	if (!by_id && !probe_allowed(cx->actor->user_id, &wait)) {	/* see probe.h */
		verrors_add(cx->errs, "number", "too_many_misses");
		return OUT_RATE_LIMITED;
	}
	char now[21];
	audit_now(now);
	int64_t expires = actor_clock() + (int64_t)hours * 3600;
	int rc = store_begin(cx->db);
	if (rc != STORE_OK)
		return OUT_INTERNAL;
	enum outcome res = OUT_OK;
	int64_t household = find_household(cx, id, number, &rc);
	if (rc == STORE_OK && !household) {
		verrors_add(cx->errs, by_id ? "household_id" : "number", "not_found");
		res = OUT_INVALID;
		if (!by_id)
			probe_missed(cx->actor->user_id);
	}
	if (res == OUT_OK && rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO access_grants(user_id, username, household_id,"
			" reason, granted_at, expires_at, address) VALUES (?, ?, ?, ?, ?, ?, ?)",
			"itittit", cx->actor->user_id, cx->actor->username, household, reason, now,
			expires, cx->actor->address);
	if (res == OUT_OK && rc == STORE_OK) {
		int64_t gid = store_last_id(cx->db);
		struct store_rows *r = store_query(cx->db, "SELECT " GRANT_COLS " FROM access_grants g"
			" JOIN households h ON h.id = g.household_id WHERE g.id = ?", "i", gid);
		if (store_next(r))
			*out = grant_json(r, actor_clock());
		rc = store_finish(r);
		if (rc == STORE_OK)
			rc = *out ? audit_write(cx, "grant", "household", household, NULL, *out)
				  : STORE_ERROR;
	}
	return tx_end_out(cx->db, res, rc, out);
}

enum outcome grant_list(struct ctx *cx, bool all, bool live_only, json_t **out)
{
	int64_t now = actor_clock();
	json_t *items = json_array();
	struct store_rows *r = store_query(cx->db, "SELECT " GRANT_COLS " FROM access_grants g"
		" JOIN households h ON h.id = g.household_id WHERE (? = 1 OR g.user_id = ?)"
		" AND (? = 0 OR g.expires_at > ?) ORDER BY g.id DESC LIMIT 500", "iiii",
		(int64_t)all, cx->actor->user_id, (int64_t)live_only, now);
	while (store_next(r))
		json_array_append_new(items, grant_json(r, now));
	if (store_finish(r) != STORE_OK) {
		json_decref(items);
		*out = NULL;
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:o}", "items", items);
	return OUT_OK;
}
