/* pages_imports: the import pages — upload (with a dry run first), the result (counts, the
 * first rows of each kind, every error by sheet, row, column and field) and the recent
 * imports. Thin: the domain (domain/import.c) does the work, as for the API. */
#include <stdio.h>
#include <string.h>

#include "domain/import.h"
#include "web/import_progress.h"
#include "web/page.h"
#include "web/routes.h"
#include "web/server.h"
#include "web/upload.h"

#define PAGE_ERRORS 500	/* errors listed on the page; the count says how many in all */

/* The columns read (column name: the header it was read from) and, for each header the
 * import did not know, a choice of the columns not found, to import again with (the
 * choices belong to the upload form above: the file is chosen there again). */
static void mapping_view(struct request *rq, json_t *result, json_t *v)
{
	json_t *cols = import_columns(json_string_value(json_object_get(result, "kind")), rq->lang);
	json_t *found = json_object_get(result, "columns"), *read = json_array();
	json_t *options = json_array(), *c, *mappable = json_array(), *h;
	size_t i;
	json_array_foreach(json_object_get(cols, "items"), i, c) {
		const char *key = json_string_value(json_object_get(c, "key"));
		json_t *header = json_object_get(found, key);
		if (header)
			json_array_append_new(read, json_pack("{s:O, s:O}", "label",
				json_object_get(c, "label"), "header", header));
		else
			json_array_append(options, c);
	}
	json_array_foreach(json_object_get(result, "ignored_columns"), i, h) {
		bool again = false;	/* a header on several sheets is offered once */
		for (size_t k = 0; k < json_array_size(mappable) && !again; k++)
			again = json_equal(json_object_get(json_array_get(mappable, k), "header"), h);
		if (!again && json_array_size(mappable) < IMPORT_MAX_MAPPING)
			json_array_append_new(mappable, json_pack("{s:O, s:I, s:O}", "header", h,
				"i", (json_int_t)json_array_size(mappable), "options", options));
	}
	json_object_set_new(v, "columns_read", read);
	json_object_set_new(v, "has_mappable", json_boolean(json_array_size(mappable) > 0));
	json_object_set_new(v, "mappable", mappable);
	json_decref(options);
	json_decref(cols);
}

/* The first rows of each count, an updated household's field changes under it, the fields
 * named by their columns' names. */
static void first_view(struct request *rq, json_t *result, json_t *v)
{
	static const char *const which[] = {"create", "update", "unchanged", "error"};
	json_t *cols = import_columns(json_string_value(json_object_get(result, "kind")), rq->lang);
	json_t *rows = json_array(), *row, *c;
	size_t i, k;
	for (size_t w = 0; w < sizeof(which) / sizeof(which[0]); w++) {
		char key[32];
		snprintf(key, sizeof(key), "import_%s", which[w]);
		json_array_foreach(json_object_get(json_object_get(result, "first"), which[w]), i, row) {
			json_t *shown = json_deep_copy(row);
			json_object_set_new(shown, "what", json_string(msg_get(rq->lang, key)));
			json_array_foreach(json_object_get(shown, "changes"), k, c) {
				const char *field = json_string_value(json_object_get(c, "field"));
				json_t *col;
				size_t j;
				json_array_foreach(json_object_get(cols, "items"), j, col)
					if (field && strcmp(field, json_string_value(json_object_get(col,
							"key"))) == 0)
						json_object_set(c, "label", json_object_get(col, "label"));
				if (!json_object_get(c, "label"))
					json_object_set_new(c, "label", json_string(field ? field : ""));
			}
			json_array_append_new(rows, shown);
		}
	}
	json_object_set_new(v, "has_first", json_boolean(json_array_size(rows) > 0));
	json_object_set_new(v, "first_rows", rows);
	json_decref(cols);
}

/* The mapping chosen on the result page: map_header_N with map_field_N, N < 64. */
static json_t *mapping_chosen(json_t *fields)
{
	json_t *m = json_object();
	for (int i = 0; i < IMPORT_MAX_MAPPING; i++) {
		char hk[32], fk[32];
		snprintf(hk, sizeof(hk), "map_header_%d", i);
		snprintf(fk, sizeof(fk), "map_field_%d", i);
		const char *header = json_string_value(json_object_get(fields, hk));
		const char *column = json_string_value(json_object_get(fields, fk));
		if (header && column && *column)	/* "": left as it is */
			json_object_set_new(m, header, json_string(column));
	}
	return m;
}

