/* volunteer: volunteers, their posts and assignments, and "my households". */
#include "domain/volunteer.h"

#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/tx.h"

const char *const volunteer_kinds[] = {"party_member", "building_leader", "other", NULL};

/* The most households and buildings one volunteer is given. */
#define ASSIGN_MAX 500

/* ---------------------------------------------------------------- reading */

/* The volunteer `user_id` as the actor may see it: the account itself, or a volunteer
 * whose community the actor's scope covers. NULL otherwise (or on a storage error). */
static json_t *volunteer_load(struct ctx *cx, int64_t user_id)
{
	json_t *rows = ledger_rows(cx, "user_id username scope kind post", "ittt" "t",
		"SELECT u.id, u.username, u.scope, v.kind, v.post FROM users u"
		" LEFT JOIN volunteers v ON v.user_id = u.id WHERE u.id = ? AND u.role = 'volunteer'",
		"i", user_id);
	json_t *v = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!v)
		return NULL;
	const char *scope = json_string_value(json_object_get(v, "scope"));
	bool self = cx->actor->user_id == user_id && cx->actor->role == ROLE_VOLUNTEER;
	if (!self && !(role_can_edit_registry(cx->actor->role) && actor_covers(cx->actor, scope))) {
		json_decref(v);
		return NULL;
	}
	if (json_is_null(json_object_get(v, "kind")))
		json_object_set_new(v, "kind", json_string("other"));
	json_t *hh = ledger_rows(cx, "id number", "it", "SELECT h.id, h.number FROM"
		" volunteer_households a JOIN households h ON h.id = a.household_id"
		" WHERE a.user_id = ? ORDER BY h.number", "i", user_id);
	json_t *bb = ledger_rows(cx, "id name site", "itt", "SELECT b.id, b.name, s.name FROM"
		" volunteer_buildings a JOIN buildings b ON b.id = a.building_id"
		" JOIN sites s ON s.id = b.site_id WHERE a.user_id = ? ORDER BY s.name, b.name",
		"i", user_id);
	int rc = STORE_OK;
	int64_t reach = store_one_int(cx->db, &rc, "SELECT count(DISTINCT household_id) FROM"
				      " volunteer_reach WHERE user_id = ?", "i", user_id);
	if (!hh || !bb || rc != STORE_OK) {
		json_decref(hh);
		json_decref(bb);
		json_decref(v);
		return NULL;
	}
	json_object_set_new(v, "households", hh);
	json_object_set_new(v, "buildings", bb);
	json_object_set_new(v, "reach", json_integer(reach));
	return v;
}

enum outcome volunteer_assignments_get(struct ctx *cx, int64_t user_id, json_t **out)
{
	*out = volunteer_load(cx, user_id);
	return *out ? OUT_OK : store_failed_in_tx(cx->db) ? OUT_INTERNAL : OUT_NOT_FOUND;
}

enum outcome volunteer_list(struct ctx *cx, json_t **out)
{
	char lo[16], hi[17];
	*out = NULL;
	if (!role_can_edit_registry(cx->actor->role) && cx->actor->role != ROLE_VOLUNTEER)
		return ledger_items(json_array(), out);
	actor_scope_range(cx->actor, lo, hi);
	/* a volunteer sees itself; the others the volunteers of their communities */
	return ledger_items(ledger_rows(cx, "user_id username scope kind post households"
		" buildings reach", "itttt" "iii",
		"SELECT u.id, u.username, u.scope, coalesce(v.kind, 'other'), v.post,"
		" (SELECT count(*) FROM volunteer_households a WHERE a.user_id = u.id),"
		" (SELECT count(*) FROM volunteer_buildings a WHERE a.user_id = u.id),"
		" (SELECT count(DISTINCT a.household_id) FROM volunteer_reach a WHERE a.user_id = u.id)"
		" FROM users u LEFT JOIN volunteers v ON v.user_id = u.id"
		" WHERE u.role = 'volunteer' AND u.disabled = 0"
		" AND (u.id = ? OR ? = '' OR (u.scope >= ? AND u.scope < ?)) ORDER BY u.username",
		"ittt", cx->actor->role == ROLE_VOLUNTEER ? cx->actor->user_id : 0, lo, lo, hi), out);
}

