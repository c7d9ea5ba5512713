/* activity: community activities (邻里大家走), their attendance and participation. */
#include "domain/activity.h"

#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/division.h"
#include "domain/household_guard.h"
#include "domain/ledger.h"
#include "domain/record.h"
#include "domain/tx.h"

#define IN_SCOPE "(? = '' OR (t.community_code >= ? AND t.community_code < ?))"
#define IN_PLACE "(? = '' OR (t.community_code >= ? AND t.community_code < ?))"

/* The scope's range and a place filter's (a division code prefix, "" for none). */
struct ranges {
	char lo[16], hi[17], plo[16], phi[17];
	char dlo[16], dhi[17];	/* the place's range, or every code ["", ":") */
};

static void ranges_of(struct ctx *cx, const char *place, struct ranges *r)
{
	actor_scope_range(cx->actor, r->lo, r->hi);
	r->plo[0] = r->phi[0] = r->dlo[0] = '\0';
	snprintf(r->dhi, sizeof(r->dhi), ":");
	if (place && *place) {
		snprintf(r->plo, sizeof(r->plo), "%s", place);
		snprintf(r->phi, sizeof(r->phi), "%s:", place);
		snprintf(r->dlo, sizeof(r->dlo), "%s", place);
		snprintf(r->dhi, sizeof(r->dhi), "%s:", place);
	}
}

/* ---------------------------------------------------------------- the kinds */

enum outcome activity_kinds_list(struct ctx *cx, json_t **out)
{
	return ledger_items(ledger_rows(cx, "code name_zh name_en active", "tttb", "SELECT code,"
		" name_zh, name_en, active FROM activity_kinds ORDER BY sort, code", NULL), out);
}

/* ---------------------------------------------------------------- activities */

#define ACTIVITY_NAMES "id community_code community_name kind title held_on place organiser" \
	" attendees version created_at"
#define ACTIVITY_KINDS "ittttttt" "iit"
#define ACTIVITY_SQL "SELECT t.id, t.community_code, d.short_name, t.kind, t.title, t.held_on," \
	" t.place, t.organiser, (SELECT count(*) FROM activity_attendance a WHERE" \
	" a.activity_id = t.id), t.version, t.created_at FROM activities t" \
	" JOIN divisions d ON d.code = t.community_code"

static json_t *activity_load(struct ctx *cx, int64_t id)
{
	struct ranges g;
	ranges_of(cx, NULL, &g);
	json_t *rows = ledger_rows(cx, ACTIVITY_NAMES, ACTIVITY_KINDS, ACTIVITY_SQL
		" WHERE t.id = ? AND " IN_SCOPE, "ittt", id, g.lo, g.lo, g.hi);
	json_t *r = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!r)
		return NULL;
	json_t *people = ledger_rows(cx, "person_id name gender household_id household_number",
		"ittit", "SELECT a.person_id, p.name, p.gender, a.household_id, h.number FROM"
		" activity_attendance a JOIN persons p ON p.id = a.person_id JOIN households h ON"
		" h.id = a.household_id WHERE a.activity_id = ? ORDER BY a.id", "i", id);
	if (!people) {
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "attendee_list", people);
	return r;
}

void activity_etag(json_t *activity, char out[48])
{
	record_etag('a', activity, out);
}

enum outcome activity_get(struct ctx *cx, int64_t id, json_t **out)
{
	return record_get(cx, activity_load, "activity", id, out);
}

