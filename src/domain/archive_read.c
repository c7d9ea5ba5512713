/* archive_read: items as JSON, one with its files, the lists of a household's file. */
#include "domain/archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sniff.h"
#include "domain/checklist.h"
#include "domain/household.h"
#include "domain/privacy.h"

#define ITEM_COLS "i.id, i.household_id, i.person_id, i.item_no, i.reference_code, i.title," \
	" i.doc_type, t.name_zh, t.name_en, i.date, i.responsible_body, i.pages," \
	" i.duration_seconds, i.retention, i.paper_location, i.status, i.removed_reason," \
	" i.removed_at, i.version, i.created_at, i.updated_at"
#define ITEM_FROM " FROM items i JOIN doc_types t ON t.code = i.doc_type" \
	" JOIN households h ON h.id = i.household_id"

/* ---------------------------------------------------------------- JSON */

static void put_text(json_t *o, const char *key, struct store_rows *r, int col)
{
	json_object_set_new(o, key, store_null(r, col) ? json_null() : json_string(store_text(r, col)));
}

static json_t *files_json(struct ctx *cx, int64_t item_id)
{
	json_t *arr = json_array();
	struct store_rows *r = store_query(cx->db, "SELECT f.id, f.sha256, b.size, b.mime, f.name,"
		" f.item_version, f.replaces, f.superseded, f.created_at, b.width, b.height,"
		" b.duration_seconds, b.thumbnail, b.reference, b.codec FROM files f"
		" JOIN blobs b ON b.sha256 = f.sha256"
		" WHERE f.item_id = ? ORDER BY f.id", "i", item_id);
	while (store_next(r)) {
		int64_t id = store_int(r, 0);
		json_t *f = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:b, s:s, s:s}",
			"id", (json_int_t)id, "sha256", store_text(r, 1),
			"size", (json_int_t)store_int(r, 2), "mime", store_text(r, 3),
			"kind", sniff_kind(store_text(r, 3)), "name", store_text(r, 4),
			"item_version", (json_int_t)store_int(r, 5), "superseded", (int)store_int(r, 7),
			"created_at", store_text(r, 8),
			"url", arena_printf(cx->arena, "/api/v1/files/%lld", (long long)id));
		json_object_set_new(f, "replaces", store_null(r, 6) ? json_null()
				    : json_integer(store_int(r, 6)));
		json_object_set_new(f, "width", store_null(r, 9) ? json_null() : json_integer(store_int(r, 9)));
		json_object_set_new(f, "height", store_null(r, 10) ? json_null() : json_integer(store_int(r, 10)));
		json_object_set_new(f, "duration_seconds", store_null(r, 11) ? json_null()
				    : json_real(store_double(r, 11)));
		json_object_set_new(f, "thumbnail_url", store_null(r, 12) ? json_null()
			: json_string(arena_printf(cx->arena, "/api/v1/files/%lld/thumbnail", (long long)id)));
		json_object_set_new(f, "reference_url", store_null(r, 13) ? json_null()
			: json_string(arena_printf(cx->arena, "/api/v1/files/%lld/reference", (long long)id)));
		json_object_set_new(f, "codec", store_null(r, 14) ? json_null() : json_string(store_text(r, 14)));
		json_array_append_new(arr, f);
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *item_row_json(struct store_rows *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(store_int(r, 0)));
	json_object_set_new(o, "household_id", json_integer(store_int(r, 1)));
	json_object_set_new(o, "person_id", store_null(r, 2) ? json_null() : json_integer(store_int(r, 2)));
	json_object_set_new(o, "item_no", json_integer(store_int(r, 3)));
	put_text(o, "reference_code", r, 4);
	put_text(o, "title", r, 5);
	put_text(o, "doc_type", r, 6);
	put_text(o, "doc_type_name", r, 7);
	put_text(o, "doc_type_name_en", r, 8);
	put_text(o, "date", r, 9);
	put_text(o, "responsible_body", r, 10);
	json_object_set_new(o, "pages", store_null(r, 11) ? json_null() : json_integer(store_int(r, 11)));
	json_object_set_new(o, "duration_seconds", store_null(r, 12) ? json_null()
			    : json_real(store_double(r, 12)));
	put_text(o, "retention", r, 13);
	put_text(o, "paper_location", r, 14);
	json_object_set_new(o, "electronic_only", json_boolean(store_null(r, 14)));
	put_text(o, "status", r, 15);
	put_text(o, "removed_reason", r, 16);
	put_text(o, "removed_at", r, 17);
	json_object_set_new(o, "version", json_integer(store_int(r, 18)));
	put_text(o, "created_at", r, 19);
	put_text(o, "updated_at", r, 20);
	return o;
}

json_t *archive_item_load(struct ctx *cx, int64_t id)
{
	char lo[16], hi[17];
	json_t *o = NULL;
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT " ITEM_COLS ITEM_FROM
		" WHERE i.id = ? AND " READ_SCOPE_SQL, "i" READ_SCOPE_TYPES, id,
		READ_SCOPE_ARGS(cx, lo, hi));
	if (store_next(r))
		o = item_row_json(r);
	if (store_finish(r) != STORE_OK || !o) {
		json_decref(o);
		return NULL;
	}
	json_t *files = files_json(cx, id);
	if (!files) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "files", files);
	return o;
}

