/* site: resettlement sites, buildings and rooms. */
#include "domain/site.h"

#include <stdio.h>
#include <string.h>

#include "core/jsonx.h"
#include "domain/audit.h"
#include "domain/division.h"
#include "domain/tx.h"

#define SITE_COLS "s.id, s.name, s.community_code, d.short_name," \
	" (SELECT count(*) FROM buildings b WHERE b.site_id = s.id)," \
	" (SELECT count(*) FROM rooms r JOIN buildings b ON b.id = r.building_id" \
	"   WHERE b.site_id = s.id)," \
	" (SELECT count(*) FROM households h WHERE h.site_id = s.id AND h.status <> 'closed')"

static json_t *site_row_json(struct store_rows *r)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)store_int(r, 0),
			 "name", store_text(r, 1), "community_code", store_text(r, 2),
			 "community_name", store_text(r, 3), "buildings", (json_int_t)store_int(r, 4),
			 "rooms", (json_int_t)store_int(r, 5), "households", (json_int_t)store_int(r, 6));
}

/* One site when its community lies within the actor's scope; NULL otherwise. */
static json_t *site_load(struct ctx *cx, int64_t id)
{
	char lo[16], hi[17];
	json_t *o = NULL;
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT " SITE_COLS " FROM sites s"
		" JOIN divisions d ON d.code = s.community_code WHERE s.id = ?"
		" AND (? = '' OR (s.community_code >= ? AND s.community_code < ?))", "ittt",
		id, lo, lo, hi);
	if (store_next(r))
		o = site_row_json(r);
	store_finish(r);
	return o;
}

enum outcome site_list(struct ctx *cx, json_t **out)
{
	*out = NULL;
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	json_t *items = json_array();
	struct store_rows *r = store_query(cx->db, "SELECT " SITE_COLS " FROM sites s"
		" JOIN divisions d ON d.code = s.community_code"
		" WHERE (? = '' OR (s.community_code >= ? AND s.community_code < ?)) ORDER BY s.id",
		"ttt", lo, lo, hi);
	while (store_next(r))
		json_array_append_new(items, site_row_json(r));
	if (store_finish(r) != STORE_OK) {
		json_decref(items);
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:o}", "items", items);
	return OUT_OK;
}

enum outcome site_create(struct ctx *cx, json_t *body, json_t **out)
{
	*out = NULL;
	static const char *const allowed[] = {"name", "community_code", NULL};
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *name = jx_string(body, "name", "", true, 60, cx->errs);
	const char *code = jx_code(body, "community_code", "", true, 12, cx->errs);
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	if (code && !division_exists(cx->db, code, 5))
		verrors_add(cx->errs, "community_code", "unknown_division");
	else if (code && !actor_covers(cx->actor, code))
		verrors_add(cx->errs, "community_code", "out_of_scope");
	if (cx->errs->n)
		return tx_end(cx->db, OUT_INVALID, STORE_OK);
	int rc = store_exec(cx->db, "INSERT INTO sites(name, community_code) VALUES (?, ?)", "tt",
			    name, code);
	if (rc == STORE_CONSTRAINT) {
		verrors_add(cx->errs, "name", "site_name_taken");
		return tx_end(cx->db, OUT_INVALID, STORE_OK);
	}
	int64_t id = store_last_id(cx->db);
	if (rc == STORE_OK) {
		*out = site_load(cx, id);
		rc = *out ? audit_write(cx, "create", "site", id, NULL, *out) : STORE_ERROR;
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

enum outcome site_add_building(struct ctx *cx, int64_t site_id, json_t *body, json_t **out)
{
	*out = NULL;
	static const char *const allowed[] = {"name", "units", "floors", "rooms_per_floor", NULL};
	int64_t units = 0, floors = 0, per_floor = 0;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *name = jx_string(body, "name", "", true, 20, cx->errs);
	jx_int(body, "units", "", true, 1, 20, &units, cx->errs);
	jx_int(body, "floors", "", true, 1, 60, &floors, cx->errs);
	jx_int(body, "rooms_per_floor", "", true, 1, 20, &per_floor, cx->errs);
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	json_t *site = site_load(cx, site_id);
	if (!site)
		return tx_end(cx->db, OUT_NOT_FOUND, STORE_OK);
	json_decref(site);
	if (cx->errs->n)
		return tx_end(cx->db, OUT_INVALID, STORE_OK);
	int rc = store_exec(cx->db, "INSERT INTO buildings(site_id, name) VALUES (?, ?)", "it",
			    site_id, name);
	if (rc == STORE_CONSTRAINT) {
		verrors_add(cx->errs, "name", "building_name_taken");
		return tx_end(cx->db, OUT_INVALID, STORE_OK);
	}
	int64_t building = store_last_id(cx->db);
	for (int64_t u = 1; u <= units && rc == STORE_OK; u++)
		for (int64_t f = 1; f <= floors && rc == STORE_OK; f++)
			for (int64_t k = 1; k <= per_floor && rc == STORE_OK; k++) {
				char unit[48], number[48];	/* bounded by the checks above */
				snprintf(unit, sizeof(unit), "%lld单元", (long long)u);
				snprintf(number, sizeof(number), "%lld%02lld", (long long)f, (long long)k);
				rc = store_exec(cx->db, "INSERT INTO rooms(building_id, unit, number)"
						" VALUES (?, ?, ?)", "itt", building, unit, number);
			}
	if (rc == STORE_OK) {
		*out = json_pack("{s:I, s:I, s:s, s:I}", "id", (json_int_t)building,
				 "site_id", (json_int_t)site_id, "name", name,
				 "rooms", (json_int_t)(units * floors * per_floor));
		rc = audit_write(cx, "create", "building", building, NULL, *out);
	}
	return tx_end_out(cx->db, OUT_OK, rc, out);
}

enum outcome site_rooms(struct ctx *cx, int64_t site_id, bool free_only, int64_t after,
			int limit, json_t **out)
{
	*out = NULL;
	json_t *site = site_load(cx, site_id);
	if (!site)
		return OUT_NOT_FOUND;
	json_decref(site);
	json_t *items = json_array();
	int count = 0;
	int64_t last = 0;
	struct store_rows *r = store_query(cx->db, "SELECT r.id, b.name, r.unit, r.number,"
		" (SELECT h.id FROM households h WHERE h.room_id = r.id AND h.status <> 'closed')"
		" FROM rooms r JOIN buildings b ON b.id = r.building_id"
		" WHERE b.site_id = ? AND r.id > ? AND (? = 0 OR NOT EXISTS (SELECT 1 FROM households h"
		"   WHERE h.room_id = r.id AND h.status <> 'closed')) ORDER BY r.id LIMIT ?",
		"iiii", site_id, after, (int64_t)free_only, (int64_t)limit + 1);
	while (store_next(r)) {
		if (count++ == limit)
			break;
		last = store_int(r, 0);
		json_t *room = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)last,
					 "building", store_text(r, 1), "unit", store_text(r, 2),
					 "number", store_text(r, 3));
		json_object_set_new(room, "household_id", store_null(r, 4) ? json_null()
				    : json_integer(store_int(r, 4)));
		json_array_append_new(items, room);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(items);
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:o}", "items", items);
	json_object_set_new(*out, "next", count > limit
			    ? json_string(arena_printf(cx->arena, "%lld", (long long)last)) : json_null());
	return OUT_OK;
}
