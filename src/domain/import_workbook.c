/* import_workbook: the workbooks an import writes — templates and the errors workbook. */
#include "domain/import_workbook.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/rowread.h"
#include "domain/import_column.h"

/* A list of a coded column's words, for Excel's data validation. */
static void validation_list(lxw_worksheet *ws, int col, const char *const *options,
			    const char *prefix, bool underscore)
{
	const char *list[32];
	int n = 0;
	for (int i = 0; options[i] && n < 31; i++) {
		char key[96];
		snprintf(key, sizeof(key), "%s%s%s", prefix, underscore ? "_" : "", options[i]);
		list[n++] = msg_get(LANG_ZH, key);
	}
	list[n] = NULL;
	lxw_data_validation dv = {
		.validate = LXW_VALIDATION_TYPE_LIST,
		.value_list = (char **)list,
		.ignore_blank = LXW_VALIDATION_ON,
	};
	worksheet_data_validation_range(ws, 1, (lxw_col_t)col, 10000, (lxw_col_t)col, &dv);
}

/* A follow-up ledger's template: 身份证号, 姓名, then the ledger's fields by their labels. */
static int ledger_template(const struct ledger *l, const char *path)
{
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return -1;
	char name[32];
	snprintf(name, sizeof(name), "%s", l->name);
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	lxw_format *text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	worksheet_write_string(ws, 0, 0, import_column_defs[F_ID].words[0], head);
	worksheet_set_column(ws, 0, 0, 22, text);
	worksheet_write_string(ws, 0, 1, import_column_defs[F_NAME].words[0], head);
	int c = 2;
	for (int i = 0; l->fields[i].name; i++) {
		const struct ledger_field *f = &l->fields[i];
		if (f->body_only || !f->label_key)
			continue;
		worksheet_write_string(ws, 0, (lxw_col_t)c, msg_get(LANG_ZH, f->label_key), head);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, 16, NULL);
		if (f->kind == 's')
			validation_list(ws, c, f->options, f->option_prefix ? f->option_prefix
					: f->name, true);
		c++;
	}
	worksheet_freeze_panes(ws, 1, 0);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

