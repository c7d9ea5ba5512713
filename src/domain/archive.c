/* archive: items, files, reference codes — checking and writing them (reading them:
 * archive_read.c). */
#include "domain/archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/jsonx.h"
#include "core/sniff.h"
#include "core/utf8.h"
#include "domain/audit.h"
#include "domain/checklist.h"
#include "domain/household.h"
#include "domain/privacy.h"
#include "domain/record.h"
#include "domain/tx.h"


/* ---------------------------------------------------------------- validation */

/* The client's file name: text of 1..255 bytes, no path, no control characters. */
static bool file_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	return n > 0 && n <= 255 && utf8_valid(name, n) && !utf8_has_control(name) &&
	       !strchr(name, '/') && !strchr(name, '\\') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

/* Checks the uploaded files; OUT_UNSUPPORTED when a type is refused, else errors are
 * field errors ("file", "files[1]"). */
static enum outcome check_files(struct ctx *cx, struct archive_file *files, int nfiles)
{
	enum outcome res = OUT_OK;
	for (int i = 0; i < nfiles; i++) {
		char field[24];
		snprintf(field, sizeof(field), "files[%d]", i);
		if (!file_name_ok(files[i].name))
			verrors_add(cx->errs, field, "file_name_invalid");
		else if (files[i].w->size == 0)
			verrors_add(cx->errs, field, "file_empty");
		else if (!sniff_allowed(files[i].mime)) {
			verrors_add(cx->errs, field, "file_type_not_allowed");
			res = OUT_UNSUPPORTED;
		} else if (files[i].media && files[i].media->too_many_pixels)
			verrors_add(cx->errs, field, "picture_too_large");	/* max_pixels */
	}
	return cx->errs->n && res == OUT_OK ? OUT_INVALID : res;
}

static bool doc_type_exists(struct ctx *cx, const char *code, char retention[16])
{
	struct store_rows *r = store_query(cx->db, "SELECT retention FROM doc_types"
					   " WHERE code = ? AND active = 1", "t", code);
	bool found = store_next(r);
	if (found)
		snprintf(retention, 16, "%s", store_text(r, 0));
	store_finish(r);
	return found;
}

/* An optional positive integer given as form text. */
static bool form_int(json_t *fields, const char *key, int64_t max, int64_t *out, struct verrors *e)
{
	json_t *v = json_object_get(fields, key);
	if (!v)
		return false;
	const char *s = json_string_value(v);
	char *end;
	long long n = s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || n < 1 || n > max || strspn(s, "0123456789") != strlen(s)) {
		verrors_add(e, key, "out_of_range");
		return false;
	}
	*out = n;
	return true;
}

/* ---------------------------------------------------------------- writing */

static const char *retention_code(const char *retention)
{
	return strcmp(retention, "permanent") == 0 ? "Y" : strcmp(retention, "30y") == 0 ? "D30" : "D10";
}

int archive_item_insert(struct ctx *cx, int64_t household_id, const char *number,
			const char *origin_village, const char *title, const char *doc_type,
			const char *date, const char *retention, const char *paper_location,
			int64_t item_no, int64_t *id)
{
	char now[21], year[5];
	int rc = STORE_OK;
	bool allocate = item_no == 0;
	audit_now(now);
	if (allocate)
		item_no = store_one_int(cx->db, &rc, "SELECT next_item_no FROM households"
					" WHERE id = ?", "i", household_id);
	if (rc != STORE_OK || item_no < 1 || item_no > 9999)
		return STORE_ERROR;
	snprintf(year, sizeof(year), "%.4s", date ? date : now);
	const char *code = arena_printf(cx->arena, "%.6s-%s-%s-%s-%04lld", origin_village, year,
					retention_code(retention), number, (long long)item_no);
	if (!code)
		return STORE_ERROR;
	if (allocate)
		rc = store_exec(cx->db, "UPDATE households SET next_item_no = next_item_no + 1"
				" WHERE id = ?", "i", household_id);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "INSERT INTO items(household_id, item_no, reference_code, title,"
			" doc_type, date, retention, paper_location, created_at, updated_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "iittttttt" "t", household_id, item_no,
			code, title, doc_type, date, retention, paper_location, now, now);
	*id = rc == STORE_OK ? store_last_id(cx->db) : 0;
	if (rc == STORE_OK)
		rc = store_index_add(cx->db, STORE_DOC_ITEM, *id, title);	/* codes: B-tree */
	return rc;
}

