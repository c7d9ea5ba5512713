/* import_read: the imports as recorded — one, the latest, a run's errors workbook, the
 * columns a mapping may name and the mappings remembered. */
#include "domain/import.h"

#include <stdio.h>
#include <string.h>

#include "domain/import_column.h"

enum outcome import_get(struct ctx *cx, int64_t id, json_t **out)
{
	*out = NULL;
	enum role role = cx->actor->role;
	bool all = role == ROLE_ADMIN || role == ROLE_COUNTY || role == ROLE_AUDITOR;
	struct store_rows *q = store_query(cx->db, "SELECT result, username, started_at,"
		" finished_at, user_id, errors_sha256 FROM imports"
		" WHERE id = ? AND (? = 1 OR user_id = ?)", "iii", id, (int64_t)all,
		cx->actor->user_id);
	if (store_next(q)) {
		*out = json_loads(store_text(q, 0), 0, NULL);
		bool author = !store_null(q, 4) && store_int(q, 4) == cx->actor->user_id;
		if (*out && author && !store_null(q, 5))	/* only its author may have it */
			json_object_set_new(*out, "errors_workbook", json_sprintf(
				"/api/v1/imports/%lld/errors.xlsx", (long long)id));
		if (*out) {
			json_object_set_new(*out, "id", json_integer(id));
			json_object_set_new(*out, "user", json_string(store_text(q, 1)));
			json_object_set_new(*out, "started_at", json_string(store_text(q, 2)));
			json_object_set_new(*out, "finished_at", json_string(store_text(q, 3)));
		}
	}
	int rc = store_finish(q);
	if (rc != STORE_OK) {
		json_decref(*out);
		*out = NULL;
		return OUT_INTERNAL;
	}
	return *out ? OUT_OK : OUT_NOT_FOUND;
}

json_t *import_columns(const char *kind, enum lang lang)
{
	const struct ledger *l = import_column_ledger(kind);
	json_t *items = json_array();
	if (!import_column_ledger(kind) && strcmp(kind, "households") != 0)
		return json_pack("{s:o}", "items", items);
	for (int i = 0; i < import_column_count(l); i++) {
		const char *label;
		if (!l)
			label = import_column_label(i, lang);
		else if (i < 2)
			label = import_column_label(i == 0 ? F_ID : F_NAME, lang);
		else if (l->fields[i - 2].body_only)
			continue;
		else
			label = l->fields[i - 2].label_key ? msg_get(lang, l->fields[i - 2].label_key)
				: l->fields[i - 2].name;
		json_array_append_new(items, json_pack("{s:s, s:s}", "key", import_column_key(l, i),
						       "label", label));
	}
	return json_pack("{s:o}", "items", items);
}

enum outcome import_mappings(struct ctx *cx, const char *kind, json_t **out)
{
	json_t *items = json_array();
	struct store_rows *q = store_query(cx->db, "SELECT header, field, username, created_at"
		" FROM import_mappings WHERE kind = ? ORDER BY header", "t", kind);
	while (store_next(q))
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "header",
			store_text(q, 0), "column", store_text(q, 1), "user", store_text(q, 2),
			"at", store_text(q, 3)));
	if (store_finish(q) != STORE_OK) {
		json_decref(items);
		*out = NULL;
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:o}", "items", items);
	return OUT_OK;
}

enum outcome import_errors_workbook_of(struct ctx *cx, int64_t id, char sha256[65])
{
	int found = 0;
	struct store_rows *q = store_query(cx->db, "SELECT errors_sha256 FROM imports"
		" WHERE id = ? AND user_id = ? AND errors_sha256 IS NOT NULL", "ii", id,
		cx->actor->user_id);
	if (store_next(q))
		found = snprintf(sha256, 65, "%s", store_text(q, 0)) == 64;
	if (store_finish(q) != STORE_OK)
		return OUT_INTERNAL;
	return found ? OUT_OK : OUT_NOT_FOUND;
}

enum outcome import_list(struct ctx *cx, int limit, json_t **out)
{
	enum role role = cx->actor->role;
	bool all = role == ROLE_ADMIN || role == ROLE_COUNTY || role == ROLE_AUDITOR;
	json_t *items = json_array();
	struct store_rows *q = store_query(cx->db, "SELECT id, started_at, username, file_name,"
		" format, encoding, dry_run, status, rows_read, errors FROM imports"
		" WHERE (? = 1 OR user_id = ?) ORDER BY id DESC LIMIT ?", "iii", (int64_t)all,
		cx->actor->user_id, (int64_t)limit);
	while (store_next(q))
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:b, s:s,"
			" s:I, s:I}", "id", (json_int_t)store_int(q, 0), "started_at", store_text(q, 1),
			"user", store_text(q, 2), "file_name", store_text(q, 3),
			"format", store_null(q, 4) ? NULL : store_text(q, 4),
			"encoding", store_null(q, 5) ? NULL : store_text(q, 5),
			"dry_run", (int)store_int(q, 6), "status", store_text(q, 7),
			"rows", (json_int_t)store_int(q, 8), "errors", (json_int_t)store_int(q, 9)));
	if (store_finish(q) != STORE_OK) {
		json_decref(items);
		*out = NULL;
		return OUT_INTERNAL;
	}
	*out = json_pack("{s:o}", "items", items);
	return OUT_OK;
}
