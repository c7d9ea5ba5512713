/* audit: change rows (kept small: what changed), the lists of the log, the auditor's search. */
#include "domain/audit.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/date.h"

void audit_now(char out[21])
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Sets *back (new -> old) and *fwd (old -> new) to the JSON merge patches between two
 * values; both stay NULL when the values are equal. Objects are compared key by key, down
 * into nested objects; anything else (arrays included) is kept whole when it differs. */
static void diff(json_t *old, json_t *new, json_t **back, json_t **fwd)
{
	*back = *fwd = NULL;
	if (json_is_object(old) && json_is_object(new)) {
		json_t *b = json_object(), *f = json_object(), *v;
		const char *key;
		json_object_foreach(old, key, v) {
			json_t *nv = json_object_get(new, key), *sb, *sf;
			if (!nv) {	/* gone: null removes it in merge-patch terms */
				json_object_set(b, key, v);
				json_object_set_new(f, key, json_null());
				continue;
			}
			diff(v, nv, &sb, &sf);
			if (sb) {
				json_object_set_new(b, key, sb);
				json_object_set_new(f, key, sf);
			}
		}
		json_object_foreach(new, key, v) {
			if (!json_object_get(old, key)) {
				json_object_set_new(b, key, json_null());
				json_object_set(f, key, v);
			}
		}
		if (json_object_size(b) == 0) {
			json_decref(b);
			json_decref(f);
			return;
		}
		*back = b;
		*fwd = f;
		return;
	}
	if (!json_equal(old, new)) {
		*back = json_incref(old);
		*fwd = json_incref(new);
	}
}

int audit_write(struct ctx *cx, const char *action, const char *entity, int64_t id,
		json_t *before, json_t *after)
{
	return audit_write_detail(cx, action, entity, id, before, after, NULL);
}

int audit_write_detail(struct ctx *cx, const char *action, const char *entity, int64_t id,
		       json_t *before, json_t *after, const char *detail)
{
	char now[21];
	json_t *b = json_incref(before), *a = json_incref(after);
	if (before && after) {	/* issue 10.5: what changed, not the whole record twice */
		json_decref(b);
		json_decref(a);
		diff(before, after, &b, &a);
		if (!b) {
			b = json_object();
			a = json_object();
		}
	}
	char *bs = b ? json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *as = a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(b);
	json_decref(a);
	const struct actor *ac = cx->actor;
	audit_now(now);
	struct audit_row row = {
		.at = now, .user_id = ac->user_id, .username = ac->username, .address = ac->address,
		.action = action, .entity = entity, .entity_id = &id, .before = bs, .after = as,
		.detail = detail,
	};
	int rc = (before && !bs) || (after && !as) ? STORE_ERROR : audit_chain_append(cx->db, &row);
	free(bs);
	free(as);
	return rc;
}

/* Change rows have no record count; read events always have one. */
#define CHANGE_ROWS "records IS NULL"

/* The columns audit_row reads, in its order. */
#define ROW_COLS "SELECT id, at, username, action, entity, entity_id, before, after, address," \
		 " records, detail FROM audit WHERE "

/* Top-level fields whose values differ between before and after, comma-separated; the
 * bookkeeping fields every change moves are left out. */
static json_t *changed_keys(json_t *before, json_t *after)
{
	static const char *const bookkeeping[] = {"version", "updated_at", "files", "members",
						  "events", "archive", NULL};
	struct buf b = BUF_INIT;
	const char *key;
	json_t *v;
	json_object_foreach(after, key, v) {
		bool skip = false;
		for (int i = 0; bookkeeping[i]; i++)
			skip |= strcmp(key, bookkeeping[i]) == 0;
		if (!skip && before && !json_equal(v, json_object_get(before, key)))
			buf_printf(&b, "%s%s", b.len ? ", " : "", key);
	}
	json_t *out = json_string(b.len ? b.data : "");
	buf_release(&b);
	return out;
}

/* One row of the log, the one shape every list of it has (the record's history, the
 * household's change trail, the auditor's search): id, at, user, address, action, entity,
 * entity_id, changed (the fields a change touched); before and after (what they were and
 * became) when `values`; records and detail only on a read event. */
static json_t *audit_row(struct store_rows *r, bool values)
{
	json_t *before = store_null(r, 6) ? NULL : json_loads(store_text(r, 6), 0, NULL);
	json_t *after = store_null(r, 7) ? NULL : json_loads(store_text(r, 7), 0, NULL);
	json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)store_int(r, 0),
		"at", store_text(r, 1), "user", store_null(r, 2) ? "" : store_text(r, 2),
		"action", store_text(r, 3), "entity", store_text(r, 4));
	json_object_set_new(row, "entity_id", store_null(r, 5) ? json_null()
			    : json_integer(store_int(r, 5)));
	json_object_set_new(row, "address", store_null(r, 8) ? json_null()
			    : json_string(store_text(r, 8)));
	json_object_set_new(row, "changed", after ? changed_keys(before, after) : json_string(""));
	if (!store_null(r, 9)) {	/* a read event: how many, what */
		json_object_set_new(row, "records", json_integer(store_int(r, 9)));
		json_object_set_new(row, "detail", store_null(r, 10) ? json_null()
				    : json_string(store_text(r, 10)));
	}
	if (values) {
		json_object_set_new(row, "before", before ? before : json_null());
		json_object_set_new(row, "after", after ? after : json_null());
	} else {
		json_decref(before);
		json_decref(after);
	}
	return row;
}