/* The common end of every item change: the household's version moves on (its ETag and
 * cached rendering), the item is read back for the answer, and the change is audited. */
static int recorded(struct ctx *cx, int64_t item_id, int64_t household_id, const char *action,
		    json_t *before, json_t **out)
{
	int rc = household_guard_touch(cx, household_id);
	if (rc != STORE_OK)
		return rc;
	*out = archive_item_load(cx, item_id);
	return *out ? audit_write(cx, action, "item", item_id, before, *out) : STORE_ERROR;
}

/* Stores a derived image (thumbnail, upright copy) as a blob of its own. */
static int store_derived(struct ctx *cx, struct blob_writer *w, const char *now)
{
	if (blob_writer_commit(w))
		return STORE_ERROR;
	return store_exec(cx->db, "INSERT INTO blobs(sha256, size, mime, created_at)"
			  " VALUES (?, ?, 'image/jpeg', ?) ON CONFLICT DO NOTHING", "tit",
			  w->sha256, (int64_t)w->size, now);
}

/* What media.c learnt about a file, on its blob. */
static int record_media(struct ctx *cx, struct archive_file *f, const char *now)
{
	const struct media_info *m = f->media;
	int rc = STORE_OK;
	if (!m)
		return STORE_OK;
	bool thumb = m->has_thumbnail && f->thumb, ref = m->has_reference && f->reference;
	if (thumb)
		rc = store_derived(cx, f->thumb, now);
	if (rc == STORE_OK && ref)
		rc = store_derived(cx, f->reference, now);
	int64_t w = m->width, h = m->height;
	double d = m->duration;
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "UPDATE blobs SET width = ?, height = ?, duration_seconds = ?,"
			" codec = ?, thumbnail = ?, reference = ? WHERE sha256 = ?", "nnDtttt",
			w ? &w : NULL, h ? &h : NULL, d > 0 ? &d : NULL,
			m->codec[0] ? m->codec : NULL, thumb ? f->thumb->sha256 : NULL,
			ref ? f->reference->sha256 : NULL, f->w->sha256);
	return rc;
}

/* Moves the files into the blob store and records them under the item's version. */
static int attach_files(struct ctx *cx, int64_t item_id, int64_t version,
			struct archive_file *files, int nfiles, int64_t replaces)
{
	char now[21];
	int rc = STORE_OK;
	audit_now(now);
	for (int i = 0; i < nfiles && rc == STORE_OK; i++) {
		struct blob_writer *w = files[i].w;
		rc = store_exec(cx->db, "INSERT INTO blobs(sha256, size, mime, created_at)"
				" VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", "titt",
				w->sha256, (int64_t)w->size, files[i].mime, now);
		if (rc == STORE_OK)
			rc = store_exec(cx->db, "INSERT INTO files(item_id, item_version, sha256, name,"
					" replaces, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
					"iittnit", item_id, version, w->sha256, files[i].name,
					replaces && i == 0 ? &replaces : NULL, cx->actor->user_id, now);
		if (rc == STORE_OK && blob_writer_commit(w))
			rc = STORE_ERROR;
		if (rc == STORE_OK)
			rc = record_media(cx, &files[i], now);
	}
	if (rc == STORE_OK && replaces)
		rc = store_exec(cx->db, "UPDATE files SET superseded = 1 WHERE id = ?", "i", replaces);
	return rc;
}

/* True when a committed row names the blob (originals and derived images alike have a
 * row in blobs): then another upload of the same bytes has taken it over. A failed lookup
 * says yes, so a doubt leaves an orphan for fsck rather than a row without its file. */
bool archive_blob_recorded(void *arg, const char *sha256)
{
	int rc;
	int64_t n = store_one_int(arg, &rc, "SELECT count(*) FROM blobs WHERE sha256 = ?", "t",
				  sha256);
	return n > 0 || rc != STORE_OK;
}

/* Ends the transaction; on failure removes the blobs this operation created (unless an
 * upload of the same bytes relies on them now), on success lets go of their pins. */
