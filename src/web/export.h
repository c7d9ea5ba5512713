/*
 * export: every CSV, XLSX and PDF download passes through here, so the rules hold for all
 * of them in one place:
 *  - who may: role_can_export (403 problem otherwise);
 *  - in which language: ?lang=en|zh, else the page's language cookie, else Accept-Language;
 *  - marked: who exported it and when (export_mark: CSV file name, XLSX properties and
 *    first row, PDF footer);
 *  - in bounded memory at any length: rows come a page at a time from a source; CSV goes
 *    out chunked as pages are read, XLSX is written in libxlsxwriter's constant-memory mode
 *    to a temporary file (DATA/tmp/export-PID-*) that is unlinked once open and then sent;
 *  - one page (EXPORT_PAGE_ROWS rows) must fit within the request_memory setting: a page
 *    that does not is refused with 413 problem+json before the first byte, or ends the
 *    transfer unfinished (no closing chunk) when the answer has begun; never a crash.
 */
#ifndef ANJU_WEB_EXPORT_H
#define ANJU_WEB_EXPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/export_mark.h"
#include "web/request.h"

#define EXPORT_PAGE_ROWS 200

/* Hands the next page of rows (a JSON array, empty at the end) read through cx, whose
 * arena is fresh for each page. */
typedef enum outcome (*export_next_fn)(void *state, struct ctx *cx, int max, json_t **rows);

/* One table of an export: its rows held whole (`rows`), or read from a source. */
struct export_table {
	const char *name;		/* the sheet's name, in the language of the export */
	json_t *columns;		/* [{"key", "label"}]: taken (export_send releases it) */
	json_t *rows;			/* taken; NULL when the rows come from `next` */
	export_next_fn next;
	void *state;
	void (*release)(void *state);	/* called once for `state`, whatever happens */
};

/* Sets the request's language for the export. Call before building anything in that
 * language. Who may export is the route row's to say (PERM_EXPORT, .export_formats) and
 * the dispatcher's to check; here it is only asserted. */
void export_begin(struct request *rq);
/* The mark of this request's export. */
void export_mark_of(struct request *rq, struct export_mark *m);
/* Answers with the tables as an XLSX workbook (format "xlsx": a sheet each) or the table at
 * `csv_index` as CSV (format "csv"), downloaded as BASE-USER-STAMP.xlsx/.csv. Takes what
 * the tables hold. */
void export_send(struct request *rq, const char *format, const char *base,
		 struct export_table *tables, int ntables, int csv_index);
/* The columns of a table, each labelled by the message `prefix` + its key in the export's
 * language: [{"key", "label"}] for export_table.columns. */
json_t *export_columns(struct request *rq, const char *prefix, const char *const *keys);
/* Words, not codes (every table's rows pass through export_words before they are written):
 * the column `key` of `columns` holds codes of the message list PREFIX_CODE
 * (export_column_words) or of a catalogue's rows [{code, name_zh, name_en}] (taken as a
 * reference: export_column_names). Whatever the columns, a boolean is 是/否 (yes/no), an instant ("...Z") is written in
 * the county's time zone with its offset, and a division code in a division's column
 * (community, village, town...) by its name (the row's KEY_name, else the divisions). */
void export_column_words(json_t *columns, const char *key, const char *prefix);
void export_column_names(json_t *columns, const char *key, json_t *catalogue);
void export_words(enum lang lang, struct store_conn *db, json_t *columns, json_t *rows);
/* For a source reading a keyset list ({"items", "next": "id" or null}) a page at a time:
 * the page's items, masked for the actor (privacy_present), with *after set to the next
 * page's cursor, or -1 after the last page. Takes page (NULL: the list is done, an empty
 * array). */
json_t *export_page_rows(struct ctx *cx, json_t *page, int64_t *after);
/* The Content-Disposition of a PDF shown in the browser, named BASE-USER-STAMP.pdf. */
void export_pdf_headers(struct request *rq, const struct export_mark *m, const char *base);
#endif
