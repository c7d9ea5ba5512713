/* api_imports: POST /api/v1/imports (a file, multipart "file", run as an import), GET
 * /api/v1/imports/{id} (a recorded import) and the template workbook. Thin: the domain
 * (domain/import.c) reads, checks and writes. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/import.h"
#include "domain/import_workbook.h"
#include "web/import_progress.h"
#include "web/routes.h"
#include "web/server.h"
#include "web/upload.h"

static const char *const kinds[] = {"households", "jobs", "trainings", "guarantees", NULL};

/* The answer to an import with rows in error: a problem document (422) that is also the
 * import as recorded, its errors naming sheet, row, column, field and reason. */
static void reply_refused(struct request *rq, json_t *result)
{
	unsigned status = outcome_status(OUT_INVALID);
	json_t *body = json_pack("{s:s, s:s, s:i, s:s, s:O, s:o}", "type", "about:blank",
				 "title", msg_get(rq->lang, outcome_title_key(OUT_INVALID)),
				 "status", (int)status, "detail", msg_get(rq->lang, "import_refused"),
				 "errors", json_object_get(result, "errors"), "import", result);
	rq_json(rq, status, body);
	rq->content_type = "application/problem+json";
}

/* On the headers: a kind the import knows and a dry_run of 0 or 1, before the file streams in
 * (the role was checked by the route's row). */
bool api_imports_precheck(struct request *rq)
{
	static const char *const params[] = {"kind", "dry_run", "name", "progress", NULL};
	rq_query_strict(rq, params);	/* "dryrun=1" or "dry_run=" would write for real */
	rq_query_enum(rq, "kind", kinds);	/* each adds its error when the value is bad */
	rq_query_int(rq, "dry_run", 0, 1, 0);
	const char *name = rq_query(rq, "name");	/* the file's name, when the body is the file */
	if (name && strlen(name) > IMPORT_MAX_NAME)
		verrors_add(&rq->errs, "name", "too_long");
	const char *ticket = rq_query(rq, "progress");
	if (ticket && !import_progress_ticket_ok(ticket))
		verrors_add(&rq->errs, "progress", "import_progress_ticket");
	if (rq->errs.n)
		rq_problem(rq, OUT_INVALID, NULL);
	return rq->errs.n == 0;
}

struct import_progress *api_imports_progress(struct request *rq, struct import_opts *o)
{
	const char *ticket = rq_query(rq, "progress");	/* checked by the precheck */
	struct import_progress *p = ticket ? import_progress_start(rq->actor.user_id, ticket) : NULL;
	if (p) {
		o->progress = import_progress_note;
		o->progress_arg = p;
	}
	return p;
}

