/*
 * sheet: tables out — CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs
 * read Chinese right), XLSX (libxlsxwriter, one sheet per table) and aligned text for the
 * terminal. A table is JSON: {"name", "title", "columns": [{"key", "label"}],
 * "rows": [{key: value}]}; values are integers, reals, text or null.
 */
#ifndef ANJU_CORE_SHEET_H
#define ANJU_CORE_SHEET_H

#include <jansson.h>
#include <stdio.h>

#include "core/buf.h"

void sheet_csv(json_t *table, struct buf *out);
/* Writes every table of the array `tables` to a new workbook at `path`; 0 on success. */
int sheet_xlsx(json_t *tables, const char *path);
/* Aligned columns, CJK counted double width. */
void sheet_text(json_t *table, FILE *out);

#endif
