/* upload: the multipart parts, streamed to blob writers and small fields, and their
 * bookkeeping. */
#include "web/upload.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/sniff.h"
#include "web/request.h"
#include "web/routes.h"
#include "web/server.h"

static struct upload_file *new_file(struct request *rq, const char *key, const char *filename)
{
	struct upload *u = rq->upload;
	if (u->nfiles == UPLOAD_MAX_FILES) {
		u->too_many = true;
		return NULL;
	}
	struct upload_file *f = &u->files[u->nfiles];
	if (blob_writer_open(&rq->server->blobs, &f->w, rq->server->cfg.max_upload)) {
		u->failed = true;
		return NULL;
	}
	f->field = arena_strdup(&rq->arena, key);
	f->name = arena_strdup(&rq->arena, filename);
	u->nfiles++;
	return f;
}

/* A name used twice — two fields, or a field and a file — leaves it unclear which counts.
 * Several file parts under one name are several files. */
static bool name_taken(struct upload *u, const char *name, bool file)
{
	for (int k = 0; k < u->nfields; k++)
		if (strcmp(u->field_names[k], name) == 0)
			return true;
	if (!file)
		for (int k = 0; k < u->nfiles; k++)
			if (strcmp(u->files[k].field, name) == 0)
				return true;
	return false;
}

static int on_part(void *cls, const struct multipart_part *part)
{
	struct request *rq = cls;
	struct upload *u = rq->upload;
	bool file = part->filename != NULL;
	u->current = NULL;
	u->current_field = -1;
	if (name_taken(u, part->name, file)) {
		u->duplicate_field = true;
		return 1;
	}
	if (file && !routes_csrf_before_file(rq)) {	/* no file before the CSRF token */
		u->csrf_refused = true;
		return 1;
	}
	if (file) {
		u->current = new_file(rq, part->name, part->filename);
		return u->current ? 0 : 1;
	}
	if (u->nfields == UPLOAD_MAX_FIELDS) {
		u->too_many = true;
		return 1;
	}
	int i = u->nfields++;
	u->field_names[i] = arena_strdup(&rq->arena, part->name);
	buf_init(&u->field_values[i]);
	u->field_values[i].limit = UPLOAD_MAX_FIELD_BYTES;
	u->current_field = i;
	return 0;
}

static int on_data(void *cls, const char *data, size_t size)
{
	struct request *rq = cls;
	struct upload *u = rq->upload;
	if (u->current) {
		if (blob_writer_write(&u->current->w, data, size)) {
			u->too_large |= u->current->w.too_large;
			u->failed |= !u->current->w.too_large;
			return 1;
		}
	} else if (u->current_field >= 0) {
		buf_add(&u->field_values[u->current_field], data, size);
		if (u->field_values[u->current_field].failed) {
			u->too_large = true;
			return 1;
		}
	}
	return 0;
}

bool upload_begin(struct request *rq)
{
	char boundary[MULTIPART_MAX_BOUNDARY + 1];
	rq->upload = arena_alloc(&rq->arena, sizeof(struct upload));
	if (!rq->upload)
		return false;
	memset(rq->upload, 0, sizeof(*rq->upload));
	rq->upload->current_field = -1;
	const char *ct = rq_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
	if ((!ct || strncasecmp(ct, "multipart/form-data", 19) != 0) && rq->route->upload_raw) {
		const char *name = rq_query(rq, "name");
		rq->upload->raw = true;
		if (!routes_csrf_before_file(rq)) {	/* the body is the file: no token in it */
			rq->upload->csrf_refused = true;
			return true;
		}
		rq->upload->current = new_file(rq, "file", name && *name ? name : "upload");
		return rq->upload->current != NULL;
	}
	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return false;
	if (!multipart_boundary(ct, boundary)) {
		rq->upload->malformed = true;
		return false;
	}
	multipart_init(&rq->upload->mp, boundary, on_part, on_data, rq);
	return true;
}

void upload_feed(struct request *rq, const char *data, size_t size)
{
	struct upload *u = rq->upload;
	if (u->raw) {
		on_data(rq, data, size);
		return;
	}
	if (multipart_feed(&u->mp, data, size) != MULTIPART_OK && !u->too_large && !u->failed &&
	    !u->too_many && !u->duplicate_field && !u->csrf_refused)
		u->malformed = true;
}

