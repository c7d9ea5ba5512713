/* import_read: the imports as recorded — one, the latest, a run's errors workbook, the
 * columns a mapping may name and the mappings remembered. */
#include "domain/import.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/import_column.h"
#include "domain/tx.h"
#include "store/blobstore.h"

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
		" FROM import_mappings WHERE username = ? AND kind = ? ORDER BY header", "tt",
		cx->actor->username, kind);
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

int import_expire_errors(struct ctx *cx, long long keep_seconds)
{
	char cutoff[21], sha[IMPORT_EXPIRE_BATCH][65];
	int64_t ids[IMPORT_EXPIRE_BATCH];
	bool gone[IMPORT_EXPIRE_BATCH] = {false};
	int n = 0;
	time_t t = time(NULL) - (time_t)keep_seconds;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(cutoff, sizeof(cutoff), "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct store_rows *q = store_query(cx->db, "SELECT id, errors_sha256 FROM imports"
		" WHERE errors_sha256 IS NOT NULL AND finished_at < ? ORDER BY id LIMIT ?", "ti",
		cutoff, (int64_t)IMPORT_EXPIRE_BATCH);
	while (store_next(q) && n < IMPORT_EXPIRE_BATCH) {
		ids[n] = store_int(q, 0);
		snprintf(sha[n++], 65, "%s", store_text(q, 1));
	}
	if (store_finish(q) != STORE_OK)
		return -1;
	if (!n)
		return 0;
	if (tx_begin(cx->db) != OUT_OK)
		return -1;
	int rc = STORE_OK;
	for (int i = 0; i < n && rc == STORE_OK; i++) {
		rc = store_exec(cx->db, "UPDATE imports SET errors_sha256 = NULL WHERE id = ?", "i",
				ids[i]);
		/* the bytes go with their last mention (an archive file of the same bytes keeps them) */
		int64_t still = rc == STORE_OK ? store_one_int(cx->db, &rc, "SELECT"
			" (SELECT count(*) FROM imports WHERE errors_sha256 = ?)"
			" + (SELECT count(*) FROM files WHERE sha256 = ?)", "tt", sha[i], sha[i]) : 1;
		if (rc == STORE_OK && still == 0) {
			rc = store_exec(cx->db, "DELETE FROM blobs WHERE sha256 = ?", "t", sha[i]);
			gone[i] = rc == STORE_OK;
		}
	}
	if (tx_end(cx->db, OUT_OK, rc) != OUT_OK)
		return -1;
	for (int i = 0; i < n; i++)	/* after the commit: a crash before leaves an orphan, */
		if (gone[i] && cx->blobs)	/* which fsck finds, never a row without its file */
			blobstore_remove(cx->blobs, sha[i]);
	return n;
}