void api_imports_create(struct request *rq)
{
	struct upload *u = rq->upload;
	/* the query was checked on the headers (api_imports_precheck) */
	const char *kind = rq_query(rq, "kind") ? rq_query_enum(rq, "kind", kinds) : "households";
	int64_t dry = rq_query_int(rq, "dry_run", 0, 1, 0);
	enum outcome framing = upload_check(rq);
	if (framing != OUT_OK) {
		rq_problem(rq, framing, NULL);
		return;
	}
	int file = -1;
	for (int i = 0; i < u->nfiles; i++) {
		if (strcmp(u->files[i].field, "file") != 0 || file >= 0)
			verrors_add(&rq->errs, u->files[i].field, "unknown_field");
		else
			file = i;
	}
	if (file < 0 && !rq->errs.n)
		verrors_add(&rq->errs, "file", "required");
	json_t *mapping = NULL;	/* a form field "mapping": {header: column} as JSON */
	for (int i = 0; i < u->nfields; i++) {
		if (strcmp(u->field_names[i], "mapping") != 0) {
			verrors_add(&rq->errs, u->field_names[i], "unknown_field");
			continue;
		}
		json_decref(mapping);
		mapping = json_loadb(u->field_values[i].data, u->field_values[i].len,
				     JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(mapping))
			verrors_add(&rq->errs, "mapping", "type_object");
	}
	if (rq->errs.n) {
		json_decref(mapping);
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	struct import_opts o = {.kind = kind, .path = u->files[file].w.tmp_path,
				.file_name = u->files[file].name, .dry_run = dry == 1,
				.max_bytes = (long long)rq->server->cfg.max_upload, .lang = rq->lang,
				.keep_errors = true, .mapping = mapping};
	json_t *result = NULL;
	struct import_progress *p = api_imports_progress(rq, &o);
	enum outcome res = import_run(&rq->cx, &o, &result);
	import_progress_end(p);
	json_decref(mapping);
	if (res == OUT_INVALID && result) {
		reply_refused(rq, result);
		return;
	}
	if (res == OUT_OK && !o.dry_run)
		rq_add_header(rq, MHD_HTTP_HEADER_LOCATION, arena_printf(&rq->arena,
			"/api/v1/imports/%lld",
			(long long)json_integer_value(json_object_get(result, "id"))));
	rq_reply(rq, res, o.dry_run ? 200 : 201, result);
}

void api_import_get(struct request *rq)
{
	json_t *out = NULL;
	enum outcome res = import_get(&rq->cx, rq->ids[0], &out);
	rq_reply(rq, res, 200, out);
}

/* GET /api/v1/imports/templates/{key}.xlsx answers the kinds an import knows. */
bool api_import_template_key(const char *key)
{
	for (int i = 0; kinds[i]; i++)
		if (strcmp(key, kinds[i]) == 0)
			return true;
	return false;
}

void api_import_template(struct request *rq)
{
	char path[1100];
	snprintf(path, sizeof(path), "%s/tmp/template-%ld-XXXXXX", rq->server->blobs.root,
		 (long)getpid());
	int fd = mkstemp(path);
	if (fd < 0) {
		rq_problem(rq, OUT_INTERNAL, NULL);
		return;
	}
	close(fd);
	int rc = import_workbook_template(rq->key, path);
	fd = rc == 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	unlink(path);	/* open, the bytes live until sent; nothing is left behind */
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		rq_problem(rq, OUT_INTERNAL, NULL);
		return;
	}
	rq->file_fd = fd;
	rq->file_offset = 0;
	rq->file_length = (uint64_t)st.st_size;
	rq->status = 200;
	rq->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	rq_add_header(rq, "Content-Disposition", arena_printf(&rq->arena,
		      "attachment; filename=\"%s.xlsx\"", rq->key));
}

/* GET /api/v1/imports/{id}/errors.xlsx: the user's own rows with an error column, for the
 * user who ran the import (the domain answers 404 to anyone else). */
void api_import_errors(struct request *rq)
{
	char sha[65], path[1100];
	enum outcome res = import_errors_workbook_of(&rq->cx, rq->ids[0], sha);
	if (res != OUT_OK) {
		rq_problem(rq, res, NULL);
		return;
	}
	blobstore_path(&rq->server->blobs, sha, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		rq_problem(rq, OUT_INTERNAL, "file_unavailable");
		return;
	}
	rq->file_fd = fd;
	rq->file_offset = 0;
	rq->file_length = (uint64_t)st.st_size;
	rq->status = 200;
	rq->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	rq_add_header(rq, "Content-Disposition", arena_printf(&rq->arena,
		      "attachment; filename=\"import-%lld-errors.xlsx\"", (long long)rq->ids[0]));
}

/* GET /api/v1/imports/mappings?kind=K: the columns a mapping may name, and the headers
 * mapped so far (remembered for everyone's imports of the kind). */
void api_import_mappings(struct request *rq)
{
	const char *kind = rq_query_enum(rq, "kind", kinds);
	if (!kind && !rq->errs.n)
		verrors_add(&rq->errs, "kind", "required");
	if (rq->errs.n) {
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = NULL;
	enum outcome res = import_mappings(&rq->cx, kind, &out);
	if (res == OUT_OK) {
		json_t *cols = import_columns(kind, rq->lang);
		json_object_set(out, "columns", json_object_get(cols, "items"));
		json_decref(cols);
	}
	rq_reply(rq, res, 200, out);
}

/* GET /api/v1/imports/progress?ticket=T: how far the user's run named T has got. */
void api_import_progress(struct request *rq)
{
	const char *ticket = rq_query(rq, "ticket");
	if (!ticket || !import_progress_ticket_ok(ticket)) {
		verrors_add(&rq->errs, "ticket", ticket ? "import_progress_ticket" : "required");
		rq_problem(rq, OUT_INVALID, NULL);
		return;
	}
	json_t *out = import_progress_get(rq->actor.user_id, ticket);
	rq_reply(rq, out ? OUT_OK : OUT_NOT_FOUND, 200, out);
}