enum outcome volunteer_my_households(struct ctx *cx, json_t **out)
{
	char today[11];
	date_format(cx->today, today);
	/* the reach of the account itself: an index walk of its few households */
	return ledger_items(ledger_rows(cx, "id number head_name dest_community building room"
		" last_visit open_needs overdue_needs", "itttt" "ttii",
		"SELECT h.id, h.number, (SELECT p.name FROM persons p WHERE p.household_id = h.id"
		"   AND p.status = 'member' AND p.relation = 'head' LIMIT 1), h.dest_community,"
		" b.name, r.unit || '-' || r.number,"
		" (SELECT max(vi.date) FROM visits vi WHERE vi.household_id = h.id),"
		" (SELECT count(*) FROM needs n WHERE n.household_id = h.id AND n.resolved = 0),"
		" (SELECT count(*) FROM needs n WHERE n.household_id = h.id AND n.resolved = 0"
		"   AND n.due_on < ?)"
		" FROM households h LEFT JOIN rooms r ON r.id = h.room_id"
		" LEFT JOIN buildings b ON b.id = r.building_id"
		" WHERE h.id IN (SELECT va.household_id FROM volunteer_reach va WHERE va.user_id = ?)"
		" ORDER BY h.number", "ti", today,
		cx->actor->role == ROLE_VOLUNTEER ? cx->actor->user_id : 0), out);
}

/* ---------------------------------------------------------------- assignments */

/* The ids of body[key] (a list of positive whole numbers, each once) into ids, with their
 * places in the list in pos; errors as key[i]. Returns how many. */
static size_t id_list(struct ctx *cx, json_t *body, const char *key, int64_t *ids, size_t *pos)
{
	json_t *a = json_object_get(body, key), *v;
	size_t i, n = 0;
	if (!a)
		return 0;
	if (!json_is_array(a)) {
		verrors_add(cx->errs, key, "type_array");
		return 0;
	}
	if (json_array_size(a) > ASSIGN_MAX) {
		verrors_add(cx->errs, key, "too_many");
		return 0;
	}
	json_array_foreach(a, i, v) {
		const char *field = arena_printf(cx->arena, "%s[%zu]", key, i);
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			verrors_add(cx->errs, field, "type_integer");
			continue;
		}
		bool twice = false;
		for (size_t k = 0; k < n; k++)
			twice |= ids[k] == json_integer_value(v);
		if (twice)
			verrors_add(cx->errs, field, "duplicate_id");
		else {
			pos[n] = i;
			ids[n++] = json_integer_value(v);
		}
	}
	return n;
}

/* Each household id within the actor's scope, else households[i] unknown_household. */
static void check_households(struct ctx *cx, const int64_t *ids, const size_t *pos, size_t n)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	for (size_t i = 0; i < n; i++) {
		int rc;
		if (store_one_int(cx->db, &rc, "SELECT count(*) FROM households h WHERE h.id = ?"
				  " AND h.status <> 'closed' AND " SCOPE_SQL, "i" SCOPE_TYPES, ids[i],
				  SCOPE_ARGS(lo, hi)) == 0 && rc == STORE_OK)
			verrors_add(cx->errs, arena_printf(cx->arena, "households[%zu]", pos[i]),
				    "unknown_household");
	}
}

/* Each building id of a site within the actor's scope, else buildings[i] unknown_building. */
static void check_buildings(struct ctx *cx, const int64_t *ids, const size_t *pos, size_t n)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	for (size_t i = 0; i < n; i++) {
		int rc;
		if (store_one_int(cx->db, &rc, "SELECT count(*) FROM buildings b JOIN sites s"
				  " ON s.id = b.site_id WHERE b.id = ? AND (? = '' OR"
				  " (s.community_code >= ? AND s.community_code < ?))", "ittt", ids[i],
				  lo, lo, hi) == 0 && rc == STORE_OK)
			verrors_add(cx->errs, arena_printf(cx->arena, "buildings[%zu]", pos[i]),
				    "unknown_building");
	}
}

