/* upload: the multipart iterator and its bookkeeping. */
#include "web/upload.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/sniff.h"
#include "web/request.h"
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
	f->field = arena_strdup(&rq->arena, key ? key : "");
	f->name = arena_strdup(&rq->arena, filename);
	u->nfiles++;
	return f;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *filename, const char *content_type,
			       const char *transfer_encoding, const char *data, uint64_t off,
			       size_t size)
{
	struct request *rq = cls;
	struct upload *u = rq->upload;
	(void)kind; (void)content_type; (void)transfer_encoding;
	if (filename) {
		if (off == 0)
			u->current = new_file(rq, key, filename);
		if (u->current && size && blob_writer_write(&u->current->w, data, size))
			u->too_large |= u->current->w.too_large;
		return MHD_YES;
	}
	/* A form field: a new one at offset 0, else more of the last one. */
	int i = u->nfields - 1;
	if (off == 0) {
		for (int k = 0; k < u->nfields; k++)
			if (strcmp(u->field_names[k], key) == 0)
				u->duplicate_field = true;
		if (u->nfields == UPLOAD_MAX_FIELDS) {
			u->too_many = true;
			return MHD_YES;
		}
		i = u->nfields++;
		u->field_names[i] = arena_strdup(&rq->arena, key);
		buf_init(&u->field_values[i]);
		u->field_values[i].limit = UPLOAD_MAX_FIELD_BYTES;
	}
	if (i >= 0)
		buf_add(&u->field_values[i], data, size);
	return MHD_YES;
}

bool upload_begin(struct request *rq)
{
	rq->upload = arena_alloc(&rq->arena, sizeof(struct upload));
	if (!rq->upload)
		return false;
	const char *ct = rq_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!ct || strncmp(ct, "multipart/form-data", 19) != 0)
		return false;
	rq->upload->pp = MHD_create_post_processor(rq->conn, 64 * 1024, on_part, rq);
	return rq->upload->pp != NULL;
}

void upload_feed(struct request *rq, const char *data, size_t size)
{
	struct upload *u = rq->upload;
	if (u->pp && !u->too_large && MHD_post_process(u->pp, data, size) != MHD_YES)
		u->failed = true;
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
	if (u->pp) {
		MHD_destroy_post_processor(u->pp);
		u->pp = NULL;
	}
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

void upload_release(struct upload *u)
{
	if (!u)
		return;
	if (u->pp)
		MHD_destroy_post_processor(u->pp);
	u->pp = NULL;
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
