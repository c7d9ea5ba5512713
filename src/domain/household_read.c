/* household_read: a household as JSON (with its members and events), its ETag, and the
 * scoped list. */
#include "domain/household.h"

#include <stdio.h>
#include <string.h>

#include "domain/checklist.h"
#include "domain/division.h"
#include "domain/person.h"

/* Columns every household query selects, in the order household_row_json reads them. */
#define HOUSEHOLD_COLS "h.id, h.number, h.category, h.status, h.origin_village," \
	" h.dest_community, h.site_id, h.room_id, h.relocation_date, h.phone, h.note," \
	" h.closed_reason, h.closed_date, h.version, h.created_at, h.updated_at," \
	" (SELECT name FROM sites WHERE id = h.site_id)," \
	" (SELECT b.name || '-' || r.unit || '-' || r.number FROM rooms r" \
	"   JOIN buildings b ON b.id = r.building_id WHERE r.id = h.room_id)," \
	" (SELECT name FROM persons WHERE household_id = h.id AND status = 'member'" \
	"   AND relation = 'head' LIMIT 1)," \
	" (SELECT count(*) FROM persons WHERE household_id = h.id AND status = 'member')"

static void put_text(json_t *o, const char *key, struct store_rows *r, int col)
{
	json_object_set_new(o, key, store_null(r, col) ? json_null() : json_string(store_text(r, col)));
}

static void put_int(json_t *o, const char *key, struct store_rows *r, int col)
{
	json_object_set_new(o, key, store_null(r, col) ? json_null() : json_integer(store_int(r, col)));
}

/* A division code with its name beside it: origin_village + origin_village_name. */
static void put_division(struct ctx *cx, json_t *o, const char *key, const char *code)
{
	char name[128], namekey[64];
	snprintf(namekey, sizeof(namekey), "%s_name", key);
	if (!code || !*code) {
		json_object_set_new(o, key, json_null());
		json_object_set_new(o, namekey, json_null());
		return;
	}
	division_name(cx->db, code, name, sizeof(name));
	json_object_set_new(o, key, json_string(code));
	json_object_set_new(o, namekey, json_string(name));
}

static json_t *household_row_json(struct ctx *cx, struct store_rows *r)
{
	json_t *o = json_object();
	char town[10];
	put_int(o, "id", r, 0);
	put_text(o, "number", r, 1);
	put_text(o, "category", r, 2);
	put_text(o, "status", r, 3);
	/* The row's texts are copied first: division_name runs queries of its own. */
	char origin[16], dest[16];
	snprintf(origin, sizeof(origin), "%s", store_text(r, 4));
	snprintf(dest, sizeof(dest), "%s", store_text(r, 5));
	put_int(o, "site_id", r, 6);
	put_int(o, "room_id", r, 7);
	put_text(o, "relocation_date", r, 8);
	put_text(o, "phone", r, 9);
	put_text(o, "note", r, 10);
	put_text(o, "closed_reason", r, 11);
	put_text(o, "closed_date", r, 12);
	put_int(o, "version", r, 13);
	put_text(o, "created_at", r, 14);
	put_text(o, "updated_at", r, 15);
	put_text(o, "site_name", r, 16);
	put_text(o, "room", r, 17);
	put_text(o, "head_name", r, 18);
	put_int(o, "size", r, 19);
	put_division(cx, o, "origin_village", origin);
	snprintf(town, sizeof(town), "%.9s", origin);
	put_division(cx, o, "origin_town", town);
	put_division(cx, o, "dest_community", dest);
	snprintf(town, sizeof(town), "%.9s", dest);
	put_division(cx, o, "dest_town", *dest ? town : NULL);
	return o;
}

/* One household row (without members) when visible; NULL otherwise. */
static json_t *household_row(struct ctx *cx, int64_t id)
{
	char lo[16], hi[17];
	json_t *o = NULL;
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT " HOUSEHOLD_COLS " FROM households h"
		" WHERE h.id = ? AND " READ_SCOPE_SQL, "i" READ_SCOPE_TYPES, id,
		READ_SCOPE_ARGS(cx, lo, hi));
	if (store_next(r))
		o = household_row_json(cx, r);
	store_finish(r);
	return o;
}