/* Thumbnail, upright copy and metadata of an accepted file, each derived image through
 * the blob store like the upload itself. */
static void derive(struct request *rq, struct upload_file *f)
{
	char thumb[1100], reference[1100];
	const struct blobstore *bs = &rq->server->blobs;
	snprintf(thumb, sizeof(thumb), "%s-thumb.jpg", f->w.tmp_path);
	snprintf(reference, sizeof(reference), "%s-upright.jpg", f->w.tmp_path);
	media_inspect(f->w.tmp_path, f->mime, thumb, reference, &f->media);
	f->thumb.fd = f->reference.fd = -1;
	if (f->media.has_thumbnail && blob_writer_from_file(bs, &f->thumb, thumb, UINT64_MAX))
		f->media.has_thumbnail = false;
	if (f->media.has_reference && blob_writer_from_file(bs, &f->reference, reference, UINT64_MAX))
		f->media.has_reference = false;
	unlink(thumb);
	unlink(reference);
}

void upload_end(struct request *rq)
{
	struct upload *u = rq->upload;
	if (!u->raw && multipart_finish(&u->mp) != MULTIPART_OK && !u->too_large && !u->failed &&
	    !u->too_many && !u->duplicate_field)
		u->malformed = true;
	if (u->malformed || u->too_many || u->duplicate_field)
		return;	/* refused whatever the files hold: spend nothing on them */
	for (int i = 0; i < u->nfiles; i++) {
		struct upload_file *f = &u->files[i];
		if (f->w.too_large) {
			u->too_large = true;
			continue;
		}
		if (blob_writer_finish(&f->w) || sniff_file(f->w.tmp_path, f->mime, sizeof(f->mime))) {
			u->failed = true;
			continue;
		}
		if (sniff_allowed(f->mime))
			derive(rq, f);
	}
	for (int i = 0; i < u->nfields; i++)
		if (u->field_values[i].failed)
			u->too_large = true;
}

enum outcome upload_check(struct request *rq)
{
	const struct upload *u = rq->upload;
	const char *code = u->malformed ? "malformed_multipart" : u->too_many ? "too_many"
		: u->duplicate_field ? "duplicate_field" : NULL;
	if (code) {
		verrors_add(&rq->errs, "body", code);
		return OUT_BAD_REQUEST;
	}
	if (u->too_large) {
		verrors_add(&rq->errs, "body", "body_too_large");
		return OUT_TOO_LARGE;
	}
	if (u->failed) {
		verrors_add(&rq->errs, "body", "upload_failed");
		return OUT_INTERNAL;
	}
	return OUT_OK;
}

json_t *upload_fields(struct upload *u)
{
	json_t *o = json_object();
	for (int i = 0; i < u->nfields; i++) {
		json_t *v = json_stringn(u->field_values[i].data, u->field_values[i].len);
		/* not UTF-8, or a NUL inside: hand it on as a non-string the validator rejects */
		json_object_set_new(o, u->field_names[i], v ? v : json_integer(0));
	}
	return o;
}

void upload_drop_field(struct upload *u, const char *name)
{
	int kept = 0;
	for (int i = 0; i < u->nfields; i++) {
		if (strcmp(u->field_names[i], name) == 0) {
			buf_release(&u->field_values[i]);
			continue;
		}
		u->field_names[kept] = u->field_names[i];
		u->field_values[kept++] = u->field_values[i];
	}
	u->nfields = kept;
}

void upload_release(struct upload *u)
{
	if (!u)
		return;
	for (int i = 0; i < u->nfiles; i++) {
		blob_writer_abort(&u->files[i].w);
		if (u->files[i].media.has_thumbnail)
			blob_writer_abort(&u->files[i].thumb);
		if (u->files[i].media.has_reference)
			blob_writer_abort(&u->files[i].reference);
	}
	for (int i = 0; i < u->nfields; i++)
		buf_release(&u->field_values[i]);
	u->nfiles = u->nfields = 0;
}
