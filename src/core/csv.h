/*
 * csv: an RFC 4180 reader over a buffer in memory: quoted fields, doubled quotes, CRLF or
 * LF line ends, line breaks inside quotes, a leading UTF-8 byte-order mark skipped. Field
 * text is copied into the caller's arena.
 */
#ifndef ANJU_CSV_H
#define ANJU_CSV_H
#include <stddef.h>

#include "core/arena.h"

struct csv_reader {
	const char *p, *end;
	int line;		/* line number of the record just read (1-based) */
};

void csv_init(struct csv_reader *r, const char *data, size_t len);
/* Reads the next record into fields[0..max). Returns the field count, 0 at the end,
 * -1 on a malformed record (unterminated quote, text after a closing quote, too many
 * fields) or when the arena is exhausted. */
int csv_next(struct csv_reader *r, struct arena *a, char **fields, int max);
#endif
