/* demo_archive: the generated county's archive — one metadata item per required document
 * of each household's paper file (a few missing where the file is incomplete), and a few
 * generated photographs stored like any upload. */
#include "demo/demo_archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/media.h"
#include "domain/archive.h"

int demo_archive_checklists(struct ctx *cx, struct demo_archive_checklist *c)
{
	memset(c, 0, sizeof(*c));
	/* the checklist view (domain/checklist.h) says which category requires what */
	struct store_rows *r = store_query(cx->db, "SELECT d.code, d.name_zh, d.retention,"
		" c.category = 'registered_poor' FROM checklist c JOIN doc_types d ON d.code = c.code"
		" ORDER BY d.sort, c.category", NULL);
	while (store_next(r)) {
		struct demo_archive_doc d;
		snprintf(d.code, sizeof(d.code), "%s", store_text(r, 0));
		snprintf(d.name, sizeof(d.name), "%s", store_text(r, 1));
		snprintf(d.retention, sizeof(d.retention), "%s", store_text(r, 2));
		if (store_int(r, 3) && c->npoor < 16)
			c->poor[c->npoor++] = d;
		if (!store_int(r, 3) && c->nsync < 16)
			c->sync[c->nsync++] = d;
	}
	return store_finish(r);
}

int demo_archive_items(struct ctx *cx, struct rng *r, int64_t household_id, const char *number,
		       const char *village, const char *date, const struct demo_archive_doc *docs,
		       int ndocs, int complete, int cabinet, long shelf_seq)
{
	int skip1 = complete ? -1 : rng_range(r, 0, ndocs - 1);
	int skip2 = complete || !rng_pct(r, 30) ? -1 : rng_range(r, 0, ndocs - 1);
	int64_t item_no = 0, id;
	int rc = STORE_OK;
	char place[64];
	snprintf(place, sizeof(place), "档案室 %c柜 %ld盒 %ld号", 'A' + cabinet, shelf_seq / 20 + 1,
		 shelf_seq % 20 + 1);
	for (int i = 0; i < ndocs && rc == STORE_OK; i++) {
		if (i == skip1 || i == skip2)
			continue;
		rc = archive_item_insert(cx, household_id, number, village, docs[i].name, docs[i].code,
					 date, docs[i].retention, place, ++item_no, &id);
	}
	if (rc == STORE_OK)
		rc = store_exec(cx->db, "UPDATE households SET next_item_no = ? WHERE id = ?", "ii",
				item_no + 1, household_id);
	return rc;
}

int demo_archive_picture(struct ctx *cx, int64_t item_id, int seed, const char *name)
{
	char pic[1000], thumb[1100], upright[1100];
	struct blob_writer w, tw, rw;
	struct media_info info;
	snprintf(pic, sizeof(pic), "%s/tmp/upload-demo-%d.jpg", cx->blobs->root, seed);
	snprintf(thumb, sizeof(thumb), "%s-thumb.jpg", pic);
	snprintf(upright, sizeof(upright), "%s-upright.jpg", pic);
	if (media_sample_picture(pic, 640, 480, (unsigned)seed + 1))
		return STORE_ERROR;
	media_inspect(pic, "image/jpeg", thumb, upright, &info);
	tw.fd = rw.fd = -1;
	if (blob_writer_from_file(cx->blobs, &w, pic, UINT64_MAX) ||
	    (info.has_thumbnail && blob_writer_from_file(cx->blobs, &tw, thumb, UINT64_MAX)) ||
	    (info.has_reference && blob_writer_from_file(cx->blobs, &rw, upright, UINT64_MAX)))
		return STORE_ERROR;
	struct archive_file f = {name, &w, "image/jpeg", &info,
				 info.has_thumbnail ? &tw : NULL, info.has_reference ? &rw : NULL};
	json_t *fields = json_object(), *out = NULL;
	int rc = archive_item_add_files(cx, item_id, fields, &f, 1, &out) == OUT_OK ? STORE_OK
		 : STORE_ERROR;
	json_decref(fields);
	json_decref(out);
	blob_writer_abort(&w);
	if (info.has_thumbnail)
		blob_writer_abort(&tw);
	if (info.has_reference)
		blob_writer_abort(&rw);
	return rc;
}

int demo_archive_pictures(struct ctx *cx, int count)
{
	int64_t *items = calloc((size_t)count, sizeof(*items));
	int n = 0, rc = STORE_OK;
	if (!items || !cx->blobs)
		goto out;
	struct store_rows *r = store_query(cx->db, "SELECT i.id FROM items i WHERE"
		" i.doc_type = 'photos_before_after' ORDER BY i.household_id LIMIT ?", "i", (int64_t)count);
	while (store_next(r) && n < count)
		items[n++] = store_int(r, 0);
	rc = store_finish(r);
	for (int i = 0; i < n && rc == STORE_OK; i++) {
		char name[32];
		snprintf(name, sizeof(name), "photo-%02d.jpg", i + 1);
		rc = demo_archive_picture(cx, items[i], i, name);
	}
out:
	free(items);
	return rc;
}
