/* audit: append-only change rows. */
#include "domain/audit.h"

#include <stdlib.h>
#include <time.h>

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
