/*
 * rowpipe: rowread on a second thread. A producer thread runs rowread_next (decoding,
 * CSV splitting or XML parsing, row assembly) and hands the rows to the caller in batches,
 * so that reading a file and doing something with its rows use both cores (issue 14).
 *
 * The contract is rowread's: rowpipe_next gives the next non-blank row, valid until the
 * next call or rowpipe_close, then ROWREAD_END or the reader's error, sticky, with
 * rowpipe_where saying where the reader met it. What a file says about itself is as
 * rowread says it:
 *   - format, encoding, date1904, the sheets' count, names and hidden: known once open;
 *   - blank rows, merged ranges and where an error happened: as the reader saw them when
 *     it closed the last batch the caller has taken; once rowpipe_next has said END (or an
 *     error) they are the reader's last word.
 *
 * Threads: the caller's thread is the only one that may call rowpipe_* (one consumer);
 * the rowread belongs to the producer from rowpipe_open on. Nothing the two share is
 * touched outside the ring's mutex, except a stop flag (an atomic).
 *
 * Memory: a ring of a few batches (ROWPIPE_BATCHES), each one block of copied cell texts
 * and one of cells, closed at ROWPIPE_BATCH_ROWS rows, ROWPIPE_BATCH_CELLS cells or
 * ROWPIPE_BATCH_BYTES of text, whichever comes first (plus the row that crossed it):
 * bounded whatever the file's size (about 1 MiB a batch for a county's CSV; at most about
 * 3 MiB plus one row's text). Blocks are reused batch after batch. A full ring makes the
 * producer wait for the caller.
 */
#ifndef ANJU_ROWPIPE_H
#define ANJU_ROWPIPE_H
#include <stdbool.h>

#include "core/rowread.h"

#define ROWPIPE_BATCH_ROWS 2048
#define ROWPIPE_BATCH_CELLS 65536
#define ROWPIPE_BATCH_BYTES (1u << 20)
#define ROWPIPE_BATCHES 4

/* The ring's shape: 0 in a field takes the default above (tests use tiny batches). */
struct rowpipe_shape {
	int batch_rows;
	int batches;
};

struct rowpipe;

/* Opens the file with rowread_open on the caller's thread (so a file that is not a table
 * is refused at once, as rowread refuses it), then starts the producer. NULL with *status
 * set when the file cannot be read as a table (ROWREAD_IO also when no thread could be
 * started). shape may be NULL. */
struct rowpipe *rowpipe_open(const char *path, long long max_bytes,
			     const struct rowpipe_shape *shape, enum rowread_status *status);
/* The next non-blank row into *row (valid until the next call or rowpipe_close):
 * ROWREAD_OK, ROWREAD_END, or the reader's error (sticky). */
enum rowread_status rowpipe_next(struct rowpipe *p, struct rowread_row *row);
/* As rowread_format, rowread_encoding, rowread_date1904. */
const char *rowpipe_format(const struct rowpipe *p);
const char *rowpipe_encoding(const struct rowpipe *p);
bool rowpipe_date1904(const struct rowpipe *p);
/* The sheets in order: name and hidden from the start, merged as of the last batch taken. */
int rowpipe_sheet_count(const struct rowpipe *p);
const struct rowread_sheet *rowpipe_sheet(const struct rowpipe *p, int i);
/* Rows skipped because every cell was empty, as of the last batch taken. */
long rowpipe_blank_rows(const struct rowpipe *p);
/* Where the reader met the error rowpipe_next returned: sheet index and row (0 unknown). */
void rowpipe_where(const struct rowpipe *p, int *sheet, long *row);
/* The 0-based column of the cell that error is about; -1 when none. */
int rowpipe_where_col(const struct rowpipe *p);
/* Stops the producer (also while it waits on a full ring or reads), joins it and frees
 * everything. The caller may close before END. NULL is a no-op. */
void rowpipe_close(struct rowpipe *p);
#endif