static json_t *events_json(struct ctx *cx, int64_t id)
{
	json_t *arr = json_array();
	struct store_rows *r = store_query(cx->db, "SELECT e.id, e.person_id, p.name, e.kind,"
		" e.date, e.note, e.created_at FROM member_events e"
		" JOIN persons p ON p.id = e.person_id WHERE e.household_id = ?"
		" ORDER BY e.date, e.id", "i", id);
	while (store_next(r)) {
		json_t *e = json_object();
		put_int(e, "id", r, 0);
		put_int(e, "person_id", r, 1);
		put_text(e, "name", r, 2);
		put_text(e, "kind", r, 3);
		put_text(e, "date", r, 4);
		put_text(e, "note", r, 5);
		put_text(e, "recorded_at", r, 6);
		json_array_append_new(arr, e);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* The full household: row, current members and membership history. */
json_t *household_load(struct ctx *cx, int64_t id)
{
	json_t *o = household_row(cx, id);
	if (!o)
		return NULL;
	json_t *members = person_members_json(cx, id), *events = events_json(cx, id);
	if (!members || !events) {	/* never answer with half a household */
		json_decref(members);
		json_decref(events);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "members", members);
	json_object_set_new(o, "events", events);
	json_t *missing = checklist_missing(cx, id);
	int rc;
	int64_t items = store_one_int(cx->db, &rc, "SELECT count(*) FROM items WHERE household_id = ?"
				      " AND status = 'active'", "i", id);
	if (!missing || rc != STORE_OK) {
		json_decref(missing);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "archive", json_pack("{s:b, s:o, s:I}", "complete",
			    json_array_size(missing) == 0, "missing", missing, "items", (json_int_t)items));
	return o;
}

void household_etag_for(int64_t id, int64_t version, char out[48])
{
	snprintf(out, 48, "\"h%lld-%lld\"", (long long)id, (long long)version);
}

void household_etag(json_t *h, char out[48])
{
	household_etag_for(json_integer_value(json_object_get(h, "id")),
			   json_integer_value(json_object_get(h, "version")), out);
}

enum outcome household_get(struct ctx *cx, int64_t id, json_t **out)
{
	*out = NULL;
	*out = household_load(cx, id);
	return *out ? OUT_OK : OUT_NOT_FOUND;
}

enum outcome household_version(struct ctx *cx, int64_t id, int64_t *version)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT h.version FROM households h"
		" WHERE h.id = ? AND " READ_SCOPE_SQL, "i" READ_SCOPE_TYPES, id,
		READ_SCOPE_ARGS(cx, lo, hi));
	bool found = store_next(r);
	if (found)
		*version = store_int(r, 0);
	int rc = store_finish(r);
	return rc != STORE_OK ? OUT_INTERNAL : found ? OUT_OK : OUT_NOT_FOUND;
}

/* The list's filters after its first terms (household_list). */
#define LIST_REST SCOPE_SQL \
	" AND (? = '' OR (h.origin_village >= ? AND h.origin_village < ?))"	/* the origin town, as the charts count */ \
	" AND (? IS NULL OR h.dest_community = ?)" \
	" AND (? IS NULL OR h.origin_village = ?)" \
	" AND (? IS NULL OR h.category = ?)" \
	" AND (? IS NULL OR h.status = ?)" \
	" AND (? = '' OR (h.number >= ? AND h.number < ?) OR h.id IN (" \
	"      SELECT household_id FROM persons WHERE (name >= ? AND name < ?)" \
	"      OR id_number = upper(?) OR name_initials = lower(?)))" \
	" ORDER BY h.id LIMIT ?"

enum outcome household_list(struct ctx *cx, const struct household_filter *f, json_t **out)
{
	*out = NULL;
	char lo[16], hi[17], tlo[16] = "", thi[17] = "", qhi[80] = "", q[64] = "";
	actor_scope_range(cx->actor, lo, hi);
	if (f->town) {
		snprintf(tlo, sizeof(tlo), "%s", f->town);
		snprintf(thi, sizeof(thi), "%s:", f->town);
	}
	if (f->q) {
		snprintf(q, sizeof(q), "%s", f->q);
		snprintf(qhi, sizeof(qhi), "%s\xF4\x8F\xBF\xBF", f->q);	/* past any suffix */
	}
	json_t *items = json_array();
	int64_t last = 0;
	int count = 0;
	/* A volunteer's few households lead (a walk of its assignments, not of the county's
	 * households in id order until a page fills); for others the first term is true. */
	bool few = cx->actor->role == ROLE_VOLUNTEER;
	struct store_rows *r = store_query(cx->db, few ? "SELECT " HOUSEHOLD_COLS " FROM households h"
		" WHERE h.id IN (SELECT va.household_id FROM volunteer_reach va WHERE va.user_id = ?)"
		" AND h.id > ? AND " LIST_REST : "SELECT " HOUSEHOLD_COLS " FROM households h"
		" WHERE ? = 0 AND h.id > ? AND " LIST_REST,
		"ii" SCOPE_TYPES "ttt" "tt" "tt" "tt" "tt" "ttttttt" "i", actor_scope_assignee(lo),
		f->after, SCOPE_ARGS(lo, hi), tlo, tlo, thi,
		f->community, f->community, f->village, f->village, f->category, f->category,
		f->status, f->status, q, q, qhi, q, qhi, q, q, (int64_t)f->limit + 1);
	while (store_next(r)) {
		if (count++ == f->limit)
			break;
		last = store_int(r, 0);
		json_array_append_new(items, household_row_json(cx, r));
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(items);
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:o}", "items", items);
	json_object_set_new(*out, "next", count > f->limit
			    ? json_string(arena_printf(cx->arena, "%lld", (long long)last))
			    : json_null());
	return OUT_OK;
}

bool household_contact(struct ctx *cx, int64_t id, json_t *into)
{
	struct store_rows *r = store_query(cx->db, "SELECT h.dest_community,"
		" (SELECT name FROM sites WHERE id = h.site_id),"
		" (SELECT b.name || '-' || r.unit || '-' || r.number FROM rooms r"
		"   JOIN buildings b ON b.id = r.building_id WHERE r.id = h.room_id), h.phone"
		" FROM households h WHERE h.id = ?", "i", id);
	json_object_set_new(into, "address", json_null());
	json_object_set_new(into, "room", json_null());
	json_object_set_new(into, "phone", json_null());
	if (store_next(r)) {
		char community[128] = "";
		if (!store_null(r, 0))
			division_name(cx->db, store_text(r, 0), community, sizeof(community));
		const char *site = store_null(r, 1) ? "" : store_text(r, 1);
		if (*community || *site)
			json_object_set_new(into, "address", json_pack("s++", community, *community && *site ? " " : "", site));
		put_text(into, "room", r, 2);
		put_text(into, "phone", r, 3);
	}
	return store_finish(r) == STORE_OK;
}