static bool listed(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* An audit row on each household assigned or no longer assigned, for its change trail. */
static int audit_households(struct ctx *cx, json_t *before, const int64_t *ids, size_t n,
			    const char *username)
{
	int rc = STORE_OK;
	size_t i;
	json_t *h;
	json_t *note = json_pack("{s:s}", "volunteer", username);
	json_array_foreach(json_object_get(before, "households"), i, h) {
		int64_t id = json_integer_value(json_object_get(h, "id"));
		if (rc == STORE_OK && !listed(ids, n, id))
			rc = audit_write(cx, "unassign", "household", id, note, NULL);
	}
	for (size_t k = 0; k < n && rc == STORE_OK; k++) {
		bool was = false;
		json_array_foreach(json_object_get(before, "households"), i, h)
			was |= json_integer_value(json_object_get(h, "id")) == ids[k];
		if (!was)
			rc = audit_write(cx, "assign", "household", ids[k], NULL, note);
	}
	json_decref(note);
	return rc;
}

enum outcome volunteer_assignments_put(struct ctx *cx, int64_t user_id, json_t *body,
				       json_t **out)
{
	static const char *const allowed[] = {"households", "buildings", "kind", "post", NULL};
	static int64_t none[1];
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	json_t *before = volunteer_load(cx, user_id);
	if (!before || cx->actor->role == ROLE_VOLUNTEER)	/* no volunteer assigns itself */
		return tx_end(cx->db, before ? OUT_FORBIDDEN : OUT_NOT_FOUND,
			      before || !store_failed_in_tx(cx->db) ? STORE_OK : STORE_ERROR);
	jx_only(body, allowed, "", cx->errs);
	const char *kind = jx_enum(body, "kind", "", false, volunteer_kinds, cx->errs);
	const char *post = jx_string(body, "post", "", false, 60, cx->errs);
	int64_t *hh = arena_alloc(cx->arena, ASSIGN_MAX * sizeof(int64_t));
	int64_t *bb = arena_alloc(cx->arena, ASSIGN_MAX * sizeof(int64_t));
	size_t *hpos = arena_alloc(cx->arena, ASSIGN_MAX * sizeof(size_t));
	size_t *bpos = arena_alloc(cx->arena, ASSIGN_MAX * sizeof(size_t));
	if (!hh || !bb || !hpos || !bpos) {
		json_decref(before);
		return tx_end(cx->db, OUT_TOO_LARGE, STORE_OK);
	}
	size_t nh = id_list(cx, body, "households", hh, hpos);
	size_t nb = id_list(cx, body, "buildings", bb, bpos);
	check_households(cx, hh, hpos, nh);
	check_buildings(cx, bb, bpos, nb);
	int rc = store_failed_in_tx(cx->db) ? STORE_ERROR : STORE_OK;
	if (cx->errs->n || rc != STORE_OK) {
		json_decref(before);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	char now[21];
	audit_now(now);
	bool given = jx_has(body, "households");
	if (given)
		rc = store_exec(cx->db, "DELETE FROM volunteer_households WHERE user_id = ?", "i",
				user_id);
	for (size_t i = 0; given && i < nh && rc == STORE_OK; i++)
		rc = store_exec(cx->db, "INSERT INTO volunteer_households(user_id, household_id)"
				" VALUES (?, ?)", "ii", user_id, hh[i]);
	if (rc == STORE_OK && jx_has(body, "buildings"))
		rc = store_exec(cx->db, "DELETE FROM volunteer_buildings WHERE user_id = ?", "i",
				user_id);
	for (size_t i = 0; jx_has(body, "buildings") && i < nb && rc == STORE_OK; i++)
		rc = store_exec(cx->db, "INSERT INTO volunteer_buildings(user_id, building_id)"
				" VALUES (?, ?)", "ii", user_id, bb[i]);
	if (rc == STORE_OK) {	/* the profile: kind and post as given, else as they were */
		const char *k = kind ? kind : json_string_value(json_object_get(before, "kind"));
		const char *p = jx_has(body, "post") ? post
			: json_string_value(json_object_get(before, "post"));
		rc = store_exec(cx->db, "DELETE FROM volunteers WHERE user_id = ?", "i", user_id);
		if (rc == STORE_OK)
			rc = store_exec(cx->db, "INSERT INTO volunteers(user_id, kind, post, updated_at)"
					" VALUES (?, ?, ?, ?)", "itt" "t", user_id, k, p, now);
	}
	if (rc == STORE_OK && given)
		rc = audit_households(cx, before, nh ? hh : none, nh,
				      json_string_value(json_object_get(before, "username")));
	if (rc == STORE_OK) {
		*out = volunteer_load(cx, user_id);
		rc = *out ? audit_write(cx, "update", "volunteer", user_id, before, *out) : STORE_ERROR;
	}
	/* the same assignments and profile sent again: nothing kept, cx->unchanged says so */
	res = tx_end_change(cx, OUT_OK, rc, before, out);
	json_decref(before);
	return res;
}
