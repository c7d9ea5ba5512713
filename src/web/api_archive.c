/* api_archive: archive items (multipart uploads), file downloads with ranges. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"
#include "core/tar.h"
#include "domain/archive.h"
#include "domain/checklist.h"
#include "domain/bag.h"
#include "domain/dossier.h"
#include "domain/household.h"
#include "web/export.h"
#include "web/api_audit.h"
#include "web/range.h"
#include "web/routes.h"
#include "web/server.h"
#include "web/upload.h"

/* Checks what the multipart parser saw and collects the file parts for the domain. */
static bool upload_parts(struct request *rq, struct archive_file *files, int *nfiles)
{
	struct upload *u = rq->upload;
	enum outcome framing = upload_check(rq);
	*nfiles = 0;
	if (framing != OUT_OK) {
		rq_problem(rq, framing, NULL);
		return false;
	}
	/* A "file" part that arrived as a plain field had no file name. */
	for (int i = 0; i < u->nfields; i++)
		if (strcmp(u->field_names[i], "file") == 0)
			verrors_add(&rq->errs, "file", "file_name_invalid");
	for (int i = 0; i < u->nfiles; i++) {
		if (strcmp(u->files[i].field, "file") != 0) {
			verrors_add(&rq->errs, u->files[i].field, "unknown_field");
			continue;
		}
		files[*nfiles].name = u->files[i].name;
		files[*nfiles].w = &u->files[i].w;
		files[*nfiles].mime = u->files[i].mime;
		files[*nfiles].media = &u->files[i].media;
		files[*nfiles].thumb = u->files[i].media.has_thumbnail ? &u->files[i].thumb : NULL;
		files[*nfiles].reference = u->files[i].media.has_reference ? &u->files[i].reference : NULL;
		(*nfiles)++;
	}
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return false;
	}
	return true;
}

/* The household must be visible and open to this archivist before 2 GiB arrive for it. */
bool api_items_precheck(struct request *rq)
{
	enum outcome res = household_guard_writable_archive(&rq->cx, rq->ids[0]);
	if (res != OUT_OK)
		rq_problem(rq, res, NULL);
	return res == OUT_OK;
}

bool api_item_files_precheck(struct request *rq)
{
	enum outcome res = archive_item_changeable(&rq->cx, rq->ids[0]);
	if (res != OUT_OK)
		rq_problem(rq, res, NULL);
	return res == OUT_OK;
}

/* Shared by the two upload endpoints: collect the parts, run the domain operation. */
static void with_upload(struct request *rq, bool create)
{
	struct archive_file files[UPLOAD_MAX_FILES];
	int nfiles;
	json_t *out = NULL;
	if (!upload_parts(rq, files, &nfiles))
		return;
	json_t *fields = upload_fields(rq->upload);
	enum outcome res = create
		? archive_item_create(&rq->cx, rq->ids[0], fields, files, nfiles, &out)
		: archive_item_add_files(&rq->cx, rq->ids[0], fields, files, nfiles, &out);
	json_decref(fields);
	if (res == OUT_OK && create)
		rq_add_header(rq, MHD_HTTP_HEADER_LOCATION, arena_printf(&rq->arena,
			"/api/v1/items/%lld", (long long)json_integer_value(json_object_get(out, "id"))));
	rq_reply(rq, res, 201, out);
}

void api_items_create(struct request *rq) { with_upload(rq, true); }
void api_item_files_add(struct request *rq) { with_upload(rq, false); }

static void reply_item(struct request *rq, enum outcome res, json_t *item)
{
	rq_reply_record(rq, res, 200, item, archive_item_etag, NULL);
}

void api_item_get(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = archive_item_get(&rq->cx, rq->ids[0], &out);
	api_audit_answer(rq, res, "read", "item", rq->ids[0], out, NULL);
	reply_item(rq, res, out);
}

void api_item_patch(struct request *rq)
{
	rq_change_record(rq, archive_item_patch, archive_item_etag);
}

void api_item_remove(struct request *rq) { rq_write_one(rq, archive_item_remove, 200); }