/* ---------------------------------------------------------------- reading */

enum outcome archive_item_get(struct ctx *cx, int64_t item_id, json_t **out)
{
	*out = archive_item_load(cx, item_id);
	return *out ? OUT_OK : OUT_NOT_FOUND;
}

enum outcome archive_item_list(struct ctx *cx, const struct item_filter *f, json_t **out)
{
	char lo[16], hi[17], qhi[300] = "";
	*out = NULL;
	actor_scope_range(cx->actor, lo, hi);
	if (f->q)
		snprintf(qhi, sizeof(qhi), "%s\xF4\x8F\xBF\xBF", f->q);
	json_t *items = json_array();
	int count = 0;
	int64_t last = 0;
	struct store_rows *r = store_query(cx->db, "SELECT " ITEM_COLS ITEM_FROM
		" WHERE i.id > ? AND (? = 0 OR i.household_id = ?) AND " READ_SCOPE_SQL
		" AND (? IS NULL OR i.doc_type = ?) AND (? IS NULL OR i.date >= ?)"
		" AND (? IS NULL OR i.date <= ?)"
		" AND (? IS NULL OR (i.reference_code >= ? AND i.reference_code < ?)"
		"      OR instr(i.title, ?) > 0)"
		" ORDER BY i.id LIMIT ?", "iii" READ_SCOPE_TYPES "tttttt" "tttt" "i",
		f->after, f->household_id, f->household_id, SCOPE_ARGS(lo, hi),
		f->household_id ? actor_grants_count(cx) : 0, cx->actor->user_id, actor_clock(),
		f->doc_type, f->doc_type, f->from, f->from, f->to, f->to,
		f->q, f->q, f->q ? qhi : NULL, f->q, (int64_t)f->limit + 1);
	while (store_next(r)) {
		if (count++ == f->limit)
			break;
		last = store_int(r, 0);
		json_array_append_new(items, item_row_json(r));
	}
	if (store_finish(r) != STORE_OK) {
		json_decref(items);
		return OUT_INTERNAL;
	}
	/* files per item: a page is at most a few hundred items */
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *files = files_json(cx, json_integer_value(json_object_get(it, "id")));
		if (!files) {
			json_decref(items);
			return OUT_INTERNAL;
		}
		json_object_set_new(it, "files", files);
	}
	*out = json_pack("{s:o}", "items", items);
	json_object_set_new(*out, "next", count > f->limit
			    ? json_string(arena_printf(cx->arena, "%lld", (long long)last)) : json_null());
	return OUT_OK;
}

enum outcome archive_household_file(struct ctx *cx, int64_t household_id, json_t **household,
				    json_t **items)
{
	json_t *page = NULL;
	*items = NULL;
	enum outcome res = household_get(cx, household_id, household);
	if (res != OUT_OK)
		return res;
	struct item_filter f = {.household_id = household_id, .limit = 10000};
	if ((res = archive_item_list(cx, &f, &page)) != OUT_OK) {
		json_decref(*household);
		*household = NULL;
		return res;
	}
	*items = json_incref(json_object_get(page, "items"));
	json_decref(page);
	return OUT_OK;
}

enum outcome archive_file_info(struct ctx *cx, int64_t file_id, struct archive_file_info *out)
{
	char lo[16], hi[17];
	actor_scope_range(cx->actor, lo, hi);
	struct store_rows *r = store_query(cx->db, "SELECT f.id, f.sha256, b.size, b.mime, f.name,"
		" coalesce(b.thumbnail, ''), coalesce(b.reference, ''), i.doc_type FROM files f JOIN blobs b ON b.sha256 = f.sha256 JOIN items i ON i.id = f.item_id"
		" JOIN households h ON h.id = i.household_id WHERE f.id = ? AND " READ_SCOPE_SQL,
		"i" READ_SCOPE_TYPES, file_id, READ_SCOPE_ARGS(cx, lo, hi));
	bool found = store_next(r), withheld = false;
	if (found) {
		withheld = privacy_withholds_doc_type(cx->actor->role, store_text(r, 7));
		out->id = store_int(r, 0);
		snprintf(out->sha256, sizeof(out->sha256), "%s", store_text(r, 1));
		out->size = store_int(r, 2);
		snprintf(out->mime, sizeof(out->mime), "%s", store_text(r, 3));
		snprintf(out->name, sizeof(out->name), "%s", store_text(r, 4));
		if (!privacy_full_identity(cx->actor->role))	/* the download's file name */
			privacy_scrub_text(out->name);
		snprintf(out->thumbnail, sizeof(out->thumbnail), "%s", store_text(r, 5));
		snprintf(out->reference, sizeof(out->reference), "%s", store_text(r, 6));
	}
	int rc = store_finish(r);
	return rc != STORE_OK ? OUT_INTERNAL : !found ? OUT_NOT_FOUND : withheld ? OUT_FORBIDDEN
	       : OUT_OK;
}