int import_workbook_template(const char *kind, const char *path)
{
	if (!import_column_ledger(kind) && strcmp(kind, "households") != 0)
		return -1;
	if (import_column_ledger(kind))
		return ledger_template(import_column_ledger(kind), path);
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return -1;
	lxw_worksheet *ws = workbook_add_worksheet(wb, "搬迁户");
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	lxw_format *text = workbook_add_format(wb);
	format_set_num_format(text, "@");	/* ID numbers stay text: Excel would round them */
	for (int f = 0; f < NF; f++) {
		const struct import_column *c = &import_column_defs[f];
		worksheet_write_string(ws, 0, (lxw_col_t)f, c->words[0], head);
		worksheet_set_column(ws, (lxw_col_t)f, (lxw_col_t)f, c->type == 'i' ? 22 : 14,
				     c->type == 'i' || c->type == 't' ? text : NULL);
		if (c->example && *c->example)
			worksheet_write_string(ws, 1, (lxw_col_t)f, c->example,
					       c->type == 'i' ? text : NULL);
		if (c->type == 'o')	/* the catalogue's Chinese words, as a list to pick from */
			validation_list(ws, f, c->options, c->prefix, false);
	}
	worksheet_freeze_panes(ws, 1, 0);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

/* Interns a word among at most IMPORT_MARKS_WORDS. */
static uint16_t intern(char **words, int *n, const char *w)
{
	if (!w || !*w)
		return IMPORT_MARK_NONE;
	for (int i = 0; i < *n; i++)
		if (strcmp(words[i], w) == 0)
			return (uint16_t)i;
	if (*n >= IMPORT_MARKS_WORDS || !(words[*n] = strdup(w)))
		return IMPORT_MARK_NONE;
	return (uint16_t)(*n)++;
}

void import_workbook_mark(struct import_marks *m, int sheet, long row, const char *label,
		      const char *code)
{
	if (row <= 0 || sheet < 0)
		return;	/* a sheet's or the file's error: kept in detail or counted */
	for (size_t k = m->n; k > 0 && k + 8 > m->n; k--)	/* the row's first error only */
		if (m->v[k - 1].sheet == sheet && m->v[k - 1].row == row)
			return;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 4096;
		if (cap > IMPORT_MARKS_MAX)
			cap = IMPORT_MARKS_MAX;
		struct import_mark *v = m->n < cap ? realloc(m->v, cap * sizeof(*v)) : NULL;
		if (!v) {
			m->overflow = true;
			return;
		}
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = (struct import_mark){.sheet = sheet, .row = (int32_t)row,
		.label = intern(m->labels, &m->nlabels, label),
		.code = intern(m->codes, &m->ncodes, code)};
}

void import_workbook_marks_free(struct import_marks *m)
{
	free(m->v);
	for (int i = 0; i < m->nlabels; i++)
		free(m->labels[i]);
	for (int i = 0; i < m->ncodes; i++)
		free(m->codes[i]);
	*m = (struct import_marks){0};
}

static int mark_cmp(const void *a, const void *b)
{
	const struct import_mark *x = a, *y = b;
	if (x->sheet != y->sheet)
		return x->sheet < y->sheet ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* A detailed error's place, for one forward walk beside the rows. */
struct spot {
	int sheet;
	long row;
	size_t i;	/* in the errors array: the order they were found in */
};

static int spot_cmp(const void *a, const void *b)
{
	const struct spot *x = a, *y = b;
	if (x->sheet != y->sheet)
		return x->sheet < y->sheet ? -1 : 1;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* The detailed errors of one row (the cursor *at walks forward), joined:
 * "身份证号: 身份证号被 Excel 转成了数字…; 姓名: 此项必填。" */
static const char *row_errors(json_t *errors, const struct spot *spots, size_t n, size_t *at,
			      int sheet, long row, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = 0;
	while (*at < n && (spots[*at].sheet < sheet || (spots[*at].sheet == sheet &&
							 spots[*at].row < row)))
		(*at)++;	/* rows the file no longer shows (blank) */
	for (; *at < n && spots[*at].sheet == sheet && spots[*at].row == row; (*at)++) {
		json_t *e = json_array_get(errors, spots[*at].i);
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *message = json_string_value(json_object_get(e, "message"));
		if (len + 1 >= cap)
			continue;
		int w = snprintf(out + len, cap - len, "%s%s%s%s", len ? "; " : "",
				 field ? field : "", field && *field ? ": " : "",
				 message ? message : "");
		len = w < 0 ? len : (size_t)w >= cap - len ? cap - 1 : len + (size_t)w;
	}
	return out;
}

/* A row in error beyond the detailed list, from the marks (the cursor *at walks forward). */
static const char *row_mark(const struct import_marks *m, size_t *at, int sheet, long row,
			    enum lang lang, char *out, size_t cap)
{
	out[0] = 0;
	while (m && *at < m->n && (m->v[*at].sheet < sheet || (m->v[*at].sheet == sheet &&
							       m->v[*at].row < row)))
		(*at)++;
	if (!m || *at >= m->n || m->v[*at].sheet != sheet || m->v[*at].row != row)
		return out;
	const struct import_mark *k = &m->v[*at];
	const char *label = k->label != IMPORT_MARK_NONE ? m->labels[k->label] : "";
	const char *code = k->code != IMPORT_MARK_NONE ? m->codes[k->code] : "import_row_error";
	snprintf(out, cap, "%s%s%s", label, *label ? ": " : "", msg_get(lang, code));
	return out;
}

/* A cell as the reader saw it: numbers and dates as numbers (dates formatted), booleans as
 * booleans, everything else as text (ID numbers are text and stay text). */
static void write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, enum rowread_kind kind,
		       const char *text, bool date1904, lxw_format *date)
{
	switch (kind) {
	case ROWREAD_EMPTY:
		break;
	case ROWREAD_NUMBER:
		worksheet_write_number(ws, r, c, strtod(text, NULL), NULL);
		break;
	case ROWREAD_DATE:	/* this workbook counts from 1900: 1904's day 0 is its 1462 */
		worksheet_write_number(ws, r, c, strtod(text, NULL) + (date1904 ? 1462 : 0), date);
		break;
	case ROWREAD_BOOL:
		worksheet_write_boolean(ws, r, c, strcmp(text, "TRUE") == 0, NULL);
		break;
	default:
		worksheet_write_string(ws, r, c, text, NULL);
	}
}

/* A sheet's header row, kept to start its continuation sheets with. */
struct header {
	int n;
	enum rowread_kind kind[ROWREAD_MAX_COLS];
	char *text[ROWREAD_MAX_COLS];
};

static void header_free(struct header *h)
{
	for (int c = 0; c < h->n; c++)
		free(h->text[c]);
	h->n = 0;
}

struct out {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *red, *date;
	lxw_row_t row;
	int width;
	bool date1904;
	enum lang lang;
};

/* A new sheet named after the input's (" (2)" and on for continuations), its header row
 * written with the errors column after it and `note` beside that. */
static void sheet_start(struct out *o, const char *name, int part, const struct header *h,
			const char *note)
{
	char base[32], full[48];
	snprintf(base, sizeof(base), "%s", *name ? name : "Sheet1");
	size_t cut = strlen(base) > (part > 1 ? 24 : 31) ? (part > 1 ? 24 : 31) : strlen(base);
	while (cut > 0 && ((unsigned char)base[cut] & 0xC0) == 0x80)
		cut--;	/* whole characters only */
	base[cut] = 0;
	if (part > 1)
		snprintf(full, sizeof(full), "%s (%d)", base, part);
	else
		snprintf(full, sizeof(full), "%s", base);
	o->ws = workbook_add_worksheet(o->wb, full);
	if (!o->ws)
		o->ws = workbook_add_worksheet(o->wb, NULL);
	o->width = h->n;
	for (int c = 0; c < h->n; c++)
		write_cell(o->ws, 0, (lxw_col_t)c, h->kind[c], h->text[c], o->date1904, o->date);
	worksheet_write_string(o->ws, 0, (lxw_col_t)o->width,
			       msg_get(o->lang, "import_error_column"), o->red);
	if (note && *note)
		worksheet_write_string(o->ws, 0, (lxw_col_t)o->width + 1, note, o->red);
	o->row = 1;
}

/* Links tmp to path, failing when path exists, and removes tmp; where hard links are not
 * to be had (some mounted file systems), a rename that will not replace. */
static int publish(const char *tmp, const char *path)
{
	int rc = 0;
	if (link(tmp, path) == 0)
		unlink(tmp);
	else if (errno == EEXIST)
		rc = -2;
	else if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) != 0)
		rc = errno == EEXIST ? -2 : -1;
	if (rc) {
		int saved = errno;
		unlink(tmp);
		errno = saved;
	}
	return rc;
}

