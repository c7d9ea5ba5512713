/* division: loading and looking up administrative divisions. */
#include "domain/division.h"

#include <stdio.h>
#include <string.h>

#include "core/csv.h"
#include "core/embedded.h"

extern const struct embedded_file divisions_data[];

int division_level(const char *code)
{
	switch (strlen(code)) {
	case 2: return 1;
	case 4: return 2;
	case 6: return 3;
	case 9: return 4;
	case 12: return 5;
	default: return 0;
	}
}

/* 团山社区居民委员会 → 团山社区, 河界营村村民委员会 → 河界营村 */
static void short_name(const char *name, char *out, size_t cap)
{
	static const char *const suffixes[] = {"居民委员会", "村民委员会", NULL};
	size_t n = strlen(name);
	for (int i = 0; suffixes[i]; i++) {
		size_t k = strlen(suffixes[i]);
		if (n > k && strcmp(name + n - k, suffixes[i]) == 0) {
			n -= k;
			break;
		}
	}
	snprintf(out, cap, "%.*s", (int)n, name);
}

/* Parent code of a division by its shipped column or by truncation. */
static void parent_of(const char *code, char *out, size_t cap)
{
	static const size_t parent_len[] = {0, 0, 2, 4, 6, 9};
	int level = division_level(code);
	snprintf(out, cap, "%.*s", (int)parent_len[level], code);
}

int division_seed(struct store_conn *db, int *loaded)
{
	int rc;
	*loaded = 0;
	if (store_one_int(db, &rc, "SELECT count(*) FROM divisions", NULL) > 0 || rc != STORE_OK)
		return rc;
	if ((rc = store_begin(db)) != STORE_OK)
		return rc;
	/* Files load in name order, children before parents: check references at commit. */
	rc = store_exec(db, "PRAGMA defer_foreign_keys = ON", NULL);
	for (const struct embedded_file *f = divisions_data; f->name && rc == STORE_OK; f++) {
		struct arena a;
		struct csv_reader r;
		char *fields[4];
		int n;
		arena_init(&a, 0);
		csv_init(&r, f->content, strlen(f->content));
		n = csv_next(&r, &a, fields, 4);	/* header */
		while (rc == STORE_OK && (n = csv_next(&r, &a, fields, 4)) > 0) {
			char sname[256], parent[16];
			int level = division_level(fields[0]);
			if (n < 2 || level == 0) {
				rc = STORE_ERROR;
				break;
			}
			short_name(fields[1], sname, sizeof(sname));
			parent_of(fields[0], parent, sizeof(parent));
			rc = store_exec(db, "INSERT INTO divisions(code, name, short_name, level, parent)"
					" VALUES (?, ?, ?, ?, ?)", "tttit", fields[0], fields[1], sname,
					(int64_t)level, level > 1 ? parent : NULL);
			(*loaded)++;
		}
		if (n < 0)
			rc = STORE_ERROR;
		arena_release(&a);
	}
	if (rc != STORE_OK) {
		store_rollback(db);
		return rc;
	}
	return store_commit(db);
}

bool division_exists(struct store_conn *db, const char *code, int level)
{
	int rc;
	return store_one_int(db, &rc, "SELECT count(*) FROM divisions WHERE code = ?"
			     " AND (? = 0 OR level = ?)", "tii", code, (int64_t)level,
			     (int64_t)level) > 0;
}

void division_name(struct store_conn *db, const char *code, char *out, size_t cap)
{
	struct store_rows *r = store_query(db, "SELECT short_name FROM divisions WHERE code = ?",
					   "t", code);
	out[0] = '\0';
	if (store_next(r))
		snprintf(out, cap, "%s", store_text(r, 0));
	store_finish(r);
}

json_t *division_list(struct ctx *cx, const char *parent, int level)
{
	json_t *items = json_array();
	struct store_rows *r = level > 0
		? store_query(cx->db, "SELECT code, name, short_name, level, parent FROM divisions"
			      " WHERE level = ? ORDER BY code", "i", (int64_t)level)
		: store_query(cx->db, "SELECT code, name, short_name, level, parent FROM divisions"
			      " WHERE parent IS ? ORDER BY code", "t",
			      parent && *parent ? parent : NULL);
	while (store_next(r)) {
		json_t *d = json_pack("{s:s, s:s, s:s, s:i}", "code", store_text(r, 0),
				      "name", store_text(r, 1), "short_name", store_text(r, 2),
				      "level", (int)store_int(r, 3));
		json_object_set_new(d, "parent", store_null(r, 4) ? json_null()
				    : json_string(store_text(r, 4)));
		json_array_append_new(items, d);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *division_places(struct ctx *cx, bool communities)
{
	json_t *arr = json_array();
	struct store_rows *r = store_query(cx->db, "SELECT v.code, t.short_name || ' ' ||"
		" v.short_name FROM divisions v JOIN divisions t ON t.code = v.parent"
		" WHERE v.level = 5 AND v.code LIKE '" SONGTAO_CODE "%' AND v.name LIKE ?"
		" ORDER BY v.code", "t", communities ? "%社区居民委员会" : "%村民委员会");
	while (store_next(r))
		json_array_append_new(arr, json_pack("{s:s, s:s}", "code", store_text(r, 0),
						     "label", store_text(r, 1)));
	store_finish(r);
	return arr;
}
