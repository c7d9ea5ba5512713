/*
 * rowread: the rows of a table file that people bring, one at a time, never the whole file
 * in memory — CSV (as Excel in China writes it: GB18030 by default, UTF-8 with or without
 * a byte-order mark; the encoding is detected and told) and XLSX (libzip + expat: every
 * sheet in order; shared strings, inline strings, numbers, booleans, dates as Excel serial
 * numbers; hidden sheets, formulas and merged cells are reported, never silently taken).
 *
 * What a file is comes from its bytes, not its name: a ZIP holding xl/workbook.xml is a
 * workbook, an OLE compound file is an encrypted workbook or an old .xls, text without NUL
 * bytes is CSV, anything else is refused.
 *
 * Memory: a row at a time (its cells and text live until the next call). A workbook's
 * shared-string table (Excel keeps every distinct text there: millions in a county's
 * ledger) is kept out of memory, in an unlinked temporary file under $TMPDIR (else /tmp) of
 * at most ROWREAD_MAX_SHARED bytes, read back through a cache of a few megabytes at most;
 * memory keeps one index entry per block of strings (about 0.1 byte a string).
 */
#ifndef ANJU_ROWREAD_H
#define ANJU_ROWREAD_H
#include <stdbool.h>
#include <stddef.h>

#define ROWREAD_MAX_COLS 256
#define ROWREAD_MAX_CELL (32u << 10)	/* Excel's own limit is 32,767 characters */
#define ROWREAD_MAX_SHARED (1ull << 30)	/* the shared strings' temporary file */
/* How far a part of a workbook may inflate, counted in the bytes actually inflated (the
 * ZIP's own sizes are the file's word, not a fact): past ROWREAD_MAX_RATIO times its
 * compressed size once over ROWREAD_RATIO_FLOOR, or past ROWREAD_MAX_PART at all. Real
 * sheets compress about 5 to 15 times (a county's 1.92 M-person ledger: 9.4). */
#define ROWREAD_MAX_RATIO 200u
#define ROWREAD_RATIO_FLOOR (64ull << 20)
#define ROWREAD_MAX_PART (4ull << 30)

enum rowread_status {
	ROWREAD_OK = 0,
	ROWREAD_END,		/* no more rows */
	ROWREAD_IO,		/* the file could not be read */
	ROWREAD_NOT_TABLE,	/* neither CSV nor XLSX (a picture, a PDF, a ZIP of other files) */
	ROWREAD_OLD_XLS,	/* an Excel 97-2003 .xls: save it as .xlsx */
	ROWREAD_ENCRYPTED,	/* a password-protected workbook */
	ROWREAD_CORRUPT,	/* a damaged workbook (bad ZIP, bad XML, a missing part) */
	ROWREAD_TOO_LARGE,	/* over the size limit given to rowread_open */
	ROWREAD_BAD_CSV,	/* an unterminated quote or text after a closing quote */
	ROWREAD_BAD_TEXT,	/* bytes that are not text in the detected encoding */
	ROWREAD_TOO_WIDE,	/* more than ROWREAD_MAX_COLS columns or a cell over the limit */
	ROWREAD_BAD_SHARED,	/* a cell names a shared string the workbook does not have */
	ROWREAD_CELL_ORDER,	/* a cell's column at or before an earlier cell's in its row
				 * (Excel writes cells once, left to right): damaged */
	ROWREAD_ROW_ORDER,	/* a row's number at or before an earlier row's: damaged */
	ROWREAD_INFLATES,	/* a part inflates past ROWREAD_MAX_RATIO or ROWREAD_MAX_PART */
	ROWREAD_DUP_SHEETS,	/* two sheets of one name (Excel cannot make one): damaged */
};

enum rowread_kind {
	ROWREAD_EMPTY,
	ROWREAD_TEXT,
	ROWREAD_NUMBER,		/* text is the number as stored: "42", "5.20628E+17" */
	ROWREAD_DATE,		/* a number in a date format: text is the Excel serial ("43586") */
	ROWREAD_BOOL,		/* "TRUE" or "FALSE" */
	ROWREAD_ERROR,		/* a formula's error value: "#N/A" */
};

struct rowread_cell {
	enum rowread_kind kind;
	const char *text;	/* UTF-8, never NULL ("" when empty) */
	bool formula;		/* the cell holds a formula (text is its last result) */
};

struct rowread_row {
	int sheet;		/* 0-based index among the sheets */
	const char *sheet_name;	/* "Sheet1"; "" for CSV */
	long number;		/* 1-based row number as the spreadsheet shows it (CSV: line) */
	int ncells;		/* cells [0, ncells): column A is 0 */
	const struct rowread_cell *cells;
};

struct rowread_sheet {
	char *name;
	bool hidden;		/* hidden or very hidden */
	int merged;		/* merged ranges, known once the sheet has been read */
	char first_merged[32];	/* "A2:A5" */
};

struct rowread;

/* Opens the file at path, refusing one over max_bytes (0: no limit). NULL with *status
 * set when it cannot be read as a table. */
struct rowread *rowread_open(const char *path, long long max_bytes, enum rowread_status *status);
/* The next non-blank row into *row (valid until the next call or rowread_close):
 * ROWREAD_OK, ROWREAD_END, or an error (sticky). */
enum rowread_status rowread_next(struct rowread *r, struct rowread_row *row);
/* "csv" or "xlsx". */
const char *rowread_format(const struct rowread *r);
/* CSV: "UTF-8", "UTF-8 with BOM" or "GB18030"; XLSX: "UTF-8" (workbooks store Unicode). */
const char *rowread_encoding(const struct rowread *r);
/* True when the workbook's date numbers count from 1904 (Excel for Mac's old default)
 * rather than 1900: day 0 is 1904-01-01. */
bool rowread_date1904(const struct rowread *r);
/* The sheets of a workbook in order (one unnamed sheet for CSV). */
int rowread_sheet_count(const struct rowread *r);
const struct rowread_sheet *rowread_sheet(const struct rowread *r, int i);
/* Rows skipped because every cell was empty. */
long rowread_blank_rows(const struct rowread *r);
/* Where the last error happened: sheet index and row (0 when unknown). */
void rowread_where(const struct rowread *r, int *sheet, long *row);
/* The 0-based column of the cell the last error is about; -1 when none. */
int rowread_where_col(const struct rowread *r);
void rowread_close(struct rowread *r);
/* A message key for a status: "import_not_table", "import_encrypted", ... */
const char *rowread_status_key(enum rowread_status s);
/* Column letters of a 0-based index: 0 -> "A", 27 -> "AB". */
void rowread_column_name(int col, char out[8]);
#endif