static int write_errors(const char *in_path, json_t *result, const struct import_marks *marks,
			enum lang lang, const char *out_path)
{
	json_t *errors = json_object_get(result, "errors");
	enum rowread_status st;
	struct rowread *rr = rowread_open(in_path, 0, &st);
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE};
	struct out o = {.wb = workbook_new_opt(out_path, &opts), .lang = lang};
	if (!o.wb) {
		rowread_close(rr);
		return -1;
	}
	o.red = workbook_add_format(o.wb);
	format_set_font_color(o.red, LXW_COLOR_RED);
	o.date = workbook_add_format(o.wb);
	format_set_num_format(o.date, "yyyy-mm-dd");
	char msg[4096], note[512] = "";
	if (!rr) {	/* the file itself was refused: one sheet saying why */
		lxw_worksheet *ws = workbook_add_worksheet(o.wb, NULL);
		worksheet_write_string(ws, 0, 0, msg_get(lang, "import_error_column"), o.red);
		worksheet_write_string(ws, 1, 0, msg_get(lang, rowread_status_key(st)), o.red);
		return workbook_close(o.wb) == LXW_NO_ERROR ? 0 : -1;
	}
	o.date1904 = rowread_date1904(rr);
	/* the detailed errors in the order of the rows: sorted once, then walked beside them */
	size_t nerr = json_array_size(errors), nspots = 0, at = 0, mat = 0;
	struct spot *spots = calloc(nerr ? nerr : 1, sizeof(*spots));
	struct import_marks sorted = {0};
	const struct import_marks *m = marks;
	int rc = spots ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < nerr; i++) {
		json_t *e = json_array_get(errors, i);
		const char *name = json_string_value(json_object_get(e, "sheet"));
		for (int s = 0; name && s < rowread_sheet_count(rr); s++) {
			const struct rowread_sheet *sh = rowread_sheet(rr, s);
			if (strcmp(sh->name ? sh->name : "", name) == 0) {
				spots[nspots++] = (struct spot){s, (long)json_integer_value(
					json_object_get(e, "row")), i};
				break;
			}
		}
	}
	if (nspots)
		qsort(spots, nspots, sizeof(*spots), spot_cmp);
	if (rc == 0 && marks && marks->n) {	/* in row order already, but for groups' errors */
		bool ordered = true;
		for (size_t k = 1; ordered && k < marks->n; k++)
			ordered = mark_cmp(&marks->v[k - 1], &marks->v[k]) <= 0;
		if (!ordered) {
			sorted.v = malloc(marks->n * sizeof(*sorted.v));
			if (sorted.v) {
				memcpy(sorted.v, marks->v, marks->n * sizeof(*sorted.v));
				qsort(sorted.v, marks->n, sizeof(*sorted.v), mark_cmp);
				sorted.n = marks->n;
				memcpy(sorted.labels, marks->labels, sizeof(sorted.labels));
				memcpy(sorted.codes, marks->codes, sizeof(sorted.codes));
				m = &sorted;
			} else
				rc = -1;
		}
	}
	if (marks && marks->overflow) {
		char fmt[256];
		snprintf(fmt, sizeof(fmt), "%s", msg_get(lang, "import_errors_unmarked"));
		long marked = (long)marks->n;
		for (size_t k = 0; k < nspots; k++)	/* rows marked in detail */
			marked += spots[k].row > 0 && (k == 0 || spots[k].row != spots[k - 1].row ||
						       spots[k].sheet != spots[k - 1].sheet);
		snprintf(note, sizeof(note), fmt, marked, marked);
	}
	struct rowread_row row;
	struct header h = {0};
	int cur = -1, part = 1;
	const char *sheet_name = "";
	while (rc == 0 && (st = rowread_next(rr, &row)) == ROWREAD_OK) {
		if (row.sheet != cur) {	/* a sheet's first row: its header */
			cur = row.sheet;
			part = 1;
			sheet_name = rowread_sheet(rr, cur) && rowread_sheet(rr, cur)->name
				? rowread_sheet(rr, cur)->name : "";
			header_free(&h);
			for (int c = 0; c < row.ncells; c++) {
				h.kind[c] = row.cells[c].kind;
				h.text[c] = strdup(row.cells[c].text);
				h.n = c + 1;
				if (!h.text[c]) {
					h.kind[c] = ROWREAD_EMPTY;
					h.text[c] = NULL;
					h.n = c;
					rc = -1;
					break;
				}
			}
			/* beside the header: the note of rows left unmarked (first sheet), errors of
			 * the sheet as a whole (hidden, merged cells), then the header's own (a
			 * missing column) */
			char head[sizeof(msg)];
			row_errors(errors, spots, nspots, &at, cur, 0, msg, sizeof(msg));
			row_errors(errors, spots, nspots, &at, cur, row.number, head, sizeof(head));
			char all[sizeof(msg) + sizeof(head) + sizeof(note) + 8];
			snprintf(all, sizeof(all), "%s%s%s%s%s", note, *note && *msg ? "; " : "", msg,
				 (*note || *msg) && *head ? "; " : "", head);
			sheet_start(&o, sheet_name, part, &h, all);
			*note = 0;
			continue;
		}
		if (o.row >= LXW_ROW_MAX) {	/* the sheet is full: on to the next */
			sheet_start(&o, sheet_name, ++part, &h, NULL);
		}
		for (int c = 0; c < row.ncells; c++)
			write_cell(o.ws, o.row, (lxw_col_t)c, row.cells[c].kind, row.cells[c].text,
				   o.date1904, o.date);
		row_errors(errors, spots, nspots, &at, row.sheet, row.number, msg, sizeof(msg));
		if (!*msg)
			row_mark(m, &mat, row.sheet, row.number, lang, msg, sizeof(msg));
		if (*msg)
			worksheet_write_string(o.ws, o.row, (lxw_col_t)(o.width > row.ncells ? o.width
					       : row.ncells), msg, o.red);
		o.row++;
	}
	if (rc == 0 && st != ROWREAD_END)
		rc = -1;	/* the file could not be read to its end: no partial workbook */
	header_free(&h);
	free(spots);
	free(sorted.v);
	rowread_close(rr);
	if (!o.ws)
		workbook_add_worksheet(o.wb, NULL);
	if (workbook_close(o.wb) != LXW_NO_ERROR)
		rc = -1;
	return rc;
}

int import_workbook_errors(const char *in_path, json_t *result,
			   const struct import_marks *marks, enum lang lang, const char *out_path)
{
	if (access(out_path, F_OK) == 0) {
		errno = EEXIST;
		return -2;
	}
	size_t len = strlen(out_path);
	char *tmp = malloc(len + 16);
	if (!tmp)
		return -1;
	snprintf(tmp, len + 16, "%s.tmp-XXXXXX", out_path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	close(fd);
	int rc = write_errors(in_path, result, marks, lang, tmp);
	if (rc == 0)
		rc = publish(tmp, out_path);
	else
		unlink(tmp);
	free(tmp);
	return rc;
}