static enum outcome finish(struct ctx *cx, enum outcome res, int rc, json_t **out,
			   struct archive_file *files, int nfiles)
{
	res = tx_end_out(cx->db, res, rc, out);
	for (int i = 0; i < nfiles; i++) {
		struct blob_writer *ws[] = {files[i].w, files[i].thumb, files[i].reference};
		for (int j = 0; j < 3; j++) {
			if (!ws[j])
				continue;
			if (res == OUT_OK)
				blob_writer_settle(ws[j]);
			else
				blob_writer_uncommit(ws[j], archive_blob_recorded, cx->db);
		}
	}
	return res;
}

enum outcome archive_item_create(struct ctx *cx, int64_t household_id, json_t *fields,
				 struct archive_file *files, int nfiles, json_t **out)
{
	static const char *const allowed[] = {"title", "doc_type", "date", "retention",
		"paper_location", "responsible_body", "pages", "person_id", NULL};
	char retention_default[16] = "";
	int64_t pages = 0, person_id = 0;
	*out = NULL;
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	enum outcome res = household_guard_writable_archive(cx, household_id);
	if (res != OUT_OK)
		return finish(cx, res, STORE_OK, out, files, 0);
	jx_only(fields, allowed, "", cx->errs);
	const char *title = jx_string(fields, "title", "", true, 200, cx->errs);
	const char *doc_type = jx_string(fields, "doc_type", "", true, 40, cx->errs);
	if (doc_type && !doc_type_exists(cx, doc_type, retention_default))
		verrors_add(cx->errs, "doc_type", "unknown_value");
	const char *date = jx_date(fields, "date", "", false, cx->errs);
	/* The form may say it the way the paper does: 永久, 30年, 10年. */
	static const char *const spoken[][2] = {{"永久", "permanent"}, {"30年", "30y"},
		{"30 年", "30y"}, {"10年", "10y"}, {"10 年", "10y"}};
	const char *given = json_string_value(json_object_get(fields, "retention"));
	for (size_t k = 0; given && k < sizeof(spoken) / sizeof(spoken[0]); k++)
		if (strcmp(given, spoken[k][0]) == 0) {
			json_object_set_new(fields, "retention", json_string(spoken[k][1]));
			break;	/* `given` pointed into the value just replaced */
		}
	const char *retention = jx_enum(fields, "retention", "", false, checklist_retentions, cx->errs);
	const char *paper = jx_string(fields, "paper_location", "", false, 100, cx->errs);
	const char *body = jx_string(fields, "responsible_body", "", false, 100, cx->errs);
	bool has_pages = form_int(fields, "pages", 100000, &pages, cx->errs);
	bool has_person = form_int(fields, "person_id", INT64_MAX, &person_id, cx->errs);
	int rc;
	if (has_person && store_one_int(cx->db, &rc, "SELECT count(*) FROM persons WHERE id = ?"
					" AND household_id = ?", "ii", person_id, household_id) == 0)
		verrors_add(cx->errs, "person_id", "person_not_in_household");
	if (!paper && nfiles == 0)
		verrors_add(cx->errs, "paper_location", "paper_or_file_required");
	res = check_files(cx, files, nfiles);
	if (cx->errs->n)
		return finish(cx, res != OUT_OK ? res : OUT_INVALID, STORE_OK, out, files, 0);

	json_t *hh = NULL;
	if (household_get(cx, household_id, &hh) != OUT_OK)
		return finish(cx, OUT_INTERNAL, STORE_OK, out, files, 0);
	int64_t id = 0;
	rc = archive_item_insert(cx, household_id, json_string_value(json_object_get(hh, "number")),
		json_string_value(json_object_get(hh, "origin_village")), title, doc_type, date,
		retention ? retention : retention_default, paper, 0, &id);
	json_decref(hh);
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "UPDATE items SET responsible_body = ?, pages = ?, person_id = ?"
				" WHERE id = ?", "tnni", body, has_pages ? &pages : NULL,
				has_person ? &person_id : NULL, id);
	if (rc == STORE_OK)
		rc = attach_files(cx, id, 1, files, nfiles, 0);
	/* A recording's item takes its duration from the recording. */
	for (int i = 0; i < nfiles && rc == STORE_OK; i++)
		if (files[i].media && files[i].media->duration > 0) {
			double d = files[i].media->duration;
			rc = store_exec(cx->db, "UPDATE items SET duration_seconds = ? WHERE id = ?",
					"di", d, id);
			break;
		}
	if (rc == STORE_OK)
		rc = recorded(cx, id, household_id, "create", NULL, out);
	return finish(cx, OUT_OK, rc, out, files, nfiles);
}

