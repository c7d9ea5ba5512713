/* sheet: tables as CSV, XLSX and text. */
#include "core/sheet.h"

#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/utf8.h"

/* A cell's text: integers as they are, reals to two places, null empty. */
static void cell_text(json_t *v, char *out, size_t n)
{
	if (json_is_integer(v))
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(out, n, "%.2f", json_real_value(v));
	else if (json_is_string(v))
		snprintf(out, n, "%s", json_string_value(v));
	else
		out[0] = 0;
}

static void csv_field(struct buf *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(out, s);
		return;
	}
	buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

void sheet_csv(json_t *table, struct buf *out)
{
	json_t *cols = json_object_get(table, "columns"), *c, *row;
	size_t i, j;
	buf_puts(out, "\xEF\xBB\xBF");
	json_array_foreach(cols, i, c) {
		if (i)
			buf_putc(out, ',');
		csv_field(out, json_string_value(json_object_get(c, "label")));
	}
	buf_puts(out, "\r\n");
	json_array_foreach(json_object_get(table, "rows"), j, row) {
		json_array_foreach(cols, i, c) {
			char cell[512];
			cell_text(json_object_get(row, json_string_value(json_object_get(c, "key"))),
				  cell, sizeof(cell));
			if (i)
				buf_putc(out, ',');
			csv_field(out, cell);
		}
		buf_puts(out, "\r\n");
	}
}

int sheet_xlsx(json_t *tables, const char *path)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return -1;
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	format_set_text_wrap(head);
	lxw_format *real = workbook_add_format(wb);
	format_set_num_format(real, "0.00");
	json_t *t, *c, *row;
	size_t ti, i, j;
	json_array_foreach(tables, ti, t) {
		lxw_worksheet *ws = workbook_add_worksheet(wb, json_string_value(json_object_get(t, "name")));
		if (!ws) {
			workbook_close(wb);
			return -1;
		}
		json_t *cols = json_object_get(t, "columns");
		worksheet_set_column(ws, 0, (lxw_col_t)(json_array_size(cols) ? json_array_size(cols) - 1 : 0),
				     14, NULL);
		json_array_foreach(cols, i, c)
			worksheet_write_string(ws, 0, (lxw_col_t)i,
					       json_string_value(json_object_get(c, "label")), head);
		json_array_foreach(json_object_get(t, "rows"), j, row)
			json_array_foreach(cols, i, c) {
				json_t *v = json_object_get(row, json_string_value(json_object_get(c, "key")));
				lxw_row_t r = (lxw_row_t)(j + 1);
				if (json_is_integer(v))
					worksheet_write_number(ws, r, (lxw_col_t)i, (double)json_integer_value(v), NULL);
				else if (json_is_real(v))
					worksheet_write_number(ws, r, (lxw_col_t)i, json_real_value(v), real);
				else if (json_is_string(v))
					worksheet_write_string(ws, r, (lxw_col_t)i, json_string_value(v), NULL);
			}
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
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
			cell_text(json_object_get(row, json_string_value(json_object_get(c, "key"))), cell, sizeof(cell));
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
				cell_text(json_object_get(json_array_get(rows, (size_t)line),
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