/* The rows of `r`, or NULL when the query failed. */
static json_t *audit_rows(struct store_rows *r, bool values)
{
	json_t *arr = json_array();
	while (store_next(r))
		json_array_append_new(arr, audit_row(r, values));
	if (store_finish(r) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

json_t *audit_list(struct ctx *cx, const char *entity, int64_t id, int limit, bool with_reads)
{
	return audit_rows(store_query(cx->db, ROW_COLS "entity = ? AND entity_id = ? AND"
		" (? = 1 OR " CHANGE_ROWS ") ORDER BY id DESC LIMIT ?", "tiii", entity, id,
		(int64_t)with_reads, (int64_t)limit), true);
}

json_t *audit_household_trail(struct ctx *cx, int64_t household_id, int limit,
			      const struct audit_also *also, int nalso, bool values_too)
{
	const void *values[4 + 2 * AUDIT_TRAIL_ALSO_MAX];
	char types[5 + 2 * AUDIT_TRAIL_ALSO_MAX] = "iii";
	int64_t lim = limit;
	int n = 3;
	const char *more = "";
	values[0] = values[1] = values[2] = &household_id;
	for (int i = 0; i < nalso && i < AUDIT_TRAIL_ALSO_MAX; i++) {
		more = arena_printf(cx->arena, "%s OR (entity = ? AND entity_id %s)", more,
				    also[i].ids ? arena_printf(cx->arena, "IN (%s)", also[i].ids) : "= ?");
		values[n] = also[i].entity;
		types[n++] = 't';
		values[n] = &household_id;
		types[n++] = 'i';
	}
	values[n] = &lim;
	types[n++] = 'i';
	types[n] = 0;
	return audit_rows(store_query_array(cx->db, arena_printf(cx->arena, ROW_COLS
		" ((entity = 'household' AND entity_id = ?)"
		" OR (entity = 'person' AND entity_id IN (SELECT id FROM persons WHERE household_id = ?))"
		" OR (entity = 'item' AND entity_id IN (SELECT id FROM items WHERE household_id = ?))%s)"
		" AND " CHANGE_ROWS " ORDER BY id DESC LIMIT ?", more), types, values), values_too);
}

/* ---------------------------------------------------------------- the auditor's search */

/* Every filter is bound, empty when not used ("? = '' OR ..."), so there is one statement
 * per shape: with a record named, the entity index leads; otherwise the newest rows are
 * walked backwards by id until the page is full. */
#define SEARCH_REST " AND (? = '' OR username = ?) AND (? = '' OR action = ?)" \
		    " AND (? = '' OR at >= ?) AND (? = '' OR at < ?) AND (? = 0 OR id < ?)" \
		    " ORDER BY id DESC LIMIT ?"

enum outcome audit_search(struct ctx *cx, const struct audit_filter *f, json_t **out)
{
	const char *user = f->user ? f->user : "", *action = f->action ? f->action : "";
	char from[21] = "", to[21] = "";
	if (f->from && *f->from)
		snprintf(from, sizeof(from), "%.10sT00:00:00Z", f->from);
	int y, m, d;
	if (f->to && date_parse(f->to, &y, &m, &d)) {	/* inclusive: up to the next day */
		char next[11];
		date_format(date_days(y, m, d) + 1, next);
		snprintf(to, sizeof(to), "%sT00:00:00Z", next);
	}
	int64_t limit = f->limit > 0 ? f->limit : 50;
	struct store_rows *r;
	if (f->entity && *f->entity && f->entity_id)
		r = store_query(cx->db, ROW_COLS "entity = ? AND entity_id = ?" SEARCH_REST,
				"tittttttttiii", f->entity, f->entity_id, user, user, action, action,
				from, from, to, to, f->before_id, f->before_id, limit + 1);
	else if (f->entity && *f->entity)	/* the kind alone: every record of it */
		r = store_query(cx->db, ROW_COLS "entity = ?" SEARCH_REST, "tttttttttiii",
				f->entity, user, user, action, action, from, from, to, to,
				f->before_id, f->before_id, limit + 1);
	else
		r = store_query(cx->db, ROW_COLS "1 = 1" SEARCH_REST, "ttttttttiii",
				user, user, action, action, from, from, to, to, f->before_id,
				f->before_id, limit + 1);
	json_t *items = json_array(), *next = json_null();
	while (store_next(r)) {
		if ((int64_t)json_array_size(items) == limit) {	/* one more: there is a next page */
			json_decref(next);
			next = json_integer(json_integer_value(json_object_get(
				json_array_get(items, json_array_size(items) - 1), "id")));
			break;
		}
		json_array_append_new(items, audit_row(r, false));
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(items);
		json_decref(next);
		*out = NULL;
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:o, s:o}", "items", items, "next", next);
	return OUT_OK;
}

/* The SQL naming one record of a kind the log keeps by number: its title as people know
 * it (the household's number, the user's name, the evaluation's, the activity's, the
 * archive item's title), by the row's entity_id; an
 * attendance row's number is its household's, so its activity is read from the row itself. */
static const struct {
	const char *entity, *sql;
} record_names[] = {
	{"household", "SELECT number, '' FROM households WHERE id = ?"},
	{"user", "SELECT CASE WHEN full_name <> '' THEN full_name || ' (' || username || ')'"
		 " ELSE username END, '' FROM users WHERE id = ?"},
	{"item", "SELECT title, reference_code FROM items WHERE id = ?"},
	{"evaluation", "SELECT title, '' FROM evaluation_schemes WHERE id = ?"},
	{"evaluation_subject", "SELECT s.title, '' FROM evaluation_subjects j JOIN"
			       " evaluation_schemes s ON s.id = j.scheme_id WHERE j.id = ?"},
	{"activity", "SELECT title, '' FROM activities WHERE id = ?"},
	{"attendance", "SELECT coalesce(after, before), '' FROM audit WHERE id = ?"},
	{NULL, NULL},
};

void audit_record_names(struct ctx *cx, json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const char *entity = json_string_value(json_object_get(row, "entity"));
		json_t *id = json_object_get(row, "entity_id");
		int k = 0;
		while (entity && record_names[k].entity && strcmp(record_names[k].entity, entity) != 0)
			k++;
		if (!entity || !record_names[k].entity || !json_is_integer(id))
			continue;
		bool attendance = strcmp(entity, "attendance") == 0;
		int64_t key = attendance ? json_integer_value(json_object_get(row, "id"))
					 : json_integer_value(id);
		struct store_rows *r = store_query(cx->db, record_names[k].sql, "i", key);
		char *name = NULL;
		if (store_next(r) && !store_null(r, 0)) {
			const char *title = store_text(r, 0);
			if (attendance) {	/* the record as the log keeps it: the activity's title */
				json_t *v = json_loads(title, 0, NULL);
				const char *t = json_string_value(json_object_get(v, "title"));
				name = t && *t ? strdup(t) : NULL;
				json_decref(v);
			} else if (*title) {
				name = strdup(title);
			} else if (!store_null(r, 1) && *store_text(r, 1)) {	/* an item's file reference */
				name = strdup(store_text(r, 1));
			}
		}
		store_finish(r);	/* a record gone or a failed read: its number stays */
		if (name)
			json_object_set_new(row, "name", json_string(name));
		free(name);
	}
}

const struct audit_entity audit_entities[] = {
	{"household", true}, {"person", true}, {"item", true}, {"user", true},
	{"file", false}, {"search", false}, {"worklist", false}, {"report", false},
	{"audit", false}, {"employer", false}, {"site", false}, {"building", false},
	{"doc_type", false}, {"county", false}, {"import", false}, {"facility", false},
	{"facility_kind", false}, {"service_window", false}, {"service_request", false},
	{"service_matter", false}, {"petition", false}, {"petition_category", false},
	{"followup_rules", false}, {"volunteer", false}, {"evaluation", false},
	{"evaluation_subject", false}, {"activity", false}, {"attendance", false},
	{"business", false}, {"participation", false}, {"hall", false}, {"hall_section", false},
	{"hall_exhibit", false}, {"hall_visit", false},
	{NULL, false},
};

const struct audit_entity *audit_entity_find(const char *name)
{
	for (int i = 0; name && audit_entities[i].name; i++)
		if (strcmp(audit_entities[i].name, name) == 0)
			return &audit_entities[i];
	return NULL;
}

bool audit_trail_visible(struct ctx *cx, const char *entity, int64_t id)
{
	if (strcmp(entity, "user") == 0)
		return role_is_admin(cx->actor->role) || id == cx->actor->user_id;
	char lo[16], hi[17];
	int rc;
	actor_scope_range(cx->actor, lo, hi);
	/* the record's household decides, whatever the record */
	const char *sql = strcmp(entity, "household") == 0
		? "SELECT count(*) FROM households h WHERE h.id = ? AND " SCOPE_SQL
		: strcmp(entity, "person") == 0
		? "SELECT count(*) FROM persons p JOIN households h ON h.id = p.household_id"
		  " WHERE p.id = ? AND " SCOPE_SQL
		: strcmp(entity, "item") == 0
		? "SELECT count(*) FROM items i JOIN households h ON h.id = i.household_id"
		  " WHERE i.id = ? AND " SCOPE_SQL
		: NULL;
	return sql && store_one_int(cx->db, &rc, sql, "i" SCOPE_TYPES, id, SCOPE_ARGS(lo, hi)) > 0;
}
