/* anju report county|employment|followup: the figures from the command line. */
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/utf8.h"
#include "core/sheet.h"
#include "domain/audit.h"
#include "domain/report_employment.h"
#include "domain/export_mark.h"
#include "domain/report.h"
#include "domain/worklist.h"

static const char help[] =
	"usage: anju report county [--format json|table] [--scope CODE]\n"
	"       anju report employment [--format table|csv|xlsx|json] [--output FILE]\n"
	"                              [--table county|town|community] [--scope CODE]\n"
	"       anju report employment --list FIGURE [--area CODE] [--format table|csv|xlsx] [--output FILE]\n"
	"       anju report followup [--format table|csv|xlsx|json] [--output FILE]\n"
	"       anju report followup --list RULE [--format table|csv|xlsx] [--output FILE]\n"
	"Prints figures computed from the records (all of them, or those within the division\n"
	"CODE): the county's registry and archive, the employment and \"threes\" report\n"
	"(tables by town and by community; XLSX has one sheet per table), or the follow-up\n"
	"worklists. --list prints the records behind a figure (households, persons, labor_force,\n"
	"employed, employed_workshop, zero_employment_households, ...) or on a worklist (rule\n"
	"keys: zero_employment, idle_labor, child_not_enrolled, no_medical_insurance,\n"
	"no_pension_insurance, archive_incomplete, step_overdue, visit_overdue). CSV and tables\n"
	"go to standard output unless --output is given; XLSX needs --output.\n";

/* Prints text padded to `width` terminal columns (left-aligned), CJK counted double. */
static void print_cell(const char *text, size_t width)
{
	size_t w = utf8_display_width(text);
	fputs(text, stdout);
	for (; w < width; w++)
		putchar(' ');
}

static void print_table(struct cli *c, json_t *r)
{
	static const char *const keys[] = {"households", "persons", "registered_poor_households",
		"registered_poor_persons", "synchronous_households", "synchronous_persons",
		"convenience_supermarkets", NULL};
	for (int i = 0; keys[i]; i++) {
		char key[64];
		snprintf(key, sizeof(key), "report_%s", keys[i]);
		print_cell(msg_get(c->lang, key), 36);
		printf("%10lld\n", (long long)json_integer_value(json_object_get(r, keys[i])));
	}
	static const char *const heads[] = {"report_households_short", "report_persons_short",
					    "report_poor_hh_short", "report_poor_p_short"};
	putchar('\n');
	print_cell(msg_get(c->lang, "report_code"), 12);
	print_cell(msg_get(c->lang, "report_town"), 14);
	for (int k = 0; k < 4; k++) {
		const char *h = msg_get(c->lang, heads[k]);
		for (size_t w = utf8_display_width(h); w < 11; w++)
			putchar(' ');
		fputs(h, stdout);
	}
	putchar('\n');
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(r, "by_origin_town"), i, row) {
		print_cell(json_string_value(json_object_get(row, "code")), 12);
		print_cell(json_string_value(json_object_get(row, "name")), 14);
		printf("%11lld%11lld%11lld%11lld\n",
		       (long long)json_integer_value(json_object_get(row, "households")),
		       (long long)json_integer_value(json_object_get(row, "persons")),
		       (long long)json_integer_value(json_object_get(row, "registered_poor_households")),
		       (long long)json_integer_value(json_object_get(row, "registered_poor_persons")));
	}
}

struct report_args {
	const char *which, *format, *scope, *output, *list, *area, *table;
};

/* Who made a workbook from the command line: the account that ran the command. */
static void cli_mark(struct cli *c, struct export_mark *m)
{
	struct actor a = c->system;
	struct passwd *pw = getpwuid(getuid());
	snprintf(a.username, sizeof(a.username), "%.50s (cli)", pw ? pw->pw_name : "unknown");
	export_mark_make(&a, c->lang, m);
}