enum outcome activity_create(struct ctx *cx, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"community", "kind", "title", "held_on", "place",
		"organiser", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	const char *community = jx_code(body, "community", "", false, 12, cx->errs);
	const char *kind = jx_string(body, "kind", "", true, 40, cx->errs);
	const char *title = jx_string(body, "title", "", true, 100, cx->errs);
	const char *held_on = ledger_date(cx, body, "held_on", "", true, DATE_PLANNED);
	const char *place = jx_string(body, "place", "", true, 100, cx->errs);
	const char *organiser = jx_name(body, "organiser", "", true, 100, cx->errs);
	/* a community worker's activity is their community's unless named */
	if (!community && !jx_has(body, "community") && strlen(cx->actor->scope) == 12)
		community = cx->actor->scope;
	else if (!community && !jx_has(body, "community"))
		verrors_add(cx->errs, "community", "required");
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	int rc = STORE_OK;
	if (community && !actor_covers(cx->actor, community))
		verrors_add(cx->errs, "community", "out_of_scope");
	else if (community && !division_exists(cx->db, community, 5))
		verrors_add(cx->errs, "community", "unknown_division");
	if (kind && store_one_int(cx->db, &rc, "SELECT count(*) FROM activity_kinds WHERE code = ?"
				  " AND active = 1", "t", kind) == 0 && rc == STORE_OK)
		verrors_add(cx->errs, "kind", "unknown_value");
	if (cx->errs->n || rc != STORE_OK)
		return tx_end(cx->db, OUT_INVALID, rc);
	char now[21];
	audit_now(now);
	rc = store_exec(cx->db, "INSERT INTO activities(community_code, kind, title, held_on, place,"
			" organiser, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "ttttttt", community,
			kind, title, held_on, place, organiser, now);
	int64_t id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	if (rc == STORE_OK) {
		*out = activity_load(cx, id);
		rc = *out ? audit_write(cx, "create", "activity", id, NULL, *out) : STORE_ERROR;
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

/* The attendance as the trail shows it: filed under the household. */
static json_t *attendance_json(json_t *activity, int64_t person_id, const char *name)
{
	return json_pack("{s:O, s:O, s:O, s:I, s:s}", "activity_id", json_object_get(activity, "id"),
			 "title", json_object_get(activity, "title"), "held_on",
			 json_object_get(activity, "held_on"), "person_id", (json_int_t)person_id,
			 "name", name ? name : "");
}

enum outcome activity_attend(struct ctx *cx, int64_t id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"person_id", NULL};
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	jx_only(body, allowed, "", cx->errs);
	int64_t person_id = 0;
	jx_int(body, "person_id", "", true, 1, INT64_MAX, &person_id, cx->errs);
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	json_t *activity = activity_load(cx, id);
	if (!activity)
		return tx_end(cx->db, OUT_NOT_FOUND, store_failed_in_tx(cx->db) ? STORE_ERROR : STORE_OK);
	int64_t hh = 0;
	char dest[16];
	int rc = STORE_OK;
	if (person_id) {
		res = household_guard_requester(cx, person_id, 0, &hh, dest);
		if (res != OUT_OK) {	/* outside the scope, the person does not exist */
			json_decref(activity);
			return tx_end(cx->db, res, STORE_OK);
		}
		if (store_one_int(cx->db, &rc, "SELECT count(*) FROM activity_attendance WHERE"
				  " activity_id = ? AND person_id = ?", "ii", id, person_id) > 0)
			verrors_add(cx->errs, "person_id", "already_attending");
	}
	if (cx->errs->n || rc != STORE_OK) {
		json_decref(activity);
		return tx_end(cx->db, OUT_INVALID, rc);
	}
	char now[21];
	audit_now(now);
	rc = store_exec(cx->db, "INSERT INTO activity_attendance(activity_id, person_id,"
			" household_id, created_at) VALUES (?, ?, ?, ?)", "iiit", id, person_id, hh, now);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "UPDATE activities SET version = version + 1 WHERE id = ?",
				"i", id);
	if (rc == STORE_OK) {
		json_t *rows = ledger_rows(cx, "person_id name gender household_id household_number",
			"ittit", "SELECT p.id, p.name, p.gender, h.id, h.number FROM persons p JOIN"
			" households h ON h.id = ? WHERE p.id = ?", "ii", hh, person_id);
		*out = json_incref(json_array_get(rows, 0));
		json_decref(rows);
		json_t *after = *out ? attendance_json(activity, person_id,
			json_string_value(json_object_get(*out, "name"))) : NULL;
		rc = after ? audit_write(cx, "create", "attendance", hh, NULL, after) : STORE_ERROR;
		json_decref(after);
	}
	json_decref(activity);
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

enum outcome activity_unattend(struct ctx *cx, int64_t id, int64_t person_id)
{
	if (!role_can_edit_registry(cx->actor->role))
		return OUT_FORBIDDEN;
	enum outcome res = tx_begin(cx->db);
	if (res != OUT_OK)
		return res;
	json_t *activity = activity_load(cx, id);
	if (!activity)
		return tx_end(cx->db, OUT_NOT_FOUND, store_failed_in_tx(cx->db) ? STORE_ERROR : STORE_OK);
	int64_t hh = 0;
	char dest[16];
	res = household_guard_requester(cx, person_id, 0, &hh, dest);
	int rc = STORE_OK;
	json_t *rows = res == OUT_OK ? ledger_rows(cx, "household_id name", "it", "SELECT"
		" a.household_id, p.name FROM activity_attendance a JOIN persons p ON p.id ="
		" a.person_id WHERE a.activity_id = ? AND a.person_id = ?", "ii", id, person_id) : NULL;
	json_t *row = json_array_get(rows, 0);
	if (res == OUT_OK && !rows)
		rc = STORE_ERROR;
	else if (res == OUT_OK && !row)
		res = OUT_NOT_FOUND;
	if (res == OUT_OK && rc == STORE_OK) {
		int64_t at = json_integer_value(json_object_get(row, "household_id"));
		json_t *before = attendance_json(activity, person_id,
						 json_string_value(json_object_get(row, "name")));
		rc = store_exec(cx->db, "DELETE FROM activity_attendance WHERE activity_id = ? AND"
				" person_id = ?", "ii", id, person_id);
		if (rc == STORE_OK)
			rc = store_exec(cx->db, "UPDATE activities SET version = version + 1 WHERE"
					" id = ?", "i", id);
		if (rc == STORE_OK)
			rc = audit_write(cx, "remove", "attendance", at, before, NULL);
		json_decref(before);
	}
	json_decref(rows);
	json_decref(activity);
	return tx_end(cx->db, res, rc);
}

enum outcome activity_list(struct ctx *cx, const struct activity_filter *f, json_t **out)
{
	struct ranges g;
	ranges_of(cx, f->community, &g);
	*out = NULL;
	json_t *rows = ledger_rows(cx, ACTIVITY_NAMES, ACTIVITY_KINDS, ACTIVITY_SQL
		" WHERE " IN_SCOPE " AND " IN_PLACE " AND (? IS NULL OR t.kind = ?)"
		" AND (? IS NULL OR t.held_on >= ?) AND (? IS NULL OR t.held_on <= ?)"
		" AND (? = 0 OR t.id IN (SELECT a.activity_id FROM activity_attendance a WHERE"
		" a.person_id = ?)) AND (? = 0 OR t.id < ?) ORDER BY t.id DESC LIMIT ?",
		"ttt" "ttt" "tt" "tt" "tt" "ii" "ii" "i", g.lo, g.lo, g.hi, g.plo, g.plo, g.phi,
		f->kind, f->kind, f->from, f->from, f->to, f->to, f->person_id, f->person_id,
		f->after, f->after, (int64_t)f->limit + 1);
	return record_page(cx, rows, f->limit, "id", out);
}

/* ---------------------------------------------------------------- figures */

/* Adds one activity with n attendances to the group keyed `key` of `groups`. */
static void group_add(json_t *groups, const char *key, const char *name, int64_t n)
{
	json_t *g = json_object_get(groups, key);
	if (!g) {
		g = json_pack("{s:s, s:s, s:I, s:I}", "key", key, "name", name ? name : key,
			      "activities", (json_int_t)0, "attendances", (json_int_t)0);
		json_object_set_new(groups, key, g);
	}
	json_object_set_new(g, "activities", json_integer(json_integer_value(
		json_object_get(g, "activities")) + 1));
	json_object_set_new(g, "attendances", json_integer(json_integer_value(
		json_object_get(g, "attendances")) + n));
}

/* The groups as an array sorted by key. */
static json_t *sorted(json_t *groups)
{
	size_t n = json_object_size(groups), i = 0;
	const char **keys = calloc(n ? n : 1, sizeof(*keys));
	const char *k;
	json_t *v, *arr = json_array();
	json_object_foreach(groups, k, v)
		if (keys)
			keys[i++] = k;
	for (size_t a = 1; keys && a < n; a++)	/* insertion sort: a few dozen groups */
		for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
			const char *t = keys[b];
			keys[b] = keys[b - 1];
			keys[b - 1] = t;
		}
	for (i = 0; keys && i < n; i++)
		json_array_append(arr, json_object_get(groups, keys[i]));
	free(keys);
	return arr;
}

