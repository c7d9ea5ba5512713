/* sheet: tables as CSV, XLSX and text, a batch of rows at a time. */
#include "core/sheet.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xlsxwriter.h>

#include "core/utf8.h"

/* ---------------------------------------------------------------- cells */

bool sheet_looks_like_formula(const char *s)
{
	return s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r');
}

/* A cell's text: integers as they are, reals to two places, null empty. Text is borrowed
 * (no copy, no length cap); figures are printed into `tmp`. */
static const char *cell_text(json_t *v, char tmp[64], bool *text)
{
	*text = false;
	if (json_is_integer(v)) {
		snprintf(tmp, 64, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	if (json_is_real(v)) {
		snprintf(tmp, 64, "%.2f", json_real_value(v));
		return tmp;
	}
	if (json_is_string(v)) {
		*text = true;
		return json_string_value(v);
	}
	return "";
}

static json_t *cell_of(json_t *row, json_t *column)
{
	return json_object_get(row, json_string_value(json_object_get(column, "key")));
}

/* ---------------------------------------------------------------- CSV */

/* One field, quoted when it must be; text that would be a formula gets its apostrophe. */
static void csv_field(struct buf *out, const char *s, bool text)
{
	bool formula = text && sheet_looks_like_formula(s);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		buf_puts(out, s);
		return;
	}
	buf_putc(out, '"');
	if (formula)
		buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

void sheet_csv_head(json_t *columns, struct buf *out)
{
	json_t *c;
	size_t i;
	buf_puts(out, "\xEF\xBB\xBF");
	json_array_foreach(columns, i, c) {
		if (i)
			buf_putc(out, ',');
		csv_field(out, json_string_value(json_object_get(c, "label")), true);
	}
	buf_puts(out, "\r\n");
}

void sheet_csv_rows(json_t *columns, json_t *rows, struct buf *out)
{
	json_t *c, *row;
	size_t i, j;
	json_array_foreach(rows, j, row) {
		json_array_foreach(columns, i, c) {
			char tmp[64];
			bool text;
			const char *s = cell_text(cell_of(row, c), tmp, &text);
			if (i)
				buf_putc(out, ',');
			csv_field(out, s, text);
		}
		buf_puts(out, "\r\n");
	}
}

void sheet_csv(json_t *table, struct buf *out)
{
	json_t *cols = json_object_get(table, "columns");
	sheet_csv_head(cols, out);
	sheet_csv_rows(cols, json_object_get(table, "rows"), out);
}

/* ---------------------------------------------------------------- sheet names */

/* Bytes of the longest prefix of s within `max` Excel characters (UTF-16 units). */
static size_t cut_at(const char *s, size_t max)
{
	size_t at = 0, units = 0, n = strlen(s);
	while (at < n) {
		uint32_t cp;
		size_t len = utf8_decode((const unsigned char *)s + at, n - at, &cp);
		if (!len)
			len = 1;	/* not UTF-8: callers replaced such bytes already */
		size_t u = cp > 0xFFFF ? 2 : 1;
		if (units + u > max)
			break;
		units += u;
		at += len;
	}
	return at;
}

static bool name_used(const char *name, const char *const *used, int n)
{
	for (int i = 0; i < n; i++)
		if (strcasecmp(name, used[i]) == 0)
			return true;
	return false;
}

void sheet_name(const char *in, const char *const *used, int n, char *out)
{
	char clean[SHEET_NAME_MAX * 4 + 1];
	size_t len = 0, inlen = in ? strlen(in) : 0;
	/* Copy whole characters only, forbidden ones and broken bytes made '_', up to the
	 * limit. */
	for (size_t at = 0; at < inlen && len + 4 < sizeof(clean);) {
		uint32_t cp;
		size_t k = utf8_decode((const unsigned char *)in + at, inlen - at, &cp);
		if (!k || cp < 0x20 || (cp < 0x80 && strchr("[]:*?/\\", (int)cp))) {
			clean[len++] = '_';
			at += k ? k : 1;
			continue;
		}
		memcpy(clean + len, in + at, k);
		len += k;
		at += k;
	}
	clean[len] = '\0';
	len = cut_at(clean, SHEET_NAME_MAX);
	clean[len] = '\0';
	if (len && clean[0] == '\'')
		clean[0] = '_';
	if (len && clean[len - 1] == '\'')
		clean[len - 1] = '_';
	if (!len)
		snprintf(clean, sizeof(clean), "Sheet");
	snprintf(out, SHEET_NAME_MAX * 4 + 1, "%s", clean);
	for (int k = 2; name_used(out, used, n); k++) {
		char suffix[16];
		int m = snprintf(suffix, sizeof(suffix), " (%d)", k);
		size_t keep = cut_at(clean, SHEET_NAME_MAX - (size_t)m);
		snprintf(out, SHEET_NAME_MAX * 4 + 1, "%.*s%s", (int)keep, clean, suffix);
	}
}

/* ---------------------------------------------------------------- XLSX */

#define BOOK_MAX_SHEETS 64
#define SHEET_HEAD_ROWS 2	/* the mark's line, then the column labels */

struct sheet_book {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head, *real;
	lxw_doc_properties props;
	char *mark_line;
	char *names[BOOK_MAX_SHEETS];
	int nsheets;
	char *base_name;	/* of the current sheet, for its continuations */
	json_t *columns;	/* of the current sheet (a reference) */
	lxw_row_t row;		/* the next row to write */
	bool failed;
};

struct sheet_book *sheet_book_open(const char *path, const char *tmpdir, const struct sheet_mark *mark)
{
	struct sheet_book *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir};
	b->wb = workbook_new_opt(path, &opt);
	if (!b->wb) {
		free(b);
		return NULL;
	}
	b->head = workbook_add_format(b->wb);
	format_set_bold(b->head);
	format_set_text_wrap(b->head);
	b->real = workbook_add_format(b->wb);
	format_set_num_format(b->real, "0.00");
	if (mark) {
		/* libxlsxwriter copies the properties when set */
		b->props.author = (char *)mark->author;
		b->props.title = (char *)mark->title;
		b->props.comments = (char *)mark->line;
		workbook_set_properties(b->wb, &b->props);
		b->mark_line = mark->line ? strdup(mark->line) : NULL;
	}
	return b;
}

/* The current sheet's head row and rows get a filter button on each column (Excel's
 * autofilter): a worker sorts and picks a list by community or detail without setting it
 * up. The range is known once the rows are written; libxlsxwriter writes it at the end. */
static void end_sheet(struct sheet_book *b)
{
	size_t n = json_array_size(b->columns);
	if (b->ws && n)
		worksheet_autofilter(b->ws, SHEET_HEAD_ROWS - 1, 0, b->row > SHEET_HEAD_ROWS ? b->row - 1
				     : SHEET_HEAD_ROWS - 1, (lxw_col_t)(n - 1));
}

/* Opens a sheet named after `name` and writes its two head rows. */
static int open_sheet(struct sheet_book *b, const char *name)
{
	char valid[SHEET_NAME_MAX * 4 + 1];
	json_t *c;
	size_t i;
	if (b->nsheets == BOOK_MAX_SHEETS)
		return -1;
	sheet_name(name, (const char *const *)b->names, b->nsheets, valid);
	if (!(b->names[b->nsheets] = strdup(valid)))
		return -1;
	b->nsheets++;
	b->ws = workbook_add_worksheet(b->wb, valid);
	if (!b->ws)
		return -1;
	size_t n = json_array_size(b->columns);
	worksheet_set_column(b->ws, 0, (lxw_col_t)(n ? n - 1 : 0), 14, NULL);
	if (b->mark_line && worksheet_write_string(b->ws, 0, 0, b->mark_line, NULL))
		return -1;
	json_array_foreach(b->columns, i, c) {
		const char *label = json_string_value(json_object_get(c, "label"));
		if (worksheet_write_string(b->ws, 1, (lxw_col_t)i, label ? label : "", b->head))
			return -1;
	}
	b->row = SHEET_HEAD_ROWS;
	return 0;
}

int sheet_book_begin(struct sheet_book *b, const char *name, json_t *columns)
{
	if (b->failed)
		return -1;
	end_sheet(b);	/* the sheet before, under its own columns */
	free(b->base_name);
	b->base_name = strdup(name ? name : "");
	b->columns = columns;
	if (!b->base_name || open_sheet(b, b->base_name))
		b->failed = true;
	return b->failed ? -1 : 0;
}

/* A text cell; a formula-like one is written with its apostrophe. */
static lxw_error write_text(struct sheet_book *b, lxw_col_t col, const char *s)
{
	if (!sheet_looks_like_formula(s))
		return worksheet_write_string(b->ws, b->row, col, s, NULL);
	size_t n = strlen(s);
	char *t = malloc(n + 2);
	if (!t)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	t[0] = '\'';
	memcpy(t + 1, s, n + 1);
	lxw_error e = worksheet_write_string(b->ws, b->row, col, t, NULL);
	free(t);
	return e;
}

int sheet_book_rows(struct sheet_book *b, json_t *rows)
{
	json_t *row, *c;
	size_t i, j;
	if (b->failed || !b->ws)
		return -1;
	json_array_foreach(rows, j, row) {
		/* A sheet holds 1,048,576 rows; a longer list goes on in a sheet of its own. */
		if (b->row >= LXW_ROW_MAX && (end_sheet(b), open_sheet(b, b->base_name))) {
			b->failed = true;
			return -1;
		}
		json_array_foreach(b->columns, i, c) {
			json_t *v = cell_of(row, c);
			lxw_error e = LXW_NO_ERROR;
			if (json_is_integer(v))
				e = worksheet_write_number(b->ws, b->row, (lxw_col_t)i,
							   (double)json_integer_value(v), NULL);
			else if (json_is_real(v))
				e = worksheet_write_number(b->ws, b->row, (lxw_col_t)i, json_real_value(v), b->real);
			else if (json_is_string(v))
				e = write_text(b, (lxw_col_t)i, json_string_value(v));
			if (e != LXW_NO_ERROR) {
				b->failed = true;
				return -1;
			}
		}
		b->row++;
	}
	return 0;
}

int sheet_book_close(struct sheet_book *b)
{
	/* A workbook with no sheet is not a valid file: give it an empty one. */
	if (!b->failed && b->nsheets == 0)
		sheet_book_begin(b, "Sheet", NULL);
	if (!b->failed)
		end_sheet(b);
	bool ok = workbook_close(b->wb) == LXW_NO_ERROR && !b->failed;
	for (int i = 0; i < b->nsheets; i++)
		free(b->names[i]);
	free(b->base_name);
	free(b->mark_line);
	free(b);
	return ok ? 0 : -1;
}

int sheet_xlsx(json_t *tables, const char *path, const struct sheet_mark *mark)
{
	struct sheet_book *b = sheet_book_open(path, NULL, mark);
	json_t *t;
	size_t i;
	if (!b)
		return -1;
	json_array_foreach(tables, i, t)
		if (sheet_book_begin(b, json_string_value(json_object_get(t, "name")),
				     json_object_get(t, "columns")) ||
		    sheet_book_rows(b, json_object_get(t, "rows")))
			break;
	return sheet_book_close(b);
}

/* ---------------------------------------------------------------- text */

/* A cell's text into a fixed buffer, for the terminal. */
static void cell_print(json_t *v, char *out, size_t n)
{
	char tmp[64];
	bool text;
	snprintf(out, n, "%s", cell_text(v, tmp, &text));
}


void sheet_text(json_t *table, FILE *out)
{
	json_t *cols = json_object_get(table, "columns"), *rows = json_object_get(table, "rows");
	json_t *c, *row;
	size_t i, j, n = json_array_size(cols), width[64] = {0};
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++)
		width[i] = utf8_display_width(json_string_value(json_object_get(json_array_get(cols, i), "label")));
	json_array_foreach(rows, j, row)
		for (i = 0; i < n; i++) {
			char cell[512];
			c = json_array_get(cols, i);
			cell_print(json_object_get(row, json_string_value(json_object_get(c, "key"))), cell, sizeof(cell));
			size_t w = utf8_display_width(cell);
			if (w > width[i])
				width[i] = w;
		}
	const char *title = json_string_value(json_object_get(table, "title"));
	if (title)
		fprintf(out, "%s\n", title);
	for (int line = -1; line < (int)json_array_size(rows); line++) {
		for (i = 0; i < n; i++) {
			char cell[512];
			c = json_array_get(cols, i);
			if (line < 0)
				snprintf(cell, sizeof(cell), "%s", json_string_value(json_object_get(c, "label")));
			else
				cell_print(json_object_get(json_array_get(rows, (size_t)line),
					  json_string_value(json_object_get(c, "key"))), cell, sizeof(cell));
			size_t w = utf8_display_width(cell);
			/* text to the left, figures to the right */
			bool number = line >= 0 && cell[0] && strspn(cell, "0123456789.-") == strlen(cell);
			if (number)
				for (size_t k = w; k < width[i]; k++)
					fputc(' ', out);
			fputs(cell, out);
			if (!number)
				for (size_t k = w; k < width[i]; k++)
					fputc(' ', out);
			fputs(i + 1 < n ? "  " : "\n", out);
		}
	}
}
