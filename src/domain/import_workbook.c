/* import_workbook: the workbooks an import writes — templates and the errors workbook. */
#include "domain/import_workbook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The errors of one row, joined: "身份证号: 身份证号被 Excel 转成了数字…; 姓名: 此项必填。" */
static const char *row_errors(json_t *errors, const char *sheet, long row, char *out, size_t cap)
{
	size_t n = 0;
	size_t i;
	json_t *e;
	out[0] = 0;
	json_array_foreach(errors, i, e) {
		if (json_integer_value(json_object_get(e, "row")) != row ||
		    strcmp(json_string_value(json_object_get(e, "sheet")), sheet) != 0)
			continue;
		const char *field = json_string_value(json_object_get(e, "field"));
		int w = snprintf(out + n, cap - n, "%s%s%s%s", n ? "; " : "", field ? field : "",
				 field && *field ? ": " : "",
				 json_string_value(json_object_get(e, "message")));
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
	}
	return out;
}

int import_workbook_errors(const char *in_path, json_t *result, enum lang lang,
			   const char *out_path)
{
	json_t *errors = json_object_get(result, "errors");
	enum rowread_status st;
	struct rowread *rr = rowread_open(in_path, 0, &st);
	lxw_workbook *wb = workbook_new(out_path);
	if (!wb) {
		rowread_close(rr);
		return -1;
	}
	lxw_format *red = workbook_add_format(wb);
	format_set_font_color(red, LXW_COLOR_RED);
	char msg[4096];
	if (!rr) {	/* the file itself was refused: one sheet saying why */
		lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
		worksheet_write_string(ws, 0, 0, msg_get(lang, "import_error_column"), red);
		worksheet_write_string(ws, 1, 0, msg_get(lang, rowread_status_key(st)), red);
		return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
	}
	struct rowread_row row;
	lxw_worksheet *ws = NULL;
	int cur = -1, width = 0;
	lxw_row_t out_row = 0;
	/* the file's own rows; an errors column after the widest row of each sheet (a first
	 * pass would read the file twice: the column goes after ROWREAD_MAX_COLS at most, so
	 * it is placed after the header's last column, where people look) */
	while (rowread_next(rr, &row) == ROWREAD_OK) {
		if (row.sheet != cur) {
			cur = row.sheet;
			char name[32];
			snprintf(name, sizeof(name), "%.31s", *row.sheet_name ? row.sheet_name : "Sheet1");
			ws = workbook_add_worksheet(wb, name);
			if (!ws)
				ws = workbook_add_worksheet(wb, NULL);
			out_row = 0;
			width = row.ncells;
			for (int c = 0; c < row.ncells; c++)
				worksheet_write_string(ws, 0, (lxw_col_t)c, row.cells[c].text, NULL);
			worksheet_write_string(ws, 0, (lxw_col_t)width,
					       msg_get(lang, "import_error_column"), red);
			/* errors of the sheet as a whole (hidden, merged cells) under the header */
			row_errors(errors, row.sheet_name, 0, msg, sizeof(msg));
			if (*msg)
				worksheet_write_string(ws, 0, (lxw_col_t)width + 1, msg, red);
			out_row = 1;
			continue;
		}
		for (int c = 0; c < row.ncells; c++) {
			const struct rowread_cell *cell = &row.cells[c];
			if (cell->kind == ROWREAD_NUMBER)
				worksheet_write_number(ws, out_row, (lxw_col_t)c, atof(cell->text), NULL);
			else if (cell->kind != ROWREAD_EMPTY)
				worksheet_write_string(ws, out_row, (lxw_col_t)c, cell->text, NULL);
		}
		row_errors(errors, row.sheet_name, row.number, msg, sizeof(msg));
		if (*msg)
			worksheet_write_string(ws, out_row, (lxw_col_t)(width > row.ncells ? width
					       : row.ncells), msg, red);
		out_row++;
	}
	rowread_close(rr);
	if (!ws)
		workbook_add_worksheet(wb, NULL);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}
