/* audit: append-only change rows. */
#include "domain/audit.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"

void audit_now(char out[21])
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int audit_write(struct ctx *cx, const char *action, const char *entity, int64_t id,
		json_t *before, json_t *after)
{
	char now[21];
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	const struct actor *ac = cx->actor;
	audit_now(now);
	int rc = store_exec(cx->db,
		"INSERT INTO audit(at, user_id, username, address, action, entity, entity_id,"
		" before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "tittttitt",
		now, ac->user_id, ac->username, ac->address, action, entity, id, b, a);
	free(b);
	free(a);
	return rc;
}

json_t *audit_list(struct ctx *cx, const char *entity, int64_t id, int limit)
{
	json_t *arr = json_array();
	struct store_rows *r = store_query(cx->db,
		"SELECT id, at, username, action, before, after FROM audit"
		" WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT ?", "tii",
		entity, id, (int64_t)limit);
	while (store_next(r)) {
		json_t *row = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_int(r, 0),
					"at", store_text(r, 1), "user", store_text(r, 2),
					"action", store_text(r, 3));
		for (int col = 4; col <= 5; col++) {
			json_t *v = store_null(r, col) ? json_null()
				: json_loads(store_text(r, col), 0, NULL);
			json_object_set_new(row, col == 4 ? "before" : "after", v ? v : json_null());
		}
		json_array_append_new(arr, row);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

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

json_t *audit_household_trail(struct ctx *cx, int64_t household_id, int limit)
{
	json_t *arr = json_array();
	struct store_rows *r = store_query(cx->db,
		"SELECT at, username, action, entity, entity_id, before, after FROM audit WHERE"
		" (entity = 'household' AND entity_id = ?)"
		" OR (entity = 'person' AND entity_id IN (SELECT id FROM persons WHERE household_id = ?))"
		" OR (entity = 'item' AND entity_id IN (SELECT id FROM items WHERE household_id = ?))"
		" ORDER BY id DESC LIMIT ?", "iiii", household_id, household_id, household_id,
		(int64_t)limit);
	while (store_next(r)) {
		json_t *before = store_null(r, 5) ? NULL : json_loads(store_text(r, 5), 0, NULL);
		json_t *after = store_null(r, 6) ? NULL : json_loads(store_text(r, 6), 0, NULL);
		json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:I}", "at", store_text(r, 0),
			"user", store_null(r, 1) ? "" : store_text(r, 1), "action", store_text(r, 2),
			"entity", store_text(r, 3), "entity_id", (json_int_t)store_int(r, 4));
		json_object_set_new(row, "changed", changed_keys(before, after));
		json_decref(before);
		json_decref(after);
		json_array_append_new(arr, row);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}