enum outcome activity_figures(struct ctx *cx, const struct activity_filter *f, json_t **out)
{
	struct ranges g;
	ranges_of(cx, f->community, &g);
	*out = NULL;
	struct store_rows *r = store_query(cx->db, "SELECT t.community_code, d.short_name,"
		" substr(t.held_on, 1, 7), (SELECT count(*) FROM activity_attendance a WHERE"
		" a.activity_id = t.id) FROM activities t JOIN divisions d ON d.code = t.community_code"
		" WHERE " IN_SCOPE " AND " IN_PLACE " AND (? IS NULL OR t.kind = ?)"
		" AND (? IS NULL OR t.held_on >= ?) AND (? IS NULL OR t.held_on <= ?)",
		"ttt" "ttt" "tt" "tt" "tt", g.lo, g.lo, g.hi, g.plo, g.plo, g.phi, f->kind, f->kind,
		f->from, f->from, f->to, f->to);
	json_t *comms = json_object(), *months = json_object();
	int64_t activities = 0, attendances = 0;
	while (r && store_next(r)) {
		int64_t n = store_int(r, 3);
		activities++;
		attendances += n;
		group_add(comms, store_text(r, 0), store_text(r, 1), n);
		group_add(months, store_text(r, 2), NULL, n);
	}
	enum outcome res = r && store_finish(r) == STORE_OK ? OUT_OK : OUT_INTERNAL;
	if (res == OUT_OK)
		*out = json_pack("{s:{s:I, s:I}, s:o, s:o}", "totals", "activities",
				 (json_int_t)activities, "attendances", (json_int_t)attendances,
				 "by_community", sorted(comms), "by_month", sorted(months));
	json_decref(comms);
	json_decref(months);
	return res;
}

