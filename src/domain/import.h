/*
 * import: moving a county's existing ledgers in (issue 14) — households with their members
 * from the CSV and XLSX files people already keep, all or nothing.
 *
 * Columns are found by their headers (names and common synonyms: 姓名 / 户主姓名, 身份证号 /
 * 身份证号码 / 公民身份号码, 迁出村 / 原居住村, 安置点 / 安置社区, ...) in the first non-blank
 * row of every sheet. Values are taken as people type them: villages and communities by
 * code or by name (within the row's town when there is a town column), dates as 2019-05-01,
 * 2019/5/1, 2019.5.1, 2019年5月1日, 20190501 or an Excel serial, relations, genders and
 * categories in Chinese words (the catalogue's words and common others), ID numbers with a
 * lowercase x, spaces, a leading apostrophe or 15 digits.
 *
 * Members are grouped into households by a household-number column, else by a head's ID
 * number column, else by their order (a 户主 row starts a household); a household's rows
 * must follow one another. A person is matched by ID number: a new household is created
 * through the same validation as the API's (household_create_in_tx), an existing one (found
 * by its number or its members) is updated where the file differs (household_update_in_tx,
 * person_update_fields), new members added; a person who lives in another household is an
 * error (that is a move).
 *
 * Everything runs in one write transaction: any row in error, a refused file or a dry run
 * rolls it back, so nothing is half-imported, not even by a killed process. The run itself
 * is recorded in the table imports, and every audit row it writes carries "import N".
 */
#ifndef ANJU_IMPORT_H
#define ANJU_IMPORT_H
#include <jansson.h>
#include <stdbool.h>

#include "core/msg.h"
#include "core/outcome.h"
#include "domain/actor.h"

/* The largest file an import reads, by default. */
#define IMPORT_MAX_BYTES_DEFAULT (512LL << 20)
/* A mapping's limits: headers per run, bytes per header. */
#define IMPORT_MAX_MAPPING 64
#define IMPORT_MAX_HEADER 200
/* The longest file name an import records, in bytes. */
#define IMPORT_MAX_NAME 255
/* Rows of each count (create, update, unchanged, error) shown in an import's "first". */
#define IMPORT_FIRST_ROWS 5
/* Errors kept for the answer and the errors workbook (all are counted). */
#define IMPORT_MAX_ERRORS 10000

struct import_opts {
	const char *kind;	/* "households" */
	const char *path;	/* the file on disk */
	const char *file_name;	/* as the user named it */
	bool dry_run;
	long long max_bytes;	/* 0: IMPORT_MAX_BYTES_DEFAULT */
	enum lang lang;		/* of the messages in the answer */
	/* a run with rows in error keeps its errors workbook in the blob store (cx->blobs) for
	 * its author (import_errors_workbook_of); the command line writes its own (--errors) */
	bool keep_errors;
	/* the command line's --errors: the errors workbook written at this path (never over an
	 * existing file), told in the answer's "errors_out": "written", "exists" or "failed" */
	const char *errors_out;
	/* {header: column} for headers the import does not know (a column's key: a field of the
	 * kind's template, the household's phone as household_phone; "" forgets a header):
	 * used by this run, and remembered for the kind, for everyone's later runs */
	json_t *mapping;
	/* called every 1,000 rows read, and once at the end of each pass (may be NULL): the
	 * check ("check") reads the whole file first, then the write ("write") reads it again */
	void (*progress)(void *arg, const char *phase, long rows, long errors);
	void *progress_arg;
};

/* Runs an import. *out is the import as recorded (also when refused): {id, kind, status
 * (done, checked, failed), dry_run, file: {name, bytes, sha256, format, encoding}, rows,
 * blank_rows, counts: {households|persons: {create, update, unchanged, error}}, first:
 * {create, update, unchanged, error: [first rows]} (an update's row with its changes:
 * [{row, field, was, now}], coded values in words of o->lang), errors: [{sheet, row, column, field,
 * code, message, value}], errors_total, columns: {field: header}, ignored_columns}.
 * OUT_OK when everything was (or with dry_run would be) imported; OUT_INVALID when any row
 * or the file was refused (nothing written, *out says why); OUT_FORBIDDEN for a role that
 * may not create households; OUT_BUSY / OUT_INTERNAL when the store failed. */
enum outcome import_run(struct ctx *cx, const struct import_opts *o, json_t **out);
/* One recorded import (the same object); NOT_FOUND when absent or, for a user other than
 * an admin, the county or an auditor, someone else's. */
enum outcome import_get(struct ctx *cx, int64_t id, json_t **out);
/* The blob (its SHA-256) of import id's errors workbook, for the user who ran it only (the
 * workbook holds their file's rows whole): NOT_FOUND for anyone else, or when there is none
 * (the run wrote, or its file was not a table). */
enum outcome import_errors_workbook_of(struct ctx *cx, int64_t id, char sha256[65]);
/* The columns of a kind a mapping may name: {"items": [{key, label}]}, labels in lang. */
json_t *import_columns(const char *kind, enum lang lang);
/* The kind's remembered mapping: {"items": [{header, column, user, at}]}. */
enum outcome import_mappings(struct ctx *cx, const char *kind, json_t **out);
/* How long a refused run's errors workbook is kept for its author (it holds their file's
 * rows whole, ID numbers and all): then it is removed (import_expire_errors). */
#define IMPORT_ERRORS_KEEP (7 * 24 * 3600LL)
#define IMPORT_EXPIRE_BATCH 200
/* Removes the errors workbooks of runs that ended more than keep_seconds ago (at most
 * IMPORT_EXPIRE_BATCH a call): each import's link to it, and the blob when nothing else
 * names those bytes. Returns how many runs lost theirs, or -1 when the store failed. Called
 * at each import and by the server's upkeep thread. */
int import_expire_errors(struct ctx *cx, long long keep_seconds);
/* The latest `limit` recorded imports the actor may look at (as import_get), newest first:
 * {"items": [{id, started_at, user, file_name, format, encoding, dry_run, status, rows,
 * errors}]}. */
enum outcome import_list(struct ctx *cx, int limit, json_t **out);
/* The kinds an import knows ("households"). */
bool import_kind_known(const char *kind);
#endif