/* The result as the page shows it: status words, counts as rows, errors capped. */
static json_t *result_view(struct request *rq, json_t *result)
{
	json_t *v = json_deep_copy(result);
	const char *status = json_string_value(json_object_get(result, "status"));
	char key[40];
	snprintf(key, sizeof(key), "import_status_%s", status ? status : "failed");
	json_object_set_new(v, "status_text", json_string(msg_get(rq->lang, key)));
	json_object_set_new(v, "ok", json_boolean(status && strcmp(status, "failed") != 0));
	json_t *rows = json_array(), *c;
	const char *what;
	json_object_foreach(json_object_get(result, "counts"), what, c) {
		const char *label = strcmp(what, "households") == 0 ? "import_households"
			: strcmp(what, "persons") == 0 ? "import_persons" : "import_rows_label";
		json_array_append_new(rows, json_pack("{s:s, s:O, s:O, s:O, s:O}", "what",
			msg_get(rq->lang, label), "create", json_object_get(c, "create"),
			"update", json_object_get(c, "update"), "unchanged",
			json_object_get(c, "unchanged"), "error", json_object_get(c, "error")));
	}
	json_object_set_new(v, "count_rows", rows);
	json_t *errors = json_object_get(v, "errors");
	json_object_set_new(v, "has_errors", json_boolean(json_array_size(errors) > 0));
	while (json_array_size(errors) > PAGE_ERRORS)
		json_array_remove(errors, json_array_size(errors) - 1);
	json_object_set_new(v, "more_errors", json_boolean(json_integer_value(
		json_object_get(result, "errors_total")) > PAGE_ERRORS));
	mapping_view(rq, result, v);
	first_view(rq, result, v);
	return v;
}

static void imports_page(struct request *rq, unsigned status, json_t *result)
{
	json_t *list = NULL;
	enum outcome res = import_list(&rq->cx, 20, &list);
	if (res != OUT_OK) {
		json_decref(result);
		page_outcome(rq, res);
		return;
	}
	json_t *data = json_pack("{s:O}", "imports", json_object_get(list, "items")), *it;
	size_t k;
	json_array_foreach(json_object_get(list, "items"), k, it) {
		/* a dry run is said once: "checked" says it already */
		const char *st = json_string_value(json_object_get(it, "status"));
		json_object_set_new(it, "dry_run_mark", json_boolean(
			json_is_true(json_object_get(it, "dry_run")) && !(st && strcmp(st, "checked") == 0)));
		page_label(rq, it, "status", "import_status");	/* its state in words */
	}
	page_times(rq, json_object_get(list, "items"), "started_at");	/* the county's time */
	static const char *const kinds[] = {"households", "jobs", "trainings", "guarantees", NULL};
	json_t *opts = json_array();
	for (int i = 0; kinds[i]; i++) {
		char key[40];
		snprintf(key, sizeof(key), "import_kind_%s", kinds[i]);
		json_array_append_new(opts, json_pack("{s:s, s:s}", "code", kinds[i], "label",
						      msg_get(rq->lang, key)));
	}
	json_object_set_new(data, "kinds", opts);
	json_decref(list);
	if (result) {
		json_object_set_new(data, "result", result_view(rq, result));
		json_decref(result);
	}
	page_render(rq, status, "imports", "imports_title", data);
}

void page_imports(struct request *rq)
{
	page_lang(rq);
	imports_page(rq, 200, NULL);
}

void page_imports_post(struct request *rq)
{
	struct upload *u = rq->upload;
	page_lang(rq);
	enum outcome framing = upload_check(rq);
	if (framing != OUT_OK) {
		page_outcome(rq, framing);
		return;
	}
	int file = -1;
	for (int i = 0; i < u->nfiles; i++)
		if (strcmp(u->files[i].field, "file") == 0 && file < 0)
			file = i;
	if (file < 0) {
		page_error(rq, OUT_INVALID, "import_no_file");
		return;
	}
	json_t *fields = upload_fields(u);
	const char *dry = json_string_value(json_object_get(fields, "dry_run"));
	const char *kind = json_string_value(json_object_get(fields, "kind"));
	if (!kind)
		kind = "households";
	if (!import_kind_known(kind) || (dry && strcmp(dry, "1") != 0)) {
		json_decref(fields);	/* a dry run asked for wrongly must not write for real */
		page_error(rq, OUT_INVALID, import_kind_known(kind) ? "out_of_range"
			   : "import_kind_unknown");
		return;
	}
	json_t *mapping = mapping_chosen(fields);
	struct import_opts o = {.kind = kind, .path = u->files[file].w.tmp_path,
				.file_name = u->files[file].name, .dry_run = dry && strcmp(dry, "1") == 0,
				.max_bytes = (long long)rq->server->cfg.max_upload, .lang = rq->lang,
				.keep_errors = true, .mapping = json_object_size(mapping) ? mapping : NULL};
	json_t *result = NULL;
	struct import_progress *p = api_imports_progress(rq, &o);
	enum outcome res = import_run(&rq->cx, &o, &result);
	import_progress_end(p);
	json_decref(mapping);
	json_decref(fields);
	if (res == OUT_OK || res == OUT_INVALID)
		imports_page(rq, outcome_status(res), result);
	else
		page_outcome(rq, res);
}

void page_import(struct request *rq)
{
	json_t *result = NULL;
	page_lang(rq);
	enum outcome res = import_get(&rq->cx, rq->ids[0], &result);
	if (res != OUT_OK) {
		page_outcome(rq, res);
		return;
	}
	imports_page(rq, 200, result);
}
