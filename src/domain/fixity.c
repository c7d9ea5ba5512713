/* fixity: the blob check behind `anju fsck`. */
#include "domain/fixity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "domain/audit.h"

/* Where a blob is used: every household and item whose files point at it. */
static char *where_used(struct ctx *cx, const char *sha256)
{
	struct buf b = BUF_INIT;
	struct store_rows *r = store_query(cx->db, "SELECT DISTINCT h.id, h.number, i.reference_code,"
		" f.id FROM files f JOIN items i ON i.id = f.item_id JOIN households h"
		" ON h.id = i.household_id WHERE f.sha256 = ? ORDER BY h.id, i.id", "t", sha256);
	while (store_next(r))
		buf_printf(&b, "%shousehold %lld (%s) item %s file %lld", b.len ? "; " : "",
			   (long long)store_int(r, 0), store_text(r, 1), store_text(r, 2),
			   (long long)store_int(r, 3));
	store_finish(r);
	if (!b.len)
		buf_puts(&b, "not referenced");
	return buf_detach(&b, NULL);
}

int fixity_check(struct ctx *cx, struct fixity_result *res)
{
	char started[21], finished[21];
	memset(res, 0, sizeof(*res));
	audit_now(started);
	struct store_rows *r = store_query(cx->db, "SELECT sha256, size FROM blobs ORDER BY sha256", NULL);
	while (store_next(r)) {
		char sha[65];
		snprintf(sha, sizeof(sha), "%s", store_text(r, 0));
		enum blob_state st = blobstore_verify(cx->blobs, sha, (uint64_t)store_int(r, 1));
		res->blobs++;
		if (st == BLOB_OK)
			continue;
		if (st == BLOB_MISSING)
			res->missing++;
		else
			res->corrupted++;
		struct fixity_problem *p = realloc(res->problems,
						   sizeof(*p) * (size_t)(res->nproblems + 1));
		if (!p)
			break;
		res->problems = p;
		p = &res->problems[res->nproblems++];
		memcpy(p->sha256, sha, sizeof(sha));
		p->state = st;
		p->where = NULL;
	}
	if (store_finish(r) != STORE_OK)
		return -1;
	json_t *problems = json_array();
	for (int i = 0; i < res->nproblems; i++) {
		struct fixity_problem *p = &res->problems[i];
		p->where = where_used(cx, p->sha256);
		json_array_append_new(problems, json_pack("{s:s, s:s, s:s}", "sha256", p->sha256,
			"problem", p->state == BLOB_MISSING ? "missing" : "corrupted",
			"where", p->where ? p->where : ""));
	}
	char *text = json_dumps(problems, JSON_COMPACT);
	json_decref(problems);
	audit_now(finished);
	int rc = store_exec(cx->db, "INSERT INTO fixity_checks(started_at, finished_at, blobs,"
			    " missing, corrupted, problems) VALUES (?, ?, ?, ?, ?, ?)", "ttiiit",
			    started, finished, res->blobs, res->missing, res->corrupted, text);
	free(text);
	return rc == STORE_OK ? 0 : -1;
}

void fixity_result_release(struct fixity_result *res)
{
	for (int i = 0; i < res->nproblems; i++)
		free(res->problems[i].where);
	free(res->problems);
	memset(res, 0, sizeof(*res));
}

json_t *fixity_last(struct ctx *cx)
{
	json_t *o = json_null();
	struct store_rows *r = store_query(cx->db, "SELECT finished_at, blobs, missing, corrupted"
		" FROM fixity_checks ORDER BY id DESC LIMIT 1", NULL);
	if (store_next(r))
		o = json_pack("{s:s, s:I, s:I, s:I}", "finished_at", store_text(r, 0),
			      "files", (json_int_t)store_int(r, 1), "missing", (json_int_t)store_int(r, 2),
			      "corrupted", (json_int_t)store_int(r, 3));
	store_finish(r);
	return o;
}

/* ---------------------------------------------------------------- orphans and repair */

struct orphan_walk {
	struct ctx *cx;
	long long min_age, now;
	bool remove;
	struct fixity_orphan *list;
	int n, cap;
	bool failed;
};

static int visit_blob(void *arg, const char *sha256, long long changed, unsigned long long size)
{
	struct orphan_walk *w = arg;
	int rc;
	if (w->now - changed < w->min_age)
		return 0;
	int64_t rows = store_one_int(w->cx->db, &rc, "SELECT count(*) FROM blobs WHERE sha256 = ?",
				     "t", sha256);
	if (rc != STORE_OK) {
		w->failed = true;
		return -1;
	}
	if (rows)
		return 0;
	if (w->n == w->cap) {
		int cap = w->cap ? w->cap * 2 : 16;
		struct fixity_orphan *more = realloc(w->list, sizeof(*more) * (size_t)cap);
		if (!more) {
			w->failed = true;
			return -1;
		}
		w->list = more;
		w->cap = cap;
	}
	struct fixity_orphan *o = &w->list[w->n++];
	memset(o, 0, sizeof(*o));
	snprintf(o->sha256, sizeof(o->sha256), "%s", sha256);
	o->size = size;
	o->age = w->now - changed;
	o->removed = w->remove && blobstore_remove(w->cx->blobs, sha256) == 0;
	return 0;
}

int fixity_orphans(struct ctx *cx, long long min_age, bool remove, struct fixity_orphan **out,
		   int *n)
{
	struct orphan_walk w = {.cx = cx, .min_age = min_age, .now = (long long)time(NULL),
				.remove = remove};
	int rc = blobstore_walk(cx->blobs, visit_blob, &w);
	*out = w.list;
	*n = w.n;
	return rc || w.failed ? -1 : 0;
}

char *fixity_restore(struct ctx *cx, const char *sha256, const char *dir)
{
	int rc;
	int64_t size = store_one_int(cx->db, &rc, "SELECT size FROM blobs WHERE sha256 = ?", "t",
				     sha256);
	if (rc != STORE_OK)
		return NULL;
	const char *const shapes[] = {"%s/blobs/%.2s/%.2s/%s", "%s/%.2s/%.2s/%s", NULL};
	char path[2200];
	for (int i = 0; i <= 2; i++) {
		if (shapes[i] ? snprintf(path, sizeof(path), shapes[i], dir, sha256, sha256 + 2, sha256) < 0
			      : snprintf(path, sizeof(path), "%s/%s", dir, sha256) < 0)
			continue;
		if (access(path, R_OK) == 0 &&
		    blobstore_restore(cx->blobs, sha256, (uint64_t)size, path) == 0)
			return strdup(path);
	}
	return NULL;
}