/* The item as it is now, when it may be changed: visible, its household open to the
 * actor's archive work, and not removed. *before is NULL unless the answer is OK. */
/* Whether the actor may change a loaded item now: archive rights on its household, and
 * the item not removed. */
static enum outcome item_changeable(struct ctx *cx, json_t *item)
{
	enum outcome res = household_guard_writable_archive(cx,
		json_integer_value(json_object_get(item, "household_id")));
	if (res == OUT_OK && strcmp(json_string_value(json_object_get(item, "status")), "active") != 0) {
		verrors_add(cx->errs, "item", "item_removed");
		res = OUT_CONFLICT;
	}
	return res;
}

static enum outcome load_changeable(struct ctx *cx, int64_t item_id, json_t **before,
				    int64_t *household_id)
{
	*before = archive_item_load(cx, item_id);
	if (!*before)
		return OUT_NOT_FOUND;
	*household_id = json_integer_value(json_object_get(*before, "household_id"));
	enum outcome res = item_changeable(cx, *before);
	if (res != OUT_OK) {
		json_decref(*before);
		*before = NULL;
	}
	return res;
}

enum outcome archive_item_changeable(struct ctx *cx, int64_t item_id)
{
	json_t *item;
	int64_t household_id;
	enum outcome res = load_changeable(cx, item_id, &item, &household_id);
	json_decref(item);
	return res;
}

enum outcome archive_item_add_files(struct ctx *cx, int64_t item_id, json_t *fields,
				    struct archive_file *files, int nfiles, json_t **out)
{
	static const char *const allowed[] = {"replaces", NULL};
	int64_t replaces = 0;
	int rc = STORE_OK;
	*out = NULL;
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	json_t *before = NULL;
	int64_t household_id = 0;
	enum outcome res = load_changeable(cx, item_id, &before, &household_id);
	if (res != OUT_OK)
		goto done;
	jx_only(fields, allowed, "", cx->errs);
	if (form_int(fields, "replaces", INT64_MAX, &replaces, cx->errs) &&
	    store_one_int(cx->db, &rc, "SELECT count(*) FROM files WHERE id = ? AND item_id = ?"
			  " AND superseded = 0", "ii", replaces, item_id) == 0)
		verrors_add(cx->errs, "replaces", "file_not_current");
	if (nfiles == 0)
		verrors_add(cx->errs, "file", "required");
	res = check_files(cx, files, nfiles);
	if (cx->errs->n) {
		res = res != OUT_OK ? res : OUT_INVALID;
		goto done;
	}
	int64_t version = json_integer_value(json_object_get(before, "version")) + 1;
	char now[21];
	audit_now(now);
	rc = store_exec(cx->db, "UPDATE items SET version = ?, updated_at = ? WHERE id = ?", "iti",
			version, now, item_id);
	if (rc == STORE_OK)
		rc = attach_files(cx, item_id, version, files, nfiles, replaces);
	if (rc == STORE_OK)
		rc = recorded(cx, item_id, household_id, "add_files", before, out);
done:
	json_decref(before);
	return finish(cx, res, rc, out, files, nfiles);
}

enum outcome archive_item_remove(struct ctx *cx, int64_t item_id, json_t *body, json_t **out)
{
	static const char *const allowed[] = {"reason", NULL};
	int rc = STORE_OK;
	*out = NULL;
	if (!json_is_object(body)) {
		verrors_add(cx->errs, "body", "type_object");
		return OUT_INVALID;
	}
	jx_only(body, allowed, "", cx->errs);
	const char *reason = jx_string(body, "reason", "", true, 200, cx->errs);
	if (cx->errs->n)
		return OUT_INVALID;
	if (store_begin(cx->db) != STORE_OK)
		return OUT_INTERNAL;
	json_t *before = NULL;
	int64_t household_id = 0;
	enum outcome res = load_changeable(cx, item_id, &before, &household_id);
	if (res != OUT_OK)
		goto done;
	char now[21];
	audit_now(now);
	rc = store_exec(cx->db, "UPDATE items SET status = 'removed', removed_reason = ?,"
			" removed_at = ?, version = version + 1, updated_at = ? WHERE id = ?", "ttti",
			reason, now, now, item_id);
	if (rc == STORE_OK)
		rc = recorded(cx, item_id, household_id, "remove", before, out);
done:
	json_decref(before);
	return tx_end_out(cx->db, res, rc, out);
}