/* ---------------------------------------------------------------- participation */

/* The households of the scope relocated to a community of the filter. */
#define PARTICIPANTS "h.dest_community >= ? AND h.dest_community < ? AND h.status <> 'closed'" \
	" AND " SCOPE_SQL
#define PARTICIPANTS_TYPES "tt" SCOPE_TYPES
/* Those of them who attended in the period (two day parameters first), with their number
 * of attendances: a subquery x(household_id, n) driven by the period's attendance, which is
 * far smaller than the households. */
#define ATTENDED "(SELECT a.household_id, count(*) AS n FROM activity_attendance a JOIN" \
	" activities t ON t.id = a.activity_id JOIN households h ON h.id = a.household_id WHERE" \
	" t.held_on >= ? AND t.held_on <= ? AND " PARTICIPANTS " GROUP BY a.household_id) x"
#define ATTENDED_TYPES "tt" PARTICIPANTS_TYPES
#define PARTICIPATION_MAX 5	/* the distribution's last group: five or more */

/* The rows of a page: households with exactly `want` attendances (5: five or more) from
 * the attendance, or every household (want < 0) or those with none (0) from the
 * households, each in id order after `after`. */
static json_t *activity_participation_rows(struct ctx *cx, const struct participation_filter *f,
				  const struct ranges *g, const char *from, const char *to)
{
	const char *names = "household_id household_number community_code community_name"
		" attendances";
	if (f->attendances > 0)
		return ledger_rows(cx, names, "ittti", "SELECT x.household_id, h.number,"
			" h.dest_community, (SELECT d.short_name FROM divisions d WHERE d.code ="
			" h.dest_community), x.n FROM " ATTENDED " JOIN households h ON h.id ="
			" x.household_id WHERE (x.n = ? OR (? >= 5 AND x.n >= 5)) AND x.household_id > ?"
			" ORDER BY x.household_id LIMIT ?", ATTENDED_TYPES "ii" "ii", from, to,
			g->dlo, g->dhi, SCOPE_ARGS(g->lo, g->hi), f->attendances, f->attendances,
			f->after, (int64_t)f->limit + 1);
	return ledger_rows(cx, names, "ittti", "SELECT h.id, h.number, h.dest_community, (SELECT"
		" d.short_name FROM divisions d WHERE d.code = h.dest_community), (SELECT count(*) FROM activity_attendance a JOIN activities t ON t.id = a.activity_id WHERE"
		" a.household_id = h.id AND t.held_on >= ? AND t.held_on <= ?) AS n FROM households h"
		" WHERE " PARTICIPANTS " AND h.id > ? AND (? < 0 OR NOT EXISTS (SELECT 1 FROM"
		" activity_attendance a JOIN activities t ON t.id = a.activity_id WHERE a.household_id"
		" = h.id AND t.held_on >= ? AND t.held_on <= ?)) ORDER BY h.id LIMIT ?",
		"tt" PARTICIPANTS_TYPES "i" "itt" "i", from, to, g->dlo, g->dhi,
		SCOPE_ARGS(g->lo, g->hi), f->after, f->attendances, from, to, (int64_t)f->limit + 1);
}