/* Writes tables as the format asks: text or CSV to the output (or stdout), XLSX to a file. */
static int emit_tables(struct cli *c, json_t *tables, size_t index, const struct report_args *a)
{
	if (strcmp(a->format, "xlsx") == 0) {
		struct export_mark m;
		cli_mark(c, &m);
		struct sheet_mark sm = {m.by, m.line, json_string_value(json_object_get(
			json_array_get(tables, 0), "title"))};
		if (sheet_xlsx(tables, a->output, &sm) != 0) {
			fprintf(stderr, "anju report: cannot write %s\n", a->output);
			return 1;
		}
		return 0;
	}
	FILE *out = a->output ? fopen(a->output, "w") : stdout;
	if (!out) {
		fprintf(stderr, "anju report: cannot write %s\n", a->output);
		return 1;
	}
	size_t from = index == (size_t)-1 ? 0 : index, to = index == (size_t)-1 ? json_array_size(tables) : index + 1;
	for (size_t i = from; i < to; i++) {
		if (strcmp(a->format, "csv") == 0) {
			struct buf b = BUF_INIT;
			sheet_csv(json_array_get(tables, i), &b);
			fwrite(b.data, 1, b.len, out);
			buf_release(&b);
		} else {
			sheet_text(json_array_get(tables, i), out);
			if (i + 1 < to)
				fputc('\n', out);
		}
	}
	if (out != stdout && fclose(out) != 0)
		return 1;
	return 0;
}

/* One table of the records behind a figure or on a worklist. */
static json_t *list_table(struct cli *c, const char *title, json_t *items, const char *const *keys)
{
	json_t *cols = json_array();
	for (int i = 0; keys[i]; i++) {
		char key[64];
		snprintf(key, sizeof(key), "worklist_col_%s", keys[i]);
		json_array_append_new(cols, json_pack("{s:s, s:s}", "key", keys[i], "label",
			msg_has(key) ? msg_get(c->lang, key) : keys[i]));
	}
	return json_pack("[{s:s, s:s, s:o, s:O}]", "name", "list", "title", title, "columns", cols,
			 "rows", items);
}

/* Prints the records of `r` ("items") under `title`, then releases r. */
static int emit_list(struct cli *c, const char *title, json_t *r, const char *const *keys,
		     const struct report_args *a)
{
	json_t *t = list_table(c, title, json_object_get(r, "items"), keys);
	audit_read(&c->cx, a->format && strcmp(a->format, "table") ? "export" : "list", "report", 0,
		   (int64_t)json_array_size(json_object_get(r, "items")), a->list);
	int rc = emit_tables(c, t, (size_t)-1, a);
	json_decref(t);
	json_decref(r);
	return rc;
}

typedef enum outcome (*page_fn)(void *state, struct ctx *cx, int max, json_t **rows);

static enum outcome worklist_page(void *state, struct ctx *cx, int max, json_t **rows)
{
	return worklist_read(cx, state, max, rows);
}

/* The records behind a figure, a page at a time (report_employment_records_next). */
static enum outcome records_page(void *state, struct ctx *cx, int max, json_t **rows)
{
	return report_employment_records_next(state, cx, max, rows);
}

/* A list as CSV or XLSX, a page at a time from `page` (any length, bounded memory). */
static int stream_list(struct cli *c, const char *title, const char *const *keys,
		       const struct report_args *a, page_fn page, void *state)
{
	json_t *none = json_array(), *t = list_table(c, title, none, keys);
	json_t *cols = json_incref(json_object_get(json_array_get(t, 0), "columns"));
	json_decref(t);
	json_decref(none);
	bool xlsx = strcmp(a->format, "xlsx") == 0, ok = true;
	struct sheet_book *book = NULL;
	FILE *out = NULL;
	if (xlsx) {
		struct export_mark m;
		cli_mark(c, &m);
		struct sheet_mark sm = {m.by, m.line, title};
		ok = (book = sheet_book_open(a->output, NULL, &sm)) && !sheet_book_begin(book, title, cols);
	} else {
		ok = (out = a->output ? fopen(a->output, "w") : stdout) != NULL;
	}
	struct buf b = BUF_INIT;
	if (out)
		sheet_csv_head(cols, &b);
	for (;;) {
		json_t *rows = NULL;
		struct arena page_arena;
		struct ctx cx = c->cx;
		arena_init(&page_arena, 0);
		cx.arena = &page_arena;
		ok = ok && page(state, &cx, 500, &rows) == OUT_OK;
		arena_release(&page_arena);
		size_t n = json_array_size(rows);
		if (ok && book)
			ok = !sheet_book_rows(book, rows);
		if (ok && out) {
			sheet_csv_rows(cols, rows, &b);
			ok = !b.failed && fwrite(b.data, 1, b.len, out) == b.len;
			buf_reset(&b);
		}
		json_decref(rows);
		if (!ok || !n)
			break;
	}
	buf_release(&b);
	if (book && sheet_book_close(book))
		ok = false;
	if (out && out != stdout && fclose(out))
		ok = false;
	json_decref(cols);
	if (!ok)
		fprintf(stderr, "anju report: cannot write %s\n", a->output ? a->output : "the list");
	return ok ? 0 : 1;
}