void api_items_list(struct request *rq)
{
	struct item_filter f = {0};
	f.household_id = rq->ids[0];
	f.doc_type = rq_query(rq, "doc_type");
	f.from = rq_query(rq, "from");
	f.to = rq_query(rq, "to");
	f.q = rq_query(rq, "q");
	f.after = rq_query_int(rq, "after", 0, INT64_MAX, 0);
	f.limit = (int)rq_query_int(rq, "limit", 1, 500, 200);
	if (f.q && strlen(f.q) > 100)
		verrors_add(&rq->errs, "q", "too_long");
	int y, m, d;
	if (f.from && !date_parse(f.from, &y, &m, &d))
		verrors_add(&rq->errs, "from", "invalid_date");
	if (f.to && !date_parse(f.to, &y, &m, &d))
		verrors_add(&rq->errs, "to", "invalid_date");
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	/* The household itself must be visible: an empty list would say it exists. */
	int64_t version;
	enum outcome res = household_version(&rq->cx, f.household_id, &version);
	if (res != OUT_OK) {
		rq_problem(rq, res, NULL);
		return;
	}
	json_t *out = NULL;
	res = archive_item_list(&rq->cx, &f, &out);
	api_audit_answer(rq, res, "list", "household", f.household_id, out, "items");
	rq_reply(rq, res, 200, out);
}

void api_doc_types(struct request *rq)
{
	rq_json(rq, 200, json_pack("{s:o}", "items", checklist_doc_types(&rq->cx)));
}

void api_doc_types_put(struct request *rq)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = checklist_doc_type_put(&rq->cx, body, &out);
	json_decref(body);
	rq_reply(rq, res, 200, out);
}

/* ---------------------------------------------------------------- downloads */

/* Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 5987). */
static const char *disposition(struct request *rq, const char *type, const char *name)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s; filename=\"", type);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		buf_putc(&b, *p < 0x80 && *p >= 0x20 && *p != '"' && *p != '\\' ? (char)*p : '_');
	buf_puts(&b, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (isalnum(*p) || strchr("!#$&+-.^_`|~", *p))
			buf_putc(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	const char *out = b.failed ? "attachment" : arena_strdup(&rq->arena, b.data);
	buf_release(&b);
	return out;
}

enum variant { ORIGINAL, THUMBNAIL, REFERENCE };

/* Serves a file's bytes, or its thumbnail or upright copy (JPEG, named after the file). */
static void serve_file(struct request *rq, enum variant variant)
{
	struct archive_file_info fi;
	char path[1200], etag[70];
	enum outcome res = archive_file_info(&rq->cx, rq->ids[0], &fi);
	if (res == OUT_OK && variant != ORIGINAL) {
		const char *sha = variant == THUMBNAIL ? fi.thumbnail : fi.reference;
		if (!*sha) {
			rq_problem(rq, OUT_NOT_FOUND, variant == THUMBNAIL ? "no_thumbnail" : "no_reference");
			return;
		}
		memmove(fi.sha256, sha, sizeof(fi.sha256));
		snprintf(fi.mime, sizeof(fi.mime), "image/jpeg");
		const char *suffix = variant == THUMBNAIL ? ".thumb.jpg" : ".jpg";
		size_t n = strlen(fi.name);
		if (n + strlen(suffix) < sizeof(fi.name))
			memcpy(fi.name + n, suffix, strlen(suffix) + 1);
		fi.size = -1;
	}
	if (res != OUT_OK) {
		rq_problem(rq, res, NULL);
		return;
	}
	snprintf(etag, sizeof(etag), "\"%s\"", fi.sha256);
	rq_add_header(rq, MHD_HTTP_HEADER_ETAG, arena_strdup(&rq->arena, etag));
	rq_add_header(rq, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	const char *inm = rq_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm && strcmp(inm, etag) == 0) {
		rq->status = 304;
		return;
	}
	blobstore_path(&rq->server->blobs, fi.sha256, path, sizeof(path));
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || (fi.size >= 0 && (uint64_t)st.st_size != (uint64_t)fi.size)) {
		if (fd >= 0)
			close(fd);
		rq_problem(rq, OUT_INTERNAL, "file_unavailable");
		return;
	}
	uint64_t size = (uint64_t)st.st_size, start = 0, end = size ? size - 1 : 0;
	const char *range = rq_header(rq, MHD_HTTP_HEADER_RANGE);
	const char *if_range = rq_header(rq, MHD_HTTP_HEADER_IF_RANGE);
	int r = if_range && strcmp(if_range, etag) != 0 ? 0 : range_parse(range, size, &start, &end);
	if (r < 0) {
		close(fd);
		rq_add_header(rq, MHD_HTTP_HEADER_CONTENT_RANGE,
			      arena_printf(&rq->arena, "bytes */%llu", (unsigned long long)size));
		verrors_add(&rq->errs, "range", "range_not_satisfiable");
		rq_problem(rq, OUT_RANGE_NOT_SATISFIABLE, NULL);
		return;
	}
	if (r > 0)
		rq_add_header(rq, MHD_HTTP_HEADER_CONTENT_RANGE, arena_printf(&rq->arena,
			"bytes %llu-%llu/%llu", (unsigned long long)start, (unsigned long long)end,
			(unsigned long long)size));
	if (variant != THUMBNAIL && start == 0)	/* thumbnails count as part of the page */
		audit_read(&rq->cx, "download", "file", rq->ids[0], 1,
			   variant == ORIGINAL ? "original" : "reference");
	const char *download = rq_query(rq, "download");
	rq_add_header(rq, MHD_HTTP_HEADER_CONTENT_DISPOSITION,
		      disposition(rq, download ? "attachment" : "inline", fi.name));
	rq->file_fd = fd;
	rq->file_offset = start;
	rq->file_length = size ? end - start + 1 : 0;
	rq->status = r > 0 ? 206 : 200;
	rq->content_type = arena_strdup(&rq->arena, fi.mime);
}

