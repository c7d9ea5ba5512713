/* export: CSV streamed in chunks, XLSX through a temporary file, both a page at a time. */
#include "web/export.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/check.h"
#include "core/date.h"
#include "core/log.h"
#include "core/sheet.h"
#include "domain/division.h"
#include "domain/privacy.h"
#include "domain/user.h"
#include "web/page.h"
#include "web/server.h"

/* ---------------------------------------------------------------- who, language, mark */

void export_begin(struct request *rq)
{
	CHECK(role_can_export(rq->actor.role));	/* the row's rule, checked by dispatch */
	/* A link on a page carries the page's language in its cookie; a client may ask with
	 * ?lang; otherwise Accept-Language (already in rq->lang) decides. */
	const char *lang = rq_query(rq, "lang");
	if (lang && strcmp(lang, "en") == 0)
		rq->lang = LANG_EN;
	else if (lang && (strcmp(lang, "zh") == 0 || strcmp(lang, "zh-CN") == 0))
		rq->lang = LANG_ZH;
	else
		page_lang(rq);
}

void export_mark_of(struct request *rq, struct export_mark *m)
{
	export_mark_make(&rq->actor, rq->lang, m);
}

static void attachment(struct request *rq, const struct export_mark *m, const char *base,
		       const char *ext, const char *how)
{
	char name[256];
	export_mark_file_name(m, base, ext, name, sizeof(name));
	rq_add_header(rq, MHD_HTTP_HEADER_CONTENT_DISPOSITION,
		      arena_printf(&rq->arena, "%s; filename=\"%s\"", how, name));
}

void export_pdf_headers(struct request *rq, const struct export_mark *m, const char *base)
{
	attachment(rq, m, base, "pdf", "inline");
}

/* ---------------------------------------------------------------- words, not codes */

void export_column_words(json_t *columns, const char *key, const char *prefix)
{
	json_t *c;
	size_t i;
	json_array_foreach(columns, i, c)
		if (strcmp(json_string_value(json_object_get(c, "key")), key) == 0)
			json_object_set_new(c, "words", json_string(prefix));
}

void export_column_names(json_t *columns, const char *key, json_t *catalogue)
{
	json_t *c;
	size_t i;
	json_array_foreach(columns, i, c)
		if (strcmp(json_string_value(json_object_get(c, "key")), key) == 0)
			json_object_set(c, "names", catalogue ? catalogue : json_null());
}

