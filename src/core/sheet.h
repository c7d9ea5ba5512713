/*
 * sheet: tables out — CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs
 * read Chinese right), XLSX (libxlsxwriter in constant-memory mode, one sheet per table)
 * and aligned text for the terminal. A table is JSON: {"name", "title", "columns":
 * [{"key", "label"}], "rows": [{key: value}]}; values are integers, reals, text or null.
 *
 * Both writers take rows a batch at a time, so a list of any length passes through in
 * bounded memory: the caller fetches a page of rows, hands it on, and lets it go.
 *
 * Every text cell that a spreadsheet would read as a formula (it begins with = + - @, a
 * tab or a carriage return) is written with a leading apostrophe (OWASP's advice against
 * CSV injection). Numbers stay numbers: -3.5 stored as a number is written as a number.
 */
#ifndef ANJU_CORE_SHEET_H
#define ANJU_CORE_SHEET_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/buf.h"

/* Excel's limit on a worksheet name, in characters. */
#define SHEET_NAME_MAX 31

/* True when a spreadsheet would take text beginning like s for a formula. */
bool sheet_looks_like_formula(const char *s);

/* CSV: the byte-order mark and the header line of `columns`. */
void sheet_csv_head(json_t *columns, struct buf *out);
/* CSV: one line per row of the array `rows`, columns in the order of `columns`. */
void sheet_csv_rows(json_t *columns, json_t *rows, struct buf *out);
/* CSV: a whole table (head and rows). */
void sheet_csv(json_t *table, struct buf *out);

/* Who made a file and when; written into every workbook (document properties and a first
 * row on each sheet). Any field may be NULL. */
struct sheet_mark {
	const char *author;	/* "admin" */
	const char *line;	/* the first row's text: "Exported by admin, 2026-11-29 16:20 +08:00" */
	const char *title;	/* the document title */
};

/* An XLSX workbook being written to a file, one sheet at a time. */
struct sheet_book;
/* Starts a workbook at `path`; libxlsxwriter keeps its row files in `tmpdir` (NULL: the
 * system's). NULL on failure. */
struct sheet_book *sheet_book_open(const char *path, const char *tmpdir, const struct sheet_mark *mark);
/* Starts the next sheet, named after `name` made valid (see sheet_name) and headed by the
 * mark's line and the column labels. 0 on success. */
int sheet_book_begin(struct sheet_book *b, const char *name, json_t *columns);
/* Appends the rows of the array `rows` to the current sheet. 0 on success; -1 past
 * Excel's 1,048,576 rows or on a write error (sticky: later calls fail too). */
int sheet_book_rows(struct sheet_book *b, json_t *rows);
/* Writes the file and frees the book (also after a failure); 0 when the file is whole. */
int sheet_book_close(struct sheet_book *b);
/* Every table of the array `tables` into a new workbook at `path`; 0 on success. */
int sheet_xlsx(json_t *tables, const char *path, const struct sheet_mark *mark);

/* A worksheet name Excel accepts, made from `in`: the characters []:*?/\ replaced by '_',
 * an apostrophe at either end replaced, cut at SHEET_NAME_MAX characters (never inside a
 * UTF-8 sequence; a character outside the BMP counts two, as Excel counts), "Sheet" when
 * nothing is left; and unique among the `n` names in `used` (compared without regard to
 * ASCII case, as Excel does) by a " (2)", " (3)" ... suffix within the limit. `out` holds
 * at least SHEET_NAME_MAX * 4 + 1 bytes. */
void sheet_name(const char *in, const char *const *used, int n, char *out);

/* Aligned columns, CJK counted double width. */
void sheet_text(json_t *table, FILE *out);

#endif