static int report_employment_cli(struct cli *c, const struct report_args *a)
{
	json_t *r = NULL;
	if (a->list) {
		static const char *const keys[] = {"number", "name", "household_id", "id", NULL};
		struct report_records_cursor st = {a->list, a->area ? a->area : "", 0, false};
		enum outcome res = report_employment_records(&c->cx, st.figure, st.area, 0, 1, &r);
		json_decref(r);
		if (res != OUT_OK) {
			fprintf(stderr, "anju report: unknown figure or area (%s)\n", a->list);
			return 2;
		}
		if (strcmp(a->format, "csv") == 0 || strcmp(a->format, "xlsx") == 0)
			return stream_list(c, a->list, keys, a, records_page, &st);
		res = report_employment_records(&c->cx, st.figure, st.area, 0, INT32_MAX, &r);
		if (res != OUT_OK) {
			fprintf(stderr, "anju report: %s\n", store_errmsg(c->db));
			return 1;
		}
		return emit_list(c, a->list, r, keys, a);
	}
	if (report_employment(&c->cx, &r) != OUT_OK) {
		fprintf(stderr, "anju report: %s\n", store_errmsg(c->db));
		return 1;
	}
	int rc = 0;
	if (strcmp(a->format, "json") == 0) {
		json_dumpf(r, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else {
		json_t *t = report_employment_tables(r, c->lang);
		size_t index = !a->table ? (size_t)-1 : strcmp(a->table, "county") == 0 ? 0
			: strcmp(a->table, "town") == 0 ? 1 : 2;
		/* CSV is one table: the towns unless another is asked for */
		if (strcmp(a->format, "csv") == 0 && index == (size_t)-1)
			index = 1;
		rc = emit_tables(c, t, index, a);
		json_decref(t);
	}
	json_decref(r);
	return rc;
}

static int report_followup_cli(struct cli *c, const struct report_args *a)
{
	json_t *r = NULL;
	if (a->list && strcmp(a->format, "table") != 0 && strcmp(a->format, "json") != 0) {
		static const char *const keys[] = {"number", "head_name", "person_name", "detail",
			"responsible_person", "origin_town", "dest_community", NULL};
		char key[64];
		struct worklist_cursor *cur = NULL;
		enum outcome res = worklist_open(&c->cx, a->list, &cur);
		if (res != OUT_OK) {
			fprintf(stderr, "anju report: %s: %s\n", a->list,
				res == OUT_NOT_FOUND ? "no such rule" : store_errmsg(c->db));
			return res == OUT_NOT_FOUND ? 2 : 1;
		}
		snprintf(key, sizeof(key), "rule_%s", a->list);
		int rc = stream_list(c, msg_get(c->lang, key), keys, a, worklist_page, cur);
		worklist_close(cur);
		return rc;
	}
	if (a->list) {
		static const char *const keys[] = {"number", "head_name", "person_name", "detail",
			"responsible_person", "origin_town", "dest_community", NULL};
		enum outcome res = worklist_entries(&c->cx, a->list, NULL, 0, &r);
		if (res != OUT_OK) {
			fprintf(stderr, "anju report: no such rule: %s\n", a->list);
			return 2;
		}
		char key[64];
		snprintf(key, sizeof(key), "rule_%s", a->list);
		return emit_list(c, msg_get(c->lang, key), r, keys, a);
	}
	if (worklist_counts(&c->cx, &r) != OUT_OK) {
		fprintf(stderr, "anju report: %s\n", store_errmsg(c->db));
		return 1;
	}
	int rc = 0;
	if (strcmp(a->format, "json") == 0) {
		json_dumpf(r, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else {
		json_t *items = json_object_get(r, "items"), *it;
		size_t i;
		json_array_foreach(items, i, it) {
			char key[64];
			snprintf(key, sizeof(key), "rule_%s", json_string_value(json_object_get(it, "rule")));
			json_object_set_new(it, "name", json_string(msg_get(c->lang, key)));
		}
		json_t *cols = json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}]", "key", "rule", "label",
			msg_get(c->lang, "worklist_col_rule"), "key", "name", "label",
			msg_get(c->lang, "report_col_name"), "key", "count", "label",
			msg_get(c->lang, "worklist_col_count"));
		json_t *t = json_pack("[{s:s, s:s, s:o, s:O}]", "name", msg_get(c->lang, "nav_worklists"),
				      "title", msg_get(c->lang, "nav_worklists"), "columns", cols, "rows", items);
		rc = emit_tables(c, t, (size_t)-1, a);
		json_decref(t);
	}
	json_decref(r);
	return rc;
}

static bool one_of(const char *v, const char *const *values)
{
	for (int i = 0; values[i]; i++)
		if (strcmp(v, values[i]) == 0)
			return true;
	return false;
}

int cmd_report(struct cli *c, int argc, char **argv)
{
	static const char *const reports[] = {"county", "employment", "followup", NULL};
	static const char *const county_formats[] = {"json", "table", NULL};
	static const char *const formats[] = {"json", "table", "csv", "xlsx", NULL};
	static const char *const tables[] = {"county", "town", "community", NULL};
	struct report_args a = {.format = "table", .scope = ""};
	if (cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return 0;
	}
	if (argc < 2 || !one_of(argv[1], reports)) {
		fprintf(stderr, "anju report: which report? (county, employment, followup)\n%s", help);
		return 2;
	}
	a.which = argv[1];
	bool county = strcmp(a.which, "county") == 0;
	for (int i = 2; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool digits = v && strlen(v) < 13 && strspn(v, "0123456789") == strlen(v);
		if (strcmp(argv[i], "--format") == 0 && v && one_of(v, county ? county_formats : formats))
			a.format = argv[++i];
		else if (strcmp(argv[i], "--scope") == 0 && digits)
			a.scope = argv[++i];
		else if (!county && strcmp(argv[i], "--output") == 0 && v)
			a.output = argv[++i];
		else if (!county && strcmp(argv[i], "--list") == 0 && v)
			a.list = argv[++i];
		else if (!county && strcmp(argv[i], "--area") == 0 && digits)
			a.area = argv[++i];
		else if (!county && strcmp(argv[i], "--table") == 0 && v && one_of(v, tables))
			a.table = argv[++i];
		else {
			fprintf(stderr, "anju report: bad option '%s'\n%s", argv[i], help);
			return 2;
		}
	}
	if (strcmp(a.format, "xlsx") == 0 && !a.output) {
		fprintf(stderr, "anju report: --format xlsx needs --output FILE\n");
		return 2;
	}
	if (cli_open(c))
		return 1;
	snprintf(c->system.scope, sizeof(c->system.scope), "%s", a.scope);
	int rc;
	if (county) {
		json_t *r = NULL;
		enum outcome out = report_county(&c->cx, &r);
		if (out == OUT_OK && strcmp(a.format, "json") == 0) {
			json_dumpf(r, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
			putchar('\n');
		} else if (out == OUT_OK) {
			print_table(c, r);
		} else {
			fprintf(stderr, "anju report: %s\n", store_errmsg(c->db));
		}
		json_decref(r);
		rc = out == OUT_OK ? 0 : 1;
	} else if (strcmp(a.which, "employment") == 0) {
		rc = report_employment_cli(c, &a);
	} else {
		rc = report_followup_cli(c, &a);
	}
	cli_close(c);
	return rc;
}