void api_file_get(struct request *rq) { serve_file(rq, ORIGINAL); }
void api_file_thumbnail(struct request *rq) { serve_file(rq, THUMBNAIL); }
void api_file_reference(struct request *rq) { serve_file(rq, REFERENCE); }

/* The household's file as a BagIt bag in a tar, streamed. */
void api_household_bag(struct request *rq)
{
	char name[40];
	export_begin(rq);
	struct tar *t = malloc(sizeof(*t));
	if (!t) {
		rq_problem(rq, OUT_INTERNAL, NULL);
		return;
	}
	tar_init(t, time(NULL));
	enum outcome res = bag_build(&rq->cx, rq->ids[0], t, name);
	if (res != OUT_OK) {
		tar_release(t);
		free(t);
		rq_problem(rq, res, NULL);
		return;
	}
	audit_read(&rq->cx, "export", "household", rq->ids[0], 1, "bag");
	rq->stream = t;
	rq->status = 200;
	rq->content_type = "application/x-tar";
	rq_add_header(rq, MHD_HTTP_HEADER_CONTENT_DISPOSITION,
		      arena_printf(&rq->arena, "attachment; filename=\"%s.tar\"", name));
}

static void reply_pdf(struct request *rq, enum outcome res, const struct export_mark *m,
		      const char *kind)
{
	if (res != OUT_OK) {
		buf_reset(&rq->out);
		rq_problem(rq, res, NULL);
		return;
	}
	audit_read(&rq->cx, "export", "household", rq->ids[0], 1, kind);
	rq->status = 200;
	rq->content_type = "application/pdf";
	export_pdf_headers(rq, m, arena_printf(&rq->arena, "household-%lld-%s",
					       (long long)rq->ids[0], kind));
}

void api_household_dossier(struct request *rq)
{
	struct export_mark m;
	export_begin(rq);
	export_mark_of(rq, &m);
	reply_pdf(rq, dossier_pdf(&rq->cx, rq->ids[0], &m, &rq->out), &m, "dossier");
}

void api_household_label(struct request *rq)
{
	struct export_mark m;
	export_begin(rq);
	export_mark_of(rq, &m);
	reply_pdf(rq, dossier_label_pdf(&rq->cx, rq->ids[0], rq->server->cfg.public_url, &m,
					&rq->out), &m, "label");
}