/* Changes an item's description under its ETag. The reference code stays what it was:
 * a code printed on the paper folder is never renumbered, so retention (part of the code)
 * is not changeable here; a wrong retention is corrected by removing and re-filing. */
enum outcome archive_item_patch(struct ctx *cx, int64_t item_id, const char *if_match,
				json_t *body, json_t **out)
{
	static const char *const allowed[] = {"title", "doc_type", "date", "responsible_body",
		"pages", "paper_location", NULL};
	static const struct tx_record kind = {.load = archive_item_load, .etag = archive_item_etag,
					       .writable = item_changeable};
	char ignored[16];
	int rc = STORE_OK;
	json_t *before;
	int64_t pages = 0;
	*out = NULL;
	enum outcome res = tx_begin_change(cx, &kind, item_id, if_match, body, &before);
	if (res != OUT_OK)
		return res;
	int64_t household_id = json_integer_value(json_object_get(before, "household_id"));
	jx_only(body, allowed, "", cx->errs);
	const char *title = jx_string(body, "title", "", false, 200, cx->errs);
	if (!title && json_is_null(json_object_get(body, "title")))
		verrors_add(cx->errs, "title", "required");
	const char *doc_type = jx_string(body, "doc_type", "", false, 40, cx->errs);
	if (doc_type && !doc_type_exists(cx, doc_type, ignored))
		verrors_add(cx->errs, "doc_type", "unknown_value");
	else if (!doc_type && json_is_null(json_object_get(body, "doc_type")))
		verrors_add(cx->errs, "doc_type", "required");
	const char *date = jx_date(body, "date", "", false, cx->errs);
	const char *rbody = jx_string(body, "responsible_body", "", false, 100, cx->errs);
	const char *paper = jx_string(body, "paper_location", "", false, 100, cx->errs);
	json_t *pv = json_object_get(body, "pages");
	bool has_pages = json_is_string(pv) ? form_int(body, "pages", 100000, &pages, cx->errs)
		: jx_int(body, "pages", "", false, 1, 100000, &pages, cx->errs);
	/* An item with no paper must have a file; clearing the location needs files. */
	bool clears_paper = jx_has(body, "paper_location") && !paper;
	if (clears_paper && json_array_size(json_object_get(before, "files")) == 0)
		verrors_add(cx->errs, "paper_location", "paper_or_file_required");
	if (cx->errs->n) {
		res = OUT_INVALID;
		goto done;
	}
	char now[21];
	audit_now(now);
	/* Only what the body names changes (tx.h); a title or type is never cleared. */
	rc = store_exec(cx->db, "UPDATE items SET"
		" title = CASE WHEN ? THEN ? ELSE title END,"
		" doc_type = CASE WHEN ? THEN ? ELSE doc_type END,"
		" date = CASE WHEN ? THEN ? ELSE date END,"
		" responsible_body = CASE WHEN ? THEN ? ELSE responsible_body END,"
		" pages = CASE WHEN ? THEN ? ELSE pages END,"
		" paper_location = CASE WHEN ? THEN ? ELSE paper_location END,"
		" version = version + 1, updated_at = ? WHERE id = ?",
		"it" "it" "it" "it" "in" "it" "ti",
		(int64_t)(title != NULL), title, (int64_t)(doc_type != NULL), doc_type,
		tx_given(body, "date"), date, tx_given(body, "responsible_body"), rbody,
		tx_given(body, "pages"), has_pages ? &pages : NULL,
		tx_given(body, "paper_location"), paper, now, item_id);
	if (rc == STORE_OK && title)
		rc = store_index_put(cx->db, STORE_DOC_ITEM, item_id, title);
	if (rc == STORE_OK)
		rc = recorded(cx, item_id, household_id, "update", before, out);
done:
	res = tx_end_change(cx, res, rc, before, out);	/* the same again: nothing kept */
	json_decref(before);
	return res;
}

void archive_item_etag(json_t *item, char out[48])
{
	record_etag('i', item, out);
}