/* Columns that hold a division: its name, never its code. */
static bool division_column(const char *key)
{
	static const char *const keys[] = {"community", "village", "town", "county", "division",
		"origin_village", "destination", "dest_community", "scope", "place", NULL};
	for (int i = 0; keys[i]; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

static bool all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* One cell in words: yes or no for a boolean, an instant in the county's time zone, a code by its catalogue's word,
 * a division by its name; anything else as it is. */
static void cell_words(enum lang lang, struct store_conn *db, json_t *column, json_t *row)
{
	const char *key = json_string_value(json_object_get(column, "key"));
	json_t *cell = key ? json_object_get(row, key) : NULL;
	if (json_is_boolean(cell)) {	/* a sheet would leave the cell empty: yes or no */
		json_object_set_new(row, key, json_string(msg_get(lang, json_is_true(cell)
			? "answer_true" : "answer_false")));
		return;
	}
	const char *v = json_string_value(cell);
	if (!v || !*v)
		return;
	long long t;
	if (date_parse_instant(v, &t)) {	/* TZ is the county's, set at start-up */
		char stamp[32];
		date_stamp(t, stamp);
		json_object_set_new(row, key, json_string(stamp));
		return;
	}
	const char *prefix = json_string_value(json_object_get(column, "words"));
	json_t *names = json_object_get(column, "names");
	if (prefix) {
		char k[128];
		snprintf(k, sizeof(k), "%s_%s", prefix, v);
		if (msg_has(k))
			json_object_set_new(row, key, json_string(msg_get(lang, k)));
		return;
	}
	if (json_is_array(names)) {
		json_t *r;
		size_t i;
		json_array_foreach(names, i, r) {
			const char *code = json_string_value(json_object_get(r, "code"));
			if (code && strcmp(v, code) == 0) {
				json_t *name = json_object_get(r, lang == LANG_EN ? "name_en" : "name_zh");
				if (json_is_string(name) && json_string_length(name))
					json_object_set(row, key, name);
				return;
			}
		}
		return;
	}
	if (division_column(key) && (all_digits(v, 12) || all_digits(v, 9) || all_digits(v, 6))) {
		char name_key[96];
		snprintf(name_key, sizeof(name_key), "%s_name", key);
		const char *name = json_string_value(json_object_get(row, name_key));
		char found[128] = "";
		if (!name || !*name) {
			if (db)
				division_name(db, v, found, sizeof(found));
			name = found;
		}
		if (*name)
			json_object_set_new(row, key, json_string(name));
	}
}

void export_words(enum lang lang, struct store_conn *db, json_t *columns, json_t *rows)
{
	json_t *row, *c;
	size_t i, j;
	json_array_foreach(rows, i, row)
		json_array_foreach(columns, j, c)
			cell_words(lang, db, c, row);
}

/* ---------------------------------------------------------------- pages */

/* Roughly what a page of rows takes in memory: its text and a slot per value. */
static size_t page_bytes(json_t *rows)
{
	size_t n = 0, i;
	json_t *row, *v;
	const char *k;
	json_array_foreach(rows, i, row)
		json_object_foreach(row, k, v)
			n += 64 + (json_is_string(v) ? json_string_length(v) : 0);
	return n;
}

/* What a source needs to read a page outside the handler: a copy of who asks and where. */
struct reader {
	const struct server *server;
	struct actor actor;
	long today;
	size_t memory;
	enum lang lang;
};

static void reader_init(struct reader *r, struct request *rq)
{
	r->server = rq->server;
	r->actor = rq->actor;
	r->today = rq->cx.today;
	r->memory = rq->server->cfg.request_memory;
	r->lang = rq->lang;
}

/* The next page of a table: the held rows once, or the source's next page, read with a
 * fresh arena of the request's size. OUT_TOO_LARGE when the page does not fit in it. */
static enum outcome next_page(struct reader *r, struct export_table *t, json_t **rows)
{
	*rows = NULL;
	if (!t->next) {
		*rows = t->rows ? t->rows : json_array();
		t->rows = json_array();		/* held rows go out once */
		if (*rows)
			export_words(r->lang, server_db(r->server), t->columns, *rows);
		return *rows && t->rows ? OUT_OK : OUT_TOO_LARGE;
	}
	struct arena a;
	struct verrors errs;
	arena_init(&a, r->memory);
	verrors_init(&errs, &a);
	struct ctx cx = {.db = server_db(r->server), .actor = &r->actor, .arena = &a, .errs = &errs,
			  .today = r->today, .blobs = &r->server->blobs};
	enum outcome res = cx.db ? t->next(t->state, &cx, EXPORT_PAGE_ROWS, rows) : OUT_INTERNAL;
	if (res == OUT_OK) {	/* who is responsible or did something by their name */
		user_names_show(&cx, *rows, NULL);
		export_words(r->lang, cx.db, t->columns, *rows);
	}
	arena_release(&a);
	if (res == OUT_OK && page_bytes(*rows) > r->memory)
		res = OUT_TOO_LARGE;
	if (res != OUT_OK) {
		json_decref(*rows);
		*rows = NULL;
	}
	return res;
}

static void table_release(struct export_table *t)
{
	json_decref(t->columns);
	json_decref(t->rows);
	if (t->release)
		t->release(t->state);
	memset(t, 0, sizeof(*t));
}

/* ---------------------------------------------------------------- CSV, chunked */

struct csv_stream {
	struct reader reader;
	struct export_table table;
	struct buf pending;
	size_t off;
	bool done;
	enum outcome res;	/* of the last page read */
};

static void csv_stream_free(void *cls)
{
	struct csv_stream *s = cls;
	table_release(&s->table);
	buf_release(&s->pending);
	free(s);
}

/* Appends the next page to s->pending; false on a failure (logged). */
static bool csv_fill(struct csv_stream *s)
{
	json_t *rows;
	if ((s->res = next_page(&s->reader, &s->table, &rows)) != OUT_OK)
		return false;
	if (json_array_size(rows) == 0)
		s->done = true;
	sheet_csv_rows(s->table.columns, rows, &s->pending);
	json_decref(rows);
	if (s->pending.failed)
		s->res = OUT_TOO_LARGE;
	return !s->pending.failed;
}

static ssize_t csv_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct csv_stream *s = cls;
	(void)pos;	/* libmicrohttpd reads in order */
	while (s->off == s->pending.len) {
		if (s->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		buf_reset(&s->pending);
		s->off = 0;
		if (!csv_fill(s)) {
			/* The answer has begun: all that is left is to end it unfinished. */
			log_error("export: a page could not be read (%s); the CSV ends unfinished",
				  s->res == OUT_TOO_LARGE ? "over request_memory" : "storage");
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
	}
	size_t n = s->pending.len - s->off;
	if (n > max)
		n = max;
	memcpy(out, s->pending.data + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void send_csv(struct request *rq, const struct export_mark *m, const char *base,
		     struct export_table *t)
{
	struct csv_stream *s = calloc(1, sizeof(*s));
	if (!s) {
		table_release(t);
		rq_problem(rq, OUT_TOO_LARGE, "export_too_large");
		return;
	}
	reader_init(&s->reader, rq);
	s->table = *t;
	memset(t, 0, sizeof(*t));
	buf_init(&s->pending);
	s->pending.limit = s->reader.memory;
	/* The head and the first page are made now, so a failure is still a proper answer. */
	sheet_csv_head(s->table.columns, &s->pending);
	if (!csv_fill(s)) {
		enum outcome res = s->res;
		csv_stream_free(s);
		rq_problem(rq, res, res == OUT_TOO_LARGE ? "export_too_large" : NULL);
		return;
	}
	rq->body_reader = csv_read;
	rq->body_reader_cls = s;
	rq->body_reader_free = csv_stream_free;
	rq->status = 200;
	rq->content_type = "text/csv; charset=utf-8";
	attachment(rq, m, base, "csv", "attachment");
}

/* ---------------------------------------------------------------- XLSX, via a file */

/* Writes the workbook to `path`; OUT_OK, OUT_TOO_LARGE or OUT_INTERNAL. */
static enum outcome write_book(struct request *rq, const struct export_mark *m, const char *path,
			       const char *tmpdir, struct export_table *tables, int ntables)
{
	struct reader r;
	reader_init(&r, rq);
	const char *title = tables[0].name;
	struct sheet_mark sm = {m->by, m->line, title};
	struct sheet_book *b = sheet_book_open(path, tmpdir, &sm);
	if (!b)
		return OUT_INTERNAL;
	enum outcome res = OUT_OK;
	for (int i = 0; i < ntables && res == OUT_OK; i++) {
		if (sheet_book_begin(b, tables[i].name, tables[i].columns)) {
			res = OUT_INTERNAL;
			break;
		}
		for (;;) {
			json_t *rows;
			res = next_page(&r, &tables[i], &rows);
			if (res != OUT_OK)
				break;
			size_t n = json_array_size(rows);
			if (n && sheet_book_rows(b, rows))
				res = OUT_INTERNAL;
			json_decref(rows);
			if (!n || res != OUT_OK)
				break;
		}
	}
	if (sheet_book_close(b) && res == OUT_OK)
		res = OUT_INTERNAL;
	return res;
}

static void send_xlsx(struct request *rq, const struct export_mark *m, const char *base,
		      struct export_table *tables, int ntables)
{
	char path[1100], tmpdir[1000];
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", rq->server->blobs.root);
	/* The pid in the name tells start-up sweeps whose file it is (blobstore_init). */
	snprintf(path, sizeof(path), "%s/export-%ld-XXXXXX", tmpdir, (long)getpid());
	int fd = mkstemp(path);
	if (fd < 0) {
		rq_problem(rq, OUT_INTERNAL, NULL);
		return;
	}
	close(fd);
	enum outcome res = write_book(rq, m, path, tmpdir, tables, ntables);
	fd = res == OUT_OK ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	/* Once open the name can go: the bytes live until the answer is sent, and a crash
	 * from here on leaves nothing behind. */
	unlink(path);
	struct stat st;
	if (res == OUT_OK && (fd < 0 || fstat(fd, &st))) {
		res = OUT_INTERNAL;
	}
	if (res != OUT_OK) {
		if (fd >= 0)
			close(fd);
		rq_problem(rq, res, res == OUT_TOO_LARGE ? "export_too_large" : NULL);
		return;
	}
	rq->file_fd = fd;
	rq->file_offset = 0;
	rq->file_length = (uint64_t)st.st_size;
	rq->status = 200;
	rq->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	attachment(rq, m, base, "xlsx", "attachment");
}

void export_send(struct request *rq, const char *format, const char *base,
		 struct export_table *tables, int ntables, int csv_index)
{
	struct export_mark m;
	export_mark_of(rq, &m);
	buf_reset(&rq->out);
	for (int i = 0; i < ntables; i++)	/* held rows; a source's in next_page */
		user_names_show(&rq->cx, tables[i].rows, NULL);
	if (strcmp(format, "csv") == 0) {
		for (int i = 0; i < ntables; i++)
			if (i != csv_index)
				table_release(&tables[i]);
		send_csv(rq, &m, base, &tables[csv_index]);
		return;
	}
	send_xlsx(rq, &m, base, tables, ntables);
	for (int i = 0; i < ntables; i++)
		table_release(&tables[i]);
}

json_t *export_columns(struct request *rq, const char *prefix, const char *const *keys)
{
	json_t *cols = json_array();
	for (int i = 0; keys[i]; i++)
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", keys[i], "label",
			msg_get(rq->lang, arena_printf(&rq->arena, "%s%s", prefix, keys[i]))));
	return cols;
}

json_t *export_page_rows(struct ctx *cx, json_t *page, int64_t *after)
{
	if (!page)
		return json_array();
	json_t *next = json_object_get(page, "next");
	*after = json_is_string(next) ? strtoll(json_string_value(next), NULL, 10) : -1;
	json_t *rows = json_incref(json_object_get(page, "items"));
	json_decref(page);
	privacy_present(cx->actor->role, rows);
	return rows;
}