enum outcome activity_participation(struct ctx *cx, const struct participation_filter *f,
				    json_t **out)
{
	struct ranges g;
	ranges_of(cx, f->community, &g);
	*out = NULL;
	char from[11], to[11];
	snprintf(from, sizeof(from), "%s", f->from ? f->from : "0000-01-01");
	snprintf(to, sizeof(to), "%s", f->to ? f->to : "9999-12-31");
	int64_t dist[PARTICIPATION_MAX + 1] = {0};
	int rc = STORE_OK;
	/* a community's scope (no household came from it: it is no village) holds only the
	 * households relocated to it: count those alone */
	if (!*g.plo && strlen(cx->actor->scope) == 12 && store_one_int(cx->db, &rc, "SELECT"
			" count(*) FROM households WHERE origin_village = ?", "t", cx->actor->scope) == 0
	    && rc == STORE_OK) {
		snprintf(g.dlo, sizeof(g.dlo), "%s", g.lo);
		snprintf(g.dhi, sizeof(g.dhi), "%s", g.hi);
	}
	dist[0] = store_one_int(cx->db, &rc, "SELECT count(*) FROM households h WHERE " PARTICIPANTS,
				PARTICIPANTS_TYPES, g.dlo, g.dhi, SCOPE_ARGS(g.lo, g.hi));
	struct store_rows *r = rc == STORE_OK ? store_query(cx->db, "SELECT x.n, count(*) FROM "
		ATTENDED " GROUP BY x.n", ATTENDED_TYPES, from, to, g.dlo, g.dhi,
		SCOPE_ARGS(g.lo, g.hi)) : NULL;
	while (r && store_next(r)) {	/* those who came are not among those with none */
		int64_t n = store_int(r, 0);
		dist[n < PARTICIPATION_MAX ? n : PARTICIPATION_MAX] += store_int(r, 1);
		dist[0] -= store_int(r, 1);
	}
	if (!r || store_finish(r) != STORE_OK)
		return OUT_INTERNAL;
	enum outcome res = record_page(cx, activity_participation_rows(cx, f, &g, from, to),
				       f->limit, "household_id", out);
	if (res != OUT_OK)
		return res;
	json_t *d = json_array();
	for (int i = 0; i <= PARTICIPATION_MAX; i++)
		json_array_append_new(d, json_pack("{s:i, s:I}", "attendances", i, "households",
						   (json_int_t)dist[i]));
	json_object_set_new(*out, "distribution", d);
	json_object_set_new(*out, "from", f->from ? json_string(f->from) : json_null());
	json_object_set_new(*out, "to", f->to ? json_string(f->to) : json_null());
	return OUT_OK;
}
